package org.ppc440vm.tlb.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.tlb.spi.MmuCounters;

/**
 * Random sequences of guest TLB writes, MMUCR/PID/MSR changes and accesses: every access must come to the same
 * outcome through the shadow TLB (the cache, refilled on demand) as through a direct walk of the guest TLB by an
 * independent reference model; tlbre and tlbsx must agree with it too; and the consistency check runs after every
 * change (it throws at the first violation). Seeded, so a failure names its seed and step and replays.
 */
class ShadowAgainstDirectWalkPropertyTest {
    private static final int RAM = 4 << 20;
    private static final int[] REGIONS = {0x00000000, 0x00003000, 0x10000000, 0x10400000, 0xC0000000, 0xC0010000,
        0xEF600000, 0xFFFFC000};
    private static final int STEPS = 3000;

    @ParameterizedTest(name = "cache of {0} entries")
    @ValueSource(ints = {16, 64, 1024})
    void shadowTranslatesAsTheGuestTlbDoes(int cacheEntries) {
        long hits = 0;
        long accesses = 0;
        long directs = 0;
        Set<String> seen = new TreeSet<>();
        for (int seed = 1; seed <= 40; seed++) {
            long[] result = run(seed * 7919L + cacheEntries, cacheEntries, seen);
            hits += result[0];
            accesses += result[1];
            directs += result[2];
        }
        // Most random accesses fault (random TIDs, spaces and permissions); what matters is that translations made
        // by refills are used many times, and that every kind of outcome occurs.
        assertTrue(hits > accesses / 5,
                "the sequences hit the cache often enough to test it: " + hits + "/" + accesses);
        assertTrue(directs > 0, "1 KiB pages were accessed");
        assertEquals(Set.of("RAM", "MMIO", "INSTRUCTION_TLB_MISS", "DATA_TLB_MISS", "INSTRUCTION_STORAGE",
                "DATA_STORAGE", "INTERNAL_ERROR"), seen);
    }

    /** One sequence; returns {cache hits, accesses, uncached 1 KiB accesses}. */
    private static long[] run(long seed, int cacheEntries, Set<String> seen) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TestCpu cpu = TestCpu.alone(RAM, cacheEntries);
        cpu.mmu.setConsistencyChecking(true);
        ReferenceTlb ref = new ReferenceTlb();
        List<String> trace = new ArrayList<>();
        long accesses = 0;
        for (int step = 0; step < STEPS; step++) {
            final int at = step;
            Supplier<String> where = () -> "seed " + seed + " step " + at + " after " + tail(trace);
            int op = rnd.nextInt(100);
            if (op < 14) {
                int index = pickIndex(rnd);
                int word = rnd.nextInt(3);
                int value = randomWord(rnd, word);
                trace.add("tlbwe " + index + "," + word + "=" + Integer.toHexString(value));
                cpu.mmu.tlbwe(index, word, value);
                ref.tlbwe(index, word, value);
            } else if (op < 18) {
                int index = pickIndex(rnd);
                int stid = rnd.nextInt(4);
                trace.add("entry " + index + " tid " + stid);
                int value0 = randomWord(rnd, 0);
                int value1 = randomWord(rnd, 1);
                int value2 = randomWord(rnd, 2);
                int mmucr = (rnd.nextBoolean() ? 0x10000 : 0) | stid;
                cpu.mmu.setMmucr(mmucr);
                ref.setMmucr(mmucr);
                for (int w = 0; w < 3; w++) {
                    int v = w == 0 ? value0 : w == 1 ? value1 : value2;
                    cpu.mmu.tlbwe(index, w, v);
                    ref.tlbwe(index, w, v);
                }
            } else if (op < 21) {
                int mmucr = rnd.nextInt(8) == 0 ? rnd.nextInt() : (rnd.nextInt() & ~0xFF) | rnd.nextInt(4);
                trace.add("mmucr " + Integer.toHexString(mmucr));
                cpu.mmu.setMmucr(mmucr);
                ref.setMmucr(mmucr);
                assertEquals(ref.mmucr, cpu.mmu.mmucr(), where);
            } else if (op < 26) {
                int pid = rnd.nextInt(4);
                trace.add("pid " + pid);
                cpu.setPid(pid);
            } else if (op < 30) {
                int msr = (rnd.nextInt(3) == 0 ? CpuState.MSR_PR : 0) | (rnd.nextInt(4) == 0 ? CpuState.MSR_IS : 0)
                        | (rnd.nextInt(4) == 0 ? CpuState.MSR_DS : 0) | CpuState.MSR_EE;
                trace.add("msr " + Integer.toHexString(msr));
                cpu.setMsr(msr);
            } else if (op < 33) {
                int index = rnd.nextInt(64);
                int word = rnd.nextInt(3);
                assertEquals(ref.tlbre(index, word), cpu.mmu.tlbre(index, word),
                        () -> where.get() + ": tlbre " + index + "," + word);
                assertEquals(ref.mmucr, cpu.mmu.mmucr(), () -> where.get() + ": MMUCR after tlbre");
            } else if (op < 37) {
                int ea = randomAddress(rnd, ref);
                assertEquals(ref.tlbsx(ea), cpu.mmu.tlbsx(ea),
                        () -> where.get() + ": tlbsx 0x" + Integer.toHexString(ea));
            } else {
                // a burst of accesses around one address, so that refilled translations are used again
                int ea = randomAddress(rnd, ref);
                int burst = 1 + rnd.nextInt(12);
                for (int b = 0; b < burst; b++) {
                    int a = ea + (rnd.nextInt(4) == 0 ? rnd.nextInt(0x2000) - 0x1000 : rnd.nextInt(0x100));
                    int kind = rnd.nextInt(3);
                    Outcome expected = ref.translate(a, kind, cpu.state.msr, cpu.state.pid, RAM);
                    Outcome actual = cpu.access(a, kind);
                    accesses++;
                    seen.add(actual.kind() == Outcome.Kind.FAULT ? actual.trap().toString() : actual.kind().toString());
                    if (!expected.equals(actual)) {
                        assertEquals(expected, actual, where.get() + ": access 0x" + Integer.toHexString(a) + " kind "
                                + kind + " msr " + Integer.toHexString(cpu.state.msr) + " pid " + cpu.state.pid);
                    }
                }
            }
        }
        assertTrue(cpu.mmu.checkConsistency().isEmpty());
        assertTrue(cpu.counter(MmuCounters.CHECKS) > 0);
        return new long[] {cpu.hits, accesses, cpu.directs};
    }

    private static String tail(List<String> trace) {
        return trace.subList(Math.max(0, trace.size() - 6), trace.size()).toString();
    }

    private static int pickIndex(SplittableRandom rnd) {
        int r = rnd.nextInt(10);
        return r < 4 ? rnd.nextInt(6) : r < 7 ? 58 + rnd.nextInt(6) : rnd.nextInt(64);
    }

    private static int randomWord(SplittableRandom rnd, int word) {
        switch (word) {
            case 0: {
                int size = rnd.nextInt(10) == 0 ? rnd.nextInt(16) : rnd.nextInt(10);
                int base = REGIONS[rnd.nextInt(REGIONS.length)] + (rnd.nextInt(64) << 10);
                return base | (rnd.nextInt(8) != 0 ? 0x200 : 0) | (rnd.nextInt(5) == 0 ? 0x100 : 0) | (size << 4)
                        | rnd.nextInt(16);
            }
            case 1: {
                int r = rnd.nextInt(10);
                int rpn = r == 0 ? rnd.nextInt() : r == 1 ? rnd.nextInt(2 * RAM) & ~0x3FF : rnd.nextInt(RAM) & ~0x3FF;
                return rpn | (rnd.nextInt(20) == 0 ? 1 + rnd.nextInt(15) : 0) | (rnd.nextInt(4) == 0 ? 0x300 : 0);
            }
            default: {
                int attrs = rnd.nextInt() & 0xFF40 & ~(rnd.nextInt(30) == 0 ? 0 : 0x80); // E (little-endian) rarely
                int r = rnd.nextInt(10);
                return r == 0 ? rnd.nextInt() : r < 6 ? attrs | 0x3F : attrs | rnd.nextInt(64);
            }
        }
    }

    private static int randomAddress(SplittableRandom rnd, ReferenceTlb ref) {
        if (rnd.nextInt(4) == 0) {
            return REGIONS[rnd.nextInt(REGIONS.length)] + rnd.nextInt(0x100000);
        }
        int i = rnd.nextInt(64);
        for (int tries = 0; tries < 8 && (ref.word0[i] & 0x200) == 0; tries++) {
            i = rnd.nextInt(64); // mostly inside valid entries
        }
        int code = (ref.word0[i] >>> 4) & 0xF;
        long size = code > 9 ? 0x1000 : 1024L << (2 * code);
        int base = (int) ((ref.word0[i] & 0xFFFFFC00L) & ~(size - 1));
        return base + (int) (rnd.nextLong(Math.min(size, 1 << 24)));
    }
}
