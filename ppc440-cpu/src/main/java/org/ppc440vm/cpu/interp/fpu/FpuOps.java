package org.ppc440vm.cpu.interp.fpu;

import static org.ppc440vm.cpu.interp.fpu.ExactArithmetic.SIGN;

import org.ppc440vm.cpu.spi.CpuState;

/**
 * The classic PowerPC floating-point unit of the 440FP (the FPU of the 440EP): every instruction of primary opcodes
 * 59 and 63 (arithmetic, moves, compares, conversions and FPSCR instructions; the FP loads and stores are primary
 * opcodes 48-55 and 31/xo and are not handled here).
 *
 * <p><b>Instruction set.</b> The base PowerPC floating-point instructions plus the optional fsqrt, fsqrts, fres,
 * frsqrte and fsel, which the 440EP's FPU implements (QEMU's 440EP model lists the same optional groups:
 * PPC_FLOAT_FSQRT, PPC_FLOAT_FRES, PPC_FLOAT_FRSQRTE, PPC_FLOAT_FSEL). Later additions are illegal on the 440FP:
 * fre, frsqrtes, fcpsgn, frin/friz/frip/frim, fctid/fctidz/fcfid and the other 64-bit conversions, ftdiv/ftsqrt,
 * and every opcode-59 X-form. The newer mffs-space encodings (mffsce, mffsl, mffscdrn, mffscdrni, mffscrn,
 * mffscrni: opcode 63, xo 583 with a nonzero bits 11-15 field) execute as a plain mffs, as older cores do and as
 * glibc relies on. Reserved instruction fields are ignored (the Book E L and W fields of mtfsf/mtfsfi included).
 *
 * <p><b>Results.</b> All arithmetic is exact IEEE 754 with one rounding to the target precision under FPSCR[RN]
 * (the fused multiply-adds too, and single-precision instructions round only once, to single), denormals are
 * handled in full, and FPSCR is maintained as PowerPC Book I defines it: FX, FEX, VX, the sticky exception bits,
 * FR, FI, FPRF (classified in the target precision, so a single-precision denormal is a denormal), tininess detected
 * before rounding, the disabled overflow/underflow results, and the enabled ones (target unchanged for invalid
 * operation and zero divide; exponent-adjusted results, by 1536 for double and 192 for single, for overflow and
 * underflow). FPSCR[NI] is kept but has no effect: results are always IEEE.
 *
 * <p><b>Implementation choices where the architecture leaves freedom:</b>
 * <ul>
 *   <li>fres returns 1/x correctly rounded to single precision, frsqrte returns 1/sqrt(x) correctly rounded to
 *       double, both under FPSCR[RN] and with the full IEEE flags (FR, FI, XX, OX, UX) of that rounding; these meet
 *       the architected accuracy (1/256 and 1/32) with room to spare.</li>
 *   <li>The undefined high word of an fctiw/fctiwz result and of mffs is 0xFFF80000, as classic PowerPC FPUs
 *       deliver (glibc's FE_DFL_ENV, 0xFFF80000_00000000, mirrors it); fctiw/fctiwz leave FPRF unchanged.</li>
 *   <li>FR after a disabled overflow is set when the delivered result is an infinity, clear when it is the largest
 *       finite number.</li>
 *   <li>NaN results of single-precision instructions are the propagated NaN rounded to single format (the low 29
 *       fraction bits cleared), as frsp does.</li>
 *   <li>{@code fmadd}-family with an infinity times zero product and a NaN addend raises VXIMZ as well as returning
 *       the NaN, as QEMU's PowerPC model does.</li>
 *   <li>Single-precision instructions with operands that are not single-precision values (undefined in the
 *       architecture) compute the exact result rounded once to single; should an enabled overflow or underflow
 *       then leave even the exponent-adjusted result outside the double range, it is delivered as infinity or
 *       truncated toward zero.</li>
 * </ul>
 *
 * <p><b>How.</b> The host's IEEE arithmetic (which only rounds to nearest) computes the nearest double of a result,
 * and an error-free transformation (2Sum, the product error from {@link Math#fma}, the exact division remainder, the
 * square-root residual, Boldo and Muller's ErrFma for the fused forms) gives the sign of the exact error; any
 * rounding mode and single precision then follow from one more rounding step in {@link ExactArithmetic}. Operands
 * or results near the ends of the exponent range, zeros, infinities and NaNs take exact 128-bit integer paths.
 *
 * <p>Nothing here allocates, throws, or keeps state outside the {@link CpuState} it is given, so several vCPU
 * threads may call it at once on their own states.
 */
public final class FpuOps {
    private FpuOps() {
    }

    /** What {@link #execute} returns for an encoding {@link #isFpArithmetic} rejects (nothing was changed). */
    public static final int ILLEGAL = CpuState.ESR_PIL;
    /** What {@link #execute} returns when the instruction caused an enabled exception. */
    public static final int ENABLED_EXCEPTION = CpuState.ESR_FP;

    private static final long DEFAULT_NAN = 0x7FF8_0000_0000_0000L;
    private static final long QUIET_BIT = 0x0008_0000_0000_0000L;
    /** The fraction bits a single-precision value cannot hold. */
    private static final long SINGLE_LOW_BITS = 0x0000_0000_1FFF_FFFFL;
    /** The undefined high word of fctiw/fctiwz and mffs results. */
    private static final long UNDEFINED_HIGH_WORD = 0xFFF8_0000_0000_0000L;
    /** A signalling NaN: never a result (results are quiet), so it marks "target left unchanged". */
    private static final long SUPPRESSED = 0x7FF0_0000_0000_0001L;
    /** Fast paths run only on magnitudes in [SAFE_MIN, ...]: their error terms then stay clear of underflow. */
    private static final double SAFE_MIN = 0x1p-960;
    /** The fused multiply-add fast path's upper bound, which keeps its error terms clear of overflow. */
    private static final double FMA_SAFE_MAX = 0x1p1000;

    // ---- operation kinds ----
    private static final int ILLEGAL_KIND = 0;
    private static final int FADD = 1;
    private static final int FSUB = 2;
    private static final int FMUL = 3;
    private static final int FDIV = 4;
    private static final int FSQRT = 5;
    private static final int FMADD = 6;
    private static final int FMSUB = 7;
    private static final int FNMADD = 8;
    private static final int FNMSUB = 9;
    private static final int FRES = 10;
    private static final int FRSQRTE = 11;
    private static final int FSEL = 12;
    private static final int FRSP = 13;
    private static final int FCTIW = 14;
    private static final int FCTIWZ = 15;
    private static final int FCMPU = 16;
    private static final int FCMPO = 17;
    private static final int FMR = 18;
    private static final int FNEG = 19;
    private static final int FABS = 20;
    private static final int FNABS = 21;
    private static final int MFFS = 22;
    private static final int MTFSF = 23;
    private static final int MTFSFI = 24;
    private static final int MTFSB0 = 25;
    private static final int MTFSB1 = 26;
    private static final int MCRFS = 27;

    /**
     * Whether {@code insn} is an instruction of primary opcode 59 or 63 that the 440FP implements (including the
     * mffs variants that execute as mffs). False for every other primary opcode and for illegal encodings.
     */
    public static boolean isFpArithmetic(int insn) {
        return kind(insn) != ILLEGAL_KIND;
    }

    private static int kind(int insn) {
        int primary = insn >>> 26;
        int xo5 = (insn >>> 1) & 0x1F;
        if (primary == 59) {
            return switch (xo5) {
                case 18 -> FDIV;
                case 20 -> FSUB;
                case 21 -> FADD;
                case 22 -> FSQRT;
                case 24 -> FRES;
                case 25 -> FMUL;
                case 28 -> FMSUB;
                case 29 -> FMADD;
                case 30 -> FNMSUB;
                case 31 -> FNMADD;
                default -> ILLEGAL_KIND;
            };
        }
        if (primary != 63) {
            return ILLEGAL_KIND;
        }
        if (xo5 >= 16) { // A-form: the 5-bit extended opcode
            return switch (xo5) {
                case 18 -> FDIV;
                case 20 -> FSUB;
                case 21 -> FADD;
                case 22 -> FSQRT;
                case 23 -> FSEL;
                case 25 -> FMUL;
                case 26 -> FRSQRTE;
                case 28 -> FMSUB;
                case 29 -> FMADD;
                case 30 -> FNMSUB;
                case 31 -> FNMADD;
                default -> ILLEGAL_KIND;
            };
        }
        return switch ((insn >>> 1) & 0x3FF) {
            case 0 -> FCMPU;
            case 12 -> FRSP;
            case 14 -> FCTIW;
            case 15 -> FCTIWZ;
            case 32 -> FCMPO;
            case 38 -> MTFSB1;
            case 40 -> FNEG;
            case 64 -> MCRFS;
            case 70 -> MTFSB0;
            case 72 -> FMR;
            case 134 -> MTFSFI;
            case 136 -> FNABS;
            case 264 -> FABS;
            case 583 -> MFFS; // and mffsce, mffsl, mffscdrn(i), mffscrn(i): bits 11-15 ignored
            case 711 -> MTFSF;
            default -> ILLEGAL_KIND;
        };
    }

    /**
     * Executes one floating-point instruction of primary opcode 59 or 63 on {@code s} (FPRs, FPSCR, CR). The caller
     * has already checked MSR[FP] (FP unavailable) and advances the PC.
     *
     * @return {@code 0} when the instruction completed without an enabled exception;
     *         {@link #ENABLED_EXCEPTION} ({@link CpuState#ESR_FP}) when it completed with its architected effects
     *         and caused an enabled exception: an arithmetic, compare or conversion instruction raised an exception
     *         whose enable bit (VE, OE, UE, ZE, XE) is 1 (raised again counts, even if the sticky bit was already
     *         set), or mtfsf, mtfsfi or mtfsb1 left FPSCR[FEX] set. The target register then holds what the
     *         architecture says for the enabled case (unchanged for invalid operation and zero divide). The caller
     *         raises a Program interrupt with ESR[FP] if MSR[FE0] or MSR[FE1] is set (the 440 treats every nonzero
     *         mode as precise), with SRR0 at this instruction; otherwise it carries on;
     *         {@link #ILLEGAL} ({@link CpuState#ESR_PIL}) when {@link #isFpArithmetic} rejects the encoding, in
     *         which case nothing was changed and the caller raises an illegal-instruction Program interrupt.
     */
    public static int execute(CpuState s, int insn) {
        int kind = kind(insn);
        int frt = (insn >>> 21) & 31;
        int fra = (insn >>> 16) & 31;
        int frb = (insn >>> 11) & 31;
        int frc = (insn >>> 6) & 31;
        boolean rc = (insn & 1) != 0;
        boolean single = (insn >>> 26) == 59;
        long[] fpr = s.fpr;
        switch (kind) {
            case FMR -> {
                fpr[frt] = fpr[frb];
                return moveDone(s, rc);
            }
            case FNEG -> {
                fpr[frt] = fpr[frb] ^ SIGN;
                return moveDone(s, rc);
            }
            case FABS -> {
                fpr[frt] = fpr[frb] & ~SIGN;
                return moveDone(s, rc);
            }
            case FNABS -> {
                fpr[frt] = fpr[frb] | SIGN;
                return moveDone(s, rc);
            }
            case FSEL -> {
                long a = fpr[fra];
                // frA >= 0 (either zero included), NaN is neither
                fpr[frt] = !isNaN(a) && (a >= 0 || (a & ~SIGN) == 0) ? fpr[frc] : fpr[frb];
                return moveDone(s, rc);
            }
            case FCMPU, FCMPO -> {
                return compare(s, insn, fpr[fra], fpr[frb], kind == FCMPO);
            }
            case FCTIW, FCTIWZ -> {
                int old = s.fpscr;
                s.fpscr = old & ~(Fpscr.EXCEPTIONS | Fpscr.FR | Fpscr.FI);
                long r = convertToWord(s, fpr[frb], kind == FCTIWZ ? Fpscr.RN_TOWARD_ZERO : old & Fpscr.RN);
                if (r != SUPPRESSED) {
                    fpr[frt] = r;
                }
                return arithmeticDone(s, old, rc);
            }
            case MFFS -> {
                fpr[frt] = UNDEFINED_HIGH_WORD | (s.fpscr & 0xFFFF_FFFFL);
                return moveDone(s, rc);
            }
            case MTFSF -> {
                int fieldMask = (insn >>> 17) & 0xFF;
                int mask = 0;
                for (int field = 0; field < 8; field++) {
                    if ((fieldMask & (0x80 >>> field)) != 0) {
                        mask |= 0xF000_0000 >>> (4 * field);
                    }
                }
                int value = (int) fpr[frb];
                return fpscrMoveDone(s, (s.fpscr & ~mask) | (value & mask), rc, true);
            }
            case MTFSFI -> {
                int shift = 28 - 4 * ((insn >>> 23) & 7);
                int immediate = (insn >>> 12) & 0xF;
                return fpscrMoveDone(s, (s.fpscr & ~(0xF << shift)) | (immediate << shift), rc, true);
            }
            case MTFSB0, MTFSB1 -> {
                int bit = 1 << (31 - ((insn >>> 21) & 31));
                int old = s.fpscr;
                int f;
                if (kind == MTFSB1) {
                    f = old | bit;
                    if ((bit & Fpscr.EXCEPTIONS & ~old) != 0) {
                        f |= Fpscr.FX; // mtfsb1 is not exempt from the implicit FX rule
                    }
                } else {
                    f = old & ~bit;
                }
                if ((bit & (Fpscr.FEX | Fpscr.VX)) != 0) {
                    f = old; // FEX and VX cannot be set or cleared directly
                }
                return fpscrMoveDone(s, f, rc, kind == MTFSB1);
            }
            case MCRFS -> {
                int from = 28 - 4 * ((insn >>> 18) & 7);
                int to = 28 - 4 * ((insn >>> 23) & 7);
                int old = s.fpscr;
                s.cr = (s.cr & ~(0xF << to)) | (((old >>> from) & 0xF) << to);
                // the exception bits copied are cleared (FX included); FEX and VX follow
                s.fpscr = Fpscr.withSummaries(old & ~((0xF << from) & (Fpscr.FX | Fpscr.EXCEPTIONS)));
                return 0;
            }
            case ILLEGAL_KIND -> {
                return ILLEGAL;
            }
            default -> {
                // arithmetic: FR and FI describe this instruction alone; the sticky bits are collected afresh
                int old = s.fpscr;
                s.fpscr = old & ~(Fpscr.EXCEPTIONS | Fpscr.FR | Fpscr.FI);
                long r = arithmetic(s, kind, fpr[fra], fpr[frb], fpr[frc], single);
                if (r != SUPPRESSED) {
                    fpr[frt] = r;
                    // frsp (opcode 63) delivers a single-precision result too
                    s.fpscr = (s.fpscr & ~Fpscr.FPRF)
                            | (resultClass(r, single || kind == FRSP) << Fpscr.FPRF_SHIFT);
                }
                return arithmeticDone(s, old, rc);
            }
        }
    }

    private static long arithmetic(CpuState s, int kind, long a, long b, long c, boolean single) {
        return switch (kind) {
            case FADD -> add(s, a, b, false, single);
            case FSUB -> add(s, a, b, true, single);
            case FMUL -> multiply(s, a, c, single);
            case FDIV -> divide(s, a, b, single);
            case FSQRT -> squareRoot(s, b, single);
            case FMADD -> multiplyAdd(s, a, c, b, false, false, single);
            case FMSUB -> multiplyAdd(s, a, c, b, true, false, single);
            case FNMADD -> multiplyAdd(s, a, c, b, false, true, single);
            case FNMSUB -> multiplyAdd(s, a, c, b, true, true, single);
            case FRES -> reciprocalEstimate(s, b);
            case FRSQRTE -> reciprocalSqrtEstimate(s, b);
            case FRSP -> roundToSingle(s, b);
            default -> throw new IllegalStateException("not an arithmetic kind: " + kind);
        };
    }

    // ---- completion: FX, the summaries, CR1, the return status ----

    private static int moveDone(CpuState s, boolean rc) {
        if (rc) {
            setCr1(s);
        }
        return 0;
    }

    private static int arithmeticDone(CpuState s, int old, boolean rc) {
        int raised = s.fpscr & Fpscr.EXCEPTIONS;
        int f = s.fpscr | (old & Fpscr.EXCEPTIONS);
        if ((raised & ~old) != 0) {
            f |= Fpscr.FX;
        }
        f = Fpscr.withSummaries(f);
        s.fpscr = f;
        if (rc) {
            setCr1(s);
        }
        boolean enabled = ((raised & Fpscr.VX_CAUSES) != 0 && (f & Fpscr.VE) != 0)
                || ((raised >>> 22) & f & (Fpscr.OE | Fpscr.UE | Fpscr.ZE | Fpscr.XE)) != 0;
        return enabled ? ENABLED_EXCEPTION : 0;
    }

    private static int fpscrMoveDone(CpuState s, int f, boolean rc, boolean mayRaise) {
        f = Fpscr.withSummaries(f);
        s.fpscr = f;
        if (rc) {
            setCr1(s);
        }
        return mayRaise && (f & Fpscr.FEX) != 0 ? ENABLED_EXCEPTION : 0;
    }

    /** CR1 gets FX, FEX, VX and OX. */
    private static void setCr1(CpuState s) {
        s.cr = (s.cr & 0xF0FF_FFFF) | ((s.fpscr >>> 28) << 24);
    }

    // ---- classification ----

    static boolean isNaN(long bits) {
        return (bits & ~SIGN) > ExactArithmetic.PLUS_INFINITY;
    }

    static boolean isSignallingNaN(long bits) {
        return isNaN(bits) && (bits & QUIET_BIT) == 0;
    }

    private static boolean isInfinite(long bits) {
        return (bits & ~SIGN) == ExactArithmetic.PLUS_INFINITY;
    }

    private static boolean isZero(long bits) {
        return (bits & ~SIGN) == 0;
    }

    /** The FPRF code of a result, classified in the precision of the instruction. */
    static int resultClass(long bits, boolean single) {
        boolean negative = bits < 0;
        int e = (int) (bits >>> 52) & 0x7FF;
        long fraction = bits & ExactArithmetic.FRACTION;
        if (e == 0x7FF) {
            if (fraction != 0) {
                return Fpscr.CLASS_QNAN;
            }
            return negative ? Fpscr.CLASS_MINUS_INFINITY : Fpscr.CLASS_PLUS_INFINITY;
        }
        if (e == 0 && fraction == 0) {
            return negative ? Fpscr.CLASS_MINUS_ZERO : Fpscr.CLASS_PLUS_ZERO;
        }
        boolean denormal = single ? e < 1023 - 126 : e == 0;
        if (denormal) {
            return negative ? Fpscr.CLASS_MINUS_DENORMAL : Fpscr.CLASS_PLUS_DENORMAL;
        }
        return negative ? Fpscr.CLASS_MINUS_NORMAL : Fpscr.CLASS_PLUS_NORMAL;
    }

    // ---- special operands ----

    /**
     * The result when at least one operand is a NaN: the first NaN in the order given, quieted (and for single
     * precision rounded to single format); VXSNAN if any operand is a signalling NaN, and then no result if VE=1.
     * Unused operand slots are passed as 0.
     */
    private static long propagateNaN(CpuState s, long first, long second, long third, boolean single) {
        if (isSignallingNaN(first) || isSignallingNaN(second) || isSignallingNaN(third)) {
            s.fpscr |= Fpscr.VXSNAN;
            if ((s.fpscr & Fpscr.VE) != 0) {
                return SUPPRESSED;
            }
        }
        long nan = isNaN(first) ? first : isNaN(second) ? second : third;
        nan |= QUIET_BIT;
        return single ? nan & ~SINGLE_LOW_BITS : nan;
    }

    /** An invalid operation on non-NaN operands: the default QNaN, or no result if VE=1. */
    private static long invalid(CpuState s, int cause) {
        s.fpscr |= cause;
        return (s.fpscr & Fpscr.VE) != 0 ? SUPPRESSED : DEFAULT_NAN;
    }

    /** A finite nonzero value divided by zero: a signed infinity, or no result if ZE=1. */
    private static long zeroDivide(CpuState s, boolean negative) {
        s.fpscr |= Fpscr.ZX;
        if ((s.fpscr & Fpscr.ZE) != 0) {
            return SUPPRESSED;
        }
        return negative ? ExactArithmetic.PLUS_INFINITY | SIGN : ExactArithmetic.PLUS_INFINITY;
    }

    private static long infinity(boolean negative) {
        return negative ? ExactArithmetic.PLUS_INFINITY | SIGN : ExactArithmetic.PLUS_INFINITY;
    }

    /** The sum of two zeros: their common sign, else +0 (-0 when rounding toward -infinity). */
    private static long zeroSum(CpuState s, boolean aNegative, boolean bNegative) {
        if (aNegative == bNegative) {
            return aNegative ? SIGN : 0;
        }
        return ExactArithmetic.cancelledZero(s);
    }

    // ---- the operations ----

    /*
     * Fast paths: the host computes the round-to-nearest double r of the exact result, and an error-free
     * transformation gives the exact error's sign; ExactArithmetic.roundNear then delivers r (round to nearest,
     * double) or rounds once more (other modes, single precision). The guards keep every intermediate away from
     * overflow and underflow, where the transformations stop being exact; everything else takes the exact
     * integer paths below each fast path.
     */

    private static long add(CpuState s, long a, long b, boolean subtract, boolean single) {
        double x = Double.longBitsToDouble(a);
        double y = subtract ? -Double.longBitsToDouble(b) : Double.longBitsToDouble(b);
        double r = x + y;
        double magnitude = Math.abs(r);
        if (magnitude >= Double.MIN_NORMAL && magnitude <= 0x1p1020
                && Math.abs(x) <= 0x1p1020 && Math.abs(y) <= 0x1p1020) {
            // 2Sum: the exact error of the addition (a sum of doubles that is not tiny is never tiny exactly)
            double t = r - x;
            double error = (x - (r - t)) + (y - t);
            return ExactArithmetic.roundNear(s, r, error, single);
        }
        if (r == 0 && (s.fpscr & Fpscr.RN) == Fpscr.RN_NEAREST) {
            return Double.doubleToRawLongBits(r); // exact; the host applies the round-to-nearest zero sign rule
        }
        if (isNaN(a) || isNaN(b)) {
            return propagateNaN(s, a, b, 0, single);
        }
        boolean aNegative = a < 0;
        boolean bNegative = (b < 0) != subtract;
        if (isInfinite(a)) {
            if (isInfinite(b) && aNegative != bNegative) {
                return invalid(s, Fpscr.VXISI);
            }
            return a;
        }
        if (isInfinite(b)) {
            return infinity(bNegative);
        }
        if (isZero(a)) {
            return isZero(b) ? zeroSum(s, aNegative, bNegative)
                    : ExactArithmetic.roundOperand(s, b, bNegative, single);
        }
        if (isZero(b)) {
            return ExactArithmetic.roundOperand(s, a, aNegative, single);
        }
        return ExactArithmetic.add(s, a, b, bNegative, single);
    }

    private static long multiply(CpuState s, long a, long c, boolean single) {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(c);
        double r = x * y;
        double magnitude = Math.abs(r);
        if (magnitude >= SAFE_MIN && magnitude <= Double.MAX_VALUE) {
            // this far above the denormal range the product's exact error is a double
            return ExactArithmetic.roundNear(s, r, Math.fma(x, y, -r), single);
        }
        if (r == 0 && (x == 0 || y == 0)) {
            return Double.doubleToRawLongBits(r); // exact; the sign is the XOR of the operands' in every mode
        }
        if (isNaN(a) || isNaN(c)) {
            return propagateNaN(s, a, c, 0, single);
        }
        boolean negative = (a ^ c) < 0;
        if (isInfinite(a) || isInfinite(c)) {
            return isZero(a) || isZero(c) ? invalid(s, Fpscr.VXIMZ) : infinity(negative);
        }
        if (isZero(a) || isZero(c)) {
            return negative ? SIGN : 0;
        }
        return ExactArithmetic.multiply(s, a, c, single);
    }

    private static long divide(CpuState s, long a, long b, boolean single) {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        double r = x / y;
        double magnitude = Math.abs(r);
        double ax = Math.abs(x);
        double ay = Math.abs(y);
        if (magnitude >= SAFE_MIN && magnitude <= Double.MAX_VALUE && ax >= SAFE_MIN && ay >= SAFE_MIN
                && ax <= Double.MAX_VALUE && ay <= Double.MAX_VALUE) {
            // the remainder of a correctly rounded quotient is exact in this range; the error is remainder / y
            double remainder = Math.fma(-r, y, x);
            return ExactArithmetic.roundNear(s, r, y < 0 ? -remainder : remainder, single);
        }
        if (isNaN(a) || isNaN(b)) {
            return propagateNaN(s, a, b, 0, single);
        }
        boolean negative = (a ^ b) < 0;
        if (isInfinite(a)) {
            return isInfinite(b) ? invalid(s, Fpscr.VXIDI) : infinity(negative);
        }
        if (isInfinite(b)) {
            return negative ? SIGN : 0;
        }
        if (isZero(b)) {
            return isZero(a) ? invalid(s, Fpscr.VXZDZ) : zeroDivide(s, negative);
        }
        if (isZero(a)) {
            return negative ? SIGN : 0;
        }
        return ExactArithmetic.divide(s, a, b, single);
    }

    private static long squareRoot(CpuState s, long b, boolean single) {
        double x = Double.longBitsToDouble(b);
        if (x >= SAFE_MIN && x <= Double.MAX_VALUE) {
            double r = Math.sqrt(x);
            return ExactArithmetic.roundNear(s, r, Math.fma(-r, r, x), single); // x - r*r is exact here
        }
        if (isNaN(b)) {
            return propagateNaN(s, b, 0, 0, single);
        }
        if (isZero(b)) {
            return b; // sqrt(-0) = -0
        }
        if (b < 0) {
            return invalid(s, Fpscr.VXSQRT);
        }
        if (isInfinite(b)) {
            return b;
        }
        return ExactArithmetic.sqrt(s, b, single);
    }

    /**
     * The multiply-add family: {@code a*c + b}, with b negated for the subtract forms, rounded once; the negative
     * forms negate the rounded result (but never a NaN).
     */
    private static long multiplyAdd(CpuState s, long a, long c, long b, boolean subtract, boolean negateResult,
                                    boolean single) {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(c);
        double z = subtract ? -Double.longBitsToDouble(b) : Double.longBitsToDouble(b);
        double nearest = Math.fma(x, y, z);
        double product = x * y;
        double az = Math.abs(z);
        if (Math.abs(nearest) >= SAFE_MIN && Math.abs(nearest) <= FMA_SAFE_MAX
                && Math.abs(product) >= SAFE_MIN && Math.abs(product) <= FMA_SAFE_MAX
                && (az == 0 || (az >= SAFE_MIN && az <= FMA_SAFE_MAX))) {
            long rounded = ExactArithmetic.roundNear(s, nearest, fmaError(x, y, z, nearest, product), single);
            return negateResult ? rounded ^ SIGN : rounded;
        }
        boolean infinityTimesZero = (isInfinite(a) && isZero(c)) || (isZero(a) && isInfinite(c));
        if (isNaN(a) || isNaN(b) || isNaN(c)) {
            if (infinityTimesZero) {
                s.fpscr |= Fpscr.VXIMZ;
            }
            long r = propagateNaN(s, a, b, c, single);
            return infinityTimesZero && (s.fpscr & Fpscr.VE) != 0 ? SUPPRESSED : r;
        }
        if (infinityTimesZero) {
            return invalid(s, Fpscr.VXIMZ); // the default NaN keeps sign 0, also for the negative forms
        }
        boolean productNegative = (a ^ c) < 0;
        boolean addendNegative = (b < 0) != subtract;
        long r;
        if (isInfinite(a) || isInfinite(c)) {
            if (isInfinite(b) && productNegative != addendNegative) {
                return invalid(s, Fpscr.VXISI);
            }
            r = infinity(productNegative);
        } else if (isInfinite(b)) {
            r = infinity(addendNegative);
        } else if (isZero(a) || isZero(c)) {
            r = isZero(b) ? zeroSum(s, productNegative, addendNegative)
                    : ExactArithmetic.roundOperand(s, b, addendNegative, single);
        } else if (isZero(b)) {
            r = ExactArithmetic.multiply(s, a, c, single);
        } else {
            r = ExactArithmetic.fusedMultiplyAdd(s, a, c, b, addendNegative, single);
        }
        return negateResult ? r ^ SIGN : r;
    }

    /**
     * The exact error {@code x*y + z - r} of {@code r = fma(x, y, z)}, to its sign: ErrFma (Boldo and Muller, "Exact
     * and approximated error of the FMA", IEEE Trans. Computers 60(2), 2011) gives it as r2 + r3 with r2 the
     * rounded sum, so r2 carries the sign and is zero only when the error is. Valid without underflow and overflow,
     * which the caller's guards ensure.
     */
    private static double fmaError(double x, double y, double z, double r, double product) {
        double productError = Math.fma(x, y, -product); // x*y = product + productError exactly
        // (alpha1, alpha2) = 2Sum(z, productError)
        double alpha1 = z + productError;
        double t = alpha1 - z;
        double alpha2 = (z - (alpha1 - t)) + (productError - t);
        // (beta1, beta2) = 2Sum(product, alpha1)
        double beta1 = product + alpha1;
        t = beta1 - product;
        double beta2 = (product - (beta1 - t)) + (alpha1 - t);
        double gamma = (beta1 - r) + beta2;
        return gamma + alpha2;
    }

    /** fres: 1/b correctly rounded to single precision (an estimate far better than the architected 1/256). */
    private static long reciprocalEstimate(CpuState s, long b) {
        if (isNaN(b)) {
            return propagateNaN(s, b, 0, 0, true);
        }
        if (isZero(b)) {
            return zeroDivide(s, b < 0);
        }
        if (isInfinite(b)) {
            return b & SIGN;
        }
        return ExactArithmetic.divide(s, 0x3FF0_0000_0000_0000L, b, true);
    }

    /** frsqrte: 1/sqrt(b) correctly rounded to double (an estimate far better than the architected 1/32). */
    private static long reciprocalSqrtEstimate(CpuState s, long b) {
        if (isNaN(b)) {
            return propagateNaN(s, b, 0, 0, false);
        }
        if (isZero(b)) {
            return zeroDivide(s, b < 0);
        }
        if (b < 0) {
            return invalid(s, Fpscr.VXSQRT);
        }
        if (isInfinite(b)) {
            return 0;
        }
        return ExactArithmetic.reciprocalSqrt(s, b);
    }

    private static long roundToSingle(CpuState s, long b) {
        if (isNaN(b)) {
            return propagateNaN(s, b, 0, 0, true);
        }
        if (isZero(b) || isInfinite(b)) {
            return b;
        }
        return ExactArithmetic.roundOperand(s, b, b < 0, true);
    }

    /**
     * fctiw/fctiwz: round to a 32-bit signed integer in the given mode; NaN, infinity and out-of-range values are
     * invalid (VXCVI) and saturate. FPRF is left unchanged (the architecture leaves it undefined).
     */
    private static long convertToWord(CpuState s, long b, int mode) {
        boolean negative = b < 0;
        if (isNaN(b)) {
            int cause = isSignallingNaN(b) ? Fpscr.VXSNAN | Fpscr.VXCVI : Fpscr.VXCVI;
            return saturate(s, cause, true);
        }
        if (isInfinite(b)) {
            return saturate(s, Fpscr.VXCVI, negative);
        }
        long sig = ExactArithmetic.significand(b);
        int exp = ExactArithmetic.exponent(b);
        long magnitude;
        boolean roundBit;
        boolean sticky;
        if (sig == 0) {
            magnitude = 0;
            roundBit = false;
            sticky = false;
        } else if (exp >= 0) {
            return saturate(s, Fpscr.VXCVI, negative); // a normal significand with exp >= 0 is at least 2^52
        } else {
            int drop = -exp;
            if (drop > 63) {
                magnitude = 0;
                roundBit = false;
                sticky = true;
            } else {
                magnitude = sig >>> drop;
                roundBit = ((sig >>> (drop - 1)) & 1) != 0;
                sticky = drop > 1 && (sig & ((1L << (drop - 1)) - 1)) != 0;
            }
        }
        boolean inexact = roundBit | sticky;
        boolean increment = switch (mode) {
            case Fpscr.RN_NEAREST -> roundBit && (sticky || (magnitude & 1) != 0);
            case Fpscr.RN_TOWARD_ZERO -> false;
            case Fpscr.RN_TOWARD_PLUS_INFINITY -> inexact && !negative;
            default -> inexact && negative;
        };
        if (increment) {
            magnitude++;
        }
        if (magnitude > (negative ? 0x8000_0000L : 0x7FFF_FFFFL)) {
            return saturate(s, Fpscr.VXCVI, negative);
        }
        int flags = inexact ? Fpscr.XX | Fpscr.FI : 0;
        if (increment) {
            flags |= Fpscr.FR;
        }
        s.fpscr |= flags;
        long word = negative ? -magnitude : magnitude;
        return UNDEFINED_HIGH_WORD | (word & 0xFFFF_FFFFL);
    }

    private static long saturate(CpuState s, int cause, boolean negative) {
        s.fpscr |= cause;
        if ((s.fpscr & Fpscr.VE) != 0) {
            return SUPPRESSED;
        }
        return UNDEFINED_HIGH_WORD | (negative ? 0x8000_0000L : 0x7FFF_FFFFL);
    }

    /** fcmpu/fcmpo: CR field BF and FPCC get FL/FG/FE/FU; FR, FI and C are unchanged. */
    private static int compare(CpuState s, int insn, long a, long b, boolean ordered) {
        int old = s.fpscr;
        int code;
        boolean unordered = isNaN(a) || isNaN(b);
        if (unordered) {
            code = 0b0001;
        } else {
            double x = Double.longBitsToDouble(a);
            double y = Double.longBitsToDouble(b);
            code = x < y ? 0b1000 : x > y ? 0b0100 : 0b0010;
        }
        int raised = 0;
        if (isSignallingNaN(a) || isSignallingNaN(b)) {
            raised = Fpscr.VXSNAN;
            if (ordered && (old & Fpscr.VE) == 0) {
                raised |= Fpscr.VXVC;
            }
        } else if (ordered && unordered) {
            raised = Fpscr.VXVC;
        }
        int shift = 28 - 4 * ((insn >>> 23) & 7);
        s.cr = (s.cr & ~(0xF << shift)) | (code << shift);
        s.fpscr = (old & ~(Fpscr.EXCEPTIONS | Fpscr.FPCC)) | (code << Fpscr.FPRF_SHIFT) | raised;
        return arithmeticDone(s, old, false);
    }
}
