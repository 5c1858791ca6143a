package org.ppc440vm.cpu.interp.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.cpu.interp.fpu.Fp.XO_FADD;
import static org.ppc440vm.cpu.interp.fpu.Fp.XO_FDIV;
import static org.ppc440vm.cpu.interp.fpu.Fp.XO_FMADD;
import static org.ppc440vm.cpu.interp.fpu.Fp.XO_FMSUB;
import static org.ppc440vm.cpu.interp.fpu.Fp.XO_FMUL;
import static org.ppc440vm.cpu.interp.fpu.Fp.XO_FNMADD;
import static org.ppc440vm.cpu.interp.fpu.Fp.XO_FNMSUB;
import static org.ppc440vm.cpu.interp.fpu.Fp.XO_FRES;
import static org.ppc440vm.cpu.interp.fpu.Fp.XO_FRSQRTE;
import static org.ppc440vm.cpu.interp.fpu.Fp.XO_FSEL;
import static org.ppc440vm.cpu.interp.fpu.Fp.XO_FSQRT;
import static org.ppc440vm.cpu.interp.fpu.Fp.XO_FSUB;
import static org.ppc440vm.cpu.interp.fpu.Fp.bits;
import static org.ppc440vm.cpu.interp.fpu.Fp.run;
import static org.ppc440vm.cpu.interp.fpu.Fp.runX;
import static org.ppc440vm.cpu.interp.fpu.Fpscr.*;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.ppc440vm.cpu.spi.CpuState;

/** IEEE and PowerPC edge cases of the arithmetic, conversion and compare instructions, each stated by hand. */
class FpuArithmeticTest {
    static final long ONE = bits(1.0);
    static final long MINUS_ONE = bits(-1.0);
    static final long PLUS_ZERO = 0;
    static final long MINUS_ZERO = Long.MIN_VALUE;
    static final long PLUS_INF = 0x7FF0_0000_0000_0000L;
    static final long MINUS_INF = 0xFFF0_0000_0000_0000L;
    static final long DEFAULT_NAN = 0x7FF8_0000_0000_0000L;
    static final long QNAN_A = 0x7FF8_0000_0000_0001L;
    static final long QNAN_B = 0xFFF8_0000_0000_0002L;
    static final long QNAN_C = 0x7FF8_0000_0000_0003L;
    static final long SNAN_A = 0x7FF0_0000_0000_0004L;
    static final long SNAN_A_QUIETED = 0x7FF8_0000_0000_0004L;
    static final long SNAN_B = 0xFFF4_0000_0000_0005L;
    static final long SNAN_B_QUIETED = 0xFFFC_0000_0000_0005L;
    static final long MAX = 0x7FEF_FFFF_FFFF_FFFFL;
    static final long MIN_NORMAL = 0x0010_0000_0000_0000L;
    static final int ROUNDING = FR | FI;
    static final int ALL_EXCEPTIONS = FX | FEX | VX | EXCEPTIONS;
    static final int INEXACT = FX | XX | FI;

    static final int RN = RN_NEAREST;
    static final int RZ = RN_TOWARD_ZERO;
    static final int RP = RN_TOWARD_PLUS_INFINITY;
    static final int RM = RN_TOWARD_MINUS_INFINITY;

    static Fp.Run fadd(long a, long b, int fpscr) {
        return run(63, XO_FADD, a, b, 0, fpscr);
    }

    static Fp.Run fmul(long a, long c, int fpscr) {
        return run(63, XO_FMUL, a, 0, c, fpscr);
    }

    static Fp.Run fdiv(long a, long b, int fpscr) {
        return run(63, XO_FDIV, a, b, 0, fpscr);
    }

    static Fp.Run fma(int primary, int xo, long a, long c, long b, int fpscr) {
        return run(primary, xo, a, b, c, fpscr);
    }

    @Nested
    class SignedZeros {
        @Test
        void exactCancellationIsPlusZeroExceptTowardMinusInfinity() {
            fadd(ONE, MINUS_ONE, RN).expectResult(PLUS_ZERO).expectClass(CLASS_PLUS_ZERO)
                    .expectFlags(ALL_EXCEPTIONS | ROUNDING, 0);
            fadd(ONE, MINUS_ONE, RZ).expectResult(PLUS_ZERO);
            fadd(ONE, MINUS_ONE, RP).expectResult(PLUS_ZERO);
            fadd(ONE, MINUS_ONE, RM).expectResult(MINUS_ZERO).expectClass(CLASS_MINUS_ZERO);
            run(63, XO_FSUB, ONE, ONE, 0, RM).expectResult(MINUS_ZERO);
            run(59, XO_FADD, ONE, MINUS_ONE, 0, RM).expectResult(MINUS_ZERO);
        }

        @Test
        void sumsOfZeros() {
            for (int mode = 0; mode < 4; mode++) {
                fadd(MINUS_ZERO, MINUS_ZERO, mode).expectResult(MINUS_ZERO);
                fadd(PLUS_ZERO, PLUS_ZERO, mode).expectResult(PLUS_ZERO);
                fadd(PLUS_ZERO, MINUS_ZERO, mode).expectResult(mode == RM ? MINUS_ZERO : PLUS_ZERO);
                run(63, XO_FSUB, MINUS_ZERO, PLUS_ZERO, 0, mode).expectResult(MINUS_ZERO);
            }
        }

        @Test
        void productsQuotientsAndRootsKeepTheSignRule() {
            fmul(MINUS_ZERO, bits(5.0), RN).expectResult(MINUS_ZERO).expectClass(CLASS_MINUS_ZERO);
            fmul(MINUS_ZERO, bits(-5.0), RN).expectResult(PLUS_ZERO);
            fdiv(PLUS_ZERO, bits(-3.0), RN).expectResult(MINUS_ZERO);
            fdiv(bits(3.0), MINUS_INF, RN).expectResult(MINUS_ZERO);
            run(63, XO_FSQRT, 0, MINUS_ZERO, 0, RN).expectResult(MINUS_ZERO).expectFlags(ALL_EXCEPTIONS, 0);
            run(59, XO_FMUL, MINUS_ZERO, 0, bits(2.0), RP).expectResult(MINUS_ZERO);
        }

        @Test
        void aSumWithAZeroIsTheOtherOperandRounded() {
            fadd(bits(1.5), MINUS_ZERO, RM).expectResult(bits(1.5)).expectFlags(ROUNDING, 0);
            // in single precision, x + 0 still rounds x to single
            run(59, XO_FADD, bits(1 + 0x1p-30), PLUS_ZERO, 0, RN).expectResult(ONE).expectFlags(INEXACT, INEXACT);
        }
    }

    @Nested
    class InvalidOperations {
        @Test
        void infinityMinusInfinity() {
            fadd(PLUS_INF, MINUS_INF, RN).expectResult(DEFAULT_NAN).expectClass(CLASS_QNAN)
                    .expectFlags(ALL_EXCEPTIONS | ROUNDING, FX | VX | VXISI).expectStatus(0);
            fadd(PLUS_INF, PLUS_INF, RN).expectResult(PLUS_INF).expectClass(CLASS_PLUS_INFINITY)
                    .expectFlags(ALL_EXCEPTIONS, 0);
            run(63, XO_FSUB, MINUS_INF, MINUS_INF, 0, RN).expectFlags(VXISI, VXISI);
            fadd(PLUS_INF, bits(-1e308), RN).expectResult(PLUS_INF);
        }

        @Test
        void enabledInvalidOperationLeavesTheTargetAndFprfAlone() {
            int fprfBefore = CLASS_MINUS_DENORMAL << FPRF_SHIFT;
            fadd(PLUS_INF, MINUS_INF, VE | fprfBefore | FR | FI).expectResult(Fp.UNTOUCHED)
                    .expectClass(CLASS_MINUS_DENORMAL).expectFlags(ALL_EXCEPTIONS | ROUNDING, FX | FEX | VX | VXISI)
                    .expectStatus(FpuOps.ENABLED_EXCEPTION);
        }

        @Test
        void theOtherInvalidOperations() {
            fmul(PLUS_ZERO, MINUS_INF, RN).expectResult(DEFAULT_NAN).expectFlags(VX_CAUSES, VXIMZ);
            fdiv(PLUS_INF, MINUS_INF, RN).expectResult(DEFAULT_NAN).expectFlags(VX_CAUSES, VXIDI);
            fdiv(MINUS_ZERO, PLUS_ZERO, RN).expectResult(DEFAULT_NAN).expectFlags(VX_CAUSES, VXZDZ);
            run(63, XO_FSQRT, 0, MINUS_ONE, 0, RN).expectResult(DEFAULT_NAN).expectFlags(VX_CAUSES, VXSQRT);
            run(63, XO_FSQRT, 0, MINUS_INF, 0, RN).expectFlags(VX_CAUSES, VXSQRT);
            run(59, XO_FSQRT, 0, bits(-0x1p-1074), 0, RN).expectResult(DEFAULT_NAN).expectFlags(VX_CAUSES, VXSQRT);
        }

        @Test
        void divisionByZero() {
            fdiv(ONE, PLUS_ZERO, RN).expectResult(PLUS_INF).expectClass(CLASS_PLUS_INFINITY)
                    .expectFlags(ALL_EXCEPTIONS | ROUNDING, FX | ZX).expectStatus(0);
            fdiv(ONE, MINUS_ZERO, RN).expectResult(MINUS_INF).expectClass(CLASS_MINUS_INFINITY);
            run(59, XO_FDIV, bits(-2.0), PLUS_ZERO, 0, RN).expectResult(MINUS_INF);
            // enabled: target and FPRF unchanged
            fdiv(ONE, PLUS_ZERO, ZE).expectResult(Fp.UNTOUCHED).expectClass(0)
                    .expectFlags(ALL_EXCEPTIONS, FX | FEX | ZX).expectStatus(FpuOps.ENABLED_EXCEPTION);
            // infinity / 0 is not a zero divide
            fdiv(PLUS_INF, PLUS_ZERO, ZE).expectResult(PLUS_INF).expectFlags(ALL_EXCEPTIONS, 0).expectStatus(0);
        }
    }

    @Nested
    class Nans {
        @Test
        void propagationOrderIsAThenBThenC() {
            fadd(QNAN_A, QNAN_B, RN).expectResult(QNAN_A).expectClass(CLASS_QNAN).expectFlags(ALL_EXCEPTIONS, 0);
            fadd(ONE, QNAN_B, RN).expectResult(QNAN_B);
            fmul(QNAN_C, QNAN_A, RN).expectResult(QNAN_C);
            fmul(ONE, QNAN_C, RN).expectResult(QNAN_C);
            fma(63, XO_FMADD, ONE, QNAN_C, QNAN_B, RN).expectResult(QNAN_B);
            fma(63, XO_FMADD, QNAN_A, QNAN_C, QNAN_B, RN).expectResult(QNAN_A);
            fma(63, XO_FMADD, ONE, QNAN_C, ONE, RN).expectResult(QNAN_C);
        }

        @Test
        void aNanIsNeverNegatedBySubtractionOrTheNegativeForms() {
            run(63, XO_FSUB, ONE, QNAN_B, 0, RN).expectResult(QNAN_B);
            fma(63, XO_FMSUB, ONE, ONE, QNAN_C, RN).expectResult(QNAN_C);
            fma(63, XO_FNMADD, QNAN_A, ONE, ONE, RN).expectResult(QNAN_A);
            fma(63, XO_FNMSUB, ONE, ONE, SNAN_B, RN).expectResult(SNAN_B_QUIETED);
        }

        @Test
        void signallingNansAreQuietedAndSignal() {
            fadd(SNAN_A, ONE, RN).expectResult(SNAN_A_QUIETED).expectClass(CLASS_QNAN)
                    .expectFlags(ALL_EXCEPTIONS | ROUNDING, FX | VX | VXSNAN);
            fadd(QNAN_A, SNAN_B, RN).expectResult(QNAN_A).expectFlags(VX_CAUSES, VXSNAN);
            fdiv(ONE, SNAN_B, RN).expectResult(SNAN_B_QUIETED);
            // quieted, then cut to single format
            runX(Fp.frsp(0, 2), SNAN_B, RN).expectResult(0xFFFC_0000_0000_0000L).expectFlags(VX_CAUSES, VXSNAN);
            // enabled: no result
            fmul(SNAN_A, ONE, VE).expectResult(Fp.UNTOUCHED).expectFlags(VX_CAUSES | FEX, VXSNAN | FEX)
                    .expectStatus(FpuOps.ENABLED_EXCEPTION);
        }

        @Test
        void singlePrecisionNanResultsAreRoundedToSingleFormat() {
            long wide = 0x7FF8_0000_F234_5678L;
            run(59, XO_FADD, wide, ONE, 0, RN).expectResult(0x7FF8_0000_E000_0000L);
            runX(Fp.frsp(0, 2), wide, RN).expectResult(0x7FF8_0000_E000_0000L).expectClass(CLASS_QNAN);
            run(59, XO_FMUL, 0x7FF0_0000_0000_0001L, 0, ONE, RN).expectResult(DEFAULT_NAN); // quieted, then cut
            run(63, XO_FADD, wide, ONE, 0, RN).expectResult(wide);
        }

        @Test
        void infinityTimesZeroPlusANanSignalsVximzAndReturnsTheNan() {
            fma(63, XO_FMADD, PLUS_INF, PLUS_ZERO, QNAN_B, RN).expectResult(QNAN_B).expectFlags(VX_CAUSES, VXIMZ);
            fma(63, XO_FMADD, PLUS_INF, PLUS_ZERO, QNAN_B, VE).expectResult(Fp.UNTOUCHED)
                    .expectStatus(FpuOps.ENABLED_EXCEPTION);
            fma(63, XO_FMADD, PLUS_ZERO, PLUS_INF, ONE, RN).expectResult(DEFAULT_NAN).expectFlags(VX_CAUSES, VXIMZ);
            // the default NaN of the negative forms keeps sign 0
            fma(63, XO_FNMADD, PLUS_ZERO, PLUS_INF, ONE, RN).expectResult(DEFAULT_NAN);
            fma(63, XO_FMADD, PLUS_INF, ONE, MINUS_INF, RN).expectResult(DEFAULT_NAN).expectFlags(VX_CAUSES, VXISI);
            fma(63, XO_FMSUB, PLUS_INF, ONE, PLUS_INF, RN).expectFlags(VX_CAUSES, VXISI);
            fma(63, XO_FMADD, PLUS_INF, ONE, PLUS_INF, RN).expectResult(PLUS_INF).expectFlags(VX_CAUSES, 0);
            fma(63, XO_FNMADD, PLUS_INF, ONE, PLUS_INF, RN).expectResult(MINUS_INF);
        }
    }

    @Nested
    class RoundingModes {
        static final long ONE_PLUS_ULP = ONE + 1;
        static final long HALF_ULP = bits(0x1p-53);

        @Test
        void aTieGoesToEvenOnlyInRoundToNearest() {
            fadd(ONE, HALF_ULP, RN).expectResult(ONE).expectFlags(ALL_EXCEPTIONS | ROUNDING, INEXACT);
            fadd(ONE, HALF_ULP, RZ).expectResult(ONE).expectFlags(ROUNDING, FI);
            fadd(ONE, HALF_ULP, RP).expectResult(ONE_PLUS_ULP).expectFlags(ROUNDING, FR | FI);
            fadd(ONE, HALF_ULP, RM).expectResult(ONE).expectFlags(ROUNDING, FI);
            // odd neighbour below: the tie rounds up
            fadd(ONE_PLUS_ULP, HALF_ULP, RN).expectResult(ONE + 2).expectFlags(ROUNDING, FR | FI);
            // negative ties
            fadd(MINUS_ONE, HALF_ULP | Long.MIN_VALUE, RM).expectResult(ONE_PLUS_ULP | Long.MIN_VALUE)
                    .expectFlags(ROUNDING, FR | FI);
            fadd(MINUS_ONE, HALF_ULP | Long.MIN_VALUE, RP).expectResult(MINUS_ONE).expectFlags(ROUNDING, FI);
        }

        @Test
        void inexactQuotientsInEachMode() {
            long third = 0x3FD5_5555_5555_5555L; // 1/3 truncated; the next bits are 0101...
            fdiv(ONE, bits(3.0), RN).expectResult(third).expectFlags(ROUNDING, FI);
            fdiv(ONE, bits(3.0), RZ).expectResult(third).expectFlags(ROUNDING, FI);
            fdiv(ONE, bits(3.0), RP).expectResult(third + 1).expectFlags(ROUNDING, FR | FI);
            fdiv(ONE, bits(3.0), RM).expectResult(third).expectFlags(ROUNDING, FI);
            fdiv(MINUS_ONE, bits(3.0), RM).expectResult((third + 1) | Long.MIN_VALUE).expectFlags(ROUNDING, FR | FI);
            // 2/3 = 0.1010...: round to nearest goes up
            long twoThirds = 0x3FE5_5555_5555_5555L;
            fdiv(bits(2.0), bits(3.0), RN).expectResult(twoThirds).expectFlags(ROUNDING, FI);
            fdiv(bits(2.0), bits(3.0), RP).expectResult(twoThirds + 1).expectFlags(ROUNDING, FR | FI);
            // single: 1/3 = 1.0101...b * 2^-2 keeps 23 fraction bits 0101...0 and rounds up to nearest
            run(59, XO_FDIV, ONE, bits(3.0), 0, RN).expectResult(Fp.single(1.0f / 3.0f)).expectFlags(ROUNDING, FR | FI);
            run(59, XO_FDIV, ONE, bits(3.0), 0, RP).expectResult(Fp.single(1.0f / 3.0f));
            run(59, XO_FDIV, ONE, bits(3.0), 0, RZ).expectResult(Fp.single(Math.nextDown(1.0f / 3.0f)))
                    .expectFlags(ROUNDING, FI);
        }

        @Test
        void squareRootsInEachMode() {
            long rootTwo = bits(Math.sqrt(2.0)); // sqrt(2) rounded to nearest, which is above sqrt(2)
            run(63, XO_FSQRT, 0, bits(2.0), 0, RN).expectResult(rootTwo).expectFlags(ROUNDING, FR | FI);
            run(63, XO_FSQRT, 0, bits(2.0), 0, RZ).expectResult(rootTwo - 1).expectFlags(ROUNDING, FI);
            run(63, XO_FSQRT, 0, bits(2.0), 0, RP).expectResult(rootTwo).expectFlags(ROUNDING, FR | FI);
            run(63, XO_FSQRT, 0, bits(4.0), 0, RN).expectResult(bits(2.0)).expectFlags(ALL_EXCEPTIONS | ROUNDING, 0);
            run(59, XO_FSQRT, 0, bits(2.0), 0, RN).expectResult(Fp.single((float) Math.sqrt(2.0)));
            run(63, XO_FSQRT, 0, bits(0x1p-1074), 0, RN).expectResult(bits(0x1p-537));
            run(63, XO_FSQRT, 0, PLUS_INF, 0, RN).expectResult(PLUS_INF);
        }

        @Test
        void exactResultsClearFrAndFi() {
            fmul(bits(3.0), bits(5.0), RP | FR | FI).expectResult(bits(15.0)).expectFlags(ROUNDING, 0);
        }
    }

    @Nested
    class OverflowAndUnderflow {
        @Test
        void disabledOverflowDependsOnTheMode() {
            fmul(MAX, bits(2.0), RN).expectResult(PLUS_INF).expectClass(CLASS_PLUS_INFINITY)
                    .expectFlags(ALL_EXCEPTIONS | ROUNDING, FX | OX | XX | FI | FR).expectStatus(0);
            fmul(MAX, bits(2.0), RZ).expectResult(MAX).expectClass(CLASS_PLUS_NORMAL)
                    .expectFlags(ALL_EXCEPTIONS | ROUNDING, FX | OX | XX | FI);
            fmul(MAX, bits(2.0), RP).expectResult(PLUS_INF);
            fmul(MAX, bits(2.0), RM).expectResult(MAX);
            fmul(MAX, bits(-2.0), RP).expectResult(MAX | Long.MIN_VALUE);
            fmul(MAX, bits(-2.0), RM).expectResult(MINUS_INF).expectClass(CLASS_MINUS_INFINITY);
        }

        @Test
        void overflowIsJudgedAfterRounding() {
            long halfUlpOfMax = bits(0x1p970);
            fadd(MAX, halfUlpOfMax, RN).expectResult(PLUS_INF).expectFlags(OX, OX); // a tie at odd MAX rounds up
            fadd(MAX, bits(0x1p969), RN).expectResult(MAX).expectFlags(OX | XX, XX);
            // toward zero the rounded value is MAX itself: inexact, but no overflow
            fadd(MAX, halfUlpOfMax, RZ).expectResult(MAX).expectFlags(OX | XX, XX);
        }

        @Test
        void enabledOverflowDeliversTheScaledResult() {
            fmul(MAX, bits(2.0), OE).expectResult(0x1FFF_FFFF_FFFF_FFFFL) // 2*MAX * 2^-1536, exact
                    .expectClass(CLASS_PLUS_NORMAL).expectFlags(ALL_EXCEPTIONS | ROUNDING, FX | FEX | OX)
                    .expectStatus(FpuOps.ENABLED_EXCEPTION);
            // single precision scales by 2^-192
            run(59, XO_FMUL, bits(0x1p100), 0, bits(0x1p100), OE).expectResult(bits(0x1p8)).expectFlags(OX, OX);
            runX(Fp.frsp(0, 2), bits(0x1p200), OE).expectResult(bits(0x1p8)).expectFlags(OX | FEX, OX | FEX);
            runX(Fp.frsp(0, 2), bits(0x1p200), RN).expectResult(PLUS_INF).expectFlags(OX | XX, OX | XX);
            runX(Fp.frsp(0, 2), bits(0x1p200), RZ).expectResult(Fp.single(Float.MAX_VALUE));
        }

        @Test
        void exactTinyResultsDoNotUnderflowWhenDisabled() {
            fmul(MIN_NORMAL, bits(0.5), RN).expectResult(0x0008_0000_0000_0000L).expectClass(CLASS_PLUS_DENORMAL)
                    .expectFlags(ALL_EXCEPTIONS | ROUNDING, 0);
            fadd(bits(0x1p-1074), bits(0x1p-1073), RN).expectResult(3).expectFlags(ALL_EXCEPTIONS, 0);
        }

        @Test
        void inexactTinyResultsUnderflow() {
            // 1.5 * 2^-1074: a tie in the denormal range
            fmul(3, bits(0.5), RN).expectResult(2).expectClass(CLASS_PLUS_DENORMAL)
                    .expectFlags(ALL_EXCEPTIONS | ROUNDING, FX | UX | XX | FI | FR);
            fmul(3, bits(0.5), RZ).expectResult(1).expectFlags(UX | ROUNDING, UX | FI);
            fmul(1, bits(0.25), RN).expectResult(PLUS_ZERO).expectClass(CLASS_PLUS_ZERO).expectFlags(UX, UX);
            fmul(1, bits(-0.25), RM).expectResult(Long.MIN_VALUE | 1).expectClass(CLASS_MINUS_DENORMAL);
        }

        @Test
        void tininessIsDetectedBeforeRounding() {
            // MIN_NORMAL * (1 - 2^-53) is below MIN_NORMAL but rounds up to it: still an underflow
            fmul(bits(1 - 0x1p-53), MIN_NORMAL, RN).expectResult(MIN_NORMAL).expectClass(CLASS_PLUS_NORMAL)
                    .expectFlags(UX | XX, UX | XX);
        }

        @Test
        void enabledUnderflowDeliversTheScaledResultEvenWhenExact() {
            fmul(MIN_NORMAL, bits(0.5), UE).expectResult(bits(0x1p513)).expectClass(CLASS_PLUS_NORMAL)
                    .expectFlags(ALL_EXCEPTIONS | ROUNDING, FX | FEX | UX).expectStatus(FpuOps.ENABLED_EXCEPTION);
            fmul(3, bits(0.5), UE).expectResult(bits(1.5 * 0x1p462)).expectFlags(UX | XX, UX);
            run(59, XO_FMUL, Fp.single(Float.MIN_NORMAL), 0, bits(0.5), UE).expectResult(bits(0x1p65));
        }

        @Test
        void singlePrecisionDenormalsAreClassifiedAsDenormals() {
            run(59, XO_FMUL, Fp.single(Float.MIN_NORMAL), 0, bits(0.5), RN)
                    .expectResult(Fp.single(Float.MIN_NORMAL / 2)).expectClass(CLASS_PLUS_DENORMAL)
                    .expectFlags(UX, 0);
            runX(Fp.frsp(0, 2), bits(-1e-40), RN).expectResult(Fp.single(-1e-40f)).expectClass(CLASS_MINUS_DENORMAL)
                    .expectFlags(UX | XX, UX | XX);
            runX(Fp.frsp(0, 2), bits(1e-50), RN).expectResult(PLUS_ZERO).expectClass(CLASS_PLUS_ZERO);
            runX(Fp.frsp(0, 2), bits(1e-50), RP).expectResult(Fp.single(Float.MIN_VALUE));
        }
    }

    @Nested
    class FusedMultiplyAdd {
        @Test
        void theProductIsNotRoundedBeforeTheAddition() {
            long a = bits(1 + 0x1p-30);
            long c = bits(1 - 0x1p-30);
            fma(63, XO_FMADD, a, c, MINUS_ONE, RN).expectResult(bits(-0x1p-60)).expectFlags(ALL_EXCEPTIONS, 0);
            fma(63, XO_FMSUB, a, c, ONE, RN).expectResult(bits(-0x1p-60));
            fma(63, XO_FNMADD, a, c, MINUS_ONE, RN).expectResult(bits(0x1p-60));
        }

        @Test
        void singleFormsRoundOnceToSingle() {
            // (1 + 2^-12)^2 + 2^-60 = 1 + 2^-11 + 2^-24 + 2^-60: just above a single midpoint. Rounding first to
            // double would drop the 2^-60 and the tie would then go to even (down).
            long a = Fp.single(1 + 0x1p-12f);
            long b = bits(0x1p-60);
            fma(59, XO_FMADD, a, a, b, RN).expectResult(bits(1 + 0x1p-11 + 0x1p-23)).expectFlags(ROUNDING, FR | FI);
            fma(59, XO_FMADD, a, a, b | Long.MIN_VALUE, RN).expectResult(bits(1 + 0x1p-11))
                    .expectFlags(ROUNDING, FI);
            fma(59, XO_FNMSUB, a, a, b | Long.MIN_VALUE, RN).expectResult(bits(-(1 + 0x1p-11 + 0x1p-23)));
        }

        @Test
        void negativeFormsNegateTheRoundedResult() {
            fma(63, XO_FNMADD, ONE, ONE, MINUS_ONE, RN).expectResult(MINUS_ZERO).expectClass(CLASS_MINUS_ZERO);
            fma(63, XO_FNMADD, ONE, ONE, MINUS_ONE, RM).expectResult(PLUS_ZERO);
            fma(63, XO_FNMSUB, bits(2.0), bits(3.0), bits(6.0), RN).expectResult(MINUS_ZERO);
            fma(63, XO_FMSUB, bits(2.0), bits(3.0), bits(6.0), RN).expectResult(PLUS_ZERO);
            // rounded toward +infinity, then negated: the result lies below the exact -(a*c+b)
            long third = bits(1.0 / 3);
            Fp.Run r = fma(63, XO_FNMADD, third, bits(3.0), PLUS_ZERO, RP);
            assertEquals(-1.0, r.value()); // a*c = 1 - 2^-54 rounds up to 1, then becomes -1
            fma(63, XO_FMADD, third, bits(3.0), PLUS_ZERO, RM).expectResult(bits(1 - 0x1p-53));
        }

        @Test
        void zeroProductsAndAddends() {
            fma(63, XO_FMADD, PLUS_ZERO, bits(5.0), MINUS_ZERO, RN).expectResult(PLUS_ZERO);
            fma(63, XO_FMADD, MINUS_ZERO, bits(5.0), MINUS_ZERO, RN).expectResult(MINUS_ZERO);
            fma(63, XO_FMADD, MINUS_ZERO, bits(5.0), PLUS_ZERO, RM).expectResult(MINUS_ZERO);
            fma(63, XO_FMADD, PLUS_ZERO, bits(5.0), bits(7.0), RN).expectResult(bits(7.0));
            fma(63, XO_FMADD, bits(1.5), bits(3.0), PLUS_ZERO, RN).expectResult(bits(4.5));
            fma(63, XO_FMADD, PLUS_INF, bits(-2.0), ONE, RN).expectResult(MINUS_INF);
        }
    }

    @Nested
    class Estimates {
        @Test
        void fresIsTheSingleReciprocal() {
            run(59, XO_FRES, 0, bits(2.0), 0, RN).expectResult(bits(0.5)).expectFlags(ALL_EXCEPTIONS | ROUNDING, 0);
            run(59, XO_FRES, 0, bits(3.0), 0, RN).expectResult(Fp.single(1.0f / 3.0f)).expectClass(CLASS_PLUS_NORMAL)
                    .expectFlags(XX, XX);
            run(59, XO_FRES, 0, PLUS_ZERO, 0, RN).expectResult(PLUS_INF).expectFlags(ZX | VX_CAUSES, ZX);
            run(59, XO_FRES, 0, MINUS_ZERO, 0, RN).expectResult(MINUS_INF).expectClass(CLASS_MINUS_INFINITY);
            run(59, XO_FRES, 0, MINUS_ZERO, 0, ZE).expectResult(Fp.UNTOUCHED).expectStatus(FpuOps.ENABLED_EXCEPTION);
            run(59, XO_FRES, 0, PLUS_INF, 0, RN).expectResult(PLUS_ZERO).expectFlags(ALL_EXCEPTIONS, 0);
            run(59, XO_FRES, 0, MINUS_INF, 0, RN).expectResult(MINUS_ZERO);
            run(59, XO_FRES, 0, SNAN_A, 0, RN).expectResult(DEFAULT_NAN).expectFlags(VX_CAUSES, VXSNAN);
            run(59, XO_FRES, 0, bits(1e-40), 0, RN).expectResult(PLUS_INF).expectFlags(OX | XX, OX | XX);
            run(59, XO_FRES, 0, bits(1e39), 0, RN).expectClass(CLASS_PLUS_DENORMAL).expectFlags(UX, UX);
        }

        @Test
        void frsqrteIsTheDoubleReciprocalSquareRoot() {
            run(63, XO_FRSQRTE, 0, bits(4.0), 0, RN).expectResult(bits(0.5)).expectFlags(ALL_EXCEPTIONS | ROUNDING, 0);
            run(63, XO_FRSQRTE, 0, bits(2.0), 0, RN).expectResult(bits(Math.sqrt(0.5))).expectFlags(XX, XX);
            run(63, XO_FRSQRTE, 0, bits(0x1p-1074), 0, RN).expectResult(bits(0x1p537));
            run(63, XO_FRSQRTE, 0, PLUS_ZERO, 0, RN).expectResult(PLUS_INF).expectFlags(ZX, ZX);
            run(63, XO_FRSQRTE, 0, MINUS_ZERO, 0, RN).expectResult(MINUS_INF).expectFlags(ZX | VX_CAUSES, ZX);
            run(63, XO_FRSQRTE, 0, MINUS_ONE, 0, RN).expectResult(DEFAULT_NAN).expectFlags(VX_CAUSES, VXSQRT);
            run(63, XO_FRSQRTE, 0, MINUS_INF, 0, RN).expectResult(DEFAULT_NAN).expectFlags(VX_CAUSES, VXSQRT);
            run(63, XO_FRSQRTE, 0, PLUS_INF, 0, RN).expectResult(PLUS_ZERO).expectFlags(ALL_EXCEPTIONS, 0);
            run(63, XO_FRSQRTE, 0, QNAN_B, 0, RN).expectResult(QNAN_B).expectFlags(ALL_EXCEPTIONS, 0);
        }

        @Test
        void estimatesMeetTheArchitectedAccuracy() {
            for (double x = 1e-300; x < 1e300; x *= 7.3) {
                if (x > 1e-37 && x < 1e37) { // the reciprocal is a normal single
                    double fres = run(59, XO_FRES, 0, bits(x), 0, RN).value();
                    assertTrue(Math.abs(fres * x - 1) <= 1.0 / 256, "fres " + x);
                }
                double frsqrte = run(63, XO_FRSQRTE, 0, bits(x), 0, RN).value();
                assertTrue(Math.abs(frsqrte * Math.sqrt(x) - 1) <= 1.0 / 32, "frsqrte " + x);
            }
        }
    }

    @Nested
    class Selection {
        @Test
        void fselChoosesCForNonNegativeAAndBOtherwise() {
            long c = bits(10.0);
            long b = bits(20.0);
            assertEquals(10.0, run(63, XO_FSEL, PLUS_ZERO, b, c, RN).value());
            assertEquals(10.0, run(63, XO_FSEL, MINUS_ZERO, b, c, RN).value());
            assertEquals(10.0, run(63, XO_FSEL, PLUS_INF, b, c, RN).value());
            assertEquals(20.0, run(63, XO_FSEL, bits(-0x1p-1074), b, c, RN).value());
            assertEquals(20.0, run(63, XO_FSEL, QNAN_A, b, c, RN).value());
            // no exception even for a signalling NaN, and FPSCR untouched
            run(63, XO_FSEL, SNAN_A, b, c, XX | FI).expectResult(b).expectFlags(-1, XX | FI);
        }

        @Test
        void movesChangeOnlyTheSignBitAndNeverTheFpscr() {
            CpuState s = Fp.state(FX | XX);
            s.fpr[2] = SNAN_B;
            FpuOps.execute(s, Fp.xForm(72, 0, 0, 2, false)); // fmr
            assertEquals(SNAN_B, s.fpr[0]);
            FpuOps.execute(s, Fp.xForm(40, 0, 0, 2, false)); // fneg
            assertEquals(SNAN_B & Long.MAX_VALUE, s.fpr[0]);
            FpuOps.execute(s, Fp.xForm(264, 0, 0, 2, false)); // fabs
            assertEquals(SNAN_B & Long.MAX_VALUE, s.fpr[0]);
            s.fpr[2] = ONE;
            FpuOps.execute(s, Fp.xForm(136, 0, 0, 2, false)); // fnabs
            assertEquals(MINUS_ONE, s.fpr[0]);
            assertEquals(FX | XX, s.fpscr);
            FpuOps.execute(s, Fp.xForm(72, 0, 0, 2, true)); // fmr. copies FX FEX VX OX into CR1
            assertEquals(0x0800_0000, s.cr);
        }
    }

    @Nested
    class ConvertToWord {
        long word(Fp.Run r) {
            assertEquals(0xFFF8_0000L, r.result() >>> 32, "high word");
            return (int) r.result();
        }

        Fp.Run fctiw(double v, int fpscr) {
            return runX(Fp.fctiw(0, 2), bits(v), fpscr);
        }

        @Test
        void tiesInRoundToNearest() {
            assertEquals(0, word(fctiw(0.5, RN).expectFlags(ROUNDING | XX, FI | XX)));
            assertEquals(2, word(fctiw(1.5, RN).expectFlags(ROUNDING, FR | FI)));
            assertEquals(2, word(fctiw(2.5, RN).expectFlags(ROUNDING, FI)));
            assertEquals(0, word(fctiw(-0.5, RN)));
            assertEquals(-2, word(fctiw(-1.5, RN).expectFlags(ROUNDING, FR | FI)));
            assertEquals(0, word(fctiw(-0.0, RN).expectFlags(ALL_EXCEPTIONS | ROUNDING, 0)));
            assertEquals(7, word(fctiw(7.0, RN).expectFlags(ALL_EXCEPTIONS | ROUNDING, 0)));
        }

        @Test
        void directedModesAndFctiwz() {
            assertEquals(-1, word(runX(Fp.fctiwz(0, 2), bits(-1.7), RN).expectFlags(ROUNDING, FI)));
            assertEquals(1, word(runX(Fp.fctiwz(0, 2), bits(1.7), RM)));
            assertEquals(1, word(fctiw(1.7, RZ)));
            assertEquals(2, word(fctiw(1.2, RP).expectFlags(ROUNDING, FR | FI)));
            assertEquals(-2, word(fctiw(-1.2, RM).expectFlags(ROUNDING, FR | FI)));
            assertEquals(-1, word(fctiw(-1.2, RP).expectFlags(ROUNDING, FI)));
            assertEquals(1, word(fctiw(0x1p-1074, RP)));
            assertEquals(0, word(fctiw(0x1p-1074, RN).expectFlags(ROUNDING, FI)));
        }

        @Test
        void saturationAndVxcvi() {
            assertEquals(Integer.MAX_VALUE, word(fctiw(2147483647.4, RN).expectFlags(VXCVI | XX, XX)));
            assertEquals(Integer.MAX_VALUE, word(fctiw(2147483647.5, RN)
                    .expectFlags(ALL_EXCEPTIONS | ROUNDING, FX | VX | VXCVI)));
            assertEquals(Integer.MAX_VALUE, word(runX(Fp.fctiwz(0, 2), bits(2147483647.5), RN)
                    .expectFlags(VXCVI | XX, XX)));
            assertEquals(Integer.MIN_VALUE, word(fctiw(-2147483648.5, RN).expectFlags(VXCVI | XX, XX)));
            assertEquals(Integer.MIN_VALUE, word(fctiw(-2147483648.5, RM).expectFlags(VXCVI | XX, VXCVI)));
            assertEquals(Integer.MIN_VALUE, word(fctiw(-2147483649.0, RN).expectFlags(VXCVI, VXCVI)));
            assertEquals(Integer.MAX_VALUE, word(fctiw(1e10, RN).expectFlags(VXCVI, VXCVI)));
            assertEquals(Integer.MIN_VALUE, word(fctiw(-1e300, RN)));
            assertEquals(Integer.MAX_VALUE, word(fctiw(Double.POSITIVE_INFINITY, RN).expectFlags(VXCVI, VXCVI)));
            assertEquals(Integer.MIN_VALUE, word(fctiw(Double.NEGATIVE_INFINITY, RN)));
            assertEquals(Integer.MIN_VALUE, word(runX(Fp.fctiw(0, 2), QNAN_A, RN)
                    .expectFlags(VX_CAUSES | ROUNDING, VXCVI)));
            assertEquals(Integer.MIN_VALUE, word(runX(Fp.fctiw(0, 2), SNAN_A, RN)
                    .expectFlags(VX_CAUSES, VXCVI | VXSNAN)));
        }

        @Test
        void enabledInvalidConversionLeavesTheTarget() {
            runX(Fp.fctiw(0, 2), QNAN_A, VE).expectResult(Fp.UNTOUCHED).expectStatus(FpuOps.ENABLED_EXCEPTION)
                    .expectFlags(FEX | VXCVI, FEX | VXCVI);
        }

        @Test
        void fprfIsLeftAlone() {
            int fprf = CLASS_MINUS_DENORMAL << FPRF_SHIFT;
            fctiw(3.5, RN | fprf).expectClass(CLASS_MINUS_DENORMAL);
            fctiw(1e20, RN | fprf).expectClass(CLASS_MINUS_DENORMAL);
        }

        @Test
        void inexactWithXeRaisesTheEnabledStatus() {
            fctiw(3.5, XE).expectStatus(FpuOps.ENABLED_EXCEPTION).expectFlags(FEX | XX, FEX | XX);
            fctiw(3.0, XE).expectStatus(0);
        }
    }

    @Nested
    class Compares {
        int compare(boolean ordered, int bf, long a, long b, int fpscr, int[] fpscrOut, int[] status) {
            CpuState s = Fp.state(fpscr);
            s.cr = 0xFFFF_FFFF;
            s.fpr[1] = a;
            s.fpr[2] = b;
            status[0] = FpuOps.execute(s, ordered ? Fp.fcmpo(bf, 1, 2) : Fp.fcmpu(bf, 1, 2));
            fpscrOut[0] = s.fpscr;
            int shift = 28 - 4 * bf;
            assertEquals(0xFFFF_FFFF & ~(0xF << shift), s.cr & ~(0xF << shift), "other CR fields unchanged");
            int code = (s.cr >>> shift) & 0xF;
            assertEquals(code, (s.fpscr & FPCC) >>> FPRF_SHIFT, "FPCC mirrors the CR field");
            return code;
        }

        @Test
        void orderedResults() {
            int[] f = new int[1];
            int[] st = new int[1];
            assertEquals(0b1000, compare(false, 0, bits(1.0), bits(2.0), 0, f, st));
            assertEquals(0b0100, compare(false, 3, bits(2.0), bits(1.0), 0, f, st));
            assertEquals(0b0010, compare(false, 7, PLUS_ZERO, MINUS_ZERO, 0, f, st));
            assertEquals(0b1000, compare(true, 5, MINUS_INF, bits(-1e308), 0, f, st));
            assertEquals(0, f[0] & ALL_EXCEPTIONS);
        }

        @Test
        void unorderedAndTheInvalidCompareRules() {
            int[] f = new int[1];
            int[] st = new int[1];
            assertEquals(0b0001, compare(false, 1, QNAN_A, ONE, 0, f, st));
            assertEquals(0, f[0] & ALL_EXCEPTIONS);
            assertEquals(0b0001, compare(false, 1, ONE, SNAN_A, 0, f, st));
            assertEquals(FX | VX | VXSNAN, f[0] & ALL_EXCEPTIONS);
            assertEquals(0b0001, compare(true, 2, QNAN_A, ONE, 0, f, st));
            assertEquals(FX | VX | VXVC, f[0] & ALL_EXCEPTIONS);
            assertEquals(0b0001, compare(true, 2, SNAN_B, ONE, 0, f, st));
            assertEquals(FX | VX | VXSNAN | VXVC, f[0] & ALL_EXCEPTIONS);
            // VE=1: fcmpo on an SNaN sets VXSNAN but not VXVC; the CR field and FPCC still say unordered
            assertEquals(0b0001, compare(true, 2, SNAN_B, ONE, VE, f, st));
            assertEquals(FX | FEX | VX | VXSNAN, f[0] & ALL_EXCEPTIONS);
            assertEquals(FpuOps.ENABLED_EXCEPTION, st[0]);
            assertEquals(0b0001, compare(true, 2, QNAN_B, ONE, VE, f, st));
            assertEquals(FpuOps.ENABLED_EXCEPTION, st[0]);
        }

        @Test
        void frFiAndCAreKept() {
            int[] f = new int[1];
            int[] st = new int[1];
            compare(false, 0, ONE, ONE, FR | FI | C | (0b1000 << FPRF_SHIFT), f, st);
            assertEquals(FR | FI | C | (0b0010 << FPRF_SHIFT), f[0]);
        }
    }

    @Nested
    class Summaries {
        @Test
        void fxIsSetOnlyWhenAnExceptionBitChangesFromZeroToOne() {
            fadd(ONE, bits(0x1p-60), RN).expectFlags(FX | XX, FX | XX);
            fadd(ONE, bits(0x1p-60), XX).expectFlags(FX | XX, XX);
            fadd(ONE, bits(0x1p-60), XX | FX).expectFlags(FX | XX, FX | XX);
            fdiv(ONE, PLUS_ZERO, XX).expectFlags(FX | XX | ZX, FX | XX | ZX);
        }

        @Test
        void stickyBitsSurviveAndFrFiDoNot() {
            fmul(bits(2.0), bits(3.0), OX | UX | XX | VXSOFT | FR | FI)
                    .expectFlags(ALL_EXCEPTIONS | ROUNDING, OX | UX | XX | VXSOFT | VX);
        }

        @Test
        void fexFollowsTheEnables() {
            // a pending enabled exception keeps FEX set, but only a newly raised one reports the enabled status
            fmul(bits(2.0), bits(3.0), XX | XE).expectFlags(FEX, FEX).expectStatus(0);
            fmul(bits(3.0), bits(1.0 / 3), XX | XE).expectFlags(FEX | FX, FEX).expectStatus(FpuOps.ENABLED_EXCEPTION);
            fmul(bits(2.0), bits(3.0), OX).expectFlags(FEX, 0);
        }

        @Test
        void recordFormsCopyFxFexVxOxIntoCr1() {
            CpuState s = Fp.state(OE | XE);
            s.fpr[1] = MAX;
            s.fpr[3] = bits(2.0);
            s.cr = 0x1234_5678;
            int status = FpuOps.execute(s, Fp.aForm(63, XO_FMUL, 4, 1, 0, 3, true));
            assertEquals(FpuOps.ENABLED_EXCEPTION, status);
            assertEquals(0x1D34_5678, s.cr); // FX FEX . OX = 1101
            assertFalse((s.fpscr & VX) != 0);
        }

        @Test
        void everyResultClassCode() {
            fadd(ONE, PLUS_ZERO, RN).expectClass(0b00100);
            fadd(MINUS_ONE, PLUS_ZERO, RN).expectClass(0b01000);
            fadd(3, PLUS_ZERO, RN).expectClass(0b10100);
            fadd(Long.MIN_VALUE | 3, PLUS_ZERO, RN).expectClass(0b11000);
            fadd(PLUS_ZERO, PLUS_ZERO, RN).expectClass(0b00010);
            fadd(MINUS_ZERO, MINUS_ZERO, RN).expectClass(0b10010);
            fadd(PLUS_INF, PLUS_ZERO, RN).expectClass(0b00101);
            fadd(MINUS_INF, PLUS_ZERO, RN).expectClass(0b01001);
            fadd(QNAN_B, PLUS_ZERO, RN).expectClass(0b10001);
        }
    }
}
