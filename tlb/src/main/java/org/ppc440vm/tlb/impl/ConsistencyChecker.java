package org.ppc440vm.tlb.impl;

import static org.ppc440vm.cpu.spi.TranslationCache.INVALID;
import static org.ppc440vm.tlb.spi.Mmu440.GUEST_TLB_ENTRIES;

import java.util.ArrayList;
import java.util.List;

import org.ppc440vm.cpu.spi.TranslationCache;

/**
 * Checks that every shadow translation derives from a live guest entry: the entry it is recorded against is valid,
 * covers the page in the same address space for a PID it matches, is the entry a direct walk of the guest TLB chooses
 * for every 1 KiB of the page, grants at least the permissions the tags grant, and maps the page to the same RAM
 * page. Also that the cache holds nothing we do not account for, and that the cache and our copy agree.
 *
 * <p>Deliberately written against the guest TLB's simple {@link GuestTlb#lookup} rather than the miss path's
 * single-pass walk, so that the two check each other.
 */
final class ConsistencyChecker {
    private static final int PAGE = TranslationCache.PAGE_MASK + 1;

    private ConsistencyChecker() {
    }

    static List<String> check(TlbManager mmu) {
        List<String> bad = new ArrayList<>();
        GuestTlb g = mmu.guest;
        ShadowTlb sh = mmu.shadow;
        TranslationCache cache = mmu.cache;
        int currentPid = mmu.shadowPid;
        int counted = 0;
        for (int e = 0; e < GUEST_TLB_ENTRIES; e++) {
            for (int s = sh.head[e]; s != ShadowTlb.NONE; s = sh.next(s)) {
                counted++;
                checkSlot(mmu, g, sh, cache, currentPid, e, s, bad);
            }
        }
        if (counted != sh.live) {
            bad.add("the shadow TLB counts " + sh.live + " live entries but its lists hold " + counted);
        }
        for (int k = 0; k < sh.pidDependentCount; k++) {
            int s = sh.pidDependent[k];
            if (sh.source(s) == ShadowTlb.NONE || sh.pidDependentAt(s) != k) {
                bad.add("slot " + s + " is listed as PID-dependent but is not live there");
            }
        }
        if (sh.resident) {
            for (int s = 0; s < cache.size; s++) {
                boolean anyTag = cache.readTag[s] != INVALID || cache.writeTag[s] != INVALID
                        || cache.execTag[s] != INVALID;
                if (anyTag && sh.source(s) == ShadowTlb.NONE) {
                    bad.add("cache slot " + s + " holds a translation no guest entry accounts for");
                }
            }
        }
        return bad;
    }

    private static void checkSlot(TlbManager mmu, GuestTlb g, ShadowTlb sh, TranslationCache cache, int currentPid,
            int e, int s, List<String> bad) {
        int page = sh.page(s);
        int ctx = sh.context(s);
        boolean user = TlbManager.contextIsUser(ctx);
        int space = TlbManager.contextSpace(ctx);
        Object what = new Object() { // described only when something is wrong
            @Override
            public String toString() {
                return "slot " + s + " (page 0x" + Integer.toHexString(page) + ", context 0x" + Integer.toHexString(ctx)
                        + ", from entry " + e + ")";
            }
        };
        if (cache.index(page) != s) {
            bad.add(what + " is not the slot its page indexes");
        }
        if (!g.live[e]) {
            bad.add(what + ": the entry is not valid");
            return;
        }
        if (g.space[e] != space) {
            bad.add(what + ": the entry translates TS=" + g.space[e]);
        }
        if (g.offsetMask[e] < TranslationCache.PAGE_MASK) {
            bad.add(what + ": a 1 KiB entry cannot back a 4 KiB translation");
        }
        if (((page ^ g.base[e]) & ~g.offsetMask[e]) != 0) {
            bad.add(what + ": the page is outside the entry");
        }
        boolean pidDependent = sh.pidDependent(s);
        int pid = user ? TlbManager.contextPid(ctx) : currentPid;
        int tid = g.tid[e];
        if (tid != 0 && tid != pid) {
            bad.add(what + ": the entry's TID " + tid + " does not match PID " + pid);
        }
        if (!user && tid != 0 && !pidDependent) {
            bad.add(what + ": a supervisor translation from a TID " + tid + " entry is not tracked as PID-dependent");
        }
        if (!user && !pidDependent) {
            for (int j = 0; j < e; j++) {
                if (g.live[j] && g.space[j] == space && g.tid[j] != 0
                        && GuestTlb.overlaps(page, TranslationCache.PAGE_MASK, g.base[j], g.offsetMask[j])) {
                    bad.add(what + ": entry " + j + " (TID " + g.tid[j] + ") would take precedence under another PID, "
                            + "but the translation is not tracked as PID-dependent");
                }
            }
        }
        for (int sub = 0; sub < PAGE; sub += 1024) {
            int walked = g.lookup(page + sub, space, pid);
            if (walked != e) {
                bad.add(what + ": a direct walk translates 0x" + Integer.toHexString(page + sub) + " through entry "
                        + walked);
                break;
            }
        }
        int granted = sh.xwr(s);
        int allowed = g.permsFor(e, user);
        if ((granted & ~allowed) != 0) {
            bad.add(what + ": grants " + xwr(granted) + " where the entry allows " + xwr(allowed));
        }
        if (g.littleEndian[e]) {
            bad.add(what + ": a little-endian page is cached");
        }
        long physical = g.physical(e, page);
        if (physical != (sh.ramOffset(s) & 0xFFFFFFFFL)) {
            bad.add(what + ": maps RAM 0x" + Integer.toHexString(sh.ramOffset(s)) + " where the entry gives 0x"
                    + Long.toHexString(physical));
        }
        if (physical + PAGE > mmu.ramSize) {
            bad.add(what + ": physical page 0x" + Long.toHexString(physical) + " is not RAM");
        }
        if (sh.resident && (cache.readTag[s] != sh.tag(s, 1) || cache.writeTag[s] != sh.tag(s, 2)
                || cache.execTag[s] != sh.tag(s, 4) || cache.ramOffset[s] != sh.ramOffset(s))) {
            bad.add(what + ": the cache differs from the shadow TLB's record");
        }
    }

    private static String xwr(int bits) {
        return ((bits & 4) != 0 ? "x" : "-") + ((bits & 2) != 0 ? "w" : "-") + ((bits & 1) != 0 ? "r" : "-");
    }
}
