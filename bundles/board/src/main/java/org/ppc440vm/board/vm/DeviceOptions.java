package org.ppc440vm.board.vm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads QEMU's {@code -drive}, {@code -netdev} and {@code -device} options into {@link DeviceSpec}s and gives each
 * virtio device its virtio-mmio window: the first at {@value #FIRST_WINDOW_HEX} on UIC0 source {@value #FIRST_IRQ},
 * each next one {@value #WINDOW_STEP_HEX} bytes higher on the next source. The guest's device tree is generated from
 * the devices present, so any count works. Windows go in command-line order of the {@code -drive if=virtio} and
 * {@code -device} options (as QEMU creates devices), read from the launcher's {@code @order} key; without it (the
 * option map alone keeps the order within one option, not across options) the drives come first, then the devices.
 *
 * <p>{@code -object filter-dump,id=ID,netdev=NETDEV,file=F.pcap} adds the property {@code dump} (the file's absolute
 * path) to that netdev's configuration; the user-mode backend records its frames there.
 */
final class DeviceOptions {
    static final long FIRST_WINDOW = 0xEF602000L;
    static final String FIRST_WINDOW_HEX = "0xef602000";
    static final long WINDOW_STEP = 0x200;
    static final String WINDOW_STEP_HEX = "0x200";
    static final int FIRST_IRQ = 20;
    /** UIC0 has sources 0-31; 20-31 leave twelve windows. */
    static final int LAST_IRQ = 31;

    private DeviceOptions() {
    }

    /** The backends first (devices look them up by id), then the virtio devices in window order. */
    static List<DeviceSpec> parse(List<String> drives, List<String> netdevs, List<String> devices)
            throws UsageException {
        return parse(drives, netdevs, devices, null, null);
    }

    /**
     * As {@link #parse(List, List, List)}, with the {@code -object}s and the command line's option order (the
     * launcher's {@code @order}: option names, one per occurrence; null for drives-then-devices).
     */
    static List<DeviceSpec> parse(List<String> drives, List<String> netdevs, List<String> devices, List<String> objects,
            List<String> order) throws UsageException {
        Map<String, String[]> dumps = filterDumps(nonNull(objects));
        List<DeviceSpec> backends = new ArrayList<>();
        Map<String, String> netdevOption = new LinkedHashMap<>();
        for (String n : nonNull(netdevs)) {
            DeviceSpec b = netdev(n);
            String id = (String) b.properties.get("id");
            if (netdevOption.containsKey(id)) {
                throw new UsageException("-netdev " + n + ": duplicate netdev id '" + id + "'");
            }
            netdevOption.put(id, "-netdev " + n);
            String[] dump = dumps.get(id);
            if (dump != null) {
                Map<String, Object> props = new LinkedHashMap<>(b.properties);
                props.put("dump", dump[0]);
                b = new DeviceSpec(b.pid, b.option, props, -1, -1);
            }
            backends.add(b);
        }
        for (Map.Entry<String, String[]> e : dumps.entrySet()) {
            if (!netdevOption.containsKey(e.getKey())) {
                throw new UsageException(e.getValue()[1] + ": there is no -netdev with id '" + e.getKey() + "'");
            }
        }
        int[] drivePlace = places(order, "drive", nonNull(drives).size(), 0);
        int[] devicePlace = places(order, "device", nonNull(devices).size(), nonNull(drives).size());

        // Pending windowed devices: pid, option, properties, place on the command line.
        List<Object[]> windowed = new ArrayList<>();
        Map<String, Map<String, Object>> unattachedDrives = new LinkedHashMap<>();
        Set<String> driveIds = new LinkedHashSet<>();
        int driveIndex = -1;
        for (String d : nonNull(drives)) {
            driveIndex++;
            Map<String, String> kv = keyValues("-drive", d, "file");
            Map<String, Object> props = new LinkedHashMap<>();
            String file = kv.remove("file");
            if (file == null || file.isEmpty()) {
                throw new UsageException("-drive " + d + ": needs file=IMAGE");
            }
            props.put("file", file);
            String iface = kv.remove("if");
            if (iface == null) {
                iface = "virtio";
            }
            if (!iface.equals("virtio") && !iface.equals("none")) {
                throw new UsageException("-drive " + d + ": if=" + iface + " is not supported (this board has"
                        + " if=virtio, or if=none with -device virtio-blk,drive=ID)");
            }
            String format = kv.remove("format");
            if (format != null && !format.equals("raw")) {
                throw new UsageException("-drive " + d + ": format=" + format + " is not supported (raw images only)");
            }
            kv.remove("cache"); // the image is always accessed through the host's page cache
            String id = kv.remove("id");
            if (id != null) {
                checkId("-drive " + d, id);
            }
            if (id != null && !driveIds.add(id)) {
                throw new UsageException("-drive " + d + ": duplicate drive id '" + id + "'");
            }
            String ro = kv.remove("readonly");
            props.put("readonly", ro == null ? "off" : VmOptions.onOff("-drive " + d + ": readonly", ro) ? "on" : "off");
            String serial = kv.remove("serial");
            if (serial != null) {
                props.put("serial", serial);
            }
            rejectRest("-drive " + d, kv, "file, if, format, id, readonly, cache, serial");
            if (iface.equals("none")) {
                if (id == null) {
                    throw new UsageException("-drive " + d + ": if=none needs id=ID (for -device virtio-blk,drive=ID)");
                }
                props.put("_option", "-drive " + d);
                unattachedDrives.put(id, props);
            } else {
                windowed.add(new Object[] {DeviceSpec.BLK_PID, "-drive " + d, props, drivePlace[driveIndex]});
            }
        }

        Set<String> usedNetdevs = new LinkedHashSet<>();
        int deviceIndex = -1;
        for (String dev : nonNull(devices)) {
            deviceIndex++;
            Map<String, String> kv = keyValues("-device", dev, "driver");
            String driver = kv.remove("driver");
            kv.remove("id");
            switch (driver == null ? "" : driver) {
                case "virtio-net": case "virtio-net-device": {
                    String netdev = kv.remove("netdev");
                    if (netdev == null || netdev.isEmpty()) {
                        throw new UsageException("-device " + dev + ": needs netdev=ID (a -netdev's id)");
                    }
                    if (!netdevOption.containsKey(netdev)) {
                        throw new UsageException("-device " + dev + ": there is no -netdev with id '" + netdev + "'");
                    }
                    if (!usedNetdevs.add(netdev)) {
                        throw new UsageException("-device " + dev + ": netdev '" + netdev
                                + "' is already used by another -device");
                    }
                    Map<String, Object> props = new LinkedHashMap<>();
                    props.put("netdev", netdev);
                    String mac = kv.remove("mac");
                    if (mac != null) {
                        checkMac("-device " + dev, mac);
                        props.put("mac", mac);
                    }
                    rejectRest("-device " + dev, kv, "netdev, mac, id");
                    windowed.add(new Object[] {DeviceSpec.NET_PID, "-device " + dev, props, devicePlace[deviceIndex]});
                    break;
                }
                case "virtio-blk": case "virtio-blk-device": {
                    String drive = kv.remove("drive");
                    if (drive == null || drive.isEmpty()) {
                        throw new UsageException("-device " + dev + ": needs drive=ID (a -drive if=none,id=ID)");
                    }
                    Map<String, Object> props = unattachedDrives.remove(drive);
                    if (props == null) {
                        throw new UsageException("-device " + dev + ": there is no unused -drive if=none with id '"
                                + drive + "'");
                    }
                    String option = (String) props.remove("_option");
                    String serial = kv.remove("serial");
                    if (serial != null) {
                        props.put("serial", serial);
                    }
                    rejectRest("-device " + dev, kv, "drive, serial, id");
                    windowed.add(new Object[] {DeviceSpec.BLK_PID, option + " (-device " + dev + ")", props,
                            devicePlace[deviceIndex]});
                    break;
                }
                default:
                    throw new UsageException("-device " + dev + ": unknown device '" + driver + "' (this board has"
                            + " virtio-net and virtio-blk)");
            }
        }
        for (Map.Entry<String, Map<String, Object>> e : unattachedDrives.entrySet()) {
            throw new UsageException(e.getValue().get("_option") + ": drive '" + e.getKey()
                    + "' (if=none) is not used by any -device virtio-blk,drive=" + e.getKey());
        }
        for (Map.Entry<String, String> e : netdevOption.entrySet()) {
            if (!usedNetdevs.contains(e.getKey())) {
                throw new UsageException(e.getValue() + ": netdev '" + e.getKey() + "' has no device; add"
                        + " -device virtio-net,netdev=" + e.getKey());
            }
        }
        if (windowed.size() > LAST_IRQ - FIRST_IRQ + 1) {
            throw new UsageException("too many virtio devices (" + windowed.size() + "): UIC0 sources " + FIRST_IRQ
                    + "-" + LAST_IRQ + " allow " + (LAST_IRQ - FIRST_IRQ + 1));
        }

        // Stable: equal places (never with a consistent order) keep their parse order.
        windowed.sort(java.util.Comparator.comparingInt(w -> (Integer) w[3]));
        List<DeviceSpec> out = new ArrayList<>(backends);
        for (int i = 0; i < windowed.size(); i++) {
            Object[] w = windowed.get(i);
            @SuppressWarnings("unchecked")
            Map<String, Object> props = (Map<String, Object>) w[2];
            out.add(new DeviceSpec((String) w[0], (String) w[1], props, FIRST_WINDOW + i * WINDOW_STEP, FIRST_IRQ + i));
        }
        return out;
    }

    /**
     * Where each of the {@code count} occurrences of option {@code name} stands on the command line: its index in
     * {@code order}, or, without a usable order (absent, or not matching the option's count), {@code offset} + its
     * index among its own option.
     */
    static int[] places(List<String> order, String name, int count, int offset) {
        int[] out = new int[count];
        int found = 0;
        if (order != null) {
            for (int i = 0; i < order.size(); i++) {
                if (name.equals(order.get(i))) {
                    if (found == count) {
                        found = -1; // more occurrences than values: not this command line's order
                        break;
                    }
                    out[found++] = i;
                }
            }
        }
        if (order == null || found != count) {
            for (int i = 0; i < count; i++) {
                out[i] = offset + i;
            }
        }
        return out;
    }

    /**
     * QEMU's {@code -object filter-dump,id=ID,netdev=NETDEV,file=F.pcap}, the only object type here: netdev id →
     * {absolute dump file, option text}.
     */
    private static Map<String, String[]> filterDumps(List<String> objects) throws UsageException {
        Map<String, String[]> dumps = new LinkedHashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        for (String spec : objects) {
            String option = "-object " + spec;
            Map<String, String> kv = keyValues("-object", spec, "qom-type");
            String type = kv.remove("qom-type");
            if (!"filter-dump".equals(type)) {
                throw new UsageException(option + ": unknown object type '" + (type == null ? "" : type)
                        + "' (supported: filter-dump)");
            }
            String id = kv.remove("id");
            if (id == null || id.isEmpty()) {
                throw new UsageException(option + ": needs id=ID");
            }
            checkId(option, id);
            if (!ids.add(id)) {
                throw new UsageException(option + ": duplicate object id '" + id + "'");
            }
            String netdev = kv.remove("netdev");
            if (netdev == null || netdev.isEmpty()) {
                throw new UsageException(option + ": needs netdev=ID (a -netdev's id)");
            }
            String file = kv.remove("file");
            if (file == null || file.isEmpty()) {
                throw new UsageException(option + ": needs file=F.pcap");
            }
            rejectRest(option, kv, "id, netdev, file");
            if (dumps.containsKey(netdev)) {
                throw new UsageException(option + ": netdev '" + netdev + "' is already dumped by "
                        + dumps.get(netdev)[1]);
            }
            // Absolute: the backend opens it from its own component, whatever its working directory.
            dumps.put(netdev, new String[] {java.nio.file.Paths.get(file).toAbsolutePath().toString(), option});
        }
        return dumps;
    }

    private static DeviceSpec netdev(String spec) throws UsageException {
        List<String> forwards = new ArrayList<>();
        Map<String, String> kv = keyValues("-netdev", spec, "type", forwards);
        String type = kv.remove("type");
        String id = kv.remove("id");
        if (id == null || id.isEmpty()) {
            throw new UsageException("-netdev " + spec + ": needs id=ID");
        }
        checkId("-netdev " + spec, id);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("id", id);
        switch (type == null ? "" : type) {
            case "user": {
                for (String f : forwards) {
                    // QEMU's form: tcp|udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT (the protocol may be omitted).
                    if (!f.matches("((tcp|udp):)?[^:\\-]*:\\d{1,5}-[^:\\-]*:\\d{1,5}")) {
                        throw new UsageException("-netdev " + spec + ": hostfwd=" + f + " is not"
                                + " tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT");
                    }
                }
                if (!forwards.isEmpty()) {
                    props.put("hostfwd", forwards.toArray(new String[0]));
                }
                kv.remove("hostfwd");
                rejectRest("-netdev " + spec, kv, "id, hostfwd");
                return new DeviceSpec(DeviceSpec.NETDEV_USER_PID, "-netdev " + spec, props, -1, -1);
            }
            case "socket": {
                String udp = kv.remove("udp");
                String local = kv.remove("localaddr");
                if (udp == null || local == null) {
                    throw new UsageException("-netdev " + spec + ": socket needs udp=HOST:PORT and localaddr=HOST:PORT"
                            + " (only the UDP tunnel is supported)");
                }
                checkHostPort("-netdev " + spec + ": udp", udp);
                checkHostPort("-netdev " + spec + ": localaddr", local);
                props.put("udp", udp);
                props.put("localaddr", local);
                rejectRest("-netdev " + spec, kv, "id, udp, localaddr");
                return new DeviceSpec(DeviceSpec.NETDEV_SOCKET_PID, "-netdev " + spec, props, -1, -1);
            }
            default:
                throw new UsageException("-netdev " + spec + ": unknown type '" + type + "' (supported: user, socket)");
        }
    }

    /**
     * Splits QEMU's {@code a,k=v,k2=v2} (with {@code ,,} standing for a comma in a value). A first item without
     * {@code =} is the value of {@code firstKey}. A repeated key is an error, except {@code hostfwd} (QEMU allows
     * many), whose values go to {@code forwards} in order.
     */
    static Map<String, String> keyValues(String option, String spec, String firstKey) throws UsageException {
        return keyValues(option, spec, firstKey, new ArrayList<>());
    }

    static Map<String, String> keyValues(String option, String spec, String firstKey, List<String> forwards)
            throws UsageException {
        List<String> items = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c == ',') {
                if (i + 1 < spec.length() && spec.charAt(i + 1) == ',') {
                    cur.append(',');
                    i++;
                    continue;
                }
                items.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        items.add(cur.toString());
        Map<String, String> kv = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            String key;
            String value;
            if (eq < 0) {
                if (i == 0) {
                    key = firstKey;
                    value = item;
                } else {
                    key = item;
                    value = "on";
                }
            } else {
                key = item.substring(0, eq);
                value = item.substring(eq + 1);
            }
            if (key.equals("hostfwd")) {
                forwards.add(value);
                kv.put(key, value);
                continue;
            }
            if (kv.put(key, value) != null) {
                throw new UsageException(option + " " + spec + ": '" + key + "' given twice");
            }
        }
        return kv;
    }

    private static void rejectRest(String what, Map<String, String> kv, String known) throws UsageException {
        if (!kv.isEmpty()) {
            throw new UsageException(what + ": unknown property '" + kv.keySet().iterator().next() + "' (known: "
                    + known + ")");
        }
    }


    /** QEMU's identifier rule (a letter, then letters, digits, '-', '.', '_'); it also keeps ids filter-safe. */
    private static void checkId(String what, String id) throws UsageException {
        if (!id.matches("[A-Za-z][A-Za-z0-9_.-]*")) {
            throw new UsageException(what + ": id '" + id + "' must start with a letter and hold only letters, digits,"
                    + " '-', '.' and '_'");
        }
    }

    private static void checkMac(String what, String mac) throws UsageException {
        if (!mac.matches("[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}")) {
            throw new UsageException(what + ": mac=" + mac + " is not six hex octets like 52:54:00:12:34:56");
        }
        if ((Integer.parseInt(mac.substring(0, 2), 16) & 1) != 0) {
            throw new UsageException(what + ": mac=" + mac + " is a multicast address; a NIC needs a unicast one");
        }
    }

    private static void checkHostPort(String what, String v) throws UsageException {
        int colon = v.lastIndexOf(':');
        try {
            int port = Integer.parseInt(v.substring(colon + 1));
            if (colon < 0 || port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new UsageException(what + "=" + v + ": expected HOST:PORT");
        }
    }

    private static List<String> nonNull(List<String> l) {
        return l == null ? List.of() : l;
    }
}
