package org.ppc440vm.cpu.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.interp.Interpreter;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.MissHandler;
import org.ppc440vm.cpu.spi.TranslationCache;

/**
 * Guest instructions per second of the interpreter. Each invocation runs a budget of {@link #BUDGET} guest
 * instructions and reports them as operations, so with the output unit of microseconds the score is guest MIPS.
 *
 * <ul>
 * <li>{@code tightLoop}: an integer loop of 8 ALU instructions and a bdnz.</li>
 * <li>{@code mixed}: a loop calling a checksum function with a stack frame (stwu/mflr/stw/lwz/mtlr/blr) that
 * walks an 8 KiB buffer with word and byte loads, a store back, a data-dependent conditional branch and bdnz:
 * about 30% loads and stores, 20% branches, 3 data pages and a stack page through the translation cache.</li>
 * </ul>
 *
 * Run with {@code ppc440-cpu/bench.sh} (not part of the test run).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(2)
public class InterpreterBenchmark {
    static final int BUDGET = 1_000_000;
    static final int RAM = 16 << 20;
    static final int TIGHT = 0x1000;
    static final int MAIN = 0x2000;
    static final int CHECKSUM = 0x3000;
    static final int BUFFER = 0x100000;
    static final int STACK = 0x200000;

    private Interpreter cpu;
    private CpuState s;

    /** Identity translation of RAM, everything granted. */
    static final class FlatMapping implements MissHandler {
        TranslationCache cache;

        @Override
        public int miss(CpuState state, int ea, int kind) {
            if (Integer.toUnsignedLong(ea) >= RAM) {
                state.trapPhysical = Integer.toUnsignedLong(ea);
                return MMIO;
            }
            cache.install(ea, kind == FETCH ? state.fetchContext : state.dataContext, ea & ~0xFFF, true, true, true);
            return REFILLED;
        }
    }

    // ---- a few encoders (the benchmark is outside the interpreter's test package) ----
    static int d(int opcd, int rt, int ra, int imm) {
        return opcd << 26 | rt << 21 | ra << 16 | (imm & 0xFFFF);
    }

    static int x(int rt, int ra, int rb, int xo) {
        return 31 << 26 | rt << 21 | ra << 16 | rb << 11 | xo << 1;
    }

    static int spr(int rt, int sprNumber, int xo) {
        return 31 << 26 | rt << 21 | (sprNumber & 0x1F) << 16 | (sprNumber >>> 5) << 11 | xo << 1;
    }

    static int rlwinm(int ra, int rs, int sh, int mb, int me) {
        return 21 << 26 | rs << 21 | ra << 16 | sh << 11 | mb << 6 | me << 1;
    }

    static int bc(int bo, int bi, int displacement) {
        return 16 << 26 | bo << 21 | bi << 16 | (displacement & 0xFFFC);
    }

    static int b(int displacement, boolean link) {
        return 18 << 26 | (displacement & 0x03FFFFFC) | (link ? 1 : 0);
    }

    private void put(int address, int... words) {
        GuestRam ram = ramOf();
        for (int k = 0; k < words.length; k++) {
            ram.storeWord(address + 4 * k, words[k]);
        }
    }

    private GuestRam ram;

    private GuestRam ramOf() {
        return ram;
    }

    @Setup(Level.Trial)
    public void setUp() {
        ram = new GuestRam(RAM);
        FlatMapping mapping = new FlatMapping();
        cpu = new Interpreter(ram, mapping, 64);
        mapping.cache = cpu.translationCache();
        s = cpu.state();

        // tight: addi r3,r3,1; xor r4,r4,r3; rlwinm r5,r4,3,0,28; add r6,r6,r5; subf r7,r3,r6; and r8,r7,r4;
        //        or r9,r9,r8; srawi r10,r9,2; bdnz tight
        put(TIGHT, d(14, 3, 3, 1), x(4, 4, 3, 316), rlwinm(5, 4, 3, 0, 28), x(6, 6, 5, 266),
                x(7, 3, 6, 40), x(4, 8, 7, 28), x(9, 9, 8, 444), x(9, 10, 2, 824), bc(16, 0, -32));

        // main: li r3,BUFFER>>? (lis); li r4,2048; bl checksum; stw r3,0(r22); addi r23,r23,1; b main
        put(MAIN, d(15, 3, 0, BUFFER >>> 16), d(14, 4, 0, 2048), b(CHECKSUM - (MAIN + 8), true), d(36, 3, 22, 0),
                d(14, 23, 23, 1), b(-20, false));
        put(CHECKSUM,
                d(37, 1, 1, -32), // stwu r1,-32(r1)
                spr(0, 8, 339), // mflr r0
                d(36, 0, 1, 36), // stw r0,36(r1)
                d(36, 31, 1, 28), // stw r31,28(r1)
                d(14, 31, 0, 0), // li r31,0
                spr(4, 9, 467), // mtctr r4
                // loop:
                d(32, 5, 3, 0), // lwz r5,0(r3)
                d(34, 6, 3, 1), // lbz r6,1(r3)
                x(31, 31, 5, 266), // add r31,r31,r5
                x(31, 31, 6, 316), // xor r31,r31,r6
                rlwinm(5, 31, 1, 0, 31), // rotlwi r5,r31,1
                d(36, 5, 3, 0), // stw r5,0(r3)
                d(14, 3, 3, 4), // addi r3,r3,4
                d(11, 0, 6, 0x80), // cmpwi r6,0x80
                bc(12, 0, 8), // blt skip
                d(14, 31, 31, 1), // addi r31,r31,1
                // skip:
                bc(16, 0, -40), // bdnz loop
                x(31, 3, 31, 444), // mr r3,r31
                d(32, 31, 1, 28), // lwz r31,28(r1)
                d(32, 0, 1, 36), // lwz r0,36(r1)
                spr(0, 8, 467), // mtlr r0
                d(14, 1, 1, 32), // addi r1,r1,32
                0x4E800020); // blr
        for (int k = 0; k < 2048; k++) {
            ram.storeWord(BUFFER + 4 * k, k * 0x9E3779B9);
        }
        s.gpr[1] = STACK;
        s.gpr[22] = BUFFER + 0x10000;
    }

    @Benchmark
    @OperationsPerInvocation(BUDGET)
    public ExitReason tightLoop() {
        s.pc = TIGHT;
        s.ctr = Integer.MAX_VALUE;
        return check(cpu.run(BUDGET));
    }

    @Benchmark
    @OperationsPerInvocation(BUDGET)
    public ExitReason mixed() {
        s.pc = MAIN;
        s.gpr[1] = STACK;
        return check(cpu.run(BUDGET));
    }

    private static ExitReason check(ExitReason r) {
        if (r != ExitReason.TIMESLICE) {
            throw new IllegalStateException("the benchmark program trapped: " + r);
        }
        return r;
    }
}
