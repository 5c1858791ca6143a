package org.ppc440vm.cpu.interp.fpu;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppc440vm.cpu.interp.fpu.Reference.Outcome;
import org.ppc440vm.cpu.interp.fpu.Reference.Rational;
import org.ppc440vm.cpu.interp.fpu.Reference.Root;
import org.ppc440vm.cpu.interp.fpu.Reference.Signed;
import org.ppc440vm.cpu.spi.CpuState;

/**
 * Random operands, every rounding mode, double and single precision: each result and its FR, FI, OX, UX, XX and
 * FPRF must equal what the independent {@link Reference} oracle computes from the exact rational result. The
 * operands are biased toward the hard cases: denormals, the ends of the exponent range, ties, cancellation, and
 * products that a separate rounding would get wrong. {@code -Dfpu.random.cases=N} raises the count per check.
 */
class FpuRandomizedTest {
    private static final int CASES = Integer.getInteger("fpu.random.cases", 4000);
    private static final int ROUNDING_FLAGS = Fpscr.FR | Fpscr.FI | Fpscr.OX | Fpscr.UX | Fpscr.XX | Fpscr.FPRF;

    private final SplittableRandom random = new SplittableRandom(0x440F_9000L);

    // ---- operand generation ----

    private long finiteDouble() {
        switch (random.nextInt(8)) {
            case 0: // any finite exponent
                return (random.nextLong() & 0x800F_FFFF_FFFF_FFFFL) | ((long) random.nextInt(1, 2047) << 52);
            case 1: // denormal
                return (random.nextLong() & 0x800F_FFFF_FFFF_FFFFL) | 1;
            case 2: // near the top of the range
                return (random.nextLong() & 0x800F_FFFF_FFFF_FFFFL) | ((long) random.nextInt(2000, 2047) << 52);
            case 3: // near the bottom of the normal range
                return (random.nextLong() & 0x800F_FFFF_FFFF_FFFFL) | ((long) random.nextInt(1, 60) << 52);
            case 4: // small integers and halves: ties
                return Fp.bits((random.nextInt(-64, 65) | 1) / (random.nextBoolean() ? 1.0 : 2.0));
            case 5: // few significant bits
                return Fp.bits(Math.scalb((double) random.nextInt(1, 1 << 12), random.nextInt(-40, 40))
                        * (random.nextBoolean() ? -1 : 1));
            default: // moderate magnitude, full fraction
                return (random.nextLong() & 0x800F_FFFF_FFFF_FFFFL) | ((long) random.nextInt(983, 1063) << 52);
        }
    }

    private long finiteSingle() {
        int exponent = switch (random.nextInt(5)) {
            case 0 -> 0; // denormal
            case 1 -> random.nextInt(1, 20);
            case 2 -> random.nextInt(235, 255);
            default -> random.nextInt(100, 155);
        };
        int bits = (random.nextInt() & 0x807F_FFFF) | (exponent << 23);
        if ((bits & 0x7FFF_FFFF) == 0) {
            bits |= 1;
        }
        if (random.nextInt(6) == 0) {
            bits &= 0xFFFF_F000; // few significant bits
            if ((bits & 0x7FFF_FFFF) == 0) {
                bits = 0x3F80_0000;
            }
        }
        return Fp.single(Float.intBitsToFloat(bits));
    }

    private long operand(boolean single) {
        if (random.nextInt(40) == 0) {
            return random.nextBoolean() ? 0 : Long.MIN_VALUE;
        }
        return single && random.nextInt(8) != 0 ? finiteSingle() : finiteDouble();
    }

    /** An operand close to {@code x} in magnitude (for cancellation), or a scaled copy. */
    private long near(long x, boolean single) {
        if ((x & Long.MAX_VALUE) == 0 || random.nextInt(3) == 0) {
            return operand(single);
        }
        long ulps = random.nextInt(-4, 5);
        if (single) {
            float f = (float) Fp.value(x);
            int fb = Float.floatToRawIntBits(f) + (int) ulps;
            float g = Float.intBitsToFloat(fb);
            if (Float.isNaN(g) || Float.isInfinite(g)) {
                return x;
            }
            return Fp.single(random.nextBoolean() ? -g : g);
        }
        long y = x + ulps;
        if (FpuOps.isNaN(y) || (y & Long.MAX_VALUE) == 0x7FF0_0000_0000_0000L) {
            return x;
        }
        return random.nextBoolean() ? y ^ Long.MIN_VALUE : y;
    }

    private int fpscr(boolean enables) {
        int f = random.nextInt(4);
        if (enables && random.nextInt(3) == 0) {
            f |= Fpscr.OE;
        }
        if (enables && random.nextInt(3) == 0) {
            f |= Fpscr.UE;
        }
        return f;
    }

    /**
     * Drops OE and UE for a single-precision instruction with an operand that is not a single: the architecture
     * defines single-precision instructions only for single operands, and with such operands even the
     * exponent-adjusted result of an enabled overflow or underflow may lie outside the double range.
     */
    private static int definedEnables(int fpscr, boolean single, long... operands) {
        if (single) {
            for (long o : operands) {
                if (Fp.bits((float) Fp.value(o)) != o) {
                    return fpscr & ~(Fpscr.OE | Fpscr.UE);
                }
            }
        }
        return fpscr;
    }

    // ---- expectations ----

    private static int expectedClass(long bits, boolean single) {
        double d = Fp.value(bits);
        boolean negative = bits < 0;
        if (d == 0) {
            return negative ? Fpscr.CLASS_MINUS_ZERO : Fpscr.CLASS_PLUS_ZERO;
        }
        if (Double.isInfinite(d)) {
            return negative ? Fpscr.CLASS_MINUS_INFINITY : Fpscr.CLASS_PLUS_INFINITY;
        }
        double minNormal = single ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        if (Math.abs(d) < minNormal) {
            return negative ? Fpscr.CLASS_MINUS_DENORMAL : Fpscr.CLASS_PLUS_DENORMAL;
        }
        return negative ? Fpscr.CLASS_MINUS_NORMAL : Fpscr.CLASS_PLUS_NORMAL;
    }

    private static void check(String what, int fpscrIn, long[] operands, Outcome expected, boolean single,
                              CpuState s) {
        int expectedFlags = expected.flags() | (expectedClass(expected.bits(), single) << Fpscr.FPRF_SHIFT);
        int actualFlags = s.fpscr & ROUNDING_FLAGS;
        if (s.fpr[0] != expected.bits() || actualFlags != expectedFlags) {
            StringBuilder ops = new StringBuilder();
            for (long o : operands) {
                ops.append(' ').append(Long.toHexString(o)).append(" (").append(Fp.value(o)).append(')');
            }
            fail(what + " fpscr-in=" + Integer.toHexString(fpscrIn) + " operands" + ops
                    + "\n expected " + Long.toHexString(expected.bits()) + " (" + Fp.value(expected.bits())
                    + ") flags " + Integer.toHexString(expectedFlags)
                    + "\n actual   " + Long.toHexString(s.fpr[0]) + " (" + Fp.value(s.fpr[0]) + ") flags "
                    + Integer.toHexString(actualFlags));
        }
    }

    private static CpuState execute(int insn, int fpscr, long a, long b, long c) {
        CpuState s = new CpuState();
        s.fpscr = fpscr;
        s.fpr[1] = a;
        s.fpr[2] = b;
        s.fpr[3] = c;
        FpuOps.execute(s, insn);
        return s;
    }

    /** The sign of an exactly zero sum of x and y: common sign, else + (- when rounding toward -infinity). */
    private static boolean zeroSign(boolean xNegative, boolean yNegative, int fpscr) {
        return xNegative == yNegative ? xNegative : (fpscr & 3) == 3;
    }

    // ---- the checks ----

    private void addition(boolean single, boolean subtract) {
        int primary = single ? 59 : 63;
        int insn = Fp.aForm(primary, subtract ? Fp.XO_FSUB : Fp.XO_FADD, 0, 1, 2, 0, false);
        for (int i = 0; i < CASES; i++) {
            long a = operand(single);
            long b = near(a, single);
            int f = definedEnables(fpscr(true), single, a, b);
            Signed x = Signed.of(a);
            Signed y = subtract ? Signed.of(b).negate() : Signed.of(b);
            Outcome expected = Reference.round(x.plus(y), zeroSign(x.negative(), y.negative(), f), single, f);
            check(subtract ? "fsub" : "fadd", f, new long[] {a, b}, expected, single, execute(insn, f, a, b, 0));
        }
    }

    @Test
    void faddMatchesTheReference() {
        addition(false, false);
        addition(false, true);
    }

    @Test
    void faddsMatchesTheReference() {
        addition(true, false);
        addition(true, true);
    }

    private void multiplication(boolean single) {
        int insn = Fp.aForm(single ? 59 : 63, Fp.XO_FMUL, 0, 1, 0, 3, false);
        for (int i = 0; i < CASES; i++) {
            long a = operand(single);
            long c = operand(single);
            int f = definedEnables(fpscr(true), single, a, c);
            Signed product = Signed.of(a).times(Signed.of(c));
            Outcome expected = Reference.round(product, (a ^ c) < 0, single, f);
            check("fmul", f, new long[] {a, c}, expected, single, execute(insn, f, a, 0, c));
        }
    }

    @Test
    void fmulMatchesTheReference() {
        multiplication(false);
    }

    @Test
    void fmulsMatchesTheReference() {
        multiplication(true);
    }

    private void division(boolean single) {
        int insn = Fp.aForm(single ? 59 : 63, Fp.XO_FDIV, 0, 1, 2, 0, false);
        for (int i = 0; i < CASES; i++) {
            long a = operand(single);
            long b = random.nextInt(4) == 0 ? near(a, single) : operand(single);
            if ((b & Long.MAX_VALUE) == 0) {
                continue; // zero divide: covered by the edge-case tests
            }
            int f = definedEnables(fpscr(true), single, a, b);
            Signed x = Signed.of(a);
            Signed y = Signed.of(b);
            Outcome expected = x.isZero() ? new Outcome((a ^ b) & Long.MIN_VALUE, 0)
                    : Reference.round(x.negative() != y.negative(), x.magnitude().dividedBy(y.magnitude()), single, f);
            check("fdiv", f, new long[] {a, b}, expected, single, execute(insn, f, a, b, 0));
        }
    }

    @Test
    void fdivMatchesTheReference() {
        division(false);
    }

    @Test
    void fdivsMatchesTheReference() {
        division(true);
    }

    private void squareRoot(boolean single) {
        int insn = Fp.aForm(single ? 59 : 63, Fp.XO_FSQRT, 0, 0, 2, 0, false);
        for (int i = 0; i < CASES; i++) {
            long b = operand(single) & Long.MAX_VALUE;
            if (b == 0) {
                continue;
            }
            if (random.nextInt(8) == 0) { // perfect squares
                double r = single ? Math.scalb((double) random.nextInt(1, 1 << 12), random.nextInt(-60, 50))
                        : Math.scalb((double) random.nextInt(1, 1 << 26), random.nextInt(-500, 500));
                b = Fp.bits(r * r); // exact
                if (Double.isInfinite(r * r)) {
                    continue;
                }
            }
            int f = definedEnables(fpscr(single), single, b);
            Outcome expected = Reference.round(false, new Root(Rational.of(b)), single, f);
            check("fsqrt", f, new long[] {b}, expected, single, execute(insn, f, 0, b, 0));
        }
    }

    @Test
    void fsqrtMatchesTheReference() {
        squareRoot(false);
    }

    @Test
    void fsqrtsMatchesTheReference() {
        squareRoot(true);
    }

    private void fused(boolean single, int xo) {
        boolean subtract = xo == Fp.XO_FMSUB || xo == Fp.XO_FNMSUB;
        boolean negate = xo == Fp.XO_FNMADD || xo == Fp.XO_FNMSUB;
        int insn = Fp.aForm(single ? 59 : 63, xo, 0, 1, 2, 3, false);
        for (int i = 0; i < CASES; i++) {
            long a = operand(single);
            long c = operand(single);
            long b;
            int f = fpscr(true);
            if (random.nextInt(3) == 0) { // cancel against the product
                double p = Fp.value(a) * Fp.value(c);
                if (single) {
                    p = (float) p;
                }
                b = Double.isFinite(p) ? near(Fp.bits(subtract ? p : -p), single) : operand(single);
            } else {
                b = operand(single);
            }
            f = definedEnables(f, single, a, b, c);
            Signed product = Signed.of(a).times(Signed.of(c));
            Signed addend = subtract ? Signed.of(b).negate() : Signed.of(b);
            Outcome expected = Reference.round(product.plus(addend),
                    zeroSign(product.negative(), addend.negative(), f), single, f);
            if (negate) {
                expected = new Outcome(expected.bits() ^ Long.MIN_VALUE, expected.flags());
            }
            check("fma xo " + xo, f, new long[] {a, c, b}, expected, single, execute(insn, f, a, b, c));
        }
    }

    @Test
    void fmaddFamilyMatchesTheReference() {
        for (int xo : new int[] {Fp.XO_FMADD, Fp.XO_FMSUB, Fp.XO_FNMADD, Fp.XO_FNMSUB}) {
            fused(false, xo);
        }
    }

    @Test
    void fmaddsFamilyMatchesTheReference() {
        for (int xo : new int[] {Fp.XO_FMADD, Fp.XO_FMSUB, Fp.XO_FNMADD, Fp.XO_FNMSUB}) {
            fused(true, xo);
        }
    }

    @Test
    void frspMatchesTheReference() {
        for (int i = 0; i < CASES; i++) {
            long b = random.nextBoolean() ? finiteDouble() : finiteSingle();
            if (random.nextInt(4) == 0) { // a double just around a single value or a single midpoint
                b = finiteSingle() + random.nextLong(-3, 4) + (random.nextBoolean() ? 0x1000_0000L : 0);
            }
            if ((b & Long.MAX_VALUE) == 0 || FpuOps.isNaN(b) || (b & Long.MAX_VALUE) == 0x7FF0_0000_0000_0000L) {
                continue;
            }
            int f = fpscr(false);
            Outcome expected = Reference.round(Signed.of(b), false, true, f);
            check("frsp", f, new long[] {b}, expected, true, Fp.runX(Fp.frsp(0, 2), b, f).s);
        }
    }

    @Test
    void fresIsTheCorrectlyRoundedSingleReciprocal() {
        int insn = Fp.aForm(59, Fp.XO_FRES, 0, 0, 2, 0, false);
        for (int i = 0; i < CASES; i++) {
            long b = operand(random.nextBoolean());
            if ((b & Long.MAX_VALUE) == 0) {
                continue;
            }
            int f = fpscr(false);
            Rational one = Rational.of(Fp.bits(1.0));
            Outcome expected = Reference.round(b < 0, one.dividedBy(Rational.of(b)), true, f);
            check("fres", f, new long[] {b}, expected, true, execute(insn, f, 0, b, 0));
        }
    }

    @Test
    void frsqrteIsTheCorrectlyRoundedReciprocalSquareRoot() {
        int insn = Fp.aForm(63, Fp.XO_FRSQRTE, 0, 0, 2, 0, false);
        for (int i = 0; i < CASES; i++) {
            long b = operand(false) & Long.MAX_VALUE;
            if (b == 0) {
                continue;
            }
            if (random.nextInt(10) == 0) { // powers of two, even and odd: exact and irrational results
                b = Fp.bits(Math.scalb(1.0, random.nextInt(-1074, 1024)));
            }
            int f = fpscr(false);
            Rational one = Rational.of(Fp.bits(1.0));
            Outcome expected = Reference.round(false, new Root(one.dividedBy(Rational.of(b))), false, f);
            check("frsqrte", f, new long[] {b}, expected, false, execute(insn, f, 0, b, 0));
        }
    }

    @Test
    void fctiwAndFctiwzMatchTheReference() {
        for (int i = 0; i < CASES * 2; i++) {
            long b = switch (random.nextInt(4)) {
                case 0 -> Fp.bits(random.nextInt() + random.nextInt(-4, 5) / 2.0);
                case 1 -> Fp.bits(random.nextDouble(-3e9, 3e9));
                case 2 -> Fp.bits(random.nextDouble(-4, 4));
                default -> finiteDouble();
            };
            boolean z = random.nextBoolean();
            int f = random.nextInt(4);
            int mode = z ? 1 : f;
            Fp.Run run = Fp.runX(z ? Fp.fctiwz(0, 2) : Fp.fctiw(0, 2), b, f);
            Outcome expected = Reference.convertToWord(b, mode);
            int flags = Fpscr.FR | Fpscr.FI | Fpscr.XX | Fpscr.VXCVI;
            if (expected == null) {
                long saturated = b < 0 ? 0x8000_0000L : 0x7FFF_FFFFL;
                if ((run.result() & 0xFFFF_FFFFL) != saturated || (run.fpscr() & flags) != Fpscr.VXCVI) {
                    fail("fctiw" + (z ? "z" : "") + " of " + Fp.value(b) + " mode " + f + " should saturate: "
                            + Long.toHexString(run.result()) + " fpscr " + Integer.toHexString(run.fpscr()));
                }
            } else if ((run.result() & 0xFFFF_FFFFL) != expected.bits() || (run.fpscr() & flags) != expected.flags()
                    || (run.result() >>> 32) != 0xFFF8_0000L) {
                fail("fctiw" + (z ? "z" : "") + " of " + Fp.value(b) + " mode " + f + ": expected "
                        + Long.toHexString(expected.bits()) + " flags " + Integer.toHexString(expected.flags())
                        + ", got " + Long.toHexString(run.result()) + " fpscr " + Integer.toHexString(run.fpscr()));
            }
        }
    }
}
