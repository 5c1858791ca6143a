package org.ppc440vm.tlb.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.tlb.impl.MissPathTest.w0;
import static org.ppc440vm.tlb.impl.TestCpu.FETCH;
import static org.ppc440vm.tlb.impl.TestCpu.LOAD;
import static org.ppc440vm.tlb.impl.TestCpu.STORE;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuCounters;

/** Precise invalidation, contexts across PID and MSR changes, replacement, and the tier's save and restore. */
class ShadowTlbTest {
    private static final int KERNEL = Mmu440.TLB2_SX | Mmu440.TLB2_SW | Mmu440.TLB2_SR;
    private static final int USER = 0x3F;
    private TestCpu cpu;

    @BeforeEach
    void setUp() {
        cpu = TestCpu.alone(64 << 20, 1024);
        cpu.mmu.setConsistencyChecking(true);
    }

    private void touch(int ea, int pages) {
        for (int p = 0; p < pages; p++) {
            cpu.access(ea + p * 0x1000, LOAD);
        }
    }

    @Test
    void rewritingAnEntryDropsOnlyTheShadowEntriesItBacked() {
        cpu.writeEntry(10, 0, w0(0x10000000, Mmu440.SIZE_1M, 0), 0x00100000, KERNEL);
        cpu.writeEntry(11, 0, w0(0x20100000, Mmu440.SIZE_1M, 0), 0x00200000, KERNEL);
        touch(0x10000000, 5);
        touch(0x20100000, 7); // slots 0x100.. : no collision with the first entry's
        assertEquals(12, cpu.mmu.shadowEntries());
        cpu.writeEntry(10, 0, w0(0x10000000, Mmu440.SIZE_1M, 0), 0x00300000, KERNEL);
        assertEquals(7, cpu.mmu.shadowEntries());
        assertEquals(5, cpu.counter(MmuCounters.SHADOW_INVALIDATIONS));
        long misses = cpu.misses;
        touch(0x20100000, 7);
        assertEquals(misses, cpu.misses, "the other entry's translations survived");
        assertEquals(Outcome.ram(0x00300010), cpu.access(0x10000010, LOAD), "the new translation is used");
        cpu.mmu.tlbwe(11, 0, 0); // invalidate
        assertEquals(1, cpu.mmu.shadowEntries());
        assertEquals(Outcome.fault(ExitReason.DATA_TLB_MISS, 0, 0x20100010), cpu.access(0x20100010, LOAD));
    }

    @Test
    void writesThatChangeNothingATranslationUsesInvalidateNothing() {
        cpu.writeEntry(3, 0, w0(0x10000000, Mmu440.SIZE_64K, 0), 0x00100000, KERNEL);
        touch(0x10000000, 4);
        long before = cpu.counter(MmuCounters.SHADOW_INVALIDATIONS);
        cpu.writeEntry(3, 0, w0(0x10000000, Mmu440.SIZE_64K, 0), 0x00100000, KERNEL); // the same again
        cpu.mmu.tlbwe(3, 2, KERNEL | Mmu440.TLB2_U0 | Mmu440.TLB2_U3 | Mmu440.TLB2_W | Mmu440.TLB2_I | Mmu440.TLB2_M
                | Mmu440.TLB2_G);
        cpu.mmu.tlbwe(3, 1, 0x00100000 | 0x300); // parity bits the 440 does not keep
        cpu.mmu.setMmucr(Mmu440.MMUCR_STS | 0x55);
        assertEquals(before, cpu.counter(MmuCounters.SHADOW_INVALIDATIONS));
        assertEquals(4, cpu.mmu.shadowEntries());
        cpu.mmu.tlbwe(3, 2, Mmu440.TLB2_SR); // narrower permissions: must go
        assertEquals(0, cpu.mmu.shadowEntries());
        assertEquals(Outcome.fault(ExitReason.DATA_STORAGE, CpuState.ESR_ST, 0x10000000),
                cpu.access(0x10000000, STORE));
    }

    @Test
    void aNewLowerEntryOverridesTranslationsOfHigherOnes() {
        cpu.writeEntry(20, 0, w0(0x00000000, Mmu440.SIZE_16M, 0), 0x00000000, KERNEL);
        cpu.writeEntry(21, 0, w0(0x40000000, Mmu440.SIZE_16M, 0), 0x01000000, KERNEL);
        touch(0x00010000, 4);
        touch(0x40210000, 4); // other slots
        cpu.writeEntry(5, 0, w0(0x00010000, Mmu440.SIZE_4K, 0), 0x02000000, KERNEL);
        assertEquals(7, cpu.mmu.shadowEntries(), "only the one overridden page went");
        assertEquals(Outcome.ram(0x02000010), cpu.access(0x00010010, LOAD));
        assertEquals(Outcome.ram(0x00011010), cpu.access(0x00011010, LOAD));
        // A higher entry overlapping a lower one changes nothing.
        cpu.writeEntry(30, 0, w0(0x00000000, Mmu440.SIZE_256M, 0), 0x00000000, USER);
        assertEquals(8, cpu.mmu.shadowEntries());
    }

    /**
     * Linux's TLB miss handler writes a low entry on every miss while the kernel's pinned entries above it hold
     * thousands of translations: a write must not walk the translations of entries it cannot overlap (other range
     * or other address space), yet must still drop what it does override.
     */
    @Test
    void aNewLowerEntryPassesOverTheTranslationsOfDisjointHigherEntries() {
        cpu.writeEntry(63, 0, w0(0x40000000, Mmu440.SIZE_16M, 0), 0x01000000, KERNEL);
        cpu.writeEntry(62, 0, w0(0x00000000, Mmu440.SIZE_16M, 0) | Mmu440.TLB0_TS, 0x00000000, USER);
        touch(0x40000000, 200);
        cpu.setMsr(CpuState.MSR_PR | CpuState.MSR_IS | CpuState.MSR_DS);
        touch(0x00300000, 3);
        cpu.setMsr(0);
        assertEquals(203, cpu.mmu.shadowEntries());
        long scans = cpu.counter(MmuCounters.OVERRIDE_SCANS);
        for (int i = 0; i < 40; i++) { // disjoint range (AS 0), or same range in the other address space
            cpu.writeEntry(i, 0, w0(0x10000000 + i * 0x1000, Mmu440.SIZE_4K, 0), 0x02000000, KERNEL);
        }
        cpu.writeEntry(41, 0, w0(0x00300000, Mmu440.SIZE_4K, 0), 0x02000000, KERNEL);
        assertEquals(scans, cpu.counter(MmuCounters.OVERRIDE_SCANS), "no translation of a disjoint entry was examined");
        assertEquals(203, cpu.mmu.shadowEntries());
        cpu.writeEntry(42, 0, w0(0x40001000, Mmu440.SIZE_4K, 0), 0x02000000, KERNEL);
        assertEquals(202, cpu.mmu.shadowEntries(), "the overridden kernel page went");
        // Words 0, 1 and 2 each change the entry: each write examines the kernel entry's translations once.
        assertEquals(scans + 200 + 199 + 199, cpu.counter(MmuCounters.OVERRIDE_SCANS), "the overlapped ones were");
        assertEquals(Outcome.ram(0x02000010), cpu.access(0x40001010, LOAD));
    }

    /**
     * KUAP: the kernel writes PID on every entry, exit and user copy. Kernel (TID 0) translations must survive: no
     * refill and no invalidation after flipping PID back and forth.
     */
    @Test
    void kernelTranslationsSurvivePidChanges() {
        cpu.writeEntry(63, 0, w0(0xC0000000, Mmu440.SIZE_256M, 0), 0, KERNEL);
        cpu.setPid(0);
        for (int p = 0; p < 50; p++) {
            cpu.access(0xC0000000 + p * 0x1000, FETCH);
            cpu.access(0xC0080000 + p * 0x1000, STORE); // slots 0x80.. : no collision with the fetches
        }
        long misses = cpu.misses;
        for (int round = 0; round < 20; round++) {
            cpu.setPid(17 + round);
            cpu.access(0xC0000000 + round * 0x1000, FETCH);
            cpu.setPid(0);
            cpu.access(0xC0080000 + round * 0x1000, LOAD);
        }
        assertEquals(misses, cpu.misses);
        assertEquals(0, cpu.counter(MmuCounters.PID_INVALIDATIONS));
        assertEquals(100, cpu.mmu.shadowEntries());
    }

    @Test
    void supervisorTranslationsOfAUserPageGoWhenPidChanges() {
        cpu.writeEntry(63, 0, w0(0xC0000000, Mmu440.SIZE_256M, 0), 0, KERNEL);
        cpu.writeEntry(0, 5, w0(0x10000000, Mmu440.SIZE_4K, 0), 0x00800000, USER);
        cpu.setPid(5); // allow_user_access
        assertEquals(Outcome.ram(0x00800010), cpu.access(0x10000010, STORE));
        cpu.access(0xC0001000, LOAD);
        cpu.setPid(0); // prevent_user_access
        assertEquals(Outcome.fault(ExitReason.DATA_TLB_MISS, 0, 0x10000010), cpu.access(0x10000010, LOAD));
        assertEquals(1, cpu.counter(MmuCounters.PID_INVALIDATIONS));
        long misses = cpu.misses;
        cpu.access(0xC0001000, LOAD);
        assertEquals(misses, cpu.misses, "the kernel page stayed");
    }

    @Test
    void aTid0TranslationUnderALowerTidEntryDependsOnThePid() {
        cpu.writeEntry(63, 0, w0(0x00000000, Mmu440.SIZE_16M, 0), 0, KERNEL);
        cpu.writeEntry(2, 9, w0(0x00003000, Mmu440.SIZE_4K, 0), 0x00900000, KERNEL);
        cpu.setPid(0);
        assertEquals(Outcome.ram(0x3010), cpu.access(0x3010, LOAD));
        cpu.setPid(9);
        assertEquals(Outcome.ram(0x900010), cpu.access(0x3010, LOAD));
        cpu.setPid(0);
        assertEquals(Outcome.ram(0x3010), cpu.access(0x3010, LOAD));
    }

    /** User contexts keep the PID in their tag: each process's translations wait for it to run again. */
    @Test
    void userTranslationsOfSeveralProcessesCoexist() {
        cpu.writeEntry(63, 0, w0(0xC0000000, Mmu440.SIZE_256M, 0), 0, KERNEL);
        cpu.writeEntry(0, 5, w0(0x10000000, Mmu440.SIZE_64K, 0), 0x00500000, USER);
        cpu.writeEntry(1, 6, w0(0x10000000, Mmu440.SIZE_64K, 0), 0x00600000, USER);
        cpu.writeEntry(2, 6, w0(0x20000000, Mmu440.SIZE_64K, 0), 0x00700000, USER);
        runUser(5);
        assertEquals(Outcome.ram(0x00500010), cpu.access(0x10000010, LOAD));
        runUser(6);
        assertEquals(Outcome.ram(0x00600010), cpu.access(0x10000010, LOAD), "same page, other process");
        assertEquals(Outcome.ram(0x00700010), cpu.access(0x20000010, LOAD));
        runUser(5);
        assertEquals(Outcome.fault(ExitReason.DATA_TLB_MISS, 0, 0x20100010), cpu.access(0x20100010, LOAD));
        runUser(6);
        long misses = cpu.misses;
        assertEquals(Outcome.ram(0x00700010), cpu.access(0x20000010, LOAD));
        assertEquals(misses, cpu.misses, "process 6's translation waited for it");
        assertEquals(Outcome.ram(0x00600010), cpu.access(0x10000010, LOAD));
        assertTrue(cpu.counter(MmuCounters.SHADOW_EVICTIONS) >= 1, "5 and 6 share a slot for 0x10000000");
    }

    private void runUser(int pid) {
        cpu.setMsr(0); // interrupt: supervisor
        cpu.setPid(pid); // switch_mm / kuap_user_restore
        cpu.setMsr(CpuState.MSR_PR | CpuState.MSR_EE); // rfi to user
    }

    @Test
    void aRefillEvictsWhatTheSlotHeldAndCountsIt() {
        TestCpu small = TestCpu.alone(1 << 20, 16);
        small.writeEntry(0, 0, w0(0x00000000, Mmu440.SIZE_256M, 0), 0, KERNEL);
        small.access(0x00000010, LOAD);
        small.access(0x00010010, LOAD); // 16 pages further: the same slot
        assertEquals(1, small.counter(MmuCounters.SHADOW_EVICTIONS));
        assertEquals(1, small.mmu.shadowEntries());
        small.access(0x00000010, LOAD);
        assertEquals(2, small.counter(MmuCounters.SHADOW_EVICTIONS));
        assertEquals(3, small.counter(MmuCounters.DTLB_VIRTUAL));
        assertTrue(small.mmu.checkConsistency().isEmpty());
    }

    /** A caller that recomputed the contexts itself (CpuState.updateContexts) still gets correct translations. */
    @Test
    void theMissPathRepairsContextsItWasNotToldAbout() {
        cpu.mmu.setConsistencyChecking(false);
        cpu.writeEntry(0, 5, w0(0x10000000, Mmu440.SIZE_4K, 0), 0x00500000, USER);
        cpu.state.pid = 5;
        cpu.state.updateContexts();
        assertEquals(Outcome.ram(0x00500010), cpu.access(0x10000010, LOAD));
        cpu.state.pid = 0;
        cpu.state.updateContexts();
        assertEquals(Outcome.fault(ExitReason.DATA_TLB_MISS, 0, 0x10000010), cpu.access(0x10000010, LOAD));
        assertTrue(cpu.mmu.checkConsistency().isEmpty());
    }

    @Test
    void saveAndRestoreOfAVcpuThatOwnsItsCache() {
        cpu.writeEntry(63, 0, w0(0xC0000000, Mmu440.SIZE_256M, 0), 0, KERNEL);
        touch(0xC0000000, 30);
        cpu.mmu.saveShadow();
        assertFalse(cpu.mmu.shadowResident());
        for (int i = 0; i < cpu.cache.size; i++) {
            assertEquals(-1, cpu.cache.readTag[i], "nothing of ours stays in the cache while saved");
        }
        cpu.mmu.restoreShadow();
        assertTrue(cpu.mmu.shadowResident());
        long misses = cpu.misses;
        touch(0xC0000000, 30);
        assertEquals(misses, cpu.misses);
        assertEquals(30, cpu.counter(MmuCounters.HOST_RESTORED_ENTRIES));
        // A miss while saved restores first.
        cpu.mmu.saveShadow();
        cpu.access(0xC0000000, LOAD);
        assertTrue(cpu.mmu.shadowResident());
        cpu.mmu.flushShadow();
        assertEquals(0, cpu.mmu.shadowEntries());
    }

    @Test
    void guestTlbChangesWhileSavedAreHonouredAtRestore() {
        cpu.writeEntry(62, 0, w0(0x00000000, Mmu440.SIZE_16M, 0), 0, KERNEL);
        cpu.writeEntry(63, 0, w0(0xC0000000, Mmu440.SIZE_16M, 0), 0, KERNEL);
        touch(0x00000000, 3);
        touch(0xC0000000, 3);
        cpu.mmu.saveShadow();
        cpu.mmu.tlbwe(62, 0, 0);
        cpu.mmu.restoreShadow();
        assertEquals(3, cpu.mmu.shadowEntries());
        assertEquals(Outcome.fault(ExitReason.DATA_TLB_MISS, 0, 0x1000), cpu.access(0x1000, LOAD));
    }
}
