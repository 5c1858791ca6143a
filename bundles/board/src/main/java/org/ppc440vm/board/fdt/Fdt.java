package org.ppc440vm.board.fdt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A flattened device tree as a value: the root node, the memory-reservation map and the boot CPU. The format
 * (devicetree.org specification, version 17): a 40-byte header, the reservation map (address/size pairs ending
 * with 0/0), the structure block (BEGIN_NODE name, PROP len nameoff value, END_NODE, END; everything 4-byte
 * aligned, big-endian) and the strings block.
 */
public final class Fdt {
    public static final int MAGIC = 0xD00DFEED;
    public static final int VERSION = 17;
    public static final int LAST_COMPATIBLE_VERSION = 16;
    public static final int HEADER_SIZE = 40;
    static final int BEGIN_NODE = 1;
    static final int END_NODE = 2;
    static final int PROP = 3;
    static final int NOP = 4;
    static final int END = 9;

    private final FdtNode root;
    private final List<long[]> reservations;
    private final int bootCpu;

    public Fdt(FdtNode root, List<long[]> reservations, int bootCpu) {
        this.root = root;
        this.reservations = Collections.unmodifiableList(new ArrayList<>(reservations));
        this.bootCpu = bootCpu;
    }

    public Fdt(FdtNode root) {
        this(root, List.of(), 0);
    }

    public FdtNode root() {
        return root;
    }

    /** Memory reservations as {address, size} pairs. */
    public List<long[]> reservations() {
        return reservations;
    }

    public int bootCpu() {
        return bootCpu;
    }

    /** The blob. */
    public byte[] toBlob() {
        return FdtWriter.write(this);
    }
}
