/** kvm-core's service interface: what the board and the shell see of the hypervisor. */
@Export
@Version("1.1.0")
package org.ppc440vm.kvm.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
