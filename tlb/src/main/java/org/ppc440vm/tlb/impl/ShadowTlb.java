package org.ppc440vm.tlb.impl;

import static org.ppc440vm.cpu.spi.TranslationCache.INVALID;
import static org.ppc440vm.tlb.spi.Mmu440.GUEST_TLB_ENTRIES;

import org.ppc440vm.cpu.spi.TranslationCache;

/**
 * The shadow TLB of one vCPU: the 4 KiB translations it has put into the CPU's {@link TranslationCache}, and the
 * bookkeeping that lets them be invalidated precisely and moved out of and back into the cache (the host tier).
 *
 * <p>The cache is direct-mapped, so the replacement policy is fixed by the effective page: a refill evicts whatever
 * the page's slot held. That keeps the CPU's look-up one index and one compare, and a refill O(1).
 *
 * <p>Per slot we keep a record: the guest entry the translation came from, linked into that entry's list (an
 * intrusive doubly linked list, so nothing is allocated), the effective page and context it was installed for, its
 * permissions and RAM offset (from which the host tier rewrites the cache at a restore), and its place in
 * {@link #pidDependent} if it is a supervisor translation that depends on the current PID (see {@link TlbManager}
 * for the context scheme). The records are packed eight ints to a slot in one array, so that a refill, which lands on
 * a random slot and unlinks its old occupant, touches a few cache lines rather than one per field.
 */
final class ShadowTlb {
    static final int NONE = -1;

    // the fields of a slot's record
    static final int SOURCE = 0;
    static final int NEXT = 1;
    static final int PREV = 2;
    static final int PAGE = 3;
    static final int CONTEXT = 4;
    /** Position in {@link #pidDependent}, or {@link #NONE}. */
    static final int PID_AT = 5;
    static final int RAM_OFFSET = 6;
    /** Permissions granted: X=4, W=2, R=1. */
    static final int XWR = 7;
    static final int RECORD = 8;

    final TranslationCache cache;
    final int slots;
    /** Slot {@code s}'s record is {@code records[s * RECORD + field]}; SOURCE is {@link #NONE} for an empty slot. */
    final int[] records;
    final int[] pidDependent;
    int pidDependentCount;
    /** First slot of each guest entry's list. */
    final int[] head = new int[GUEST_TLB_ENTRIES];
    int live;
    /** True while our translations are in the cache (false between a host-tier save and restore). */
    boolean resident = true;

    long evictions;
    long invalidations;
    /** Translations {@link #invalidateOverridden} examined ({@code shadow_override_scans}). */
    long overrideScans;
    long pidInvalidations;
    long saves;
    long restores;
    long restoredEntries;

    ShadowTlb(TranslationCache cache) {
        this.cache = cache;
        slots = cache.size;
        records = new int[slots * RECORD];
        for (int s = 0; s < slots; s++) {
            int r = s * RECORD;
            records[r + SOURCE] = NONE;
            records[r + NEXT] = NONE;
            records[r + PREV] = NONE;
            records[r + PID_AT] = NONE;
        }
        pidDependent = new int[slots];
        java.util.Arrays.fill(head, NONE);
    }

    int source(int s) {
        return records[s * RECORD + SOURCE];
    }

    int next(int s) {
        return records[s * RECORD + NEXT];
    }

    int page(int s) {
        return records[s * RECORD + PAGE];
    }

    int context(int s) {
        return records[s * RECORD + CONTEXT];
    }

    int ramOffset(int s) {
        return records[s * RECORD + RAM_OFFSET];
    }

    int xwr(int s) {
        return records[s * RECORD + XWR];
    }

    boolean pidDependent(int s) {
        return records[s * RECORD + PID_AT] != NONE;
    }

    int pidDependentAt(int s) {
        return records[s * RECORD + PID_AT];
    }

    /** The tag of kind {@code bit} (X=4, W=2, R=1) that slot {@code s} puts into the cache. */
    int tag(int s, int bit) {
        int r = s * RECORD;
        return (records[r + XWR] & bit) != 0 ? TranslationCache.tag(records[r + PAGE], records[r + CONTEXT]) : INVALID;
    }

    /**
     * Puts the translation of {@code ea}'s page in {@code ctx} into the cache: RAM page at {@code ramPageOffset},
     * permissions {@code xwr} (X=4, W=2, R=1), from guest entry {@code entry}.
     */
    void install(int ea, int ctx, int ramPageOffset, int xwr, int entry, boolean dependsOnPid) {
        int s = cache.index(ea);
        int r = s * RECORD;
        int pg = ea & ~TranslationCache.PAGE_MASK;
        int[] rec = records;
        if (rec[r + SOURCE] != NONE) {
            if (rec[r + PAGE] != pg || rec[r + CONTEXT] != ctx) {
                evictions++;
            }
            drop(s);
        }
        rec[r + PAGE] = pg;
        rec[r + CONTEXT] = ctx;
        rec[r + RAM_OFFSET] = ramPageOffset;
        rec[r + XWR] = xwr;
        link(s, entry);
        if (dependsOnPid) {
            rec[r + PID_AT] = pidDependentCount;
            pidDependent[pidDependentCount++] = s;
        }
        int tag = TranslationCache.tag(pg, ctx);
        cache.readTag[s] = (xwr & 1) != 0 ? tag : INVALID;
        cache.writeTag[s] = (xwr & 2) != 0 ? tag : INVALID;
        cache.execTag[s] = (xwr & 4) != 0 ? tag : INVALID;
        cache.ramOffset[s] = ramPageOffset;
    }

    /** Drops every translation that came from guest entry {@code entry}. */
    void invalidateEntry(int entry) {
        for (int s = head[entry]; s != NONE; s = head[entry]) {
            drop(s);
            invalidations++;
        }
    }

    /**
     * Guest entry {@code entry} of {@code guest} was written (its range, address space and TID are the new ones):
     * translations that came from higher-numbered entries and that it now takes precedence over go. A user-context translation
     * survives if the new entry's TID cannot match its PID; supervisor contexts carry no PID, so there any overlap
     * counts.
     */
    void invalidateOverridden(GuestTlb guest, int entry) {
        int base = guest.base[entry];
        int offsetMask = guest.offsetMask[entry];
        int space = guest.space[entry];
        int tid = guest.tid[entry];
        for (int e = entry + 1; e < GUEST_TLB_ENTRIES; e++) {
            // Every translation of entry e lies in e's range and address space (any change to e drops them all), so
            // an entry the new one cannot overlap is passed over without walking its list. Linux's miss handler
            // writes a low entry on every TLB miss, and the kernel's pinned 256 MiB entries above it hold thousands
            // of translations: walking them slot by slot made tlbwe the costliest exit of a boot.
            if (head[e] == NONE || guest.space[e] != space
                    || !GuestTlb.overlaps(guest.base[e], guest.offsetMask[e], base, offsetMask)) {
                continue;
            }
            for (int s = head[e]; s != NONE;) {
                overrideScans++;
                int following = next(s);
                int ctx = context(s);
                if (GuestTlb.overlaps(page(s), TranslationCache.PAGE_MASK, base, offsetMask)
                        && TlbManager.contextSpace(ctx) == space
                        && (tid == 0 || !TlbManager.contextIsUser(ctx) || TlbManager.contextPid(ctx) == tid)) {
                    drop(s);
                    invalidations++;
                }
                s = following;
            }
        }
    }

    /** The PID changed: supervisor translations that depended on the old one go. */
    void invalidatePidDependent() {
        while (pidDependentCount > 0) {
            drop(pidDependent[pidDependentCount - 1]);
            pidInvalidations++;
        }
    }

    /** Drops everything. */
    void flushAll() {
        for (int e = 0; e < GUEST_TLB_ENTRIES; e++) {
            for (int s = head[e]; s != NONE; s = head[e]) {
                drop(s);
            }
        }
    }

    /** Host tier: our translations leave the cache (our records keep them). */
    void save() {
        if (!resident) {
            return;
        }
        for (int e = 0; e < GUEST_TLB_ENTRIES; e++) {
            for (int s = head[e]; s != NONE; s = next(s)) {
                clearCacheSlot(s);
            }
        }
        resident = false;
        saves++;
    }

    /** Host tier: our translations go back into the cache, as they were. */
    void restore() {
        if (resident) {
            return;
        }
        for (int e = 0; e < GUEST_TLB_ENTRIES; e++) {
            for (int s = head[e]; s != NONE; s = next(s)) {
                cache.readTag[s] = tag(s, 1);
                cache.writeTag[s] = tag(s, 2);
                cache.execTag[s] = tag(s, 4);
                cache.ramOffset[s] = ramOffset(s);
                restoredEntries++;
            }
        }
        resident = true;
        restores++;
    }

    private void drop(int s) {
        unlink(s);
        int[] rec = records;
        int at = rec[s * RECORD + PID_AT];
        if (at != NONE) {
            int last = pidDependent[--pidDependentCount];
            pidDependent[at] = last;
            rec[last * RECORD + PID_AT] = at;
            rec[s * RECORD + PID_AT] = NONE;
        }
        if (resident) {
            clearCacheSlot(s);
        }
    }

    private void clearCacheSlot(int s) {
        cache.readTag[s] = INVALID;
        cache.writeTag[s] = INVALID;
        cache.execTag[s] = INVALID;
    }

    private void link(int s, int entry) {
        int[] rec = records;
        int r = s * RECORD;
        int first = head[entry];
        rec[r + SOURCE] = entry;
        rec[r + PREV] = NONE;
        rec[r + NEXT] = first;
        if (first != NONE) {
            rec[first * RECORD + PREV] = s;
        }
        head[entry] = s;
        live++;
    }

    private void unlink(int s) {
        int[] rec = records;
        int r = s * RECORD;
        int before = rec[r + PREV];
        int after = rec[r + NEXT];
        if (before != NONE) {
            rec[before * RECORD + NEXT] = after;
        } else {
            head[rec[r + SOURCE]] = after;
        }
        if (after != NONE) {
            rec[after * RECORD + PREV] = before;
        }
        rec[r + SOURCE] = NONE;
        rec[r + NEXT] = NONE;
        rec[r + PREV] = NONE;
        live--;
    }
}
