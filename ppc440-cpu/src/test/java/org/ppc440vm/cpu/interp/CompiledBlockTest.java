package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;

/**
 * Compiled blocks must be indistinguishable from interpretation: the same program runs on an interpreter that never
 * compiles and on one that compiles every block at its first entry, slice by slice, and the architected state, the
 * exit reason and the instruction count must agree after every slice (exact counts are what -icount relies on).
 */
class CompiledBlockTest {
    static final int C = CpuHarness.CODE;
    static final int D = CpuHarness.DATA;

    /** Two cores over separate RAM, one never compiling, one compiling every block at first entry. */
    static final class Pair {
        final Core plain = new Core(0);
        final Core jit = new Core(1);

        Pair code(int address, int... words) {
            plain.poke(address, words);
            jit.poke(address, words);
            return this;
        }

        Pair set(int reg, int value) {
            plain.s.gpr[reg] = value;
            jit.s.gpr[reg] = value;
            return this;
        }

        /** Runs both with each budget in turn from pc; asserts they agree after each; answers the last exit. */
        ExitReason run(int pc, long... budgets) {
            plain.s.pc = pc;
            jit.s.pc = pc;
            ExitReason last = null;
            for (long budget : budgets) {
                ExitReason a = plain.cpu.run(budget);
                ExitReason b = jit.cpu.run(budget);
                assertEquals(a, b, "exit reason");
                assertSameState(plain.s, jit.s);
                last = a;
            }
            return last;
        }
    }

    static final class Core {
        final GuestRam ram = new GuestRam(CpuHarness.RAM_SIZE);
        final FlatMissHandler mmu = new FlatMissHandler(CpuHarness.RAM_SIZE);
        final Interpreter cpu;
        final CpuState s;

        Core(int threshold) {
            this(threshold, false);
        }

        Core(int threshold, boolean background) {
            cpu = new Interpreter(ram, mmu, 64, threshold, background);
            s = cpu.state();
            mmu.attach(cpu.translationCache());
        }

        void poke(int address, int... words) {
            for (int k = 0; k < words.length; k++) {
                ram.storeWord(address + 4 * k, words[k]);
            }
        }
    }

    static void assertSameState(CpuState a, CpuState b) {
        assertArrayEquals(a.gpr, b.gpr, "GPRs");
        assertEquals(a.pc, b.pc, "pc");
        assertEquals(a.instructions, b.instructions, "instructions retired");
        assertEquals(Integer.toHexString(a.cr), Integer.toHexString(b.cr), "CR");
        assertEquals(Integer.toHexString(a.xer), Integer.toHexString(b.xer), "XER");
        assertEquals(a.lr, b.lr, "LR");
        assertEquals(a.ctr, b.ctr, "CTR");
        if (a.trap != null && a.trap != ExitReason.TIMESLICE) {
            assertEquals(a.trapPc, b.trapPc, "trap pc");
            assertEquals(a.trapInstruction, b.trapInstruction, "trap instruction");
            assertEquals(a.trapAddress, b.trapAddress, "trap address");
        }
    }

    /** A counted loop (bdnz back to its own start) with ALU, Rc and memory forms. */
    private static Pair countedLoop() {
        Pair p = new Pair();
        p.code(C,
                Asm.li(3, 0), Asm.li(4, 100), Asm.mtctr(4), Asm.li(9, D - 4), Asm.lis(6, 0x1234),
                // loop (C + 20): 9 instructions ending in bdnz
                Asm.addi(3, 3, 1),
                Asm.rlwinm(5, 3, 3, 0, 28, false),
                Asm.xForm(6, 6, 5, 316, false), // xor r6,r6,r5
                Asm.stwu(6, 4, 9),
                Asm.lwz(7, 0, 9),
                Asm.NOP, // replaced below by add r8,r7,r3
                Asm.rlwinm(10, 6, 1, 0, 31, true), // rotlwi. (Rc: CR0)
                Asm.addic(11, 11, -1), // carry chain
                Asm.bc(16, 0, -32, false, false), // bdnz loop
                Asm.SC);
        // add r8,r7,r3 (xoForm: the register form, not OE)
        p.code(C + 40, Asm.xoForm(8, 7, 3, false, 266, false));
        return p;
    }

    @Test
    void aHotLoopGivesTheSameStateAndCountsInEverySlice() {
        Pair p = countedLoop();
        // slices that end inside the loop body, on the branch, and one that runs past the end
        assertEquals(ExitReason.SYSTEM_CALL, p.run(C, 1, 7, 13, 50, 2, 333, 1000));
        assertTrue(p.jit.cpu.compiledBlockCount() > 0, "the loop was compiled");
        assertEquals(0, p.plain.cpu.compiledBlockCount());
        assertEquals(100, p.jit.s.gpr[3]);
    }

    /** Every op JitOps sends to an inline form has one: a block of it compiles and passes the JVM's verifier. */
    @Test
    void everyAluOpHasAnInlineFormTheVerifierAccepts() {
        int checked = 0;
        for (int op = 1; op < Op.COUNT; op++) {
            if ("alu".equals(JitOps.helper(op))) {
                long[] code = new long[1024];
                long entry = ((long) op << 32) | (3 << 21 | 4 << 16 | 5 << 11);
                code[0] = entry;
                code[1] = entry;
                assertNotNull(BlockCompiler.compile(code, 0), "op " + op);
                checked++;
            }
        }
        assertTrue(checked > 40, "the ALU ops were found: " + checked);
    }

    /**
     * With the background compiler (the runtime's way) the loop runs interpreted until its block arrives, then
     * compiled: every slice ends in the same state as on a core that never compiles, and the block did arrive.
     */
    @Test
    void aBlockCompiledInTheBackgroundArrivesAndChangesNothing() throws InterruptedException {
        Pair p = countedLoop();
        Core jit = new Core(1, true);
        for (int k = 0; k < CpuHarness.RAM_SIZE; k += 4) {
            jit.ram.storeWord(k, p.plain.ram.loadWord(k));
        }
        p.plain.s.pc = C;
        jit.s.pc = C;
        ExitReason a;
        int slices = 0;
        do {
            a = p.plain.cpu.run(25); // (a slice shorter than the loop's 9 words would never enter its block)
            ExitReason b = jit.cpu.run(25);
            assertEquals(a, b, "exit reason");
            assertSameState(p.plain.s, jit.s);
            if (slices++ == 3) {
                // let the compiler finish what the first slices asked for, so that the rest runs compiled
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (jit.cpu.compiling() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            }
        } while (a == ExitReason.TIMESLICE);
        assertEquals(ExitReason.SYSTEM_CALL, a);
        assertTrue(jit.cpu.compiledBlockCount() > 0, "the background compiler's block was installed and ran");
        assertEquals(100, jit.s.gpr[3]);
    }

    /**
     * One block holds a whole loop whose body has forward conditional branches (one skipping a word a block
     * cannot hold, where the block leaves on the last pass) and the carry chain, shift and compare forms emitted
     * inline (H8); slices end everywhere in it.
     */
    @Test
    void aLoopWithBranchesInsideAndCarryArithmeticMatchesTheInterpreter() {
        Pair p = new Pair();
        p.set(3, 0).set(5, 0x7FFF_FFF0).set(6, 0x9000_0001).set(7, 1).set(8, -7).set(10, 5).set(11, 0)
                .set(13, 0);
        p.code(C,
                Asm.addi(3, 3, 1),
                Asm.xoForm(5, 5, 6, false, 10, false), // addc
                Asm.xoForm(7, 7, 8, false, 138, false), // adde
                Asm.xoForm(10, 10, 6, false, 136, true), // subfe.
                Asm.xoForm(11, 11, 0, false, 202, false), // addze
                Asm.srawi(12, 5, 3, false),
                Asm.cmpwi(0, 3, 200),
                Asm.bc(4, 2, 8, false, false), // bne over the sc
                Asm.SC,
                Asm.andiDot(9, 3, 3),
                Asm.bc(4, 2, 8, false, false), // bne over the addi
                Asm.addi(13, 13, 1),
                Asm.b(-48));
        assertEquals(ExitReason.SYSTEM_CALL, p.run(C, 5, 1, 13, 12, 11, 7, 300, 2, 17, 1000, 5000));
        assertTrue(p.jit.cpu.compiledBlockCount() > 0, "the loop was compiled");
        assertEquals(200, p.jit.s.gpr[3]);
        assertEquals(49, p.jit.s.gpr[13]); // r3 = 4, 8, ..., 196 (the sc ends pass 200 first)
    }

    @Test
    void aLoopThatRunsOutOfBudgetStopsAtTheExactInstruction() {
        Pair p = countedLoop();
        p.run(C, 400); // compiled by now; 400 is not a multiple of the 9-instruction pass
        assertTrue(p.jit.cpu.compiledBlockCount() > 0);
        assertEquals(ExitReason.TIMESLICE, p.run(p.plain.s.pc, 95, 9, 8, 10));
    }

    @Test
    void aTrapInsideABlockIsPreciseAndRetriable() {
        Pair p = new Pair();
        // r9 walks up one page per pass: the third pass loads from beyond RAM (MMIO trap) mid-block
        p.set(9, CpuHarness.RAM_SIZE - 3 * 4096).set(3, 0);
        p.code(C, Asm.addi(3, 3, 1), Asm.addis(9, 9, 0), Asm.addi(9, 9, 4096), Asm.lwz(4, 0, 9),
                Asm.addi(3, 3, 1), Asm.b(-20), Asm.SC);
        ExitReason r = p.run(C, 1000);
        assertEquals(ExitReason.MMIO, r);
        assertEquals(C + 12, p.jit.s.trapPc);
        // the hypervisor emulates the load and resumes after it
        p.plain.s.pc += 4;
        p.jit.s.pc += 4;
        assertEquals(ExitReason.TIMESLICE, p.run(p.plain.s.pc, 2, 3));
    }

    @Test
    void aStoreIntoTheSameBlockIsSeenByItsNextInstruction() {
        Pair p = new Pair();
        // the block's store rewrites "li r3,1" two words on as "li r3,2": the next instruction must see it
        p.set(4, Asm.li(3, 2)).set(9, C + 8).set(20, 0);
        p.code(C, Asm.stw(4, 0, 9), Asm.NOP, Asm.li(3, 1), Asm.addi(20, 20, 1), Asm.cmpwi(0, 20, 3),
                Asm.bc(4, 2, -20, false, false), Asm.SC);
        assertEquals(ExitReason.SYSTEM_CALL, p.run(C, 100));
        assertEquals(2, p.jit.s.gpr[3], "the rewritten instruction ran");
        assertEquals(3, p.jit.s.gpr[20]);
        assertTrue(p.jit.cpu.compiledBlockCount() > 0);
    }

    @Test
    void rewritingCompiledCodeDropsItsBlocks() {
        Pair p = new Pair();
        p.code(C, Asm.li(3, 0), Asm.li(4, 50), Asm.mtctr(4), Asm.addi(3, 3, 1), Asm.addi(3, 3, 1),
                Asm.bc(16, 0, -8, false, false), Asm.SC);
        assertEquals(ExitReason.SYSTEM_CALL, p.run(C, 1000));
        assertEquals(100, p.jit.s.gpr[3]);
        // the guest (here: the loader) replaces the loop body: addi r3,r3,3
        p.code(C + 16, Asm.addi(3, 3, 3));
        p.plain.cpu.invalidateCode(C + 16, 4);
        p.jit.cpu.invalidateCode(C + 16, 4);
        assertEquals(ExitReason.SYSTEM_CALL, p.run(C, 1000));
        assertEquals(200, p.jit.s.gpr[3]);
    }
}
