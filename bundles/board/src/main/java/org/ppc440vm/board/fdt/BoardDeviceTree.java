package org.ppc440vm.board.fdt;

import java.util.List;

import org.ppc440vm.api.device.DeviceTreeNode;

/**
 * The bamboo-compatible board's device tree, made from what is really on the board: one PowerPC,440EP core at
 * 400 MHz, RAM at 0, UIC0 on DCR 0xC0, the PLB4 and OPB buses (on-chip peripherals sit under the OPB, the only place
 * ppc44x_simple probes), each device's own node below it, and {@code /chosen}. Also patches a given blob ({@code
 * -dtb}) so that its {@code /memory} and {@code /chosen} match the command line.
 */
public final class BoardDeviceTree {
    public static final int CPU_HZ = 400_000_000;
    public static final int TIMEBASE_HZ = 400_000_000;
    public static final String OPB_PATH = "/plb/opb";
    static final int UIC_PHANDLE = 1;
    static final int CPU_PHANDLE = 2;

    private BoardDeviceTree() {
    }

    /** What {@code /chosen} says: the command line and the initrd (start and end physical addresses, or none). */
    public static final class Chosen {
        final String bootargs;
        final long initrdStart;
        final long initrdEnd;
        final String stdoutPath;

        /** {@code initrdEnd <= initrdStart} means there is no initrd. {@code bootargs} null: leave it as it is. */
        public Chosen(String bootargs, long initrdStart, long initrdEnd, String stdoutPath) {
            this.bootargs = bootargs;
            this.initrdStart = initrdStart;
            this.initrdEnd = initrdEnd;
            this.stdoutPath = stdoutPath;
        }

        boolean hasInitrd() {
            return initrdEnd > initrdStart;
        }
    }

    /**
     * The board's tree. {@code uic} is the interrupt controller's node (it gets a phandle, and every device node with
     * {@code interrupts} but no {@code interrupt-parent} is pointed at it); {@code opbDevices} are placed under
     * {@code /plb/opb} in order.
     */
    public static FdtNode build(long ramBytes, DeviceTreeNode uic, List<DeviceTreeNode> opbDevices, Chosen chosen) {
        FdtNode root = new FdtNode("");
        root.cells("#address-cells", 2).cells("#size-cells", 1);
        root.string("model", "amcc,bamboo").string("compatible", "amcc,bamboo");
        root.cells("dcr-parent", CPU_PHANDLE);

        FdtNode aliases = new FdtNode("aliases");
        root.add(aliases);

        FdtNode cpus = new FdtNode("cpus").cells("#address-cells", 1).cells("#size-cells", 0);
        FdtNode cpu = new FdtNode("cpu@0")
                .string("device_type", "cpu")
                .string("model", "PowerPC,440EP")
                .cells("reg", 0)
                .cells("clock-frequency", CPU_HZ)
                .cells("timebase-frequency", TIMEBASE_HZ)
                .cells("i-cache-line-size", 32)
                .cells("d-cache-line-size", 32)
                .cells("i-cache-size", 32768)
                .cells("d-cache-size", 32768)
                .flag("dcr-controller")
                .string("dcr-access-method", "native")
                .cells("phandle", CPU_PHANDLE);
        cpus.add(cpu);
        root.add(cpus);

        FdtNode memory = new FdtNode("memory").string("device_type", "memory");
        setMemory(root, memory, ramBytes);
        root.add(memory);

        FdtNode uicNode = FdtNode.of(uic).cells("phandle", UIC_PHANDLE);
        root.add(uicNode);

        FdtNode plb = new FdtNode("plb")
                .string("compatible", "ibm,plb-440ep", "ibm,plb-440gp", "ibm,plb4")
                .cells("#address-cells", 2)
                .cells("#size-cells", 1)
                .flag("ranges")
                .cells("clock-frequency", 133_333_333);
        FdtNode opb = new FdtNode("opb")
                .string("compatible", "ibm,opb-440ep", "ibm,opb-440gp", "ibm,opb")
                .cells("#address-cells", 1)
                .cells("#size-cells", 1)
                // Like bamboo: OPB addresses are 32-bit physical addresses with ERPN 0.
                .cells("ranges", 0x00000000, 0x00000000, 0x00000000, 0x80000000,
                        0x80000000, 0x00000000, 0x80000000, 0x80000000)
                .cells("clock-frequency", 66_666_666);
        plb.add(opb);
        root.add(plb);
        String serialPath = null;
        for (DeviceTreeNode d : opbDevices) {
            if (opb.child(d.name()) != null) {
                throw new IllegalArgumentException("two devices contribute the device-tree node " + OPB_PATH + "/"
                        + d.name());
            }
            FdtNode n = FdtNode.of(d);
            if (n.has("interrupts") && !n.has("interrupt-parent")) {
                n.cells("interrupt-parent", UIC_PHANDLE);
            }
            opb.add(n);
            if (serialPath == null && "serial".equals(n.getString("device_type"))) {
                serialPath = OPB_PATH + "/" + n.name();
            }
        }
        if (serialPath != null) {
            aliases.string("serial0", serialPath);
        }

        FdtNode chosenNode = new FdtNode("chosen");
        root.add(chosenNode);
        Chosen c = chosen;
        if (c.stdoutPath == null && serialPath != null) {
            c = new Chosen(c.bootargs, c.initrdStart, c.initrdEnd, serialPath);
        }
        applyChosen(chosenNode, c, true);
        return root;
    }

    /**
     * Makes a given tree ({@code -dtb}) match the command line: {@code /memory} covers {@code ramBytes} at 0 (in the
     * root's #address-cells / #size-cells; further memory nodes go, since the board has one bank), and
     * {@code /chosen} gets the bootargs (when given) and the initrd range (or loses it when there is no initrd).
     */
    public static void patch(FdtNode root, long ramBytes, Chosen chosen) {
        FdtNode memory = null;
        for (FdtNode c : List.copyOf(root.children())) {
            if (isMemoryNode(c)) {
                if (memory == null) {
                    memory = c;
                } else {
                    root.removeChild(c);
                }
            }
        }
        if (memory == null) {
            memory = new FdtNode("memory").string("device_type", "memory");
            root.add(memory);
        }
        setMemory(root, memory, ramBytes);
        applyChosen(root.childOrCreate("chosen"), chosen, false);
    }

    private static boolean isMemoryNode(FdtNode n) {
        return "memory".equals(n.getString("device_type")) || n.name().equals("memory")
                || n.name().startsWith("memory@");
    }

    private static void setMemory(FdtNode root, FdtNode memory, long ramBytes) {
        int addressCells = root.getCell("#address-cells", 2);
        int sizeCells = root.getCell("#size-cells", 1);
        int[] a = FdtNode.toCells(0, addressCells);
        int[] s = FdtNode.toCells(ramBytes, sizeCells);
        int[] reg = new int[a.length + s.length];
        System.arraycopy(a, 0, reg, 0, a.length);
        System.arraycopy(s, 0, reg, a.length, s.length);
        memory.cells("reg", reg);
    }

    private static void applyChosen(FdtNode chosen, Chosen c, boolean fresh) {
        if (c.bootargs != null) {
            chosen.string("bootargs", c.bootargs);
        } else if (fresh) {
            chosen.string("bootargs", "");
        }
        if (c.stdoutPath != null) {
            chosen.string("stdout-path", c.stdoutPath);
            chosen.string("linux,stdout-path", c.stdoutPath);
        }
        if (c.hasInitrd()) {
            chosen.cells("linux,initrd-start", (int) c.initrdStart);
            chosen.cells("linux,initrd-end", (int) c.initrdEnd);
        } else {
            chosen.remove("linux,initrd-start");
            chosen.remove("linux,initrd-end");
        }
    }

    /** The first CPU's timebase-frequency (one or two cells), or {@code otherwise}. */
    public static long timebaseHz(FdtNode root, long otherwise) {
        FdtNode cpus = root.child("cpus");
        if (cpus == null) {
            return otherwise;
        }
        for (FdtNode c : cpus.children()) {
            if ("cpu".equals(c.getString("device_type")) || c.name().startsWith("cpu@")) {
                int[] tb = c.getCells("timebase-frequency");
                if (tb != null && tb.length == 1) {
                    return tb[0] & 0xFFFF_FFFFL;
                }
                if (tb != null && tb.length == 2) {
                    return (tb[0] & 0xFFFF_FFFFL) << 32 | (tb[1] & 0xFFFF_FFFFL);
                }
                return otherwise;
            }
        }
        return otherwise;
    }
}
