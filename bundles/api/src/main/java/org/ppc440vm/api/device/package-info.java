/**
 * Devices: MMIO windows, DCR ranges, interrupt lines, device-tree contributions and device state as a value.
 * <p>A device bundle registers an {@link org.ppc440vm.api.device.MmioDevice} and/or {@link org.ppc440vm.api.device.DcrDevice}
 * service; the board maps it, hands it a {@link org.ppc440vm.api.device.DeviceContext} (guest memory, its interrupt line)
 * and asks it for its {@link org.ppc440vm.api.device.DeviceTreeNode}. A device that implements
 * {@link org.ppc440vm.api.device.StatefulDevice} can be hot-swapped: its state moves to the new implementation as a
 * {@link org.ppc440vm.api.device.DeviceState}.
 */
@Export
@Version("1.1.0")
package org.ppc440vm.api.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
