package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;

/** b, bc, bclr, bcctr with every BO form, LK and AA; block boundaries, budget and stop requests. */
class BranchTest {
    static final int C = CpuHarness.CODE;

    @Test
    void unconditionalBranchForms() {
        CpuHarness h = new CpuHarness();
        h.poke(C, Asm.bForm(0x100, false, false));
        h.s.pc = C;
        h.s.lr = 0;
        h.run(1);
        assertEquals(C + 0x100, h.s.pc);
        assertEquals(0, h.s.lr, "b does not link");

        h.poke(C, Asm.bForm(-0x800, false, true));
        h.cpu.invalidateCode(C, 4);
        h.s.pc = C;
        h.run(1);
        assertEquals(C - 0x800, h.s.pc);
        assertEquals(C + 4, h.s.lr, "bl links");

        h.poke(C, Asm.bForm(0x2000, true, false));
        h.cpu.invalidateCode(C, 4);
        h.s.pc = C;
        h.run(1);
        assertEquals(0x2000, h.s.pc, "ba is absolute");

        h.poke(C, Asm.bForm(-4, true, true)); // bla to the top of the address space: sign-extended LI
        h.cpu.invalidateCode(C, 4);
        h.s.pc = C;
        h.run(1);
        assertEquals(0xFFFFFFFC, h.s.pc);
        assertEquals(C + 4, h.s.lr);
    }

    /** The model of Book E: decrement CTR unless BO[2]; ctr_ok, cond_ok; taken = both. */
    static boolean modelTaken(int bo, int crBit, int[] ctr) {
        if ((bo & 4) == 0) {
            ctr[0]--;
        }
        boolean ctrOk = (bo & 4) != 0 || ((ctr[0] != 0) ^ ((bo & 2) != 0));
        boolean condOk = (bo & 16) != 0 || crBit == ((bo >>> 3) & 1);
        return ctrOk && condOk;
    }

    @Test
    void everyBoFormOfBcBclrBcctr() {
        CpuHarness h = new CpuHarness();
        for (int bo = 0; bo < 32; bo++) {
            for (int crBit = 0; crBit <= 1; crBit++) {
                for (int ctr0 : new int[] {0, 1, 2}) {
                    for (int kind = 0; kind < 3; kind++) {
                        for (boolean lk : new boolean[] {false, true}) {
                            if (kind == 2 && (bo & 4) == 0) {
                                continue; // bcctr with CTR decrement: see its own test
                            }
                            int bi = 13;
                            int insn = kind == 0 ? Asm.bc(bo, bi, 0x40, false, lk)
                                    : kind == 1 ? Asm.bclr(bo, bi, lk) : Asm.bcctr(bo, bi, lk);
                            h.s.cr = crBit << (31 - bi);
                            h.s.ctr = ctr0;
                            h.s.lr = 0x3000;
                            if (kind == 2) {
                                h.s.ctr = 0x4003; // low bits of the target are ignored
                            }
                            int[] ctr = {h.s.ctr};
                            boolean taken = modelTaken(bo, crBit, ctr);
                            assertEquals(ExitReason.TIMESLICE, h.exec(insn));
                            int target = kind == 0 ? C + 0x40 : kind == 1 ? 0x3000 : 0x4000;
                            String what = "kind " + kind + " bo=" + bo + " cr=" + crBit + " ctr=" + ctr0 + " lk=" + lk;
                            assertEquals(taken ? target : C + 4, h.s.pc, what);
                            assertEquals(ctr[0], h.s.ctr, what + " CTR");
                            assertEquals(lk ? C + 4 : 0x3000, h.s.lr, what + " LR");
                        }
                    }
                }
            }
        }
    }

    @Test
    void absoluteConditionalBranch() {
        CpuHarness h = new CpuHarness();
        h.exec(Asm.bc(20, 0, -0x8000, true, false));
        assertEquals(0xFFFF8000, h.s.pc, "bca: BD sign-extended, absolute");
    }

    @Test
    void bcctrWithCtrDecrementIsAnInvalidFormAndTraps() {
        CpuHarness h = new CpuHarness();
        h.s.ctr = 5;
        assertEquals(ExitReason.PROGRAM, h.exec(Asm.bcctr(16, 0, false)));
        assertEquals(CpuState.ESR_PIL, h.s.trapEsr);
        assertEquals(5, h.s.ctr);
        assertEquals(C, h.s.pc);
    }

    @Test
    void bclrlBranchesToTheOldLinkRegister() {
        CpuHarness h = new CpuHarness();
        h.s.lr = 0x5000;
        h.exec(Asm.bclr(20, 0, true));
        assertEquals(0x5000, h.s.pc);
        assertEquals(C + 4, h.s.lr);
    }

    @Test
    void countedLoopRetiresExactlyTheInstructionsExecuted() {
        CpuHarness h = new CpuHarness();
        // li r3,0; li r4,100; mtctr r4; loop: addi r3,r3,2; bdnz loop; sc
        h.poke(C, Asm.li(3, 0), Asm.li(4, 100), Asm.mtctr(4), Asm.addi(3, 3, 2), Asm.bc(16, 0, -4, false, false),
                Asm.SC);
        h.s.pc = C;
        long before = h.s.instructions;
        assertEquals(ExitReason.SYSTEM_CALL, h.run(1_000_000));
        assertEquals(200, h.r(3));
        assertEquals(3 + 100 * 2 + 1, h.s.instructions - before, "sc counts, nothing else extra");
        assertEquals(C + 24, h.s.pc, "SRR0 of sc is the next instruction");
        assertEquals(C + 20, h.s.trapPc);
        assertEquals(Asm.SC, h.s.trapInstruction);
    }

    @Test
    void budgetIsExactAndResumable() {
        CpuHarness h = new CpuHarness();
        h.poke(C, Asm.li(3, 0), Asm.li(4, 100), Asm.mtctr(4), Asm.addi(3, 3, 2), Asm.bc(16, 0, -4, false, false),
                Asm.SC);
        h.s.pc = C;
        int timeslices = 0;
        long total = 0;
        for (long budget : new long[] {1, 2, 3, 5, 7, 11, 13, 1000}) {
            long before = h.s.instructions;
            ExitReason r = h.run(budget);
            total += h.s.instructions - before;
            if (r == ExitReason.TIMESLICE) {
                assertEquals(budget, h.s.instructions - before, "a timeslice retires exactly the budget");
                timeslices++;
            } else {
                assertEquals(ExitReason.SYSTEM_CALL, r);
                break;
            }
        }
        assertEquals(7, timeslices);
        assertEquals(204, total);
        assertEquals(200, h.r(3));
    }

    @Test
    void stopRequestIsSeenAtTheNextTakenBranch() {
        CpuHarness h = new CpuHarness();
        h.poke(C, Asm.li(3, 1), Asm.li(4, 2), Asm.b(-8)); // an endless loop
        h.s.pc = C;
        h.s.stopRequest = true;
        assertEquals(ExitReason.TIMESLICE, h.run(1_000_000));
        assertEquals(3, h.s.instructions, "stops right after the first taken branch");
        assertEquals(C, h.s.pc);
        assertTrue(h.s.stopRequest, "the CPU never clears the request");
        h.s.stopRequest = false;
        assertEquals(ExitReason.TIMESLICE, h.run(1000));
        assertEquals(1003, h.s.instructions);
    }

    @Test
    void branchesAcrossPagesAndFallThroughPageEnds() {
        CpuHarness h = new CpuHarness();
        int page2 = C + 0x1000;
        h.poke(C, Asm.li(5, 55), Asm.b(0x1000 - 4 - 4)); // to the last word of the first page
        h.poke(page2 - 4, Asm.addi(5, 5, 1)); // falls through the page end
        h.poke(page2, Asm.cmpwi(0, 5, 58), Asm.bc(12, 2, 8, false, false), Asm.b(-0xC), Asm.SC);
        h.s.pc = C;
        assertEquals(ExitReason.SYSTEM_CALL, h.run(100));
        assertEquals(58, h.r(5));
        assertEquals(2 + 3 * 3 + 2 + 1, h.s.instructions);
        assertEquals(2, h.cpu.decodedPageCount());
    }

    @Test
    void anUnlimitedBudgetRunsToTheTrap() {
        CpuHarness h = new CpuHarness();
        h.poke(C, Asm.li(4, 1000), Asm.mtctr(4), Asm.addi(3, 3, 1), Asm.bc(16, 0, -4, false, false), Asm.SC);
        h.s.pc = C;
        assertEquals(ExitReason.SYSTEM_CALL, h.run(Long.MAX_VALUE));
        assertEquals(1000, h.r(3));
        assertEquals(ExitReason.TIMESLICE, h.run(0), "a zero budget runs nothing");
        assertEquals(ExitReason.TIMESLICE, h.run(-5));
        assertEquals(2 + 2000 + 1, h.s.instructions);
    }
}
