package org.ppc440vm.cpu.spi;

import org.ppc440vm.api.exit.ExitReason;

/**
 * The architected state of one 440 core, as plain fields for the interpreter's hot path.
 *
 * <p>The CPU always runs the guest at user privilege; {@link #msr} is the MSR <em>as the guest sees it</em>, which the
 * CPU consults for MSR[FP] (FP unavailable), MSR[PR] (the guest's own privilege, part of the translation context),
 * MSR[IS]/MSR[DS] (address space) and MSR[EE]. Supervisor SPRs live in kvm-core, which emulates them; the CPU
 * serves itself only what user mode may touch (XER, LR, CTR, USPRG0, SPRG4-7 reads, the time base).
 *
 * <p>When {@link Cpu#run(long)} returns a trap, {@link #trap} says why and the trap fields describe it; {@link #pc}
 * is then the address of the trapping instruction (for system call: the instruction after {@code sc}, as SRR0 wants).
 */
public final class CpuState {
    // MSR bits (Book E / 440 numbering, as masks)
    public static final int MSR_WE = 1 << 18;
    public static final int MSR_CE = 1 << 17;
    public static final int MSR_EE = 1 << 15;
    public static final int MSR_PR = 1 << 14;
    public static final int MSR_FP = 1 << 13;
    public static final int MSR_ME = 1 << 12;
    public static final int MSR_FE0 = 1 << 11;
    public static final int MSR_DWE = 1 << 10;
    public static final int MSR_DE = 1 << 9;
    public static final int MSR_FE1 = 1 << 8;
    public static final int MSR_IS = 1 << 5;
    public static final int MSR_DS = 1 << 4;

    // ESR bits (Book E)
    public static final int ESR_PIL = 1 << 27;
    public static final int ESR_PPR = 1 << 26;
    public static final int ESR_PTR = 1 << 25;
    public static final int ESR_FP = 1 << 24;
    public static final int ESR_ST = 1 << 23;
    public static final int ESR_DLK = 1 << 21;
    public static final int ESR_ILK = 1 << 20;
    public static final int ESR_AP = 1 << 19;
    public static final int ESR_PUO = 1 << 18;
    public static final int ESR_BO = 1 << 17;
    public static final int ESR_PIE = 1 << 16;

    public final int[] gpr = new int[32];
    /** FPRs as raw IEEE-754 double bits. */
    public final long[] fpr = new long[32];
    public int pc;
    public int cr;
    public int xer;
    public int lr;
    public int ctr;
    public int fpscr;
    /** The guest's MSR (virtual: the host runs it at user privilege whatever this says). */
    public int msr;
    /** The guest's PID (8 bits on the 440). */
    public int pid;
    public int usprg0;
    /** SPRG4-7, which user mode may read through SPRs 260-263. */
    public final int[] sprg4to7 = new int[4];

    /** lwarx/stwcx. reservation. */
    public boolean reserved;
    public int reservationAddress;

    /** Guest instructions retired. */
    public long instructions;

    /** Source of the time base for mftb and mfspr 268/269. */
    public TimeBase timeBase = TimeBase.ZERO;

    /**
     * Set by another thread to make {@link Cpu#run(long)} return {@link ExitReason#TIMESLICE} at the next block
     * boundary (a pending interrupt, a pause, a hot-swap). The CPU never clears it; its owner does.
     */
    public volatile boolean stopRequest;

    // ---- the last trap ----
    public ExitReason trap;
    /** The instruction word at {@link #trapPc}. */
    public int trapInstruction;
    public int trapPc;
    /** ESR bits describing a program, storage or alignment trap. */
    public int trapEsr;
    /** The data effective address of a storage, alignment or data-TLB trap (what DEAR receives). */
    public int trapAddress;
    /** The guest-physical address of an access that is not RAM (MMIO). */
    public long trapPhysical;

    // ---- translation contexts, derived: see contexts() ----
    /** Tag bits of instruction fetches: PR (bit 9), IS (bit 8), PID. */
    public int fetchContext;
    /** Tag bits of data accesses: PR (bit 9), DS (bit 8), PID. */
    public int dataContext;

    /** Recomputes the translation contexts after MSR[PR/IS/DS] or PID changed. */
    public void updateContexts() {
        int pr = (msr & MSR_PR) != 0 ? 1 << 9 : 0;
        int p = pid & 0xFF;
        fetchContext = pr | ((msr & MSR_IS) != 0 ? 1 << 8 : 0) | p;
        dataContext = pr | ((msr & MSR_DS) != 0 ? 1 << 8 : 0) | p;
    }

    /** XER bits. */
    public static final int XER_SO = 1 << 31;
    public static final int XER_OV = 1 << 30;
    public static final int XER_CA = 1 << 29;
}
