package org.ppc440vm.cpu.interp.fpu;

import java.math.BigInteger;

/**
 * An independent, slow model of PowerPC binary floating-point rounding on exact rationals (BigInteger), written
 * straight from the Book I rules, used as the oracle for {@link FpuOps}: the exact result is formed as a fraction
 * (or the square root of one) and rounded once under the given mode, with tininess detected before rounding.
 */
final class Reference {
    private Reference() {
    }

    /** A positive exact value that can be cut at any binary quantum. */
    interface Exact {
        /** floor(log2(value)). */
        int floorLog2();

        /** floor(value / 2^q). */
        BigInteger floorAt(int q);

        /** The remaining fraction of value / 2^q compared with 1/2: negative, zero or positive. */
        int fractionVersusHalf(int q);

        /** Whether value / 2^q is an integer. */
        boolean exactAt(int q);
    }

    /** num / den, both positive. */
    record Rational(BigInteger num, BigInteger den) implements Exact {
        static Rational of(long doubleBits) {
            long sig = ExactArithmetic.significand(doubleBits);
            int exp = ExactArithmetic.exponent(doubleBits);
            BigInteger m = BigInteger.valueOf(sig);
            return exp >= 0 ? new Rational(m.shiftLeft(exp), BigInteger.ONE)
                    : new Rational(m, BigInteger.ONE.shiftLeft(-exp));
        }

        @Override
        public int floorLog2() {
            int guess = num.bitLength() - den.bitLength();
            // value >= 2^guess ?
            boolean atLeast = guess >= 0 ? num.compareTo(den.shiftLeft(guess)) >= 0
                    : num.shiftLeft(-guess).compareTo(den) >= 0;
            return atLeast ? guess : guess - 1;
        }

        private BigInteger[] scaled(int q) { // numerator and denominator of value / 2^q
            return q >= 0 ? new BigInteger[] {num, den.shiftLeft(q)} : new BigInteger[] {num.shiftLeft(-q), den};
        }

        @Override
        public BigInteger floorAt(int q) {
            BigInteger[] nd = scaled(q);
            return nd[0].divide(nd[1]);
        }

        @Override
        public int fractionVersusHalf(int q) {
            BigInteger[] nd = scaled(q);
            BigInteger r = nd[0].mod(nd[1]);
            return r.shiftLeft(1).compareTo(nd[1]);
        }

        @Override
        public boolean exactAt(int q) {
            BigInteger[] nd = scaled(q);
            return nd[0].mod(nd[1]).signum() == 0;
        }

        Rational times(Rational o) {
            return new Rational(num.multiply(o.num), den.multiply(o.den));
        }

        Rational dividedBy(Rational o) {
            return new Rational(num.multiply(o.den), den.multiply(o.num));
        }
    }

    /** A signed rational: sign and magnitude. */
    record Signed(boolean negative, Rational magnitude) {
        static Signed of(long bits) {
            return new Signed(bits < 0, Rational.of(bits));
        }

        boolean isZero() {
            return magnitude.num.signum() == 0;
        }

        Signed negate() {
            return new Signed(!negative, magnitude);
        }

        Signed times(Signed o) {
            return new Signed(negative != o.negative, magnitude.times(o.magnitude));
        }

        Signed plus(Signed o) {
            BigInteger a = magnitude.num.multiply(o.magnitude.den);
            BigInteger b = o.magnitude.num.multiply(magnitude.den);
            BigInteger d = magnitude.den.multiply(o.magnitude.den);
            BigInteger sum = (negative ? a.negate() : a).add(o.negative ? b.negate() : b);
            return new Signed(sum.signum() < 0, new Rational(sum.abs(), d));
        }
    }

    /** sqrt(num / den). */
    record Root(Rational radicand) implements Exact {
        @Override
        public int floorLog2() {
            return Math.floorDiv(radicand.floorLog2(), 2);
        }

        private BigInteger[] scaled(int q) { // value^2 / 2^(2q)
            int twice = 2 * q;
            return twice >= 0 ? new BigInteger[] {radicand.num, radicand.den.shiftLeft(twice)}
                    : new BigInteger[] {radicand.num.shiftLeft(-twice), radicand.den};
        }

        @Override
        public BigInteger floorAt(int q) {
            BigInteger[] nd = scaled(q);
            return nd[0].divide(nd[1]).sqrt();
        }

        @Override
        public int fractionVersusHalf(int q) {
            BigInteger[] nd = scaled(q);
            BigInteger f = nd[0].divide(nd[1]).sqrt();
            BigInteger twoFPlusOne = f.shiftLeft(1).add(BigInteger.ONE);
            // sqrt(n/d) vs f + 1/2  <=>  4n vs (2f+1)^2 d
            return nd[0].shiftLeft(2).compareTo(twoFPlusOne.multiply(twoFPlusOne).multiply(nd[1]));
        }

        @Override
        public boolean exactAt(int q) {
            BigInteger[] nd = scaled(q);
            BigInteger f = nd[0].divide(nd[1]).sqrt();
            return f.multiply(f).multiply(nd[1]).equals(nd[0]);
        }
    }

    /** A rounded result: double bits and the FPSCR bits the rounding sets (FR, FI, OX, UX, XX). */
    record Outcome(long bits, int flags) {
    }

    /**
     * Rounds a positive exact value with the given sign, the PowerPC way.
     *
     * @param fpscr supplies RN, OE and UE
     */
    static Outcome round(boolean negative, Exact v, boolean single, int fpscr) {
        int p = single ? 24 : 53;
        int eMin = single ? -126 : -1022;
        int eMax = single ? 127 : 1023;
        int scale = single ? 192 : 1536;
        int mode = fpscr & 3;
        boolean oe = (fpscr & Fpscr.OE) != 0;
        boolean ue = (fpscr & Fpscr.UE) != 0;

        int e = v.floorLog2();
        boolean tiny = e < eMin;
        int q = tiny && !ue ? eMin - (p - 1) : e - (p - 1);
        BigInteger f = v.floorAt(q);
        boolean exact = v.exactAt(q);
        int half = v.fractionVersusHalf(q);
        boolean inc = switch (mode) {
            case 0 -> half > 0 || (half == 0 && f.testBit(0));
            case 1 -> false;
            case 2 -> !exact && !negative;
            default -> !exact && negative;
        };
        BigInteger r = inc ? f.add(BigInteger.ONE) : f;
        int flags = 0;
        int resultExp = r.signum() == 0 ? Integer.MIN_VALUE : r.bitLength() - 1 + q;
        if (!tiny && resultExp > eMax) {
            flags |= Fpscr.OX;
            if (!oe) {
                boolean toInf = mode == 0 || (mode == 2 && !negative) || (mode == 3 && negative);
                long mag = toInf ? 0x7FF0_0000_0000_0000L : single ? 0x47EF_FFFF_E000_0000L : 0x7FEF_FFFF_FFFF_FFFFL;
                flags |= Fpscr.XX | Fpscr.FI | (toInf ? Fpscr.FR : 0);
                return new Outcome(negative ? mag | Long.MIN_VALUE : mag, flags);
            }
            q -= scale;
        }
        if (tiny) {
            if (ue) {
                flags |= Fpscr.UX;
                q += scale;
            } else if (!exact) {
                flags |= Fpscr.UX;
            }
        }
        if (!exact) {
            flags |= Fpscr.XX | Fpscr.FI;
        }
        if (inc) {
            flags |= Fpscr.FR;
        }
        double magnitude = Math.scalb(r.doubleValue(), q); // exact for every defined case
        long bits = Double.doubleToRawLongBits(magnitude);
        return new Outcome(negative ? bits | Long.MIN_VALUE : bits, flags);
    }

    /** Rounds a signed exact value; a zero gets the sign {@code zeroNegative}. */
    static Outcome round(Signed v, boolean zeroNegative, boolean single, int fpscr) {
        if (v.isZero()) {
            return new Outcome(zeroNegative ? Long.MIN_VALUE : 0, 0);
        }
        return round(v.negative(), v.magnitude(), single, fpscr);
    }

    /** fctiw in the given mode: the low word, flags, or null for an invalid (saturating) conversion. */
    static Outcome convertToWord(long bits, int mode) {
        if ((bits & Long.MAX_VALUE) == 0) {
            return new Outcome(0, 0);
        }
        boolean negative = bits < 0;
        Rational v = Rational.of(bits);
        BigInteger f = v.floorAt(0);
        boolean exact = v.exactAt(0);
        int half = v.fractionVersusHalf(0);
        boolean inc = switch (mode) {
            case 0 -> half > 0 || (half == 0 && f.testBit(0));
            case 1 -> false;
            case 2 -> !exact && !negative;
            default -> !exact && negative;
        };
        BigInteger r = inc ? f.add(BigInteger.ONE) : f;
        BigInteger limit = negative ? BigInteger.ONE.shiftLeft(31) : BigInteger.ONE.shiftLeft(31).subtract(BigInteger.ONE);
        if (r.compareTo(limit) > 0) {
            return null;
        }
        long word = negative ? -r.longValue() : r.longValue();
        int flags = (exact ? 0 : Fpscr.XX | Fpscr.FI) | (inc ? Fpscr.FR : 0);
        return new Outcome(word & 0xFFFF_FFFFL, flags);
    }
}
