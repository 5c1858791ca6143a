package org.ppc440vm.cpu.user;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small ELF images in memory for loader tests: by default a valid static big-endian EM_PPC ET_EXEC with the
 * program headers inside the first (text) segment, as a linker lays them out; every header field can be changed to
 * make a malformed file.
 */
final class TestElf {
    static final int TEXT = 0x1000_0000;

    static final class Seg {
        int type = StaticElf.PT_LOAD;
        int flags;
        int vaddr;
        byte[] data;
        int memSize;
        /** -1: chosen by the builder (page-aligned, congruent to vaddr). */
        long offset = -1;
        long fileSizeOverride = -1;
    }

    int elfClass = 1;
    int dataEncoding = 2;
    int type = StaticElf.ET_EXEC;
    int machine = StaticElf.EM_PPC;
    int entry = TEXT + 0x100;
    int phentsize = 32;
    final List<Seg> segments = new ArrayList<>();

    /** A text segment at {@link #TEXT} (R-X) holding {@code code} at offset 0x100, where the entry point is. */
    static TestElf withCode(int... code) {
        TestElf e = new TestElf();
        byte[] text = new byte[0x100 + 4 * code.length];
        ByteBuffer b = ByteBuffer.wrap(text);
        for (int i = 0; i < code.length; i++) {
            b.putInt(0x100 + 4 * i, code[i]);
        }
        e.segment(StaticElf.PT_LOAD, StaticElf.PF_R | StaticElf.PF_X, TEXT, text, text.length);
        return e;
    }

    Seg segment(int type, int flags, int vaddr, byte[] data, int memSize) {
        Seg s = new Seg();
        s.type = type;
        s.flags = flags;
        s.vaddr = vaddr;
        s.data = data;
        s.memSize = memSize;
        segments.add(s);
        return s;
    }

    /** A data segment (RW-) with {@code data} and {@code bss} zero bytes after it. */
    Seg data(int vaddr, byte[] data, int bss) {
        return segment(StaticElf.PT_LOAD, StaticElf.PF_R | StaticElf.PF_W, vaddr, data, data.length + bss);
    }

    byte[] build() {
        int phoff = 52;
        int headerEnd = phoff + 32 * segments.size();
        // Lay out contents: the first PT_LOAD starts at file offset 0 (covering the headers, like ld does).
        long next = 0;
        long[] offsets = new long[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            Seg s = segments.get(i);
            if (s.offset >= 0) {
                offsets[i] = s.offset;
                continue;
            }
            long page = s.vaddr & 0xFFF;
            if (i == 0 && s.type == StaticElf.PT_LOAD) {
                offsets[i] = page; // text: offset 0 maps vaddr & ~0xFFF
            } else {
                long base = (Math.max(next, headerEnd) + 0xFFF) & ~0xFFFL;
                offsets[i] = base + page;
            }
            next = offsets[i] + (s.data == null ? 0 : s.data.length);
        }
        long size = headerEnd;
        for (int i = 0; i < segments.size(); i++) {
            Seg s = segments.get(i);
            if (s.data != null) {
                size = Math.max(size, offsets[i] + s.data.length);
            }
        }
        ByteBuffer b = ByteBuffer.allocate((int) size);
        b.put(0, (byte) 0x7f).put(1, (byte) 'E').put(2, (byte) 'L').put(3, (byte) 'F');
        b.put(4, (byte) elfClass).put(5, (byte) dataEncoding).put(6, (byte) 1);
        b.putShort(16, (short) type).putShort(18, (short) machine).putInt(20, 1).putInt(24, entry);
        b.putInt(28, phoff).putInt(32, 0).putInt(36, 0).putShort(40, (short) 52).putShort(42, (short) phentsize);
        b.putShort(44, (short) segments.size()).putShort(46, (short) 40);
        for (int i = 0; i < segments.size(); i++) {
            Seg s = segments.get(i);
            int p = phoff + 32 * i;
            int fileSize = s.data == null ? 0 : s.data.length;
            b.putInt(p, s.type).putInt(p + 4, (int) offsets[i]).putInt(p + 8, s.vaddr).putInt(p + 12, s.vaddr);
            b.putInt(p + 16, (int) (s.fileSizeOverride >= 0 ? s.fileSizeOverride : fileSize));
            b.putInt(p + 20, s.memSize).putInt(p + 24, s.flags).putInt(p + 28, 0x1000);
        }
        // Contents last: the text segment's bytes start at offset 0 and must not overwrite the headers.
        for (int i = 0; i < segments.size(); i++) {
            Seg s = segments.get(i);
            if (s.data == null) {
                continue;
            }
            for (int k = 0; k < s.data.length; k++) {
                long at = offsets[i] + k;
                if (at >= headerEnd || (i != 0)) {
                    b.put((int) at, s.data[k]);
                }
            }
        }
        return b.array();
    }

    // ---- a few PowerPC encodings for hand-written test programs ----
    static int addi(int rt, int ra, int si) {
        return (14 << 26) | (rt << 21) | (ra << 16) | (si & 0xFFFF);
    }

    static int li(int rt, int si) {
        return addi(rt, 0, si);
    }

    static int lis(int rt, int si) {
        return (15 << 26) | (rt << 21) | (si & 0xFFFF);
    }

    static int ori(int ra, int rs, int ui) {
        return (24 << 26) | (rs << 21) | (ra << 16) | (ui & 0xFFFF);
    }

    static int lwz(int rt, int d, int ra) {
        return (32 << 26) | (rt << 21) | (ra << 16) | (d & 0xFFFF);
    }

    static int stw(int rs, int d, int ra) {
        return (36 << 26) | (rs << 21) | (ra << 16) | (d & 0xFFFF);
    }

    static final int SC = 0x44000002;
    /** mfmsr r3: privileged. */
    static final int MFMSR_R3 = 0x7c6000a6;
    /** An all-zero word: an illegal instruction. */
    static final int ILLEGAL = 0x00000000;
}
