package org.ppc440vm.board.vm;

import java.util.List;
import java.util.Map;

import org.ppc440vm.api.launch.LaunchContract;
import org.ppc440vm.board.console.MonitorAddress;

/**
 * The board's reading of the launcher's command line (QEMU's options where QEMU has one). Validation happens here,
 * before anything is loaded, so that a bad command line fails at once with status 2.
 */
public final class VmOptions {
    public static final long DEFAULT_RAM = 256L << 20;
    static final long MIN_RAM = 32L << 20;
    static final long MAX_RAM = 2047L << 20;
    /** {@code -icount auto}: one instruction advances the time base by 4 ticks (a nominal 100 MIPS at 400 MHz). */
    static final int ICOUNT_AUTO_SHIFT = 2;
    static final List<String> DEBUG_ITEMS = List.of("tlb-check");

    public enum SerialKind {
        STDIO, TCP, NONE
    }

    boolean listMachines;
    /** {@code -M none}: QEMU's empty machine: the runtime runs (shell, hot-deploy) with no VM at all. */
    boolean noMachine;
    boolean strictBus;
    long ramBytes = DEFAULT_RAM;
    String kernel;
    String initrd;
    String append;
    String dtb;
    SerialKind serial = SerialKind.STDIO;
    String serialHost;
    int serialPort;
    boolean noReboot;
    int icountShift = -1;
    boolean stats;
    boolean tlbCheck;
    boolean monitorOnStdio;
    /** {@code -monitor tcp:HOST:PORT}: the runtime's Gogo shell on a loopback TCP server, or null. */
    MonitorAddress monitorTcp;
    /** {@code -loadvm FILE}: the snapshot restored instead of the boot, or null. */
    String loadVm;
    /** The -netdev backends, then the virtio devices in window order. */
    List<DeviceSpec> devices = List.of();

    public static VmOptions parse(Map<String, List<String>> options) throws UsageException {
        VmOptions o = new VmOptions();
        String machine = one(options, "M");
        if (machine != null) {
            o.parseMachine(machine);
        }
        o.devices = DeviceOptions.parse(options.get("drive"), options.get("netdev"), options.get("device"),
                options.get("object"), options.get(LaunchContract.ORDER_KEY));
        if (o.noMachine && !o.devices.isEmpty()) {
            throw new UsageException("-M none has no bus for -drive, -netdev, -device or -object");
        }
        String m = one(options, "m");
        if (m != null) {
            o.ramBytes = parseRam(m);
        }
        o.kernel = nonEmpty(options, "kernel");
        o.initrd = nonEmpty(options, "initrd");
        o.append = one(options, "append");
        o.dtb = nonEmpty(options, "dtb");
        if (o.kernel == null) {
            if (o.initrd != null) {
                throw new UsageException("-initrd needs -kernel");
            }
            if (o.append != null) {
                throw new UsageException("-append needs -kernel");
            }
            if (o.dtb != null) {
                throw new UsageException("-dtb needs -kernel");
            }
        }
        String serial = one(options, "serial");
        if (serial != null) {
            o.parseSerial(serial);
        }
        o.noReboot = options.containsKey("no-reboot");
        o.stats = options.containsKey("stats");
        String monitor = one(options, "monitor");
        if (monitor != null) {
            try {
                o.monitorTcp = MonitorAddress.parse(monitor);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            o.monitorOnStdio = monitor.trim().equals("stdio");
        }
        o.loadVm = nonEmpty(options, "loadvm");
        String icount = one(options, "icount");
        if (icount != null) {
            o.icountShift = parseIcount(icount);
        }
        List<String> debug = options.get("d");
        if (debug != null) {
            for (String v : debug) {
                for (String item : v.split(",")) {
                    String i = item.trim();
                    if (i.isEmpty()) {
                        continue;
                    }
                    if (!DEBUG_ITEMS.contains(i)) {
                        throw new UsageException("-d " + i + ": unknown debug item (known: " + String.join(", ", DEBUG_ITEMS)
                                + ")");
                    }
                    if (i.equals("tlb-check")) {
                        o.tlbCheck = true;
                    }
                }
            }
        }
        return o;
    }

    private static String one(Map<String, List<String>> options, String key) {
        List<String> v = options.get(key);
        return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
    }

    private static String nonEmpty(Map<String, List<String>> options, String key) throws UsageException {
        String v = one(options, key);
        if (v != null && v.isEmpty()) {
            throw new UsageException("-" + key + " needs a file name");
        }
        return v;
    }

    private void parseMachine(String spec) throws UsageException {
        String[] parts = spec.split(",");
        String type = parts[0].trim();
        if (type.equals("help") || type.equals("?")) {
            listMachines = true;
            return;
        }
        if (type.equals("none") && parts.length == 1) {
            noMachine = true;
            return;
        }
        if (!type.equals("bamboo") && !type.isEmpty()) {
            throw new UsageException("-M " + type + ": unknown machine (machines: bamboo, none; -M help lists them)");
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq);
            String value = eq < 0 ? "on" : p.substring(eq + 1);
            if (!key.equals("strict-bus")) {
                throw new UsageException("-M bamboo: unknown property '" + key + "' (known: strict-bus=on|off)");
            }
            strictBus = onOff("-M bamboo,strict-bus", value);
        }
    }

    /** QEMU's on/off switches (also yes/no, true/false). */
    static boolean onOff(String what, String v) throws UsageException {
        switch (v) {
            case "on": case "yes": case "true":
                return true;
            case "off": case "no": case "false":
                return false;
            default:
                throw new UsageException(what + "=" + v + ": expected on or off");
        }
    }

    static long parseRam(String spec) throws UsageException {
        String s = spec.trim();
        if (s.startsWith("size=")) {
            s = s.substring(5);
        }
        long unit = 1L << 20;
        if (!s.isEmpty()) {
            char last = Character.toUpperCase(s.charAt(s.length() - 1));
            if (last == 'M') {
                s = s.substring(0, s.length() - 1);
            } else if (last == 'G') {
                unit = 1L << 30;
                s = s.substring(0, s.length() - 1);
            }
        }
        long bytes;
        try {
            bytes = Long.parseLong(s) * unit;
        } catch (NumberFormatException e) {
            throw new UsageException("-m " + spec + ": expected a size in MiB (such as 256, 256M or 1G)");
        }
        if (bytes < MIN_RAM || bytes > MAX_RAM) {
            throw new UsageException("-m " + spec + ": the board takes 32 MiB to 2047 MiB of RAM");
        }
        return bytes;
    }

    private void parseSerial(String spec) throws UsageException {
        String s = spec.trim();
        if (s.equals("stdio") || s.equals("mon:stdio")) {
            serial = SerialKind.STDIO;
            return;
        }
        if (s.equals("none") || s.equals("null")) {
            serial = SerialKind.NONE;
            return;
        }
        if (s.startsWith("tcp:")) {
            MonitorAddress a;
            try {
                a = MonitorAddress.parseServer("-serial", spec, s.substring(4), "the guest");
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            serial = SerialKind.TCP;
            serialHost = a.host.isEmpty() ? "0.0.0.0" : a.host;
            serialPort = a.port;
            return;
        }
        throw new UsageException("-serial " + spec + ": expected stdio, tcp:HOST:PORT or none");
    }

    static int parseIcount(String spec) throws UsageException {
        String s = spec.trim();
        if (s.startsWith("shift=")) {
            s = s.substring(6);
        }
        if (s.equals("auto")) {
            return ICOUNT_AUTO_SHIFT;
        }
        try {
            int shift = Integer.parseInt(s);
            if (shift < 0 || shift > 10) {
                throw new UsageException("-icount " + spec + ": the shift must be 0-10");
            }
            return shift;
        } catch (NumberFormatException e) {
            throw new UsageException("-icount " + spec + ": expected a shift (0-10) or auto");
        }
    }

    public boolean strictBus() {
        return strictBus;
    }

    public long ramBytes() {
        return ramBytes;
    }

    public String kernel() {
        return kernel;
    }

    public List<DeviceSpec> devices() {
        return devices;
    }

    public boolean noReboot() {
        return noReboot;
    }

    /** The snapshot to restore instead of booting ({@code -loadvm}), or null. */
    public String loadVm() {
        return loadVm;
    }

    /** Where the monitor listens ({@code -monitor tcp:...}), or null. */
    public MonitorAddress monitorTcp() {
        return monitorTcp;
    }
}
