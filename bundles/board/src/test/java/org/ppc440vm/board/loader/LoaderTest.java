package org.ppc440vm.board.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.tlb.spi.Mmu440;

class LoaderTest {
    static final Path VMLINUX = Path.of("../../../shared/guest/vmlinux");
    static final byte[] FDT = new byte[256];

    /** A minimal ELF32 executable: one PT_LOAD of {@code code} (+ bss) at vaddr/paddr. */
    static byte[] elf(int machine, int elfClass, int data, int vaddr, int paddr, int entry, byte[] code, int bss) {
        ByteBuffer b = ByteBuffer.allocate(0x100 + code.length);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', (byte) elfClass, (byte) data, 1, 0});
        b.position(16);
        b.putShort((short) 2); // ET_EXEC
        b.putShort((short) machine);
        b.putInt(1);
        b.putInt(entry);
        b.putInt(52); // phoff
        b.putInt(0); // shoff
        b.putInt(0);
        b.putShort((short) 52);
        b.putShort((short) 32);
        b.putShort((short) 2); // phnum: a PT_NOTE and the PT_LOAD
        b.putShort((short) 40);
        b.putShort((short) 0);
        b.putShort((short) 0);
        // PT_NOTE (ignored)
        b.putInt(4).putInt(0).putInt(0).putInt(0).putInt(0).putInt(0).putInt(4).putInt(4);
        // PT_LOAD
        b.putInt(1).putInt(0x100).putInt(vaddr).putInt(paddr).putInt(code.length).putInt(code.length + bss).putInt(7)
                .putInt(0x1000);
        b.position(0x100);
        b.put(code);
        return b.array();
    }

    static byte[] ppcElf(int vaddr, int paddr, int entry, byte[] code, int bss) {
        return elf(20, 1, 2, vaddr, paddr, entry, code, bss);
    }

    static byte[] uImage(int arch, int type, int comp, int load, int entry, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(64 + payload.length);
        b.putInt(0x27051956).putInt(0).putInt(1700000000).putInt(payload.length).putInt(load).putInt(entry)
                .putInt(ImageParser.crc32(payload, 0, payload.length));
        b.put((byte) 5).put((byte) arch).put((byte) type).put((byte) comp);
        b.put("Linux-test".getBytes(StandardCharsets.US_ASCII));
        b.position(64);
        b.put(payload);
        byte[] a = b.array();
        int hcrc = ImageParser.crc32(a, 0, 64);
        ByteBuffer.wrap(a).putInt(4, hcrc);
        return a;
    }

    @Test
    void elfSegmentsLoadAtTheirPhysicalAddressAndTheBssIsZeroed() throws Exception {
        byte[] code = {1, 2, 3, 4, 5, 6, 7, 8};
        KernelImage k = ImageParser.parse("prog.elf", ppcElf(0x00100000, 0x00100000, 0x00100004, code, 0x1000));
        assertEquals(KernelImage.Format.ELF, k.format());
        assertEquals(0x00100004, k.entry());
        GuestRam ram = new GuestRam(32 << 20);
        ram.fill(0x00100000, 0x2000, (byte) 0xEE); // stale bytes where the BSS goes
        BootLoader.Placement p = BootLoader.place(ram, k, null, null, FDT);
        assertEquals(0x00100004, p.entry);
        byte[] got = new byte[8];
        ram.read(0x00100000, got, 0, 8);
        assertArrayEquals(code, got);
        assertEquals(0, ram.readByte(0x00100008));
        assertEquals(0, ram.readByte(0x00101007), "last BSS byte");
        assertEquals((byte) 0xEE, ram.readByte(0x00101008), "past the BSS: untouched");
    }

    @Test
    void vmlinuxLikeImageEntersAtThePhysicalAliasOfItsEntry() throws Exception {
        byte[] code = new byte[64];
        KernelImage k = ImageParser.parse("vmlinux", ppcElf(0xC0000000, 0, 0xC0000000, code, 0x100));
        assertEquals(0, k.entry());
        assertEquals(0, k.lowest());
        assertEquals(64 + 0x100, k.highest());
    }

    @Test
    void theReferenceVmlinuxParses() throws Exception {
        assumeTrue(Files.isRegularFile(VMLINUX), "no reference vmlinux at " + VMLINUX.toAbsolutePath());
        KernelImage k = ImageParser.parse("vmlinux", Files.readAllBytes(VMLINUX));
        assertEquals(0, k.entry());
        assertEquals(1, k.segments().size());
        assertEquals(0, k.segments().get(0).address);
        assertEquals(0x6db1f0, k.segments().get(0).data.length);
        assertEquals(0x6ff394, k.segments().get(0).memorySize);
        GuestRam ram = new GuestRam(256 << 20);
        byte[] initrd = new byte[1034075];
        BootLoader.Placement p = BootLoader.place(ram, k, "initramfs", initrd, FDT);
        assertEquals(0x01800000, p.fdtAddress);
        assertEquals(0x019fc75bL, p.initrdEnd);
    }

    @Test
    void theBuiltInGuestIsA32BitPowerPcElfAt1MiB() throws Exception {
        byte[] elf;
        try (var in = LoaderTest.class.getResourceAsStream("/org/ppc440vm/board/guest/defaultguest.elf")) {
            elf = in.readAllBytes();
        }
        KernelImage k = ImageParser.parse("built-in", elf);
        assertEquals(0x00100000, k.entry());
        assertEquals(0x00100000, k.lowest());
        assertTrue(k.highest() < 0x00200000);
    }

    @Test
    void uImageLoadsItsPayloadAtTheLoadAddress() throws Exception {
        byte[] payload = "kernel bytes".getBytes(StandardCharsets.US_ASCII);
        KernelImage k = ImageParser.parse("uImage", uImage(7, 2, 0, 0x4000, 0x4008, payload));
        assertEquals(KernelImage.Format.UIMAGE, k.format());
        assertEquals(0x4008, k.entry());
        assertEquals(0x4000, k.lowest());
        assertArrayEquals(payload, k.segments().get(0).data);
        assertTrue(k.name().contains("Linux-test"));
    }

    @Test
    void gzipUImageIsDecompressed() throws Exception {
        byte[] payload = new byte[100_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 7);
        }
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(z)) {
            gz.write(payload);
        }
        KernelImage k = ImageParser.parse("uImage.gz", uImage(7, 2, 1, 0, 0, z.toByteArray()));
        assertArrayEquals(payload, k.segments().get(0).data);
    }

    @Test
    void uImageErrorsAreNamed() {
        byte[] good = uImage(7, 2, 0, 0, 0, new byte[32]);
        assertMessage("not PowerPC", () -> ImageParser.parse("u", uImage(2, 2, 0, 0, 0, new byte[32])));
        assertMessage("compression bzip2", () -> ImageParser.parse("u", uImage(7, 2, 2, 0, 0, new byte[32])));
        assertMessage("type 3", () -> ImageParser.parse("u", uImage(7, 3, 0, 0, 0, new byte[32])));
        byte[] badHeader = good.clone();
        badHeader[16] ^= 1;
        assertMessage("header checksum", () -> ImageParser.parse("u", badHeader));
        byte[] badData = good.clone();
        badData[70] ^= 1;
        assertMessage("data checksum", () -> ImageParser.parse("u", badData));
        assertMessage("truncated", () -> ImageParser.parse("u", Arrays.copyOf(good, 80)));
    }

    @Test
    void rawBinaryGoesAtZero() throws Exception {
        KernelImage k = ImageParser.parse("raw.bin", new byte[] {0x48, 0, 0, 0});
        assertEquals(KernelImage.Format.RAW, k.format());
        assertEquals(0, k.entry());
        assertEquals(0, k.lowest());
    }

    @Test
    void wrongKindsOfImageAreRejectedByName() {
        byte[] code = new byte[16];
        assertMessage("64-bit", () -> ImageParser.parse("k", elf(21, 2, 2, 0, 0, 0, code, 0)));
        assertMessage("little-endian", () -> ImageParser.parse("k", elf(62, 1, 1, 0, 0, 0, code, 0)));
        assertMessage("not PowerPC: the ELF is for x86-64", () -> ImageParser.parse("k", elf(62, 1, 2, 0, 0, 0, code, 0)));
        assertMessage("not PowerPC: the ELF is for ARM", () -> ImageParser.parse("k", elf(40, 1, 2, 0, 0, 0, code, 0)));
        assertMessage("truncated", () -> ImageParser.parse("k", Arrays.copyOf(ppcElf(0, 0, 0, code, 0), 40)));
        assertMessage("truncated", () -> ImageParser.parse("k", Arrays.copyOf(ppcElf(0, 0, 0, code, 0), 0x104)));
        assertMessage("entry point 0x00900000 lies in no loadable segment",
                () -> ImageParser.parse("k", ppcElf(0x100000, 0x100000, 0x900000, code, 0)));
        assertMessage("gzip-compressed", () -> ImageParser.parse("k", new byte[] {0x1F, (byte) 0x8B, 8, 0}));
        assertMessage("empty", () -> ImageParser.parse("k", new byte[0]));
    }

    @Test
    void placementErrorsSayWhatOverlapsOrDoesNotFit() throws Exception {
        GuestRam ram = new GuestRam(32 << 20);
        KernelImage overFdt = ImageParser.parse("big", ppcElf(0, 0, 0, new byte[16], 0x1800010));
        assertMessage("big: overlaps the FDT at 0x01800000", () -> BootLoader.place(ram, overFdt, null, null, FDT));
        KernelImage huge = ImageParser.parse("huge", ppcElf(0, 0, 0, new byte[16], 0x3000000));
        assertMessage("huge: does not fit in 32 MiB of RAM", () -> BootLoader.place(ram, huge, null, null, FDT));
        KernelImage overInitrd = ImageParser.parse("k", ppcElf(0x01950000, 0x01950000, 0x01950000, new byte[16], 0));
        assertMessage("overlaps the initrd at 0x01900000",
                () -> BootLoader.place(ram, overInitrd, "initrd", new byte[0x100000], FDT));
        KernelImage small = ImageParser.parse("k", ppcElf(0x100000, 0x100000, 0x100000, new byte[16], 0));
        assertMessage("initrd.img: the initrd (16777216 bytes at 0x01900000) does not fit in 32 MiB of RAM",
                () -> BootLoader.place(ram, small, "initrd.img", new byte[16 << 20], FDT));
        assertMessage("does not fit below the initrd",
                () -> BootLoader.place(ram, small, null, null, new byte[0x100001]));
        GuestRam tiny = new GuestRam(16 << 20);
        assertMessage("too small", () -> BootLoader.place(tiny, small, null, null, FDT));
        // nothing was written by the failed attempts
        assertEquals(0, ram.readInt(0x100000, Endian.BIG));
    }

    @Test
    void bootStateIsWhatThe44xHeadCodeExpects() throws Exception {
        KernelImage k = ImageParser.parse("vmlinux", ppcElf(0xC0000000, 0, 0xC0000000, new byte[16], 0));
        GuestRam ram = new GuestRam(32 << 20);
        byte[] fdt = new byte[100];
        fdt[0] = (byte) 0xD0;
        BootLoader.Placement p = BootLoader.place(ram, k, null, null, fdt);
        assertEquals((byte) 0xD0, ram.readByte(0x01800000), "the FDT is at 0x01800000");
        CpuState s = new CpuState();
        s.msr = CpuState.MSR_EE | CpuState.MSR_PR | CpuState.MSR_IS | CpuState.MSR_DS;
        s.pid = 5;
        List<String> calls = new ArrayList<>();
        Mmu440 mmu = (Mmu440) Proxy.newProxyInstance(Mmu440.class.getClassLoader(), new Class<?>[] {Mmu440.class},
                (proxy, method, args) -> {
                    calls.add(method.getName() + (args == null ? "" : Arrays.toString(args)));
                    return null;
                });
        BootLoader.prepareCpu(s, mmu, p);
        assertEquals(0, s.pc);
        assertEquals(0x01800000, s.gpr[3]);
        assertEquals((16 << 20) - 8, s.gpr[1]);
        assertEquals(0, s.msr, "IS = DS = PR = EE = 0");
        assertEquals(0, s.pid);
        assertEquals(List.of("setMmucr[0]",
                "tlbwe[0, 0, " + (0x200 | 0x90) + "]", // V, SIZE 256M (9), TS 0, EPN 0
                "tlbwe[0, 1, 0]", // RPN 0, ERPN 0
                "tlbwe[0, 2, 7]", // SX SW SR, WIMGE 0
                "contextChanged"), calls);
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        LoadException x = assertThrows(LoadException.class, e);
        assertTrue(x.getMessage().contains(expected), "'" + x.getMessage() + "' should say '" + expected + "'");
    }
}
