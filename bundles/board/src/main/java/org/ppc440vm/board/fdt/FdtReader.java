package org.ppc440vm.board.fdt;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Parses a flattened device-tree blob (versions 16 and 17) into an {@link Fdt}, checking every offset it follows. */
public final class FdtReader {

    private FdtReader() {
    }

    public static Fdt read(byte[] blob) throws FdtFormatException {
        if (blob.length < Fdt.HEADER_SIZE) {
            throw new FdtFormatException("truncated: " + blob.length + " bytes is shorter than an FDT header");
        }
        ByteBuffer b = ByteBuffer.wrap(blob);
        int magic = b.getInt(0);
        if (magic != Fdt.MAGIC) {
            throw new FdtFormatException(String.format("not a flattened device tree (magic 0x%08x, expected 0x%08x)",
                    magic, Fdt.MAGIC));
        }
        long total = b.getInt(4) & 0xFFFF_FFFFL;
        int structOffset = b.getInt(8);
        int stringsOffset = b.getInt(12);
        int rsvOffset = b.getInt(16);
        int version = b.getInt(20);
        int lastCompatible = b.getInt(24);
        int bootCpu = b.getInt(28);
        if (total > blob.length) {
            throw new FdtFormatException("truncated: the header says " + total + " bytes, the blob has " + blob.length);
        }
        if (version < 16 || lastCompatible > Fdt.VERSION) {
            throw new FdtFormatException("unsupported FDT version " + version + " (last compatible " + lastCompatible
                    + "); this reader knows 16 and 17");
        }
        int stringsSize = b.getInt(32);
        int structSize = version >= 17 ? b.getInt(36) : (int) total - structOffset;
        checkRange("structure block", structOffset, structSize, total);
        checkRange("strings block", stringsOffset, stringsSize, total);
        checkRange("reservation map", rsvOffset, 16, total);

        List<long[]> reservations = new ArrayList<>();
        for (int p = rsvOffset;; p += 16) {
            checkRange("reservation map", p, 16, total);
            long address = b.getLong(p);
            long size = b.getLong(p + 8);
            if (address == 0 && size == 0) {
                break;
            }
            reservations.add(new long[] {address, size});
        }

        int end = structOffset + structSize;
        int p = structOffset;
        Deque<FdtNode> stack = new ArrayDeque<>();
        FdtNode root = null;
        while (true) {
            int token = readInt(b, p, end, "structure token");
            p += 4;
            switch (token) {
                case Fdt.BEGIN_NODE: {
                    int nameEnd = p;
                    while (nameEnd < end && blob[nameEnd] != 0) {
                        nameEnd++;
                    }
                    if (nameEnd >= end) {
                        throw new FdtFormatException("node name at offset " + p + " runs past the structure block");
                    }
                    String name = new String(blob, p, nameEnd - p, StandardCharsets.UTF_8);
                    p = align(nameEnd + 1);
                    if (stack.isEmpty() && root != null) {
                        throw new FdtFormatException("a second root node at offset " + (p - 4));
                    }
                    FdtNode node = new FdtNode(stack.isEmpty() ? "" : name);
                    if (stack.isEmpty()) {
                        root = node;
                    } else {
                        stack.peek().add(node);
                    }
                    stack.push(node);
                    break;
                }
                case Fdt.END_NODE:
                    if (stack.isEmpty()) {
                        throw new FdtFormatException("END_NODE without a node at offset " + (p - 4));
                    }
                    stack.pop();
                    break;
                case Fdt.PROP: {
                    int length = readInt(b, p, end, "property length");
                    int nameOffset = readInt(b, p + 4, end, "property name offset");
                    p += 8;
                    if (stack.isEmpty()) {
                        throw new FdtFormatException("property outside any node at offset " + p);
                    }
                    if (length < 0 || p + length > end) {
                        throw new FdtFormatException("property at offset " + p + " runs past the structure block");
                    }
                    byte[] value = new byte[length];
                    System.arraycopy(blob, p, value, 0, length);
                    p = align(p + length);
                    stack.peek().set(string(blob, stringsOffset, stringsSize, nameOffset), value);
                    break;
                }
                case Fdt.NOP:
                    break;
                case Fdt.END:
                    if (!stack.isEmpty()) {
                        throw new FdtFormatException("END with node '" + stack.peek() + "' still open");
                    }
                    if (root == null) {
                        throw new FdtFormatException("no root node");
                    }
                    return new Fdt(root, reservations, bootCpu);
                default:
                    throw new FdtFormatException(String.format("bad structure token 0x%x at offset %d", token, p - 4));
            }
        }
    }

    private static String string(byte[] blob, int stringsOffset, int stringsSize, int nameOffset)
            throws FdtFormatException {
        if (nameOffset < 0 || nameOffset >= stringsSize) {
            throw new FdtFormatException("property name offset " + nameOffset + " outside the strings block");
        }
        int s = stringsOffset + nameOffset;
        int e = s;
        int limit = stringsOffset + stringsSize;
        while (e < limit && blob[e] != 0) {
            e++;
        }
        if (e >= limit) {
            throw new FdtFormatException("property name at strings offset " + nameOffset + " is not terminated");
        }
        return new String(blob, s, e - s, StandardCharsets.UTF_8);
    }

    private static int readInt(ByteBuffer b, int p, int end, String what) throws FdtFormatException {
        if (p + 4 > end) {
            throw new FdtFormatException("truncated structure block: no room for the " + what + " at offset " + p);
        }
        return b.getInt(p);
    }

    private static int align(int p) {
        return (p + 3) & ~3;
    }

    private static void checkRange(String what, long offset, long size, long total) throws FdtFormatException {
        if (offset < 0 || size < 0 || offset + size > total) {
            throw new FdtFormatException("the " + what + " (offset " + offset + ", " + size
                    + " bytes) lies outside the blob's " + total + " bytes");
        }
    }
}
