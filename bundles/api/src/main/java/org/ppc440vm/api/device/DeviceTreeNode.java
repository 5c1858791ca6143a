package org.ppc440vm.api.device;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of the guest's flattened device tree, as a device contributes it. A plain value: the board places it
 * (under {@code /plb/opb} for on-chip peripherals) and the board's FDT writer flattens it. Property values are kept
 * as the bytes the device tree will hold: strings NUL-terminated, cells big-endian.
 */
public final class DeviceTreeNode {
    private final String name;
    private final Map<String, byte[]> properties = new LinkedHashMap<>();
    private final List<DeviceTreeNode> children = new ArrayList<>();

    /** {@code name} includes the unit address, as in {@code "serial@ef600300"}. */
    public DeviceTreeNode(String name) {
        if (name == null || name.isEmpty() || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("bad device-tree node name: " + name);
        }
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** An empty property (a flag such as {@code interrupt-controller}). */
    public DeviceTreeNode property(String key) {
        properties.put(key, new byte[0]);
        return this;
    }

    /** A string, or a string list when several are given. */
    public DeviceTreeNode property(String key, String... values) {
        int n = 0;
        for (String v : values) {
            n += v.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        byte[] b = new byte[n];
        int p = 0;
        for (String v : values) {
            byte[] s = v.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(s, 0, b, p, s.length);
            p += s.length + 1;
        }
        properties.put(key, b);
        return this;
    }

    /** One or more 32-bit cells. */
    public DeviceTreeNode cells(String key, int... cells) {
        byte[] b = new byte[cells.length * 4];
        for (int i = 0; i < cells.length; i++) {
            b[4 * i] = (byte) (cells[i] >>> 24);
            b[4 * i + 1] = (byte) (cells[i] >>> 16);
            b[4 * i + 2] = (byte) (cells[i] >>> 8);
            b[4 * i + 3] = (byte) cells[i];
        }
        properties.put(key, b);
        return this;
    }

    /** Raw bytes, as they will appear in the blob. */
    public DeviceTreeNode bytes(String key, byte[] value) {
        properties.put(key, value.clone());
        return this;
    }

    public DeviceTreeNode child(DeviceTreeNode node) {
        children.add(node);
        return this;
    }

    /** Properties in insertion order; the arrays are the node's own, do not modify them. */
    public Map<String, byte[]> properties() {
        return Collections.unmodifiableMap(properties);
    }

    public List<DeviceTreeNode> children() {
        return Collections.unmodifiableList(children);
    }
}
