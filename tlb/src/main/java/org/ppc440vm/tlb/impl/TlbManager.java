package org.ppc440vm.tlb.impl;

import static org.ppc440vm.tlb.spi.Mmu440.GUEST_TLB_ENTRIES;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.TranslationCache;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuCounters;

/**
 * The three-tier TLB of one vCPU: {@link GuestTlb} (what the guest sees), {@link ShadowTlb} (what the CPU
 * translates with) and the host tier ({@link ShadowTlb#save()}/{@link ShadowTlb#restore()}, driven by
 * {@link HostThreadTlb} when several vCPUs share a host thread).
 *
 * <h2>Translation contexts, and why a supervisor context carries no PID</h2>
 * The CPU tags each look-up with a 12-bit context from {@link CpuState#fetchContext}/{@link CpuState#dataContext},
 * which this class computes: {@code PR<<9 | AS<<8 | PID} for the guest's user mode, as the CPU SPI suggests, but
 * {@code 1<<10 | AS<<8}, PID left out, for the guest's supervisor mode.
 *
 * <p>The reason is KUAP: Linux writes PID on every kernel entry and exit and around every user copy (PID 0 in the
 * kernel, the process's PID while it copies from or to user memory). Kernel text, data and stacks sit in TID 0
 * entries, which match every PID. With the PID in the tag, each of those writes would move the kernel into a context
 * where none of its translations exist yet, so every kernel page touched during a copy would be refilled, and again
 * after it. Without it, supervisor translations survive PID changes; the few that really depend on the PID are
 * listed and dropped when it changes: those from an entry with TID != 0 (the user pages the kernel touches during a
 * copy), and those from a TID 0 entry that a lower-numbered TID != 0 entry overlaps (under another PID that entry
 * would win). On the synthetic Linux-like workload of the tests this removes about 40% of the shadow TLB's own
 * misses. User contexts keep the PID in the tag: user mode cannot change PID, so nothing there is lost, and a
 * process switch costs nothing (the old process's translations stay, tagged with its PID, for when it runs again).
 *
 * <p>MSR[IS]/MSR[DS] and MSR[PR] are in the tag, so changing them invalidates nothing. MMUCR only steers
 * tlbsx and tlbwe, so it never invalidates anything either.
 *
 * <h2>Precise invalidation</h2>
 * A tlbwe that changes something a translation depends on drops the translations that came from that entry, and,
 * if the new entry is valid, those of higher-numbered entries it overlaps (it now takes precedence over them). A
 * write that changes nothing relevant (the same value again, U0-U3, WIMG) invalidates nothing.
 *
 * <h2>Pages the cache cannot hold</h2>
 * A 1 KiB page (or a 4 KiB page that a 1 KiB entry of higher precedence shares) is never cached: each access goes
 * through {@link #miss} and comes back {@link #DIRECT} ({@code direct_1k}). A page outside RAM comes back
 * {@link #MMIO}. A little-endian (E=1) page cannot be expressed in the translation SPI and is refused as an internal
 * error rather than accessed with the wrong byte order.
 */
final class TlbManager implements Mmu440 {
    private static final Logger LOG = Logger.getLogger(TlbManager.class.getName());

    static final int CONTEXT_USER = 1 << 9;
    static final int CONTEXT_AS1 = 1 << 8;
    static final int CONTEXT_PID = 0xFF;
    /**
     * Marks a supervisor context. {@link CpuState#updateContexts()} never sets this bit, so if a caller recomputes the
     * contexts that way instead of calling {@link #contextChanged()}, no supervisor look-up can hit a translation
     * made for another PID: they all miss, and the miss path puts the contexts (and the shadow TLB) right. The
     * largest context is then 0x5FF, so a tag still never equals {@link TranslationCache#INVALID}.
     */
    static final int CONTEXT_SUPERVISOR = 1 << 10;

    private static final int PERM_R = 1;
    private static final int PERM_W = 2;
    private static final int PERM_X = 4;

    final CpuState state;
    final TranslationCache cache;
    /** Guest-physical addresses below this are RAM. */
    final long ramSize;
    final GuestTlb guest = new GuestTlb();
    final ShadowTlb shadow;
    /** The host thread tier this MMU is scheduled through, or null when it owns its cache alone. */
    final HostThreadTlb host;
    /** The PID the supervisor translations in the shadow TLB were made for. */
    int shadowPid;
    private boolean checking;

    long itlbVirtual;
    long itlbReal;
    long dtlbVirtual;
    long dtlbReal;
    long isi;
    long dsi;
    long mmio;
    long direct1k;
    long littleEndian;
    long multiHit;
    long tlbwe;
    long checks;

    TlbManager(CpuState state, TranslationCache cache, GuestRam ram, HostThreadTlb host) {
        this.state = state;
        this.cache = cache;
        this.ramSize = ram.size();
        this.host = host;
        this.shadow = new ShadowTlb(cache);
        if (host == null) {
            cache.flush(); // we own it: nothing in it may predate us
        } else {
            shadow.resident = false; // the host tier makes us resident
        }
        shadowPid = state.pid & CONTEXT_PID;
        setContexts();
    }

    // ---- contexts ----

    static int context(int msr, int spaceBit, int pid) {
        int space = (msr & spaceBit) != 0 ? CONTEXT_AS1 : 0;
        return (msr & CpuState.MSR_PR) != 0 ? CONTEXT_USER | space | (pid & CONTEXT_PID) : CONTEXT_SUPERVISOR | space;
    }

    static boolean contextIsUser(int ctx) {
        return (ctx & CONTEXT_USER) != 0;
    }

    static int contextSpace(int ctx) {
        return (ctx & CONTEXT_AS1) != 0 ? 1 : 0;
    }

    static int contextPid(int ctx) {
        return ctx & CONTEXT_PID;
    }

    private void setContexts() {
        state.fetchContext = context(state.msr, CpuState.MSR_IS, state.pid);
        state.dataContext = context(state.msr, CpuState.MSR_DS, state.pid);
    }

    @Override
    public void contextChanged() {
        int pid = state.pid & CONTEXT_PID;
        if (pid != shadowPid) {
            shadow.invalidatePidDependent();
            shadowPid = pid;
        }
        setContexts();
        if (checking) {
            enforceConsistency("context change", -1, 0, 0);
        }
    }

    /**
     * Guards the miss path against a caller that changed PID or MSR and recomputed the contexts with
     * {@link CpuState#updateContexts()} instead of telling us: the contexts would then never match what we install.
     */
    private void syncContexts(CpuState st) {
        int pid = st.pid & CONTEXT_PID;
        if (pid != shadowPid || st.fetchContext != context(st.msr, CpuState.MSR_IS, pid)
                || st.dataContext != context(st.msr, CpuState.MSR_DS, pid)) {
            contextChanged();
        }
    }

    // ---- the miss path ----

    @Override
    public int miss(CpuState st, int ea, int kind) {
        if (!shadow.resident) {
            reclaim();
        }
        syncContexts(st);
        boolean fetch = kind == FETCH;
        int msr = st.msr;
        int space = (msr & (fetch ? CpuState.MSR_IS : CpuState.MSR_DS)) != 0 ? 1 : 0;
        boolean user = (msr & CpuState.MSR_PR) != 0;
        int pid = st.pid & CONTEXT_PID;
        int page = ea & ~TranslationCache.PAGE_MASK;

        // One pass over the guest TLB: the winner (lowest matching entry), and what decides whether the 4 KiB page
        // around ea may be cached: a 1 KiB entry of higher precedence inside the page (then it may not), or a TID
        // entry of another PID of higher precedence (then, in a supervisor context, it depends on the PID).
        GuestTlb g = guest;
        int[] keys = g.matchKey;
        int[] masks = g.offsetMask;
        int wanted = GuestTlb.KEY_LIVE | (space != 0 ? GuestTlb.KEY_AS1 : 0);
        int winner = -1;
        boolean sharedWith1k = false;
        boolean otherPidAhead = false;
        for (int i = 0; i < GUEST_TLB_ENTRIES; i++) {
            int key = keys[i];
            if ((key & GuestTlb.KEY_FLAGS) != wanted) {
                continue; // not live, or another address space
            }
            int mask = masks[i];
            if (((page ^ key) & ~(mask | TranslationCache.PAGE_MASK)) != 0) {
                continue; // not in this 4 KiB page (the flag bits are below every mask)
            }
            int tid = g.tid[i];
            boolean tidMatches = tid == 0 || tid == pid;
            boolean coversEa = ((ea ^ key) & ~mask) == 0;
            if (winner < 0) {
                if (!tidMatches) {
                    otherPidAhead = true;
                } else if (coversEa) {
                    winner = i;
                } else {
                    sharedWith1k = true; // only a page smaller than 4 KiB can overlap the page and miss ea
                }
            } else if (tidMatches && coversEa) {
                multiHit++;
                break;
            }
        }

        if (winner < 0) {
            if (fetch) {
                itlbReal++;
                st.trap = ExitReason.INSTRUCTION_TLB_MISS;
                st.trapEsr = 0;
            } else {
                dtlbReal++;
                st.trap = ExitReason.DATA_TLB_MISS;
                st.trapEsr = kind == STORE ? CpuState.ESR_ST : 0;
            }
            st.trapAddress = ea;
            return FAULT;
        }

        int xwr = g.permsFor(winner, user);
        int needed = fetch ? PERM_X : kind == STORE ? PERM_W : PERM_R;
        if ((xwr & needed) == 0) {
            if (fetch) {
                isi++;
                st.trap = ExitReason.INSTRUCTION_STORAGE;
                st.trapEsr = 0;
            } else {
                dsi++;
                st.trap = ExitReason.DATA_STORAGE;
                st.trapEsr = kind == STORE ? CpuState.ESR_ST : 0;
            }
            st.trapAddress = ea;
            return FAULT;
        }
        if (g.littleEndian[winner]) {
            // The translation SPI has no byte-order bit: refuse loudly rather than access the page big-endian.
            littleEndian++;
            st.trap = ExitReason.INTERNAL_ERROR;
            st.trapEsr = 0;
            st.trapAddress = ea;
            return FAULT;
        }

        long physical = g.physical(winner, ea);
        if (physical >= ramSize) { // also every ERPN != 0 address: RAM lives below 4 GiB
            mmio++;
            st.trapPhysical = physical;
            return MMIO;
        }
        if (g.offsetMask[winner] < TranslationCache.PAGE_MASK || sharedWith1k) {
            direct1k++;
            st.trapPhysical = physical;
            return DIRECT;
        }
        int ctx = fetch ? st.fetchContext : st.dataContext;
        boolean dependsOnPid = !user && (g.tid[winner] != 0 || otherPidAhead);
        shadow.install(ea, ctx, (int) (physical & ~TranslationCache.PAGE_MASK), xwr, winner, dependsOnPid);
        if (fetch) {
            itlbVirtual++;
        } else {
            dtlbVirtual++;
        }
        return REFILLED;
    }

    private void reclaim() {
        if (host != null) {
            host.switchTo(this);
        } else {
            restoreShadow();
        }
    }

    // ---- guest TLB instructions ----

    @Override
    public void tlbwe(int index, int word, int value) {
        int i = index & (GUEST_TLB_ENTRIES - 1);
        tlbwe++;
        if (guest.write(i, word, value)) {
            shadow.invalidateEntry(i);
            if (guest.live[i]) {
                shadow.invalidateOverridden(guest, i);
            }
            if (checking) {
                enforceConsistency("tlbwe", i, word, value);
            }
        }
    }

    @Override
    public int tlbre(int index, int word) {
        return guest.read(index & (GUEST_TLB_ENTRIES - 1), word);
    }

    @Override
    public int tlbsx(int ea) {
        return guest.search(ea);
    }

    @Override
    public int mmucr() {
        return guest.mmucr;
    }

    @Override
    public void setMmucr(int value) {
        guest.setMmucr(value);
    }

    // ---- whole-TLB operations ----

    @Override
    public void reset() {
        guest.clear();
        shadow.flushAll();
    }

    @Override
    public int[] exportGuestTlb() {
        int[] image = new int[GUEST_TLB_ENTRIES * 4 + 1];
        for (int i = 0; i < GUEST_TLB_ENTRIES; i++) {
            image[4 * i] = guest.word0[i];
            image[4 * i + 1] = guest.word1[i];
            image[4 * i + 2] = guest.word2[i];
            image[4 * i + 3] = guest.tid[i];
        }
        image[GUEST_TLB_ENTRIES * 4] = guest.mmucr;
        return image;
    }

    @Override
    public void importGuestTlb(int[] image) {
        if (image.length != GUEST_TLB_ENTRIES * 4 + 1) {
            throw new IllegalArgumentException("a guest TLB image has " + (GUEST_TLB_ENTRIES * 4 + 1) + " ints, not "
                    + image.length);
        }
        for (int i = 0; i < GUEST_TLB_ENTRIES; i++) {
            guest.word0[i] = image[4 * i] & GuestTlb.WORD0_STORED;
            guest.word1[i] = image[4 * i + 1] & GuestTlb.WORD1_STORED;
            guest.word2[i] = image[4 * i + 2] & GuestTlb.WORD2_STORED;
            guest.tid[i] = image[4 * i + 3] & MMUCR_STID;
            guest.decode(i);
        }
        guest.setMmucr(image[GUEST_TLB_ENTRIES * 4]);
        shadow.flushAll();
    }

    // ---- shadow and host tiers ----

    @Override
    public void flushShadow() {
        shadow.flushAll();
    }

    @Override
    public void saveShadow() {
        if (host != null && host.resident() == this) {
            host.release();
        } else {
            shadow.save();
        }
    }

    /** The host tier's own save, which does not go back through the host. */
    void saveShadowForHost() {
        shadow.save();
    }

    @Override
    public void restoreShadow() {
        if (host != null) {
            host.switchTo(this);
        } else {
            restoreShadowForHost();
        }
    }

    void restoreShadowForHost() {
        shadow.restore();
        if (checking) {
            enforceConsistency("host TLB restore", -1, 0, 0);
        }
    }

    @Override
    public boolean shadowResident() {
        return shadow.resident;
    }

    @Override
    public int shadowEntries() {
        return shadow.live;
    }

    // ---- checking and statistics ----

    @Override
    public List<String> checkConsistency() {
        return ConsistencyChecker.check(this);
    }

    @Override
    public void setConsistencyChecking(boolean enabled) {
        checking = enabled;
        if (enabled) {
            enforceConsistency("check enabled", -1, 0, 0);
        }
    }

    boolean consistencyChecking() {
        return checking;
    }

    /** Runs the check; {@code index} >= 0 names the tlbwe (index, word, value) it follows. */
    private void enforceConsistency(String after, int index, int word, int value) {
        checks++;
        List<String> violations = checkConsistency();
        if (!violations.isEmpty()) {
            String change = index < 0 ? after : after + " " + index + "," + word + " = 0x" + Integer.toHexString(value);
            String message = "TLB inconsistent after " + change + " (pc 0x" + Integer.toHexString(state.pc) + "): "
                    + String.join("; ", violations.subList(0, Math.min(8, violations.size())))
                    + (violations.size() > 8 ? "; and " + (violations.size() - 8) + " more" : "");
            LOG.severe(message);
            throw new IllegalStateException(message);
        }
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put(MmuCounters.ITLB_VIRTUAL, itlbVirtual);
        c.put(MmuCounters.ITLB_REAL, itlbReal);
        c.put(MmuCounters.DTLB_VIRTUAL, dtlbVirtual);
        c.put(MmuCounters.DTLB_REAL, dtlbReal);
        c.put(MmuCounters.ISI, isi);
        c.put(MmuCounters.DSI, dsi);
        c.put(MmuCounters.MMIO, mmio);
        c.put(MmuCounters.DIRECT_1K, direct1k);
        c.put(MmuCounters.LITTLE_ENDIAN, littleEndian);
        c.put(MmuCounters.MULTI_HIT, multiHit);
        c.put(MmuCounters.GUEST_TLB_WRITES, tlbwe);
        c.put(MmuCounters.SHADOW_EVICTIONS, shadow.evictions);
        c.put(MmuCounters.SHADOW_INVALIDATIONS, shadow.invalidations);
        c.put(MmuCounters.OVERRIDE_SCANS, shadow.overrideScans);
        c.put(MmuCounters.PID_INVALIDATIONS, shadow.pidInvalidations);
        c.put(MmuCounters.HOST_SAVES, shadow.saves);
        c.put(MmuCounters.HOST_RESTORES, shadow.restores);
        c.put(MmuCounters.HOST_RESTORED_ENTRIES, shadow.restoredEntries);
        c.put(MmuCounters.CHECKS, checks);
        return c;
    }
}
