/** The tlb bundle's service interface: the 440 MMU as kvm-core drives it (tlbwe/tlbre/tlbsx, misses, contexts). */
@Export
@Version("1.1.0")
package org.ppc440vm.tlb.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
