package org.ppc440vm.board.vm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.ppc440vm.api.device.MmioDevice;

/**
 * A VM declared as a Config Admin factory configuration of PID {@value #PID} instead of command-line options (for
 * example a {@code org.ppc440vm.vm-web.cfg} in the hot-deploy folder): the properties are the launcher's VM options
 * without the dash ({@code kernel}, {@code initrd}, {@code append}, {@code m}, {@code drive}, {@code netdev},
 * {@code device}, {@code serial}, ...; the repeating ones as arrays), plus {@code name} (default: the next free vmN)
 * and {@code autostart} (default true). The VM's console defaults to none; {@code serial=tcp:127.0.0.1:PORT,server}
 * gives it one.
 *
 * <p>A change applies at the VM's next {@code vm:start} (after a {@code vm:stop}), except what the running guest can
 * take live: the hostfwd rules of a user-mode netdev whose other settings are unchanged go to that backend's
 * configuration at once, and the backend applies them without a restart. Deleting the configuration stops the VM.
 */
@Component(service = {}, configurationPid = VmConfigurations.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class VmConfigurations {
    public static final String PID = "org.ppc440vm.vm";

    @Reference
    VmManager manager;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ConfigurationAdmin admin;

    private String name;
    private String pid;
    private Map<String, List<String>> definition;

    @Activate
    void activate(Map<String, Object> properties) throws UsageException {
        pid = String.valueOf(properties.getOrDefault("service.pid", PID));
        Object n = properties.get(VmDefinition.NAME);
        name = n == null || String.valueOf(n).isBlank() ? manager.nextName() : String.valueOf(n).trim();
        try {
            definition = VmDefinition.fromProperties(properties);
            manager.define(name, definition, "configuration");
        } catch (UsageException | RuntimeException e) {
            System.err.println("ppc440vm: VM configuration " + pid + ": " + e.getMessage());
            throw e;
        }
        if (VmDefinition.autostart(properties)) {
            // Not on Config Admin's thread: building the VM waits for its device configurations, which Config Admin
            // delivers on that same thread.
            String vm = name;
            Thread t = new Thread(() -> {
                try {
                    manager.start(vm);
                    System.err.println("ppc440vm: " + vm + " (configuration " + pid + ") started");
                } catch (Exception e) {
                    System.err.println("ppc440vm: " + vm + " (configuration " + pid + "): " + e.getMessage());
                }
            }, "ppc440vm-" + vm + "-start");
            t.setDaemon(true);
            t.start();
        }
    }

    @Modified
    void modified(Map<String, Object> properties) throws UsageException {
        Object n = properties.get(VmDefinition.NAME);
        if (n != null && !String.valueOf(n).isBlank() && !String.valueOf(n).trim().equals(name)) {
            System.err.println("ppc440vm: VM configuration " + pid + ": a VM keeps its name; " + name + " is not renamed"
                    + " to " + String.valueOf(n).trim() + " (delete and recreate the configuration for that)");
        }
        Map<String, List<String>> next;
        try {
            next = VmDefinition.fromProperties(properties);
            manager.define(name, next, "configuration");
        } catch (UsageException | RuntimeException e) {
            System.err.println("ppc440vm: VM configuration " + pid + ": " + e.getMessage() + " (the change is ignored)");
            return;
        }
        Map<String, List<String>> before = definition;
        definition = next;
        List<String> applied = applyHostForwards(before, next);
        System.err.println("ppc440vm: " + name + ": configuration changed; "
                + (applied.isEmpty() ? "" : "hostfwd of " + String.join(", ", applied) + " applied now; ")
                + "the rest applies at the next vm:start");
    }

    @Deactivate
    void deactivate() {
        if (name != null) {
            manager.remove(name);
        }
    }

    /**
     * Sends changed hostfwd rules to the running user-mode backends of this VM. A netdev qualifies when the old and new
     * definitions both have it (same id) with only hostfwd differing.
     *
     * @return the ids of the netdevs updated
     */
    private List<String> applyHostForwards(Map<String, List<String>> before, Map<String, List<String>> after) {
        List<String> applied = new ArrayList<>();
        ConfigurationAdmin a = admin;
        if (a == null || before == null) {
            return applied;
        }
        Map<String, Map<String, Object>> old = userNetdevs(before);
        for (Map.Entry<String, Map<String, Object>> e : userNetdevs(after).entrySet()) {
            Map<String, Object> was = old.get(e.getKey());
            if (was == null || !withoutHostfwd(was).equals(withoutHostfwd(e.getValue()))
                    || Objects.equals(hostfwd(was), hostfwd(e.getValue()))) {
                continue;
            }
            try {
                if (updateLive(a, e.getKey(), hostfwd(e.getValue()))) {
                    applied.add(e.getKey());
                }
            } catch (IOException | InvalidSyntaxException | RuntimeException x) {
                System.err.println("ppc440vm: " + name + ": netdev " + e.getKey() + ": cannot apply hostfwd now: "
                        + x.getMessage());
            }
        }
        return applied;
    }

    /** Updates the hostfwd of this VM's live configuration of netdev {@code id}; false if there is none. */
    private boolean updateLive(ConfigurationAdmin a, String id, List<String> rules)
            throws IOException, InvalidSyntaxException {
        String filter = "(&(service.factoryPid=" + DeviceSpec.NETDEV_USER_PID + ")(id=" + id + ")("
                + MmioDevice.VM_PROPERTY + "=" + name + "))";
        Configuration[] found = a.listConfigurations(filter);
        if (found == null || found.length == 0) {
            return false; // the VM is not running (or built): the change applies when it is
        }
        for (Configuration c : found) {
            Dictionary<String, Object> p = c.getProperties();
            if (rules.isEmpty()) {
                p.remove("hostfwd");
            } else {
                p.put("hostfwd", rules.toArray(new String[0]));
            }
            c.update(p);
        }
        return true;
    }

    /** The user-mode netdevs of a definition by id, with their configuration properties. */
    static Map<String, Map<String, Object>> userNetdevs(Map<String, List<String>> definition) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        List<String> netdevs = definition.get("netdev");
        if (netdevs == null) {
            return out;
        }
        for (String n : netdevs) {
            try {
                List<String> forwards = new ArrayList<>();
                Map<String, String> kv = DeviceOptions.keyValues("-netdev", n, "type", forwards);
                if (!"user".equals(kv.get("type")) || kv.get("id") == null) {
                    continue;
                }
                Map<String, Object> props = new LinkedHashMap<>(kv);
                props.remove("hostfwd");
                if (!forwards.isEmpty()) {
                    props.put("hostfwd", forwards);
                }
                out.put(kv.get("id"), props);
            } catch (UsageException e) {
                // checked when the definition was accepted; nothing to compare otherwise
            }
        }
        return out;
    }

    static List<String> hostfwd(Map<String, Object> properties) {
        return VmDefinition.strings(properties.get("hostfwd"));
    }

    private static Map<String, Object> withoutHostfwd(Map<String, Object> properties) {
        Map<String, Object> m = new LinkedHashMap<>(properties);
        m.remove("hostfwd");
        return m;
    }
}
