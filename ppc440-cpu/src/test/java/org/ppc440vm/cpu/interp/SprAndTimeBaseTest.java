package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;

/** The SPRs user mode owns, and the time base through mftb and mfspr 268/269. */
class SprAndTimeBaseTest {

    @Test
    void linkCountAndUserSprs() {
        CpuHarness h = new CpuHarness();
        h.set(3, 0x1111).set(4, 0x2222).set(5, 0x3333);
        h.s.sprg4to7[0] = 40;
        h.s.sprg4to7[3] = 70;
        h.exec(Asm.mtlr(3), Asm.mtctr(4), Asm.mtspr(256, 5), Asm.mflr(6), Asm.mfspr(7, 9), Asm.mfspr(8, 256),
                Asm.mfspr(10, 260), Asm.mfspr(11, 263));
        assertEquals(0x1111, h.s.lr);
        assertEquals(0x2222, h.s.ctr);
        assertEquals(0x3333, h.s.usprg0);
        assertEquals(0x1111, h.r(6));
        assertEquals(0x2222, h.r(7));
        assertEquals(0x3333, h.r(8));
        assertEquals(40, h.r(10));
        assertEquals(70, h.r(11));
    }

    @Test
    void timeBaseReads() {
        CpuHarness h = new CpuHarness();
        h.s.timeBase = () -> 0x0123456789ABCDEFL;
        h.exec(Asm.mftb(3, 268), Asm.mftb(4, 269), Asm.mfspr(5, 268), Asm.mfspr(6, 269));
        assertEquals(0x89ABCDEF, h.r(3));
        assertEquals(0x01234567, h.r(4));
        assertEquals(0x89ABCDEF, h.r(5));
        assertEquals(0x01234567, h.r(6));
    }

    @Test
    void anInstructionCountedTimeBaseSeesExactlyWhatRetired() {
        CpuHarness h = new CpuHarness();
        h.s.timeBase = () -> h.s.instructions * 10;
        h.s.instructions = 1000;
        h.poke(CpuHarness.CODE, Asm.NOP, Asm.NOP, Asm.b(4), Asm.NOP, Asm.mftb(3, 268), Asm.SC);
        h.s.pc = CpuHarness.CODE;
        assertEquals(ExitReason.SYSTEM_CALL, h.run(100));
        assertEquals(10040, h.r(3), "4 instructions retired before the mftb");
        assertEquals(1006, h.s.instructions);
    }
}
