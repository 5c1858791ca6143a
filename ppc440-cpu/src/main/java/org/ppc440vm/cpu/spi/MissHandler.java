package org.ppc440vm.cpu.spi;

/**
 * What the CPU calls when an access misses the {@link TranslationCache}: the tlb bundle's miss path (or a flat
 * mapping in user mode). Called on the vCPU thread; must not allocate on the common paths.
 */
public interface MissHandler {
    /** Access kinds. */
    int FETCH = 0;
    int LOAD = 1;
    int STORE = 2;

    /** The cache now holds the translation: retry the access (a "light exit", never seen by the guest). */
    int REFILLED = 0;
    /**
     * The access goes to RAM but must not be cached (a 1 KiB guest page): the guest-physical address is in
     * {@link CpuState#trapPhysical}; the CPU performs this one access there.
     */
    int DIRECT = 1;
    /** The page is not RAM: {@link CpuState#trapPhysical} holds the guest-physical address (an MMIO exit). */
    int MMIO = 2;
    /** A fault for the guest: the handler has set {@link CpuState#trap}, {@code trapEsr} and {@code trapAddress}. */
    int FAULT = 3;

    /**
     * Resolves a miss for an access of {@code kind} to effective address {@code ea}.
     *
     * @return one of {@link #REFILLED}, {@link #DIRECT}, {@link #MMIO}, {@link #FAULT}
     */
    int miss(CpuState state, int ea, int kind);
}
