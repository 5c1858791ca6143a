package org.ppc440vm.tlb.impl;

import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.MissHandler;
import org.ppc440vm.cpu.spi.TranslationCache;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * Stands in for the CPU: translates an access exactly as the interpreter does (one index, one compare against the
 * tag of the access kind, the miss handler on a mismatch, then a retry), and counts hits and misses.
 */
final class TestCpu {
    static final int FETCH = MissHandler.FETCH;
    static final int LOAD = MissHandler.LOAD;
    static final int STORE = MissHandler.STORE;
    final CpuState state;
    final TranslationCache cache;
    final GuestRam ram;
    final Mmu440 mmu;
    long accesses;
    long hits;
    long misses;
    long directs;

    TestCpu(CpuState state, TranslationCache cache, GuestRam ram, Mmu440 mmu) {
        this.state = state;
        this.cache = cache;
        this.ram = ram;
        this.mmu = mmu;
    }

    /** A vCPU with its own cache (one host thread per vCPU). */
    static TestCpu alone(int ramBytes, int cacheEntries) {
        CpuState st = new CpuState();
        TranslationCache cache = new TranslationCache(cacheEntries);
        GuestRam ram = new GuestRam(ramBytes);
        return new TestCpu(st, cache, ram, new TlbManagerFactory().create(st, cache, ram));
    }

    Outcome access(int ea, int kind) {
        accesses++;
        for (int attempt = 0; attempt < 2; attempt++) {
            int ctx = kind == MissHandler.FETCH ? state.fetchContext : state.dataContext;
            int[] tags = kind == MissHandler.FETCH ? cache.execTag
                    : kind == MissHandler.LOAD ? cache.readTag : cache.writeTag;
            int i = cache.index(ea);
            if (tags[i] == TranslationCache.tag(ea, ctx)) {
                hits++;
                return Outcome.ram((cache.ramOffset[i] & 0xFFFFFFFFL) + (ea & TranslationCache.PAGE_MASK));
            }
            misses++;
            switch (mmu.miss(state, ea, kind)) {
                case MissHandler.REFILLED:
                    continue;
                case MissHandler.DIRECT:
                    directs++;
                    return Outcome.ram(state.trapPhysical);
                case MissHandler.MMIO:
                    return Outcome.mmio(state.trapPhysical);
                case MissHandler.FAULT:
                    return Outcome.fault(state.trap, state.trapEsr, state.trapAddress);
                default:
                    throw new AssertionError("unknown miss result");
            }
        }
        throw new AssertionError("a refill of 0x" + Integer.toHexString(ea) + " did not make the access hit");
    }

    /** Loads a word through translation (0xDEADDEAD for anything but RAM). */
    int loadWord(int ea) {
        Outcome o = access(ea, MissHandler.LOAD);
        return o.kind() == Outcome.Kind.RAM ? ram.loadWord((int) o.physical()) : 0xDEADDEAD;
    }

    Outcome storeWord(int ea, int value) {
        Outcome o = access(ea, MissHandler.STORE);
        if (o.kind() == Outcome.Kind.RAM) {
            ram.storeWord((int) o.physical(), value);
        }
        return o;
    }

    void setMsr(int msr) {
        state.msr = msr;
        mmu.contextChanged();
    }

    void setPid(int pid) {
        state.pid = pid;
        mmu.contextChanged();
    }

    /** Writes a whole entry as a guest does: MMUCR[STID] first, then words 0, 1, 2. */
    void writeEntry(int index, int tid, int word0, int word1, int word2) {
        mmu.setMmucr((mmu.mmucr() & ~Mmu440.MMUCR_STID) | tid);
        mmu.tlbwe(index, 0, word0);
        mmu.tlbwe(index, 1, word1);
        mmu.tlbwe(index, 2, word2);
    }

    long counter(String name) {
        return mmu.counters().get(name);
    }
}
