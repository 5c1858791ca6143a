package org.ppc440vm.cpu.interp.fpu;

import org.ppc440vm.cpu.spi.CpuState;

/**
 * Exact binary floating-point arithmetic and the architected rounding step, without allocation.
 *
 * <p>Every operation first forms its exact result as a sign, a 64-bit significand whose bit 63 is set, and a binary
 * exponent ({@code value = sig * 2^exp}); bits beyond the 64 are folded ("jammed") into bit 0, which keeps every
 * rounding decision at 53 bits or fewer exact. {@link #round} then rounds that value once to the target format
 * (double or single) under FPSCR[RN], and applies the PowerPC rules for overflow, underflow (tininess detected
 * before rounding), the enabled-exception scaled results, FR, FI and XX.
 *
 * <p>{@link #roundNear} serves the fast paths, which know the host's nearest double and the sign of the exact error.
 * The exact paths, for operands and results anywhere in the range: multiplication, addition and fused
 * multiply-add are integer arithmetic on 128 bits; division and square root use the host's correctly rounded double
 * operation on operands scaled to [1,4) and recover the sign of the remaining error exactly with {@link Math#fma}
 * (the remainder of a correctly rounded quotient or square root is itself a double); the reciprocal square root is
 * verified with exact 192-bit integer products.
 *
 * <p>Methods that round record their flags in {@code s.fpscr}: they only ever set FR, FI, OX, UX and XX, and rely on
 * the caller having cleared FR and FI first.
 */
final class ExactArithmetic {
    private ExactArithmetic() {
    }

    static final long SIGN = 0x8000_0000_0000_0000L;
    static final long FRACTION = 0x000F_FFFF_FFFF_FFFFL;
    static final long HIDDEN = 0x0010_0000_0000_0000L;
    static final long PLUS_INFINITY = 0x7FF0_0000_0000_0000L;
    static final long DOUBLE_MAX = 0x7FEF_FFFF_FFFF_FFFFL;
    /** The largest single-precision value, in double format. */
    static final long SINGLE_MAX = 0x47EF_FFFF_E000_0000L;

    // ---- operand access ----

    /** The integer significand of a finite double (without normalisation: a denormal has fewer bits). */
    static long significand(long bits) {
        long f = bits & FRACTION;
        return (bits & PLUS_INFINITY) == 0 ? f : f | HIDDEN;
    }

    /** The exponent of the significand's unit bit: {@code |value| = significand(bits) * 2^exponent(bits)}. */
    static int exponent(long bits) {
        int e = (int) (bits >>> 52) & 0x7FF;
        return e == 0 ? -1074 : e - 1075;
    }

    // ---- rounding ----

    /**
     * Rounds {@code (-1)^negative * sig * 2^exp} to the target format and delivers it the PowerPC way.
     *
     * @param sig    the significand, bit 63 set, bit 0 the OR of itself and every less significant bit
     * @param single round to single precision (24 bits, exponents -126..127) instead of double
     * @return the delivered result as double bits (single results in double format)
     */
    static long round(CpuState s, boolean negative, long sig, int exp, boolean single) {
        final int precision = single ? 24 : 53;
        final int eMin = single ? -126 : -1022;
        final int eMax = single ? 127 : 1023;
        final int scale = single ? 192 : 1536;
        final int fpscr = s.fpscr;
        final int mode = fpscr & Fpscr.RN;

        int leading = exp + 63; // the value lies in [2^leading, 2^(leading+1))
        boolean tiny = leading < eMin;
        boolean underflowEnabled = (fpscr & Fpscr.UE) != 0;
        int drop = 64 - precision; // bits below the rounding position
        if (tiny && !underflowEnabled) {
            drop += eMin - leading; // denormalise
        }

        long kept;
        boolean roundBit;
        boolean sticky;
        if (drop > 64) {
            kept = 0;
            roundBit = false;
            sticky = true; // sig != 0
        } else if (drop == 64) {
            kept = 0;
            roundBit = sig < 0;
            sticky = (sig << 1) != 0;
        } else {
            kept = sig >>> drop;
            roundBit = ((sig >>> (drop - 1)) & 1) != 0;
            sticky = (sig & ((1L << (drop - 1)) - 1)) != 0;
        }
        boolean inexact = roundBit | sticky;
        boolean increment;
        switch (mode) {
            case Fpscr.RN_NEAREST -> increment = roundBit && (sticky || (kept & 1) != 0);
            case Fpscr.RN_TOWARD_ZERO -> increment = false;
            case Fpscr.RN_TOWARD_PLUS_INFINITY -> increment = inexact && !negative;
            default -> increment = inexact && negative;
        }
        int q = exp + drop; // the result is kept * 2^q
        if (increment) {
            kept++;
            if (kept == 1L << precision) { // carried into a new leading bit
                kept >>>= 1;
                q++;
            }
        }

        int flags = 0;
        if (!tiny && q + precision - 1 > eMax) { // overflow, judged on the rounded value with unbounded exponent
            flags |= Fpscr.OX;
            if ((fpscr & Fpscr.OE) == 0) {
                boolean toInfinity = switch (mode) {
                    case Fpscr.RN_NEAREST -> true;
                    case Fpscr.RN_TOWARD_ZERO -> false;
                    case Fpscr.RN_TOWARD_PLUS_INFINITY -> !negative;
                    default -> negative;
                };
                // FR is undefined here; report it set exactly when the magnitude was rounded up (to infinity)
                s.fpscr = fpscr | flags | Fpscr.XX | Fpscr.FI | (toInfinity ? Fpscr.FR : 0);
                long magnitude = toInfinity ? PLUS_INFINITY : single ? SINGLE_MAX : DOUBLE_MAX;
                return negative ? magnitude | SIGN : magnitude;
            }
            q -= scale; // enabled: deliver the rounded result with its exponent reduced
        }
        if (tiny) {
            if (underflowEnabled) {
                flags |= Fpscr.UX;
                q += scale; // enabled: deliver the rounded result with its exponent increased
            } else if (inexact) {
                flags |= Fpscr.UX; // disabled: tiny and loss of accuracy
            }
        }
        if (inexact) {
            flags |= Fpscr.XX | Fpscr.FI;
        }
        if (increment) {
            flags |= Fpscr.FR;
        }
        s.fpscr = fpscr | flags;
        return encode(negative, kept, q);
    }

    /**
     * Encodes {@code (-1)^negative * kept * 2^q} as double bits. The value is exactly representable in every case
     * the architecture defines; only single-precision instructions given operands outside the single range can ask
     * for more, and those get infinity or a truncated value (the architecture leaves them undefined).
     */
    static long encode(boolean negative, long kept, int q) {
        long sign = negative ? SIGN : 0;
        if (kept == 0) {
            return sign;
        }
        int lz = Long.numberOfLeadingZeros(kept);
        int leading = q + 63 - lz;
        if (leading > 1023) {
            return sign | PLUS_INFINITY;
        }
        if (leading >= -1022) {
            long mantissa = lz >= 11 ? kept << (lz - 11) : kept >>> (11 - lz);
            return sign | ((long) (leading + 1023) << 52) | (mantissa & FRACTION);
        }
        int shift = q + 1074;
        if (shift >= 0) {
            return sign | (kept << shift);
        }
        return shift > -64 ? sign | (kept >>> -shift) : sign;
    }

    /** Rounds a finite nonzero operand to the target format (e.g. frsp, or x + 0 in a single-precision add). */
    static long roundOperand(CpuState s, long bits, boolean negative, boolean single) {
        long sig = significand(bits);
        int lz = Long.numberOfLeadingZeros(sig);
        return round(s, negative, sig << lz, exponent(bits) - lz, single);
    }

    /** Rounds the nonzero 128-bit magnitude {@code (hi:lo) * 2^exp}, with any sticky information already in bit 0. */
    static long round128(CpuState s, boolean negative, long hi, long lo, int exp, boolean single) {
        long sig;
        if (hi != 0) {
            int lz = Long.numberOfLeadingZeros(hi);
            if (lz == 0) {
                sig = hi;
            } else {
                sig = (hi << lz) | (lo >>> (64 - lz));
            }
            if ((lo << lz) != 0) {
                sig |= 1;
            }
            exp += 64 - lz;
        } else {
            int lz = Long.numberOfLeadingZeros(lo);
            sig = lo << lz;
            exp -= lz;
        }
        return round(s, negative, sig, exp, single);
    }

    /** The exactly zero result of a sum of nonzero terms that cancel: +0, or -0 when rounding toward -infinity. */
    static long cancelledZero(CpuState s) {
        return (s.fpscr & Fpscr.RN) == Fpscr.RN_TOWARD_MINUS_INFINITY ? SIGN : 0;
    }

    // ---- exact operations on finite nonzero operands ----

    /** The product of two finite nonzero operands, rounded once. */
    static long multiply(CpuState s, long a, long c, boolean single) {
        long x = significand(a);
        long y = significand(c);
        return round128(s, (a ^ c) < 0, Math.multiplyHigh(x, y), x * y, exponent(a) + exponent(c), single);
    }

    /** The sum of two finite nonzero operands ({@code negB} is the sign to give b), rounded once. */
    static long add(CpuState s, long a, long b, boolean negB, boolean single) {
        return sum(s, a < 0, 0, significand(a), exponent(a), negB, 0, significand(b), exponent(b), single);
    }

    /**
     * {@code a*c + b} for finite nonzero operands, exact and rounded once ({@code negB}: the sign to give b, which
     * is negated for the multiply-subtract forms).
     */
    static long fusedMultiplyAdd(CpuState s, long a, long c, long b, boolean negB, boolean single) {
        long x = significand(a);
        long y = significand(c);
        return sum(s, (a ^ c) < 0, Math.multiplyHigh(x, y), x * y, exponent(a) + exponent(c),
                negB, 0, significand(b), exponent(b), single);
    }

    /**
     * Adds two nonzero 128-bit terms {@code (-1)^xNeg * (xh:xl) * 2^ex} and {@code (-1)^yNeg * (yh:yl) * 2^ey},
     * each at most 107 bits wide, and rounds the sum once.
     *
     * <p>The larger term is placed with its leading bit at bit 125 of a 128-bit frame; the smaller one is shifted
     * into the same frame and, where it reaches below bit 0, its lost bits are jammed into bit 0. Jamming can only
     * happen when the smaller term lies wholly below the larger one's leading 20 bits, and then the sum's leading
     * bit is at 124 or above, so the jammed bit stays far below any rounding position.
     */
    private static long sum(CpuState s, boolean xNeg, long xh, long xl, int ex,
                            boolean yNeg, long yh, long yl, int ey, boolean single) {
        int xLength = bitLength(xh, xl);
        int yLength = bitLength(yh, yl);
        if (ey + yLength > ex + xLength) { // make x the term of larger magnitude order
            boolean n = xNeg;
            xNeg = yNeg;
            yNeg = n;
            long t = xh;
            xh = yh;
            yh = t;
            t = xl;
            xl = yl;
            yl = t;
            int e = ex;
            ex = ey;
            ey = e;
            e = xLength;
            xLength = yLength;
            yLength = e;
        }
        // x: leading bit to position 125
        int shift = 126 - xLength;
        if (shift >= 64) {
            xh = xl << (shift - 64);
            xl = 0;
        } else if (shift > 0) {
            xh = (xh << shift) | (xl >>> (64 - shift));
            xl <<= shift;
        }
        int base = ex - shift;
        int d = ey - base;
        if (d >= 0) { // y's leading bit ends at or below 125: no bit is lost
            if (d >= 64) {
                yh = yl << (d - 64);
                yl = 0;
            } else if (d > 0) {
                yh = (yh << d) | (yl >>> (64 - d));
                yl <<= d;
            }
        } else {
            int n = -d;
            boolean lost;
            if (n >= 128) {
                lost = (yh | yl) != 0;
                yh = 0;
                yl = 0;
            } else if (n >= 64) {
                lost = yl != 0 || (n > 64 && (yh << (128 - n)) != 0);
                yl = n == 64 ? yh : yh >>> (n - 64);
                yh = 0;
            } else {
                lost = (yl << (64 - n)) != 0;
                yl = (yl >>> n) | (yh << (64 - n));
                yh >>>= n;
            }
            if (lost) {
                yl |= 1;
            }
        }
        long hi;
        long lo;
        boolean negative = xNeg;
        if (xNeg == yNeg) {
            lo = xl + yl;
            hi = xh + yh + (Long.compareUnsigned(lo, xl) < 0 ? 1 : 0);
        } else {
            lo = xl - yl;
            hi = xh - yh - (Long.compareUnsigned(xl, yl) < 0 ? 1 : 0);
            if (hi < 0) { // |y| > |x|: the difference changes sign
                lo = -lo;
                hi = ~hi + (lo == 0 ? 1 : 0);
                negative = !negative;
            }
            if ((hi | lo) == 0) {
                return cancelledZero(s);
            }
        }
        return round128(s, negative, hi, lo, base, single);
    }

    private static int bitLength(long hi, long lo) {
        return hi != 0 ? 128 - Long.numberOfLeadingZeros(hi) : 64 - Long.numberOfLeadingZeros(lo);
    }

    /** The double with significand {@code sig} (53 bits, bit 52 set) and unbiased exponent 0, i.e. in [1,2). */
    private static double unitScaled(long sig) {
        return Double.longBitsToDouble((1023L << 52) | (sig & FRACTION));
    }

    /**
     * Builds the jammed 64-bit significand of {@code r + err}, where {@code r} is a positive normal double, the
     * error's sign is {@code errSign} (0: exact) and |err| is at most half an ulp of r, then rounds it once with
     * the extra exponent. The jam keeps every rounding at 53 bits or fewer exact: a true value strictly between r
     * and its neighbours (or exactly at a double midpoint) falls into the same rounding cells as sig + 1 or sig - 1
     * with bit 0 set, at any rounding position from bit 11 up.
     */
    private static long roundCorrected(CpuState s, boolean negative, double r, double errSign, int extraExp,
                                       boolean single) {
        long rb = Double.doubleToRawLongBits(r);
        long sig = ((rb & FRACTION) | HIDDEN) << 11;
        int exp = (int) (rb >>> 52) - 1023 - 63 + extraExp;
        if (errSign > 0) {
            sig |= 1;
        } else if (errSign < 0) {
            // the true value lies strictly between sig - 2^10 and sig: sig - 1 rounds identically at bit 11 and up
            sig -= 1;
            if (sig > 0) { // the leading bit moved down (r was a power of two)
                sig = (sig << 1) | 1;
                exp -= 1;
            }
        }
        return round(s, negative, sig, exp, single);
    }

    /**
     * Delivers the exact value {@code r + err}, where {@code r} is the host's round-to-nearest double of it, a
     * normal number at least 2^-960 in magnitude, and {@code err} is a double with the sign of the exact error (zero
     * when r is exact). Round-to-nearest double results are r itself; any other mode or single precision rounds
     * the jammed significand once more, which is exact because the true value lies within half an ulp of r.
     */
    static long roundNear(CpuState s, double r, double err, boolean single) {
        if (!single && (s.fpscr & Fpscr.RN) == Fpscr.RN_NEAREST) {
            if (err != 0) {
                // FR: the magnitude was rounded up, i.e. the error has the opposite sign to the result
                boolean up = (r > 0) != (err > 0);
                s.fpscr |= Fpscr.XX | Fpscr.FI | (up ? Fpscr.FR : 0);
            }
            return Double.doubleToRawLongBits(r);
        }
        boolean negative = r < 0;
        return roundCorrected(s, negative, Math.abs(r), negative ? -err : err, 0, single);
    }

    /** The quotient of two finite nonzero operands, rounded once. */
    static long divide(CpuState s, long a, long b, boolean single) {
        long x = significand(a);
        int lx = Long.numberOfLeadingZeros(x) - 11;
        long y = significand(b);
        int ly = Long.numberOfLeadingZeros(y) - 11;
        double xs = unitScaled(x << lx);
        double ys = unitScaled(y << ly);
        double q = xs / ys; // correctly rounded; the exact remainder xs - q*ys is a double
        double remainder = Math.fma(-q, ys, xs);
        int extra = (exponent(a) - lx) - (exponent(b) - ly);
        return roundCorrected(s, (a ^ b) < 0, q, remainder, extra, single);
    }

    /** The square root of a finite positive operand, rounded once. */
    static long sqrt(CpuState s, long b, boolean single) {
        long x = significand(b);
        int lx = Long.numberOfLeadingZeros(x) - 11;
        int e = exponent(b) - lx + 52; // b = m * 2^e with m in [1,2)
        double m = unitScaled(x << lx);
        if ((e & 1) != 0) {
            m *= 2; // exact; now m in [2,4) and e even
            e -= 1;
        }
        double r = Math.sqrt(m); // correctly rounded; m - r*r is a double
        double residual = Math.fma(-r, r, m);
        return roundCorrected(s, false, r, residual, e >> 1, single);
    }

    /**
     * The reciprocal square root of a finite positive operand, correctly rounded to double under FPSCR[RN].
     * The result can neither overflow nor underflow (it lies between 2^-512 and 2^537).
     */
    static long reciprocalSqrt(CpuState s, long b) {
        long x = significand(b);
        int lx = Long.numberOfLeadingZeros(x) - 11;
        x <<= lx;
        int e = exponent(b) - lx + 52; // b = m * 2^e, m = x * 2^-52 in [1,2)
        int mScale = -52; // m = x * 2^mScale
        if ((e & 1) != 0) {
            mScale = -51; // m in [2,4)
            e -= 1;
        }
        int half = e >> 1; // 1/sqrt(b) = 1/sqrt(m) * 2^-half
        if (x == HIDDEN && mScale == -52) { // m = 1: exact power of two
            return round(s, false, Long.MIN_VALUE, -63 - half, false);
        }
        // 1/sqrt(m) lies in (0.5, 1): find Y with Y*2^-53 <= 1/sqrt(m) < (Y+1)*2^-53, i.e. Y^2*m <= 2^106 < (Y+1)^2*m,
        // in integers Y^2 * x against 2^(106 - mScale)
        int bound = 106 - mScale;
        double estimate = 1.0 / Math.sqrt(Math.scalb((double) x, mScale));
        long y = (long) Math.scalb(estimate, 53);
        if (y >= 1L << 53) {
            y = (1L << 53) - 1;
        }
        while (compareSquareTimes(y, x, bound) > 0) {
            y--;
        }
        while (compareSquareTimes(y + 1, x, bound) <= 0) {
            y++;
        }
        // the true value is never a midpoint; above it iff (2Y+1)^2 * x < 2^(bound+2)
        boolean aboveMidpoint = compareSquareTimes(2 * y + 1, x, bound + 2) < 0;
        long sig = (y << 11) | (aboveMidpoint ? 0x400 : 0) | 1; // never exact here
        return round(s, false, sig, -53 - 11 - half, false);
    }

    /**
     * Compares {@code a^2 * x} with {@code 2^k} exactly, for {@code 0 < a < 2^55}, {@code 0 < x < 2^54} and
     * {@code 128 <= k < 191}: negative, zero or positive.
     */
    static int compareSquareTimes(long a, long x, int k) {
        long sqHi = Math.multiplyHigh(a, a);
        long sqLo = a * a;
        // (sqHi:sqLo) * x = top:mid:low
        long low = sqLo * x;
        long carryLow = Math.multiplyHigh(sqLo, x) + ((sqLo >> 63) & x); // unsigned high half of sqLo * x
        long midPart = sqHi * x;
        long top = Math.multiplyHigh(sqHi, x);
        long mid = carryLow + midPart;
        if (Long.compareUnsigned(mid, carryLow) < 0) {
            top++;
        }
        long power = 1L << (k - 128);
        if (top != power) {
            return Long.compare(top, power);
        }
        return (mid | low) != 0 ? 1 : 0;
    }
}
