package org.ppc440vm.tlb.bench;

import java.util.SplittableRandom;
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
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.MissHandler;
import org.ppc440vm.cpu.spi.TranslationCache;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuFactory;

/**
 * The cost of a translation: the hit path as the CPU runs it (index, compare, RAM access) over a working set that
 * the shadow TLB holds, and the miss path's refill (a walk of the 64-entry guest TLB and an install). Run with
 * {@code tlb/bench.sh}; not part of the test run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TranslationBenchmark {
    private static final int ACCESSES = 4096;

    private CpuState state;
    private TranslationCache cache;
    private GuestRam ram;
    private Mmu440 mmu;
    /** Data addresses over 512 pages of a 256 MiB kernel mapping, in random order. */
    private int[] addresses;

    @Setup
    public void setUp() {
        MmuFactory factory = new org.ppc440vm.tlb.impl.BenchAccess().factory();
        state = new CpuState();
        cache = new TranslationCache(4096);
        ram = new GuestRam(64 << 20);
        mmu = factory.create(state, cache, ram);
        mmu.setMmucr(0);
        mmu.tlbwe(63, 0, 0xC0000000 | Mmu440.TLB0_V | (Mmu440.SIZE_256M << Mmu440.TLB0_SIZE_SHIFT));
        mmu.tlbwe(63, 1, 0);
        mmu.tlbwe(63, 2, Mmu440.TLB2_SX | Mmu440.TLB2_SW | Mmu440.TLB2_SR);
        // busy entries below the pinned one, as a running kernel's guest TLB has them (the walk passes them)
        for (int i = 0; i < 62; i++) {
            mmu.setMmucr(1 + i % 3);
            mmu.tlbwe(i, 0, 0x10000000 + (i << 12) | Mmu440.TLB0_V | (Mmu440.SIZE_4K << Mmu440.TLB0_SIZE_SHIFT));
            mmu.tlbwe(i, 1, 0x01000000 + (i << 12));
            mmu.tlbwe(i, 2, 0x3F);
        }
        SplittableRandom rnd = new SplittableRandom(1);
        addresses = new int[ACCESSES];
        for (int k = 0; k < ACCESSES; k++) {
            addresses[k] = 0xC0000000 + (rnd.nextInt(512) << 12) + (rnd.nextInt(1024) << 2);
        }
        for (int ea : addresses) {
            if (mmu.miss(state, ea, MissHandler.LOAD) != MissHandler.REFILLED) {
                throw new IllegalStateException("setup: 0x" + Integer.toHexString(ea) + " did not refill");
            }
        }
    }

    /** One load per address through the translation cache, exactly as the interpreter's load does it. */
    @Benchmark
    @OperationsPerInvocation(ACCESSES)
    public int hitPathLoad() {
        int[] tags = cache.readTag;
        int[] offsets = cache.ramOffset;
        int mask = cache.mask;
        int ctx = state.dataContext;
        int sum = 0;
        for (int ea : addresses) {
            int i = TranslationCache.index(ea, mask);
            if (tags[i] == ((ea & ~TranslationCache.PAGE_MASK) | ctx)) {
                sum += ram.loadWord(offsets[i] + (ea & TranslationCache.PAGE_MASK));
            } else {
                sum += slowLoad(ea);
            }
        }
        return sum;
    }

    private int slowLoad(int ea) {
        if (mmu.miss(state, ea, MissHandler.LOAD) != MissHandler.REFILLED) {
            throw new IllegalStateException("unexpected miss result");
        }
        return 0;
    }

    /** The translation alone: the RAM offset of each address (what every load, store and fetch pays). */
    @Benchmark
    @OperationsPerInvocation(ACCESSES)
    public int hitPathTranslate() {
        int[] tags = cache.readTag;
        int[] offsets = cache.ramOffset;
        int mask = cache.mask;
        int ctx = state.dataContext;
        int sum = 0;
        for (int ea : addresses) {
            int i = TranslationCache.index(ea, mask);
            sum += tags[i] == ((ea & ~TranslationCache.PAGE_MASK) | ctx)
                    ? offsets[i] + (ea & TranslationCache.PAGE_MASK) : slowLoad(ea);
        }
        return sum;
    }

    /** A refill: the miss path's walk of the guest TLB and its install of one shadow entry. */
    @Benchmark
    @OperationsPerInvocation(ACCESSES)
    public int missPathRefill() {
        int sum = 0;
        for (int ea : addresses) {
            sum += mmu.miss(state, ea, MissHandler.LOAD);
        }
        return sum;
    }
}
