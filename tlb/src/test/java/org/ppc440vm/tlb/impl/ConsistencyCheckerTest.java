package org.ppc440vm.tlb.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppc440vm.cpu.spi.TranslationCache;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuCounters;

/** The checker finds each kind of inconsistency, planted by going around the MMU's own bookkeeping. */
class ConsistencyCheckerTest {
    private TestCpu cpu;
    private TlbManager mmu;

    @BeforeEach
    void setUp() {
        cpu = TestCpu.alone(4 << 20, 64);
        mmu = (TlbManager) cpu.mmu;
        cpu.writeEntry(5, 0, MissPathTest.w0(0x10000000, Mmu440.SIZE_64K, 0), 0x00100000, 0x3F);
        for (int p = 0; p < 4; p++) {
            cpu.access(0x10000000 + p * 0x1000, TestCpu.LOAD);
        }
        assertEquals(List.of(), mmu.checkConsistency());
    }

    private static boolean mentions(List<String> violations, String text) {
        return violations.stream().anyMatch(v -> v.contains(text));
    }

    @Test
    void narrowerGuestPermissionsWithoutInvalidation() {
        mmu.guest.word2[5] = Mmu440.TLB2_SR | Mmu440.TLB2_UR; // no writes any more, behind the shadow's back
        mmu.guest.decode(5);
        assertTrue(mentions(mmu.checkConsistency(), "grants xwr where the entry allows --r"),
                mmu.checkConsistency()::toString);
    }

    @Test
    void aDeadGuestEntry() {
        mmu.guest.word0[5] = 0;
        mmu.guest.decode(5);
        assertTrue(mentions(mmu.checkConsistency(), "the entry is not valid"));
    }

    @Test
    void anotherPhysicalPage() {
        mmu.guest.word1[5] = 0x00200000;
        mmu.guest.decode(5);
        assertTrue(mentions(mmu.checkConsistency(), "maps RAM 0x100000 where the entry gives 0x200000"));
    }

    @Test
    void anEntryOfHigherPrecedence() {
        mmu.guest.word0[1] = MissPathTest.w0(0x10002000, Mmu440.SIZE_4K, 0);
        mmu.guest.word2[1] = 0x3F;
        mmu.guest.decode(1);
        assertTrue(mentions(mmu.checkConsistency(), "a direct walk translates 0x10002000 through entry 1"));
    }

    @Test
    void anOrphanTranslationInTheCache() {
        cpu.cache.install(0x20005000, cpu.state.dataContext, 0, true, true, true);
        assertTrue(mentions(mmu.checkConsistency(), "holds a translation no guest entry accounts for"));
    }

    @Test
    void aCacheThatDiffersFromTheRecord() {
        int slot = cpu.cache.index(0x10001000);
        cpu.cache.ramOffset[slot] = 0x3000;
        assertTrue(mentions(mmu.checkConsistency(), "the cache differs from the shadow TLB's record"));
        cpu.cache.ramOffset[slot] = 0x101000;
        cpu.cache.writeTag[slot] = TranslationCache.tag(0x10001000, cpu.state.dataContext + 1);
        assertTrue(mentions(mmu.checkConsistency(), "the cache differs from the shadow TLB's record"));
    }

    @Test
    void anUntrackedPidDependentTranslation() {
        cpu.writeEntry(6, 3, MissPathTest.w0(0x20000000, Mmu440.SIZE_4K, 0), 0x00300000, 0x3F);
        cpu.setPid(3);
        cpu.access(0x20000000, TestCpu.LOAD);
        assertEquals(List.of(), mmu.checkConsistency());
        ShadowTlb sh = mmu.shadow;
        int slot = cpu.cache.index(0x20000000);
        sh.records[slot * ShadowTlb.RECORD + ShadowTlb.PID_AT] = ShadowTlb.NONE; // forget it is PID-dependent
        sh.pidDependentCount = 0;
        assertTrue(mentions(mmu.checkConsistency(), "is not tracked as PID-dependent"));
    }

    @Test
    void withCheckingOnTheFirstInconsistencyFailsLoudly() {
        mmu.setConsistencyChecking(true);
        cpu.writeEntry(7, 0, MissPathTest.w0(0x30000000, Mmu440.SIZE_4K, 0), 0x00300000, 0x3F);
        long checks = cpu.counter(MmuCounters.CHECKS);
        assertTrue(checks >= 3);
        mmu.guest.word1[5] = 0x00200000; // corrupt, then any change runs the check
        mmu.guest.decode(5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cpu.setPid(1));
        assertTrue(e.getMessage().contains("TLB inconsistent after context change"), e.getMessage());
    }
}
