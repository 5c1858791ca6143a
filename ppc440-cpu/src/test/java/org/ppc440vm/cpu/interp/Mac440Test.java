package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;

/**
 * The 440's multiply-accumulate family, halfword multiplies and dlmzb, against models transcribed from the
 * PPC440x5 pseudo-code: prod(0:31) = halfwords multiplied; temp(0:32) = prod + (RT) (or nprod + (RT));
 * signed saturation "if prod0 = RT0 and RT0 != temp1 then RT = RT0 || 31(not RT0)", unsigned saturation
 * "RT = temp(1:32) | 32(temp0)", OV = the 33-bit sum does not fit (the saturating forms' condition).
 */
class Mac440Test {
    /** name, 9-bit XO, selection (c/h/l), signed, saturating, negative. */
    static final Object[][] MACS = {
        {"macchw", 172}, {"macchws", 236}, {"macchwsu", 204}, {"macchwu", 140},
        {"machhw", 44}, {"machhws", 108}, {"machhwsu", 76}, {"machhwu", 12},
        {"maclhw", 428}, {"maclhws", 492}, {"maclhwsu", 460}, {"maclhwu", 396},
        {"nmacchw", 174}, {"nmacchws", 238}, {"nmachhw", 46}, {"nmachhws", 110},
        {"nmaclhw", 430}, {"nmaclhws", 494},
    };
    static final int[] VALUES = {
        0, 1, -1, 0x7FFF7FFF, 0x80008000, 0x80007FFF, 0x7FFF8000, 0x12345678, 0xFEDCBA98, 0x7FFFFFFF, 0x80000000,
        0x00010000, 0xFFFF0001, 0x40000000, 0xC0000000,
    };

    /** [RT, OV] from the manual's definition. */
    static long[] model(String name, int rt, int ra, int rb) {
        boolean negative = name.startsWith("n");
        String rest = name.substring(negative ? 4 : 3); // "chw...", "hhw...", "lhw..."
        char sel = rest.charAt(0);
        String suffix = rest.substring(3);
        boolean saturate = suffix.startsWith("s");
        boolean unsigned = suffix.endsWith("u");
        int aHalf = sel == 'h' ? ra >>> 16 : ra & 0xFFFF;
        int bHalf = sel == 'l' ? rb & 0xFFFF : rb >>> 16;
        if (unsigned) {
            long prod = (long) aHalf * bHalf; // 32-bit unsigned product
            long temp = prod + (rt & 0xFFFFFFFFL); // 33 bits
            boolean temp0 = (temp >>> 32) != 0;
            int result = saturate && temp0 ? 0xFFFFFFFF : (int) temp;
            return new long[] {result, temp0 ? 1 : 0};
        }
        int prod = (short) aHalf * (short) bHalf;
        if (negative) {
            prod = -prod;
        }
        int sum = prod + rt; // temp(1:32)
        boolean prod0 = prod < 0;
        boolean rt0 = rt < 0;
        boolean temp1 = sum < 0;
        boolean overflow = prod0 == rt0 && rt0 != temp1;
        int result = saturate && overflow ? (rt0 ? 0x80000000 : 0x7FFFFFFF) : sum;
        return new long[] {result, overflow ? 1 : 0};
    }

    @Test
    void everyMacFormMatchesThe440Definition() {
        CpuHarness h = new CpuHarness();
        for (Object[] mac : MACS) {
            String name = (String) mac[0];
            int xo = (Integer) mac[1];
            for (int rt : VALUES) {
                for (int ra : VALUES) {
                    for (int rb : VALUES) {
                        long[] m = model(name, rt, ra, rb);
                        for (int form = 0; form < 4; form++) {
                            boolean oe = (form & 2) != 0;
                            boolean rc = (form & 1) != 0;
                            h.set(3, rt).set(4, ra).set(5, rb);
                            h.s.xer = CpuState.XER_OV | 0x11; // OV must be cleared by an o-form without overflow
                            h.s.cr = 0;
                            assertEquals(ExitReason.TIMESLICE, h.exec(Asm.mac(xo, 3, 4, 5, oe, rc)));
                            String what = String.format("%s form %d rt=%08x ra=%08x rb=%08x", name, form, rt, ra, rb);
                            assertEquals((int) m[0], h.r(3), what);
                            int xer = !oe ? CpuState.XER_OV | 0x11
                                    : m[1] == 1 ? CpuState.XER_SO | CpuState.XER_OV | 0x11 : 0x11;
                            assertEquals(xer, h.s.xer, what + " XER");
                            int r = (int) m[0];
                            int cr0 = (r < 0 ? 8 : r > 0 ? 4 : 2) | (xer >>> 31);
                            assertEquals(rc ? cr0 << 28 : 0, h.s.cr, what + " CR");
                        }
                    }
                }
            }
        }
    }

    @Test
    void halfwordMultiplies() {
        CpuHarness h = new CpuHarness();
        int[][] forms = {{168, 'c', 1}, {136, 'c', 0}, {40, 'h', 1}, {8, 'h', 0}, {424, 'l', 1}, {392, 'l', 0}};
        for (int[] f : forms) {
            for (int ra : VALUES) {
                for (int rb : VALUES) {
                    int a = f[1] == 'h' ? ra >>> 16 : ra & 0xFFFF;
                    int b = f[1] == 'l' ? rb & 0xFFFF : rb >>> 16;
                    int expected = f[2] == 1 ? (short) a * (short) b : a * b;
                    for (boolean rc : new boolean[] {false, true}) {
                        h.set(4, ra).set(5, rb);
                        h.s.cr = 0;
                        h.s.xer = CpuState.XER_SO;
                        h.exec(Asm.mac(f[0], 3, 4, 5, false, rc));
                        assertEquals(expected, h.r(3), "xo " + f[0]);
                        int cr0 = (expected < 0 ? 8 : expected > 0 ? 4 : 2) | 1;
                        assertEquals(rc ? cr0 << 28 : 0, h.s.cr);
                        assertEquals(CpuState.XER_SO, h.s.xer, "no XER update");
                    }
                }
            }
            assertEquals(ExitReason.PROGRAM, h.exec(Asm.mac(f[0], 3, 4, 5, true, false)), "no OE form");
        }
    }

    @Test
    void opcodeFourWordsOutsideTheFamilyAreIllegal() {
        CpuHarness h = new CpuHarness();
        for (int xo : new int[] {0, 14, 78, 142, 300, 511}) { // e.g. "nmachhwu" (14) does not exist
            assertEquals(ExitReason.PROGRAM, h.exec(Asm.mac(xo, 3, 4, 5, false, false)), "xo " + xo);
            assertEquals(CpuState.ESR_PIL, h.s.trapEsr);
        }
    }

    @Test
    void dlmzbFindsTheLeftmostZeroByte() {
        CpuHarness h = new CpuHarness();
        int[][] cases = {
            {0x00112233, 0x44556677, 1}, {0x11002233, 0x44556677, 2}, {0x11220033, 0x44556677, 3},
            {0x11223300, 0x44556677, 4}, {0x11223344, 0x00556677, 5}, {0x11223344, 0x55006677, 6},
            {0x11223344, 0x55660077, 7}, {0x11223344, 0x55667700, 8}, {0x11223344, 0x55667788, 8},
            {0x00000000, 0x00000000, 1}, {0x80808080, 0x01010100, 8},
        };
        for (int[] c : cases) {
            for (boolean rc : new boolean[] {false, true}) {
                h.set(4, c[0]).set(5, c[1]);
                h.s.xer = 0xE000007F;
                h.s.cr = 0;
                h.exec(Asm.xForm(4, 3, 5, 78, rc)); // dlmzb r3,r4,r5
                assertEquals(c[2], h.r(3));
                assertEquals(0xE0000000 | c[2], h.s.xer, "XER[TBC]");
                boolean found = c[2] < 8 || (c[1] & 0xFF) == 0;
                int bits = !found ? 0b001 : c[2] < 5 ? 0b010 : 0b100;
                assertEquals(rc ? (bits << 1 | 1) << 28 : 0, h.s.cr);
            }
        }
    }

    @Test
    void encodingMatchesBinutils() {
        // "7c 83 28 9c  dlmzb r3,r4,r5" from the binutils 476 test suite
        assertEquals(0x7C83289C, Asm.xForm(4, 3, 5, 78, false));
        assertEquals(Op.DLMZB, Decoder.decode(0x7C83289C));
    }
}
