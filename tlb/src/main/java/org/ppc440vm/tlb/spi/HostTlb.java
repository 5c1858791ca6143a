package org.ppc440vm.tlb.spi;

import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.TranslationCache;

/**
 * The host TLB tier of one host thread that runs several vCPUs (of one VM or of several) in turn: the thread's
 * translation cache is its "hardware TLB", shared by all of them, and exactly one vCPU's shadow entries are in it at
 * a time. A switch saves the outgoing vCPU's entries and restores the incoming one's, so that neither sees any
 * change and neither refills what it had. Used only on the owning thread.
 */
public interface HostTlb {

    /** The thread's translation cache; every CPU scheduled on this thread must translate through it. */
    TranslationCache hardware();

    /** An MMU for a vCPU that this thread will run; it is not resident until {@link #switchTo} names it. */
    Mmu440 create(CpuState state, GuestRam ram);

    /** Makes {@code mmu} (made by {@link #create}) the resident vCPU: the previous one is saved, this one restored. */
    void switchTo(Mmu440 mmu);

    /** The resident vCPU leaves the thread (pause, snapshot, end of the thread's turn): its entries are saved. */
    void release();

    /** The vCPU whose entries are in the cache, or null. */
    Mmu440 resident();

    /** Switches that actually changed the resident vCPU. */
    long switches();
}
