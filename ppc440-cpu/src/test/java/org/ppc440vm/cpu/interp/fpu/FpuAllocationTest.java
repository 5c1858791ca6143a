package org.ppc440vm.cpu.interp.fpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppc440vm.cpu.spi.CpuState;

/** execute must not allocate: every instruction, every rounding mode, fast and exact paths alike. */
class FpuAllocationTest {

    @Test
    void executeAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        int[] insns = {
            Fp.aForm(63, Fp.XO_FADD, 0, 1, 2, 3, false), Fp.aForm(59, Fp.XO_FADD, 0, 1, 2, 3, true),
            Fp.aForm(63, Fp.XO_FSUB, 0, 1, 2, 3, false), Fp.aForm(63, Fp.XO_FMUL, 0, 1, 2, 3, false),
            Fp.aForm(59, Fp.XO_FMUL, 0, 1, 2, 3, false), Fp.aForm(63, Fp.XO_FDIV, 0, 1, 2, 3, false),
            Fp.aForm(59, Fp.XO_FDIV, 0, 1, 2, 3, false), Fp.aForm(63, Fp.XO_FSQRT, 0, 1, 2, 3, false),
            Fp.aForm(59, Fp.XO_FSQRT, 0, 1, 2, 3, false), Fp.aForm(63, Fp.XO_FMADD, 0, 1, 2, 3, false),
            Fp.aForm(59, Fp.XO_FNMSUB, 0, 1, 2, 3, false), Fp.aForm(59, Fp.XO_FRES, 0, 1, 2, 3, false),
            Fp.aForm(63, Fp.XO_FRSQRTE, 0, 1, 2, 3, false), Fp.aForm(63, Fp.XO_FSEL, 0, 1, 2, 3, false),
            Fp.frsp(0, 2), Fp.fctiw(0, 2), Fp.fctiwz(0, 2), Fp.fcmpu(1, 1, 2), Fp.fcmpo(2, 1, 2), Fp.mffs(0),
            Fp.mtfsf(0xFF, 2, true), Fp.mtfsfi(7, 1, false), Fp.mtfsb1(6, false), Fp.mcrfs(1, 1),
            Fp.xForm(72, 0, 0, 2, false), Fp.aForm(63, 24, 0, 1, 2, 3, false), // fmr, an illegal one
        };
        long[] operands = new long[512];
        SplittableRandom random = new SplittableRandom(7);
        long[] specials = {0, Long.MIN_VALUE, 0x7FF0_0000_0000_0000L, 0x7FF8_0000_0000_0000L, 0x7FF0_0000_0000_0001L,
            1, 0x7FEF_FFFF_FFFF_FFFFL, 0x0010_0000_0000_0000L, Fp.bits(1.0), Fp.bits(-3.0)};
        for (int i = 0; i < operands.length; i++) {
            operands[i] = i % 3 == 0 ? specials[random.nextInt(specials.length)] : random.nextLong();
        }
        CpuState s = new CpuState();
        run(s, insns, operands, 20_000); // warm up (class loading, JIT)
        long before = threads.getCurrentThreadAllocatedBytes();
        run(s, insns, operands, 50_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // What matters is allocation per instruction: one allocating path would cost at least 16 bytes per call, i.e.
        // tens of megabytes here. A few bytes once (a JIT tier change or deoptimization under CI load) are not that.
        int executions = 50_000 * insns.length;
        assertTrue(allocated < 4096, allocated + " bytes allocated by " + executions + " executions");
    }

    private static void run(CpuState s, int[] insns, long[] operands, int rounds) {
        for (int i = 0; i < rounds; i++) {
            for (int k = 0; k < insns.length; k++) {
                int j = (i * 31 + k * 7) & 511;
                s.fpr[1] = operands[j];
                s.fpr[2] = operands[(j + 1) & 511];
                s.fpr[3] = operands[(j + 2) & 511];
                // every rounding mode, and now and then every enable
                s.fpscr = (i & 3) | ((i & 0x1C) == 0 ? 0xF8 : 0);
                FpuOps.execute(s, insns[k]);
            }
        }
    }
}
