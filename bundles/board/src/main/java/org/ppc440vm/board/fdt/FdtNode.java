package org.ppc440vm.board.fdt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.ppc440vm.api.device.DeviceTreeNode;

/**
 * A mutable device-tree node: what the board builds, what {@link FdtReader} parses a blob into (for {@code -dtb}
 * patching), and what {@link FdtWriter} flattens. Property values are the bytes the blob holds (strings
 * NUL-terminated, cells big-endian); properties and children keep their insertion order.
 */
public final class FdtNode {
    private final String name;
    private final Map<String, byte[]> properties = new LinkedHashMap<>();
    private final List<FdtNode> children = new ArrayList<>();

    /** {@code name} includes the unit address ({@code "serial@ef600300"}); the root's name is empty. */
    public FdtNode(String name) {
        if (name == null || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("bad device-tree node name: " + name);
        }
        this.name = name;
    }

    /** A deep copy of a device's node (the device keeps its own). */
    public static FdtNode of(DeviceTreeNode node) {
        FdtNode n = new FdtNode(node.name());
        for (Map.Entry<String, byte[]> p : node.properties().entrySet()) {
            n.properties.put(p.getKey(), p.getValue().clone());
        }
        for (DeviceTreeNode c : node.children()) {
            n.children.add(of(c));
        }
        return n;
    }

    public String name() {
        return name;
    }

    public Map<String, byte[]> properties() {
        return Collections.unmodifiableMap(properties);
    }

    public List<FdtNode> children() {
        return Collections.unmodifiableList(children);
    }

    public FdtNode add(FdtNode child) {
        children.add(child);
        return this;
    }

    public boolean removeChild(FdtNode child) {
        return children.remove(child);
    }

    /** The child with exactly this name, or null. */
    public FdtNode child(String childName) {
        for (FdtNode c : children) {
            if (c.name.equals(childName)) {
                return c;
            }
        }
        return null;
    }

    /** The child with this name, made (empty, at the end) when missing. */
    public FdtNode childOrCreate(String childName) {
        FdtNode c = child(childName);
        if (c == null) {
            c = new FdtNode(childName);
            children.add(c);
        }
        return c;
    }

    /** The node at a path relative to this one ({@code "plb/opb"} or {@code "/plb/opb"}), or null. */
    public FdtNode find(String path) {
        FdtNode n = this;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            n = n.child(part);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    public boolean has(String property) {
        return properties.containsKey(property);
    }

    public byte[] get(String property) {
        return properties.get(property);
    }

    public FdtNode remove(String property) {
        properties.remove(property);
        return this;
    }

    public FdtNode set(String property, byte[] value) {
        properties.put(property, value.clone());
        return this;
    }

    /** An empty (flag) property. */
    public FdtNode flag(String property) {
        properties.put(property, new byte[0]);
        return this;
    }

    /** A string, or a string list. */
    public FdtNode string(String property, String... values) {
        int n = 0;
        List<byte[]> parts = new ArrayList<>();
        for (String v : values) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            parts.add(b);
            n += b.length + 1;
        }
        byte[] out = new byte[n];
        int p = 0;
        for (byte[] b : parts) {
            System.arraycopy(b, 0, out, p, b.length);
            p += b.length + 1;
        }
        properties.put(property, out);
        return this;
    }

    public FdtNode cells(String property, int... cells) {
        properties.put(property, cellBytes(cells));
        return this;
    }

    /** A value spread over {@code count} cells (1 or 2: addresses and sizes by #address-cells / #size-cells). */
    public static int[] toCells(long value, int count) {
        int[] c = new int[count];
        for (int i = count - 1; i >= 0; i--) {
            c[i] = (int) value;
            value >>>= 32;
        }
        return c;
    }

    public static byte[] cellBytes(int... cells) {
        byte[] b = new byte[cells.length * 4];
        for (int i = 0; i < cells.length; i++) {
            b[4 * i] = (byte) (cells[i] >>> 24);
            b[4 * i + 1] = (byte) (cells[i] >>> 16);
            b[4 * i + 2] = (byte) (cells[i] >>> 8);
            b[4 * i + 3] = (byte) cells[i];
        }
        return b;
    }

    /** The property's cells, or null when it is missing or not a whole number of cells. */
    public int[] getCells(String property) {
        byte[] b = properties.get(property);
        if (b == null || b.length % 4 != 0) {
            return null;
        }
        int[] c = new int[b.length / 4];
        for (int i = 0; i < c.length; i++) {
            c[i] = (b[4 * i] & 0xFF) << 24 | (b[4 * i + 1] & 0xFF) << 16 | (b[4 * i + 2] & 0xFF) << 8 | b[4 * i + 3] & 0xFF;
        }
        return c;
    }

    /** A one-cell property's value, or {@code otherwise}. */
    public int getCell(String property, int otherwise) {
        int[] c = getCells(property);
        return c == null || c.length != 1 ? otherwise : c[0];
    }

    /** The first string of a string property, or null. */
    public String getString(String property) {
        List<String> s = getStrings(property);
        return s == null || s.isEmpty() ? null : s.get(0);
    }

    /** The strings of a string-list property, or null when it is missing or not NUL-terminated. */
    public List<String> getStrings(String property) {
        byte[] b = properties.get(property);
        if (b == null || b.length == 0 || b[b.length - 1] != 0) {
            return null;
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    /** A deep copy. */
    public FdtNode copy() {
        FdtNode n = new FdtNode(name);
        for (Map.Entry<String, byte[]> p : properties.entrySet()) {
            n.properties.put(p.getKey(), p.getValue().clone());
        }
        for (FdtNode c : children) {
            n.children.add(c.copy());
        }
        return n;
    }

    @Override
    public String toString() {
        return name.isEmpty() ? "/" : name;
    }
}
