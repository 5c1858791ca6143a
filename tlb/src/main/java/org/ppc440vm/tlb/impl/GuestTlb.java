package org.ppc440vm.tlb.impl;

import static org.ppc440vm.tlb.spi.Mmu440.GUEST_TLB_ENTRIES;
import static org.ppc440vm.tlb.spi.Mmu440.MMUCR_IMPLEMENTED;
import static org.ppc440vm.tlb.spi.Mmu440.MMUCR_STID;
import static org.ppc440vm.tlb.spi.Mmu440.MMUCR_STS;
import static org.ppc440vm.tlb.spi.Mmu440.TLB0_EPN;
import static org.ppc440vm.tlb.spi.Mmu440.TLB0_SIZE;
import static org.ppc440vm.tlb.spi.Mmu440.TLB0_SIZE_SHIFT;
import static org.ppc440vm.tlb.spi.Mmu440.TLB0_TS;
import static org.ppc440vm.tlb.spi.Mmu440.TLB0_V;
import static org.ppc440vm.tlb.spi.Mmu440.TLB1_ERPN;
import static org.ppc440vm.tlb.spi.Mmu440.TLB1_RPN;
import static org.ppc440vm.tlb.spi.Mmu440.TLB2_E;

/**
 * The guest TLB: the 440's 64-entry unified TLB exactly as the guest wrote it, plus, per entry, the fields the miss
 * path needs already decoded (recomputed at every {@code tlbwe}, never on a translation).
 *
 * <p>Sizes: the 440 implements SIZE 0 (1 KiB), 1, 2, 3, 4, 5, 7 and 9 (256 MiB). The reserved encodings 6 and 8 are
 * translated as Book E defines them (4 MiB, 64 MiB), as QEMU does; 10-15 (1 GiB and more, which no 440 has) make an
 * entry that never matches. Every encoding is stored and read back as written.
 *
 * <p>Overlapping valid entries are undefined on the 440; here the lowest-numbered matching entry wins, for
 * translation and {@code tlbsx} alike.
 */
final class GuestTlb {
    /** Word bits the 440 stores; parity (TPAR, PAR1, PAR2) and reserved bits read 0. */
    static final int WORD0_STORED = TLB0_EPN | TLB0_V | TLB0_TS | TLB0_SIZE;
    static final int WORD1_STORED = TLB1_RPN | TLB1_ERPN;
    static final int WORD2_STORED = 0xFFBF;
    static final int LARGEST_SIZE_CODE = 9;

    // as written
    final int[] word0 = new int[GUEST_TLB_ENTRIES];
    final int[] word1 = new int[GUEST_TLB_ENTRIES];
    final int[] word2 = new int[GUEST_TLB_ENTRIES];
    final int[] tid = new int[GUEST_TLB_ENTRIES];
    int mmucr;

    // decoded, for the miss path
    /** V set and a size that translates. */
    final boolean[] live = new boolean[GUEST_TLB_ENTRIES];
    /** TS: the address space (0/1) the entry translates. */
    final int[] space = new int[GUEST_TLB_ENTRIES];
    /** Page size - 1: the offset bits within the page. */
    final int[] offsetMask = new int[GUEST_TLB_ENTRIES];
    /** First effective address of the page (EPN with the offset bits cleared). */
    final int[] base = new int[GUEST_TLB_ENTRIES];
    /** 36-bit physical address of the page (ERPN, then RPN with the offset bits cleared). */
    final long[] physBase = new long[GUEST_TLB_ENTRIES];
    /** UX UW UR SX SW SR. */
    final int[] perms = new int[GUEST_TLB_ENTRIES];
    final boolean[] littleEndian = new boolean[GUEST_TLB_ENTRIES];
    /**
     * What the miss path's walk compares first, packed into one int so that an entry it passes over costs two loads:
     * {@link #base} (whose low 10 bits are always clear) with {@link #KEY_LIVE} if the entry is live and
     * {@link #KEY_AS1} if it translates address space 1. An entry that is not live has key 0.
     */
    final int[] matchKey = new int[GUEST_TLB_ENTRIES];
    static final int KEY_LIVE = 0x200;
    static final int KEY_AS1 = 0x100;
    static final int KEY_FLAGS = KEY_LIVE | KEY_AS1;

    /** Writes one word; returns true if anything a translation depends on changed. */
    boolean write(int index, int word, int value) {
        boolean wasLive = live[index];
        int oldTid = tid[index];
        switch (word) {
            case 0:
                word0[index] = value & WORD0_STORED;
                tid[index] = mmucr & MMUCR_STID;
                break;
            case 1:
                word1[index] = value & WORD1_STORED;
                break;
            case 2:
                word2[index] = value & WORD2_STORED;
                break;
            default:
                return false;
        }
        boolean changed = decode(index);
        return changed || (oldTid != tid[index] && (wasLive || live[index]));
    }

    int read(int index, int word) {
        switch (word) {
            case 0:
                mmucr = (mmucr & ~MMUCR_STID) | tid[index];
                return word0[index];
            case 1:
                return word1[index];
            case 2:
                return word2[index];
            default:
                return 0;
        }
    }

    void setMmucr(int value) {
        mmucr = value & MMUCR_IMPLEMENTED;
    }

    /** tlbsx: the lowest live entry translating {@code ea} for MMUCR[STS] and MMUCR[STID], or -1. */
    int search(int ea) {
        int as = (mmucr & MMUCR_STS) != 0 ? 1 : 0;
        return lookup(ea, as, mmucr & MMUCR_STID);
    }

    /** The entry that translates {@code ea} in address space {@code as} for {@code pid}: the lowest match, or -1. */
    int lookup(int ea, int as, int pid) {
        for (int i = 0; i < GUEST_TLB_ENTRIES; i++) {
            if (matches(i, ea, as, pid)) {
                return i;
            }
        }
        return -1;
    }

    boolean matches(int i, int ea, int as, int pid) {
        return live[i] && space[i] == as && (tid[i] == 0 || tid[i] == pid) && ((ea ^ base[i]) & ~offsetMask[i]) == 0;
    }

    /** The permission bits (X=4, W=2, R=1) entry {@code i} gives at guest privilege {@code user}. */
    int permsFor(int i, boolean user) {
        return user ? (perms[i] >>> 3) & 7 : perms[i] & 7;
    }

    /** The 36-bit physical address of {@code ea} through entry {@code i}. */
    long physical(int i, int ea) {
        return physBase[i] | (ea & offsetMask[i]);
    }

    void clear() {
        for (int i = 0; i < GUEST_TLB_ENTRIES; i++) {
            word0[i] = 0;
            word1[i] = 0;
            word2[i] = 0;
            tid[i] = 0;
            decode(i);
        }
        mmucr = 0;
    }

    /** Recomputes the decoded fields of entry {@code i}; true if they changed (TID aside: see {@link #write}). */
    boolean decode(int i) {
        int w0 = word0[i];
        int sizeCode = (w0 & TLB0_SIZE) >>> TLB0_SIZE_SHIFT;
        boolean nowLive = (w0 & TLB0_V) != 0 && sizeCode <= LARGEST_SIZE_CODE;
        int nowSpace = (w0 & TLB0_TS) != 0 ? 1 : 0;
        int nowOffsetMask = sizeCode <= LARGEST_SIZE_CODE ? (1024 << (2 * sizeCode)) - 1 : 0;
        int nowBase = w0 & TLB0_EPN & ~nowOffsetMask;
        int w1 = word1[i];
        long nowPhys = ((long) (w1 & TLB1_ERPN) << 32) | ((w1 & TLB1_RPN & ~nowOffsetMask) & 0xFFFFFFFFL);
        int nowPerms = word2[i] & 0x3F;
        boolean nowLe = (word2[i] & TLB2_E) != 0;
        boolean changed = nowLive != live[i];
        if (nowLive || live[i]) {
            changed |= nowSpace != space[i] || nowOffsetMask != offsetMask[i] || nowBase != base[i]
                    || nowPhys != physBase[i] || nowPerms != perms[i] || nowLe != littleEndian[i];
        }
        live[i] = nowLive;
        space[i] = nowSpace;
        offsetMask[i] = nowOffsetMask;
        base[i] = nowBase;
        physBase[i] = nowPhys;
        perms[i] = nowPerms;
        littleEndian[i] = nowLe;
        matchKey[i] = nowLive ? nowBase | KEY_LIVE | (nowSpace != 0 ? KEY_AS1 : 0) : 0;
        return changed;
    }

    /** Whether two naturally aligned power-of-two ranges (given by base and size - 1) share an address. */
    static boolean overlaps(int baseA, int offsetMaskA, int baseB, int offsetMaskB) {
        int m = offsetMaskA | offsetMaskB;
        return ((baseA ^ baseB) & ~m) == 0;
    }
}
