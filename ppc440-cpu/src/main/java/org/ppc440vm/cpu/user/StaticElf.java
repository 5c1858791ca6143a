package org.ppc440vm.cpu.user;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A static 32-bit big-endian PowerPC ELF executable (ET_EXEC, EM_PPC, no PT_INTERP), validated for loading into a
 * user address space below {@link AddressSpace#TASK_SIZE}. Field meanings follow the System V gABI and the PowerPC
 * processor supplement; every check that fails names the problem, so a user sees why a file was refused.
 */
public final class StaticElf {
    static final int EHDR_SIZE = 52;
    static final int PHDR_SIZE = 32;

    static final int ET_REL = 1;
    static final int ET_EXEC = 2;
    static final int ET_DYN = 3;
    static final int ET_CORE = 4;
    static final int EM_PPC = 20;
    static final int EM_PPC64 = 21;

    public static final int PT_LOAD = 1;
    public static final int PT_INTERP = 3;
    public static final int PT_PHDR = 6;
    public static final int PT_TLS = 7;
    public static final int PT_GNU_STACK = 0x6474e551;

    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;

    /** One program header. */
    public static final class Segment {
        public final int type;
        public final int flags;
        public final long offset;
        public final long vaddr;
        public final long fileSize;
        public final long memSize;
        public final long align;

        Segment(int type, int flags, long offset, long vaddr, long fileSize, long memSize, long align) {
            this.type = type;
            this.flags = flags;
            this.offset = offset;
            this.vaddr = vaddr;
            this.fileSize = fileSize;
            this.memSize = memSize;
            this.align = align;
        }

        public boolean readable() {
            return (flags & PF_R) != 0;
        }

        public boolean writable() {
            return (flags & PF_W) != 0;
        }

        public boolean executable() {
            return (flags & PF_X) != 0;
        }

        @Override
        public String toString() {
            return String.format("type 0x%x vaddr 0x%08x memsz 0x%x filesz 0x%x offset 0x%x flags %s%s%s", type, vaddr,
                    memSize, fileSize, offset, readable() ? "R" : "-", writable() ? "W" : "-", executable() ? "X" : "-");
        }
    }

    private final byte[] image;
    public final int entry;
    public final int phoff;
    public final int phnum;
    private final List<Segment> segments;

    private StaticElf(byte[] image, int entry, int phoff, int phnum, List<Segment> segments) {
        this.image = image;
        this.entry = entry;
        this.phoff = phoff;
        this.phnum = phnum;
        this.segments = Collections.unmodifiableList(segments);
    }

    /** All program headers, in file order. */
    public List<Segment> segments() {
        return segments;
    }

    /** The PT_LOAD segments, in file order. */
    public List<Segment> loadSegments() {
        List<Segment> l = new ArrayList<>();
        for (Segment s : segments) {
            if (s.type == PT_LOAD) {
                l.add(s);
            }
        }
        return l;
    }

    /** The file bytes (not copied: the loader reads segment contents from it). */
    byte[] image() {
        return image;
    }

    /** The segment of this type, or null. */
    public Segment find(int type) {
        for (Segment s : segments) {
            if (s.type == type) {
                return s;
            }
        }
        return null;
    }

    /**
     * Where the program headers are in the loaded image (what AT_PHDR tells glibc): PT_PHDR's address if there is
     * one, else the address at which the first PT_LOAD maps file offset {@code e_phoff}, as Linux computes it.
     */
    public int programHeaderAddress() {
        Segment phdr = find(PT_PHDR);
        if (phdr != null) {
            return (int) phdr.vaddr;
        }
        Segment first = loadSegments().get(0);
        return (int) (first.vaddr - first.offset + phoff);
    }

    /** One past the highest address any PT_LOAD occupies (where the heap's break starts, page-aligned up). */
    public long end() {
        long end = 0;
        for (Segment s : loadSegments()) {
            end = Math.max(end, s.vaddr + s.memSize);
        }
        return end;
    }

    /** Parses and validates {@code file}; the exception's message names the first problem found. */
    public static StaticElf parse(byte[] file) throws ElfFormatException {
        if (file.length < 4 || file[0] != 0x7f || file[1] != 'E' || file[2] != 'L' || file[3] != 'F') {
            throw new ElfFormatException(file.length < 4 ? "not an ELF file: only " + file.length + " bytes"
                    : String.format("not an ELF file: its first bytes are %02x %02x %02x %02x, not 7f 45 4c 46",
                            file[0] & 0xff, file[1] & 0xff, file[2] & 0xff, file[3] & 0xff));
        }
        if (file.length < 16) {
            throw new ElfFormatException("truncated ELF: " + file.length + " bytes, shorter than the identification");
        }
        int elfClass = file[4] & 0xff;
        if (elfClass == 2) {
            throw new ElfFormatException("64-bit ELF (ELFCLASS64): user mode runs 32-bit PowerPC programs only");
        }
        if (elfClass != 1) {
            throw new ElfFormatException("unknown ELF class " + elfClass + " (need ELFCLASS32)");
        }
        int data = file[5] & 0xff;
        if (data == 1) {
            throw new ElfFormatException("little-endian ELF (ELFDATA2LSB): the 440 runs big-endian programs only");
        }
        if (data != 2) {
            throw new ElfFormatException("unknown ELF data encoding " + data + " (need ELFDATA2MSB, big-endian)");
        }
        if ((file[6] & 0xff) != 1) {
            throw new ElfFormatException("unknown ELF version " + (file[6] & 0xff));
        }
        if (file.length < EHDR_SIZE) {
            throw new ElfFormatException("truncated ELF: " + file.length + " bytes, shorter than the 52-byte header");
        }
        int type = u16(file, 16);
        int machine = u16(file, 18);
        if (machine != EM_PPC) {
            throw new ElfFormatException("ELF for machine " + machine + (machine == EM_PPC64 ? " (EM_PPC64)" : "")
                    + ", not PowerPC (EM_PPC, 20)");
        }
        switch (type) {
            case ET_EXEC:
                break;
            case ET_DYN:
                throw new ElfFormatException("a shared object or position-independent executable (ET_DYN): "
                        + "only static executables (ET_EXEC) can run; link with -static -no-pie");
            case ET_REL:
                throw new ElfFormatException("a relocatable object file (ET_REL), not an executable: link it first");
            case ET_CORE:
                throw new ElfFormatException("a core dump (ET_CORE), not an executable");
            default:
                throw new ElfFormatException("ELF type " + type + " is not an executable (ET_EXEC)");
        }
        int entry = s32(file, 24);
        long phoff = u32(file, 28);
        int phentsize = u16(file, 42);
        int phnum = u16(file, 44);
        if (phnum == 0) {
            throw new ElfFormatException("no program headers: nothing to load");
        }
        if (phentsize != PHDR_SIZE) {
            throw new ElfFormatException("program header entries of " + phentsize + " bytes (need " + PHDR_SIZE + ")");
        }
        if (phoff + (long) phnum * PHDR_SIZE > file.length) {
            throw new ElfFormatException(String.format("truncated ELF: %d program headers at offset 0x%x run past "
                    + "the end of the %d-byte file", phnum, phoff, file.length));
        }
        List<Segment> segments = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int p = (int) phoff + i * PHDR_SIZE;
            segments.add(new Segment(s32(file, p), s32(file, p + 24), u32(file, p + 4), u32(file, p + 8),
                    u32(file, p + 16), u32(file, p + 20), u32(file, p + 28)));
        }
        boolean loadable = false;
        boolean entryExecutable = false;
        long entryAddress = entry & 0xFFFFFFFFL;
        for (Segment s : segments) {
            if (s.type == PT_INTERP) {
                throw new ElfFormatException("dynamically linked (it names an interpreter, PT_INTERP): "
                        + "only static programs can run; link with -static");
            }
            if (s.type != PT_LOAD) {
                continue;
            }
            loadable = true;
            if (s.fileSize > s.memSize) {
                throw new ElfFormatException("segment (" + s + ") has more file bytes than memory bytes");
            }
            if (s.offset + s.fileSize > file.length) {
                throw new ElfFormatException(String.format("truncated ELF: segment at 0x%08x needs file bytes up to "
                        + "0x%x but the file has %d", s.vaddr, s.offset + s.fileSize, file.length));
            }
            if ((s.vaddr & AddressSpace.PAGE_MASK) != (s.offset & AddressSpace.PAGE_MASK)) {
                throw new ElfFormatException("segment (" + s + ") has an address and a file offset that differ "
                        + "within a 4 KiB page, so it cannot be mapped");
            }
            if (s.memSize == 0) {
                continue;
            }
            long start = s.vaddr & ~(long) AddressSpace.PAGE_MASK;
            long end = s.vaddr + s.memSize;
            if (start < AddressSpace.LOWEST_ADDRESS || end > AddressSpace.TASK_SIZE) {
                throw new ElfFormatException(String.format("segment at 0x%08x-0x%08x lies outside the user address "
                        + "space 0x%08x-0x%08x", s.vaddr, end, AddressSpace.LOWEST_ADDRESS, AddressSpace.TASK_SIZE));
            }
            if (s.executable() && entryAddress >= s.vaddr && entryAddress < end) {
                entryExecutable = true;
            }
        }
        if (!loadable) {
            throw new ElfFormatException("no loadable segments (PT_LOAD)");
        }
        if (!entryExecutable) {
            throw new ElfFormatException(String.format("the entry point 0x%08x is not in an executable segment",
                    entryAddress));
        }
        StaticElf elf = new StaticElf(file, entry, (int) phoff, phnum, segments);
        long phdr = elf.programHeaderAddress() & 0xFFFFFFFFL;
        boolean phdrLoaded = false;
        for (Segment s : elf.loadSegments()) {
            if (phdr >= s.vaddr && phdr + (long) phnum * PHDR_SIZE <= s.vaddr + s.fileSize) {
                phdrLoaded = true;
            }
        }
        if (!phdrLoaded) {
            // Static glibc reads its own program headers through AT_PHDR (to find PT_TLS): they must be in memory.
            throw new ElfFormatException(String.format("the program headers (0x%08x) are not inside a loaded segment",
                    phdr));
        }
        return elf;
    }

    private static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }

    private static int s32(byte[] b, int o) {
        return ((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
    }

    private static long u32(byte[] b, int o) {
        return s32(b, o) & 0xFFFFFFFFL;
    }
}
