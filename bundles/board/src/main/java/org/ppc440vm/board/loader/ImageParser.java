package org.ppc440vm.board.loader;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;

/**
 * Recognises and parses a kernel image: an ELF executable (vmlinux, or a bare-metal program), a U-Boot legacy
 * uImage, or a raw binary (loaded at 0 and entered at 0).
 */
public final class ImageParser {
    static final int EM_PPC = 20;
    static final int PT_LOAD = 1;
    static final int UIMAGE_MAGIC = 0x27051956;
    static final int UIMAGE_HEADER = 64;
    static final int IH_ARCH_PPC = 7;
    static final int IH_TYPE_STANDALONE = 1;
    static final int IH_TYPE_KERNEL = 2;
    static final int IH_COMP_NONE = 0;
    static final int IH_COMP_GZIP = 1;
    /** A decompressed uImage larger than this cannot fit any RAM we run. */
    static final long MAX_IMAGE = 1L << 31;

    private ImageParser() {
    }

    public static KernelImage parse(String name, byte[] image) throws LoadException {
        if (image.length >= 4 && image[0] == 0x7F && image[1] == 'E' && image[2] == 'L' && image[3] == 'F') {
            return parseElf(name, image);
        }
        if (image.length >= 4 && ByteBuffer.wrap(image).getInt(0) == UIMAGE_MAGIC) {
            return parseUImage(name, image);
        }
        if (image.length >= 2 && (image[0] & 0xFF) == 0x1F && (image[1] & 0xFF) == 0x8B) {
            throw new LoadException(name + ": is gzip-compressed; give the uncompressed kernel (vmlinux) or a uImage");
        }
        if (image.length == 0) {
            throw new LoadException(name + ": is empty");
        }
        List<KernelImage.Segment> one = List.of(new KernelImage.Segment(0, image, image.length));
        return new KernelImage(name, KernelImage.Format.RAW, one, 0);
    }

    // ---------------------------------------------------------------- ELF

    static KernelImage parseElf(String name, byte[] image) throws LoadException {
        if (image.length < 52) {
            throw new LoadException(name + ": truncated ELF header (" + image.length + " bytes)");
        }
        int elfClass = image[4];
        int data = image[5];
        if (elfClass == 2) {
            throw new LoadException(name + ": is a 64-bit ELF; the 440 needs a 32-bit big-endian PowerPC image");
        }
        if (elfClass != 1) {
            throw new LoadException(name + ": not a 32-bit ELF (EI_CLASS " + elfClass + ")");
        }
        if (data == 1) {
            int machine = (image[18] & 0xFF) | (image[19] & 0xFF) << 8;
            throw new LoadException(name + ": is a little-endian ELF (" + machineName(machine)
                    + "); the 440 needs a 32-bit big-endian PowerPC image");
        }
        if (data != 2) {
            throw new LoadException(name + ": not a big-endian ELF (EI_DATA " + data + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(image); // big-endian
        int type = b.getShort(16) & 0xFFFF;
        int machine = b.getShort(18) & 0xFFFF;
        if (machine != EM_PPC) {
            throw new LoadException(name + ": not PowerPC: the ELF is for " + machineName(machine)
                    + "; the 440 needs a 32-bit big-endian PowerPC image");
        }
        if (type != 2) {
            throw new LoadException(name + ": not an executable ELF (e_type " + type
                    + (type == 1 ? ", a relocatable object" : type == 3 ? ", a shared object" : "")
                    + "); link it with a fixed load address");
        }
        long entry = b.getInt(24) & 0xFFFF_FFFFL;
        long phoff = b.getInt(28) & 0xFFFF_FFFFL;
        int phentsize = b.getShort(42) & 0xFFFF;
        int phnum = b.getShort(44) & 0xFFFF;
        if (phnum == 0) {
            throw new LoadException(name + ": the ELF has no program headers");
        }
        if (phentsize < 32 || phoff + (long) phnum * phentsize > image.length) {
            throw new LoadException(name + ": truncated: the program headers lie outside the file");
        }
        List<KernelImage.Segment> segments = new ArrayList<>();
        long physicalEntry = -1;
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + (long) i * phentsize);
            if (b.getInt(ph) != PT_LOAD) {
                continue;
            }
            long offset = b.getInt(ph + 4) & 0xFFFF_FFFFL;
            long vaddr = b.getInt(ph + 8) & 0xFFFF_FFFFL;
            long paddr = b.getInt(ph + 12) & 0xFFFF_FFFFL;
            long filesz = b.getInt(ph + 16) & 0xFFFF_FFFFL;
            long memsz = b.getInt(ph + 20) & 0xFFFF_FFFFL;
            if (memsz == 0) {
                continue;
            }
            if (filesz > memsz) {
                throw new LoadException(String.format("%s: segment %d has more file bytes (0x%x) than memory bytes (0x%x)",
                        name, i, filesz, memsz));
            }
            if (offset + filesz > image.length) {
                throw new LoadException(String.format(
                        "%s: truncated: segment %d needs file bytes 0x%x-0x%x, the file has 0x%x", name, i, offset,
                        offset + filesz, image.length));
            }
            byte[] bytes = new byte[(int) filesz];
            System.arraycopy(image, (int) offset, bytes, 0, bytes.length);
            segments.add(new KernelImage.Segment(paddr, bytes, memsz));
            // The entry point is a virtual address (vmlinux: 0xc0000000); enter at its physical alias, as the
            // boot TLB entry maps EA = PA.
            if (physicalEntry < 0 && entry >= vaddr && entry < vaddr + memsz) {
                physicalEntry = entry - vaddr + paddr;
            }
        }
        if (segments.isEmpty()) {
            throw new LoadException(name + ": the ELF has no loadable (PT_LOAD) segment");
        }
        if (physicalEntry < 0) {
            throw new LoadException(String.format("%s: the entry point 0x%08x lies in no loadable segment", name, entry));
        }
        return new KernelImage(name, KernelImage.Format.ELF, segments, physicalEntry);
    }

    static String machineName(int machine) {
        switch (machine) {
            case 0: return "no machine";
            case 3: return "x86 (i386)";
            case 8: return "MIPS";
            case 20: return "PowerPC";
            case 21: return "64-bit PowerPC";
            case 40: return "ARM";
            case 62: return "x86-64";
            case 183: return "AArch64";
            case 243: return "RISC-V";
            default: return "machine " + machine;
        }
    }

    // ---------------------------------------------------------------- uImage

    static KernelImage parseUImage(String name, byte[] image) throws LoadException {
        if (image.length < UIMAGE_HEADER) {
            throw new LoadException(name + ": truncated uImage header (" + image.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(image);
        int headerCrc = b.getInt(4);
        long size = b.getInt(12) & 0xFFFF_FFFFL;
        long load = b.getInt(16) & 0xFFFF_FFFFL;
        long entry = b.getInt(20) & 0xFFFF_FFFFL;
        int dataCrc = b.getInt(24);
        int arch = image[29] & 0xFF;
        int type = image[30] & 0xFF;
        int comp = image[31] & 0xFF;
        String imageName = cString(image, 32, 32);

        byte[] header = new byte[UIMAGE_HEADER];
        System.arraycopy(image, 0, header, 0, UIMAGE_HEADER);
        header[4] = header[5] = header[6] = header[7] = 0;
        if (crc32(header, 0, UIMAGE_HEADER) != headerCrc) {
            throw new LoadException(name + ": corrupt uImage: the header checksum does not match");
        }
        if (arch != IH_ARCH_PPC) {
            throw new LoadException(name + ": not PowerPC: the uImage is for architecture " + arch + " (PowerPC is "
                    + IH_ARCH_PPC + ")");
        }
        if (type != IH_TYPE_KERNEL && type != IH_TYPE_STANDALONE) {
            throw new LoadException(name + ": uImage type " + type + " is not supported (only kernel and standalone"
                    + " images; give the initrd with -initrd)");
        }
        if (UIMAGE_HEADER + size > image.length) {
            throw new LoadException(String.format("%s: truncated: the uImage header promises %d data bytes, the file has %d",
                    name, size, image.length - UIMAGE_HEADER));
        }
        if (crc32(image, UIMAGE_HEADER, (int) size) != dataCrc) {
            throw new LoadException(name + ": corrupt uImage: the data checksum does not match");
        }
        byte[] payload;
        switch (comp) {
            case IH_COMP_NONE:
                payload = new byte[(int) size];
                System.arraycopy(image, UIMAGE_HEADER, payload, 0, payload.length);
                break;
            case IH_COMP_GZIP:
                payload = gunzip(name, image, UIMAGE_HEADER, (int) size);
                break;
            default:
                throw new LoadException(name + ": uImage compression " + compressionName(comp)
                        + " is not supported (only none and gzip)");
        }
        List<KernelImage.Segment> one = List.of(new KernelImage.Segment(load, payload, payload.length));
        return new KernelImage(name + (imageName.isEmpty() ? "" : " (" + imageName + ")"), KernelImage.Format.UIMAGE,
                one, entry);
    }

    private static String compressionName(int comp) {
        switch (comp) {
            case 2: return "bzip2";
            case 3: return "lzma";
            case 4: return "lzo";
            case 5: return "lz4";
            case 6: return "zstd";
            default: return String.valueOf(comp);
        }
    }

    private static byte[] gunzip(String name, byte[] data, int offset, int length) throws LoadException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data, offset, length))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(length * 3);
            byte[] buf = new byte[65536];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0;) {
                total += n;
                if (total > MAX_IMAGE) {
                    throw new LoadException(name + ": the uImage decompresses to more than 2 GiB");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new LoadException(name + ": corrupt gzip data in the uImage: " + e.getMessage(), e);
        }
    }

    static int crc32(byte[] b, int offset, int length) {
        CRC32 c = new CRC32();
        c.update(b, offset, length);
        return (int) c.getValue();
    }

    private static String cString(byte[] b, int offset, int max) {
        int e = offset;
        while (e < offset + max && b[e] != 0) {
            e++;
        }
        return new String(b, offset, e - offset, StandardCharsets.ISO_8859_1).trim();
    }
}
