package org.ppc440vm.cpu.spi;

/**
 * The 4 KiB translations the CPU really uses: the "hardware" TLB of the host thread running a vCPU. The tlb bundle's
 * shadow TLB fills it on demand from the guest TLB and invalidates it precisely; the CPU only reads it.
 *
 * <p>Direct-mapped: entry {@code i = index(ea, mask) = ((ea >>> 12) ^ (ea >>> 20)) & mask}: the page number folded
 * with its own high bits, so that pages 256 MiB apart (a Linux user program's text at 0x1000_0000 and the kernel's
 * at 0xC000_0000, both in entry 0 with a plain {@code (ea >>> 12) & mask}) do not evict each other on every system
 * call, while the pages of a contiguous region still fill consecutive entries. A tag is {@code (ea & 0xFFFFF000) | context} where the
 * context (12 low bits, see {@link CpuState#fetchContext}) is the guest's PR, address space and PID; there are
 * separate tags per access kind, so a permission that the guest entry does not grant is simply a tag that never
 * matches. A hit is {@code tag[i] == ((ea & ~0xFFF) | ctx)}: then the byte is {@code ram[ramOffset[i] + (ea & 0xFFF)]}.
 * {@link #INVALID} never matches any tag (contexts use only 10 bits).
 */
public final class TranslationCache {
    public static final int INVALID = -1;
    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_MASK = 0xFFF;

    public final int size;
    public final int mask;
    public final int[] readTag;
    public final int[] writeTag;
    public final int[] execTag;
    /** Byte offset into guest RAM of the entry's page. */
    public final int[] ramOffset;

    public TranslationCache(int entries) {
        if (Integer.bitCount(entries) != 1 || entries < 16) {
            throw new IllegalArgumentException("translation cache size must be a power of two >= 16: " + entries);
        }
        size = entries;
        mask = entries - 1;
        readTag = new int[entries];
        writeTag = new int[entries];
        execTag = new int[entries];
        ramOffset = new int[entries];
        flush();
    }

    /** Index of the entry for effective address {@code ea}. */
    public int index(int ea) {
        return index(ea, mask);
    }

    /**
     * Index of the entry for {@code ea} in a cache with {@code mask}: the one formula every user of the cache (and
     * the interpreter's inlined copies of the lookup) must share.
     */
    public static int index(int ea, int mask) {
        return ((ea >>> PAGE_SHIFT) ^ (ea >>> (PAGE_SHIFT + 8))) & mask;
    }

    /** The tag an access to {@code ea} in {@code context} must find. */
    public static int tag(int ea, int context) {
        return (ea & ~PAGE_MASK) | context;
    }

    /** Installs one translation; {@code read/write/exec} say which access kinds it grants. */
    public void install(int ea, int context, int ramPageOffset, boolean read, boolean write, boolean exec) {
        int i = index(ea);
        int t = tag(ea, context);
        readTag[i] = read ? t : INVALID;
        writeTag[i] = write ? t : INVALID;
        execTag[i] = exec ? t : INVALID;
        ramOffset[i] = ramPageOffset;
    }

    /** Forgets every translation. */
    public void flush() {
        java.util.Arrays.fill(readTag, INVALID);
        java.util.Arrays.fill(writeTag, INVALID);
        java.util.Arrays.fill(execTag, INVALID);
    }

    /** Forgets the entry that could translate {@code ea} (in any context). */
    public void flushPage(int ea) {
        int i = index(ea);
        readTag[i] = INVALID;
        writeTag[i] = INVALID;
        execTag[i] = INVALID;
    }
}
