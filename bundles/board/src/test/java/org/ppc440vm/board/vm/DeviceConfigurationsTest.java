package org.ppc440vm.board.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.board.loader.LoadException;
import org.ppc440vm.board.machine.BoardException;

class DeviceConfigurationsTest {

    /** What the fake Config Admin was asked to do. */
    static final class FakeAdmin {
        final List<String> log = new ArrayList<>();
        final Map<String, Dictionary<String, Object>> properties = new HashMap<>();
        String failUpdateOfPid;
        final List<String> leftOver = new ArrayList<>();
        int next;

        ConfigurationAdmin admin() {
            return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ConfigurationAdmin.class}, (proxy, m, args) -> {
                        if (m.getName().equals("createFactoryConfiguration") && args.length == 2) {
                            String pid = (String) args[0];
                            log.add("create " + pid + " at " + args[1]);
                            return configuration(pid, pid + "~" + next++);
                        }
                        if (m.getName().equals("listConfigurations")) {
                            log.add("list " + args[0]);
                            List<Configuration> stale = new ArrayList<>();
                            for (String s : leftOver) {
                                stale.add(configuration(s.substring(0, s.indexOf('~')), s));
                            }
                            return stale.isEmpty() ? null : stale.toArray(new Configuration[0]);
                        }
                        throw new UnsupportedOperationException(m.getName());
                    });
        }

        @SuppressWarnings("unchecked")
        private Configuration configuration(String factoryPid, String pid) {
            return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Configuration.class}, (proxy, m, args) -> {
                        switch (m.getName()) {
                            case "update":
                                if (factoryPid.equals(failUpdateOfPid)) {
                                    throw new IOException("store full");
                                }
                                properties.put(pid, (Dictionary<String, Object>) args[0]);
                                log.add("update " + pid);
                                return null;
                            case "delete":
                                log.add("delete " + pid);
                                properties.remove(pid);
                                return null;
                            case "getPid":
                                return pid;
                            case "getFactoryPid":
                                return factoryPid;
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "equals":
                                return proxy == args[0];
                            default:
                                throw new UnsupportedOperationException(m.getName());
                        }
                    });
        }
    }

    static List<DeviceSpec> reference() throws UsageException {
        return VmOptions.parse(VmOptionsTest.opts("drive", "file=/tmp/d.img,if=virtio,format=raw",
                "netdev", "user,id=n0", "device", "virtio-net,netdev=n0")).devices();
    }

    @Test
    void createsOneFactoryConfigurationPerDeviceBackendFirstAndDeletesThemAll() throws Exception {
        FakeAdmin fake = new FakeAdmin();
        DeviceConfigurations c = new DeviceConfigurations();
        c.create(fake.admin(), reference());
        assertEquals(List.of("list (ppc440vm.origin=command-line)", "create org.ppc440vm.netdev.user at ?", "update org.ppc440vm.netdev.user~0",
                "create org.ppc440vm.virtio.blk at ?", "update org.ppc440vm.virtio.blk~1",
                "create org.ppc440vm.virtio.net at ?", "update org.ppc440vm.virtio.net~2"), fake.log);
        Dictionary<String, Object> blk = fake.properties.get("org.ppc440vm.virtio.blk~1");
        assertEquals("0xef602000", blk.get("base"));
        assertEquals("20", blk.get("interrupt"));
        assertEquals("/tmp/d.img", blk.get("file"));
        assertEquals("off", blk.get("readonly"));
        Dictionary<String, Object> net = fake.properties.get("org.ppc440vm.virtio.net~2");
        assertEquals("0xef602200", net.get("base"));
        assertEquals("21", net.get("interrupt"));
        assertEquals("n0", net.get("netdev"));
        assertEquals("n0", fake.properties.get("org.ppc440vm.netdev.user~0").get("id"));
        assertEquals("command-line", blk.get("ppc440vm.origin"));
        assertEquals(3, c.size());

        fake.log.clear();
        assertTrue(c.deleteAll().isEmpty());
        assertEquals(List.of("delete org.ppc440vm.virtio.net~2", "delete org.ppc440vm.virtio.blk~1",
                "delete org.ppc440vm.netdev.user~0"), fake.log);
        assertTrue(fake.properties.isEmpty());
        fake.log.clear();
        c.deleteAll();
        assertTrue(fake.log.isEmpty(), "a second deleteAll deletes nothing");
    }

    @Test
    void configurationsLeftByAKilledRunAreDeletedFirst() throws Exception {
        FakeAdmin fake = new FakeAdmin();
        fake.leftOver.add("org.ppc440vm.virtio.blk~old");
        new DeviceConfigurations().create(fake.admin(), reference());
        assertEquals("list (ppc440vm.origin=command-line)", fake.log.get(0));
        assertEquals("delete org.ppc440vm.virtio.blk~old", fake.log.get(1));
        assertEquals("create org.ppc440vm.netdev.user at ?", fake.log.get(2));
    }

    @Test
    void aNamedVmsConfigurationsCarryItsNameAndOnlyItsStaleOnesAreDeleted() throws Exception {
        FakeAdmin fake = new FakeAdmin();
        DeviceConfigurations c = new DeviceConfigurations();
        c.create(fake.admin(), reference(), "vm1");
        assertEquals("list (&(ppc440vm.origin=command-line)(|(ppc440vm.vm=vm1)(!(ppc440vm.vm=*))))", fake.log.get(0),
                "a second VM must not delete the first VM's device configurations");
        assertEquals("vm1", fake.properties.get("org.ppc440vm.virtio.blk~1").get(MmioDevice.VM_PROPERTY));
        assertEquals("vm1", fake.properties.get("org.ppc440vm.netdev.user~0").get(MmioDevice.VM_PROPERTY));
        FakeAdmin plain = new FakeAdmin();
        new DeviceConfigurations().create(plain.admin(), reference());
        assertNull(plain.properties.get("org.ppc440vm.virtio.blk~1").get(MmioDevice.VM_PROPERTY));
    }

    @Test
    void onlyTheServiceOfOurConfigurationServesAWindow() throws Exception {
        FakeAdmin fake = new FakeAdmin();
        DeviceConfigurations c = new DeviceConfigurations();
        List<DeviceSpec> specs = reference();
        c.create(fake.admin(), specs);
        DeviceSpec blk = specs.get(1);
        assertEquals("org.ppc440vm.virtio.blk~1", c.pidOf(blk));
        Map<MmioDevice, Map<String, Object>> present = new HashMap<>();
        Map<String, Object> stale = Map.of("service.pid", "org.ppc440vm.virtio.blk~old", "ppc440vm.origin",
                "command-line");
        present.put(device(0xEF602000L), stale);
        assertTrue(!c.served(blk, present), "a killed run's device at the same window is not ours");
        assertTrue(c.foreign(stale));
        Map<String, Object> ours = Map.of("service.pid", "org.ppc440vm.virtio.blk~1", "ppc440vm.origin",
                "command-line");
        present.put(device(0xEF602000L), ours);
        assertTrue(c.served(blk, present));
        assertTrue(!c.foreign(ours));
        assertTrue(!c.foreign(Map.of("service.pid", "hand.deployed~x")), "hand-deployed devices stay plugged");
        assertTrue(c.served(specs.get(0), Map.of()), "a backend has no window to serve");
    }

    @Test
    void aFailedConfigurationUndoesTheOnesBefore() throws Exception {
        FakeAdmin fake = new FakeAdmin();
        fake.failUpdateOfPid = "org.ppc440vm.virtio.net";
        DeviceConfigurations c = new DeviceConfigurations();
        BoardException e = assertThrows(BoardException.class, () -> c.create(fake.admin(), reference()));
        assertTrue(e.getMessage().contains("-device virtio-net,netdev=n0"), e.getMessage());
        assertTrue(e.getMessage().contains("store full"), e.getMessage());
        assertTrue(fake.properties.isEmpty(), "every configuration made is deleted again: " + fake.properties);
        assertEquals(0, c.size());
    }

    @Test
    void imagesAreCheckedBeforeAnythingIsConfigured(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.img");
        Files.write(good, new byte[1024]);
        Path odd = dir.resolve("odd.img");
        Files.write(odd, new byte[1000]);
        DeviceConfigurations.checkImages(specs("drive", "file=" + good));
        LoadException missing = assertThrows(LoadException.class,
                () -> DeviceConfigurations.checkImages(specs("drive", "file=" + dir.resolve("nope.img"))));
        assertTrue(missing.getMessage().contains("nope.img: no such file"), missing.getMessage());
        LoadException notSectors = assertThrows(LoadException.class,
                () -> DeviceConfigurations.checkImages(specs("drive", "file=" + odd)));
        assertTrue(notSectors.getMessage().contains("odd.img is 1000 bytes, not a whole number of 512-byte sectors"),
                notSectors.getMessage());
        assertThrows(LoadException.class, () -> DeviceConfigurations.checkImages(specs("drive", "file=" + dir)));
    }

    private static List<DeviceSpec> specs(String... kv) throws UsageException {
        return VmOptions.parse(VmOptionsTest.opts(kv)).devices();
    }

    static MmioDevice device(long base) {
        return new MmioDevice() {
            @Override
            public String name() {
                return "fake@" + Long.toHexString(base);
            }

            @Override
            public long base() {
                return base;
            }

            @Override
            public long windowSize() {
                return 0x200;
            }

            @Override
            public long read(long offset, int size, Endian order) {
                return 0;
            }

            @Override
            public void write(long offset, int size, long value, Endian order) {
            }
        };
    }

    @Test
    void awaitReturnsOnceEveryWindowHasItsDevice() throws Exception {
        List<DeviceSpec> specs = reference();
        List<MmioDevice> present = new CopyOnWriteArrayList<>();
        present.add(device(0xEF602200L));
        assertSame(specs.get(1), DeviceConfigurations.firstMissing(specs,
                s -> DeviceConfigurations.windowServed(s, present)));
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            present.add(device(0xEF602000L));
        });
        late.start();
        long t0 = System.nanoTime();
        DeviceConfigurations.await(specs, s -> DeviceConfigurations.windowServed(s, present), 5_000, s -> null);
        assertTrue(System.nanoTime() - t0 >= 90_000_000L, "it waited for the late device");
        assertNull(DeviceConfigurations.firstMissing(specs, s -> DeviceConfigurations.windowServed(s, present)));
        late.join();
    }

    @Test
    void awaitNamesTheDeviceThatFailedOrNeverCame() throws Exception {
        List<DeviceSpec> specs = reference();
        Collection<MmioDevice> none = List.of();
        BoardException failed = assertThrows(BoardException.class, () -> DeviceConfigurations.await(specs,
                s -> DeviceConfigurations.windowServed(s, none),
                5_000, s -> s.image() != null ? "java.io.IOException: /tmp/d.img: no such file" : null));
        assertTrue(failed.getMessage().startsWith("-drive file=/tmp/d.img,if=virtio,format=raw: the device did not"
                + " start: java.io.IOException: /tmp/d.img"), failed.getMessage());
        BoardException timedOut = assertThrows(BoardException.class,
                () -> DeviceConfigurations.await(specs,
                        s -> DeviceConfigurations.windowServed(s, List.of(device(0xEF602000L))), 100, s -> null));
        assertTrue(timedOut.getMessage().contains("-device virtio-net,netdev=n0: the device did not appear"),
                timedOut.getMessage());
        assertTrue(timedOut.getMessage().contains("org.ppc440vm.virtio.net"), timedOut.getMessage());
        BoardException noBackend = assertThrows(BoardException.class, () -> DeviceConfigurations.await(specs,
                s -> s.mmio(), 5_000, s -> s.mmio() ? null : "java.lang.IllegalArgumentException: bad hostfwd"));
        assertTrue(noBackend.getMessage().equals("-netdev user,id=n0: the backend did not start:"
                + " java.lang.IllegalArgumentException: bad hostfwd"), noBackend.getMessage());
    }
}
