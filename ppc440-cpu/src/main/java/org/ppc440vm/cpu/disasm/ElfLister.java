package org.ppc440vm.cpu.disasm;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Prints the executable sections of an ELF file in the layout of
 * {@code objdump -d}: a file header, one "Disassembly of section" block per
 * code section, a {@code <symbol>:} header wherever a symbol starts, one
 * {@code address:\tbytes \ttext} line per instruction, {@code \t...} for runs
 * of zero bytes, and a hex/ASCII dump for ranges covered by data objects.
 *
 * <p>Symbol selection follows objdump's observable rules: symbols are ordered
 * by address, then functions before objects before other symbols, global
 * before weak before local, larger before smaller, names without a leading dot
 * first, then by name; at each address the first symbol in that order that
 * belongs to the section wins. Branch targets print as
 * {@code addr <sym+0xoff>} using the nearest symbol at or below the target.
 */
final class ElfLister {

    /** objdump hides runs of at least this many zero bytes ... */
    private static final int SKIP_ZEROES = 8;
    /** ... and zero tails shorter than this at the end of a block. */
    private static final int SKIP_ZEROES_AT_END = 3;
    private static final int DATA_BYTES_PER_LINE = 16;

    private final ElfFile elf;
    private final String fileName;
    private final boolean relocatable;

    // Symbols usable for labels, in objdump's sort order.
    private final String[] symName;
    private final long[] symValue;
    private final int[] symSection;
    private final boolean[] symFunction;
    private final boolean[] symObject;

    /** Section being listed; branch targets prefer its symbols when relocatable. */
    private ElfFile.Section current;
    private final Disassembler disassembler;
    private int addressWidthSkip;

    ElfLister(ElfFile elf, String fileName) {
        this.elf = elf;
        this.fileName = fileName;
        this.relocatable = elf.type == ElfFile.ET_REL;
        List<ElfFile.Symbol> usable = new ArrayList<>();
        for (ElfFile.Symbol s : elf.symbols) {
            // objdump drops nameless, section, file, undefined and common symbols
            if (s.name.isEmpty() || s.type == ElfFile.STT_SECTION || s.type == ElfFile.STT_FILE
                || s.shndx == ElfFile.SHN_UNDEF || s.shndx == ElfFile.SHN_COMMON) {
                continue;
            }
            usable.add(s);
        }
        usable.sort(SYMBOL_ORDER);
        int n = usable.size();
        symName = new String[n];
        symValue = new long[n];
        symSection = new int[n];
        symFunction = new boolean[n];
        symObject = new boolean[n];
        for (int i = 0; i < n; i++) {
            ElfFile.Symbol s = usable.get(i);
            symName[i] = s.displayName;
            symValue[i] = s.value;
            symSection[i] = s.shndx;
            symFunction[i] = isFunction(s);
            symObject[i] = s.type == ElfFile.STT_OBJECT;
        }
        disassembler = new Disassembler(this::appendTarget);
    }

    private static boolean isFunction(ElfFile.Symbol s) {
        return s.type == ElfFile.STT_FUNC || s.type == ElfFile.STT_GNU_IFUNC;
    }

    private static boolean isFileLike(String n) {
        int len = n.length();
        return len > 2 && n.charAt(len - 2) == '.' && (n.charAt(len - 1) == 'o' || n.charAt(len - 1) == 'a');
    }

    private static boolean isCompilerMarker(String n) {
        return n.contains("gnu_compiled") || n.contains("gcc2_compiled");
    }

    private static final Comparator<ElfFile.Symbol> SYMBOL_ORDER = (a, b) -> {
        int c = Long.compare(a.value, b.value);
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(isCompilerMarker(a.name), isCompilerMarker(b.name));
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(isFileLike(a.name), isFileLike(b.name));
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(!isFunction(a), !isFunction(b));
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(a.type != ElfFile.STT_OBJECT, b.type != ElfFile.STT_OBJECT);
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(a.binding == ElfFile.STB_LOCAL, b.binding == ElfFile.STB_LOCAL);
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(a.binding != ElfFile.STB_GLOBAL, b.binding != ElfFile.STB_GLOBAL);
        if (c != 0) {
            return c;
        }
        c = Long.compare(b.size, a.size);
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(a.name.startsWith("."), b.name.startsWith("."));
        if (c != 0) {
            return c;
        }
        return a.name.compareTo(b.name);
    };

    /** Writes the whole listing. */
    void print(PrintStream out) {
        StringBuilder sb = new StringBuilder(256);
        sb.append('\n').append(fileName).append(":     file format elf32-powerpc\n\n");
        out.print(sb);
        for (ElfFile.Section s : elf.sections) {
            if (s.index == 0 || !s.isCode() || !s.hasContents() || s.size == 0) {
                continue;
            }
            sb.setLength(0);
            listSection(s, sb, out);
        }
    }

    private void listSection(ElfFile.Section sec, StringBuilder sb, PrintStream out) {
        current = sec;
        addressWidthSkip = addressSkip(sec.addr + sec.size);
        sb.append("\nDisassembly of section ").append(sec.name).append(":\n");
        long stop = sec.size;
        long offset = 0;
        int[] place = new int[1];
        int sym = findSymbol(sec.addr, true, place);
        while (offset < stop) {
            long addr = (sec.addr + offset) & 0xFFFFFFFFL;
            sb.append('\n');
            appendWithSymbol(sb, sym, addr, false);
            sb.append(":\n");

            int next;
            if (sym >= 0 && symValue[sym] > addr) {
                next = sym;
            } else if (sym < 0) {
                next = -1;
            } else {
                int p = place[0];
                while (p < symName.length && !(symSection[p] == sec.index && symValue[p] > symValue[sym])) {
                    p++;
                }
                next = p < symName.length ? p : -1;
                place[0] = p;
            }
            long nextStop;
            if (sym >= 0 && symValue[sym] > addr) {
                nextStop = symValue[sym] - sec.addr;
            } else if (next < 0) {
                nextStop = stop;
            } else {
                nextStop = symValue[next] - sec.addr;
            }
            if (nextStop > stop || nextStop <= offset) {
                nextStop = stop;
            }
            // Ranges labelled by a data object are dumped, not disassembled.
            boolean insns = sym < 0 || symSection[sym] != sec.index || symValue[sym] > addr
                || !symObject[sym] || isCompilerMarker(symName[sym]) || symFunction[sym];
            listBytes(sec, offset, nextStop, insns, sb);
            out.print(sb);
            sb.setLength(0);
            offset = nextStop;
            sym = next;
        }
        out.print(sb);
    }

    private void listBytes(ElfFile.Section sec, long from, long to, boolean insns, StringBuilder sb) {
        byte[] d = elf.data;
        int base = (int) sec.offset;
        long off = from;
        while (off < to) {
            long z = off;
            while (z < to && d[base + (int) z] == 0) {
                z++;
            }
            if (z - off >= SKIP_ZEROES || (z == to && z - off < SKIP_ZEROES_AT_END)) {
                // keep whole words when more data follows, so that we resume on an instruction boundary
                if (z != to) {
                    z = off + ((z - off) & ~3L);
                }
                sb.append("\t...\n");
                off = z;
                continue;
            }
            long addr = (sec.addr + off) & 0xFFFFFFFFL;
            appendLineAddress(sb, addr);
            if (insns) {
                if (to - off < 4) {
                    // objdump cannot fetch a whole instruction here
                    sb.append("Address 0x").append(Long.toHexString(addr)).append(" is out of bounds.\n\n");
                    off = to;
                    continue;
                }
                int p = base + (int) off;
                int word = ((d[p] & 0xFF) << 24) | ((d[p + 1] & 0xFF) << 16) | ((d[p + 2] & 0xFF) << 8)
                    | (d[p + 3] & 0xFF);
                for (int i = 0; i < 4; i++) {
                    hexByte(sb, d[p + i]).append(' ');
                }
                sb.append('\t');
                appendObjdumpText(sb, word, (int) addr);
                sb.append('\n');
                off += 4;
            } else {
                int n = (int) Math.min(DATA_BYTES_PER_LINE, to - off);
                int p = base + (int) off;
                for (int i = 0; i < n; i++) {
                    hexByte(sb, d[p + i]).append(' ');
                }
                for (int i = n; i < DATA_BYTES_PER_LINE; i++) {
                    sb.append("   ");
                }
                sb.append("    ");
                for (int i = 0; i < n; i++) {
                    int c = d[p + i] & 0xFF;
                    sb.append(c >= 0x20 && c < 0x7F ? (char) c : '.');
                }
                sb.append('\n');
                off += n;
            }
        }
    }

    /**
     * objdump pads the mnemonic to a column: mnemonic, then spaces up to
     * column 7, at least one, then the operands.
     */
    private void appendObjdumpText(StringBuilder sb, int word, int addr) {
        int start = sb.length();
        disassembler.append(sb, word, addr);
        int space = sb.indexOf(" ", start);
        if (space >= 0 && !sb.substring(start, space).equals(".long")) {
            int len = space - start;
            for (int i = len + 1; i < 8; i++) {
                sb.insert(space, ' ');
            }
        }
    }

    private static StringBuilder hexByte(StringBuilder sb, byte b) {
        int v = b & 0xFF;
        return sb.append(Character.forDigit(v >>> 4, 16)).append(Character.forDigit(v & 15, 16));
    }

    /**
     * objdump prints line addresses as 8 hex digits with leading zeros turned
     * into spaces, dropping the first four columns when the section's end
     * address has more than four leading zeros.
     */
    private static int addressSkip(long end) {
        int zeros = Integer.numberOfLeadingZeros((int) end) / 4;
        return zeros > 4 ? 4 : 0;
    }

    private void appendLineAddress(StringBuilder sb, long addr) {
        int start = sb.length();
        appendHex8(sb, addr);
        // drop the skipped columns, then blank leading zeros except the last digit
        sb.delete(start, start + addressWidthSkip);
        for (int i = start; i < sb.length() - 1 && sb.charAt(i) == '0'; i++) {
            sb.setCharAt(i, ' ');
        }
        sb.append(":\t");
    }

    /** Eight lower-case hex digits with leading zeros. */
    private static StringBuilder appendHex8(StringBuilder sb, long v) {
        for (int shift = 28; shift >= 0; shift -= 4) {
            sb.append(Character.forDigit((int) (v >>> shift) & 15, 16));
        }
        return sb;
    }

    /** Branch-target formatter handed to the disassembler. */
    private void appendTarget(StringBuilder sb, long addr) {
        if (symName.length == 0) {
            sb.append("0x").append(Long.toHexString(addr));
            return;
        }
        appendWithSymbol(sb, findSymbol(addr, false, null), addr, true);
    }

    /** {@code addr <sym+0xoff>}, or relative to the current section when there is no symbol. */
    private void appendWithSymbol(StringBuilder sb, int sym, long addr, boolean skipZeroes) {
        if (skipZeroes) {
            sb.append(Long.toHexString(addr));
        } else {
            appendHex8(sb, addr);
        }
        sb.append(" <");
        long base;
        if (sym < 0) {
            sb.append(current.name);
            base = current.addr;
        } else {
            sb.append(symName[sym]);
            base = symValue[sym];
        }
        if (base > addr) {
            sb.append("-0x").append(Long.toHexString(base - addr));
        } else if (addr > base) {
            sb.append("+0x").append(Long.toHexString(addr - base));
        }
        sb.append('>');
    }

    /**
     * Finds the symbol objdump would use for {@code vma}, or -1. With
     * {@code requireSection} (section headers) only symbols of the current
     * section qualify; relocatable files also prefer the current section for
     * targets inside it.
     */
    private int findSymbol(long vma, boolean requireSection, int[] place) {
        int n = symName.length;
        if (n == 0) {
            return -1;
        }
        int sec = current.index;
        int min = 0;
        int max = n;
        while (min + 1 < max) {
            int t = (min + max) >>> 1;
            long v = symValue[t];
            if (v > vma) {
                max = t;
            } else if (v < vma) {
                min = t;
            } else {
                min = t;
                break;
            }
        }
        int thisPlace = min;
        while (thisPlace > 0 && symValue[thisPlace] == symValue[thisPlace - 1]) {
            thisPlace--;
        }
        // Among symbols with this value, take the first one in the current section.
        int m = thisPlace;
        while (m < n && symValue[m] == symValue[thisPlace]) {
            if (symSection[m] == sec) {
                return found(m, place);
            }
            m++;
        }
        boolean wantSection = requireSection
            || (relocatable && vma >= current.addr && vma < current.addr + current.size);
        if (symSection[thisPlace] != sec && wantSection) {
            int newPlace = n;
            for (int i = m - 1; i >= 0; i--) {
                if (symSection[i] == sec) {
                    if (newPlace == n) {
                        newPlace = i;
                    }
                    if (symValue[i] != symValue[newPlace]) {
                        break;
                    }
                    newPlace = i;
                }
            }
            if (newPlace != n) {
                thisPlace = newPlace;
            } else {
                for (int i = thisPlace + 1; i < n; i++) {
                    if (symSection[i] == sec) {
                        thisPlace = i;
                        break;
                    }
                }
            }
            if (symSection[thisPlace] != sec) {
                return -1;
            }
        }
        return found(thisPlace, place);
    }

    private static int found(int i, int[] place) {
        if (place != null) {
            place[0] = i;
        }
        return i;
    }

    /** For tests: the sorted symbol names. */
    List<String> sortedSymbolNames() {
        return Arrays.asList(symName.clone());
    }
}
