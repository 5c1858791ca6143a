package org.ppc440vm.cpu.interp.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ppc440vm.cpu.spi.CpuState;

/** Instruction encoders and a tiny harness for the FPU tests. */
final class Fp {
    private Fp() {
    }

    // A-form extended opcodes (5 bits)
    static final int XO_FDIV = 18;
    static final int XO_FSUB = 20;
    static final int XO_FADD = 21;
    static final int XO_FSQRT = 22;
    static final int XO_FSEL = 23;
    static final int XO_FRES = 24;
    static final int XO_FMUL = 25;
    static final int XO_FRSQRTE = 26;
    static final int XO_FMSUB = 28;
    static final int XO_FMADD = 29;
    static final int XO_FNMSUB = 30;
    static final int XO_FNMADD = 31;

    /** A-form: primary 59 (single) or 63, registers FRT, FRA, FRB, FRC. */
    static int aForm(int primary, int xo, int frt, int fra, int frb, int frc, boolean rc) {
        return (primary << 26) | (frt << 21) | (fra << 16) | (frb << 11) | (frc << 6) | (xo << 1) | (rc ? 1 : 0);
    }

    /** X-form of primary 63 with a 10-bit extended opcode. */
    static int xForm(int xo, int rt, int ra, int rb, boolean rc) {
        return (63 << 26) | (rt << 21) | (ra << 16) | (rb << 11) | (xo << 1) | (rc ? 1 : 0);
    }

    static int fcmpu(int bf, int fra, int frb) {
        return xForm(0, bf << 2, fra, frb, false);
    }

    static int fcmpo(int bf, int fra, int frb) {
        return xForm(32, bf << 2, fra, frb, false);
    }

    static int frsp(int frt, int frb) {
        return xForm(12, frt, 0, frb, false);
    }

    static int fctiw(int frt, int frb) {
        return xForm(14, frt, 0, frb, false);
    }

    static int fctiwz(int frt, int frb) {
        return xForm(15, frt, 0, frb, false);
    }

    static int mffs(int frt) {
        return xForm(583, frt, 0, 0, false);
    }

    static int mtfsf(int flm, int frb, boolean rc) {
        return (63 << 26) | (flm << 17) | (frb << 11) | (711 << 1) | (rc ? 1 : 0);
    }

    static int mtfsfi(int bf, int u, boolean rc) {
        return (63 << 26) | (bf << 23) | (u << 12) | (134 << 1) | (rc ? 1 : 0);
    }

    static int mtfsb0(int bt, boolean rc) {
        return xForm(70, bt, 0, 0, rc);
    }

    static int mtfsb1(int bt, boolean rc) {
        return xForm(38, bt, 0, 0, rc);
    }

    static int mcrfs(int bf, int bfa) {
        return xForm(64, bf << 2, bfa << 2, 0, false);
    }

    static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    static double value(long bits) {
        return Double.longBitsToDouble(bits);
    }

    /** A single-precision value widened to double bits. */
    static long single(float f) {
        return Double.doubleToRawLongBits(f);
    }

    static CpuState state(int fpscr) {
        CpuState s = new CpuState();
        s.fpscr = fpscr;
        return s;
    }

    /** Result of running one instruction with operands in f1 (A), f2 (B), f3 (C), target f0. */
    static final class Run {
        final CpuState s;
        final int status;

        Run(CpuState s, int status) {
            this.s = s;
            this.status = status;
        }

        long result() {
            return s.fpr[0];
        }

        double value() {
            return Double.longBitsToDouble(s.fpr[0]);
        }

        int fpscr() {
            return s.fpscr;
        }

        boolean has(int bits) {
            return (s.fpscr & bits) == bits;
        }

        int fprf() {
            return (s.fpscr & Fpscr.FPRF) >>> Fpscr.FPRF_SHIFT;
        }

        Run expectResult(long expected) {
            assertEquals(Long.toHexString(expected), Long.toHexString(s.fpr[0]), "result bits");
            return this;
        }

        Run expectFlags(int mask, int expected) {
            assertEquals(Integer.toHexString(expected), Integer.toHexString(s.fpscr & mask), "FPSCR bits under mask "
                    + Integer.toHexString(mask) + " (FPSCR " + Integer.toHexString(s.fpscr) + ")");
            return this;
        }

        Run expectClass(int fprfClass) {
            assertEquals(Integer.toBinaryString(fprfClass), Integer.toBinaryString(fprf()), "FPRF");
            return this;
        }

        Run expectStatus(int expected) {
            assertEquals(expected, status, "execute status");
            return this;
        }
    }

    /** Sentinel written to f0 before a run, to see whether the target was left unchanged. */
    static final long UNTOUCHED = 0x0123_4567_89AB_CDEFL;

    /** Runs an A-form instruction {@code xo} of {@code primary} on A, B, C with the given FPSCR. */
    static Run run(int primary, int xo, long a, long b, long c, int fpscr) {
        CpuState s = state(fpscr);
        s.fpr[0] = UNTOUCHED;
        s.fpr[1] = a;
        s.fpr[2] = b;
        s.fpr[3] = c;
        int status = FpuOps.execute(s, aForm(primary, xo, 0, 1, 2, 3, false));
        return new Run(s, status);
    }

    /** Runs an X-form one-operand instruction (frsp, fctiw, ...) on B. */
    static Run runX(int insn, long b, int fpscr) {
        CpuState s = state(fpscr);
        s.fpr[0] = UNTOUCHED;
        s.fpr[2] = b;
        int status = FpuOps.execute(s, insn);
        return new Run(s, status);
    }
}
