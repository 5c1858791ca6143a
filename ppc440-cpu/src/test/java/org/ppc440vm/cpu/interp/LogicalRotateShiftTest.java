package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ppc440vm.cpu.spi.CpuState;

/** Logical, sign-extension, count-leading-zeros, rotate and shift instructions, with and without Rc. */
class LogicalRotateShiftTest {
    static final int[] VALUES = {0, 1, -1, 0x80000000, 0x7FFFFFFF, 0x12345678, 0xF0F0F00F, 0x000000FF, 0x00008000};

    static int cr0(int r, boolean so) {
        return ((r < 0 ? 8 : r > 0 ? 4 : 2) | (so ? 1 : 0)) << 28;
    }

    /** The rotate mask as the architecture defines it: bits mb..me, wrapping past bit 31 to bit 0. */
    static int referenceMask(int mb, int me) {
        int m = 0;
        int bit = mb;
        while (true) {
            m |= 1 << (31 - bit);
            if (bit == me) {
                return m;
            }
            bit = (bit + 1) & 31;
        }
    }

    @Test
    void registerLogicalOps() {
        CpuHarness h = new CpuHarness();
        int[] xos = {28, 60, 444, 412, 316, 476, 124, 284};
        for (int a : VALUES) {
            for (int b : VALUES) {
                int[] expected = {a & b, a & ~b, a | b, a | ~b, a ^ b, ~(a & b), ~(a | b), ~(a ^ b)};
                for (int k = 0; k < xos.length; k++) {
                    for (boolean rc : new boolean[] {false, true}) {
                        h.set(4, a).set(5, b);
                        h.s.cr = 0;
                        h.s.xer = CpuState.XER_SO;
                        h.exec(Asm.logical(xos[k], 3, 4, 5, rc));
                        assertEquals(expected[k], h.r(3), "xo " + xos[k]);
                        assertEquals(rc ? cr0(expected[k], true) : 0, h.s.cr, "xo " + xos[k] + " CR0");
                    }
                }
            }
        }
    }

    @Test
    void immediateLogicalOps() {
        CpuHarness h = new CpuHarness();
        for (int a : VALUES) {
            h.set(4, a);
            h.s.cr = 0;
            h.s.xer = 0;
            h.exec(Asm.ori(3, 4, 0x8001), Asm.oris(5, 4, 0x8001), Asm.xori(6, 4, 0xFFFF), Asm.xoris(7, 4, 0xFFFF));
            assertEquals(a | 0x8001, h.r(3));
            assertEquals(a | 0x80010000, h.r(5));
            assertEquals(a ^ 0xFFFF, h.r(6));
            assertEquals(a ^ 0xFFFF0000, h.r(7));
            assertEquals(0, h.s.cr, "ori/oris/xori/xoris never touch CR");
            h.exec(Asm.andiDot(3, 4, 0x80F0));
            assertEquals(a & 0x80F0, h.r(3));
            assertEquals(cr0(a & 0x80F0, false), h.s.cr);
            h.exec(Asm.andisDot(3, 4, 0x8001));
            assertEquals(a & 0x80010000, h.r(3));
            assertEquals(cr0(a & 0x80010000, false), h.s.cr);
        }
    }

    @Test
    void extendAndCount() {
        CpuHarness h = new CpuHarness();
        for (int a : VALUES) {
            for (boolean rc : new boolean[] {false, true}) {
                h.set(4, a);
                h.s.cr = 0;
                h.exec(Asm.logical(954, 3, 4, 0, rc));
                assertEquals((int) (byte) a, h.r(3), "extsb");
                assertEquals(rc ? cr0((byte) a, false) : 0, h.s.cr);
                h.exec(Asm.logical(922, 3, 4, 0, rc));
                assertEquals((int) (short) a, h.r(3), "extsh");
                h.exec(Asm.logical(26, 3, 4, 0, rc));
                int n = 0;
                while (n < 32 && (a & (0x80000000 >>> n)) == 0) {
                    n++;
                }
                assertEquals(n, h.r(3), "cntlzw");
                assertEquals(rc ? cr0(n, false) : 0, h.s.cr, "cntlzw CR0");
            }
        }
    }

    @Test
    void rotatesWithEveryMaskIncludingWrapAround() {
        CpuHarness h = new CpuHarness();
        int v = 0x8F00F0F1;
        for (int mb = 0; mb < 32; mb++) {
            for (int me = 0; me < 32; me++) {
                int sh = (mb * 7 + me) & 31;
                int rot = Integer.rotateLeft(v, sh);
                int m = referenceMask(mb, me);
                h.set(4, v).set(5, 0xFFFFFF00 | sh).set(3, 0x5A5A5A5A);
                h.s.cr = 0;
                h.exec(Asm.rlwinm(6, 4, sh, mb, me, true), Asm.rlwnm(7, 4, 5, mb, me, false),
                        Asm.rlwimi(3, 4, sh, mb, me, false));
                String what = "mb=" + mb + " me=" + me + " sh=" + sh;
                assertEquals(rot & m, h.r(6), "rlwinm " + what);
                assertEquals(cr0(rot & m, false), h.s.cr, "rlwinm. " + what);
                assertEquals(rot & m, h.r(7), "rlwnm uses rB[27:31] " + what);
                assertEquals((rot & m) | (0x5A5A5A5A & ~m), h.r(3), "rlwimi " + what);
            }
        }
    }

    @Test
    void shiftsByEveryAmountFrom0To63() {
        CpuHarness h = new CpuHarness();
        for (int v : VALUES) {
            for (int n = 0; n < 64; n++) {
                h.set(4, v).set(5, 0x12345600 | n); // only the low 6 bits count
                h.s.xer = 0;
                h.s.cr = 0;
                h.exec(Asm.logical(24, 3, 4, 5, false), Asm.logical(536, 6, 4, 5, false),
                        Asm.logical(792, 7, 4, 5, true));
                assertEquals(n < 32 ? v << n : 0, h.r(3), "slw " + n);
                assertEquals(n < 32 ? v >>> n : 0, h.r(6), "srw " + n);
                long exact = n < 32 ? (long) v >> n : (v < 0 ? -1 : 0);
                assertEquals((int) exact, h.r(7), "sraw " + n);
                boolean lostOnes = v < 0 && (n >= 32 ? v != 0 : (v & ((1L << n) - 1)) != 0);
                assertEquals(lostOnes ? CpuState.XER_CA : 0, h.s.xer, "sraw CA v=" + v + " n=" + n);
                assertEquals(cr0((int) exact, false), h.s.cr, "sraw. CR0");
                if (n < 32) {
                    h.s.xer = CpuState.XER_CA;
                    h.exec(Asm.srawi(8, 4, n, false));
                    assertEquals(v >> n, h.r(8), "srawi " + n);
                    boolean lost = v < 0 && (v & ((1L << n) - 1)) != 0;
                    assertEquals(lost ? CpuState.XER_CA : 0, h.s.xer, "srawi CA v=" + v + " n=" + n);
                }
            }
        }
    }
}
