package org.ppc440vm.netdev.socket.it;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Collection;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.ppc440vm.api.net.FrameReceiver;
import org.ppc440vm.api.net.NetworkBackend;
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.testing.PaxOptions;

/**
 * netdev-socket inside a real Felix: two factory configurations of {@code org.ppc440vm.netdev.socket} pointing at
 * each other on the loopback (two VMs in one runtime) carry frames both ways; deleting them unregisters the backends.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NetdevSocketBundleIT {
    static final String PID = "org.ppc440vm.netdev.socket";

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return PaxOptions.bundleUnderTest("bundles/netdev-user"); // filter-dump comes from the user backend
    }

    @Test
    public void activeAndExportsNothing() {
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.netdev-socket", Map.of());
    }

    private Collection<ServiceReference<NetworkBackend>> backends(String id) throws Exception {
        return context.getServiceReferences(NetworkBackend.class, "(" + NetworkBackend.ID_PROPERTY + "=" + id + ")");
    }

    private org.osgi.service.cm.Configuration configure(String id, int local, int peer) throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration(PID, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("id", id);
        props.put("localaddr", "127.0.0.1:" + local);
        props.put("udp", "127.0.0.1:" + peer);
        c.update(props);
        return c;
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    @Test
    public void twoBackendsOnTheLoopbackCarryFramesBothWays() throws Exception {
        int pa = freeUdpPort();
        int pb = freeUdpPort();
        org.osgi.service.cm.Configuration ca = configure("s1", pa, pb);
        org.osgi.service.cm.Configuration cb = configure("s2", pb, pa);
        try {
            waitFor(() -> !backends("s1").isEmpty() && !backends("s2").isEmpty(), "both backends");
            ServiceReference<NetworkBackend> ra = backends("s1").iterator().next();
            assertEquals("socket", ra.getProperty(NetworkBackend.TYPE_PROPERTY));
            NetworkBackend a = context.getService(ra);
            NetworkBackend b = context.getService(backends("s2").iterator().next());
            assertTrue(a.describe(), a.describe().contains("localaddr=127.0.0.1:" + pa));

            LinkedBlockingQueue<byte[]> atA = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<byte[]> atB = new LinkedBlockingQueue<>();
            a.attach(keep(atA));
            b.attach(keep(atB));
            byte[] f = new byte[64];
            f[0] = 0x52;
            f[63] = 0x7f;
            assertTrue(a.send(ByteBuffer.wrap(f)));
            byte[] got = atB.poll(10, TimeUnit.SECONDS);
            assertNotNull("the frame reached s2", got);
            assertArrayEquals(f, got);
            assertTrue(b.send(ByteBuffer.wrap(new byte[60])));
            assertNotNull("and back to s1", atA.poll(10, TimeUnit.SECONDS));
            assertEquals(Long.valueOf(1), a.counters().get(NetworkBackend.TX_FRAMES));
        } finally {
            ca.delete();
            cb.delete();
        }
        waitFor(() -> backends("s1").isEmpty() && backends("s2").isEmpty(), "both gone");
    }

    private static FrameReceiver keep(LinkedBlockingQueue<byte[]> into) {
        return frame -> {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            into.add(b);
            return true;
        };
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
