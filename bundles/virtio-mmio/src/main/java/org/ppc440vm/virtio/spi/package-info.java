/**
 * The virtio device SPI: what a virtio device bundle (virtio-blk, virtio-net) builds on.
 *
 * <p>A device implements {@link org.ppc440vm.virtio.spi.VirtioDevice}: its id, the features it offers, its queues
 * and its configuration space, and what it does when the driver has set it up ({@code activate}), kicks a queue
 * ({@code queueNotify}) or resets it ({@code deactivate}, {@code reset}). The transport,
 * {@link org.ppc440vm.virtio.spi.VirtioMmioTransport}, owns everything the guest's driver sees of virtio-mmio
 * version 2 (registers, status, feature negotiation, queue setup, interrupt status) and hands the device, at
 * DRIVER_OK, one {@link org.ppc440vm.virtio.spi.VirtQueue} per queue and an
 * {@link org.ppc440vm.virtio.spi.InterruptNotifier}.
 *
 * <p>A device pops {@link org.ppc440vm.virtio.spi.DescriptorChain}s that the queue has already checked (inside
 * guest RAM, no loops, not longer than the queue, device-readable buffers before device-writable ones, sane
 * lengths). A chain that fails those checks is a {@link org.ppc440vm.virtio.spi.VirtioProtocolException}; the
 * device passes it to {@link org.ppc440vm.virtio.spi.InterruptNotifier#needsReset(String)} and the transport puts
 * the device into DEVICE_NEEDS_RESET with one log line. Nothing a guest writes can make the transport throw into
 * the vCPU or touch host memory outside guest RAM.
 *
 * <p>How a device bundle plugs into the board: a Declarative Services component that extends
 * {@link org.ppc440vm.virtio.spi.VirtioMmioComponent}, is registered as
 * {@link org.ppc440vm.api.device.MmioDevice} and {@link org.ppc440vm.api.device.StatefulDevice}, and calls
 * {@code plug(...)} from its {@code @Activate} method. The board maps every MmioDevice service.
 *
 * <p>Device tests use the driver-side mock in the test-jar of this module (package
 * {@code org.ppc440vm.virtio.testing}: {@code MockDriver}, {@code DriverQueue}, {@code HeapGuestMemory}).
 */
@Export
@Version("1.0.0")
package org.ppc440vm.virtio.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
