package org.ppc440vm.kvm.vcpu;

import java.util.Arrays;

/**
 * The Book E supervisor registers the hypervisor keeps for the guest (the CPU never sees them): save/restore
 * registers of the three interrupt levels, DEAR, ESR, the vector registers, SPRG0-3 and the debug facility. PID,
 * USPRG0 and SPRG4-7 live in {@link org.ppc440vm.cpu.spi.CpuState}, where the CPU reads them; the timer registers
 * live in {@link BookeTimers}; core-specific ones (CCR0/1, MMUCR...) in the {@link CoreModel}.
 */
final class BookeRegisters {
    /** IVPR bits 0:15 and IVOR bits 16:27 are implemented; the vector is IVPR | IVORn. */
    static final int IVPR_MASK = 0xFFFF0000;
    static final int IVOR_MASK = 0x0000FFF0;
    /** DBCR0[RST], bits 2:3: writing a non-zero value resets the core (1 core, 2 chip, 3 system). */
    static final int DBCR0_RST = 0x30000000;
    /** DBSR[MRR], bits 2:3: the kind of the most recent reset. */
    static final int DBSR_MRR = 0x30000000;

    int srr0;
    int srr1;
    int csrr0;
    int csrr1;
    int mcsrr0;
    int mcsrr1;
    int dear;
    int esr;
    int mcsr;
    int ivpr;
    final int[] ivor = new int[16];
    final int[] sprg0to3 = new int[4];
    int dbcr0;
    int dbcr1;
    int dbcr2;
    int dbsr;
    final int[] iac = new int[4];
    final int[] dac = new int[2];
    final int[] dvc = new int[2];

    void reset() {
        srr0 = srr1 = csrr0 = csrr1 = mcsrr0 = mcsrr1 = 0;
        dear = esr = mcsr = ivpr = 0;
        Arrays.fill(ivor, 0);
        Arrays.fill(sprg0to3, 0);
        dbcr0 = dbcr1 = dbcr2 = dbsr = 0;
        Arrays.fill(iac, 0);
        Arrays.fill(dac, 0);
        Arrays.fill(dvc, 0);
    }

    /** The address an interrupt through IVOR {@code n} vectors to. */
    int vector(int n) {
        return (ivpr & IVPR_MASK) | (ivor[n] & IVOR_MASK);
    }
}
