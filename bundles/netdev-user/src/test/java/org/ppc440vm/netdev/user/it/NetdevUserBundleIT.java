package org.ppc440vm.netdev.user.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Collection;
import java.util.Hashtable;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import org.ppc440vm.api.net.NetworkBackend;
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.testing.PaxOptions;

/**
 * netdev-user inside a real Felix: a factory configuration of {@code org.ppc440vm.netdev.user} (what the board makes
 * from {@code -netdev user,id=...}) registers a NetworkBackend under its id with its hostfwd listener open; deleting
 * the configuration closes it; a configuration it cannot honour registers nothing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NetdevUserBundleIT {
    static final String PID = "org.ppc440vm.netdev.user";

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return PaxOptions.bundleUnderTest();
    }

    @Test
    public void activeAndExportsNothing() {
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.netdev-user", Map.of("org.ppc440vm.netdev.pcap", "1.0.0"));
    }

    private Collection<ServiceReference<NetworkBackend>> backends(String id) throws Exception {
        return context.getServiceReferences(NetworkBackend.class, "(" + NetworkBackend.ID_PROPERTY + "=" + id + ")");
    }

    @Test
    public void aFactoryConfigurationRegistersTheBackendUnderItsIdAndDeletingItClosesItsSockets() throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration(PID, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("id", "u1");
        props.put("hostfwd", new String[] {"tcp::0-:22", "tcp:127.0.0.1:0-10.0.2.15:80"});
        c.update(props);
        int port;
        try {
            waitFor(() -> !backends("u1").isEmpty(), "the backend u1");
            ServiceReference<NetworkBackend> ref = backends("u1").iterator().next();
            assertEquals("user", ref.getProperty(NetworkBackend.TYPE_PROPERTY));
            NetworkBackend b = context.getService(ref);
            assertEquals("u1", b.id());
            assertTrue(b.linkUp());
            String d = b.describe();
            assertTrue(d, d.contains("net=10.0.2.0/24") && d.contains("-10.0.2.15:80"));
            Matcher m = Pattern.compile("hostfwd=tcp:127\\.0\\.0\\.1:(\\d+)-10\\.0\\.2\\.15:22").matcher(d);
            assertTrue(d, m.find());
            port = Integer.parseInt(m.group(1));
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertTrue(s.isConnected());
            }
            assertEquals(Long.valueOf(0), b.counters().get(NetworkBackend.TX_FRAMES));
        } finally {
            c.delete();
        }
        waitFor(() -> backends("u1").isEmpty(), "the backend gone");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            fail("the hostfwd port is still open");
        } catch (ConnectException expected) {
            // closed with the backend
        }
    }

    @Test
    public void aHostfwdToANonLoopbackAddressRegistersNothing() throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration(PID, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("id", "u2");
        props.put("hostfwd", "tcp:0.0.0.0:0-:22");
        c.update(props);
        try {
            Thread.sleep(1000);
            assertTrue("refused: this stack listens only on the loopback", backends("u2").isEmpty());
        } finally {
            c.delete();
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
