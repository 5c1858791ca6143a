package org.ppc440vm.board.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.device.StatefulDevice;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.board.machine.Board;
import org.ppc440vm.board.machine.DeviceSlot;
import org.ppc440vm.board.uart.Uart16550;

/** The tracker against a fake framework: prototype services made of {@link Disk}s, bundles with versions. */
class DeviceTrackerTest {
    static final long BASE = 0xEF602000L;
    private static final AtomicLong IDS = new AtomicLong(100);

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Map<ServiceReference<?>, Supplier<MmioDevice>> factories = new HashMap<>();
    private final AtomicInteger ungets = new AtomicInteger();

    /** A virtio-blk-like device whose state is one register; reads state version 1 up to {@code maxVersion}. */
    static final class Disk implements MmioDevice, StatefulDevice {
        final int version;
        long register;
        boolean detached;

        Disk(int version) {
            this.version = version;
        }

        @Override
        public String name() {
            return "virtio-blk@ef602000";
        }

        @Override
        public long base() {
            return BASE;
        }

        @Override
        public long windowSize() {
            return 0x200;
        }

        @Override
        public void attach(DeviceContext context) {
        }

        @Override
        public void detach() {
            detached = true;
        }

        @Override
        public long read(long offset, int size, Endian order) {
            return register;
        }

        @Override
        public void write(long offset, int size, long value, Endian order) {
            register = value;
        }

        @Override
        public void quiesce() {
        }

        @Override
        public DeviceState exportState() {
            return DeviceState.builder("virtio-blk", version).put("register", register).build();
        }

        @Override
        public void importState(DeviceState state) throws IncompatibleStateException {
            if (state.version() > version) {
                throw new IncompatibleStateException("virtio-blk state version " + state.version()
                        + " is unknown here; this implementation reads version " + version);
            }
            register = state.getLong("register");
        }

        @Override
        public void resume() {
        }
    }

    private static Bundle bundle(String bsn, String version) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (p, m, a) -> {
                    switch (m.getName()) {
                        case "getSymbolicName":
                            return bsn;
                        case "getVersion":
                            return Version.parseVersion(version);
                        case "hashCode":
                            return System.identityHashCode(p);
                        case "equals":
                            return p == a[0];
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
    }

    @SuppressWarnings("unchecked")
    private ServiceReference<MmioDevice> service(Bundle bundle, int ranking, Supplier<MmioDevice> factory,
            String... extra) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("base", "0xef602000");
        props.put("interrupt", "20");
        props.put(MmioDevice.TYPE_PROPERTY, "virtio-blk");
        props.put(Constants.SERVICE_RANKING, ranking);
        props.put(Constants.SERVICE_ID, IDS.incrementAndGet());
        props.put(Constants.SERVICE_PID, "org.ppc440vm.virtio.blk~0");
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        ServiceReference<MmioDevice> ref = (ServiceReference<MmioDevice>) Proxy.newProxyInstance(
                ServiceReference.class.getClassLoader(), new Class<?>[] {ServiceReference.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "getProperty":
                            return props.get(a[0]);
                        case "getPropertyKeys":
                            return java.util.Collections.list(props.keys()).toArray(new String[0]);
                        case "getBundle":
                            return bundle;
                        case "hashCode":
                            return System.identityHashCode(p);
                        case "equals":
                            return p == a[0];
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
        factories.put(ref, factory);
        return ref;
    }

    @SuppressWarnings("unchecked")
    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> {
                    if (m.getName().equals("getBundle")) {
                        return null; // no system bundle: the framework is not stopping
                    }
                    if (!m.getName().equals("getServiceObjects")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    Supplier<MmioDevice> f = factories.get(a[0]);
                    return (ServiceObjects<MmioDevice>) Proxy.newProxyInstance(ServiceObjects.class.getClassLoader(),
                            new Class<?>[] {ServiceObjects.class}, (q, n, b) -> {
                                switch (n.getName()) {
                                    case "getService":
                                        return f.get();
                                    case "ungetService":
                                        ungets.incrementAndGet();
                                        return null;
                                    default:
                                        throw new UnsupportedOperationException(n.getName());
                                }
                            });
                });
    }

    private Board board(List<Board.Plugged> plugged) throws Exception {
        Board b = new Board(16L << 20, false, new Uart16550(), plugged, log::add, log::add);
        b.attach();
        return b;
    }

    @Test
    void aStoppedBundleParksItsDeviceAndTheNextServiceResumesIt() throws Exception {
        DeviceTracker t = new DeviceTracker();
        Bundle v1 = bundle("org.ppc440vm.virtio-blk", "0.1.0.202611250305");
        ServiceReference<MmioDevice> ref = service(v1, 0, () -> new Disk(1), MmioDevice.VM_PROPERTY, "vm0");
        t.added(ref);
        t.activate(context());
        assertTrue(t.present("vm0", BASE, "org.ppc440vm.virtio.blk~0"));
        assertFalse(t.present("vm1", BASE, null), "a device configured for vm0 is not vm1's");
        List<Board.Plugged> plugged = t.plugged("vm0", p -> true);
        assertEquals(1, plugged.size());
        Board board = board(plugged);
        t.boardStarted("vm0", board);
        DeviceSlot slot = board.slots().get(1);
        assertEquals("org.ppc440vm.virtio-blk 0.1.0", slot.provider());
        assertEquals("virtio-blk", slot.type());
        assertEquals(20, slot.interrupt());
        slot.write(0, 4, 77, Endian.BIG);
        Disk first = (Disk) slot.device();

        t.removed(ref); // bundle stop: inside the unregister event
        assertEquals(DeviceSlot.WAITING, slot.state());
        assertTrue(first.detached);
        assertEquals(1, ungets.get(), "the instance went back to its service");
        assertTrue(DeviceCommands.table("vm0", board).contains("waiting"), DeviceCommands.table("vm0", board));

        Bundle v2 = bundle("org.ppc440vm.virtio-blk", "0.2.0");
        ServiceReference<MmioDevice> again = service(v2, 0, () -> new Disk(1), MmioDevice.VM_PROPERTY, "vm0");
        t.added(again); // bundle started again / updated
        assertEquals(DeviceSlot.RUNNING, slot.state());
        assertEquals("org.ppc440vm.virtio-blk 0.2.0", slot.provider());
        assertEquals(77, slot.read(0, 4, Endian.BIG), "the state came back with the new service");
        String table = DeviceCommands.table("vm0", board);
        assertTrue(table.contains("virtio-blk@ef602000") && table.contains("0xef602000-0xef6021ff")
                && table.contains("running") && table.contains("org.ppc440vm.virtio-blk 0.2.0"), table);
        assertTrue(table.contains("uart16550") && table.contains("built-in"), table);
    }

    @Test
    void swapTakesTheBestServiceAndReportsOneLinePerDevice() throws Exception {
        DeviceTracker t = new DeviceTracker();
        Bundle v1 = bundle("org.ppc440vm.virtio-blk", "0.1.0");
        ServiceReference<MmioDevice> ref = service(v1, 0, () -> new Disk(1));
        t.added(ref);
        t.activate(context());
        Board board = board(t.plugged("vm0", p -> true));
        t.boardStarted("vm0", board);
        DeviceSlot slot = board.slots().get(1);
        slot.write(0, 4, 5, Endian.BIG);
        MmioDevice before = slot.device();

        List<String> lines = t.swap("vm0", "virtio-blk");
        assertEquals(List.of("vm0 virtio-blk@ef602000: swapped org.ppc440vm.virtio-blk 0.1.0 -> "
                + "org.ppc440vm.virtio-blk 0.1.0"), lines);
        assertNotSame(before, slot.device(), "a prototype service gave a fresh instance");
        assertEquals(5, slot.read(0, 4, Endian.BIG));
        assertEquals(1, slot.swaps());

        // A newer bundle (a jar dropped into the hot-deploy folder) takes over by itself, state and all.
        Bundle v3 = bundle("org.ppc440vm.virtio-blk", "0.3.0");
        t.added(service(v3, 0, () -> new Disk(1)));
        assertEquals("org.ppc440vm.virtio-blk 0.3.0", slot.provider());
        assertEquals(5, slot.read(0, 4, Endian.BIG));
        // An older one does not.
        t.added(service(bundle("org.ppc440vm.virtio-blk", "0.2.0"), 0, () -> new Disk(1)));
        assertEquals("org.ppc440vm.virtio-blk 0.3.0", slot.provider());
        // A higher-ranked older one: ranking wins.
        Bundle ranked = bundle("org.example.blk", "0.0.1");
        t.added(service(ranked, 10, () -> new Disk(1)));
        assertEquals("org.example.blk 0.0.1", slot.provider());
        assertTrue(t.swap("vm0", "virtio-blk").get(0)
                .endsWith("swapped org.example.blk 0.0.1 -> org.example.blk 0.0.1"));
        assertEquals(4, slot.swaps(), "one manual swap, two automatic upgrades, one manual swap");

        // An implementation that cannot read the state refuses, and the old one keeps running.
        Bundle v9 = bundle("org.example.old", "9.0.0");
        Disk oldOne = new Disk(1);
        MmioDevice running = slot.device();
        ((Disk) running).register = 6;
        // the running one exports version 2 from now on
        Disk v2Disk = new Disk(2);
        v2Disk.register = 6;
        t.added(service(bundle("org.example.v2", "1.0.0"), 20, () -> v2Disk));
        assertSame(v2Disk, slot.device());
        t.added(service(v9, 30, () -> oldOne));
        assertSame(v2Disk, slot.device(), "a better-ranked implementation that cannot take the state is refused");
        List<String> refused = t.swap("vm0", "virtio-blk");
        assertEquals(1, refused.size());
        assertTrue(refused.get(0).startsWith("vm0 virtio-blk@ef602000: refused: virtio-blk state version 2 is unknown"
                + " here"), refused.get(0));
        assertTrue(refused.get(0).endsWith("org.example.v2 1.0.0 keeps running"), refused.get(0));
        assertSame(v2Disk, slot.device());
        assertEquals(6, slot.read(0, 4, Endian.BIG));

        assertTrue(t.swap("vm0", "virtio-net").get(0).startsWith("vm0: no device of type virtio-net"),
                t.swap("vm0", "virtio-net").toString());
        assertTrue(t.swap("vm9", "virtio-blk").get(0).contains("no running VM"));
    }

    @Test
    void aSingletonServiceCannotSwapButDetachIsForGood() throws Exception {
        DeviceTracker t = new DeviceTracker();
        Disk only = new Disk(1);
        t.added(service(bundle("org.ppc440vm.virtio-blk", "0.1.0"), 0, () -> only));
        t.activate(context());
        Board board = board(t.plugged("vm0", p -> true));
        t.boardStarted("vm0", board);
        String line = t.swap("vm0", "virtio-blk").get(0);
        assertTrue(line.contains("refused") && line.contains("singleton"), line);
        assertSame(only, board.slots().get(1).device());

        assertEquals("vm0 virtio-blk@ef602000: detached for good", t.detach("vm0", "0xef602000"));
        assertEquals(DeviceSlot.DETACHED, board.slots().get(1).state());
        assertTrue(t.detach("vm0", "virtio-blk@ef602000").endsWith("already detached"));
        assertTrue(t.detach("vm0", "uart0").contains("refused"), t.detach("vm0", "uart0"));
        assertTrue(t.detach("vm0", "nothing").contains("no device nothing"));
        List<String> after = new ArrayList<>(t.swap("vm0", "virtio-blk"));
        assertTrue(after.get(0).contains("refused: the device is detached"), after.toString());
    }

    @Test
    void servicesOfAnotherVmOrAKilledRunAreNotPlugged() throws Exception {
        DeviceTracker t = new DeviceTracker();
        t.added(service(bundle("b", "1.0.0"), 0, () -> new Disk(1), MmioDevice.VM_PROPERTY, "vm1"));
        t.added(service(bundle("b", "1.0.0"), 0, () -> new Disk(1), "ppc440vm.origin", "stale"));
        t.activate(context());
        assertEquals(0, t.plugged("vm0", p -> !"stale".equals(p.get("ppc440vm.origin"))).size());
        assertEquals(1, t.plugged("vm1", p -> !"stale".equals(p.get("ppc440vm.origin"))).size());
    }
}
