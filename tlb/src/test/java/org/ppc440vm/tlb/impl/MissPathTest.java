package org.ppc440vm.tlb.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.tlb.impl.TestCpu.FETCH;
import static org.ppc440vm.tlb.impl.TestCpu.LOAD;
import static org.ppc440vm.tlb.impl.TestCpu.STORE;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.MissHandler;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuCounters;

/** The miss path: refills, guest TLB misses, storage interrupts, device and 1 KiB accesses, and their counters. */
class MissPathTest {
    private static final int RAM = 16 << 20;
    private TestCpu cpu;

    @BeforeEach
    void setUp() {
        cpu = TestCpu.alone(RAM, 256);
        cpu.mmu.setConsistencyChecking(true);
    }

    static int w0(int epn, int sizeCode, int ts) {
        return epn | Mmu440.TLB0_V | (ts != 0 ? Mmu440.TLB0_TS : 0) | (sizeCode << Mmu440.TLB0_SIZE_SHIFT);
    }

    @Test
    void aLargePageIsBackedByOneShadowEntryPerTouchedPage() {
        cpu.writeEntry(63, 0, w0(0xC0000000, Mmu440.SIZE_16M, 0), 0, 0x7);
        for (int p = 0; p < 10; p++) {
            assertEquals(Outcome.ram(p * 0x3000 + 0x10), cpu.access(0xC0000010 + p * 0x3000, LOAD));
        }
        assertEquals(10, cpu.mmu.shadowEntries());
        assertEquals(10, cpu.counter(MmuCounters.DTLB_VIRTUAL));
        long misses = cpu.misses;
        for (int p = 0; p < 10; p++) {
            cpu.access(0xC0000FFC + p * 0x3000, LOAD);
            cpu.access(0xC0000FFC + p * 0x3000, STORE);
            cpu.access(0xC0000FFC + p * 0x3000, FETCH);
        }
        assertEquals(misses, cpu.misses, "one refill grants every kind the entry allows");
        assertEquals(0, cpu.counter(MmuCounters.ITLB_VIRTUAL));
    }

    @Test
    void noMatchingEntryIsATlbMissForTheGuest() {
        assertEquals(Outcome.fault(ExitReason.INSTRUCTION_TLB_MISS, 0, 0x1000), cpu.access(0x1000, FETCH));
        assertEquals(Outcome.fault(ExitReason.DATA_TLB_MISS, 0, 0x2004), cpu.access(0x2004, LOAD));
        assertEquals(Outcome.fault(ExitReason.DATA_TLB_MISS, CpuState.ESR_ST, 0x3008), cpu.access(0x3008, STORE));
        assertEquals(1, cpu.counter(MmuCounters.ITLB_REAL));
        assertEquals(2, cpu.counter(MmuCounters.DTLB_REAL));
        assertEquals(0, cpu.mmu.shadowEntries());
    }

    /** Each permission bit alone, against each privilege and kind of access. */
    @Test
    void eachPermissionBitGrantsExactlyItsAccess() {
        int[] bits = {Mmu440.TLB2_UX, Mmu440.TLB2_UW, Mmu440.TLB2_UR, Mmu440.TLB2_SX, Mmu440.TLB2_SW, Mmu440.TLB2_SR};
        boolean[] userBit = {true, true, true, false, false, false};
        int[] kindOf = {FETCH, STORE, LOAD, FETCH, STORE, LOAD};
        for (int b = 0; b < bits.length; b++) {
            cpu.writeEntry(0, 0, w0(0x10000000, Mmu440.SIZE_4K, 0), 0x00005000, bits[b]);
            for (boolean user : new boolean[] {false, true}) {
                cpu.setMsr(user ? CpuState.MSR_PR : 0);
                for (int kind : new int[] {FETCH, LOAD, STORE}) {
                    Outcome o = cpu.access(0x10000124, kind);
                    String what = "bit 0x" + Integer.toHexString(bits[b]) + (user ? " user " : " supervisor ") + kind;
                    if (user == userBit[b] && kind == kindOf[b]) {
                        assertEquals(Outcome.ram(0x5124), o, what);
                    } else {
                        ExitReason storage = kind == FETCH ? ExitReason.INSTRUCTION_STORAGE : ExitReason.DATA_STORAGE;
                        assertEquals(Outcome.fault(storage, kind == STORE ? CpuState.ESR_ST : 0, 0x10000124), o, what);
                    }
                }
            }
        }
        // Fetches fault twice under each of the 4 data bits and once under each exec bit; data accesses fault 3 times
        // under each data bit and 4 times under each exec bit.
        assertEquals(4 * 2 + 2 * 1, cpu.counter(MmuCounters.ISI));
        assertEquals(4 * 3 + 2 * 4, cpu.counter(MmuCounters.DSI));
    }

    @Test
    void tid0MatchesEveryPidAndAnotherTidOnlyItsOwn() {
        cpu.writeEntry(1, 0, w0(0x00000000, Mmu440.SIZE_4K, 0), 0x1000, 0x3F);
        cpu.writeEntry(2, 7, w0(0x00001000, Mmu440.SIZE_4K, 0), 0x2000, 0x3F);
        for (int pid : new int[] {0, 1, 7, 255}) {
            for (int msr : new int[] {0, CpuState.MSR_PR}) {
                cpu.state.msr = msr;
                cpu.setPid(pid);
                assertEquals(Outcome.ram(0x1010), cpu.access(0x00000010, LOAD));
                Outcome o = cpu.access(0x00001010, LOAD);
                assertEquals(pid == 7 ? Outcome.ram(0x2010) : Outcome.fault(ExitReason.DATA_TLB_MISS, 0, 0x1010), o,
                        "pid " + pid + " msr " + msr);
            }
        }
    }

    @Test
    void fetchesUseMsrIsAndDataUsesMsrDs() {
        cpu.writeEntry(0, 0, w0(0x00400000, Mmu440.SIZE_4K, 0), 0x10000, 0x3F);
        cpu.writeEntry(1, 0, w0(0x00400000, Mmu440.SIZE_4K, 1), 0x20000, 0x3F);
        cpu.setMsr(CpuState.MSR_IS);
        assertEquals(Outcome.ram(0x20004), cpu.access(0x00400004, FETCH));
        assertEquals(Outcome.ram(0x10004), cpu.access(0x00400004, LOAD));
        cpu.setMsr(CpuState.MSR_DS);
        assertEquals(Outcome.ram(0x10004), cpu.access(0x00400004, FETCH));
        assertEquals(Outcome.ram(0x20004), cpu.access(0x00400004, STORE));
        long invalidations = cpu.counter(MmuCounters.SHADOW_INVALIDATIONS);
        cpu.setMsr(0);
        cpu.setMsr(CpuState.MSR_IS | CpuState.MSR_DS);
        assertEquals(invalidations, cpu.counter(MmuCounters.SHADOW_INVALIDATIONS), "MSR[IS/DS] changes drop nothing");
    }

    @Test
    void pagesOutsideRamAreDeviceAccessesWith36BitAddresses() {
        cpu.writeEntry(0, 0, w0(0xEF600000, Mmu440.SIZE_4K, 0), 0xEF600000, 0x3);
        assertEquals(Outcome.mmio(0xEF600304L), cpu.access(0xEF600304, STORE));
        cpu.writeEntry(1, 0, w0(0xD0000000, Mmu440.SIZE_1M, 0), 0x00000001 | 0x00000000, 0x3);
        assertEquals(Outcome.mmio(0x1_000AB010L), cpu.access(0xD00AB010, LOAD), "ERPN 1: above 4 GiB");
        assertEquals(2, cpu.counter(MmuCounters.MMIO));
        assertEquals(0, cpu.mmu.shadowEntries(), "device pages are never cached");
    }

    @Test
    void aPageStraddlingTheEndOfRamIsRamBelowAndDevicesAbove() {
        TestCpu small = TestCpu.alone((1 << 20) + 0x2000, 64);
        small.writeEntry(0, 0, w0(0x70000000, Mmu440.SIZE_16K, 0), 0x00100000, 0x3);
        assertEquals(Outcome.ram(0x100010), small.access(0x70000010, LOAD));
        assertEquals(Outcome.ram(0x101FFC), small.access(0x70001FFC, STORE));
        assertEquals(Outcome.mmio(0x102000L), small.access(0x70002000, LOAD));
        assertEquals(Outcome.mmio(0x103FFCL), small.access(0x70003FFC, STORE));
        assertEquals(2, small.mmu.shadowEntries());
        assertTrue(small.mmu.checkConsistency().isEmpty());
    }

    @Test
    void aOneKibPageGoesThroughTheMissPathEveryTime() {
        cpu.writeEntry(0, 0, w0(0x30000400, Mmu440.SIZE_1K, 0), 0x00008400, 0x7);
        for (int n = 0; n < 5; n++) {
            assertEquals(Outcome.ram(0x8410 + n), cpu.access(0x30000410 + n, LOAD));
        }
        assertEquals(Outcome.fault(ExitReason.DATA_TLB_MISS, 0, 0x30000010), cpu.access(0x30000010, LOAD),
                "the rest of the 4 KiB page is not mapped");
        assertEquals(5, cpu.counter(MmuCounters.DIRECT_1K));
        assertEquals(5, cpu.directs);
        assertEquals(0, cpu.mmu.shadowEntries());
        assertEquals(0, cpu.counter(MmuCounters.DTLB_VIRTUAL));
    }

    @Test
    void aOneKibEntryAheadOfALargePageKeepsItsWholeFourKibPageOutOfTheShadow() {
        cpu.writeEntry(63, 0, w0(0x00000000, Mmu440.SIZE_16M, 0), 0x00000000, 0x7);
        cpu.writeEntry(0, 0, w0(0x00005800, Mmu440.SIZE_1K, 0), 0x00300000, 0x7);
        assertEquals(Outcome.ram(0x300010), cpu.access(0x00005810, LOAD));
        assertEquals(Outcome.ram(0x5010), cpu.access(0x00005010, LOAD), "the large page, uncached");
        assertEquals(Outcome.ram(0x5010), cpu.access(0x00005010, LOAD));
        assertEquals(0, cpu.mmu.shadowEntries());
        assertEquals(3, cpu.counter(MmuCounters.DIRECT_1K));
        assertEquals(Outcome.ram(0x6010), cpu.access(0x00006010, LOAD), "the next page is cached");
        assertEquals(1, cpu.mmu.shadowEntries());
        // A 1 KiB entry written below a page that is already cached takes it out of the shadow.
        assertEquals(Outcome.ram(0x6C00), cpu.access(0x00006C00, LOAD));
        cpu.writeEntry(1, 0, w0(0x00006C00, Mmu440.SIZE_1K, 0), 0x00400000, 0x7);
        assertEquals(0, cpu.mmu.shadowEntries());
        assertEquals(Outcome.ram(0x400000), cpu.access(0x00006C00, LOAD));
    }

    @Test
    void littleEndianPagesAreRefusedAsInternalErrors() {
        cpu.writeEntry(0, 0, w0(0x50000000, Mmu440.SIZE_4K, 0), 0x1000,
                Mmu440.TLB2_SX | Mmu440.TLB2_SR | Mmu440.TLB2_E);
        assertEquals(Outcome.fault(ExitReason.INTERNAL_ERROR, 0, 0x50000000), cpu.access(0x50000000, LOAD));
        assertEquals(1, cpu.counter(MmuCounters.LITTLE_ENDIAN));
        assertEquals(Outcome.fault(ExitReason.DATA_STORAGE, CpuState.ESR_ST, 0x50000000),
                cpu.access(0x50000000, STORE), "permission is checked first");
    }

    @Test
    void theMissResultCodesAreTheSpisOnes() {
        cpu.writeEntry(0, 0, w0(0x00000000, Mmu440.SIZE_4K, 0), 0, 0x7);
        assertEquals(MissHandler.REFILLED, cpu.mmu.miss(cpu.state, 0x10, LOAD));
        assertEquals(MissHandler.FAULT, cpu.mmu.miss(cpu.state, 0x1010, LOAD));
        assertEquals(ExitReason.DATA_TLB_MISS, cpu.state.trap);
        assertTrue(cpu.mmu.checkConsistency().isEmpty());
    }
}
