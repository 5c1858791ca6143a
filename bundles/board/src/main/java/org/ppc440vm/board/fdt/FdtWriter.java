package org.ppc440vm.board.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Flattens a {@link FdtNode} tree into a version-17 blob (see {@link Fdt} for the layout). */
public final class FdtWriter {

    private FdtWriter() {
    }

    public static byte[] write(FdtNode root) {
        return write(new Fdt(root));
    }

    public static byte[] write(Fdt fdt) {
        Strings strings = new Strings();
        ByteArrayOutputStream struct = new ByteArrayOutputStream();
        writeNode(fdt.root(), struct, strings, true);
        putInt(struct, Fdt.END);
        byte[] structBytes = struct.toByteArray();
        byte[] stringBytes = strings.bytes();

        int rsvOffset = Fdt.HEADER_SIZE; // already 8-byte aligned
        int rsvSize = (fdt.reservations().size() + 1) * 16;
        int structOffset = rsvOffset + rsvSize;
        int stringsOffset = structOffset + structBytes.length;
        int total = stringsOffset + stringBytes.length;

        ByteBuffer b = ByteBuffer.allocate(total); // big-endian
        b.putInt(Fdt.MAGIC);
        b.putInt(total);
        b.putInt(structOffset);
        b.putInt(stringsOffset);
        b.putInt(rsvOffset);
        b.putInt(Fdt.VERSION);
        b.putInt(Fdt.LAST_COMPATIBLE_VERSION);
        b.putInt(fdt.bootCpu());
        b.putInt(stringBytes.length);
        b.putInt(structBytes.length);
        for (long[] r : fdt.reservations()) {
            b.putLong(r[0]);
            b.putLong(r[1]);
        }
        b.putLong(0);
        b.putLong(0);
        b.put(structBytes);
        b.put(stringBytes);
        return b.array();
    }

    private static void writeNode(FdtNode node, ByteArrayOutputStream out, Strings strings, boolean isRoot) {
        putInt(out, Fdt.BEGIN_NODE);
        byte[] name = (isRoot ? "" : node.name()).getBytes(StandardCharsets.UTF_8);
        if (!isRoot && name.length == 0) {
            throw new IllegalArgumentException("a device-tree node below the root needs a name");
        }
        out.write(name, 0, name.length);
        out.write(0);
        pad(out);
        for (Map.Entry<String, byte[]> p : node.properties().entrySet()) {
            byte[] v = p.getValue();
            putInt(out, Fdt.PROP);
            putInt(out, v.length);
            putInt(out, strings.offset(p.getKey()));
            out.write(v, 0, v.length);
            pad(out);
        }
        for (FdtNode c : node.children()) {
            writeNode(c, out, strings, false);
        }
        putInt(out, Fdt.END_NODE);
    }

    private static void putInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }

    /** The strings block: each property name once. */
    private static final class Strings {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Map<String, Integer> offsets = new HashMap<>();

        int offset(String s) {
            return offsets.computeIfAbsent(s, k -> {
                int o = bytes.size();
                byte[] b = k.getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
                bytes.write(0);
                return o;
            });
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
