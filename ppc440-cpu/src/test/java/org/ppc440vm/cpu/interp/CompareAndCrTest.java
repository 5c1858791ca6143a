package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;

/** Compares into every CR field, CR logical ops, mcrf, mcrxr, mtcrf/mfcr, XER moves. */
class CompareAndCrTest {
    static final int[] VALUES = {0, 1, -1, 0x7FFFFFFF, 0x80000000, 5, 0x8000, 0xFFFF};

    @Test
    void comparesSetOnlyTheirFieldAndCopySo() {
        CpuHarness h = new CpuHarness();
        for (int a : VALUES) {
            for (int b : VALUES) {
                for (int bf = 0; bf < 8; bf++) {
                    int shift = 28 - 4 * bf;
                    int others = 0x9ABCDEF1 & ~(0xF << shift);
                    int sgn = (a < b ? 8 : a > b ? 4 : 2) | 1;
                    int c = Integer.compareUnsigned(a, b);
                    int uns = (c < 0 ? 8 : c > 0 ? 4 : 2) | 1;
                    h.set(4, a).set(5, b);
                    h.s.xer = CpuState.XER_SO;
                    h.s.cr = 0x9ABCDEF1;
                    h.exec(Asm.cmpw(bf, 4, 5));
                    assertEquals(others | sgn << shift, h.s.cr, "cmpw");
                    h.s.cr = 0x9ABCDEF1;
                    h.exec(Asm.cmplw(bf, 4, 5));
                    assertEquals(others | uns << shift, h.s.cr, "cmplw");
                    // immediates: signed 16-bit for cmpwi, zero-extended 16-bit for cmplwi
                    int si = (short) b;
                    int ui = b & 0xFFFF;
                    h.s.cr = 0x9ABCDEF1;
                    h.exec(Asm.cmpwi(bf, 4, b));
                    assertEquals(others | ((a < si ? 8 : a > si ? 4 : 2) | 1) << shift, h.s.cr, "cmpwi");
                    h.s.cr = 0x9ABCDEF1;
                    h.exec(Asm.cmplwi(bf, 4, b));
                    int cu = Integer.compareUnsigned(a, ui);
                    assertEquals(others | ((cu < 0 ? 8 : cu > 0 ? 4 : 2) | 1) << shift, h.s.cr, "cmplwi");
                }
            }
        }
    }

    @Test
    void sixtyFourBitCompareFormIsIllegal() {
        CpuHarness h = new CpuHarness();
        assertEquals(ExitReason.PROGRAM, h.exec(Asm.cmpw(0, 4, 5) | 0x00200000));
        assertEquals(ExitReason.PROGRAM, h.exec(Asm.cmpwi(1, 4, 5) | 0x00200000));
    }

    @Test
    void conditionRegisterLogicalOps() {
        CpuHarness h = new CpuHarness();
        int[] xos = {257, 129, 289, 225, 33, 449, 417, 193};
        for (int k = 0; k < xos.length; k++) {
            for (int a = 0; a <= 1; a++) {
                for (int b = 0; b <= 1; b++) {
                    int expected;
                    switch (xos[k]) {
                        case 257: expected = a & b; break;
                        case 129: expected = a & (1 - b); break;
                        case 289: expected = a == b ? 1 : 0; break;
                        case 225: expected = 1 - (a & b); break;
                        case 33: expected = 1 - (a | b); break;
                        case 449: expected = a | b; break;
                        case 417: expected = a | (1 - b); break;
                        default: expected = a ^ b; break;
                    }
                    // BA = bit 5, BB = bit 30, BT = bit 17, all other bits a pattern that must survive
                    int cr = 0x5A5A5A5A & ~(1 << 26) & ~(1 << 1) & ~(1 << 14);
                    cr |= a << 26 | b << 1;
                    for (int bt : new int[] {17, 5}) { // BT distinct from, and equal to, an operand
                        h.s.cr = bt == 5 ? cr : cr | (1 - expected) << (31 - bt); // else start from the wrong value
                        h.exec(Asm.crOp(xos[k], bt, 5, 30));
                        int want = (h.s.cr & ~(1 << (31 - bt))) | expected << (31 - bt);
                        assertEquals(want, h.s.cr, "xo " + xos[k] + " a=" + a + " b=" + b + " bt=" + bt);
                        assertEquals(expected, (h.s.cr >>> (31 - bt)) & 1);
                    }
                }
            }
        }
    }

    @Test
    void mcrfMcrxrMtcrfMfcr() {
        CpuHarness h = new CpuHarness();
        h.s.cr = 0x12345678;
        h.exec(Asm.mcrf(0, 7), Asm.mcrf(6, 1));
        assertEquals(0x82345628, h.s.cr);

        h.s.cr = 0x12345678;
        h.s.xer = 0xF000007F;
        h.exec(Asm.mcrxr(3));
        assertEquals(0x123F5678, h.s.cr, "mcrxr copies XER[0:3] to the field");
        assertEquals(0x0000007F, h.s.xer, "and clears them");

        h.s.cr = 0x12345678;
        h.set(4, 0xABCDEF01);
        h.exec(Asm.mtcrf(0x81, 4), Asm.mfcr(5));
        assertEquals(0xA2345671, h.s.cr, "FXM 0x81 = CR0 and CR7");
        assertEquals(0xA2345671, h.r(5));
        h.exec(Asm.mtcrf(0xFF, 4));
        assertEquals(0xABCDEF01, h.s.cr);
        h.exec(Asm.mtcrf(0x00, 5));
        assertEquals(0xABCDEF01, h.s.cr);
    }

    @Test
    void xerMovesKeepOnlyArchitectedBits() {
        CpuHarness h = new CpuHarness();
        h.set(4, 0xFFFFFFFF).exec(Asm.mtxer(4), Asm.mfxer(5));
        assertEquals(0xE000007F, h.s.xer);
        assertEquals(0xE000007F, h.r(5));
    }
}
