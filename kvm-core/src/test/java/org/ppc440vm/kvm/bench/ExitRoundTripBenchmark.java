package org.ppc440vm.kvm.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.cpu.interp.InterpreterCpuFactory;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.kvm.dispatch.TrapDispatcher;
import org.ppc440vm.kvm.spi.VcpuOptions;
import org.ppc440vm.kvm.vcpu.Vcpu440;
import org.ppc440vm.tlb.impl.TlbManagerFactory;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * The exit round trip: host nanoseconds for one privileged instruction that traps out of the interpreter into
 * {@link Vcpu440}, is emulated (Book E emulator through the trap dispatcher) and resumes the guest. That is the
 * path the Linux guest takes 40,000 times per second (mfmsr/wrteei/wrtee around every spinlock, mtspr/mfspr SPRG in
 * every exception prologue).
 *
 * <ul>
 * <li>{@code privileged}: a loop of mfmsr, wrteei 0, addi, wrtee, mtspr SPRG0, mfspr SPRG0, bdnz: 5 trapping
 * instructions per iteration.</li>
 * <li>{@code plain}: the same loop shape with the 5 trapping instructions replaced by register moves and adds.</li>
 * </ul>
 * Both report time per one of the 5 replaced instructions, so {@code privileged - plain} is the cost of one exit
 * round trip. Real interpreter, real MMU, real vCPU: only the board is missing.
 *
 * <p>Run with {@code kvm-core/bench.sh} (not part of the test run).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExitRoundTripBenchmark {
    static final int ITERATIONS = 20_000;
    static final int PER_ITERATION = 5;
    static final int PRIVILEGED = 0x1000;
    static final int PLAIN = 0x2000;
    static final int END_DCR = 0x55;
    static final int SPRG0 = 272;

    private Vcpu440 vcpu;

    @Setup
    public void setUp() {
        GuestRam ram = new GuestRam(16 << 20);
        vcpu = new Vcpu440(new InterpreterCpuFactory(), new TlbManagerFactory(), new TrapDispatcher(), ram,
                new VcpuOptions());
        // The loader's boot entry: EA 0 -> PA 0, 256 MiB, TS 0, TID 0, supervisor read/write/execute.
        Mmu440 mmu = vcpu.mmu();
        mmu.setMmucr(0);
        mmu.tlbwe(0, 0, Mmu440.TLB0_V | (Mmu440.SIZE_256M << Mmu440.TLB0_SIZE_SHIFT));
        mmu.tlbwe(0, 1, 0);
        mmu.tlbwe(0, 2, Mmu440.TLB2_SX | Mmu440.TLB2_SW | Mmu440.TLB2_SR);
        load(ram, PRIVILEGED, mfmsr(6), wrteei(0), addi(4, 4, 1), wrtee(6), mtspr(SPRG0, 4), mfspr(5, SPRG0));
        load(ram, PLAIN, or(6, 7, 7), addi(5, 5, 0), addi(4, 4, 1), or(7, 6, 6), addi(8, 4, 0), addi(5, 8, 0));
        // Check once that each loop runs to its end marker, so a broken emulator cannot post a fast score.
        if (loop(PRIVILEGED) != ITERATIONS || loop(PLAIN) != ITERATIONS) {
            throw new IllegalStateException("the benchmark loop did not count " + ITERATIONS + " iterations");
        }
    }

    /** lis/ori r3 = ITERATIONS, mtctr r3, the 6-instruction body, bdnz back, then the end marker mfdcr. */
    private static void load(GuestRam ram, int at, int... body) {
        int[] words = new int[body.length + 5];
        words[0] = d(15, 3, 0, ITERATIONS >>> 16);
        words[1] = d(24, 3, 3, ITERATIONS & 0xFFFF);
        words[2] = spr(3, 9, 467); // mtctr r3
        System.arraycopy(body, 0, words, 3, body.length);
        words[3 + body.length] = 16 << 26 | 16 << 21 | (-4 * body.length & 0xFFFC); // bdnz to the body's start
        words[4 + body.length] = spr(31, END_DCR, 323); // mfdcr r31, END_DCR: an exit to the caller
        for (int i = 0; i < words.length; i++) {
            ram.writeInt(at + 4L * i, words[i], Endian.BIG);
        }
    }

    /** Runs the loop at {@code pc} to its end marker; returns the iterations it counted in r4. */
    private int loop(int pc) {
        vcpu.setGpr(4, 0);
        vcpu.setPc(pc);
        for (;;) {
            Exit e = vcpu.run();
            if (e.reason() == ExitReason.DCR && e.dcr() == END_DCR) {
                return vcpu.gpr(4);
            }
            if (e.reason() != ExitReason.TIMESLICE) {
                throw new IllegalStateException("unexpected exit: " + e.describe());
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS * PER_ITERATION)
    public int privileged() {
        return loop(PRIVILEGED);
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS * PER_ITERATION)
    public int plain() {
        return loop(PLAIN);
    }

    // ---- encoders ----
    static int d(int opcd, int rt, int ra, int imm) {
        return opcd << 26 | rt << 21 | ra << 16 | (imm & 0xFFFF);
    }

    static int x(int rt, int ra, int rb, int xo) {
        return 31 << 26 | rt << 21 | ra << 16 | rb << 11 | xo << 1;
    }

    static int spr(int rt, int sprNumber, int xo) {
        return 31 << 26 | rt << 21 | (sprNumber & 0x1F) << 16 | (sprNumber >>> 5) << 11 | xo << 1;
    }

    static int addi(int rt, int ra, int imm) {
        return d(14, rt, ra, imm);
    }

    static int or(int ra, int rs, int rb) {
        return x(rs, ra, rb, 444);
    }

    static int mfmsr(int rt) {
        return x(rt, 0, 0, 83);
    }

    static int wrtee(int rs) {
        return x(rs, 0, 0, 131);
    }

    static int wrteei(int e) {
        return x(0, 0, 0, 163) | e << 15;
    }

    static int mtspr(int sprNumber, int rs) {
        return spr(rs, sprNumber, 467);
    }

    static int mfspr(int rt, int sprNumber) {
        return spr(rt, sprNumber, 339);
    }
}
