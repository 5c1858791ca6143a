package org.ppc440vm.api.exit;

/**
 * A virtual CPU as an exit handler sees it: the guest's registers, with the supervisor state (MSR, SRRs, SPRGs...)
 * as the guest believes it to be, and the means to deliver an interrupt into the guest. Only valid on the vCPU's own
 * thread, during the handler call.
 */
public interface Vcpu {

    /** Index of this vCPU in its VM. */
    int index();

    int gpr(int n);

    void setGpr(int n, int value);

    /** Address of the next instruction the guest will execute. */
    int pc();

    void setPc(int pc);

    /** The guest's MSR (what {@code mfmsr} answers). */
    int msr();

    /** Reads an SPR as the guest sees it ({@code mfspr}). */
    int spr(int sprn);

    /** Writes an SPR with the 440's side effects ({@code mtspr}). */
    void setSpr(int sprn, int value);

    /** Delivers a Book E interrupt into the guest now (SRR0/1 or CSRR/MCSRR, ESR, DEAR, new MSR, IVPR|IVORn). */
    void deliverInterrupt(ExitReason reason, int esr, int dear);

    /** Disassembles the guest instruction at {@code pc} (for logs and statistics). */
    String disassemble(int pc);
}
