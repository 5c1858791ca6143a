package org.ppc440vm.cpu.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

class StaticElfTest {

    private static String rejection(byte[] file) {
        return assertThrows(ElfFormatException.class, () -> StaticElf.parse(file)).getMessage();
    }

    private static String rejection(Consumer<TestElf> change) {
        TestElf e = TestElf.withCode(TestElf.SC);
        e.data(0x1001_0000, new byte[] {1, 2, 3}, 100);
        change.accept(e);
        return rejection(e.build());
    }

    @Test
    void parsesAValidStaticExecutable() throws Exception {
        TestElf e = TestElf.withCode(TestElf.li(3, 0), TestElf.SC);
        e.data(0x1001_0010, new byte[] {1, 2, 3, 4}, 0x2000);
        StaticElf elf = StaticElf.parse(e.build());
        assertEquals(TestElf.TEXT + 0x100, elf.entry);
        assertEquals(2, elf.loadSegments().size());
        StaticElf.Segment data = elf.loadSegments().get(1);
        assertEquals(0x1001_0010L, data.vaddr);
        assertEquals(4, data.fileSize);
        assertEquals(0x2004, data.memSize);
        assertTrue(data.writable() && !data.executable());
        assertEquals(TestElf.TEXT + 52, elf.programHeaderAddress(), "headers at text + e_phoff");
        assertEquals(0x1001_0010L + 0x2004, elf.end());
    }

    @Test
    void rejectsFilesThatAreNotElf() {
        assertTrue(rejection(new byte[0]).contains("not an ELF"));
        assertTrue(rejection("#!/bin/sh\necho hi\n".getBytes()).contains("not an ELF file: its first bytes are 23 21"));
    }

    @Test
    void rejectsA64BitElf() {
        assertTrue(rejection(e -> e.elfClass = 2).contains("64-bit"));
    }

    @Test
    void rejectsALittleEndianElf() {
        assertTrue(rejection(e -> e.dataEncoding = 1).contains("little-endian"));
    }

    @Test
    void rejectsOtherMachines() {
        String m = rejection(e -> e.machine = 62);
        assertTrue(m.contains("machine 62") && m.contains("EM_PPC"), m);
        assertTrue(rejection(e -> e.machine = StaticElf.EM_PPC64).contains("EM_PPC64"));
    }

    @Test
    void rejectsSharedObjectsRelocatablesAndDynamicPrograms() {
        assertTrue(rejection(e -> e.type = StaticElf.ET_DYN).contains("ET_DYN"));
        assertTrue(rejection(e -> e.type = StaticElf.ET_REL).contains("relocatable"));
        String m = rejection(e -> e.segment(StaticElf.PT_INTERP, StaticElf.PF_R, 0x1000_0200,
                "/lib/ld.so.1\0".getBytes(), 13));
        assertTrue(m.contains("dynamically linked"), m);
    }

    @Test
    void rejectsTruncatedFiles() {
        byte[] good = TestElf.withCode(TestElf.SC).build();
        assertTrue(rejection(Arrays.copyOf(good, 40)).contains("52-byte header"));
        assertTrue(rejection(Arrays.copyOf(good, 60)).contains("program headers"));
        byte[] withData = TestElf.withCode(TestElf.SC).build();
        TestElf e = TestElf.withCode(TestElf.SC);
        e.data(0x1001_0000, new byte[64], 0);
        byte[] full = e.build();
        String m = rejection(Arrays.copyOf(full, full.length - 10));
        assertTrue(m.contains("truncated") && m.contains("0x10010000"), m);
        assertEquals(withData.length, good.length);
    }

    @Test
    void rejectsSegmentsOutsideTheUserAddressSpace() {
        String m = rejection(e -> e.data(0xC000_0000, new byte[4], 0));
        assertTrue(m.contains("outside the user address space"), m);
        assertTrue(rejection(e -> e.data(0x0000_0000, new byte[4], 0)).contains("outside"));
        assertTrue(rejection(e -> e.data(0xBFFF_F000, new byte[4], 0x2000)).contains("outside"));
    }

    @Test
    void rejectsInconsistentSegments() {
        assertTrue(rejection(e -> e.segments.get(1).fileSizeOverride = 200).contains("more file bytes"));
        assertTrue(rejection(e -> e.segments.get(1).offset = 0x2001).contains("differ within a 4 KiB page"));
        assertTrue(rejection(e -> e.entry = 0x1001_0000).contains("entry point 0x10010000"));
        assertTrue(rejection(e -> e.phentsize = 40).contains("40 bytes"));
    }

    @Test
    void rejectsAProgramWithNothingToLoad() {
        TestElf e = new TestElf();
        e.segment(StaticElf.PT_GNU_STACK, StaticElf.PF_R | StaticElf.PF_W, 0, null, 0);
        assertTrue(rejection(e.build()).contains("no loadable segments"));
    }
}
