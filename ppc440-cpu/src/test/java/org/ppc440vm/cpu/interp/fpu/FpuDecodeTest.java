package org.ppc440vm.cpu.interp.fpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ppc440vm.cpu.spi.CpuState;

/** Which encodings of primary opcodes 59 and 63 the 440FP implements. */
class FpuDecodeTest {
    private static int a(int primary, int xo) {
        return Fp.aForm(primary, xo, 1, 2, 3, 4, false);
    }

    private static int x(int xo) {
        return Fp.xForm(xo, 1, 2, 3, false);
    }

    @Test
    void everyImplementedInstructionIsRecognisedWithAndWithoutRc() {
        int[] valid = {
            // opcode 59: fdivs fsubs fadds fsqrts fres fmuls fmsubs fmadds fnmsubs fnmadds
            a(59, 18), a(59, 20), a(59, 21), a(59, 22), a(59, 24), a(59, 25), a(59, 28), a(59, 29), a(59, 30), a(59, 31),
            // opcode 63 A-form: fdiv fsub fadd fsqrt fsel fmul frsqrte fmsub fmadd fnmsub fnmadd
            a(63, 18), a(63, 20), a(63, 21), a(63, 22), a(63, 23), a(63, 25), a(63, 26), a(63, 28), a(63, 29),
            a(63, 30), a(63, 31),
            // opcode 63 X-form: fcmpu frsp fctiw fctiwz fcmpo mtfsb1 fneg mcrfs mtfsb0 fmr mtfsfi fnabs fabs mffs mtfsf
            x(0), x(12), x(14), x(15), x(32), x(38), x(40), x(64), x(70), x(72), x(134), x(136), x(264), x(583),
            x(711),
        };
        for (int insn : valid) {
            assertTrue(FpuOps.isFpArithmetic(insn), Integer.toHexString(insn));
            assertTrue(FpuOps.isFpArithmetic(insn | 1), Integer.toHexString(insn | 1));
        }
    }

    @Test
    void laterAndOptionalInstructionsThe440fpLacksAreIllegal() {
        int[] illegal = {
            a(63, 24), // fre
            a(59, 26), // frsqrtes
            a(59, 23), // (no fsels)
            a(63, 16), a(63, 17), a(63, 19), a(63, 27), a(59, 16), a(59, 17), a(59, 19), a(59, 27),
            x(8), // fcpsgn
            x(392), x(424), x(456), x(488), // frin friz frip frim
            x(814), x(815), x(846), // fctid fctidz fcfid
            x(142), x(143), x(942), x(943), x(974), // fctiwu fctiwuz fctidu fctiduz fcfidu
            x(128), x(160), // ftdiv ftsqrt
            x(1), x(2), x(130), // unassigned
            (59 << 26) | (846 << 1), // fcfids
            (59 << 26) | (2 << 1), // dadd (decimal floating point)
            (31 << 26) | (535 << 1), // lfsx: a load, not ours
            48 << 26, // lfs
            0,
        };
        for (int insn : illegal) {
            assertFalse(FpuOps.isFpArithmetic(insn), Integer.toHexString(insn));
        }
    }

    @Test
    void executeRejectsIllegalEncodingsWithoutTouchingState() {
        CpuState s = Fp.state(0x1234_5678 & ~Fpscr.RESERVED);
        s.cr = 0x5555_AAAA;
        s.fpr[1] = 42;
        long[] before = s.fpr.clone();
        assertEquals(FpuOps.ILLEGAL, FpuOps.execute(s, a(63, 24) | 1));
        assertEquals(FpuOps.ILLEGAL, FpuOps.execute(s, x(814)));
        assertEquals(0x1234_5678 & ~Fpscr.RESERVED, s.fpscr);
        assertEquals(0x5555_AAAA, s.cr);
        assertArrayEquals(before, s.fpr);
    }

    @Test
    void reservedFieldsAreIgnored() {
        // fadd with a nonzero FRC field still adds; fctiw with a nonzero FRA field still converts
        CpuState s = Fp.state(0);
        s.fpr[2] = Fp.bits(1.5);
        s.fpr[3] = Fp.bits(2.0);
        assertEquals(0, FpuOps.execute(s, Fp.aForm(63, 21, 1, 2, 3, 9, false)));
        assertEquals(3.5, Fp.value(s.fpr[1]));
        assertEquals(0, FpuOps.execute(s, Fp.xForm(15, 4, 7, 1, false)));
        assertEquals(3, (int) s.fpr[4]);
    }
}
