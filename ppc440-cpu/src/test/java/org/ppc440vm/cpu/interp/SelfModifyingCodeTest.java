package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.memory.Endian;

/** Decoded code is dropped by guest stores, icbi and invalidateCode; writes behind the CPU's back are not seen. */
class SelfModifyingCodeTest {
    static final int C = CpuHarness.CODE;
    static final int FUNCTION = 0x3000;

    @Test
    void aStoreToTheNextInstructionIsSeen() {
        CpuHarness h = new CpuHarness();
        // stw r4 over the following "li r3,1" with "li r3,2"
        h.set(4, Asm.li(3, 2)).set(9, C + 8);
        h.poke(C, Asm.stw(4, 0, 9), Asm.NOP, Asm.li(3, 1), Asm.SC);
        h.s.pc = C;
        assertEquals(ExitReason.SYSTEM_CALL, h.run(10));
        assertEquals(2, h.r(3));
    }

    @Test
    void patchingAFunctionThatAlreadyRan() {
        CpuHarness h = new CpuHarness();
        h.poke(FUNCTION, Asm.li(3, 1), Asm.BLR);
        h.poke(C, Asm.bForm(FUNCTION, true, true), Asm.SC);
        h.s.pc = C;
        assertEquals(ExitReason.SYSTEM_CALL, h.run(10));
        assertEquals(1, h.r(3));

        // the guest patches it with a byte store (one byte of the immediate), then calls it again
        h.poke(C, Asm.li(5, 7), Asm.li(9, FUNCTION), Asm.stb(5, 3, 9), Asm.bForm(FUNCTION, true, true), Asm.SC);
        h.cpu.invalidateCode(C, 20);
        h.s.pc = C;
        assertEquals(ExitReason.SYSTEM_CALL, h.run(20));
        assertEquals(7, h.r(3));

        // and with a misaligned word store crossing into the next instruction
        // (bytes 00 09 4E 80: the new immediate, then the first half of the blr again)
        h.poke(C, Asm.lis(5, 0x0009), Asm.ori(5, 5, 0x4E80), Asm.li(9, FUNCTION + 2), Asm.stw(5, 0, 9),
                Asm.bForm(FUNCTION, true, true), Asm.SC);
        h.cpu.invalidateCode(C, 24);
        h.s.pc = C;
        assertEquals(ExitReason.SYSTEM_CALL, h.run(20));
        assertEquals(9, h.r(3), "li r3,9: the store rewrote its immediate");
    }

    @Test
    void writesBehindTheCpusBackNeedIcbiOrInvalidateCode() {
        CpuHarness h = new CpuHarness();
        h.poke(FUNCTION, Asm.li(3, 1), Asm.BLR);
        h.poke(C, Asm.bForm(FUNCTION, true, true), Asm.SC);
        h.s.pc = C;
        h.run(10);
        assertEquals(1, h.r(3));

        // a DMA engine (or loader) writes new code through the bounds-checked API
        h.ram.writeInt(FUNCTION, Asm.li(3, 2), Endian.BIG);
        h.s.pc = C;
        h.run(10);
        assertEquals(1, h.r(3), "stale, as on a 440 whose icache still holds the line");

        // the guest does what Linux does after DMA into an executable page: icbi the block
        h.poke(C + 0x100, Asm.li(9, FUNCTION), Asm.icbi(0, 9), Asm.ISYNC, Asm.bForm(FUNCTION, true, true), Asm.SC);
        h.s.pc = C + 0x100;
        h.run(20);
        assertEquals(2, h.r(3));

        h.ram.writeInt(FUNCTION, Asm.li(3, 3), Endian.BIG);
        h.cpu.invalidateCode(FUNCTION, 4);
        h.s.pc = C;
        h.run(10);
        assertEquals(3, h.r(3), "invalidateCode");
    }

    @Test
    void dcbzOverCodeLeavesZeroWordsThatAreIllegal() {
        CpuHarness h = new CpuHarness();
        h.poke(FUNCTION, Asm.li(3, 1), Asm.BLR);
        h.poke(C, Asm.bForm(FUNCTION, true, true), Asm.li(9, FUNCTION), Asm.dcbz(0, 9),
                Asm.bForm(FUNCTION, true, true));
        h.s.pc = C;
        assertEquals(ExitReason.PROGRAM, h.run(20));
        assertEquals(FUNCTION, h.s.pc);
        assertEquals(0, h.s.trapInstruction);
    }

    @Test
    void invalidateCodeClampsToRam() {
        CpuHarness h = new CpuHarness();
        h.exec(Asm.NOP);
        h.cpu.invalidateCode(-100, 200);
        h.cpu.invalidateCode(CpuHarness.RAM_SIZE - 8, 1 << 20);
        h.cpu.invalidateCode(0, Long.MAX_VALUE / 2);
        assertEquals(ExitReason.TIMESLICE, h.exec(Asm.NOP));
    }

    @Test
    void anInstructionThatOverwritesItselfAndFaultsStillReportsItsWord() {
        CpuHarness h = new CpuHarness();
        int x = 0x5000 - 4; // the last word of a page; the next page faults
        h.mmu.faultPages.put(0x5000 >>> 12, ExitReason.DATA_TLB_MISS);
        int stmw = Asm.stmw(30, 0, 9);
        h.poke(x, stmw);
        h.set(9, x).set(30, 0x11111111).set(31, 0x22222222);
        h.s.pc = x;
        assertEquals(ExitReason.DATA_TLB_MISS, h.run(10));
        assertEquals(0x11111111, h.peek(x), "the first word was stored (stmw may leave partial results)");
        assertEquals(stmw, h.s.trapInstruction);
        assertEquals(x, h.s.pc);
    }
}
