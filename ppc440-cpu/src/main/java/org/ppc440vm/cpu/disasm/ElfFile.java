package org.ppc440vm.cpu.disasm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Minimal reader for 32-bit big-endian PowerPC ELF files: section headers and
 * the symbol table, which is all the objdump-style lister needs. Every offset
 * read from the file is bounds-checked so that a damaged file yields an
 * {@link IllegalArgumentException} with a readable message instead of an
 * index exception.
 */
final class ElfFile {

    static final int ET_REL = 1;
    static final int SHT_SYMTAB = 2;
    static final int SHT_NOBITS = 8;
    static final int SHT_DYNSYM = 11;
    static final int SHT_GNU_VERDEF = 0x6FFFFFFD;
    static final int SHT_GNU_VERNEED = 0x6FFFFFFE;
    static final int SHT_GNU_VERSYM = 0x6FFFFFFF;
    private static final int VER_FLG_BASE = 1;
    static final int SHF_EXECINSTR = 0x4;
    static final int SHN_UNDEF = 0;
    static final int SHN_LORESERVE = 0xFF00;
    static final int SHN_ABS = 0xFFF1;
    static final int SHN_COMMON = 0xFFF2;
    static final int STT_OBJECT = 1;
    static final int STT_FUNC = 2;
    static final int STT_SECTION = 3;
    static final int STT_FILE = 4;
    static final int STT_GNU_IFUNC = 10;
    static final int STB_LOCAL = 0;
    static final int STB_GLOBAL = 1;
    private static final int EM_PPC = 20;

    /** One section header. */
    static final class Section {
        final int index;
        final String name;
        final int type;
        final int flags;
        final long addr;
        final long offset;
        final long size;

        Section(int index, String name, int type, int flags, long addr, long offset, long size) {
            this.index = index;
            this.name = name;
            this.type = type;
            this.flags = flags;
            this.addr = addr;
            this.offset = offset;
            this.size = size;
        }

        boolean isCode() {
            return (flags & SHF_EXECINSTR) != 0;
        }

        boolean hasContents() {
            return type != SHT_NOBITS;
        }
    }

    /** One symbol-table entry. */
    static final class Symbol {
        final String name;
        final long value;
        final long size;
        final int type;
        final int binding;
        final int shndx;
        /**
         * Name as objdump prints it: dynamic symbols carry their version,
         * {@code name@@VER} (default) or {@code name@VER} (hidden).
         */
        final String displayName;

        Symbol(String name, long value, long size, int type, int binding, int shndx, String displayName) {
            this.name = name;
            this.value = value;
            this.size = size;
            this.type = type;
            this.binding = binding;
            this.shndx = shndx;
            this.displayName = displayName;
        }
    }

    final byte[] data;
    final int type;
    final List<Section> sections;
    /** Entries of .symtab, or of .dynsym when the file has no .symtab. */
    final List<Symbol> symbols;

    private ElfFile(byte[] data, int type, List<Section> sections, List<Symbol> symbols) {
        this.data = data;
        this.type = type;
        this.sections = sections;
        this.symbols = symbols;
    }

    /** Whether the bytes start with the ELF magic number. */
    static boolean hasElfMagic(byte[] b) {
        return b.length >= 4 && b[0] == 0x7F && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
    }

    /** Parses the file, or throws IllegalArgumentException describing what is wrong. */
    static ElfFile parse(byte[] b) {
        if (!hasElfMagic(b) || b.length < 52) {
            throw new IllegalArgumentException("not an ELF file (too short or bad magic)");
        }
        if (b[4] != 1) {
            throw new IllegalArgumentException("not a 32-bit ELF file (EI_CLASS=" + b[4] + ")");
        }
        if (b[5] != 2) {
            throw new IllegalArgumentException("not a big-endian ELF file (EI_DATA=" + b[5] + ")");
        }
        int machine = u16(b, 18);
        if (machine != EM_PPC) {
            throw new IllegalArgumentException("not a 32-bit PowerPC ELF file (e_machine=" + machine + ")");
        }
        int type = u16(b, 16);
        long shoff = u32(b, 32);
        int shentsize = u16(b, 46);
        int shnum = u16(b, 48);
        int shstrndx = u16(b, 50);
        List<Section> sections = new ArrayList<>();
        if (shnum == 0 || shoff == 0) {
            return new ElfFile(b, type, sections, List.of());
        }
        if (shentsize < 40) {
            throw new IllegalArgumentException("bad section header size " + shentsize);
        }
        check(b, shoff, (long) shentsize * shnum, "section header table");
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            int p = (int) (shoff + (long) i * shentsize);
            raw[i] = new long[] {u32(b, p), u32(b, p + 4), u32(b, p + 8), u32(b, p + 12), u32(b, p + 16),
                u32(b, p + 20), u32(b, p + 24), u32(b, p + 28), u32(b, p + 32), u32(b, p + 36)};
        }
        if (shstrndx >= shnum) {
            throw new IllegalArgumentException("bad section-name table index " + shstrndx);
        }
        long[] strtab = raw[shstrndx];
        for (int i = 0; i < shnum; i++) {
            long[] h = raw[i];
            String name = i == 0 ? "" : string(b, strtab, h[0], "section name");
            int stype = (int) h[1];
            if (stype != SHT_NOBITS && h[5] != 0) {
                check(b, h[4], h[5], "section " + name);
            }
            sections.add(new Section(i, name, stype, (int) h[2], h[3], h[4], h[5]));
        }
        Section symtab = null;
        for (Section s : sections) {
            if (s.type == SHT_SYMTAB) {
                symtab = s;
                break;
            }
        }
        if (symtab == null) {
            for (Section s : sections) {
                if (s.type == SHT_DYNSYM) {
                    symtab = s;
                    break;
                }
            }
        }
        List<Symbol> symbols = new ArrayList<>();
        if (symtab != null) {
            long[] h = raw[symtab.index];
            int link = (int) h[6];
            if (link >= shnum) {
                throw new IllegalArgumentException("bad string table index for " + symtab.name);
            }
            long[] names = raw[link];
            long entsize = h[9] == 0 ? 16 : h[9];
            if (entsize < 16) {
                throw new IllegalArgumentException("bad symbol entry size " + entsize);
            }
            long count = symtab.size / entsize;
            Versions versions = symtab.type == SHT_DYNSYM ? Versions.read(b, sections, raw) : null;
            for (long i = 1; i < count; i++) { // entry 0 is the null symbol
                int p = (int) (symtab.offset + i * entsize);
                long nameOff = u32(b, p);
                long value = u32(b, p + 4);
                long size = u32(b, p + 8);
                int info = b[p + 12] & 0xFF;
                int shndx = u16(b, p + 14);
                String name = string(b, names, nameOff, "symbol name");
                String display = versions == null ? name : versions.decorate(name, (int) i);
                symbols.add(new Symbol(name, value, size, info & 15, info >>> 4, shndx, display));
            }
        }
        return new ElfFile(b, type, Collections.unmodifiableList(sections), Collections.unmodifiableList(symbols));
    }

    /**
     * GNU symbol versioning of the dynamic symbol table, used the way objdump
     * decorates names when it falls back to .dynsym (stripped files).
     */
    private static final class Versions {
        private final int[] versym;
        private final String[] defNames;
        private final int[] defFlags;
        private final java.util.Map<Integer, String> needNames;

        private Versions(int[] versym, String[] defNames, int[] defFlags, java.util.Map<Integer, String> needNames) {
            this.versym = versym;
            this.defNames = defNames;
            this.defFlags = defFlags;
            this.needNames = needNames;
        }

        static Versions read(byte[] b, List<Section> sections, long[][] raw) {
            Section sym = null;
            Section def = null;
            Section need = null;
            for (Section s : sections) {
                if (s.type == SHT_GNU_VERSYM) {
                    sym = s;
                } else if (s.type == SHT_GNU_VERDEF) {
                    def = s;
                } else if (s.type == SHT_GNU_VERNEED) {
                    need = s;
                }
            }
            if (sym == null || (def == null && need == null)) {
                return null;
            }
            int[] versym = new int[(int) (sym.size / 2)];
            for (int i = 0; i < versym.length; i++) {
                versym[i] = u16(b, (int) (sym.offset + 2L * i));
            }
            String[] defNames = new String[0];
            int[] defFlags = new int[0];
            if (def != null) {
                long[] strtab = raw[(int) raw[def.index][6]];
                int maxIndex = 0;
                long p = def.offset;
                java.util.Map<Integer, String> names = new java.util.HashMap<>();
                java.util.Map<Integer, Integer> flags = new java.util.HashMap<>();
                for (int guard = 0; guard < 65536; guard++) {
                    int vdFlags = u16(b, (int) p + 2);
                    int vdNdx = u16(b, (int) p + 4);
                    long vdAux = u32(b, (int) p + 12);
                    long vdNext = u32(b, (int) p + 16);
                    String nodeName = string(b, strtab, u32(b, (int) (p + vdAux)), "version name");
                    names.put(vdNdx, nodeName);
                    flags.put(vdNdx, vdFlags);
                    maxIndex = Math.max(maxIndex, vdNdx);
                    if (vdNext == 0) {
                        break;
                    }
                    p += vdNext;
                }
                defNames = new String[maxIndex];
                defFlags = new int[maxIndex];
                for (java.util.Map.Entry<Integer, String> e : names.entrySet()) {
                    if (e.getKey() >= 1) {
                        defNames[e.getKey() - 1] = e.getValue();
                        defFlags[e.getKey() - 1] = flags.get(e.getKey());
                    }
                }
            }
            java.util.Map<Integer, String> needNames = new java.util.HashMap<>();
            if (need != null) {
                long[] strtab = raw[(int) raw[need.index][6]];
                long p = need.offset;
                for (int guard = 0; guard < 65536; guard++) {
                    int cnt = u16(b, (int) p + 2);
                    long aux = p + u32(b, (int) p + 8);
                    long next = u32(b, (int) p + 12);
                    for (int k = 0; k < cnt; k++) {
                        int other = u16(b, (int) aux + 6);
                        needNames.putIfAbsent(other, string(b, strtab, u32(b, (int) aux + 8), "version name"));
                        long anext = u32(b, (int) aux + 12);
                        if (anext == 0) {
                            break;
                        }
                        aux += anext;
                    }
                    if (next == 0) {
                        break;
                    }
                    p += next;
                }
            }
            return new Versions(versym, defNames, defFlags, needNames);
        }

        String decorate(String name, int index) {
            if (index >= versym.length) {
                return name;
            }
            boolean hidden = (versym[index] & 0x8000) != 0;
            int v = versym[index] & 0x7FFF;
            String version;
            if (v == 0) {
                version = "";
            } else if (v == 1 && (v > defNames.length || (defFlags[0] & VER_FLG_BASE) != 0)) {
                version = "Base";
            } else if (v <= defNames.length) {
                version = defNames[v - 1] == null ? "" : defNames[v - 1];
            } else {
                String n = needNames.get(v);
                version = n == null ? "<corrupt>" : n;
                hidden = true;
            }
            return version.isEmpty() ? name : name + (hidden ? "@" : "@@") + version;
        }
    }

    private static void check(byte[] b, long off, long len, String what) {
        if (off < 0 || len < 0 || off + len > b.length) {
            throw new IllegalArgumentException(what + " lies outside the file (offset 0x" + Long.toHexString(off)
                + ", size 0x" + Long.toHexString(len) + ", file size 0x" + Integer.toHexString(b.length) + ")");
        }
    }

    private static String string(byte[] b, long[] table, long off, String what) {
        long start = table[4] + off;
        if (off >= table[5] || start >= b.length) {
            throw new IllegalArgumentException(what + " offset 0x" + Long.toHexString(off) + " outside string table");
        }
        int end = (int) start;
        long limit = Math.min(b.length, table[4] + table[5]);
        while (end < limit && b[end] != 0) {
            end++;
        }
        // ISO-8859-1 keeps a one-to-one byte mapping, so sorting by name
        // matches a C strcmp on the raw bytes.
        return new String(b, (int) start, end - (int) start, StandardCharsets.ISO_8859_1);
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static long u32(byte[] b, int p) {
        if (p < 0 || p + 4 > b.length) {
            throw new IllegalArgumentException("truncated ELF file");
        }
        return ((long) (b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }
}
