package org.ppc440vm.cpu.interp;

import java.util.Arrays;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.interp.fpu.FpuOps;
import org.ppc440vm.cpu.spi.Cpu;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.MissHandler;
import org.ppc440vm.cpu.spi.TranslationCache;

/**
 * The PowerPC 440 interpreter: executes every unprivileged 440x5 instruction of a guest running at user privilege
 * and traps on everything else (see {@link ExitReason}).
 *
 * <h2>How it is fast</h2>
 * Each instruction word is decoded once into an {@link Op} id and cached per <em>physical</em> RAM page as
 * {@code long} entries ({@code op << 32 | word}); the dispatch loop is one array load and a dense {@code switch}
 * per instruction, with integer, CR, SPR and branch instructions executed inline, the common loads and stores in
 * {@link #loadStore} and the rest in {@link #executeSlow} (both out of line on purpose: measured with C2, memory
 * accesses inlined into the loop slow every instruction down). A page is translated once when execution enters
 * it; execution then runs through it without looking at the translation cache again until a taken branch leaves
 * the page. Loads and stores hit the {@link TranslationCache} with an index, a compare and an array access;
 * misses, page-crossing accesses, DIRECT (1 KiB) pages and MMIO take a slow path. Nothing allocates per
 * instruction except the first execution in a never-executed physical page (one array).
 *
 * <h2>Compiled blocks</h2>
 * Where execution enters a page or a taken branch lands, the loop counts entries per physical word; past a
 * threshold ({@value #JIT_THRESHOLD_PROPERTY}) the straight-line run from there, up to and including an in-page
 * relative branch, is compiled to a JVM class ({@link BlockCompiler}) and run instead of dispatching each
 * instruction; a block that branches to its own start loops in place. Blocks count instructions exactly (a loop
 * runs another pass only if the budget holds it, and checks {@link CpuState#stopRequest} per pass), stop at a
 * trapping instruction with the same state as the loop would leave, and are dropped with their page's decoded
 * entries when code there is written. Counting entries allocates once per page, compiling once per block; running
 * compiled blocks allocates nothing.
 *
 * <h2>Self-modifying code</h2>
 * Decoded entries are invalidated word by word: every store checks one byte ({@link #hasCode}) for the physical page
 * it wrote and, if that page has decoded code, clears the entries of the words written; icbi clears its 32-byte
 * block; {@link #invalidateCode} clears a range (loader, DMA). A cleared entry is re-decoded from RAM when next
 * executed, so even a store to the next instruction is seen immediately (stronger than the 440, which needs icbi
 * and isync: harmless for correct guests).
 *
 * <h2>Traps</h2>
 * On a trap {@link CpuState#pc} and {@link CpuState#trapPc} are the trapping instruction's address (for sc: pc is
 * the next instruction), {@link CpuState#trapInstruction} its word (0 for instruction-fetch traps), and no
 * architected state has been changed by it (lmw/stmw and the string instructions may have transferred some
 * registers or bytes before a data fault, as the architecture permits; they never update rA). A trapping
 * instruction is not counted in {@link CpuState#instructions}; sc is (it completed). Exit reasons:
 * <ul>
 * <li>PROGRAM: illegal instruction (ESR[PIL]), tw/twi condition true (ESR[PTR]);</li>
 * <li>PRIVILEGED_INSTRUCTION (ESR[PPR] set): rfi/rfci/rfmci, mfmsr/mtmsr, wrtee[i], mfdcr/mtdcr, TLB and
 * congruence-class cache instructions, dcbi, mfspr/mtspr of any SPR but XER, LR, CTR, USPRG0 (and reads of
 * SPRG4-7 and the time base): the hypervisor emulates them or delivers a privileged Program interrupt;</li>
 * <li>FP_UNAVAILABLE: any FP instruction with MSR[FP]=0;</li>
 * <li>SYSTEM_CALL: sc;</li>
 * <li>ALIGNMENT: lwarx/stwcx. not word-aligned (the 440 only does this with CCR0[FLSTA]=1, but Book E and QEMU
 * always do, and no correct program notices), FP load/store crossing a 16-byte boundary (the 440's FPU rule),
 * dcbz to a page that is not RAM (the 440 raises it for caching-inhibited pages); trapAddress = the EA,
 * trapEsr = ESR[ST] for stores, ESR[FP] for FP;</li>
 * <li>MMIO: a load or store (any size, incl. update, byte-reversed, multiple, string, FP) to a non-RAM page:
 * trapPhysical = the physical address the miss handler reported, trapAddress = the EA; the hypervisor emulates
 * the whole instruction;</li>
 * <li>whatever the miss handler reports as FAULT (DATA_TLB_MISS, DATA_STORAGE, INSTRUCTION_TLB_MISS, ...);</li>
 * <li>MACHINE_CHECK: instruction fetch from a page that is not RAM (trapPhysical set);</li>
 * <li>TIMESLICE: the budget is spent or {@link CpuState#stopRequest} was seen at a taken branch;</li>
 * <li>INTERNAL_ERROR: the miss handler broke its contract (unknown code, REFILLED without a usable entry).</li>
 * </ul>
 *
 * <p>Not thread-safe: {@link #run} and {@link #invalidateCode} must be called on one thread at a time (the vCPU's).
 */
public final class Interpreter implements Cpu {
    private static final int PAGE_SIZE = 1 << TranslationCache.PAGE_SHIFT;
    private static final int PAGE_MASK = TranslationCache.PAGE_MASK;
    private static final int WORDS_PER_PAGE = PAGE_SIZE / 4;
    /** The architected XER bits: SO, OV, CA and the byte count of lswx/stswx. */
    private static final int XER_MASK = 0xE000007F;
    /** What {@link #load} returns when the access trapped. */
    private static final long FAILED = -1L;
    private static final int FETCH_TRAP = -1;
    private static final int FETCH_DIRECT = -2;
    /**
     * Invalidating an entry clears its op id (0 = {@link Op#UNDECODED}: re-decode from RAM when next executed) but
     * keeps the old word, so an instruction that overwrote itself and then trapped still reports what it was.
     */
    private static final long WORD_ONLY = 0xFFFFFFFFL;

    private final CpuState state = new CpuState();
    private final GuestRam ram;
    final byte[] mem; // (package-private: compiled blocks read these fields)
    private final int ramSize;
    private final MissHandler misses;
    private final TranslationCache cache;
    final int[] readTag;
    final int[] writeTag;
    private final int[] execTag;
    final int[] ramOffset;
    final int cacheMask;

    /** Decoded entries per physical RAM page ({@code op << 32 | word}, op 0 = not decoded), null if never executed. */
    private final long[][] decoded;
    /** 1 where {@link #decoded} has a page: the one byte every store to RAM checks. */
    final byte[] hasCode;
    /** The "page" an instruction fetched through a DIRECT (1 KiB, uncached) translation is decoded into. */
    private final long[] oneShot = new long[WORDS_PER_PAGE];

    // results of slow paths (fields, so the slow paths return without allocating)
    /** Bytes from the last translated address to the end of its physical page (4 KiB, or 1 KiB if DIRECT). */
    private int lastSpan;
    /** The value of the last {@link #loadSlow} (8-byte loads cannot use a sentinel). */
    private long slowValue;
    /** Physical address of the instruction of a DIRECT fetch. */
    private int directFetchPhysical;

    // ---- compiled blocks (see BlockCompiler) ----
    /**
     * Block entries (the start of a page's execution or a taken branch's target) seen this many times get compiled;
     * 0 turns compilation off. System property {@value #JIT_THRESHOLD_PROPERTY}.
     */
    private final int jitThreshold;
    /** Per physical page: its compiled blocks and entry counts, null until an entry is seen (or after a drop). */
    private final JitPage[] jitPages;
    /** Per physical page: how often its blocks were dropped because its code was written; stops recompiling. */
    private final byte[] jitDrops;
    /** Counts writes that hit decoded instructions: a compiled block stops after a store that changes it. */
    private int codeWrites;
    /**
     * Set by a compiled block: the word index (in its page) where execution goes on, or -1 if it ended in a branch
     * whose target it left in {@code state.pc}.
     */
    int jitNext;
    /** The effective address of the page of the running block (for the branches and links it computes). */
    int jitPageEa;
    /** Blocks compiled so far (statistics, tests). */
    private long blocksCompiled;
    /** Per physical page: bumped when its blocks are dropped, so a late background result is not installed. */
    private final int[] jitGenerations;
    /** Compiles blocks off the vCPU thread; null: compile in place when an entry gets hot (tests). */
    private final BackgroundCompiler background;
    /** Installs background results (one instance: draining allocates nothing). */
    private final BackgroundCompiler.Installer installer = this::install;
    /**
     * System property: false compiles blocks on the vCPU thread itself (default true: on a thread of their own,
     * so the vCPU thread neither waits for class generation nor allocates for it).
     */
    public static final String JIT_BACKGROUND_PROPERTY = "ppc440vm.jit.background";

    public static final String JIT_THRESHOLD_PROPERTY = "ppc440vm.jit.threshold";
    /**
     * Measured on the Linux boot: 500 compiled so many run-a-few-times kernel blocks that the boot got slower (the
     * JVM runs a fresh class in its own interpreter until its JIT gets to it); 5000 kept the boot's speed. Since
     * blocks carry inline memory paths (larger classes, about 1.7 KB of bytecode each, 190 per boot, most of
     * HotSpot's compile work on a 2-core machine), 15000 boots as fast or faster with 10% less CPU time and still
     * catches every hot loop of the guest workload.
     */
    private static final int DEFAULT_JIT_THRESHOLD = 15000;
    /** A page whose code is rewritten more often than this stays interpreted (self-modifying, or code and data). */
    private static final int MAX_JIT_DROPS = 20;

    /** The compiled state of one physical page. */
    private static final class JitPage {
        final CompiledBlock[] blocks = new CompiledBlock[WORDS_PER_PAGE];
        final short[] heat = new short[WORDS_PER_PAGE];
    }

    public Interpreter(GuestRam ram, MissHandler misses, int cacheEntries) {
        this(ram, misses, cacheEntries, Integer.getInteger(JIT_THRESHOLD_PROPERTY, DEFAULT_JIT_THRESHOLD),
                Boolean.parseBoolean(System.getProperty(JIT_BACKGROUND_PROPERTY, "true")));
    }

    /**
     * With an explicit block compilation threshold (0: never compile; 1: compile every block at first entry),
     * compiled in place (so that tests know when a block exists).
     */
    Interpreter(GuestRam ram, MissHandler misses, int cacheEntries, int jitThreshold) {
        this(ram, misses, cacheEntries, jitThreshold, false);
    }

    /** With an explicit threshold, compiling on a background thread or in place. */
    Interpreter(GuestRam ram, MissHandler misses, int cacheEntries, int jitThreshold, boolean backgroundCompile) {
        this.ram = ram;
        this.mem = ram.bytes;
        this.ramSize = ram.bytes.length;
        this.misses = misses;
        this.cache = new TranslationCache(cacheEntries);
        this.readTag = cache.readTag;
        this.writeTag = cache.writeTag;
        this.execTag = cache.execTag;
        this.ramOffset = cache.ramOffset;
        this.cacheMask = cache.mask;
        int pages = ramSize >>> TranslationCache.PAGE_SHIFT;
        this.decoded = new long[pages][];
        this.hasCode = new byte[pages];
        this.jitThreshold = Math.max(0, Math.min(jitThreshold, Short.MAX_VALUE));
        this.jitPages = this.jitThreshold > 0 ? new JitPage[pages] : null;
        this.jitDrops = this.jitThreshold > 0 ? new byte[pages] : null;
        this.jitGenerations = this.jitThreshold > 0 ? new int[pages] : null;
        this.background = this.jitThreshold > 0 && backgroundCompile
                ? new BackgroundCompiler("ppc440vm-block-compiler", JitPage::new) : null;
        state.updateContexts();
    }

    @Override
    public CpuState state() {
        return state;
    }

    @Override
    public TranslationCache translationCache() {
        return cache;
    }

    @Override
    public void invalidateCode(long address, long length) {
        long from = Math.max(0, address);
        long to = Math.min(ramSize, address + length);
        while (from < to) {
            int page = (int) (from >>> TranslationCache.PAGE_SHIFT);
            long pageEnd = Math.min(to, ((long) page + 1) << TranslationCache.PAGE_SHIFT);
            long[] code = decoded[page];
            if (code != null) {
                dropCompiled(page);
                codeWrites++;
                int last = (int) ((pageEnd - 1) & PAGE_MASK) >>> 2;
                for (int k = (int) (from & PAGE_MASK) >>> 2; k <= last; k++) {
                    code[k] &= WORD_ONLY;
                }
            }
            from = pageEnd;
        }
    }

    /** How many blocks were compiled to JVM code (for tests and statistics). */
    public long compiledBlockCount() {
        return blocksCompiled;
    }

    /** Whether the background compiler is working on a block (tests). */
    boolean compiling() {
        return background != null && background.working();
    }

    /** How many physical pages hold decoded code (for tests and statistics). */
    public int decodedPageCount() {
        int n = 0;
        for (byte b : hasCode) {
            n += b;
        }
        return n;
    }

    // =====================================================================================================
    // The dispatch loop
    // =====================================================================================================

    @Override
    public ExitReason run(long maxInstructions) {
        final CpuState s = state;
        final int[] gpr = s.gpr;
        final GuestRam ram = this.ram;
        final int[] ramOffset = this.ramOffset;
        final int mask = this.cacheMask;
        final long startCount = s.instructions;
        long left = maxInstructions;
        int pc = s.pc & ~3;
        s.trap = null;

        block:
        while (true) {
            if (left <= 0) {
                s.pc = pc;
                s.trap = ExitReason.TIMESLICE;
                break;
            }
            // ---- enter a page: translate the fetch once ----
            final int pageEa = pc & ~PAGE_MASK;
            final long[] code;
            final int pageRam;
            int i = (pc & PAGE_MASK) >>> 2;
            int end;
            int fetchIndex = TranslationCache.index(pc, mask);
            int ramPage;
            if (execTag[fetchIndex] == (pageEa | s.fetchContext)) {
                ramPage = ramOffset[fetchIndex];
            } else {
                ramPage = fetchMiss(pc);
            }
            if (ramPage >= 0) {
                pageRam = ramPage;
                long[] c = decoded[ramPage >>> TranslationCache.PAGE_SHIFT];
                code = c != null ? c : newDecodedPage(ramPage);
                end = i + (int) Math.min(WORDS_PER_PAGE - i, left); // (i + left may overflow)
            } else if (ramPage == FETCH_DIRECT) {
                pageRam = -1;
                code = oneShot;
                code[i] = Decoder.entry(ram.loadWord(directFetchPhysical));
                end = i + 1;
            } else {
                s.pc = pc;
                s.trapPc = pc;
                s.trapInstruction = 0;
                break;
            }
            int start = i;

            fault:
            {
                while (i < end) {
                    if (i == start && jitPages != null && pageRam >= 0) {
                        // a block entry: run its compiled form if it has one (the budget permitting); it may
                        // loop, and ends at a branch target in this page, the next instruction, or a trap
                        int done = enterBlock(code, pageEa, pageRam, i, left);
                        if (done >= 0) {
                            left -= done;
                            i = jitNext;
                            start = i;
                            if (s.trap != null) {
                                break fault;
                            }
                            if (i < 0) {
                                // the block ended in a branch (a call or return, say): go on at its target
                                int target = s.pc;
                                if (left <= 0 || s.stopRequest) {
                                    s.pc = target;
                                    s.trap = ExitReason.TIMESLICE;
                                    break block;
                                }
                                if ((target & ~PAGE_MASK) == pageEa) {
                                    i = (target & PAGE_MASK) >>> 2;
                                    start = i;
                                    end = i + (int) Math.min(WORDS_PER_PAGE - i, left);
                                    continue;
                                }
                                pc = target;
                                continue block;
                            }
                            if (left <= 0 || s.stopRequest) {
                                s.pc = pageEa + (i << 2);
                                s.trap = ExitReason.TIMESLICE;
                                break block;
                            }
                            end = i + (int) Math.min(WORDS_PER_PAGE - i, left);
                            continue;
                        }
                    }
                    final long e = code[i];
                    final int w = (int) e;
                    int target;
                    taken:
                    {
                        switch ((int) (e >>> 32)) {
                            case Op.UNDECODED:
                                code[i] = Decoder.entry(ram.loadWord(pageRam + (i << 2)));
                                continue;

                            // ---------------- integer immediate ----------------
                            case Op.LI:
                                gpr[(w >>> 21) & 31] = (short) w;
                                break;
                            case Op.LIS:
                                gpr[(w >>> 21) & 31] = w << 16;
                                break;
                            case Op.ADDI:
                                gpr[(w >>> 21) & 31] = gpr[(w >>> 16) & 31] + (short) w;
                                break;
                            case Op.ADDIS:
                                gpr[(w >>> 21) & 31] = gpr[(w >>> 16) & 31] + (w << 16);
                                break;
                            case Op.ADDIC:
                            case Op.ADDIC_RC: {
                                int a = gpr[(w >>> 16) & 31];
                                int b = (short) w;
                                int r = a + b;
                                gpr[(w >>> 21) & 31] = r;
                                int xer = Alu.withCarry(s.xer, Alu.carryOut(a, b, 0));
                                s.xer = xer;
                                if ((w >>> 26) == 13) {
                                    s.cr = Alu.cr0(s.cr, r, xer);
                                }
                                break;
                            }
                            case Op.SUBFIC: {
                                int a = gpr[(w >>> 16) & 31];
                                int b = (short) w;
                                gpr[(w >>> 21) & 31] = b - a;
                                s.xer = Alu.withCarry(s.xer, Alu.carryOut(~a, b, 1));
                                break;
                            }
                            case Op.MULLI:
                                gpr[(w >>> 21) & 31] = gpr[(w >>> 16) & 31] * (short) w;
                                break;
                            case Op.CMPI:
                                s.cr = Alu.setField(s.cr, (w >>> 23) & 7,
                                        Alu.compareSigned(gpr[(w >>> 16) & 31], (short) w, s.xer));
                                break;
                            case Op.CMPLI:
                                s.cr = Alu.setField(s.cr, (w >>> 23) & 7,
                                        Alu.compareUnsigned(gpr[(w >>> 16) & 31], w & 0xFFFF, s.xer));
                                break;
                            case Op.CMP:
                                s.cr = Alu.setField(s.cr, (w >>> 23) & 7,
                                        Alu.compareSigned(gpr[(w >>> 16) & 31], gpr[(w >>> 11) & 31], s.xer));
                                break;
                            case Op.CMPL:
                                s.cr = Alu.setField(s.cr, (w >>> 23) & 7,
                                        Alu.compareUnsigned(gpr[(w >>> 16) & 31], gpr[(w >>> 11) & 31], s.xer));
                                break;
                            case Op.ORI:
                                gpr[(w >>> 16) & 31] = gpr[(w >>> 21) & 31] | (w & 0xFFFF);
                                break;
                            case Op.ORIS:
                                gpr[(w >>> 16) & 31] = gpr[(w >>> 21) & 31] | (w << 16);
                                break;
                            case Op.XORI:
                                gpr[(w >>> 16) & 31] = gpr[(w >>> 21) & 31] ^ (w & 0xFFFF);
                                break;
                            case Op.XORIS:
                                gpr[(w >>> 16) & 31] = gpr[(w >>> 21) & 31] ^ (w << 16);
                                break;
                            case Op.ANDI_RC: {
                                int r = gpr[(w >>> 21) & 31] & (w & 0xFFFF);
                                gpr[(w >>> 16) & 31] = r;
                                s.cr = Alu.cr0(s.cr, r, s.xer);
                                break;
                            }
                            case Op.ANDIS_RC: {
                                int r = gpr[(w >>> 21) & 31] & (w << 16);
                                gpr[(w >>> 16) & 31] = r;
                                s.cr = Alu.cr0(s.cr, r, s.xer);
                                break;
                            }

                            // ---------------- rotate and shift ----------------
                            case Op.RLWINM: {
                                int r = Integer.rotateLeft(gpr[(w >>> 21) & 31], (w >>> 11) & 31)
                                        & Alu.mask((w >>> 6) & 31, (w >>> 1) & 31);
                                gpr[(w >>> 16) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.RLWNM: {
                                int r = Integer.rotateLeft(gpr[(w >>> 21) & 31], gpr[(w >>> 11) & 31] & 31)
                                        & Alu.mask((w >>> 6) & 31, (w >>> 1) & 31);
                                gpr[(w >>> 16) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.RLWIMI: {
                                int m = Alu.mask((w >>> 6) & 31, (w >>> 1) & 31);
                                int ra = (w >>> 16) & 31;
                                int r = (Integer.rotateLeft(gpr[(w >>> 21) & 31], (w >>> 11) & 31) & m)
                                        | (gpr[ra] & ~m);
                                gpr[ra] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.SLW: {
                                int n = gpr[(w >>> 11) & 31] & 0x3F;
                                int r = n > 31 ? 0 : gpr[(w >>> 21) & 31] << n;
                                gpr[(w >>> 16) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.SRW: {
                                int n = gpr[(w >>> 11) & 31] & 0x3F;
                                int r = n > 31 ? 0 : gpr[(w >>> 21) & 31] >>> n;
                                gpr[(w >>> 16) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.SRAW:
                            case Op.SRAWI: {
                                int v = gpr[(w >>> 21) & 31];
                                int n = ((w >>> 1) & 0x3FF) == 824 ? (w >>> 11) & 31 : gpr[(w >>> 11) & 31] & 0x3F;
                                int r = Alu.sraw(v, n);
                                gpr[(w >>> 16) & 31] = r;
                                int xer = Alu.withCarry(s.xer, Alu.srawCarry(v, n));
                                s.xer = xer;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, xer);
                                }
                                break;
                            }

                            // ---------------- integer register forms ----------------
                            case Op.ADD: {
                                int r = gpr[(w >>> 16) & 31] + gpr[(w >>> 11) & 31];
                                gpr[(w >>> 21) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.SUBF: {
                                int r = gpr[(w >>> 11) & 31] - gpr[(w >>> 16) & 31];
                                gpr[(w >>> 21) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.NEG: {
                                int r = -gpr[(w >>> 16) & 31];
                                gpr[(w >>> 21) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.MULLW: {
                                int r = gpr[(w >>> 16) & 31] * gpr[(w >>> 11) & 31];
                                gpr[(w >>> 21) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.MULHWU:
                            case Op.MULHW: {
                                // inline: 64-bit multiplies in C (libgcc's muldi3 pattern) use one per iteration
                                long a = gpr[(w >>> 16) & 31];
                                long b = gpr[(w >>> 11) & 31];
                                int r = (w & 0x80) == 0 // mulhwu is XO 11, mulhw 75 (bit 0x40 of XO = 0x80 here)
                                        ? (int) (((a & Alu.U32) * (b & Alu.U32)) >>> 32)
                                        : (int) ((a * b) >> 32);
                                gpr[(w >>> 21) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.ADDC:
                            case Op.ADDE:
                            case Op.ADDZE:
                            case Op.SUBFC:
                            case Op.SUBFE:
                            case Op.SUBFZE: {
                                // one body for the carrying family: x + y + carry-in, x = rA or ~rA, y = rB or 0
                                int xo = (w >>> 1) & 0x1FF;
                                int a = gpr[(w >>> 16) & 31];
                                int x = (xo & 0x02) != 0 ? a : ~a; // add* have XO bit 0x02 set (10, 138, 202)
                                int y = (xo & 0x40) != 0 ? 0 : gpr[(w >>> 11) & 31]; // *ze have 0x40 (200, 202)
                                int xer = s.xer;
                                int cin = (xo & 0x80) != 0 ? (xer >>> 29) & 1 : (xo == 8 ? 1 : 0); // e/ze use CA
                                int r = x + y + cin;
                                gpr[(w >>> 21) & 31] = r;
                                xer = Alu.withCarry(xer, Alu.carryOut(x, y, cin));
                                s.xer = xer;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, xer);
                                }
                                break;
                            }
                            case Op.AND: {
                                int r = gpr[(w >>> 21) & 31] & gpr[(w >>> 11) & 31];
                                gpr[(w >>> 16) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.ANDC: {
                                int r = gpr[(w >>> 21) & 31] & ~gpr[(w >>> 11) & 31];
                                gpr[(w >>> 16) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.OR: {
                                int r = gpr[(w >>> 21) & 31] | gpr[(w >>> 11) & 31];
                                gpr[(w >>> 16) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.XOR: {
                                int r = gpr[(w >>> 21) & 31] ^ gpr[(w >>> 11) & 31];
                                gpr[(w >>> 16) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.NOR: {
                                int r = ~(gpr[(w >>> 21) & 31] | gpr[(w >>> 11) & 31]);
                                gpr[(w >>> 16) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }
                            case Op.EXTSB:
                            case Op.EXTSH:
                            case Op.CNTLZW: {
                                int v = gpr[(w >>> 21) & 31];
                                int xo = (w >>> 1) & 0x3FF;
                                int r = xo == 954 ? (byte) v : xo == 922 ? (short) v : Integer.numberOfLeadingZeros(v);
                                gpr[(w >>> 16) & 31] = r;
                                if ((w & 1) != 0) {
                                    s.cr = Alu.cr0(s.cr, r, s.xer);
                                }
                                break;
                            }

                            // ---------------- SPRs and CR ----------------
                            case Op.MFLR:
                                gpr[(w >>> 21) & 31] = s.lr;
                                break;
                            case Op.MTLR:
                                s.lr = gpr[(w >>> 21) & 31];
                                break;
                            case Op.MFCTR:
                                gpr[(w >>> 21) & 31] = s.ctr;
                                break;
                            case Op.MTCTR:
                                s.ctr = gpr[(w >>> 21) & 31];
                                break;
                            case Op.MFCR:
                                gpr[(w >>> 21) & 31] = s.cr;
                                break;
                            case Op.MFTBL:
                            case Op.MFTBU: {
                                // an icount-driven time base reads instructions retired: make it exact first
                                s.instructions = startCount + (maxInstructions - left) + (i - start);
                                long tb = s.timeBase.read();
                                gpr[(w >>> 21) & 31] = (int) ((w & 0x10000) == 0 ? tb : tb >>> 32); // TBR 268 vs 269
                                break;
                            }

                            // ---------------- branches ----------------
                            case Op.B: {
                                int cia = pageEa + (i << 2);
                                target = (w << 6 >> 6) & ~3;
                                if ((w & 2) == 0) {
                                    target += cia;
                                }
                                if ((w & 1) != 0) {
                                    s.lr = cia + 4;
                                }
                                break taken;
                            }
                            case Op.BC_COND: {
                                int cia = pageEa + (i << 2);
                                if ((w & 1) != 0) {
                                    s.lr = cia + 4;
                                }
                                if (((s.cr >>> (31 - ((w >>> 16) & 31))) & 1) != ((w >>> 24) & 1)) {
                                    break;
                                }
                                target = (short) (w & 0xFFFC);
                                if ((w & 2) == 0) {
                                    target += cia;
                                }
                                break taken;
                            }
                            case Op.BC_CTR: {
                                int cia = pageEa + (i << 2);
                                if ((w & 1) != 0) {
                                    s.lr = cia + 4;
                                }
                                int ctr = s.ctr - 1;
                                s.ctr = ctr;
                                if ((ctr != 0) == ((w & 0x00400000) != 0)) {
                                    break;
                                }
                                target = (short) (w & 0xFFFC);
                                if ((w & 2) == 0) {
                                    target += cia;
                                }
                                break taken;
                            }
                            case Op.BC: {
                                int cia = pageEa + (i << 2);
                                if ((w & 1) != 0) {
                                    s.lr = cia + 4;
                                }
                                if (!branchCondition(s, w)) {
                                    break;
                                }
                                target = (short) (w & 0xFFFC);
                                if ((w & 2) == 0) {
                                    target += cia;
                                }
                                break taken;
                            }
                            case Op.BLR:
                                target = s.lr & ~3;
                                if ((w & 1) != 0) {
                                    s.lr = pageEa + (i << 2) + 4;
                                }
                                break taken;
                            case Op.BCLR: {
                                int lr = s.lr;
                                boolean go = branchCondition(s, w);
                                if ((w & 1) != 0) {
                                    s.lr = pageEa + (i << 2) + 4;
                                }
                                if (!go) {
                                    break;
                                }
                                target = lr & ~3;
                                break taken;
                            }
                            case Op.BCTR:
                                target = s.ctr & ~3;
                                if ((w & 1) != 0) {
                                    s.lr = pageEa + (i << 2) + 4;
                                }
                                break taken;
                            case Op.BCLR_COND:
                            case Op.BCCTR: {
                                // condition only: BO[2]=1 (bcctr has no decrementing form), BO[0]=0
                                target = ((int) (e >>> 32) == Op.BCCTR ? s.ctr : s.lr) & ~3;
                                if ((w & 1) != 0) {
                                    s.lr = pageEa + (i << 2) + 4;
                                }
                                if (((s.cr >>> (31 - ((w >>> 16) & 31))) & 1) != ((w >>> 24) & 1)) {
                                    break;
                                }
                                break taken;
                            }
                            case Op.SC: {
                                // sc completes: it counts, and SRR0 will be the next instruction
                                int cia = pageEa + (i << 2);
                                left -= i + 1 - start;
                                s.pc = cia + 4;
                                s.trapPc = cia;
                                s.trapInstruction = w;
                                s.trapEsr = 0;
                                s.trap = ExitReason.SYSTEM_CALL;
                                break block;
                            }

                            // ---------------- loads and stores (out of line: see loadStore) ----------------
                            case Op.LWZ:
                            case Op.LWZU:
                            case Op.LWZX:
                            case Op.LBZ:
                            case Op.LBZU:
                            case Op.LBZX:
                            case Op.LHZ:
                            case Op.LHA:
                            case Op.LHZX:
                            case Op.STW:
                            case Op.STWU:
                            case Op.STWX:
                            case Op.STB:
                            case Op.STBU:
                            case Op.STBX:
                            case Op.STH:
                            case Op.STHX:
                                if (!loadStore((int) (e >>> 32), w)) {
                                    break fault;
                                }
                                break;

                            default:
                                if (!executeSlow((int) (e >>> 32), w)) {
                                    break fault;
                                }
                                break;
                        }
                        i++;
                        continue;
                    }
                    // ---- a taken branch: the block boundary ----
                    left -= i + 1 - start;
                    if (left <= 0 || s.stopRequest) {
                        s.pc = target;
                        s.trap = ExitReason.TIMESLICE;
                        break block;
                    }
                    if ((target & ~PAGE_MASK) == pageEa && code != oneShot) {
                        i = (target & PAGE_MASK) >>> 2;
                        start = i;
                        end = i + (int) Math.min(WORDS_PER_PAGE - i, left); // (i + left may overflow)
                        continue;
                    }
                    pc = target;
                    continue block;
                }
                // ran off the page (or the budget): go on at the next instruction
                left -= i - start;
                pc = pageEa + (i << 2);
                continue block;
            }
            // ---- the instruction at i trapped; the trap reason and details are set ----
            left -= i - start;
            int cia = pageEa + (i << 2);
            s.pc = cia;
            s.trapPc = cia;
            s.trapInstruction = (int) code[i];
            break;
        }
        s.instructions = startCount + (maxInstructions - left);
        return s.trap;
    }

    /**
     * The integer loads and stores the loop sees most, with their translation-cache fast path. Deliberately a
     * separate compilation unit: measured on HotSpot C2, inlining any memory access into {@link #run} (the byte-array
     * view accesses expand to a lot of code) makes the whole dispatch loop slower, ALU instructions included, by
     * more than the call costs. False if the access trapped (trap set).
     */
    private boolean loadStore(int op, int w) {
        final CpuState s = state;
        final int[] gpr = s.gpr;
        final byte[] mem = this.mem;
        final GuestRam ram = this.ram;
        final int[] readTag = this.readTag;
        final int[] writeTag = this.writeTag;
        final int[] ramOffset = this.ramOffset;
        final byte[] hasCode = this.hasCode;
        final int mask = cacheMask;
        final int dataContext = s.dataContext;
        switch (op) {
            // ---------------- loads ----------------
            case Op.LWZ: {
                int ra = (w >>> 16) & 31;
                int ea = (ra == 0 ? 0 : gpr[ra]) + (short) w;
                int ti = TranslationCache.index(ea, mask);
                int off = ea & PAGE_MASK;
                int v;
                if (readTag[ti] == ((ea & ~PAGE_MASK) | dataContext) && off <= PAGE_SIZE - 4) {
                    v = ram.loadWord(ramOffset[ti] + off);
                } else {
                    long slow = loadSlow(ea, 4);
                    if (slow == FAILED) {
                        return false;
                    }
                    v = (int) slow;
                }
                gpr[(w >>> 21) & 31] = v;
                return true;
            }
            case Op.LWZU:
            case Op.LWZX: {
                int ra = (w >>> 16) & 31;
                int ea = (ra == 0 ? 0 : gpr[ra])
                        + ((w >>> 26) == 31 ? gpr[(w >>> 11) & 31] : (short) w);
                int ti = TranslationCache.index(ea, mask);
                int off = ea & PAGE_MASK;
                int v;
                if (readTag[ti] == ((ea & ~PAGE_MASK) | dataContext) && off <= PAGE_SIZE - 4) {
                    v = ram.loadWord(ramOffset[ti] + off);
                } else {
                    long slow = loadSlow(ea, 4);
                    if (slow == FAILED) {
                        return false;
                    }
                    v = (int) slow;
                }
                gpr[(w >>> 21) & 31] = v;
                if ((w >>> 26) == 33) {
                    gpr[ra] = ea;
                }
                return true;
            }
            case Op.LBZ:
            case Op.LBZU:
            case Op.LBZX: {
                int ra = (w >>> 16) & 31;
                int ea = (ra == 0 ? 0 : gpr[ra])
                        + ((w >>> 26) == 31 ? gpr[(w >>> 11) & 31] : (short) w);
                int ti = TranslationCache.index(ea, mask);
                int v;
                if (readTag[ti] == ((ea & ~PAGE_MASK) | dataContext)) {
                    v = mem[ramOffset[ti] + (ea & PAGE_MASK)] & 0xFF;
                } else {
                    long slow = loadSlow(ea, 1);
                    if (slow == FAILED) {
                        return false;
                    }
                    v = (int) slow;
                }
                gpr[(w >>> 21) & 31] = v;
                if ((w >>> 26) == 35) {
                    gpr[ra] = ea;
                }
                return true;
            }
            case Op.LHZ:
            case Op.LHA:
            case Op.LHZX: {
                int ra = (w >>> 16) & 31;
                int ea = (ra == 0 ? 0 : gpr[ra])
                        + ((w >>> 26) == 31 ? gpr[(w >>> 11) & 31] : (short) w);
                int ti = TranslationCache.index(ea, mask);
                int off = ea & PAGE_MASK;
                int v;
                if (readTag[ti] == ((ea & ~PAGE_MASK) | dataContext) && off <= PAGE_SIZE - 2) {
                    v = ram.loadHalf(ramOffset[ti] + off);
                } else {
                    long slow = loadSlow(ea, 2);
                    if (slow == FAILED) {
                        return false;
                    }
                    v = (short) slow;
                }
                gpr[(w >>> 21) & 31] = (w >>> 26) == 42 ? v : v & 0xFFFF;
                return true;
            }

            // ---------------- stores ----------------
            case Op.STW: {
                int ra = (w >>> 16) & 31;
                int ea = (ra == 0 ? 0 : gpr[ra]) + (short) w;
                int ti = TranslationCache.index(ea, mask);
                int off = ea & PAGE_MASK;
                int v = gpr[(w >>> 21) & 31];
                if (writeTag[ti] == ((ea & ~PAGE_MASK) | dataContext) && off <= PAGE_SIZE - 4) {
                    int p = ramOffset[ti] + off;
                    ram.storeWord(p, v);
                    if (hasCode[p >>> 12] != 0) {
                        codeWritten(p, 4);
                    }
                } else if (!storeSlow(ea, 4, v)) {
                    return false;
                }
                return true;
            }
            case Op.STWU:
            case Op.STWX: {
                int ra = (w >>> 16) & 31;
                int ea = (ra == 0 ? 0 : gpr[ra])
                        + ((w >>> 26) == 31 ? gpr[(w >>> 11) & 31] : (short) w);
                int ti = TranslationCache.index(ea, mask);
                int off = ea & PAGE_MASK;
                int v = gpr[(w >>> 21) & 31];
                if (writeTag[ti] == ((ea & ~PAGE_MASK) | dataContext) && off <= PAGE_SIZE - 4) {
                    int p = ramOffset[ti] + off;
                    ram.storeWord(p, v);
                    if (hasCode[p >>> 12] != 0) {
                        codeWritten(p, 4);
                    }
                } else if (!storeSlow(ea, 4, v)) {
                    return false;
                }
                if ((w >>> 26) == 37) {
                    gpr[ra] = ea;
                }
                return true;
            }
            case Op.STB:
            case Op.STBU:
            case Op.STBX: {
                int ra = (w >>> 16) & 31;
                int ea = (ra == 0 ? 0 : gpr[ra])
                        + ((w >>> 26) == 31 ? gpr[(w >>> 11) & 31] : (short) w);
                int ti = TranslationCache.index(ea, mask);
                int v = gpr[(w >>> 21) & 31];
                if (writeTag[ti] == ((ea & ~PAGE_MASK) | dataContext)) {
                    int p = ramOffset[ti] + (ea & PAGE_MASK);
                    mem[p] = (byte) v;
                    if (hasCode[p >>> 12] != 0) {
                        codeWritten(p, 1);
                    }
                } else if (!storeSlow(ea, 1, v)) {
                    return false;
                }
                if ((w >>> 26) == 39) {
                    gpr[ra] = ea;
                }
                return true;
            }
            case Op.STH:
            case Op.STHX: {
                int ra = (w >>> 16) & 31;
                int ea = (ra == 0 ? 0 : gpr[ra])
                        + ((w >>> 26) == 31 ? gpr[(w >>> 11) & 31] : (short) w);
                int ti = TranslationCache.index(ea, mask);
                int off = ea & PAGE_MASK;
                int v = gpr[(w >>> 21) & 31];
                if (writeTag[ti] == ((ea & ~PAGE_MASK) | dataContext) && off <= PAGE_SIZE - 2) {
                    int p = ramOffset[ti] + off;
                    ram.storeHalf(p, (short) v);
                    if (hasCode[p >>> 12] != 0) {
                        codeWritten(p, 2);
                    }
                } else if (!storeSlow(ea, 2, v)) {
                    return false;
                }
                return true;
            }
            default:
                state.trap = ExitReason.INTERNAL_ERROR;
                return false;
        }
    }

    /** bc/bclr/bcctr condition per BO: decrement CTR unless BO[2], test it unless BO[2]; test CR[BI] unless BO[0]. */
    static boolean branchCondition(CpuState s, int w) {
        int bo = (w >>> 21) & 31;
        boolean ctrOk = true;
        if ((bo & 0x04) == 0) {
            int ctr = s.ctr - 1;
            s.ctr = ctr;
            ctrOk = (ctr != 0) != ((bo & 0x02) != 0);
        }
        boolean condOk = (bo & 0x10) != 0
                || ((s.cr >>> (31 - ((w >>> 16) & 31))) & 1) == ((bo >>> 3) & 1);
        return ctrOk && condOk;
    }

    private long[] newDecodedPage(int pageRam) {
        long[] code = background != null ? background.takeCodePage() : null; // (made ahead: no allocation here)
        if (code == null) {
            code = new long[WORDS_PER_PAGE];
        }
        decoded[pageRam >>> TranslationCache.PAGE_SHIFT] = code;
        hasCode[pageRam >>> TranslationCache.PAGE_SHIFT] = 1;
        return code;
    }

    /** A store wrote {@code [p, p + length)} of RAM (within one page) where code was decoded: forget those words. */
    private void codeWritten(int p, int length) {
        long[] code = decoded[p >>> TranslationCache.PAGE_SHIFT];
        if (code == null) {
            return;
        }
        int last = ((p + length - 1) & PAGE_MASK) >>> 2;
        long ops = 0;
        for (int k = (p & PAGE_MASK) >>> 2; k <= last; k++) {
            ops |= code[k] & ~WORD_ONLY;
            code[k] &= WORD_ONLY;
        }
        if (ops != 0) {
            // decoded instructions changed (not just data sharing their page): compiled blocks may hold them
            codeWrites++;
            dropCompiled(p >>> TranslationCache.PAGE_SHIFT);
        }
    }

    /** Forgets the compiled blocks of physical page {@code page}. */
    private void dropCompiled(int page) {
        if (jitPages != null && jitPages[page] != null) {
            jitPages[page] = null;
            jitGenerations[page]++;
            if (jitDrops[page] <= MAX_JIT_DROPS) {
                jitDrops[page]++;
            }
        }
    }

    // =====================================================================================================
    // Compiled blocks: entry from the loop, and the helpers their code calls
    // =====================================================================================================

    /**
     * At a block entry (word {@code i} of the page at RAM offset {@code pageRam}, at most {@code left} instructions
     * allowed): runs the compiled block there, compiling it once the entry is hot. Answers the number of
     * instructions completed, {@link #jitNext} being the word to go on at (the trapping one if the trap is set), or
     * -1 if no block ran.
     */
    private int enterBlock(long[] code, int pageEa, int pageRam, int i, long left) {
        int page = pageRam >>> TranslationCache.PAGE_SHIFT;
        JitPage jp = jitPages[page];
        if (jp == null) {
            if (jitDrops[page] > MAX_JIT_DROPS) {
                return -1;
            }
            jp = background != null ? (JitPage) background.takeBlockPage() : null; // (made ahead)
            if (jp == null) {
                jp = new JitPage();
            }
            jitPages[page] = jp;
        }
        CompiledBlock b = jp.blocks[i];
        if (b == null) {
            if (++jp.heat[i] < jitThreshold) {
                return -1;
            }
            if (background != null) {
                background.drain(installer); // (frees the slots of results no entry asks for any more)
                decodeWindow(code, pageRam, i);
                if (background.offer(code, i, page, jitGenerations[page])) {
                    jp.blocks[i] = CompiledBlock.QUEUED;
                } else {
                    jp.heat[i]--; // too many outstanding: ask again at the next entry
                }
                return -1;
            }
            b = compileBlock(code, pageRam, i);
            jp.blocks[i] = b;
        } else if (b == CompiledBlock.QUEUED) {
            background.drain(installer);
            b = jp.blocks[i];
            if (b == CompiledBlock.QUEUED) {
                return -1;
            }
        }
        int n = b.length;
        if (n == 0 || n > left) {
            return -1;
        }
        final CpuState s = state;
        jitPageEa = pageEa;
        int done = b.run(this, s, s.gpr, (int) Math.min(left, Integer.MAX_VALUE));
        if (done < 0) {
            done = -done - 1;
            if (s.trap == null) {
                // a store that changed decoded code: it completed, the loop goes on from the next one
                done++;
                jitNext++;
            }
        }
        return done;
    }

    /** Decodes the words a block from {@code code[i]} may hold. */
    private void decodeWindow(long[] code, int pageRam, int i) {
        for (int k = i; k < WORDS_PER_PAGE && k < i + BlockCompiler.WINDOW; k++) {
            if ((int) (code[k] >>> 32) == Op.UNDECODED) {
                code[k] = Decoder.entry(ram.loadWord(pageRam + (k << 2)));
            }
        }
    }

    /** A block the background compiler finished: into its page, unless the page's blocks were dropped since. */
    private void install(int page, int index, int generation, CompiledBlock block) {
        JitPage jp = jitPages[page];
        if (jp != null && jitGenerations[page] == generation && jp.blocks[index] == CompiledBlock.QUEUED) {
            jp.blocks[index] = block;
            if (block != CompiledBlock.NONE) {
                blocksCompiled++;
            }
        }
    }

    private CompiledBlock compileBlock(long[] code, int pageRam, int i) {
        decodeWindow(code, pageRam, i);
        CompiledBlock b = BlockCompiler.compile(code, i);
        if (b == null) {
            return CompiledBlock.NONE;
        }
        blocksCompiled++;
        return b;
    }

    /** A {@link #loadStore} op for compiled blocks; false if it trapped or changed decoded code. */
    boolean jitMem(int op, int w) {
        int before = codeWrites;
        return loadStore(op, w) && codeWrites == before;
    }

    /** An {@link #executeSlow} op for compiled blocks; false if it trapped or changed decoded code. */
    boolean jitSlow(int op, int w) {
        int before = codeWrites;
        return executeSlow(op, w) && codeWrites == before;
    }

    // =====================================================================================================
    // Everything that is not executed inline in the loop
    // =====================================================================================================

    /** Executes {@code op}; false if it trapped (trap reason and details set; the loop sets pc and the word). */
    private boolean executeSlow(int op, int w) {
        final CpuState s = state;
        final int[] gpr = s.gpr;
        final int rt = (w >>> 21) & 31;
        final int ra = (w >>> 16) & 31;
        final int rb = (w >>> 11) & 31;
        if (op >= Op.LFS && (s.msr & CpuState.MSR_FP) == 0) {
            s.trap = ExitReason.FP_UNAVAILABLE;
            s.trapEsr = 0;
            return false;
        }
        switch (op) {
            case Op.ILLEGAL:
                return program(CpuState.ESR_PIL);
            case Op.PRIVILEGED:
                s.trap = ExitReason.PRIVILEGED_INSTRUCTION;
                s.trapEsr = CpuState.ESR_PPR;
                return false;
            case Op.TWI:
                return !Alu.trapCondition(rt, gpr[ra], (short) w) || program(CpuState.ESR_PTR);
            case Op.TW:
                return !Alu.trapCondition(rt, gpr[ra], gpr[rb]) || program(CpuState.ESR_PTR);

            // ---- integer (those the loop does not inline, and the OE=1 forms) ----
            case Op.ADDME:
            case Op.SUBFME:
            case Op.MULHW:
            case Op.MULHWU:
            case Op.DIVW:
            case Op.DIVWU:
            case Op.ARITH:
                Alu.arithmetic(s, w);
                return true;
            case Op.ORC:
                logical(s, w, gpr[rt] | ~gpr[rb]);
                return true;
            case Op.NAND:
                logical(s, w, ~(gpr[rt] & gpr[rb]));
                return true;
            case Op.EQV:
                logical(s, w, ~(gpr[rt] ^ gpr[rb]));
                return true;
            case Op.MAC:
                Alu.multiplyAccumulate(s, w);
                return true;
            case Op.MULHALF:
                Alu.multiplyHalfword(s, w);
                return true;
            case Op.DLMZB:
                Alu.leftmostZeroByte(s, w);
                return true;

            // ---- CR and user SPRs ----
            case Op.MCRF:
                s.cr = Alu.setField(s.cr, (w >>> 23) & 7, (s.cr >>> (28 - 4 * ((w >>> 18) & 7))) & 0xF);
                return true;
            case Op.CRLOGIC:
                s.cr = Alu.crLogical(s.cr, w);
                return true;
            case Op.MCRXR:
                s.cr = Alu.setField(s.cr, (w >>> 23) & 7, s.xer >>> 28);
                s.xer &= 0x0FFFFFFF;
                return true;
            case Op.MTCRF: {
                int m = Alu.crFieldMask((w >>> 12) & 0xFF);
                s.cr = (s.cr & ~m) | (gpr[rt] & m);
                return true;
            }
            case Op.MFXER:
                gpr[rt] = s.xer;
                return true;
            case Op.MTXER:
                s.xer = gpr[rt] & XER_MASK;
                return true;
            case Op.MFUSPRG0:
                gpr[rt] = s.usprg0;
                return true;
            case Op.MTUSPRG0:
                s.usprg0 = gpr[rt];
                return true;
            case Op.MFSPRG4_7:
                gpr[rt] = s.sprg4to7[Decoder.spr(w) - 260];
                return true;

            // ---- loads and stores the loop does not inline ----
            case Op.LHZU:
                return loadInto(rt, ra, gpr[ra] + (short) w, 2, false, true);
            case Op.LHAU:
                return loadInto(rt, ra, gpr[ra] + (short) w, 2, true, true);
            case Op.LHAX:
                return loadInto(rt, ra, base(ra) + gpr[rb], 2, true, false);
            case Op.LWZUX:
                return loadInto(rt, ra, gpr[ra] + gpr[rb], 4, false, true);
            case Op.LBZUX:
                return loadInto(rt, ra, gpr[ra] + gpr[rb], 1, false, true);
            case Op.LHZUX:
                return loadInto(rt, ra, gpr[ra] + gpr[rb], 2, false, true);
            case Op.LHAUX:
                return loadInto(rt, ra, gpr[ra] + gpr[rb], 2, true, true);
            case Op.STHU:
                return storeFrom(rt, ra, gpr[ra] + (short) w, 2, true);
            case Op.STWUX:
                return storeFrom(rt, ra, gpr[ra] + gpr[rb], 4, true);
            case Op.STBUX:
                return storeFrom(rt, ra, gpr[ra] + gpr[rb], 1, true);
            case Op.STHUX:
                return storeFrom(rt, ra, gpr[ra] + gpr[rb], 2, true);
            case Op.LWBRX: {
                long v = load(base(ra) + gpr[rb], 4);
                if (v == FAILED) {
                    return false;
                }
                gpr[rt] = Integer.reverseBytes((int) v);
                return true;
            }
            case Op.LHBRX: {
                long v = load(base(ra) + gpr[rb], 2);
                if (v == FAILED) {
                    return false;
                }
                gpr[rt] = Short.reverseBytes((short) v) & 0xFFFF;
                return true;
            }
            case Op.STWBRX:
                return store(base(ra) + gpr[rb], 4, Integer.reverseBytes(gpr[rt]));
            case Op.STHBRX:
                return store(base(ra) + gpr[rb], 2, Short.reverseBytes((short) gpr[rt]));
            case Op.LMW: {
                int ea = base(ra) + (short) w;
                for (int r = rt; r < 32; r++, ea += 4) {
                    long v = load(ea, 4);
                    if (v == FAILED) {
                        return false;
                    }
                    gpr[r] = (int) v;
                }
                return true;
            }
            case Op.STMW: {
                int ea = base(ra) + (short) w;
                for (int r = rt; r < 32; r++, ea += 4) {
                    if (!store(ea, 4, gpr[r])) {
                        return false;
                    }
                }
                return true;
            }
            case Op.LSWI:
                return loadString(rt, base(ra), rb == 0 ? 32 : rb);
            case Op.LSWX:
                return loadString(rt, base(ra) + gpr[rb], s.xer & 0x7F);
            case Op.STSWI:
                return storeString(rt, base(ra), rb == 0 ? 32 : rb);
            case Op.STSWX:
                return storeString(rt, base(ra) + gpr[rb], s.xer & 0x7F);
            case Op.LWARX: {
                int ea = base(ra) + gpr[rb];
                if ((ea & 3) != 0) {
                    return alignment(ea, 0);
                }
                long v = load(ea, 4);
                if (v == FAILED) {
                    return false;
                }
                gpr[rt] = (int) v;
                s.reserved = true;
                s.reservationAddress = ea;
                return true;
            }
            case Op.STWCX:
                return storeConditional(s, w, base(ra) + gpr[rb]);

            // ---- storage control ----
            case Op.DCBZ:
                return zeroBlock(base(ra) + gpr[rb]);
            case Op.DCB_CHECKED:
            case Op.ICBI: {
                int p = translate(base(ra) + gpr[rb], MissHandler.LOAD);
                if (p < 0) {
                    if (s.trap != ExitReason.MMIO) {
                        return false;
                    }
                    s.trap = null; // no caches in front of MMIO: nothing to flush
                    return true;
                }
                if (op == Op.ICBI) {
                    codeWritten(p & ~31, 32);
                }
                return true;
            }
            case Op.NOP:
                return true;

            // ---- floating point (MSR[FP] checked above) ----
            case Op.LFS:
            case Op.LFSU:
            case Op.LFSX:
            case Op.LFSUX: {
                int ea = fpEa(op, w, Op.LFS);
                if (crossesQuadword(ea, 4)) {
                    return alignment(ea, CpuState.ESR_FP);
                }
                long v = load(ea, 4);
                if (v == FAILED) {
                    return false;
                }
                s.fpr[rt] = SingleFormat.toDouble((int) v);
                if (op == Op.LFSU || op == Op.LFSUX) {
                    gpr[ra] = ea;
                }
                return true;
            }
            case Op.LFD:
            case Op.LFDU:
            case Op.LFDX:
            case Op.LFDUX: {
                int ea = fpEa(op, w, Op.LFD);
                if (crossesQuadword(ea, 8)) {
                    return alignment(ea, CpuState.ESR_FP);
                }
                if (!loadDouble(ea)) {
                    return false;
                }
                s.fpr[rt] = slowValue;
                if (op == Op.LFDU || op == Op.LFDUX) {
                    gpr[ra] = ea;
                }
                return true;
            }
            case Op.STFS:
            case Op.STFSU:
            case Op.STFSX:
            case Op.STFSUX: {
                int ea = fpEa(op, w, Op.STFS);
                if (crossesQuadword(ea, 4)) {
                    return alignment(ea, CpuState.ESR_FP | CpuState.ESR_ST);
                }
                if (!store(ea, 4, SingleFormat.fromDouble(s.fpr[rt]))) {
                    return false;
                }
                if (op == Op.STFSU || op == Op.STFSUX) {
                    gpr[ra] = ea;
                }
                return true;
            }
            case Op.STFD:
            case Op.STFDU:
            case Op.STFDX:
            case Op.STFDUX: {
                int ea = fpEa(op, w, Op.STFD);
                if (crossesQuadword(ea, 8)) {
                    return alignment(ea, CpuState.ESR_FP | CpuState.ESR_ST);
                }
                if (!storeDouble(ea, s.fpr[rt])) {
                    return false;
                }
                if (op == Op.STFDU || op == Op.STFDUX) {
                    gpr[ra] = ea;
                }
                return true;
            }
            case Op.STFIWX: {
                int ea = base(ra) + gpr[rb];
                if (crossesQuadword(ea, 4)) {
                    return alignment(ea, CpuState.ESR_FP | CpuState.ESR_ST);
                }
                return store(ea, 4, (int) s.fpr[rt]);
            }
            case Op.FP_ARITH: {
                int outcome = FpuOps.execute(s, w);
                if (outcome == 0) {
                    return true;
                }
                if (outcome == FpuOps.ENABLED_EXCEPTION) {
                    // completed with its architected effects; a Program interrupt only if MSR[FE0,FE1] ask for
                    // one (the 440 treats every nonzero mode as precise): SRR0 = this instruction
                    return (s.msr & (CpuState.MSR_FE0 | CpuState.MSR_FE1)) == 0 || program(CpuState.ESR_FP);
                }
                return program(CpuState.ESR_PIL);
            }

            default:
                // the loop executes every other op inline: reaching here is a decoder/loop mismatch
                s.trap = ExitReason.INTERNAL_ERROR;
                return false;
        }
    }

    private int base(int ra) {
        return ra == 0 ? 0 : state.gpr[ra];
    }

    /** The EA of an FP load/store: D-form (primary opcode) or X-form (31), with or without update. */
    private int fpEa(int op, int w, int firstOfGroup) {
        int[] gpr = state.gpr;
        int ra = (w >>> 16) & 31;
        int variant = op - firstOfGroup; // 0 = D, 1 = DU, 2 = X, 3 = XU
        int displacement = variant >= 2 ? gpr[(w >>> 11) & 31] : (short) w;
        return ((variant & 1) != 0 ? gpr[ra] : base(ra)) + displacement;
    }

    private static boolean crossesQuadword(int ea, int size) {
        return (ea & 15) + size > 16;
    }

    private static void logical(CpuState s, int w, int r) {
        s.gpr[(w >>> 16) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    private boolean program(int esr) {
        state.trap = ExitReason.PROGRAM;
        state.trapEsr = esr;
        return false;
    }

    private boolean alignment(int ea, int esr) {
        state.trap = ExitReason.ALIGNMENT;
        state.trapAddress = ea;
        state.trapEsr = esr;
        return false;
    }

    private boolean loadInto(int rt, int ra, int ea, int size, boolean signed, boolean update) {
        long v = load(ea, size);
        if (v == FAILED) {
            return false;
        }
        int value = (int) v;
        if (signed && size == 2) {
            value = (short) value;
        }
        state.gpr[rt] = value;
        if (update) {
            state.gpr[ra] = ea;
        }
        return true;
    }

    private boolean storeFrom(int rs, int ra, int ea, int size, boolean update) {
        if (!store(ea, size, state.gpr[rs])) {
            return false;
        }
        if (update) {
            state.gpr[ra] = ea;
        }
        return true;
    }

    /**
     * stwcx. on the 440: if the reservation bit is set, store and clear it (the address is not compared); if not,
     * no store, and only a Data TLB miss (not a Data Storage fault) is reported, as the PPC440x5 manual says.
     */
    private boolean storeConditional(CpuState s, int w, int ea) {
        if ((ea & 3) != 0) {
            return alignment(ea, CpuState.ESR_ST);
        }
        boolean stored;
        if (s.reserved) {
            if (!store(ea, 4, s.gpr[(w >>> 21) & 31])) {
                return false;
            }
            stored = true;
        } else {
            if (translate(ea, MissHandler.STORE) < 0 && s.trap != ExitReason.MMIO
                    && s.trap != ExitReason.DATA_STORAGE) {
                return false;
            }
            s.trap = null;
            stored = false;
        }
        s.reserved = false;
        s.cr = Alu.setField(s.cr, 0, (stored ? Alu.EQ : 0) | (s.xer >>> 31));
        return true;
    }

    /** dcbz: zero the aligned 32-byte block; a non-RAM page raises Alignment, as the 440 does for I=1 or W=1. */
    private boolean zeroBlock(int ea) {
        int p = translate(ea & ~31, MissHandler.STORE);
        if (p < 0) {
            if (state.trap == ExitReason.MMIO) {
                return alignment(ea, CpuState.ESR_ST);
            }
            return false;
        }
        p &= ~31;
        Arrays.fill(mem, p, p + 32, (byte) 0);
        if (hasCode[p >>> TranslationCache.PAGE_SHIFT] != 0) {
            codeWritten(p, 32);
        }
        return true;
    }

    /** lswi/lswx: {@code count} bytes into rt, rt+1, ... (wrapping r31 to r0), high byte first, last register 0-padded. */
    private boolean loadString(int rt, int ea, int count) {
        int[] gpr = state.gpr;
        int reg = rt;
        int value = 0;
        int shift = 24;
        for (int k = 0; k < count; k++) {
            long b = load(ea + k, 1);
            if (b == FAILED) {
                return false;
            }
            value |= (int) b << shift;
            shift -= 8;
            if (shift < 0) {
                gpr[reg] = value;
                reg = (reg + 1) & 31;
                value = 0;
                shift = 24;
            }
        }
        if (shift != 24) {
            gpr[reg] = value;
        }
        return true;
    }

    /** stswi/stswx: {@code count} bytes from rs, rs+1, ... (wrapping), high byte first. */
    private boolean storeString(int rs, int ea, int count) {
        int[] gpr = state.gpr;
        int reg = rs;
        int shift = 24;
        for (int k = 0; k < count; k++) {
            if (!store(ea + k, 1, gpr[reg] >>> shift)) {
                return false;
            }
            shift -= 8;
            if (shift < 0) {
                reg = (reg + 1) & 31;
                shift = 24;
            }
        }
        return true;
    }

    // =====================================================================================================
    // Memory access: fast paths for the helpers, slow paths for everyone
    // =====================================================================================================

    /** Loads {@code size} (1, 2 or 4) bytes big-endian, zero-extended; {@link #FAILED} if it trapped. */
    private long load(int ea, int size) {
        int ti = TranslationCache.index(ea, cacheMask);
        int off = ea & PAGE_MASK;
        if (readTag[ti] == ((ea & ~PAGE_MASK) | state.dataContext) && off <= PAGE_SIZE - size) {
            int p = ramOffset[ti] + off;
            switch (size) {
                case 1:
                    return mem[p] & 0xFF;
                case 2:
                    return ram.loadHalf(p) & 0xFFFF;
                default:
                    return ram.loadWord(p) & Alu.U32;
            }
        }
        return loadSlow(ea, size);
    }

    /** Stores the low {@code size} (1, 2 or 4) bytes of {@code value} big-endian; false if it trapped. */
    private boolean store(int ea, int size, int value) {
        int ti = TranslationCache.index(ea, cacheMask);
        int off = ea & PAGE_MASK;
        if (writeTag[ti] == ((ea & ~PAGE_MASK) | state.dataContext) && off <= PAGE_SIZE - size) {
            int p = ramOffset[ti] + off;
            switch (size) {
                case 1:
                    mem[p] = (byte) value;
                    break;
                case 2:
                    ram.storeHalf(p, (short) value);
                    break;
                default:
                    ram.storeWord(p, value);
                    break;
            }
            if (hasCode[p >>> TranslationCache.PAGE_SHIFT] != 0) {
                codeWritten(p, size);
            }
            return true;
        }
        return storeSlow(ea, size, value);
    }

    private boolean loadDouble(int ea) {
        int ti = TranslationCache.index(ea, cacheMask);
        int off = ea & PAGE_MASK;
        if (readTag[ti] == ((ea & ~PAGE_MASK) | state.dataContext) && off <= PAGE_SIZE - 8) {
            slowValue = ram.loadDouble(ramOffset[ti] + off);
            return true;
        }
        return loadBytes(ea, 8);
    }

    private boolean storeDouble(int ea, long value) {
        return storeBytes(ea, 8, value);
    }

    /** The slow path of a 1-, 2- or 4-byte load: the value zero-extended, or {@link #FAILED}. */
    private long loadSlow(int ea, int size) {
        return loadBytes(ea, size) ? slowValue : FAILED;
    }

    private boolean storeSlow(int ea, int size, int value) {
        return storeBytes(ea, size, value & Alu.U32);
    }

    /**
     * Loads {@code size} (≤ 8) bytes at {@code ea} into {@link #slowValue} through the miss handler, in at most two
     * physically contiguous pieces (an access crossing a 4 KiB page, or a 1 KiB DIRECT page, translates both).
     */
    private boolean loadBytes(int ea, int size) {
        int p1 = translate(ea, MissHandler.LOAD);
        if (p1 < 0) {
            return false;
        }
        int first = Math.min(size, lastSpan);
        int p2 = 0;
        if (first < size) {
            p2 = translate(ea + first, MissHandler.LOAD);
            if (p2 < 0) {
                return false;
            }
        }
        long v = 0;
        for (int k = 0; k < first; k++) {
            v = (v << 8) | (mem[p1 + k] & 0xFF);
        }
        for (int k = first; k < size; k++) {
            v = (v << 8) | (mem[p2 + k - first] & 0xFF);
        }
        slowValue = v;
        return true;
    }

    /** Stores the low {@code size} bytes of {@code value}: both pieces are translated before any byte is written. */
    private boolean storeBytes(int ea, int size, long value) {
        int p1 = translate(ea, MissHandler.STORE);
        if (p1 < 0) {
            return false;
        }
        int first = Math.min(size, lastSpan);
        int p2 = 0;
        if (first < size) {
            p2 = translate(ea + first, MissHandler.STORE);
            if (p2 < 0) {
                return false;
            }
        }
        for (int k = 0; k < first; k++) {
            mem[p1 + k] = (byte) (value >>> (8 * (size - 1 - k)));
        }
        for (int k = first; k < size; k++) {
            mem[p2 + k - first] = (byte) (value >>> (8 * (size - 1 - k)));
        }
        if (hasCode[p1 >>> TranslationCache.PAGE_SHIFT] != 0) {
            codeWritten(p1, first);
        }
        if (first < size && hasCode[p2 >>> TranslationCache.PAGE_SHIFT] != 0) {
            codeWritten(p2, size - first);
        }
        return true;
    }

    /**
     * Translates a data access through the cache and, on a miss, the miss handler. Returns the RAM offset of
     * {@code ea} (and sets {@link #lastSpan}), or -1 with the trap set: MMIO (trapPhysical from the handler,
     * trapAddress = ea), the handler's FAULT, or INTERNAL_ERROR if the handler broke its contract.
     */
    private int translate(int ea, int kind) {
        final CpuState s = state;
        final int[] tags = kind == MissHandler.STORE ? writeTag : readTag;
        for (int attempt = 0; attempt < 3; attempt++) {
            int ti = TranslationCache.index(ea, cacheMask);
            if (tags[ti] == ((ea & ~PAGE_MASK) | s.dataContext)) {
                lastSpan = PAGE_SIZE - (ea & PAGE_MASK);
                return ramOffset[ti] + (ea & PAGE_MASK);
            }
            int result = misses.miss(s, ea, kind);
            switch (result) {
                case MissHandler.REFILLED:
                    continue;
                case MissHandler.DIRECT: {
                    long p = s.trapPhysical;
                    if (p >= 0 && p < ramSize) {
                        lastSpan = 0x400 - (int) (p & 0x3FF);
                        return (int) p;
                    }
                    // "RAM" beyond the RAM array: let the VMM's address map decide what it is
                    s.trap = ExitReason.MMIO;
                    s.trapAddress = ea;
                    return -1;
                }
                case MissHandler.MMIO:
                    s.trap = ExitReason.MMIO;
                    s.trapAddress = ea;
                    return -1;
                case MissHandler.FAULT:
                    if (s.trap == null) {
                        s.trap = ExitReason.INTERNAL_ERROR;
                    }
                    return -1;
                default:
                    s.trap = ExitReason.INTERNAL_ERROR;
                    return -1;
            }
        }
        s.trap = ExitReason.INTERNAL_ERROR; // REFILLED, yet no entry for ea
        return -1;
    }

    /**
     * An instruction fetch missed the cache: the RAM offset of the page if the handler refilled it,
     * {@link #FETCH_DIRECT} (see {@link #directFetchPhysical}) for an uncached 1 KiB page, or {@link #FETCH_TRAP}.
     */
    private int fetchMiss(int pc) {
        final CpuState s = state;
        for (int attempt = 0; attempt < 3; attempt++) {
            switch (misses.miss(s, pc, MissHandler.FETCH)) {
                case MissHandler.REFILLED: {
                    int ti = TranslationCache.index(pc, cacheMask);
                    if (execTag[ti] == ((pc & ~PAGE_MASK) | s.fetchContext)) {
                        return ramOffset[ti];
                    }
                    continue;
                }
                case MissHandler.DIRECT: {
                    long p = s.trapPhysical;
                    if (p >= 0 && p <= ramSize - 4) {
                        directFetchPhysical = (int) p & ~3;
                        return FETCH_DIRECT;
                    }
                    s.trap = ExitReason.MACHINE_CHECK;
                    s.trapAddress = pc;
                    return FETCH_TRAP;
                }
                case MissHandler.MMIO:
                    // executing from a device: the 440 would take a machine check (PLB error on fetch)
                    s.trap = ExitReason.MACHINE_CHECK;
                    s.trapAddress = pc;
                    return FETCH_TRAP;
                case MissHandler.FAULT:
                    if (s.trap == null) {
                        s.trap = ExitReason.INTERNAL_ERROR;
                    }
                    return FETCH_TRAP;
                default:
                    s.trap = ExitReason.INTERNAL_ERROR;
                    return FETCH_TRAP;
            }
        }
        s.trap = ExitReason.INTERNAL_ERROR;
        return FETCH_TRAP;
    }
}
