package org.ppc440vm.kvm.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.kvm.vcpu.Asm.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;

/** Each emulated privileged instruction against the Book E / 440 rules, through the whole run loop. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PrivilegedEmulationTest {
    /** The marker that ends a test program: a DCR read userspace must serve. */
    static final int END = mfdcr(31, 0x55);

    private final TestGuest g = new TestGuest();
    private final CpuState s = g.s;

    private void runToEnd(int... program) {
        int[] words = java.util.Arrays.copyOf(program, program.length + 1);
        words[program.length] = END;
        g.program(words);
        Exit e = g.run();
        assertEquals(ExitReason.DCR, e.reason(), e::describe);
        assertEquals(0x55, e.dcr(), e::describe);
        assertEquals(TestGuest.CODE + 4 * program.length, e.pc(), "the program ran to its end");
    }

    /** Expects a Program interrupt with exactly {@code esr}, raised by the instruction at {@code pc}. */
    private void assertProgram(int esr, int pc) {
        assertEquals(esr, g.vcpu.regs.esr, "ESR");
        assertEquals(pc, g.vcpu.regs.srr0, "SRR0 = the instruction");
    }

    @Test
    void mtmsrKeepsOnlyThe440MsrBitsAndMfmsrReadsThemBack() {
        runToEnd(lis(3, 0xFFFB), ori(3, 3, 0xBFFF), mtmsr(3), mfmsr(4)); // all ones but WE and PR
        int expected = 0xFFFB_BFFF & Core440.MSR_BITS;
        assertEquals(expected, s.msr);
        assertEquals(expected, s.gpr[4]);
        assertEquals(0x0002_BF30, expected, "CE EE FP ME FE0 DWE DE FE1 IS DS");
    }

    @Test
    void mtmsrThatChangesPrIsOrDsTellsTheMmuAndOthersDoNot() {
        g.program(ori(3, 0, CpuState.MSR_EE), mtmsr(3), ori(3, 0, CpuState.MSR_EE | CpuState.MSR_DS), mtmsr(3), END);
        int before = g.mmu().contextChanges;
        g.run();
        assertEquals(before + 2, g.mmu().contextChanges, "one at run() entry, one for DS; none for EE");
        assertEquals(0x100, s.dataContext & 0x100, "the data context is now AS1");
    }

    @Test
    void wrteeAndWrteeiChangeOnlyEe() {
        runToEnd(li(3, CpuState.MSR_ME), mtmsr(3), wrteei(1), mfmsr(4), li(5, 0), wrtee(5), mfmsr(6),
                lis(7, -1), ori(7, 7, 0xFFFF), wrtee(7), mfmsr(8));
        assertEquals(CpuState.MSR_ME | CpuState.MSR_EE, s.gpr[4]);
        assertEquals(CpuState.MSR_ME, s.gpr[6]);
        assertEquals(CpuState.MSR_ME | CpuState.MSR_EE, s.gpr[8], "wrtee takes only bit EE of rS");
    }

    @Test
    void rfiRestoresMsrFromSrr1AndJumpsToSrr0WordAligned() {
        int target = TestGuest.CODE + 0x100;
        g.load(target, END);
        g.program(li(3, target + 3), mtspr(Spr.SRR0, 3), lis(4, CpuState.MSR_CE >>> 16), ori(4, 4, CpuState.MSR_DS),
                mtspr(Spr.SRR1, 4), RFI);
        Exit e = g.run();
        assertEquals(0x55, e.dcr());
        assertEquals(target, e.pc(), "the low two bits of SRR0 are ignored");
        assertEquals(CpuState.MSR_CE | CpuState.MSR_DS, s.msr);
        assertEquals(1, g.vcpu.stats.eventCount(VcpuStatistics.RFI));
    }

    @Test
    void rfciAndRfmciUseTheirOwnSaveRestorePairs() {
        int t1 = TestGuest.CODE + 0x100;
        int t2 = TestGuest.CODE + 0x200;
        g.load(t1, li(3, t2), mtspr(Spr.MCSRR0, 3), li(4, CpuState.MSR_ME), mtspr(Spr.MCSRR1, 4), RFMCI);
        g.load(t2, END);
        g.program(li(3, t1), mtspr(Spr.CSRR0, 3), ori(4, 0, CpuState.MSR_EE), mtspr(Spr.CSRR1, 4), RFCI);
        Exit e = g.run();
        assertEquals(t2, e.pc());
        assertEquals(CpuState.MSR_ME, s.msr);
        assertEquals(1, g.vcpu.stats.eventCount(VcpuStatistics.RFCI));
        assertEquals(1, g.vcpu.stats.eventCount(VcpuStatistics.RFMCI));
    }

    @Test
    void rfiIntoGuestUserModeChangesTheTranslationContext() {
        int target = TestGuest.CODE + 0x100;
        g.load(target, li(5, 7), mfmsr(6)); // mfmsr in guest user mode: privileged
        g.program(li(3, target), mtspr(Spr.SRR0, 3), ori(4, 0, CpuState.MSR_PR | CpuState.MSR_EE), mtspr(Spr.SRR1, 4), RFI);
        g.runToVector(6);
        assertEquals(7, s.gpr[5], "user code ran");
        assertProgram(CpuState.ESR_PPR, target + 4);
        assertEquals(CpuState.MSR_PR | CpuState.MSR_EE, g.vcpu.regs.srr1);
        assertEquals(0, s.msr, "the Program interrupt cleared PR and EE");
    }

    @Test
    void sprgsAndSaveRestoreRegistersRoundTrip() {
        int[] sprs = {Spr.SRR0, Spr.SRR1, Spr.CSRR0, Spr.CSRR1, Spr.MCSRR0, Spr.MCSRR1, Spr.DEAR, Spr.ESR,
            Spr.SPRG0, Spr.SPRG0 + 1, Spr.SPRG0 + 2, Spr.SPRG3, Spr.SPRG4, Spr.SPRG4 + 1, Spr.SPRG4 + 2, Spr.SPRG7,
            Spr.DBCR1, Spr.DBCR2, Spr.DAC1, Spr.DVC2, Spr.CCR0, Spr.CCR1, Spr.USPRG0};
        int[] program = new int[sprs.length * 3];
        for (int i = 0; i < sprs.length; i++) {
            program[3 * i] = li(3, 0x100 + i);
            program[3 * i + 1] = mtspr(sprs[i], 3);
            program[3 * i + 2] = mfspr(4 + (i % 20), sprs[i]);
        }
        runToEnd(program);
        for (int i = 0; i < sprs.length; i++) {
            assertEquals(0x100 + i, g.vcpu.spr(sprs[i]), Spr.name(sprs[i]));
        }
        assertEquals(0x100 + sprs.length - 1, s.gpr[4 + ((sprs.length - 1) % 20)]);
    }

    @Test
    void sprg4to7WrittenThrough276AreWhatUserModeReadsThrough260() {
        g.program(li(3, 0x44), mtspr(Spr.SPRG4, 3), li(3, 0x77), mtspr(Spr.SPRG7, 3),
                mfspr(5, 260), mfspr(6, 263), END);
        g.run();
        assertEquals(0x44, s.sprg4to7[0], "kept where the CPU serves user-mode reads");
        assertEquals(0x44, s.gpr[5]);
        assertEquals(0x77, s.gpr[6]);
    }

    @Test
    void ivprAndIvorKeepOnlyTheirImplementedBits() {
        runToEnd(lis(3, 0x1234), ori(3, 3, 0x5678), mtspr(Spr.IVPR, 3), mtspr(Spr.IVOR0 + 4, 3),
                mfspr(5, Spr.IVPR), mfspr(6, Spr.IVOR0 + 4));
        assertEquals(0x1234_0000, s.gpr[5]);
        assertEquals(0x0000_5670, s.gpr[6]);
    }

    @Test
    void pvrIsThe440EpRevBAndReadOnly() {
        runToEnd(mfspr(3, Spr.PVR), mfspr(4, Spr.PIR));
        assertEquals(0x4222_18D3, s.gpr[3]);
        assertEquals(0, s.gpr[4], "PIR = vCPU index");
        s.pc = TestGuest.CODE;
        g.program(mtspr(Spr.PVR, 3));
        g.runToVector(6);
        assertProgram(CpuState.ESR_PIL, TestGuest.CODE);
    }

    @Test
    void pidWriteIsMaskedTo8BitsAndOnlyAChangeTouchesTheMmu() {
        g.program(li(3, 0x1FF), mtspr(Spr.PID, 3), mtspr(Spr.PID, 3), mtspr(Spr.PID, 3), mfspr(4, Spr.PID), END);
        int before = g.mmu().contextChanges;
        g.run();
        assertEquals(0xFF, s.pid);
        assertEquals(0xFF, s.gpr[4]);
        assertEquals(before + 2, g.mmu().contextChanges, "run() entry and the first write; repeats are free");
        assertEquals(3, g.vcpu.stats.eventCount(VcpuStatistics.MTSPR));
    }

    @Test
    void mmucrGoesToTheMmu() {
        runToEnd(lis(3, 0x0001), ori(3, 3, 0x0042), mtspr(Spr.MMUCR, 3), mfspr(4, Spr.MMUCR));
        assertEquals(0x0001_0042, g.mmu().mmucr);
        assertEquals(0x0001_0042, s.gpr[4]);
    }

    @Test
    void undefinedAndWriteOnlySprsAreIllegal() {
        g.program(mfspr(3, 1000));
        g.runToVector(6);
        assertProgram(CpuState.ESR_PIL, TestGuest.CODE);
        s.pc = TestGuest.CODE + 0x40;
        s.msr = 0;
        g.load(s.pc, mfspr(3, Spr.DECAR));
        g.runToVector(6);
        assertProgram(CpuState.ESR_PIL, TestGuest.CODE + 0x40);
        s.pc = TestGuest.CODE + 0x80;
        s.msr = 0;
        g.load(s.pc, mfspr(3, Spr.TBL_WRITE));
        g.runToVector(6);
        assertProgram(CpuState.ESR_PIL, TestGuest.CODE + 0x80);
        assertEquals(3, g.vcpu.stats.eventCount(VcpuStatistics.ILLEGAL));
    }

    @Test
    void inGuestUserModePrivilegedSprsArePrivilegedAndUndefinedUserSprsIllegal() {
        s.msr = CpuState.MSR_PR;
        g.program(mfspr(3, Spr.SRR0));
        g.runToVector(6);
        assertProgram(CpuState.ESR_PPR, TestGuest.CODE);
        s.msr = CpuState.MSR_PR;
        s.pc = TestGuest.CODE + 0x40;
        g.load(s.pc, mtspr(3, 3)); // SPR 3: not privileged, not defined
        g.runToVector(6);
        assertProgram(CpuState.ESR_PIL, TestGuest.CODE + 0x40);
    }

    @Test
    void everyPrivilegedInstructionInGuestUserModeIsAPrivilegedProgramInterrupt() {
        int[] words = {mfmsr(3), mtmsr(3), wrtee(3), wrteei(1), RFI, RFCI, RFMCI, mfdcr(3, 0xC0), mtdcr(0xC0, 3),
            tlbwe(3, 4, 0), tlbre(3, 4, 0), tlbsx(3, 0, 4, false), TLBSYNC, iccci(0, 0), dccci(0, 0), dcbi(0, 3),
            mtspr(Spr.PID, 3), mfspr(3, Spr.TCR)};
        for (int w : words) {
            s.msr = CpuState.MSR_PR | CpuState.MSR_EE;
            s.pc = TestGuest.CODE;
            g.program(w);
            g.runToVector(6);
            assertProgram(CpuState.ESR_PPR, TestGuest.CODE);
            assertEquals(CpuState.MSR_PR | CpuState.MSR_EE, g.vcpu.regs.srr1);
        }
        assertEquals(words.length, g.vcpu.stats.eventCount(VcpuStatistics.PRIVILEGED_IN_USER));
        assertEquals(0, g.mmu().words[0][0], "nothing was emulated");
    }

    @Test
    void mfdcrxIsNotA440EpInstruction() {
        g.program(mfdcrx(3, 4));
        g.runToVector(6);
        assertProgram(CpuState.ESR_PIL, TestGuest.CODE);
    }

    @Test
    void tlbweAndTlbrePassIndexWordAndValueToTheMmu() {
        runToEnd(li(4, 5), lis(3, 0x1000), ori(3, 3, 0x0290), tlbwe(3, 4, 0), li(3, 0x7007), tlbwe(3, 4, 2),
                tlbre(6, 4, 0), tlbre(7, 4, 2));
        assertEquals(0x1000_0290, g.mmu().words[5][0]);
        assertEquals(0x7007, g.mmu().words[5][2]);
        assertEquals(0x1000_0290, s.gpr[6]);
        assertEquals(0x7007, s.gpr[7]);
        assertEquals(2, g.vcpu.stats.eventCount(VcpuStatistics.TLBWE));
        assertEquals(2, g.vcpu.stats.counters().get("tlbwe"), "kvm-core's counter wins over the MMU's name");
    }

    @Test
    void tlbsxSearchesRaPlusRbAndSetsCr0EqOnlyWithRc() {
        g.mmu().searchResult = 9;
        runToEnd(li(3, -1), li(4, 0x100), li(5, 0x23), tlbsx(3, 4, 5, true));
        assertEquals(0x123, g.mmu().lastSearch);
        assertEquals(9, s.gpr[3]);
        assertEquals(0x2, s.cr >>> 28, "CR0 = 0b0010 (EQ)");

        g.mmu().searchResult = -1;
        s.xer = CpuState.XER_SO;
        s.pc = TestGuest.CODE;
        runToEnd(li(3, 77), li(4, 0x100), li(5, 0x23), tlbsx(3, 4, 5, true));
        assertEquals(77, s.gpr[3], "RT unchanged when nothing matches");
        assertEquals(0x1, s.cr >>> 28, "CR0 = 0b0001 (SO copied, not EQ)");

        s.cr = 0;
        s.pc = TestGuest.CODE;
        runToEnd(tlbsx(3, 0, 5, false));
        assertEquals(0x23, g.mmu().lastSearch, "rA=0 means 0");
        assertEquals(0, s.cr);
    }

    @Test
    void iccciDropsAllDecodedCodeAndTheOtherCacheOpsAreHarmless() {
        g.program(iccci(0, 0), dccci(0, 0), dcbi(0, 3), TLBSYNC, END);
        g.cpu().invalidations.clear();
        assertEquals(0x55, g.run().dcr());
        assertEquals(1, g.cpu().invalidations.size());
        assertEquals(0, g.cpu().invalidations.get(0)[0]);
        assertEquals(g.ram.size(), g.cpu().invalidations.get(0)[1]);
        assertEquals(3, g.vcpu.stats.eventCount(VcpuStatistics.CACHE));
    }

    @Test
    void mfdcrIsAUserspaceExitCompletedByTheNextRun() {
        g.program(mfdcr(7, 0xC6), mtdcr(0xC0, 7), END);
        Exit e = g.run();
        assertEquals(ExitReason.DCR, e.reason());
        assertEquals(0xC6, e.dcr());
        assertFalse(e.isWrite());
        assertEquals(TestGuest.CODE, e.pc());
        assertTrue(e.describe().contains("mfdcr r7,198"), e.describe());
        e.complete(0x8000_0001L);
        e = g.run();
        assertEquals(0x8000_0001, s.gpr[7]);
        assertEquals(ExitReason.DCR, e.reason());
        assertEquals(0xC0, e.dcr());
        assertTrue(e.isWrite());
        assertEquals(0x8000_0001L, e.data());
        assertEquals(TestGuest.CODE + 4, e.pc());
        e = g.run();
        assertEquals(0x55, e.dcr());
        assertEquals(TestGuest.CODE + 8, s.pc);
    }

    @Test
    void dbcr0ResetFieldIsAResetExitAfterTheWrite() {
        g.program(lis(3, 0x3000), mtspr(Spr.DBCR0, 3), END);
        Exit e = g.run();
        assertEquals(ExitReason.RESET, e.reason());
        assertEquals(TestGuest.CODE + 8, s.pc, "the mtspr completed");
        g.vcpu.reset();
        assertEquals(0x3000_0000, g.vcpu.regs.dbsr, "DBSR[MRR] records a system reset");
        assertEquals(0xFFFF_FFFC, s.pc);
        assertEquals(0, g.vcpu.regs.dbcr0);
        assertTrue(g.mmu().resets >= 2, "the TLB is reset too");
    }

    @Test
    void dbsrAndMcsrAreWriteOneToClear() {
        g.vcpu.regs.dbsr = 0xF000_0000;
        g.vcpu.regs.mcsr = 0x8000_0003;
        runToEnd(lis(3, 0x5000), mtspr(Spr.DBSR, 3), li(4, 1), mtspr(Spr.MCSR, 4), li(5, 0), mtspr(Spr.MCSR, 5));
        assertEquals(0xA000_0000, g.vcpu.regs.dbsr);
        assertEquals(0x8000_0002, g.vcpu.regs.mcsr);
    }

    @Test
    void timeBaseIsWrittenThrough284And285AndReadThrough268And269() {
        runToEnd(li(3, 0x1234), mtspr(Spr.TBU_WRITE, 3), li(3, 0), mtspr(Spr.TBL_WRITE, 3),
                mfspr(4, Spr.TBU_READ), mfspr(5, Spr.TBL_READ), mftb(6));
        assertEquals(0x1234, s.gpr[4]);
        // icount shift 0: one tick per retired instruction (emulated ones included)
        assertTrue(s.gpr[5] >= 0 && s.gpr[5] < 10, "TBL counts on from 0: " + s.gpr[5]);
        assertTrue(s.gpr[6] > s.gpr[5], "mftb reads the same, later clock");
    }
}
