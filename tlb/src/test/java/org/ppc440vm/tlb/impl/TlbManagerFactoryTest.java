package org.ppc440vm.tlb.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.TranslationCache;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuCounters;

class TlbManagerFactoryTest {

    @Test
    void anMmuMadeWithCheckingRunsTheCheckAfterEveryChange() {
        TlbManagerFactory factory = new TlbManagerFactory();
        factory.setChecking(true);
        CpuState st = new CpuState();
        Mmu440 mmu = factory.create(st, new TranslationCache(64), new GuestRam(1 << 20));
        long before = mmu.counters().get(MmuCounters.CHECKS);
        mmu.tlbwe(0, 0, 0x00000210);
        mmu.contextChanged();
        assertEquals(before + 2, mmu.counters().get(MmuCounters.CHECKS));
        Mmu440 unchecked = new TlbManagerFactory().create(st, new TranslationCache(64), new GuestRam(1 << 20));
        unchecked.tlbwe(0, 0, 0x00000210);
        assertEquals(0L, unchecked.counters().get(MmuCounters.CHECKS));
    }

    @Test
    void countersUseTheKvmStatNamesInAStableOrder() {
        Mmu440 mmu = new TlbManagerFactory().create(new CpuState(), new TranslationCache(64), new GuestRam(1 << 20));
        List<String> names = List.copyOf(mmu.counters().keySet());
        assertEquals(List.of("itlb_virtual", "itlb_real", "dtlb_virtual", "dtlb_real"), names.subList(0, 4));
        assertTrue(names.containsAll(List.of("isi", "dsi", "mmio", "direct_1k", "shadow_evictions")));
        assertEquals(names, List.copyOf(mmu.counters().keySet()));
    }

    @Test
    void anOwnedCacheIsFlushedAndTheContextsAreSet() {
        TranslationCache cache = new TranslationCache(16);
        cache.install(0x1000, 0, 0, true, true, true);
        CpuState st = new CpuState();
        st.pid = 9;
        st.msr = CpuState.MSR_PR | CpuState.MSR_DS;
        Mmu440 mmu = new TlbManagerFactory().create(st, cache, new GuestRam(1 << 20));
        assertEquals(TranslationCache.INVALID, cache.readTag[1]);
        assertTrue(mmu.shadowResident());
        assertEquals(0x200 | 9, st.fetchContext);
        assertEquals(0x200 | 0x100 | 9, st.dataContext);
        st.msr = CpuState.MSR_IS;
        mmu.contextChanged();
        assertEquals(0x400 | 0x100, st.fetchContext, "supervisor contexts carry no PID");
        assertEquals(0x400, st.dataContext);
    }
}
