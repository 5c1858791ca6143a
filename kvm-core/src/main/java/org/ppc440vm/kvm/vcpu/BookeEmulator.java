package org.ppc440vm.kvm.vcpu;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;

/**
 * Emulates the privileged instructions the guest kernel executes at user privilege: the Book E ones here (MSR, the
 * interrupt returns, mfspr/mtspr, DCR access) and the core's own (TLB management, cache instructions) through the
 * {@link CoreModel}. A privileged instruction the guest executes in its own user mode (guest MSR[PR]=1) becomes a
 * Program interrupt with ESR[PPR] in the guest; an instruction or SPR the core does not have, one with ESR[PIL].
 *
 * <p>Decoding is a switch on the opcode fields of the word the CPU trapped on; nothing is allocated. The PID write
 * that Linux's KUAP makes on every kernel entry and exit costs a field store and the MMU's context update.
 */
final class BookeEmulator {
    /** What {@link #emulate} did. */
    static final int DONE = 0;
    /** mfdcr/mtdcr of a DCR userspace serves: the exit record is now a DCR exit. */
    static final int DCR_EXIT = 1;
    /** mtspr DBCR0 with RST != 0: the instruction is complete and the core must reset. */
    static final int RESET_EXIT = 2;

    private final Vcpu440 vcpu;
    private final CpuState state;
    private final CoreModel core;
    private final ExitRecord exit;

    /** The statistics event of the last {@link #emulate} call. */
    int event;

    BookeEmulator(Vcpu440 vcpu, CoreModel core) {
        this.vcpu = vcpu;
        this.state = vcpu.state;
        this.core = core;
        this.exit = vcpu.exit;
    }

    /** Emulates the privileged instruction {@code w} at {@code state.pc}. */
    int emulate(int w) {
        boolean user = (state.msr & CpuState.MSR_PR) != 0;
        int rt = (w >>> 21) & 31;
        switch (w >>> 26) {
            case 19:
                switch ((w >>> 1) & 0x3FF) {
                    case 50: // rfi
                        return user ? privileged() : returnFromInterrupt(vcpu.regs.srr0, vcpu.regs.srr1, VcpuStatistics.RFI);
                    case 51: // rfci
                        return user ? privileged() : returnFromInterrupt(vcpu.regs.csrr0, vcpu.regs.csrr1, VcpuStatistics.RFCI);
                    case 38: // rfmci
                        return user ? privileged()
                                : returnFromInterrupt(vcpu.regs.mcsrr0, vcpu.regs.mcsrr1, VcpuStatistics.RFMCI);
                    default:
                        return illegal();
                }
            case 31:
                switch ((w >>> 1) & 0x3FF) {
                    case 83: // mfmsr
                        if (user) {
                            return privileged();
                        }
                        state.gpr[rt] = state.msr;
                        return done(VcpuStatistics.MFMSR);
                    case 146: // mtmsr
                        if (user) {
                            return privileged();
                        }
                        vcpu.writeMsr(state.gpr[rt]);
                        return done(VcpuStatistics.MTMSR);
                    case 131: // wrtee
                        if (user) {
                            return privileged();
                        }
                        vcpu.writeMsr((state.msr & ~CpuState.MSR_EE) | (state.gpr[rt] & CpuState.MSR_EE));
                        return done(VcpuStatistics.WRTEE);
                    case 163: // wrteei: E is instruction bit 16, which is MSR[EE]'s position too
                        if (user) {
                            return privileged();
                        }
                        vcpu.writeMsr((state.msr & ~CpuState.MSR_EE) | (w & CpuState.MSR_EE));
                        return done(VcpuStatistics.WRTEE);
                    case 339:
                        return mfspr(Spr.field(w), rt, user);
                    case 467:
                        return mtspr(Spr.field(w), state.gpr[rt], user);
                    case 323: // mfdcr
                        return user ? privileged() : dcr(Spr.field(w), rt, false);
                    case 451: // mtdcr
                        return user ? privileged() : dcr(Spr.field(w), rt, true);
                    default:
                        if (!core.isCoreInstruction(w)) {
                            return illegal();
                        }
                        if (user) {
                            return privileged();
                        }
                        return done(core.emulate(w, state));
                }
            default:
                return illegal();
        }
    }

    private int done(int statisticsEvent) {
        event = statisticsEvent;
        state.pc += 4;
        state.instructions++;
        return DONE;
    }

    private int returnFromInterrupt(int returnAddress, int msr, int statisticsEvent) {
        event = statisticsEvent;
        vcpu.writeMsr(msr);
        state.pc = returnAddress & ~3;
        state.instructions++;
        return DONE;
    }

    private int mfspr(int sprn, int rt, boolean user) {
        if (user && Spr.isPrivileged(sprn)) {
            return privileged();
        }
        long v = vcpu.readSpr(sprn);
        if (v == Vcpu440.UNDEFINED_SPR) {
            return illegal();
        }
        state.gpr[rt] = (int) v;
        return done(VcpuStatistics.MFSPR);
    }

    private int mtspr(int sprn, int value, boolean user) {
        if (user && Spr.isPrivileged(sprn)) {
            return privileged();
        }
        if (!vcpu.writeSpr(sprn, value)) {
            return illegal();
        }
        done(VcpuStatistics.MTSPR);
        if (sprn == Spr.DBCR0 && (value & BookeRegisters.DBCR0_RST) != 0) {
            return RESET_EXIT;
        }
        return DONE;
    }

    private int dcr(int dcrn, int reg, boolean write) {
        if (core.ownsDcr(dcrn)) {
            if (write) {
                core.writeDcr(dcrn, state.gpr[reg]);
            } else {
                state.gpr[reg] = core.readDcr(dcrn);
            }
            return done(VcpuStatistics.DCR);
        }
        event = VcpuStatistics.DCR;
        exit.reason = ExitReason.DCR;
        exit.dcr = dcrn;
        exit.write = write;
        exit.size = 4;
        exit.data = write ? state.gpr[reg] & 0xFFFF_FFFFL : 0;
        exit.targetRegister = reg;
        exit.finish = write ? ExitRecord.FINISH_DCR_WRITE : ExitRecord.FINISH_DCR_READ;
        return DCR_EXIT;
    }

    /** A privileged instruction in the guest's user mode: Program interrupt, ESR[PPR]. */
    private int privileged() {
        event = VcpuStatistics.PRIVILEGED_IN_USER;
        vcpu.deliverInterrupt(ExitReason.PROGRAM, CpuState.ESR_PPR, 0);
        return DONE;
    }

    /** Not an instruction (or SPR) of this core: Program interrupt, ESR[PIL]. */
    private int illegal() {
        event = VcpuStatistics.ILLEGAL;
        vcpu.deliverInterrupt(ExitReason.PROGRAM, CpuState.ESR_PIL, 0);
        return DONE;
    }
}
