package org.ppc440vm.tlb.spi;

import org.ppc440vm.cpu.spi.MissHandler;

/**
 * The three-tier TLB of one vCPU: the guest TLB (what the guest wrote, 64 entries), the shadow TLB (the 4 KiB
 * translations the CPU uses, filled on demand) and the host tier (saved and restored when a host thread switches
 * vCPUs). kvm-core calls the {@code tlb*} methods when it emulates those instructions; the CPU calls
 * {@link #miss} when its translation cache misses.
 */
public interface Mmu440 extends MissHandler {

    /** {@code tlbwe}: writes word {@code word} (0, 1, 2) of guest entry {@code index} (0..63). */
    void tlbwe(int index, int word, int value);

    /** {@code tlbre}: reads word {@code word} of guest entry {@code index} (word 0 also loads MMUCR[STID] with TID). */
    int tlbre(int index, int word);

    /** {@code tlbsx}: the index of the entry translating {@code ea} for MMUCR[STID]/[STS], or -1. */
    int tlbsx(int ea);

    int mmucr();

    void setMmucr(int value);

    /** The guest changed PID or MSR[PR/IS/DS]: the CPU state's contexts are recomputed and stale translations go. */
    void contextChanged();
}
