package org.ppc440vm.kvm.vcpu;

import org.ppc440vm.cpu.spi.CpuState;

/**
 * What differs between Book E cores (the split of Linux KVM's booke.c and 44x.c): the core's identity, its MSR
 * bits, its own SPRs, its TLB-management and cache instructions and the DCRs it owns. The Book E layer
 * ({@link BookeEmulator}, interrupt delivery, timers) asks the core model about everything it does not know itself.
 */
interface CoreModel {

    /** The processor version register. */
    int pvr();

    /** The MSR bits this core implements (mtmsr and rfi drop the others). */
    int implementedMsrBits();

    /** True when {@code sprn} is one of the core's own SPRs (beyond the Book E set). */
    boolean hasSpr(int sprn);

    int readSpr(int sprn);

    /** Writes one of the core's SPRs; false when it is read-only (an illegal instruction for the guest). */
    boolean writeSpr(int sprn, int value);

    /** True when {@code word} is one of the core's own privileged instructions. */
    boolean isCoreInstruction(int word);

    /**
     * Emulates one of the core's instructions ({@link #isCoreInstruction} said so) in supervisor state, without
     * advancing the PC; returns the {@link VcpuStatistics} event it counts as.
     */
    int emulate(int word, CpuState state);

    /** True when the core itself implements DCR {@code dcrn} (then it is never an exit to userspace). */
    boolean ownsDcr(int dcrn);

    int readDcr(int dcrn);

    void writeDcr(int dcrn, int value);

    /** Power-on state of the core's own registers and its TLB. */
    void reset();
}
