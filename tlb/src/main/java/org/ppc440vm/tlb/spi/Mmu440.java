package org.ppc440vm.tlb.spi;

import java.util.List;
import java.util.Map;

import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.MissHandler;

/**
 * The three-tier TLB of one vCPU: the guest TLB (what the guest wrote, 64 entries), the shadow TLB (the 4 KiB
 * translations the CPU uses, filled on demand) and the host tier (saved and restored when a host thread switches
 * vCPUs). kvm-core calls the {@code tlb*} methods when it emulates those instructions; the CPU calls
 * {@link #miss} when its translation cache misses.
 *
 * <p>All methods are called on the thread running the vCPU, except {@link #counters()}, which any thread may call
 * (the values may then lag by a few events).
 *
 * <h2>Contract with kvm-core</h2>
 * <ul>
 * <li>After every change of {@link CpuState#pid} or of MSR[PR], MSR[IS] or MSR[DS] (mtspr PID, mtmsr, rfi,
 * interrupt delivery) kvm-core calls {@link #contextChanged()}, <em>not</em> {@link CpuState#updateContexts()}:
 * the MMU owns the translation contexts the CPU tags its look-ups with (see the implementation's notes on why a
 * supervisor context does not carry the PID).</li>
 * <li>{@link #miss} sets, on {@link MissHandler#FAULT}: {@link CpuState#trap} (INSTRUCTION_TLB_MISS,
 * DATA_TLB_MISS, INSTRUCTION_STORAGE, DATA_STORAGE, or INTERNAL_ERROR for a page the SPI cannot serve, such as a
 * little-endian page), {@link CpuState#trapAddress} (the effective address: DEAR for data interrupts; kvm-core does
 * not write DEAR for instruction interrupts) and {@link CpuState#trapEsr} (ESR[ST] for stores; kvm-core writes ESR
 * for data TLB miss and both storage interrupts, never for an instruction TLB miss, which leaves ESR alone).</li>
 * </ul>
 */
public interface Mmu440 extends MissHandler {

    // ---- guest TLB: the 440's three words per entry (IBM bit numbering in the comments) ----
    /** Word 0 (PAGEID): EPN, bits 0:21. */
    int TLB0_EPN = 0xFFFFFC00;
    /** Word 0: V, bit 22. */
    int TLB0_V = 0x00000200;
    /** Word 0: TS, bit 23. */
    int TLB0_TS = 0x00000100;
    /** Word 0: SIZE, bits 24:27; the page is 1 KiB &lt;&lt; (2 * SIZE). */
    int TLB0_SIZE = 0x000000F0;
    int TLB0_SIZE_SHIFT = 4;
    /** Word 1 (XLAT): RPN, bits 0:21. */
    int TLB1_RPN = 0xFFFFFC00;
    /** Word 1: ERPN, bits 28:31 (physical address bits 0:3 of a 36-bit address). */
    int TLB1_ERPN = 0x0000000F;
    /** Word 2 (ATTRIB): U0-U3, W, I, M, G, E, then UX, UW, UR, SX, SW, SR. */
    int TLB2_U0 = 0x8000;
    int TLB2_U1 = 0x4000;
    int TLB2_U2 = 0x2000;
    int TLB2_U3 = 0x1000;
    int TLB2_W = 0x0800;
    int TLB2_I = 0x0400;
    int TLB2_M = 0x0200;
    int TLB2_G = 0x0100;
    int TLB2_E = 0x0080;
    int TLB2_UX = 0x0020;
    int TLB2_UW = 0x0010;
    int TLB2_UR = 0x0008;
    int TLB2_SX = 0x0004;
    int TLB2_SW = 0x0002;
    int TLB2_SR = 0x0001;

    /** SIZE encodings the 440 implements. */
    int SIZE_1K = 0;
    int SIZE_4K = 1;
    int SIZE_16K = 2;
    int SIZE_64K = 3;
    int SIZE_256K = 4;
    int SIZE_1M = 5;
    int SIZE_16M = 7;
    int SIZE_256M = 9;

    // ---- MMUCR (SPR 946) ----
    /** MMUCR[STID], bits 24:31: the TID tlbsx searches with and tlbwe word 0 writes. */
    int MMUCR_STID = 0x000000FF;
    /** MMUCR[STS], bit 15: the address space tlbsx searches. */
    int MMUCR_STS = 0x00010000;
    /** MMUCR[SWOA], bit 7; MMUCR[U1TE], bit 9; MMUCR[U2SWOAE], bit 10; MMUCR[DULXE], bit 12; MMUCR[IULXE], bit 13. */
    int MMUCR_SWOA = 0x01000000;
    int MMUCR_U1TE = 0x00400000;
    int MMUCR_U2SWOAE = 0x00200000;
    int MMUCR_DULXE = 0x00080000;
    int MMUCR_IULXE = 0x00040000;
    /** The MMUCR bits that exist; the others read 0. */
    int MMUCR_IMPLEMENTED =
            MMUCR_SWOA | MMUCR_U1TE | MMUCR_U2SWOAE | MMUCR_DULXE | MMUCR_IULXE | MMUCR_STS | MMUCR_STID;

    /** Entries in the 440's unified TLB. */
    int GUEST_TLB_ENTRIES = 64;

    /**
     * {@code tlbwe}: writes word {@code word} (0, 1, 2) of guest entry {@code index} (only its low 6 bits count,
     * as on the 440). Writing word 0 also sets the entry's TID from MMUCR[STID]. Bits the 440 does not implement
     * (the parity fields, reserved bits) are dropped. A word select other than 0-2 is an invalid form: ignored.
     */
    void tlbwe(int index, int word, int value);

    /**
     * {@code tlbre}: reads word {@code word} of guest entry {@code index}; reading word 0 also loads MMUCR[STID]
     * with the entry's TID. A word select other than 0-2 reads 0.
     */
    int tlbre(int index, int word);

    /**
     * {@code tlbsx}: the index of the valid entry translating {@code ea} in address space MMUCR[STS] for
     * TID MMUCR[STID] (an entry with TID 0 matches any STID), or -1. When several entries match (the guest wrote
     * overlapping entries, which the architecture leaves undefined) the lowest index wins, exactly as it does for
     * translation.
     */
    int tlbsx(int ea);

    int mmucr();

    /** {@code mtspr MMUCR}. No translation depends on MMUCR, so this never invalidates anything. */
    void setMmucr(int value);

    /**
     * The guest changed PID or MSR[PR/IS/DS]: the CPU state's contexts are recomputed and the translations that
     * depended on the old PID go.
     */
    void contextChanged();

    // ---- whole-TLB operations (reset, snapshots) ----

    /** All 64 entries invalid and zero, MMUCR 0, shadow TLB empty: the state after a core reset. */
    void reset();

    /** The guest TLB and MMUCR as 64 * 4 + 1 ints: word 0, word 1, word 2, TID per entry, then MMUCR. */
    int[] exportGuestTlb();

    /** Loads an image made by {@link #exportGuestTlb()} (a snapshot restore); the shadow TLB starts empty. */
    void importGuestTlb(int[] image);

    // ---- shadow and host tiers ----

    /** Drops every shadow translation of this vCPU (the next accesses refill). */
    void flushShadow();

    /**
     * Host tier: this vCPU leaves the translation cache (a thread switch, a pause, a snapshot). Its shadow entries
     * are kept aside and cleared from the cache, which another vCPU may then use. Idempotent.
     */
    void saveShadow();

    /** Host tier: puts this vCPU's saved shadow entries back into the cache. Idempotent. */
    void restoreShadow();

    /** True while this vCPU's shadow entries are in the cache (between {@link #restoreShadow()} and a save). */
    boolean shadowResident();

    /** Live shadow translations of this vCPU. */
    int shadowEntries();

    // ---- checking and statistics ----

    /**
     * The consistency check: every shadow entry derives from a live guest entry, in that entry's address space,
     * for a PID it matches, with the same or narrower permissions and the same physical page, and that entry is the
     * one a direct walk of the guest TLB would choose. Returns the violations found (empty when consistent).
     */
    List<String> checkConsistency();

    /**
     * Runs {@link #checkConsistency()} after every guest TLB change and context change, failing with an
     * {@link IllegalStateException} at the first inconsistency ({@code -d tlb-check}).
     */
    void setConsistencyChecking(boolean enabled);

    /** The counters, named as in {@link MmuCounters}, in a stable order (a snapshot). */
    Map<String, Long> counters();
}
