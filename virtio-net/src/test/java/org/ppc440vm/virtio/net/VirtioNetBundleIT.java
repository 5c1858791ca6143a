package org.ppc440vm.virtio.net;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.api.net.NetworkBackend;
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.testing.PaxOptions;
import org.ppc440vm.virtio.testing.DriverQueue;
import org.ppc440vm.virtio.testing.HeapGuestMemory;
import org.ppc440vm.virtio.testing.MockDriver;
import org.ppc440vm.virtio.testing.RecordingInterruptLine;
import org.ppc440vm.virtio.testing.TestDeviceContext;

/**
 * virtio-net inside a real Felix with the virtio-mmio transport and both backend bundles: factory configurations
 * (what the board makes from {@code -netdev} and {@code -device}) bring up backends and devices; a mock driver moves
 * frames between a device and a real backend; two devices talk over socket backends; and updating the virtio-net
 * bundle leaves its backend, and the backend's listening socket, running.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class VirtioNetBundleIT {
    static final long FEATURES = 1L << 32 | VirtioNetDevice.F_MAC | VirtioNetDevice.F_STATUS;
    static final byte[] ROUTER_MAC = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin configAdmin;

    private final List<org.osgi.service.cm.Configuration> configurations = new ArrayList<>();

    @Configuration
    public Option[] config() {
        return PaxOptions.bundleUnderTest("bundles/virtio-mmio", "bundles/netdev-user", "bundles/netdev-socket");
    }

    @After
    public void deleteConfigurations() throws Exception {
        for (org.osgi.service.cm.Configuration c : configurations) {
            c.delete();
        }
        configurations.clear();
        waitFor(() -> devices(null).isEmpty() && backends(null).isEmpty(), "everything gone");
    }

    private void configure(String pid, Object... keyValues) throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration(pid, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        c.update(props);
        configurations.add(c);
    }

    private Collection<ServiceReference<MmioDevice>> devices(String filter) throws Exception {
        return context.getServiceReferences(MmioDevice.class, filter);
    }

    private Collection<ServiceReference<NetworkBackend>> backends(String filter) throws Exception {
        return context.getServiceReferences(NetworkBackend.class, filter);
    }

    private MmioDevice device(String netdev) throws Exception {
        String filter = "(netdev=" + netdev + ")";
        MmioDevice[] found = new MmioDevice[1];
        // A service being unregistered (a bundle refresh in the background) gives no instance: look again.
        waitFor(() -> !devices(filter).isEmpty()
                && (found[0] = context.getService(devices(filter).iterator().next())) != null, "the device for " + netdev);
        return found[0];
    }

    private NetworkBackend backend(String id) throws Exception {
        String filter = "(" + NetworkBackend.ID_PROPERTY + "=" + id + ")";
        waitFor(() -> !backends(filter).isEmpty(), "the backend " + id);
        return context.getService(backends(filter).iterator().next());
    }

    @Test
    public void theBundlesAreActiveAndExportNothing() {
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.virtio-net", Map.of());
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.netdev-user", Map.of("org.ppc440vm.netdev.pcap", "1.0.0"));
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.netdev-socket", Map.of());
    }

    @Test
    public void withoutItsBackendTheDeviceComesUpWithTheLinkDown() throws Exception {
        configure(VirtioNetComponent.PID, "base", "0xef602200", "interrupt", "21", "netdev", "nobody",
                "mac", "52:54:00:aa:bb:cc");
        MmioDevice d = device("nobody");
        ServiceReference<MmioDevice> ref = devices("(netdev=nobody)").iterator().next();
        assertEquals("virtio-net", ref.getProperty(MmioDevice.TYPE_PROPERTY));
        assertEquals("prototype scope: the board can make a second instance for a hot-swap",
                Constants.SCOPE_PROTOTYPE, ref.getProperty(Constants.SERVICE_SCOPE));
        org.osgi.framework.ServiceObjects<MmioDevice> objects = context.getServiceObjects(ref);
        MmioDevice second = objects.getService();
        assertTrue("an independent instance of the same configuration", second != d && second.base() == d.base());
        objects.ungetService(second);
        assertEquals(0xef602200L, d.base());
        assertEquals("virtio-net@ef602200", d.name());
        assertEquals(0x74726976L, d.read(0, 4, Endian.LITTLE));
        assertEquals(1, d.read(8, 4, Endian.LITTLE));
        assertEquals(0x52L, d.read(0x100, 1, Endian.LITTLE));
        assertEquals(0xccL, d.read(0x105, 1, Endian.LITTLE));
        assertEquals("link down", 0, d.read(0x106, 2, Endian.LITTLE));

        configure("org.ppc440vm.netdev.user", "id", "nobody");
        waitFor(() -> d.read(0x106, 2, Endian.LITTLE) == 1, "link up once the backend appears");
    }

    @Test
    public void aGuestTalksToTheUserBackendThroughTheDevice() throws Exception {
        configure("org.ppc440vm.netdev.user", "id", "n0");
        configure(VirtioNetComponent.PID, "base", "0xef602200", "interrupt", "21", "netdev", "n0");
        Guest guest = new Guest(device("n0"));

        // ARP: who has 10.0.2.2?
        ByteBuffer arp = ByteBuffer.allocate(42);
        arp.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(Guest.MAC).putShort((short) 0x0806)
                .putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1)
                .put(Guest.MAC).putInt(0x0a00020f).put(new byte[6]).putInt(0x0a000202);
        guest.transmit(arp.array());
        byte[] reply = guest.receive();
        assertEquals("an ARP reply", 0x0806, ByteBuffer.wrap(reply).getShort(12));
        assertArrayEquals(ROUTER_MAC, java.util.Arrays.copyOfRange(reply, 22, 28));

        // UDP to 10.0.2.2:P arrives at 127.0.0.1:P, and the answer comes back.
        try (DatagramChannel host = DatagramChannel.open()) {
            host.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            host.socket().setSoTimeout(10_000);
            int port = ((InetSocketAddress) host.getLocalAddress()).getPort();
            guest.transmit(udp(40000, port, "from the guest".getBytes("US-ASCII")));
            ByteBuffer in = ByteBuffer.allocate(100);
            InetSocketAddress from = (InetSocketAddress) host.receive(in);
            assertEquals("from the guest", new String(in.array(), 0, in.position(), "US-ASCII"));
            host.send(ByteBuffer.wrap("from the host".getBytes("US-ASCII")), from);
            byte[] answer = guest.receive();
            ByteBuffer a = ByteBuffer.wrap(answer);
            assertEquals(0x0800, a.getShort(12));
            assertEquals(17, a.get(23));
            assertEquals(0x0a000202, a.getInt(26));
            assertEquals(port, a.getShort(34) & 0xFFFF);
            assertEquals("from the host", new String(answer, 42, answer.length - 42, "US-ASCII"));
        }
        assertTrue(guest.line.raisedCount() > 0);
    }

    /** An IPv4/UDP frame from 10.0.2.15 to 10.0.2.2 (UDP checksum 0: none). */
    static byte[] udp(int srcPort, int dstPort, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(42 + data.length);
        b.put(ROUTER_MAC).put(Guest.MAC).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + data.length)).putShort((short) 1)
                .putShort((short) 0x4000).put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0x0a00020f)
                .putInt(0x0a000202);
        long sum = 0;
        for (int i = 14; i < 34; i += 2) {
            sum += b.getShort(i) & 0xFFFF;
        }
        while (sum > 0xFFFF) {
            sum = (sum >> 16) + (sum & 0xFFFF);
        }
        b.putShort(24, (short) ~sum);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + data.length)).putShort((short) 0)
                .put(data);
        return b.array();
    }

    @Test
    public void twoGuestsTalkOverSocketBackends() throws Exception {
        int pa = freeUdpPort();
        int pb = freeUdpPort();
        configure("org.ppc440vm.netdev.socket", "id", "sa", "localaddr", "127.0.0.1:" + pa, "udp", "127.0.0.1:" + pb);
        configure("org.ppc440vm.netdev.socket", "id", "sb", "localaddr", "127.0.0.1:" + pb, "udp", "127.0.0.1:" + pa);
        configure(VirtioNetComponent.PID, "base", "0xef602200", "interrupt", "21", "netdev", "sa");
        configure(VirtioNetComponent.PID, "base", "0xef602400", "interrupt", "22", "netdev", "sb");
        Guest a = new Guest(device("sa"));
        Guest b = new Guest(device("sb"));
        waitFor(() -> a.device.read(0x106, 2, Endian.LITTLE) == 1 && b.device.read(0x106, 2, Endian.LITTLE) == 1,
                "both links up");

        byte[] hello = new byte[60];
        new java.util.Random(5).nextBytes(hello);
        a.transmit(hello);
        assertArrayEquals("A's frame reaches B", hello, b.receive());
        byte[] back = new byte[1514];
        new java.util.Random(6).nextBytes(back);
        b.transmit(back);
        assertArrayEquals("B's frame reaches A", back, a.receive());
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    @Test
    public void updatingTheDeviceBundleLeavesTheBackendAndItsSocketsRunning() throws Exception {
        configure("org.ppc440vm.netdev.user", "id", "n1", "hostfwd", new String[] {"tcp::0-:22"});
        configure(VirtioNetComponent.PID, "base", "0xef602200", "interrupt", "21", "netdev", "n1");
        NetworkBackend before = backend("n1");
        long serviceId = (Long) backends("(" + NetworkBackend.ID_PROPERTY + "=n1)").iterator().next()
                .getProperty(Constants.SERVICE_ID);
        MmioDevice d = device("n1");
        assertEquals(1, d.read(0x106, 2, Endian.LITTLE));
        Matcher m = Pattern.compile("hostfwd=tcp:127\\.0\\.0\\.1:(\\d+)-").matcher(before.describe());
        assertTrue(before.describe(), m.find());
        int hostPort = Integer.parseInt(m.group(1));
        Socket early = new Socket(InetAddress.getLoopbackAddress(), hostPort);

        Bundle virtioNet = BundleChecks.bundle(context, "org.ppc440vm.virtio-net");
        long bundleId = virtioNet.getBundleId();
        virtioNet.update();
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        Object refreshed = new Object();
        wiring.refreshBundles(List.of(virtioNet), e -> {
            synchronized (refreshed) {
                refreshed.notifyAll();
            }
        });
        // The refresh runs in the background and restarts the bundle once more: a service met while it is being
        // unregistered gives no instance (null, a delayed prototype component no longer activates), so look again.
        waitFor(() -> {
            if (context.getBundle(bundleId).getState() != Bundle.ACTIVE || devices("(netdev=n1)").isEmpty()) {
                return false;
            }
            MmioDevice back = context.getService(devices("(netdev=n1)").iterator().next());
            return back != null && FrameworkUtil.getBundle(back.getClass()).getState() == Bundle.ACTIVE;
        }, "the device back after the update");

        Collection<ServiceReference<NetworkBackend>> after = backends("(" + NetworkBackend.ID_PROPERTY + "=n1)");
        assertEquals(1, after.size());
        assertEquals("the same backend service, never re-registered", serviceId,
                after.iterator().next().getProperty(Constants.SERVICE_ID));
        MmioDevice newDevice = device("n1");
        waitFor(() -> newDevice.read(0x106, 2, Endian.LITTLE) == 1, "the new device attached: link up");
        assertTrue("the early host connection is still open", !early.isClosed() && early.isConnected());
        try (Socket late = new Socket(InetAddress.getLoopbackAddress(), hostPort)) {
            assertTrue("the hostfwd listener still accepts", late.isConnected());
        }
        early.close();
    }

    /** The guest's virtio-net driver, reduced to what the tests need: rx and tx queues, one frame at a time. */
    static final class Guest {
        static final byte[] MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
        final MmioDevice device;
        final HeapGuestMemory ram = new HeapGuestMemory(1 << 20);
        final RecordingInterruptLine line = new RecordingInterruptLine(21);
        final MockDriver driver;
        final DriverQueue rx;
        final DriverQueue tx;
        final Map<Integer, Long> rxBuffers = new java.util.HashMap<>();

        Guest(MmioDevice device) {
            this.device = device;
            device.attach(new TestDeviceContext(ram, line));
            driver = new MockDriver(device, ram);
            DriverQueue[] q = driver.start(FEATURES, 64, 64);
            rx = q[0];
            tx = q[1];
            for (int i = 0; i < 16; i++) {
                long buf = ram.allocate(1526, 8);
                rxBuffers.put(rx.add(DriverQueue.writable(buf, 1526)), buf);
            }
            driver.kick(0);
        }

        void transmit(byte[] frame) throws InterruptedException {
            long buf = ram.allocate(12 + frame.length, 8);
            ram.write(buf + 12, frame, 0, frame.length);
            tx.add(DriverQueue.readable(buf, 12 + frame.length));
            driver.kick(1);
            assertNotNull("the device took the frame", tx.awaitUsed(10_000));
        }

        byte[] receive() throws InterruptedException {
            DriverQueue.Used u = rx.awaitUsed(10_000);
            assertNotNull("a frame for the guest", u);
            long buf = rxBuffers.remove(u.id);
            byte[] frame = new byte[u.length - 12];
            ram.read(buf + 12, frame, 0, frame.length);
            long next = ram.allocate(1526, 8);
            rxBuffers.put(rx.add(DriverQueue.writable(next, 1526)), next);
            driver.kick(0);
            return frame;
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void waitFor(Condition c, String what) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!c.holds()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
