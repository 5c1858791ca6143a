package org.ppc440vm.tlb.spi;

import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.TranslationCache;

/** Makes one {@link Mmu440} per vCPU. Registered as a service by the tlb bundle. */
public interface MmuFactory {

    /**
     * An MMU for the vCPU with this state, filling {@code cache}, over {@code ram}. The MMU owns the cache alone
     * (one host thread per vCPU): it flushes it and is resident from the start.
     */
    Mmu440 create(CpuState state, TranslationCache cache, GuestRam ram);

    /**
     * The host TLB tier of a host thread that runs several vCPUs over the one translation cache {@code hardware}
     * (their CPUs must all translate through it).
     */
    HostTlb hostTlb(TranslationCache hardware);
}
