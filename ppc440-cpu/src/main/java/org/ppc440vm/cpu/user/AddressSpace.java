package org.ppc440vm.cpu.user;

import java.util.Arrays;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.Cpu;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.MissHandler;
import org.ppc440vm.cpu.spi.TranslationCache;

/**
 * The user-mode process's address space: what the Linux kernel's page tables and VMAs are for a real process. A
 * flat page table maps each 4 KiB effective-address page to a page frame of {@link GuestRam} with Linux's
 * PROT_READ/WRITE/EXEC; frames are taken from the RAM on first touch (and zeroed then), so mapped but untouched
 * memory (bss, heap, stack, anonymous mmap) costs nothing. As the CPU's {@link MissHandler} it installs translations
 * into the {@link TranslationCache} and turns accesses to unmapped or protected pages into storage faults.
 *
 * <p>Frames are freed only by syscalls (munmap, brk, MAP_FIXED), which run outside {@link Cpu#run(long)}: that is
 * where decoded code of a freed frame is dropped, so a frame handed out again on a miss holds nothing stale.
 */
public final class AddressSpace implements MissHandler {
    public static final int PAGE_SIZE = 4096;
    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_MASK = PAGE_SIZE - 1;
    /** The top of user space on a 32-bit PowerPC Linux with the default 3 GiB/1 GiB split (CONFIG_TASK_SIZE). */
    public static final long TASK_SIZE = 0xC000_0000L;
    /** Nothing is mapped below this (Linux's mmap_min_addr), so a null pointer always faults. */
    public static final long LOWEST_ADDRESS = 0x1000L;

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;
    private static final int PROT_MASK = 7;
    private static final int MAPPED = 8;

    private static final int PAGES = 1 << 20;
    private static final int NO_FRAME = -1;

    /** Why the last access failed. */
    public enum FaultCause {
        UNMAPPED("unmapped address"),
        PROTECTION("protection violation"),
        OUT_OF_MEMORY("guest RAM exhausted");

        public final String text;

        FaultCause(String text) {
            this.text = text;
        }
    }

    private final GuestRam ram;
    private final byte[] ramBytes;
    /** Per EA page: PROT_* bits, and MAPPED when the page belongs to a mapping. */
    private final byte[] prot = new byte[PAGES];
    /** Per EA page: the RAM frame number backing it, or NO_FRAME while untouched. */
    private final int[] frame = new int[PAGES];
    private final int[] freeFrames;
    private int freeCount;
    private int framesInUse;
    private int peakFramesInUse;

    private Cpu cpu;
    private TranslationCache tlb;

    // ---- the last fault, for the report that kills the process ----
    private FaultCause faultCause;
    private int faultAddress;
    private int faultKind;

    public AddressSpace(GuestRam ram) {
        this.ram = ram;
        this.ramBytes = ram.bytes;
        Arrays.fill(frame, NO_FRAME);
        int frames = (int) (ram.size() >>> PAGE_SHIFT);
        freeFrames = new int[frames];
        // Hand out low frames first (a stack: the last pushed is the first popped).
        for (int i = 0; i < frames; i++) {
            freeFrames[i] = frames - 1 - i;
        }
        freeCount = frames;
    }

    /** Connects the core whose translation cache this fills and whose decoded code a write must drop. */
    public void attach(Cpu core) {
        this.cpu = core;
        this.tlb = core.translationCache();
    }

    public GuestRam ram() {
        return ram;
    }

    // ================================================================ the CPU's miss path

    @Override
    public int miss(CpuState state, int ea, int kind) {
        int page = ea >>> PAGE_SHIFT;
        int p = prot[page];
        int need = kind == FETCH ? PROT_EXEC : kind == STORE ? PROT_WRITE : PROT_READ;
        if ((p & MAPPED) == 0 || (effective(p) & need) == 0) {
            return fault(state, ea, kind, (p & MAPPED) == 0 ? FaultCause.UNMAPPED : FaultCause.PROTECTION);
        }
        int f = frame[page];
        if (f == NO_FRAME) {
            f = populate(page);
            if (f == NO_FRAME) {
                return fault(state, ea, kind, FaultCause.OUT_OF_MEMORY);
            }
        }
        int e = effective(p);
        tlb.install(ea, kind == FETCH ? state.fetchContext : state.dataContext, f << PAGE_SHIFT,
                (e & PROT_READ) != 0, (e & PROT_WRITE) != 0, (e & PROT_EXEC) != 0);
        return REFILLED;
    }

    /** What an access may do: on PowerPC Linux a writable page is also readable. */
    private static int effective(int p) {
        return (p & PROT_WRITE) != 0 ? p | PROT_READ : p;
    }

    private int fault(CpuState state, int ea, int kind, FaultCause cause) {
        faultCause = cause;
        faultAddress = ea;
        faultKind = kind;
        state.trap = kind == FETCH ? ExitReason.INSTRUCTION_STORAGE : ExitReason.DATA_STORAGE;
        state.trapAddress = ea;
        state.trapEsr = kind == STORE ? CpuState.ESR_ST : 0;
        return FAULT;
    }

    public FaultCause lastFaultCause() {
        return faultCause;
    }

    public int lastFaultAddress() {
        return faultAddress;
    }

    /** {@link MissHandler#FETCH}, {@link MissHandler#LOAD} or {@link MissHandler#STORE}. */
    public int lastFaultKind() {
        return faultKind;
    }

    /** Gives a mapped, untouched page a zeroed frame; NO_FRAME when RAM is exhausted. */
    private int populate(int page) {
        if (freeCount == 0) {
            return NO_FRAME;
        }
        int f = freeFrames[--freeCount];
        int base = f << PAGE_SHIFT;
        Arrays.fill(ramBytes, base, base + PAGE_SIZE, (byte) 0);
        frame[page] = f;
        if (++framesInUse > peakFramesInUse) {
            peakFramesInUse = framesInUse;
        }
        return f;
    }

    // ================================================================ mappings (the syscalls' view)

    /** True if page-aligned {@code [start, start+length)} lies in user space and no page of it is mapped. */
    public boolean isFree(long start, long length) {
        if (start < LOWEST_ADDRESS || start + length > TASK_SIZE || length <= 0) {
            return false;
        }
        for (long a = start; a < start + length; a += PAGE_SIZE) {
            if ((prot[(int) (a >>> PAGE_SHIFT)] & MAPPED) != 0) {
                return false;
            }
        }
        return true;
    }

    public boolean isMapped(long address) {
        return address >= 0 && address < (1L << 32) && (prot[(int) (address >>> PAGE_SHIFT)] & MAPPED) != 0;
    }

    /** The PROT_* bits of the page holding {@code address}, or -1 when it is not mapped. */
    public int protection(long address) {
        int p = prot[(int) (address >>> PAGE_SHIFT)];
        return (p & MAPPED) == 0 ? -1 : p & PROT_MASK;
    }

    /**
     * Maps page-aligned {@code [start, start+length)} as fresh zero-filled memory with {@code protection},
     * replacing whatever was mapped there (as MAP_FIXED does).
     */
    public void map(long start, long length, int protection) {
        checkRange(start, length);
        for (long a = start; a < start + length; a += PAGE_SIZE) {
            int page = (int) (a >>> PAGE_SHIFT);
            releaseFrame(page);
            prot[page] = (byte) (MAPPED | (protection & PROT_MASK));
        }
        flushTranslations(start, length);
    }

    /** Unmaps page-aligned {@code [start, start+length)}, freeing its frames; unmapped pages in it are fine. */
    public void unmap(long start, long length) {
        checkRange(start, length);
        for (long a = start; a < start + length; a += PAGE_SIZE) {
            int page = (int) (a >>> PAGE_SHIFT);
            releaseFrame(page);
            prot[page] = 0;
        }
        flushTranslations(start, length);
    }

    /** Changes the protection of page-aligned {@code [start, start+length)}; false (and no change) if a page is unmapped. */
    public boolean protect(long start, long length, int protection) {
        checkRange(start, length);
        for (long a = start; a < start + length; a += PAGE_SIZE) {
            if ((prot[(int) (a >>> PAGE_SHIFT)] & MAPPED) == 0) {
                return false;
            }
        }
        for (long a = start; a < start + length; a += PAGE_SIZE) {
            prot[(int) (a >>> PAGE_SHIFT)] = (byte) (MAPPED | (protection & PROT_MASK));
        }
        flushTranslations(start, length);
        return true;
    }

    /**
     * Drops the contents of page-aligned {@code [start, start+length)} (MADV_DONTNEED): the pages stay mapped and read
     * back as zeros, their frames return to the free pool.
     */
    public void discard(long start, long length) {
        checkRange(start, length);
        for (long a = start; a < start + length; a += PAGE_SIZE) {
            releaseFrame((int) (a >>> PAGE_SHIFT));
        }
        flushTranslations(start, length);
    }

    /**
     * Moves the pages of {@code [from, from+length)} to {@code [to, to+length)} (mremap): frames and protection go
     * along, no byte is copied. The destination must be free.
     */
    public void move(long from, long to, long length) {
        checkRange(from, length);
        checkRange(to, length);
        if (from == to) {
            return;
        }
        long n = length >>> PAGE_SHIFT;
        // Copy in the direction that does not overwrite pages not yet moved when the ranges overlap.
        for (long i = 0; i < n; i++) {
            long k = to < from ? i : n - 1 - i;
            int src = (int) ((from >>> PAGE_SHIFT) + k);
            int dst = (int) ((to >>> PAGE_SHIFT) + k);
            frame[dst] = frame[src];
            prot[dst] = prot[src];
            frame[src] = NO_FRAME;
            prot[src] = 0;
        }
        flushTranslations(from, length);
        flushTranslations(to, length);
    }

    /**
     * The highest page-aligned free range of {@code length} bytes that ends at or below {@code ceiling} (Linux's
     * top-down mmap layout), or -1 if there is none.
     */
    public long findFree(long length, long ceiling) {
        long pages = length >>> PAGE_SHIFT;
        long run = 0;
        for (long page = (ceiling >>> PAGE_SHIFT) - 1; page >= LOWEST_ADDRESS >>> PAGE_SHIFT; page--) {
            if ((prot[(int) page] & MAPPED) != 0) {
                run = 0;
            } else if (++run == pages) {
                return page << PAGE_SHIFT;
            }
        }
        return -1;
    }

    private void releaseFrame(int page) {
        int f = frame[page];
        if (f == NO_FRAME) {
            return;
        }
        frame[page] = NO_FRAME;
        freeFrames[freeCount++] = f;
        framesInUse--;
        if (cpu != null) {
            cpu.invalidateCode((long) f << PAGE_SHIFT, PAGE_SIZE);
        }
    }

    private void flushTranslations(long start, long length) {
        if (tlb == null) {
            return;
        }
        if ((length >>> PAGE_SHIFT) >= tlb.size) {
            tlb.flush();
            return;
        }
        for (long a = start; a < start + length; a += PAGE_SIZE) {
            tlb.flushPage((int) a);
        }
    }

    private static void checkRange(long start, long length) {
        if ((start & PAGE_MASK) != 0 || (length & PAGE_MASK) != 0 || start < 0 || length < 0
                || start + length > (1L << 32)) {
            throw new IllegalArgumentException(String.format("not a page-aligned range: 0x%x+0x%x", start, length));
        }
    }

    /** Frames currently backing pages, and the most ever at once (a measure of the program's footprint). */
    public int framesInUse() {
        return framesInUse;
    }

    public int peakFramesInUse() {
        return peakFramesInUse;
    }

    // ================================================================ memory access for the kernel side

    /**
     * The RAM offset of {@code address}'s byte if the page may be accessed with {@code need} (PROT_*; 0 means
     * "ignore protection", for the loader), populating an untouched page; -1 if not.
     */
    private int ramOffset(long address, int need) {
        if (address < 0 || address >= (1L << 32)) {
            return -1;
        }
        int page = (int) (address >>> PAGE_SHIFT);
        int p = prot[page];
        if ((p & MAPPED) == 0 || (effective(p) & need) != need) {
            return -1;
        }
        int f = frame[page];
        if (f == NO_FRAME && (f = populate(page)) == NO_FRAME) {
            return -1;
        }
        return (f << PAGE_SHIFT) | (int) (address & PAGE_MASK);
    }

    /** Copies guest memory into {@code dst}; false if some byte is not readable (EFAULT). */
    public boolean read(long address, byte[] dst, int offset, int length) {
        return copy(address, dst, offset, length, PROT_READ, false);
    }

    /** Copies {@code src} into writable guest memory; false if some byte is not writable (EFAULT). */
    public boolean write(long address, byte[] src, int offset, int length) {
        return copy(address, src, offset, length, PROT_WRITE, true);
    }

    /** Writes into mapped guest memory whatever its protection (the loader filling read-only text). */
    public boolean load(long address, byte[] src, int offset, int length) {
        return copy(address, src, offset, length, 0, true);
    }

    private boolean copy(long address, byte[] buf, int offset, int length, int need, boolean toGuest) {
        long a = address;
        int done = 0;
        while (done < length) {
            int r = ramOffset(a, need);
            if (r < 0) {
                return false;
            }
            int chunk = Math.min(length - done, PAGE_SIZE - (int) (a & PAGE_MASK));
            if (toGuest) {
                System.arraycopy(buf, offset + done, ramBytes, r, chunk);
                if (cpu != null) {
                    cpu.invalidateCode(r, chunk);
                }
            } else {
                System.arraycopy(ramBytes, r, buf, offset + done, chunk);
            }
            done += chunk;
            a += chunk;
        }
        return true;
    }

    /** True if every byte of {@code [address, address+length)} may be accessed with {@code need}. */
    public boolean accessible(long address, long length, int need) {
        if (length == 0) {
            return true;
        }
        if (address < 0 || address + length > (1L << 32)) {
            return false;
        }
        for (long page = address >>> PAGE_SHIFT; page <= (address + length - 1) >>> PAGE_SHIFT; page++) {
            int p = prot[(int) page];
            if ((p & MAPPED) == 0 || (effective(p) & need) != need) {
                return false;
            }
        }
        return true;
    }

    /** A big-endian word of readable guest memory, or null (EFAULT). */
    public Integer readWord(long address) {
        byte[] b = new byte[4];
        if (!read(address, b, 0, 4)) {
            return null;
        }
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    public boolean writeWord(long address, int value) {
        return write(address, new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8),
                (byte) value}, 0, 4);
    }

    /**
     * A NUL-terminated string of readable guest memory, at most {@code max} bytes before the NUL; null if it runs
     * into unreadable memory or is longer (EFAULT / ENAMETOOLONG: the caller decides).
     */
    public byte[] readCString(long address, int max) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long a = address;
        while (out.size() <= max) {
            int r = ramOffset(a, PROT_READ);
            if (r < 0) {
                return null;
            }
            int end = (r | PAGE_MASK) + 1;
            for (int i = r; i < end; i++) {
                byte b = ramBytes[i];
                if (b == 0) {
                    return out.toByteArray();
                }
                out.write(b);
                if (out.size() > max) {
                    return null;
                }
            }
            a += end - r;
        }
        return null;
    }

    /** The instruction word at {@code pc} for a report, or null if that memory is not mapped readable or executable. */
    public Integer peekInstruction(int pc) {
        long address = pc & 0xFFFFFFFFL;
        int p = prot[(int) (address >>> PAGE_SHIFT)];
        int f = frame[(int) (address >>> PAGE_SHIFT)];
        if ((p & MAPPED) == 0 || f == NO_FRAME || (p & (PROT_READ | PROT_EXEC)) == 0) {
            return null;
        }
        return ram.loadWord((f << PAGE_SHIFT) | (int) (address & PAGE_MASK) & ~3);
    }
}
