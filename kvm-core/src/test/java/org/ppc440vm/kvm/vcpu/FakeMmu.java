package org.ppc440vm.kvm.vcpu;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.TranslationCache;
import org.ppc440vm.tlb.spi.HostTlb;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuFactory;

/**
 * A test double for the tlb bundle's MMU: effective = physical, RAM below its size and devices above, pages listed
 * in {@link #unmapped} missing (a TLB miss for the guest), and a guest TLB that only records what tlbwe wrote, so
 * the tests can see what the hypervisor passed on. tlbsx answers {@link #searchResult}.
 */
final class FakeMmu implements Mmu440 {
    static final class Factory implements MmuFactory {
        FakeMmu last;

        @Override
        public Mmu440 create(CpuState state, TranslationCache cache, GuestRam ram) {
            last = new FakeMmu(state, cache, ram);
            return last;
        }

        @Override
        public HostTlb hostTlb(TranslationCache hardware) {
            throw new UnsupportedOperationException();
        }
    }

    private final CpuState state;
    private final TranslationCache cache;
    private final GuestRam ram;
    final int[][] words = new int[64][3];
    final Set<Integer> unmapped = new HashSet<>();
    int mmucr;
    int searchResult = -1;
    int lastSearch;
    int contextChanges;
    int resets;

    FakeMmu(CpuState state, TranslationCache cache, GuestRam ram) {
        this.state = state;
        this.cache = cache;
        this.ram = ram;
        state.updateContexts();
    }

    @Override
    public int miss(CpuState s, int ea, int kind) {
        if (unmapped.contains(ea & ~0xFFF)) {
            s.trap = kind == FETCH ? ExitReason.INSTRUCTION_TLB_MISS : ExitReason.DATA_TLB_MISS;
            s.trapEsr = kind == STORE ? CpuState.ESR_ST : 0;
            s.trapAddress = ea;
            return FAULT;
        }
        long pa = ea & 0xFFFF_FFFFL;
        if (pa >= ram.size()) {
            s.trapPhysical = pa;
            return MMIO;
        }
        cache.install(ea, kind == FETCH ? s.fetchContext : s.dataContext, (int) pa & ~0xFFF, true, true, true);
        return REFILLED;
    }

    @Override
    public void tlbwe(int index, int word, int value) {
        if (word >= 0 && word <= 2) {
            words[index & 63][word] = value;
        }
    }

    @Override
    public int tlbre(int index, int word) {
        return word >= 0 && word <= 2 ? words[index & 63][word] : 0;
    }

    @Override
    public int tlbsx(int ea) {
        lastSearch = ea;
        return searchResult;
    }

    @Override
    public int mmucr() {
        return mmucr;
    }

    @Override
    public void setMmucr(int value) {
        mmucr = value & MMUCR_IMPLEMENTED;
    }

    @Override
    public void contextChanged() {
        contextChanges++;
        state.updateContexts();
    }

    @Override
    public void reset() {
        resets++;
        for (int[] w : words) {
            java.util.Arrays.fill(w, 0);
        }
        mmucr = 0;
        cache.flush();
    }

    @Override
    public int[] exportGuestTlb() {
        return new int[64 * 4 + 1];
    }

    @Override
    public void importGuestTlb(int[] image) {
    }

    @Override
    public void flushShadow() {
        cache.flush();
    }

    @Override
    public void saveShadow() {
    }

    @Override
    public void restoreShadow() {
    }

    @Override
    public boolean shadowResident() {
        return true;
    }

    @Override
    public int shadowEntries() {
        return 0;
    }

    @Override
    public List<String> checkConsistency() {
        return List.of();
    }

    @Override
    public void setConsistencyChecking(boolean enabled) {
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("itlb_virtual", 0L);
        m.put("tlbwe", -1L); // hidden by the hypervisor's own tlbwe counter
        return m;
    }
}
