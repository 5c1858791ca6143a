package org.ppc440vm.tlb.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.TranslationCache;
import org.ppc440vm.tlb.spi.HostTlb;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuCounters;

/**
 * The host tier: several guests (each its own VM: own RAM, own guest TLB, and all using the same effective
 * addresses and PIDs, so that any leak between them would show) run in turn on one host thread, sharing one
 * translation cache. Each must compute exactly what it computes alone, and refill exactly as often as alone.
 */
class HostTlbTest {
    private static final int CACHE = 512;
    private static final int RAM = 8 << 20;
    private static final int STEPS = 30_000;
    private static final int GUESTS = 4;

    /** A guest program: a deterministic stream of guest TLB writes, PID and MSR changes, loads and stores. */
    static final class Guest {
        final int id;
        final TestCpu cpu;
        final SplittableRandom program;
        int step;
        long resultHash = 17;

        Guest(int id, TestCpu cpu) {
            this.id = id;
            this.cpu = cpu;
            this.program = new SplittableRandom(1000 + id);
            // the kernel's pinned entry, each guest with its own physical layout, so a leak would show
            cpu.writeEntry(63, 0, MissPathTest.w0(0xC0000000, Mmu440.SIZE_1M, 0), (1 + id) << 20, 0x7);
        }

        boolean done() {
            return step >= STEPS;
        }

        void runSteps(int n) {
            for (int k = 0; k < n && !done(); k++, step++) {
                int op = program.nextInt(1000);
                if (op < 20) {
                    int tid = 1 + program.nextInt(3);
                    int size = Mmu440.SIZE_4K + program.nextInt(4);
                    int epn = 0x10000000 + (program.nextInt(64) << 16);
                    int rpn = (program.nextInt(RAM >> 20) << 20) + (program.nextInt(16) << 16);
                    cpu.writeEntry(program.nextInt(16), tid, MissPathTest.w0(epn, size, 0), rpn,
                            program.nextInt(4) == 0 ? 0x1B : 0x3F);
                } else if (op < 40) {
                    cpu.setPid(program.nextInt(4));
                } else if (op < 50) {
                    cpu.setMsr(program.nextBoolean() ? CpuState.MSR_PR : 0);
                } else {
                    boolean kernel = program.nextInt(3) != 0;
                    // working sets of 96 kernel and 64 user pages, as a loop over kernel and process data would have
                    int ea = kernel ? 0xC0000000 + (program.nextInt(96 << 12) & ~3)
                            : 0x10000000 + (program.nextInt(64 << 12) & ~3);
                    if (program.nextBoolean()) {
                        Outcome o = cpu.storeWord(ea, id * 1_000_003 + step);
                        mix(o.hashCode());
                    } else {
                        Outcome o = cpu.access(ea, TestCpu.LOAD);
                        mix(o.hashCode());
                        if (o.kind() == Outcome.Kind.RAM) {
                            mix(cpu.ram.loadWord((int) o.physical()));
                        }
                    }
                    Outcome f = cpu.access(kernel ? 0xC0000000 + (program.nextInt(1 << 16) & ~3) : ea, TestCpu.FETCH);
                    mix(f.hashCode());
                }
            }
        }

        private void mix(int v) {
            resultHash = resultHash * 0x9E3779B97F4A7C15L + v;
        }

        /** The counters without the host tier's own. */
        Map<String, Long> guestCounters() {
            Map<String, Long> c = new LinkedHashMap<>(cpu.mmu.counters());
            c.keySet().removeIf(k -> k.startsWith("host_tlb"));
            return c;
        }

        long refills() {
            return cpu.counter(MmuCounters.ITLB_VIRTUAL) + cpu.counter(MmuCounters.DTLB_VIRTUAL);
        }
    }

    private static Guest[] alone() {
        Guest[] guests = new Guest[GUESTS];
        for (int g = 0; g < GUESTS; g++) {
            guests[g] = new Guest(g, TestCpu.alone(RAM, CACHE));
            while (!guests[g].done()) {
                guests[g].runSteps(1000);
            }
        }
        return guests;
    }

    /** All guests on one thread, switched after random time slices; {@code restore} false models no host tier. */
    private static Guest[] sharingOneThread(boolean restore, HostTlb[] hostOut) {
        HostTlb host = new TlbManagerFactory().hostTlb(new TranslationCache(CACHE));
        hostOut[0] = host;
        Guest[] guests = new Guest[GUESTS];
        for (int g = 0; g < GUESTS; g++) {
            CpuState st = new CpuState();
            GuestRam ram = new GuestRam(RAM);
            Mmu440 mmu = host.create(st, ram);
            host.switchTo(mmu);
            guests[g] = new Guest(g, new TestCpu(st, host.hardware(), ram, mmu));
        }
        SplittableRandom scheduler = new SplittableRandom(42);
        while (Arrays.stream(guests).anyMatch(g -> !g.done())) {
            Guest next = guests[scheduler.nextInt(GUESTS)];
            host.switchTo(next.cpu.mmu);
            if (!restore) {
                next.cpu.mmu.flushShadow(); // what a thread switch costs without the host tier
            }
            next.runSteps(1 + scheduler.nextInt(400));
            if (scheduler.nextInt(20) == 0) {
                host.release(); // a pause or a snapshot
            }
        }
        return guests;
    }

    @Test
    void guestsSharingAThreadComputeAndRefillExactlyAsAlone() {
        Guest[] alone = alone();
        HostTlb[] host = new HostTlb[1];
        Guest[] shared = sharingOneThread(true, host);
        long aloneRefills = 0;
        for (int g = 0; g < GUESTS; g++) {
            assertEquals(alone[g].resultHash, shared[g].resultHash, "guest " + g + " computed something else");
            assertEquals(alone[g].guestCounters(), shared[g].guestCounters(), "guest " + g + " counters");
            assertTrue(Arrays.equals(alone[g].cpu.ram.bytes, shared[g].cpu.ram.bytes), "guest " + g + " RAM");
            assertTrue(shared[g].cpu.counter(MmuCounters.HOST_RESTORED_ENTRIES) > 0);
            assertTrue(shared[g].cpu.mmu.checkConsistency().isEmpty());
            aloneRefills += alone[g].refills();
        }
        assertTrue(host[0].switches() > 100, "the guests really took turns: " + host[0].switches());
        assertTrue(aloneRefills > 1000, "the workload refills: " + aloneRefills);

        Guest[] flushed = sharingOneThread(false, host);
        long flushedRefills = 0;
        for (int g = 0; g < GUESTS; g++) {
            assertEquals(alone[g].resultHash, flushed[g].resultHash, "flushing is slow, never wrong");
            flushedRefills += flushed[g].refills();
        }
        System.out.println("refills alone " + aloneRefills + ", sharing a thread with the host tier the same, "
                + "flushing at each switch instead " + flushedRefills + "; switches " + host[0].switches());
        assertTrue(flushedRefills > 2 * aloneRefills, "without the host tier every switch is a refill storm: "
                + flushedRefills + " refills against " + aloneRefills);
    }

    @Test
    void onlyTheResidentVcpusTranslationsAreInTheCache() {
        HostTlb host = new TlbManagerFactory().hostTlb(new TranslationCache(64));
        TestCpu[] cpus = new TestCpu[2];
        for (int g = 0; g < 2; g++) {
            CpuState st = new CpuState();
            GuestRam ram = new GuestRam(2 << 20);
            cpus[g] = new TestCpu(st, host.hardware(), ram, host.create(st, ram));
            assertTrue(!cpus[g].mmu.shadowResident());
        }
        assertNull(host.resident());
        host.switchTo(cpus[0].mmu);
        cpus[0].writeEntry(0, 0, MissPathTest.w0(0x00000000, Mmu440.SIZE_1M, 0), 0x00000000, 0x7);
        assertEquals(Outcome.ram(0x1234), cpus[0].access(0x1234, TestCpu.LOAD));
        host.switchTo(cpus[1].mmu);
        assertSame(cpus[1].mmu, host.resident());
        cpus[1].writeEntry(0, 0, MissPathTest.w0(0x00000000, Mmu440.SIZE_1M, 0), 0x00100000, 0x7);
        // Same context, same address: only vCPU 1's translation may answer.
        assertEquals(Outcome.ram(0x101234), cpus[1].access(0x1234, TestCpu.LOAD));
        assertTrue(cpus[0].mmu.checkConsistency().isEmpty());
        assertTrue(cpus[1].mmu.checkConsistency().isEmpty());
        // A miss by a vCPU that is not resident makes it resident first.
        assertEquals(Outcome.ram(0x5678), cpus[0].access(0x5678, TestCpu.LOAD));
        assertSame(cpus[0].mmu, host.resident());
        assertEquals(Outcome.ram(0x1234), cpus[0].access(0x1234, TestCpu.LOAD));
        host.release();
        assertNull(host.resident());
        for (int i = 0; i < 64; i++) {
            assertEquals(TranslationCache.INVALID, host.hardware().readTag[i]);
        }
        Mmu440 foreign = TestCpu.alone(1 << 20, 64).mmu;
        assertThrows(IllegalArgumentException.class, () -> host.switchTo(foreign));
    }
}
