package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;

/**
 * XO-form arithmetic in all four {,o,.,o.} forms against a model written from the architecture's definitions in
 * 64-bit arithmetic (result = low 32 bits of the exact sum; CA = carry out of the unsigned 32-bit sum; OV = the
 * exact signed result does not fit 32 bits; SO sticky; CR0 from the signed result and SO).
 */
class IntegerArithmeticTest {
    static final int[] VALUES = {
        0, 1, -1, 2, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0x12345678, 0x40000000, 0xC0000000, 0xFFFF0000,
    };

    static long u(int x) {
        return x & 0xFFFFFFFFL;
    }

    /** Expected {result, CA or -1 if unchanged, OV} of one add/subtract-family instruction. */
    static long[] model(String op, int a, int b, int ca) {
        long signed;
        long unsigned;
        switch (op) {
            case "add": return new long[] {(int) ((long) a + b), -1, ovf((long) a + b)};
            case "addc": signed = (long) a + b; unsigned = u(a) + u(b); break;
            case "adde": signed = (long) a + b + ca; unsigned = u(a) + u(b) + ca; break;
            case "addme": signed = (long) a + ca - 1; unsigned = u(a) + ca + 0xFFFFFFFFL; break;
            case "addze": signed = (long) a + ca; unsigned = u(a) + ca; break;
            case "subf": return new long[] {(int) ((long) b - a), -1, ovf((long) b - a)};
            case "subfc":
                signed = (long) b - a;
                return new long[] {(int) signed, u(b) >= u(a) ? 1 : 0, ovf(signed)};
            case "subfe": signed = (long) b - a - 1 + ca; unsigned = u(~a) + u(b) + ca; break;
            case "subfme": signed = -(long) a - 1 + ca - 1; unsigned = u(~a) + ca + 0xFFFFFFFFL; break;
            case "subfze": signed = -(long) a - 1 + ca; unsigned = u(~a) + ca; break;
            case "neg": return new long[] {(int) -(long) a, -1, ovf(-(long) a)};
            default: throw new IllegalArgumentException(op);
        }
        return new long[] {(int) signed, unsigned >>> 32 != 0 ? 1 : 0, ovf(signed)};
    }

    static long ovf(long exact) {
        return exact != (int) exact ? 1 : 0;
    }

    static int xo(String op) {
        switch (op) {
            case "add": return 266;
            case "addc": return 10;
            case "adde": return 138;
            case "addme": return 234;
            case "addze": return 202;
            case "subf": return 40;
            case "subfc": return 8;
            case "subfe": return 136;
            case "subfme": return 232;
            case "subfze": return 200;
            case "neg": return 104;
            default: throw new IllegalArgumentException(op);
        }
    }

    static int expectedCr0(int result, boolean so) {
        int f = result < 0 ? 8 : result > 0 ? 4 : 2;
        return f | (so ? 1 : 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"add", "addc", "adde", "addme", "addze", "subf", "subfc", "subfe", "subfme", "subfze", "neg"})
    void addSubtractFamilyInAllForms(String op) {
        CpuHarness h = new CpuHarness();
        for (int a : VALUES) {
            for (int b : VALUES) {
                for (int ca = 0; ca <= 1; ca++) {
                    for (int form = 0; form < 4; form++) {
                        for (int so = 0; so <= 1; so++) {
                            boolean oe = (form & 2) != 0;
                            boolean rc = (form & 1) != 0;
                            int xerIn = (so << 31) | (ca << 29) | 0x15; // the byte count must survive
                            h.set(4, a).set(5, b);
                            h.s.xer = xerIn;
                            h.s.cr = 0x0000000F; // other fields must survive
                            assertEquals(ExitReason.TIMESLICE, h.exec(Asm.xoForm(3, 4, 5, oe, xo(op), rc)));
                            long[] m = model(op, a, b, ca);
                            String what = String.format("%s form %d a=%08x b=%08x ca=%d so=%d", op, form, a, b, ca, so);
                            assertEquals((int) m[0], h.r(3), what + " result");
                            int xer = xerIn;
                            if (m[1] >= 0) {
                                xer = m[1] == 1 ? xer | CpuState.XER_CA : xer & ~CpuState.XER_CA;
                            }
                            if (oe) {
                                xer = m[2] == 1 ? xer | CpuState.XER_OV | CpuState.XER_SO : xer & ~CpuState.XER_OV;
                            }
                            assertEquals(xer, h.s.xer, what + " XER");
                            int cr = rc ? expectedCr0((int) m[0], (xer & CpuState.XER_SO) != 0) << 28 | 0xF : 0xF;
                            assertEquals(cr, h.s.cr, what + " CR");
                        }
                    }
                }
            }
        }
    }

    @Test
    void multiplyAndDivideInAllForms() {
        CpuHarness h = new CpuHarness();
        for (int a : VALUES) {
            for (int b : VALUES) {
                for (int form = 0; form < 4; form++) {
                    boolean oe = (form & 2) != 0;
                    boolean rc = (form & 1) != 0;
                    long product = (long) a * b;
                    boolean divUndefined = b == 0 || (a == Integer.MIN_VALUE && b == -1);
                    check(h, Asm.xoForm(3, 4, 5, oe, 235, rc), a, b, (int) product, oe, product != (int) product, rc);
                    int quotient = divUndefined ? a : a / b; // RT is undefined there; we follow QEMU (the dividend)
                    check(h, Asm.xoForm(3, 4, 5, oe, 491, rc), a, b, quotient, oe, divUndefined, rc);
                    int uquotient = b == 0 ? a : (int) (u(a) / u(b));
                    check(h, Asm.xoForm(3, 4, 5, oe, 459, rc), a, b, uquotient, oe, b == 0, rc);
                    if (!oe) {
                        check(h, Asm.xoForm(3, 4, 5, false, 75, rc), a, b, (int) (product >> 32), false, false, rc);
                        check(h, Asm.xoForm(3, 4, 5, false, 11, rc), a, b, (int) ((u(a) * u(b)) >>> 32), false,
                                false, rc);
                    }
                }
            }
        }
    }

    private static void check(CpuHarness h, int insn, int a, int b, int expected, boolean oe, boolean ov, boolean rc) {
        h.set(4, a).set(5, b);
        h.s.xer = CpuState.XER_OV; // OV must be cleared by an OE=1 instruction that does not overflow
        h.s.cr = 0;
        assertEquals(ExitReason.TIMESLICE, h.exec(insn));
        String what = String.format("insn %08x a=%08x b=%08x", insn, a, b);
        assertEquals(expected, h.r(3), what);
        int xer = !oe ? CpuState.XER_OV : ov ? CpuState.XER_OV | CpuState.XER_SO : 0;
        assertEquals(xer, h.s.xer, what + " XER");
        assertEquals(rc ? expectedCr0(expected, (xer & CpuState.XER_SO) != 0) << 28 : 0, h.s.cr, what + " CR");
    }

    @Test
    void mulhwWithOeIsIllegal() {
        CpuHarness h = new CpuHarness();
        assertEquals(ExitReason.PROGRAM, h.exec(Asm.xoForm(3, 4, 5, true, 75, false)));
        assertEquals(CpuState.ESR_PIL, h.s.trapEsr);
    }

    @Test
    void immediateArithmetic() {
        CpuHarness h = new CpuHarness();
        for (int a : VALUES) {
            for (int imm : new int[] {0, 1, -1, 0x7FFF, -0x8000, 0x1234}) {
                h.set(4, a);
                h.s.xer = 0;
                h.s.cr = 0;
                h.exec(Asm.addic(3, 4, imm));
                assertEquals(a + imm, h.r(3));
                assertEquals(u(a) + u(imm) > 0xFFFFFFFFL ? CpuState.XER_CA : 0, h.s.xer, "addic CA");
                assertEquals(0, h.s.cr, "addic leaves CR alone");

                h.s.xer = CpuState.XER_SO;
                h.exec(Asm.addicDot(3, 4, imm));
                assertEquals(expectedCr0(a + imm, true) << 28, h.s.cr, "addic. CR0");

                h.s.xer = 0;
                h.exec(Asm.subfic(3, 4, imm));
                assertEquals(imm - a, h.r(3), "subfic");
                assertEquals(u(imm) >= u(a) ? CpuState.XER_CA : 0, h.s.xer, "subfic CA");

                h.exec(Asm.mulli(3, 4, imm));
                assertEquals(a * imm, h.r(3), "mulli");
            }
        }
        h.set(3, 0x11111111).exec(Asm.li(3, -2), Asm.addis(4, 3, 0x7FFF));
        assertEquals(-2, h.r(3));
        assertEquals(-2 + 0x7FFF0000, h.r(4));
        h.set(0, 100).exec(Asm.addi(5, 0, 7), Asm.addis(6, 0, 1), Asm.addi(7, 0, -1));
        assertEquals(7, h.r(5), "addi with rA=0 adds to zero, not to r0");
        assertEquals(0x10000, h.r(6), "addis with rA=0 is lis");
    }
}
