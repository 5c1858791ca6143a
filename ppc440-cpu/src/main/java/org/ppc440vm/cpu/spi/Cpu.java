package org.ppc440vm.cpu.spi;

import org.ppc440vm.api.exit.ExitReason;

/**
 * One 440 core executing a guest at user privilege. Not thread-safe: one host thread runs it at a time.
 */
public interface Cpu {

    CpuState state();

    /**
     * Executes until a trap, or until about {@code maxInstructions} have retired (then {@link ExitReason#TIMESLICE}),
     * or until {@link CpuState#stopRequest} is seen at a block boundary (also TIMESLICE). The returned reason is also
     * in {@link CpuState#trap}.
     */
    ExitReason run(long maxInstructions);

    /** Drops decoded instructions of guest-physical range {@code [address, address + length)} (a loader or DMA wrote code). */
    void invalidateCode(long address, long length);

    /** The translation cache this core translates with (what the tlb bundle fills). */
    TranslationCache translationCache();
}
