/**
 * The CPU's service-provider interface: the contracts between the CPU ("the hardware"), the tlb bundle (which
 * fills the translation cache the CPU translates with) and kvm-core (which runs the CPU and handles its traps).
 *
 * <p>The hot path is designed here: {@link org.ppc440vm.cpu.spi.CpuState} holds registers in plain fields,
 * {@link org.ppc440vm.cpu.spi.TranslationCache} is an array index and a compare per access, and a miss or trap is a
 * return code, never an exception or an allocation.
 */
@Export
@Version("1.2.0")
package org.ppc440vm.cpu.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
