package org.ppc440vm.board.vm;

import java.util.Collections;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One device or backend the command line asks for, as the Config Admin factory configuration that makes it: the
 * factory PID, the properties, and the option it came from (for messages). A virtio device also has the virtio-mmio
 * window ({@code base}) and UIC0 source ({@code interrupt}) the board gave it; a netdev backend has none.
 */
public final class DeviceSpec {
    public static final String BLK_PID = "org.ppc440vm.virtio.blk";
    public static final String NET_PID = "org.ppc440vm.virtio.net";
    public static final String NETDEV_USER_PID = "org.ppc440vm.netdev.user";
    public static final String NETDEV_SOCKET_PID = "org.ppc440vm.netdev.socket";

    /**
     * Marks the configurations the board makes from a command line, so that ones left behind by a killed run (in a
     * kept {@code -cache} directory) can be told from configurations deployed by hand, and removed.
     */
    static final String ORIGIN_PROPERTY = "ppc440vm.origin";
    static final String ORIGIN_COMMAND_LINE = "command-line";

    final String pid;
    /** What the user wrote, for messages ("-drive file=disk.img"). */
    final String option;
    final Map<String, Object> properties;
    /** The virtio-mmio window, or -1 for a backend (no window). */
    final long base;
    final int interrupt;

    DeviceSpec(String pid, String option, Map<String, Object> properties, long base, int interrupt) {
        this.pid = pid;
        this.option = option;
        this.base = base;
        this.interrupt = interrupt;
        Map<String, Object> p = new LinkedHashMap<>(properties);
        if (base >= 0) {
            // The device components read both as strings (what a hand-written configuration file would hold).
            p.put("base", "0x" + Long.toHexString(base));
            p.put("interrupt", Integer.toString(interrupt));
        }
        p.put(ORIGIN_PROPERTY, ORIGIN_COMMAND_LINE);
        this.properties = Collections.unmodifiableMap(p);
    }

    /** Whether this is a device on a virtio-mmio window (rather than a network backend). */
    public boolean mmio() {
        return base >= 0;
    }

    /** The disk image of a virtio-blk, or null. */
    public String image() {
        return BLK_PID.equals(pid) ? (String) properties.get("file") : null;
    }

    public boolean readOnly() {
        return "on".equals(properties.get("readonly"));
    }

    Hashtable<String, Object> dictionary() {
        return new Hashtable<>(properties);
    }

    /** The configuration's properties for VM {@code vm} (null: without a VM name, the runtime's first VM). */
    Hashtable<String, Object> dictionary(String vm) {
        Hashtable<String, Object> d = dictionary();
        if (vm != null) {
            d.put(org.ppc440vm.api.device.MmioDevice.VM_PROPERTY, vm);
        }
        return d;
    }

    @Override
    public String toString() {
        return option + (mmio() ? " @0x" + Long.toHexString(base) + " irq " + interrupt : "");
    }
}
