package org.ppc440vm.board.vm;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.ppc440vm.api.launch.LaunchContract;
import org.ppc440vm.api.vm.VirtualMachine;
import org.ppc440vm.api.vm.VmState;
import org.ppc440vm.board.console.MonitorShell;

/**
 * Every VM of the runtime by name: the command line's (registered by {@link VmLauncher}, tracked here) and the
 * managed ones, which {@code vm:create} and Config Admin ({@link VmConfigurations}) define. A managed VM keeps its
 * definition (the launcher-shaped option map); {@link #start} builds it anew from the current definition when it
 * stopped or its definition changed since it was built, which is how a configuration change applies at the next
 * start. Commands name a VM or, with no name, mean the only one.
 */
@Component(service = VmManager.class, immediate = true)
public final class VmManager {

    /** Builds a VM (not started) from its options; {@link VmAssembly} in the runtime, a fake in tests. */
    @FunctionalInterface
    public interface Assembler {
        Vm assemble(String name, VmOptions options, VmFactory.Host host) throws Exception;
    }

    /** Origin of the launcher's VM. */
    static final String COMMAND_LINE = "command line";

    /** One VM name: its definition (null for the command line's VM) and the VM built from it, if any. */
    static final class Entry {
        final String name;
        final String origin;
        Map<String, List<String>> definition;
        /** The definition was replaced after {@link #vm} was built from it. */
        boolean changed;
        VirtualMachine vm;
        ServiceRegistration<VirtualMachine> registration;
        /** A build or start is under way (its thread owns the entry until it ends). */
        boolean busy;

        Entry(String name, String origin, Map<String, List<String>> definition) {
            this.name = name;
            this.origin = origin;
            this.definition = definition;
        }

        String state() {
            VirtualMachine v = vm;
            return v == null ? (busy ? "BUILDING" : "DEFINED") : v.state().name();
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    @Reference(service = Map.class, cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + LaunchContract.ROLE_PROPERTY + "=" + LaunchContract.ROLE_OPTIONS + ")")
    Map<String, List<String>> launchOptions;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + LaunchContract.ROLE_PROPERTY + "=" + LaunchContract.ROLE_STDOUT + ")")
    OutputStream stdout;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile MonitorShell monitor;

    private volatile Assembler assembler;
    private BundleContext context;
    private PrintStream err = System.err;
    /** Whether the launcher boots a VM of its own, which VmLauncher names vm0. */
    private boolean launcherVm;

    public VmManager() {
    }

    /** Without the framework (tests): VMs come from {@code assembler}, nothing is registered as a service. */
    VmManager(Assembler assembler, boolean launcherVm, PrintStream err) {
        this.assembler = assembler;
        this.launcherVm = launcherVm;
        this.err = err;
    }

    @Activate
    void activate(BundleContext ctx) {
        context = ctx;
        assembler = VmManagerAssembly.assembler(ctx, this);
        Map<String, List<String>> o = launchOptions;
        if (o != null) {
            List<String> sub = o.get(LaunchContract.SUBCOMMAND_KEY);
            List<String> machine = o.get("M");
            boolean none = machine != null && !machine.isEmpty() && machine.get(machine.size() - 1).trim().equals("none");
            launcherVm = (sub == null || sub.isEmpty()) && !none;
        }
    }

    @Deactivate
    void deactivate() {
        List<Entry> managed;
        synchronized (this) {
            managed = new ArrayList<>();
            for (Entry e : entries.values()) {
                if (e.definition != null) {
                    managed.add(e);
                }
            }
        }
        for (Entry e : managed) {
            VirtualMachine v = e.vm;
            if (v != null) {
                v.stop();
            }
            unregister(e);
        }
    }

    // ---- the command line's VM (and any other VirtualMachine service)

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindMachine")
    synchronized void bindMachine(VirtualMachine vm) {
        Entry e = entries.get(vm.name());
        if (e == null) {
            e = new Entry(vm.name(), COMMAND_LINE, null);
            entries.put(vm.name(), e);
        }
        if (e.definition == null) {
            e.vm = vm;
        }
    }

    synchronized void unbindMachine(VirtualMachine vm) {
        Entry e = entries.get(vm.name());
        if (e != null && e.definition == null && e.vm == vm) {
            entries.remove(vm.name()); // the command line's VM ended: it cannot be started again
        }
    }

    // ---- queries

    /** The VM named {@code name}, or with null the only VM; the exception's message is for the user. */
    public synchronized VirtualMachine find(String name) {
        Entry e = entry(name);
        if (e.vm == null) {
            throw new IllegalStateException(e.name + " is defined but not built yet (vm:start " + e.name
                    + " builds and starts it)");
        }
        return e.vm;
    }

    /** Whether a VM of that name exists (built or only defined). */
    public synchronized boolean has(String name) {
        return entries.containsKey(name);
    }

    /** One line per VM: name, state, origin, instructions. */
    public synchronized String list() {
        if (entries.isEmpty()) {
            return "no virtual machine";
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-8s %-9s %-28s %s%n", "NAME", "STATE", "ORIGIN", "INSTRUCTIONS"));
        for (Entry e : entries.values()) {
            VirtualMachine v = e.vm;
            String n = v == null ? "-" : String.format("%,d", v.statistics().instructions());
            String state = e.state() + (e.changed ? "*" : "");
            b.append(String.format("%-8s %-9s %-28s %s%n", e.name, state, e.origin, n));
        }
        if (entries.values().stream().anyMatch(e -> e.changed)) {
            b.append("* its definition changed; the change applies at the next vm:start\n");
        }
        return b.toString();
    }

    synchronized List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    /** The name a new VM gets: the first free vmN (vm0 stays the launcher's when it boots one). */
    synchronized String nextName() {
        for (int i = launcherVm ? 1 : 0;; i++) {
            String n = "vm" + i;
            if (!entries.containsKey(n)) {
                return n;
            }
        }
    }

    private Entry entry(String name) {
        if (name == null) {
            if (entries.isEmpty()) {
                throw new IllegalStateException("no virtual machine");
            }
            if (entries.size() > 1) {
                throw new IllegalArgumentException("there are several VMs (" + String.join(", ", entries.keySet())
                        + "): name one");
            }
            return entries.values().iterator().next();
        }
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no virtual machine named " + name
                    + (entries.isEmpty() ? "" : " (there are: " + String.join(", ", entries.keySet()) + ")"));
        }
        return e;
    }

    // ---- managed VMs

    /**
     * {@code vm:create}: checks the definition, builds the VM (devices included) and leaves it CREATED.
     *
     * @param name the name, or null for the next free vmN
     * @return the VM's name
     */
    public String create(String name, Map<String, List<String>> definition, String origin) throws Exception {
        managedOptions(definition); // a bad definition fails before the name is taken
        Entry e;
        synchronized (this) {
            String n = name == null ? nextName() : name;
            checkName(n);
            if (entries.containsKey(n)) {
                throw new IllegalArgumentException("a VM named " + n + " exists already");
            }
            e = new Entry(n, origin, definition);
            e.busy = true;
            entries.put(n, e);
        }
        try {
            build(e);
        } catch (Exception | Error x) {
            synchronized (this) {
                entries.remove(e.name);
            }
            throw x;
        } finally {
            synchronized (this) {
                e.busy = false;
            }
        }
        return e.name;
    }

    /**
     * Defines or redefines a managed VM (Config Admin): a new one is only defined (see {@link #start}); for an
     * existing one the new definition applies at its next start.
     *
     * @return true if the VM existed already
     */
    public boolean define(String name, Map<String, List<String>> definition, String origin) throws UsageException {
        managedOptions(definition);
        synchronized (this) {
            checkName(name);
            Entry e = entries.get(name);
            if (e == null) {
                entries.put(name, new Entry(name, origin, definition));
                return false;
            }
            if (e.definition == null) {
                throw new IllegalArgumentException("a VM named " + name + " comes from the command line; a"
                        + " configuration cannot redefine it");
            }
            e.definition = definition;
            e.changed = e.vm != null;
            return true;
        }
    }

    /** The current definition of a managed VM (null for the command line's). */
    synchronized Map<String, List<String>> definition(String name) {
        return entry(name).definition;
    }

    /**
     * Starts a VM: a CREATED one as it is; a managed one that stopped, or whose definition changed, is built anew
     * from its definition first (a changed CREATED one is discarded). A RUNNING or PAUSED one is left alone.
     *
     * @return the VM's name
     */
    public String start(String name) throws Exception {
        Entry e;
        VirtualMachine old;
        synchronized (this) {
            e = entry(name);
            if (e.busy) {
                throw new IllegalStateException(e.name + " is being built or started already");
            }
            old = e.vm;
            if (old != null && (old.state() == VmState.RUNNING || old.state() == VmState.PAUSED)) {
                throw new IllegalStateException(e.name + " is " + old.state().name().toLowerCase()
                        + (old.state() == VmState.PAUSED ? " (vm:resume continues it)" : " already"));
            }
            if (e.definition == null && (old == null || old.state() != VmState.CREATED)) {
                throw new IllegalStateException(e.name + " came from the command line and has ended; it cannot be"
                        + " started again");
            }
            e.busy = true;
        }
        try {
            if (old == null || old.state() != VmState.CREATED || e.changed) {
                if (old != null) {
                    old.stop(); // a stale CREATED VM: release its devices before they are made again
                    unregister(e);
                }
                build(e);
            }
            synchronized (this) {
                if (entries.get(e.name) != e) {
                    // removed (its configuration deleted) while it was being built: it must not run
                    e.vm.stop();
                    throw new IllegalStateException(e.name + " was removed while it was being built");
                }
            }
            VirtualMachine vm = e.vm;
            Map<String, List<String>> def = e.definition;
            String snapshot = def == null ? null : managedOptions(def).loadVm;
            if (snapshot != null && vm instanceof Vm) {
                Snapshots.restore((Vm) vm, Path.of(snapshot));
            }
            vm.start();
            return e.name;
        } finally {
            synchronized (this) {
                e.busy = false;
            }
        }
    }

    /** Stops a managed VM and forgets it (its configuration was deleted). */
    public void remove(String name) {
        Entry e;
        synchronized (this) {
            e = entries.get(name);
            if (e == null || e.definition == null) {
                return;
            }
            entries.remove(name);
        }
        VirtualMachine v = e.vm;
        if (v != null) {
            v.stop();
        }
        unregister(e);
    }

    private void build(Entry e) throws Exception {
        Assembler a = assembler;
        if (a == null) {
            throw new IllegalStateException("VMs cannot be built here: the board is not active");
        }
        VmOptions o = managedOptions(e.definition);
        Vm[] self = new Vm[1];
        VmFactory.Host host = new VmFactory.Host(stdout != null ? stdout : System.out, null, false, err,
                () -> monitor, status -> ended(e, self[0], status));
        Vm vm = a.assemble(e.name, o, host);
        self[0] = vm;
        synchronized (this) {
            e.vm = vm;
            e.changed = false;
        }
        register(e, vm);
    }

    private void ended(Entry e, Vm vm, int status) {
        err.println("ppc440vm: " + e.name + " stopped" + (status == 0 ? "" : " (status " + status + ")"));
        synchronized (this) {
            if (e.vm != vm) {
                return; // an older build of this name
            }
        }
        unregister(e);
    }

    private void register(Entry e, Vm vm) {
        BundleContext ctx = context;
        if (ctx == null) {
            return;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(VirtualMachine.NAME_PROPERTY, e.name);
        props.put("ppc440vm.vm.origin", e.origin);
        ServiceRegistration<VirtualMachine> r = ctx.registerService(VirtualMachine.class, vm, props);
        synchronized (this) {
            e.registration = r;
        }
    }

    private void unregister(Entry e) {
        ServiceRegistration<VirtualMachine> r;
        synchronized (this) {
            r = e.registration;
            e.registration = null;
        }
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
    }

    private static void checkName(String name) {
        if (!name.matches("[A-Za-z][A-Za-z0-9_.-]{0,31}")) {
            throw new IllegalArgumentException("'" + name + "' is not a VM name (a letter, then letters, digits, '_',"
                    + " '.' or '-'; at most 32)");
        }
    }

    /**
     * The options of a managed VM: its definition read as the launcher's command line, with a console of its own
     * (default none: a VM that is not the command line's has no terminal) and a machine to run on.
     */
    static VmOptions managedOptions(Map<String, List<String>> definition) throws UsageException {
        Map<String, List<String>> d = new LinkedHashMap<>(definition);
        d.putIfAbsent("serial", List.of("none"));
        VmOptions o = VmOptions.parse(d);
        if (o.noMachine || o.listMachines) {
            throw new UsageException("M: a VM needs a machine (bamboo)");
        }
        return o;
    }
}
