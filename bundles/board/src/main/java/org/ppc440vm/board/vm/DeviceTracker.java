package org.ppc440vm.board.vm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.board.machine.Board;
import org.ppc440vm.board.machine.DeviceSlot;
import org.ppc440vm.board.machine.SwapRefusedException;

/**
 * Connects the device services of the runtime with the boards of its VMs: hands out device instances to build a
 * board from ({@link #plugged}), and while a VM runs, follows its devices' services. A service that goes away (its
 * bundle stopped or updated) has its slot parked (state kept, the guest waits); a service that comes for a waiting
 * slot is installed there, with the kept state. {@link #swap} re-instantiates the devices of a type from the best
 * service now registered; {@link #detach} removes a device for good.
 *
 * <p>Instances come from {@link ServiceObjects}, so a prototype-scoped device service gives a fresh, independent
 * instance each time (what a swap needs); a singleton service always gives the same one, so it can only be replaced
 * by unregistering and registering again. A service belongs to the VM its {@value MmioDevice#VM_PROPERTY} property
 * names, or without that property to the runtime's first VM; it is matched to a slot by its window base.
 */
@Component(service = DeviceTracker.class, immediate = true)
public final class DeviceTracker {

    private final Set<ServiceReference<MmioDevice>> references = ConcurrentHashMap.newKeySet();
    /** Live boards by VM name, in the order they started (the first is the "first VM"). */
    private final Map<String, Board> boards = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile BundleContext context;
    private volatile boolean active;

    @Activate
    void activate(BundleContext ctx) {
        context = ctx;
        active = true;
    }

    @Deactivate
    void deactivate() {
        active = false;
    }

    // ---- service events

    @Reference(service = MmioDevice.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removed",
            updated = "modified")
    void added(ServiceReference<MmioDevice> ref) {
        references.add(ref);
        if (active) {
            installWhereWaiting(ref);
            upgradeWhereBetter(ref);
        }
    }

    void modified(ServiceReference<MmioDevice> ref) {
        // Properties changed without re-registration (DS modified): nothing moves; a waiting slot may now match.
        if (active) {
            installWhereWaiting(ref);
        }
    }

    /**
     * The service is unregistering: this runs inside the framework's UNREGISTERING event, while the provider can
     * still quiesce and export, so the slot that uses it is parked here and now.
     */
    void removed(ServiceReference<MmioDevice> ref) {
        references.remove(ref);
        if (!active || frameworkStopping()) {
            return; // the runtime is going down (device bundles stop before the board): nothing will come back
        }
        for (Map.Entry<String, Board> e : boardsNow().entrySet()) {
            for (DeviceSlot s : e.getValue().slots()) {
                if (ref.equals(s.origin()) && s.park(ref)) {
                    // Another implementation of the same window may be registered already (two versions deployed).
                    ServiceReference<MmioDevice> next = best(e.getKey(), s, null);
                    if (next != null) {
                        install(s, next);
                    }
                }
            }
        }
    }

    private boolean frameworkStopping() {
        BundleContext ctx = context;
        if (ctx == null) {
            return false;
        }
        try {
            Bundle system = ctx.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
            return system != null && system.getState() == Bundle.STOPPING;
        } catch (IllegalStateException e) {
            return true; // our context is invalid: this bundle is stopping too
        }
    }

    private void installWhereWaiting(ServiceReference<MmioDevice> ref) {
        for (Map.Entry<String, Board> e : boardsNow().entrySet()) {
            if (!belongsTo(ref, e.getKey())) {
                continue;
            }
            for (DeviceSlot s : e.getValue().slots()) {
                if (DeviceSlot.WAITING.equals(s.state()) && matches(ref, s)) {
                    install(s, ref);
                }
            }
        }
    }

    /**
     * A new implementation that ranks above the one a running slot uses (a newer bundle dropped into the hot-deploy
     * folder, say) takes over at once, state carried over; one that cannot take the state leaves the old running.
     */
    private void upgradeWhereBetter(ServiceReference<MmioDevice> ref) {
        for (Map.Entry<String, Board> e : boardsNow().entrySet()) {
            if (!belongsTo(ref, e.getKey())) {
                continue;
            }
            for (DeviceSlot s : e.getValue().slots()) {
                Object origin = s.origin();
                if (!DeviceSlot.RUNNING.equals(s.state()) || !(origin instanceof ServiceReference) || !matches(ref, s)
                        || RANKING.compare(ref, (ServiceReference<?>) origin) >= 0) {
                    continue;
                }
                DeviceSlot.Implementation impl = instance(ref);
                if (impl == null) {
                    continue;
                }
                String old = s.provider();
                String head = "ppc440vm: " + e.getKey() + " " + s.name() + ": ";
                try {
                    s.swap(impl);
                    System.err.println(head + "swapped " + old + " -> " + impl.provider()
                            + " (a better implementation was registered)");
                } catch (SwapRefusedException x) {
                    System.err.println(head + impl.provider() + " was registered but refused: " + x.getMessage()
                            + "; " + old + " keeps running");
                }
            }
        }
    }

    private void install(DeviceSlot s, ServiceReference<MmioDevice> ref) {
        DeviceSlot.Implementation impl = instance(ref);
        if (impl == null) {
            return;
        }
        try {
            s.install(impl);
        } catch (SwapRefusedException e) {
            // the slot logged why and keeps waiting
        }
    }

    // ---- building a board

    /**
     * Fresh instances of every device service of VM {@code vm} that {@code accept} takes (by service properties),
     * one per window (the best service when several serve one), with the UIC source their "interrupt" property
     * names. The caller's board owns them: a slot releases an instance when it lets go of it.
     */
    public List<Board.Plugged> plugged(String vm, Predicate<Map<String, Object>> accept) {
        Map<Long, ServiceReference<MmioDevice>> chosen = new LinkedHashMap<>();
        List<ServiceReference<MmioDevice>> others = new ArrayList<>();
        for (ServiceReference<MmioDevice> ref : sorted()) {
            if (!belongsTo(ref, vm) || !accept.test(properties(ref))) {
                continue;
            }
            long base = baseOf(ref);
            if (base < 0) {
                others.add(ref); // no base property: the instance says where it goes
            } else {
                chosen.putIfAbsent(base, ref);
            }
        }
        List<Board.Plugged> list = new ArrayList<>();
        List<ServiceReference<MmioDevice>> all = new ArrayList<>(chosen.values());
        all.addAll(others);
        for (ServiceReference<MmioDevice> ref : all) {
            DeviceSlot.Implementation impl = instance(ref);
            if (impl == null) {
                continue; // gone meanwhile
            }
            Map<String, Object> props = properties(ref);
            Map<String, String> opts = new HashMap<>();
            for (Map.Entry<String, Object> p : props.entrySet()) {
                opts.put(p.getKey(), String.valueOf(p.getValue()));
            }
            list.add(new Board.Plugged(impl, typeOf(ref), interruptOf(props), opts));
        }
        return list;
    }

    /** Whether a device service for VM {@code vm} at {@code base} is registered (with that service.pid unless null). */
    public boolean present(String vm, long base, String servicePid) {
        for (ServiceReference<MmioDevice> ref : references) {
            if (belongsTo(ref, vm) && baseOf(ref) == base
                    && (servicePid == null || servicePid.equals(ref.getProperty(Constants.SERVICE_PID)))) {
                return true;
            }
        }
        return false;
    }

    /** VM {@code vm}'s board is built: its devices' services are followed from now on. */
    public void boardStarted(String vm, Board board) {
        boards.put(vm, board);
        // A service that left between plugged() and now: its slot waits for the next one.
        for (DeviceSlot s : board.slots()) {
            Object origin = s.origin();
            if (origin instanceof ServiceReference && !references.contains(origin)) {
                if (s.park(origin)) {
                    ServiceReference<MmioDevice> next = best(vm, s, null);
                    if (next != null) {
                        install(s, next);
                    }
                }
            }
        }
    }

    /** VM {@code vm} is over; its board's slots released their instances themselves. */
    public void boardEnded(String vm) {
        boards.remove(vm);
    }

    /** The live boards by VM name. */
    public Map<String, Board> boardsNow() {
        synchronized (boards) {
            return new LinkedHashMap<>(boards);
        }
    }

    // ---- commands

    /**
     * {@code vm:swap}: every device of type {@code type} on VM {@code vm} gets a fresh instance of the best
     * implementation now registered (highest service.ranking, then highest bundle version), with its state carried
     * over. One line per device: "vm0 virtio-blk@ef602000: swapped A 0.1.0 -> B 0.1.0", or "...: refused: why".
     */
    public List<String> swap(String vm, String type) {
        Board board = boards.get(vm);
        List<String> lines = new ArrayList<>();
        if (board == null) {
            lines.add(vm + ": no running VM of that name");
            return lines;
        }
        List<String> types = new ArrayList<>();
        for (DeviceSlot s : board.slots()) {
            if (!types.contains(s.type())) {
                types.add(s.type());
            }
            if (!s.type().equals(type)) {
                continue;
            }
            String head = vm + " " + s.name() + ": ";
            if (DeviceSlot.DETACHED.equals(s.state())) {
                lines.add(head + "refused: the device is detached");
                continue;
            }
            ServiceReference<MmioDevice> ref = best(vm, s, null);
            if (ref == null) {
                lines.add(head + "refused: no " + type + " implementation is registered for this window; "
                        + (DeviceSlot.WAITING.equals(s.state()) ? "the device keeps waiting"
                                : s.provider() + " keeps running"));
                continue;
            }
            DeviceSlot.Implementation impl = instance(ref);
            if (impl == null) {
                lines.add(head + "refused: the service of " + providerOf(ref) + " went away meanwhile");
                continue;
            }
            String old = s.provider();
            boolean waiting = DeviceSlot.WAITING.equals(s.state());
            try {
                s.swap(impl);
                lines.add(head + (waiting ? "installed " + impl.provider() + " (was waiting; last " + old + ")"
                        : "swapped " + old + " -> " + impl.provider()));
            } catch (SwapRefusedException e) {
                lines.add(head + "refused: " + e.getMessage() + "; "
                        + (waiting ? "the device keeps waiting" : old + " keeps running"));
            }
        }
        if (lines.isEmpty()) {
            lines.add(vm + ": no device of type " + type + " (types here: " + String.join(", ", types) + ")");
        }
        return lines;
    }

    /**
     * {@code vm:detach}: removes the device named {@code nameOrBase} ("virtio-blk@ef602000" or "0xef602000") from
     * VM {@code vm} for good. Returns the line to print.
     */
    public String detach(String vm, String nameOrBase) {
        Board board = boards.get(vm);
        if (board == null) {
            return vm + ": no running VM of that name";
        }
        DeviceSlot s = find(board, nameOrBase);
        if (s == null) {
            List<String> names = new ArrayList<>();
            for (DeviceSlot d : board.slots()) {
                names.add(d.name());
            }
            return vm + ": no device " + nameOrBase + " (devices: " + String.join(", ", names) + ")";
        }
        if (Board.BUILT_IN.equals(s.provider())) {
            return vm + " " + s.name() + ": refused: a device of the board itself cannot be detached";
        }
        return vm + " " + s.name() + (s.detach() ? ": detached for good" : ": already detached");
    }

    static DeviceSlot find(Board board, String nameOrBase) {
        Long base = null;
        try {
            base = Long.decode(nameOrBase.trim());
        } catch (NumberFormatException notANumber) {
            // a name
        }
        for (DeviceSlot s : board.slots()) {
            if (s.name().equals(nameOrBase) || (base != null && s.base() == base)) {
                return s;
            }
        }
        return null;
    }

    // ---- matching and ranking

    /** The best registered service for slot {@code s} of VM {@code vm}, other than {@code except}, or null. */
    private ServiceReference<MmioDevice> best(String vm, DeviceSlot s, ServiceReference<MmioDevice> except) {
        for (ServiceReference<MmioDevice> ref : sorted()) {
            if (!ref.equals(except) && belongsTo(ref, vm) && matches(ref, s) && !Board.BUILT_IN.equals(s.provider())) {
                return ref;
            }
        }
        return null;
    }

    /** Every tracked service, best first: highest service.ranking, then highest bundle version, then oldest. */
    private List<ServiceReference<MmioDevice>> sorted() {
        List<ServiceReference<MmioDevice>> list = new ArrayList<>(references);
        list.sort(RANKING.thenComparingLong(DeviceTracker::idOf));
        return list;
    }

    /** Better first: highest service.ranking, then highest bundle version (equal: neither is better). */
    static final Comparator<ServiceReference<?>> RANKING = Comparator
            .comparingInt((ServiceReference<?> r) -> rankingOf(r)).reversed()
            .thenComparing(Comparator.comparing((ServiceReference<?> r) -> versionOf(r)).reversed());

    /** Same window, and the same type when the service says one. */
    private static boolean matches(ServiceReference<MmioDevice> ref, DeviceSlot s) {
        if (baseOf(ref) != s.base()) {
            return false;
        }
        Object t = ref.getProperty(MmioDevice.TYPE_PROPERTY);
        return t == null || String.valueOf(t).equals(s.type());
    }

    private boolean belongsTo(ServiceReference<?> ref, String vm) {
        Object v = ref.getProperty(MmioDevice.VM_PROPERTY);
        if (v != null) {
            return String.valueOf(v).equals(vm);
        }
        String first;
        synchronized (boards) {
            first = boards.isEmpty() ? null : boards.keySet().iterator().next();
        }
        return first == null || first.equals(vm);
    }

    private DeviceSlot.Implementation instance(ServiceReference<MmioDevice> ref) {
        BundleContext ctx = context;
        if (ctx == null) {
            return null;
        }
        ServiceObjects<MmioDevice> objects;
        MmioDevice d;
        try {
            objects = ctx.getServiceObjects(ref);
            d = objects == null ? null : objects.getService();
        } catch (IllegalStateException | IllegalArgumentException e) {
            return null; // the service or this bundle is going away
        }
        if (d == null) {
            return null;
        }
        MmioDevice instance = d;
        return new DeviceSlot.Implementation(d, providerOf(ref), ref, () -> {
            try {
                objects.ungetService(instance);
            } catch (IllegalStateException | IllegalArgumentException alreadyGone) {
                // the service was unregistered: the framework released it already
            }
        });
    }

    static long baseOf(ServiceReference<?> ref) {
        Object v = ref.getProperty("base");
        if (v == null) {
            v = ref.getProperty(MmioDevice.BASE_PROPERTY);
        }
        return parseLong(v, -1);
    }

    static int interruptOf(Map<String, Object> props) {
        return (int) parseLong(props.get("interrupt"), -1);
    }

    private static long parseLong(Object v, long otherwise) {
        if (v instanceof Number) {
            return ((Number) v).longValue();
        }
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.decode(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static String typeOf(ServiceReference<?> ref) {
        Object t = ref.getProperty(MmioDevice.TYPE_PROPERTY);
        return t == null ? null : String.valueOf(t);
    }

    private static int rankingOf(ServiceReference<?> ref) {
        Object r = ref.getProperty(Constants.SERVICE_RANKING);
        return r instanceof Integer ? (Integer) r : 0;
    }

    private static long idOf(ServiceReference<?> ref) {
        Object id = ref.getProperty(Constants.SERVICE_ID);
        return id instanceof Long ? (Long) id : 0;
    }

    private static Version versionOf(ServiceReference<?> ref) {
        Bundle b = ref.getBundle();
        return b == null ? Version.emptyVersion : b.getVersion();
    }

    /** "org.ppc440vm.virtio-blk 0.1.0": the bundle behind a service (the build qualifier left out). */
    static String providerOf(ServiceReference<?> ref) {
        Bundle b = ref.getBundle();
        if (b == null) {
            return "unregistered service";
        }
        Version v = b.getVersion();
        return b.getSymbolicName() + " " + v.getMajor() + "." + v.getMinor() + "." + v.getMicro();
    }

    static Map<String, Object> properties(ServiceReference<?> ref) {
        Map<String, Object> m = new HashMap<>();
        for (String k : ref.getPropertyKeys()) {
            m.put(k, ref.getProperty(k));
        }
        return m;
    }
}
