package org.ppc440vm.board.vm;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.ppc440vm.api.launch.LaunchContract;

/**
 * A managed VM's definition in the launcher's shape (option name without the dash to its values), read from
 * {@code vm:create}'s {@code key=value} words or from a Config Admin configuration's properties. The keys are the
 * launcher's VM options; {@link VmOptions#parse} then checks the values exactly as for a command line.
 */
final class VmDefinition {
    /** The options a VM definition may hold; those that repeat (several disks, NICs) may have several values. */
    static final Set<String> KEYS = Set.of("M", "m", "kernel", "initrd", "append", "dtb", "drive", "netdev", "device",
            "object", "serial", "no-reboot", "icount", "stats", "d", "loadvm");
    static final Set<String> REPEATING = Set.of("drive", "netdev", "device", "object");
    static final Set<String> FLAGS = Set.of("no-reboot", "stats");
    /** Configuration properties that are not options: the VM's name and whether it starts when configured. */
    static final String NAME = "name";
    static final String AUTOSTART = "autostart";

    /** A definition and the name it asks for (null: the next free one). */
    static final class Parsed {
        final String name;
        final Map<String, List<String>> options;

        Parsed(String name, Map<String, List<String>> options) {
            this.name = name;
            this.options = options;
        }
    }

    private VmDefinition() {
    }

    /**
     * {@code vm:create [NAME] key=value...}: a first word without '=' is the name; a flag may stand alone
     * ({@code no-reboot}); repeating keys collect their values in order, and the order of drives and devices is kept
     * as the command line's would be.
     */
    static Parsed fromWords(List<String> words) throws UsageException {
        String name = null;
        Map<String, List<String>> m = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            int eq = w.indexOf('=');
            if (eq < 0 && i == 0 && !FLAGS.contains(w)) {
                name = w;
                continue;
            }
            String key = eq < 0 ? w : w.substring(0, eq);
            String value = eq < 0 ? "" : w.substring(eq + 1);
            if (key.startsWith("-")) {
                key = key.substring(key.startsWith("--") ? 2 : 1); // -kernel=... as on the command line
            }
            add(m, order, key, value, "'" + w + "'");
        }
        if (!order.isEmpty()) {
            m.put(LaunchContract.ORDER_KEY, order);
        }
        return new Parsed(name, m);
    }

    /**
     * A configuration's properties: the option keys (String, String[] or a collection; flags as booleans), plus
     * {@value #NAME} and {@value #AUTOSTART}; the framework's own ({@code service.*}, {@code component.*},
     * {@code felix.*}) are skipped. Anything else is an error naming the property.
     */
    static Map<String, List<String>> fromProperties(Map<String, ?> properties) throws UsageException {
        Map<String, List<String>> m = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (Map.Entry<String, ?> p : properties.entrySet()) {
            String key = p.getKey();
            if (key.equals(NAME) || key.equals(AUTOSTART) || key.contains(".")) {
                continue; // service.pid, component.name, felix.fileinstall.filename, ...
            }
            if (FLAGS.contains(key)) {
                String v = String.valueOf(p.getValue()).trim();
                if (VmOptions.onOff("property " + key, v.isEmpty() ? "on" : v)) {
                    add(m, order, key, "", "property " + key);
                }
                continue;
            }
            for (String v : strings(p.getValue())) {
                add(m, order, key, v, "property " + key);
            }
        }
        // No @order: a configuration's properties have none, so drives come before devices (DeviceOptions).
        return m;
    }

    private static void add(Map<String, List<String>> m, List<String> order, String key, String value, String what)
            throws UsageException {
        if (!KEYS.contains(key)) {
            throw new UsageException(what + ": unknown VM option '" + key + "' (known: " + String.join(", ",
                    new java.util.TreeSet<>(KEYS)) + ")");
        }
        List<String> values = m.computeIfAbsent(key, k -> new ArrayList<>());
        if (!REPEATING.contains(key) && !values.isEmpty()) {
            throw new UsageException(what + ": '" + key + "' given twice");
        }
        values.add(value);
        order.add(key);
    }

    /** The configuration's boolean {@value #AUTOSTART} (default true: a configured VM runs). */
    static boolean autostart(Map<String, ?> properties) throws UsageException {
        Object v = properties.get(AUTOSTART);
        return v == null || VmOptions.onOff("property " + AUTOSTART, String.valueOf(v).trim());
    }

    static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
                out.add(String.valueOf(Array.get(v, i)));
            }
        } else if (v instanceof Collection) {
            for (Object o : (Collection<?>) v) {
                out.add(String.valueOf(o));
            }
        } else {
            out.add(String.valueOf(v));
        }
        return out;
    }
}
