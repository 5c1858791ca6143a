package org.ppc440vm.cpu.interp;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.MissHandler;
import org.ppc440vm.cpu.spi.TranslationCache;

/**
 * A flat MMU for tests: effective address = physical address, everything granted, every miss refilled into the
 * core's translation cache, addresses beyond RAM answered as MMIO. Tests can make pages (EA >>> 12) behave
 * otherwise, to exercise each answer a {@link MissHandler} may give.
 */
final class FlatMissHandler implements MissHandler {
    private final int ramSize;
    private TranslationCache cache;

    /** Misses seen, by kind (FETCH, LOAD, STORE). */
    final int[] misses = new int[3];
    /** Pages answered MMIO (trapPhysical = the EA). */
    final Set<Integer> mmioPages = new HashSet<>();
    /** 1 KiB pages (EA >>> 10) answered DIRECT: -> physical base of the 1 KiB page (uncached). */
    final Map<Integer, Integer> directPages = new HashMap<>();
    /** Pages answered FAULT with this reason (any kind of access). */
    final Map<Integer, ExitReason> faultPages = new HashMap<>();
    /** Pages refilled without write permission; a store miss there is a DATA_STORAGE fault. */
    final Set<Integer> readOnlyPages = new HashSet<>();
    /** Pages refilled to another physical page: EA page -> physical page base. */
    final Map<Integer, Integer> remap = new HashMap<>();
    /** Answer REFILLED without installing anything (a broken handler). */
    boolean lieAboutRefill;
    /** Answer this code for every miss (e.g. an out-of-range value). */
    Integer forcedAnswer;

    FlatMissHandler(int ramSize) {
        this.ramSize = ramSize;
    }

    void attach(TranslationCache cache) {
        this.cache = cache;
    }

    @Override
    public int miss(CpuState state, int ea, int kind) {
        misses[kind]++;
        if (forcedAnswer != null) {
            return forcedAnswer;
        }
        int page = ea >>> 12;
        ExitReason fault = faultPages.get(page);
        if (fault != null) {
            state.trap = fault;
            state.trapAddress = ea;
            state.trapEsr = kind == STORE ? CpuState.ESR_ST : 0;
            return FAULT;
        }
        Integer direct = directPages.get(ea >>> 10);
        if (direct != null) {
            state.trapPhysical = direct + (ea & 0x3FF);
            return DIRECT;
        }
        if (mmioPages.contains(page) || Integer.toUnsignedLong(ea) >= ramSize && !remap.containsKey(page)) {
            state.trapPhysical = Integer.toUnsignedLong(ea);
            return MMIO;
        }
        boolean readOnly = readOnlyPages.contains(page);
        if (readOnly && kind == STORE) {
            state.trap = ExitReason.DATA_STORAGE;
            state.trapAddress = ea;
            state.trapEsr = CpuState.ESR_ST;
            return FAULT;
        }
        if (lieAboutRefill) {
            return REFILLED;
        }
        int context = kind == FETCH ? state.fetchContext : state.dataContext;
        int physical = remap.getOrDefault(page, ea & ~0xFFF);
        cache.install(ea, context, physical, true, !readOnly, true);
        return REFILLED;
    }
}
