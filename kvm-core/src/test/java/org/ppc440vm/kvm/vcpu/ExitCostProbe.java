package org.ppc440vm.kvm.vcpu;

import static org.ppc440vm.kvm.vcpu.Asm.*;

import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.cpu.interp.InterpreterCpuFactory;
import org.ppc440vm.kvm.spi.VcpuOptions;
import org.ppc440vm.tlb.impl.TlbManagerFactory;

/**
 * A measuring tool, not a test: the host time of a privileged-instruction exit round trip (trap in the interpreter,
 * return from {@code Cpu.run}, dispatch, emulation, re-entry) on the real interpreter and TLB. It runs a loop of six
 * trapping instructions (mfmsr, wrteei, wrtee, mtspr SPRG0, mfspr SPRG1, mtspr PID: what Linux's irq save/restore
 * and KUAP execute) and the same loop with plain ALU instructions, and prints ns per iteration of each; the
 * difference over six is the cost of one exit (about 35-40 ns on the 2026-11 build, JIT-warm). Run after
 * {@code mvn -pl kvm-core test-compile}:
 * {@code java -cp kvm-core/target/test-classes:kvm-core/target/classes:<test class path> org.ppc440vm.kvm.vcpu.ExitCostProbe}
 */
public final class ExitCostProbe {
    public static void main(String[] args) {
        for (int round = 0; round < 5; round++) {
            System.out.printf("priv loop: %.1f ns/iteration (6 exits)%n", run(true));
            System.out.printf("plain loop: %.1f ns/iteration%n", run(false));
        }
    }

    static double run(boolean priv) {
        TestGuest g = new TestGuest(new VcpuOptions(), new InterpreterCpuFactory(), new TlbManagerFactory(), 16 << 20);
        int iterations = 2_000_000;
        Prog p = new Prog().li32(3, iterations).add(mtctr(3));
        if (priv) {
            p.add(mfmsr(6), wrteei(0), addi(4, 4, 1), wrtee(6), mtspr(Spr.SPRG0, 4), mfspr(5, Spr.SPRG0 + 1),
                    mtspr(Spr.PID, 4), bdnz(-28));
        } else {
            p.add(mr(6, 7), addi(5, 5, 0), addi(4, 4, 1), mr(7, 6), addi(8, 4, 0), addi(5, 9, 0), addi(9, 4, 0),
                    bdnz(-28));
        }
        p.add(PrivilegedEmulationTest.END);
        g.program(p.words());
        long t0 = System.nanoTime();
        Exit e = g.run();
        long dt = System.nanoTime() - t0;
        if (e.dcr() != 0x55) {
            throw new AssertionError(e.describe());
        }
        return dt / (double) iterations;
    }
}
