package org.ppc440vm.tlb.spi;

import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.TranslationCache;

/** Makes one {@link Mmu440} per vCPU. Registered as a service by the tlb bundle. */
public interface MmuFactory {

    /** An MMU for the vCPU with this state, filling {@code cache}, over {@code ram}. */
    Mmu440 create(CpuState state, TranslationCache cache, GuestRam ram);
}
