package org.ppc440vm.kvm.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.kvm.vcpu.Asm.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;

/**
 * Book E interrupt delivery as the 440 defines it, per interrupt type: save/restore registers, ESR and DEAR, the
 * new MSR, the vector IVPR | IVORn, masking and priorities. Every vector of {@link TestGuest} starts with a marker,
 * so a delivered interrupt ends {@code run()} at its vector.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InterruptDeliveryTest {
    private static final int ALL_ENABLES = CpuState.MSR_CE | CpuState.MSR_EE | CpuState.MSR_ME | CpuState.MSR_DE;
    /** What a non-critical interrupt keeps of the MSR. */
    private static final int NONCRITICAL_KEEPS = CpuState.MSR_CE | CpuState.MSR_ME | CpuState.MSR_DE;

    private final TestGuest g = new TestGuest();
    private final CpuState s = g.s;
    private final BookeRegisters regs = g.vcpu.regs;

    @Test
    void systemCallSavesTheAddressAfterScAndKeepsOnlyCeMeDe() {
        s.msr = ALL_ENABLES | CpuState.MSR_FP | CpuState.MSR_DS;
        regs.esr = 0x1234;
        g.program(li(3, 1), SC);
        g.runToVector(8);
        assertEquals(TestGuest.CODE + 8, regs.srr0, "SRR0 = the instruction after sc");
        assertEquals(ALL_ENABLES | CpuState.MSR_FP | CpuState.MSR_DS, regs.srr1);
        assertEquals(NONCRITICAL_KEEPS, s.msr, "EE, FP, DS cleared; CE, ME, DE kept");
        assertEquals(0x1234, regs.esr, "a system call leaves ESR alone");
        assertEquals(1, g.vcpu.stats.eventCount(VcpuStatistics.SYSCALL));
    }

    @Test
    void systemCallFromGuestUserModeReturnsToSupervisor() {
        s.msr = CpuState.MSR_PR | CpuState.MSR_EE | CpuState.MSR_IS | CpuState.MSR_DS;
        g.program(SC);
        g.runToVector(8);
        assertEquals(0, s.msr);
        assertEquals(0, s.fetchContext & 0x300, "supervisor, AS0");
    }

    @Test
    void trapInstructionIsAProgramInterruptWithEsrPtrAtTheTrap() {
        s.msr = CpuState.MSR_EE;
        g.program(NOP, twi(31, 0, 0));
        g.runToVector(6);
        assertEquals(CpuState.ESR_PTR, regs.esr);
        assertEquals(TestGuest.CODE + 4, regs.srr0);
        assertEquals(CpuState.MSR_EE, regs.srr1);
        assertEquals(0, s.msr);
    }

    @Test
    void fpUnavailableVectorsThroughIvor7AndLeavesEsr() {
        regs.esr = 0x77;
        g.program(lfd(1, 0, 0));
        g.runToVector(7);
        assertEquals(TestGuest.CODE, regs.srr0);
        assertEquals(0x77, regs.esr);
    }

    @Test
    void dataTlbMissSetsDearAndEsrStForAStore() {
        g.mmu().unmapped.add(0x5000);
        g.program(li(4, 0x5000), stw(3, 0x10, 4));
        g.runToVector(13);
        assertEquals(0x5010, regs.dear);
        assertEquals(CpuState.ESR_ST, regs.esr);
        assertEquals(TestGuest.CODE + 4, regs.srr0, "SRR0 = the faulting store");

        s.pc = TestGuest.CODE + 0x40;
        s.msr = 0;
        g.load(s.pc, lwz(3, 0x24, 4));
        g.runToVector(13);
        assertEquals(0x5024, regs.dear);
        assertEquals(0, regs.esr, "a load: ESR[ST] clear");
    }

    @Test
    void instructionTlbMissSavesTheTargetAndLeavesEsrAndDear() {
        g.mmu().unmapped.add(0x6000);
        regs.esr = 0x55;
        regs.dear = 0x66;
        g.program(b(0x6000 - TestGuest.CODE));
        g.runToVector(14);
        assertEquals(0x6000, regs.srr0);
        assertEquals(0x55, regs.esr);
        assertEquals(0x66, regs.dear);
        assertEquals(1, g.vcpu.stats.eventCount(VcpuStatistics.ITLB_MISS));
    }

    @Test
    void externalInputWaitsForMsrEeAndArrivesRightAfterWrteei() {
        g.vcpu.setExternalInput(true);
        g.program(NOP, NOP, NOP, wrteei(1), NOP, NOP);
        g.runToVector(4);
        assertEquals(TestGuest.CODE + 16, regs.srr0, "the next instruction after wrteei 1");
        assertEquals(CpuState.MSR_EE, regs.srr1);
        assertEquals(0, s.msr & CpuState.MSR_EE);
        assertEquals(1, g.vcpu.stats.exits(ExitReason.EXTERNAL_INPUT));
    }

    @Test
    void criticalInputGoesThroughCsrrAndKeepsOnlyMe() {
        s.msr = ALL_ENABLES;
        g.vcpu.setCriticalInput(true);
        g.vcpu.setExternalInput(true);
        g.program(NOP);
        g.runToVector(0);
        assertEquals(TestGuest.CODE, regs.csrr0, "critical input outranks external input");
        assertEquals(ALL_ENABLES, regs.csrr1);
        assertEquals(CpuState.MSR_ME, s.msr);
        assertEquals(0, regs.srr0, "SRR0/1 untouched");
    }

    @Test
    void criticalInputMaskedByCeLetsExternalInputThrough() {
        s.msr = CpuState.MSR_EE;
        g.vcpu.setCriticalInput(true);
        g.vcpu.setExternalInput(true);
        g.program(NOP);
        g.runToVector(4);
    }

    @Test
    void externalInputOutranksThePendingDecrementer() {
        g.vcpu.setExternalInput(true);
        g.program(new Prog().set(Spr.TCR, BookeTimers.TCR_DIE, 3).add(li(3, 5), mtspr(Spr.DEC, 3), NOP, NOP, NOP,
                NOP, NOP, NOP, wrteei(1), NOP).words());
        g.runToVector(4);
        assertEquals(BookeTimers.TSR_DIS, g.vcpu.spr(Spr.TSR) & BookeTimers.TSR_DIS, "the decrementer is pending too");
    }

    @Test
    void decrementerInterruptsAtTheExactInstructionInIcountMode() {
        Prog p = new Prog().set(Spr.TCR, BookeTimers.TCR_DIE, 3).add(li(3, 1000), mtspr(Spr.DEC, 3));
        int decWrittenAt = p.here(TestGuest.CODE) - 4;
        p.add(wrteei(1));
        int loop = p.here(TestGuest.CODE);
        p.add(addi(5, 5, 1), b(-4));
        g.program(p.words());
        g.runToVector(10);
        assertEquals(BookeTimers.TSR_DIS, g.vcpu.spr(Spr.TSR) & BookeTimers.TSR_DIS);
        assertTrue(regs.srr0 == loop || regs.srr0 == loop + 4, "interrupted inside the loop");
        // icount shift 0: mtspr DEC is instruction 5 (tick 4 after it retires... 5 ticks); 1000 ticks later the
        // interrupt comes: wrteei (1) + 2 per loop turn.
        long expectedTurns = (1000 - 1) / 2;
        assertTrue(Math.abs(s.gpr[5] - expectedTurns) <= 1, "loop turns " + s.gpr[5] + " ~ " + expectedTurns);
        assertEquals(decWrittenAt + 4 + 4, loop, "layout sanity");

        TestGuest again = new TestGuest();
        again.program(p.words());
        again.runToVector(10);
        assertEquals(s.gpr[5], again.s.gpr[5], "icount: the same instruction in every run");
        assertEquals(s.instructions, again.s.instructions);
    }

    @Test
    void decrementerWithoutEeOnlySetsDisThenInterruptsWhenEeComes() {
        Prog p = new Prog().set(Spr.TCR, BookeTimers.TCR_DIE, 3).add(li(3, 10), mtspr(Spr.DEC, 3));
        for (int i = 0; i < 30; i++) {
            p.add(NOP);
        }
        p.add(mfspr(6, Spr.TSR), wrteei(1), NOP);
        g.program(p.words());
        g.runToVector(10);
        assertEquals(BookeTimers.TSR_DIS, s.gpr[6] & BookeTimers.TSR_DIS);
        assertEquals(p.here(TestGuest.CODE) - 4, regs.srr0, "right after wrteei 1");
    }

    @Test
    void decrementerAutoReloadInterruptsEveryDecarTicks() {
        // vector 10: marker, clear TSR[DIS], rfi
        g.load(TestGuest.vector(10) + 4, lis(7, BookeTimers.TSR_DIS >>> 16), mtspr(Spr.TSR, 7), RFI);
        g.program(new Prog().set(Spr.DECAR, 2000, 3).set(Spr.TCR, BookeTimers.TCR_DIE | BookeTimers.TCR_ARE, 3)
                .add(li(3, 2000), mtspr(Spr.DEC, 3), wrteei(1), addi(5, 5, 1), b(-4)).words());
        long[] ticks = new long[4];
        for (int i = 0; i < ticks.length; i++) {
            Exit e = g.runToVector(10);
            ticks[i] = g.vcpu.clock.now();
            e.complete(0);
        }
        for (int i = 1; i < ticks.length; i++) {
            assertTrue(Math.abs(ticks[i] - ticks[i - 1] - 2000) <= 2, "period " + (ticks[i] - ticks[i - 1]));
        }
        assertEquals(4, g.vcpu.stats.exits(ExitReason.DECREMENTER));
    }

    @Test
    void fixedIntervalTimerInterruptsThroughIvor11() {
        g.program(new Prog().set(Spr.TCR, BookeTimers.TCR_FIE, 3).add(wrteei(1), addi(5, 5, 1), b(-4)).words());
        g.runToVector(11);
        long tb = g.vcpu.clock.now();
        assertTrue(tb >= 4096 && tb < 4096 + 8, "first 0->1 transition of the 2^12 bit: " + tb);
        assertEquals(BookeTimers.TSR_FIS, g.vcpu.spr(Spr.TSR) & BookeTimers.TSR_FIS);
    }

    @Test
    void watchdogInterruptIsCriticalAndComesOnTheSecondEvent() {
        s.msr = CpuState.MSR_CE;
        g.program(new Prog().set(Spr.TCR, BookeTimers.TCR_WIE, 3).add(BRANCH_TO_SELF).words());
        g.runToVector(12);
        long tb = g.vcpu.clock.now();
        assertTrue(tb >= (1 << 16) + (1 << 17) && tb < (1 << 16) + (1 << 17) + 8, "second event: " + tb);
        assertEquals(CpuState.MSR_CE, regs.csrr1);
        assertEquals(0, s.msr);
    }

    @Test
    void watchdogResetIsAResetExitAndTheCoreRemembersWhy() {
        g.program(new Prog().set(Spr.TCR, 0x1000_0000, 3).add(BRANCH_TO_SELF).words()); // WRC = 1 (core)
        Exit e = g.run();
        assertEquals(ExitReason.RESET, e.reason(), e::describe);
        assertTrue(g.vcpu.clock.now() >= (1 << 16) + 2 * (1 << 17));
        g.vcpu.reset();
        assertEquals(0x1000_0000, g.vcpu.spr(Spr.TSR) & BookeTimers.TSR_WRS);
        assertEquals(0x1000_0000, regs.dbsr & BookeRegisters.DBSR_MRR);
        assertEquals(0, g.vcpu.spr(Spr.TCR));
    }

    @Test
    void deliveredInterruptsVectorThroughIvprAndTheirOwnIvor() {
        g.vcpu.setSpr(Spr.IVPR, 0x0009_1234);
        g.vcpu.setSpr(Spr.IVOR0 + 8, 0x0000_0ABC);
        g.load(0x0009_0AB0, mfdcr(0, 0x77));
        g.program(SC);
        Exit e = g.run();
        assertEquals(0x77, e.dcr());
        assertEquals(0x0009_0AB0, e.pc(), "IVPR[0:15] | IVOR[16:27]");
    }

    @Test
    void machineCheckUsesMcsrrAndClearsEverything() {
        s.msr = ALL_ENABLES;
        s.pc = 0x1234;
        g.vcpu.deliverInterrupt(ExitReason.MACHINE_CHECK, 0, 0);
        assertEquals(0x1234, regs.mcsrr0);
        assertEquals(ALL_ENABLES, regs.mcsrr1);
        assertEquals(0, s.msr);
        assertEquals(TestGuest.vector(1), s.pc);
    }

    @Test
    void alignmentAndDataStorageWriteDearAndEsrInstructionStorageOnlyEsr() {
        s.pc = 0x100;
        g.vcpu.deliverInterrupt(ExitReason.ALIGNMENT, CpuState.ESR_ST, 0xABC);
        assertEquals(0xABC, regs.dear);
        assertEquals(CpuState.ESR_ST, regs.esr);
        assertEquals(TestGuest.vector(5), s.pc);
        g.vcpu.deliverInterrupt(ExitReason.DATA_STORAGE, 0, 0xDEF);
        assertEquals(0xDEF, regs.dear);
        assertEquals(0, regs.esr);
        g.vcpu.deliverInterrupt(ExitReason.INSTRUCTION_STORAGE, CpuState.ESR_BO, 0x999);
        assertEquals(0xDEF, regs.dear, "ISI leaves DEAR");
        assertEquals(CpuState.ESR_BO, regs.esr);
        assertEquals(TestGuest.vector(3), s.pc);
    }
}
