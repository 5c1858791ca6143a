package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;

/** FP loads and stores: single/double conversion by the architecture's bit rules, forms, alignment. */
class FpLoadStoreTest {
    static final int D = CpuHarness.DATA;
    CpuHarness h;

    @BeforeEach
    void fpOn() {
        h = new CpuHarness();
        h.s.msr = CpuState.MSR_FP;
        h.set(9, D);
    }

    private long lfs(int word) {
        h.poke(D, word);
        h.exec(Asm.lfs(1, 0, 9));
        return h.s.fpr[1];
    }

    private int stfs(long bits) {
        h.s.fpr[2] = bits;
        h.exec(Asm.stfs(2, 0x10, 9));
        return h.peek(D + 0x10);
    }

    @Test
    void lfsWidensExactly() {
        for (float f : new float[] {0f, -0f, 1f, -1.5f, 3.4028235e38f, 1.17549435e-38f, 1e-45f, 1.4e-40f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            int bits = Float.floatToRawIntBits(f);
            assertEquals(Double.doubleToRawLongBits(f), lfs(bits), "lfs " + f);
        }
        assertEquals(0x36A0000000000000L, lfs(0x00000001), "smallest denormal = 2^-149");
        assertEquals(0x7FF8000000000000L, lfs(0x7FC00000), "quiet NaN");
        assertEquals(0x7FF0000020000000L, lfs(0x7F800001), "signalling NaN stays signalling");
        assertEquals(0xFFFFFFFFE0000000L, lfs(0xFFFFFFFF), "NaN payload kept");
    }

    @Test
    void stfsNarrowsByTruncation() {
        for (float f : new float[] {0f, -0f, 1f, -2.75f, 3.4028235e38f, 1.17549435e-38f, 1e-45f, 1.4e-40f,
            Float.POSITIVE_INFINITY}) {
            assertEquals(Float.floatToRawIntBits(f), stfs(Double.doubleToRawLongBits(f)), "stfs " + f);
        }
        double justBelow = 1 + Math.scalb(1.0, -23) - Math.scalb(1.0, -40);
        assertEquals(0x3F800000, stfs(Double.doubleToRawLongBits(justBelow)), "truncates, does not round");
        assertEquals(0x00000200, stfs(Double.doubleToRawLongBits(Math.scalb(1.0, -140))), "single denormal");
        assertEquals(0x80000001, stfs(Double.doubleToRawLongBits(-Math.scalb(1.5, -149))), "denormal, truncated");
        long huge = Double.doubleToRawLongBits(1e300);
        int expected = (int) ((huge >>> 32) & 0xC0000000L) | (int) ((huge >>> 29) & 0x3FFFFFFF);
        assertEquals(expected, stfs(huge), "out of range: bits, not infinity (the program should have rounded)");
        assertEquals(0x7F800001, stfs(0x7FF0000020000000L), "SNaN round trip");
        assertEquals(0x80000000, stfs(Double.doubleToRawLongBits(-Math.scalb(1.0, -200))), "too small: signed zero");
    }

    @Test
    void doublesMoveAsRawBits() {
        h.poke(D, 0x7FF00000, 0x00000001);
        h.exec(Asm.lfd(3, 0, 9), Asm.stfd(3, 8, 9));
        assertEquals(0x7FF0000000000001L, h.s.fpr[3]);
        assertEquals(0x7FF00000, h.peek(D + 8));
        assertEquals(0x00000001, h.peek(D + 12));
    }

    @Test
    void updateAndIndexedForms() {
        h.poke(D + 0x20, Float.floatToRawIntBits(2.5f), 0x40090000, 0);
        h.set(10, 0x20);
        h.exec(Asm.lfsu(4, 0x20, 9));
        assertEquals(Double.doubleToRawLongBits(2.5), h.s.fpr[4]);
        assertEquals(D + 0x20, h.r(9));
        h.set(9, D).exec(Asm.x(631, 5, 9, 10)); // lfdux f5,r9,r10 at D+0x20 (reads 2.5f bits + 0x40090000)
        assertEquals(D + 0x20, h.r(9));
        h.set(9, D).exec(Asm.x(599, 6, 9, 10)); // lfdx
        assertEquals(h.s.fpr[5], h.s.fpr[6]);
        assertEquals(D, h.r(9));
        h.s.fpr[7] = Double.doubleToRawLongBits(-1.0);
        h.set(10, 0x40).exec(Asm.x(663, 7, 9, 10), Asm.stfdu(7, 0x48, 9));
        assertEquals(Float.floatToRawIntBits(-1f), h.peek(D + 0x40));
        assertEquals(0xBFF00000, h.peek(D + 0x48));
        assertEquals(D + 0x48, h.r(9));
        h.s.fpr[8] = 0x123456789ABCDEF0L;
        h.set(9, D).set(10, 0x50).exec(Asm.x(983, 8, 9, 10));
        assertEquals(0x9ABCDEF0, h.peek(D + 0x50), "stfiwx stores the low word");
    }

    @Test
    void crossingAQuadwordIsAnAlignmentTrap() {
        h.set(9, D + 8);
        assertEquals(ExitReason.TIMESLICE, h.exec(Asm.lfd(1, 0, 9)), "aligned within the quadword");
        h.set(9, D + 2);
        assertEquals(ExitReason.TIMESLICE, h.exec(Asm.lfd(1, 0, 9)), "misaligned but inside the quadword");
        h.set(9, D + 12);
        assertEquals(ExitReason.ALIGNMENT, h.exec(Asm.lfd(1, 0, 9)));
        assertEquals(D + 12, h.s.trapAddress);
        assertEquals(CpuState.ESR_FP, h.s.trapEsr);
        h.set(9, D + 14);
        assertEquals(ExitReason.ALIGNMENT, h.exec(Asm.stfs(1, 0, 9)));
        assertEquals(CpuState.ESR_FP | CpuState.ESR_ST, h.s.trapEsr);
        h.set(9, D + 0x1C);
        assertEquals(ExitReason.ALIGNMENT, h.exec(Asm.lfdu(1, 0, 9)));
        assertEquals(D + 0x1C, h.r(9), "no update");
    }

    /** fdiv f1,f2,f3 (primary 63, XO 18). */
    static final int FDIV = 63 << 26 | 1 << 21 | 2 << 16 | 3 << 11 | 18 << 1;

    @Test
    void arithmeticIsDelegatedToTheFpu() {
        h.s.fpr[2] = Double.doubleToRawLongBits(1.0);
        h.s.fpr[3] = Double.doubleToRawLongBits(4.0);
        assertEquals(ExitReason.TIMESLICE, h.exec(FDIV));
        assertEquals(0.25, Double.longBitsToDouble(h.s.fpr[1]));
        h.s.msr = 0;
        assertEquals(ExitReason.FP_UNAVAILABLE, h.exec(FDIV));
    }

    @Test
    void enabledFpExceptionsTrapOnlyWhenMsrFeAsksForThem() {
        h.s.fpr[1] = 0;
        h.s.fpr[2] = Double.doubleToRawLongBits(1.0);
        h.s.fpr[3] = 0; // divide by zero
        h.s.fpscr = 0x10; // ZE
        assertEquals(ExitReason.TIMESLICE, h.exec(FDIV), "FE0=FE1=0: ignored");
        h.s.msr = CpuState.MSR_FP | CpuState.MSR_FE0;
        h.s.instructions = 0;
        assertEquals(ExitReason.PROGRAM, h.exec(FDIV));
        assertEquals(CpuState.ESR_FP, h.s.trapEsr);
        assertEquals(CpuHarness.CODE, h.s.pc, "SRR0 = the fdiv");
        assertEquals(0, h.s.fpr[1], "zero divide enabled: target unchanged");
        assertEquals(0, h.s.instructions);
    }
}
