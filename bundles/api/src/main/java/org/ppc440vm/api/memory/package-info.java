/**
 * Guest physical memory: the guest's RAM as a flat, big-endian space, with bounds-checked access for device DMA.
 */
@Export
@Version("1.0.0")
package org.ppc440vm.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
