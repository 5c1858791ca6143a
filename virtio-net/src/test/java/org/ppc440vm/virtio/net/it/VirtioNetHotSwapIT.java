package org.ppc440vm.virtio.net.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.junit.Assume;
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
import org.osgi.framework.ServiceReference;
import org.ppc440vm.api.net.NetworkBackend;
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.testing.FrameworkGuest;
import org.ppc440vm.testing.PaxOptions;

/**
 * The virtio-net bundle is replaced under a running Linux guest that pings the user backend's gateway: the
 * reference guest boots inside this framework ({@link FrameworkGuest}) with {@code -netdev user,id=n0 -device
 * virtio-net,netdev=n0}; its shell runs a series of pings (busybox's ping: one echo request, "alive" on the reply,
 * failure after 5 s without one) while the virtio-net bundle is updated ({@code Bundle.update()}). The backend is a
 * service of its own bundle and must stay the same service; the guest's network goes on, losing at most what was in
 * flight (at most one ping; in fact the backend holds what arrives during the park, and drops nothing), and every ping
 * after the swap gets its reply. A live {@code vm:swap} follows under the same load.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class VirtioNetHotSwapIT {
    static final String BSN = "org.ppc440vm.virtio-net";
    static final int PINGS = 40;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return PaxOptions.bundleUnderTest("bundles/virtio-mmio", "bundles/netdev-user", "ppc440-cpu", "tlb",
                "kvm-core", "bundles/board");
    }

    static File guestImages(String... files) {
        File dir = FrameworkGuest.findGuestImages(files);
        if (dir == null) {
            String message = FrameworkGuest.missingGuestImages(files);
            if ("true".equals(System.getenv("CI"))) {
                fail(message);
            }
            Assume.assumeTrue(message, false);
        }
        return dir;
    }

    @Test
    public void updatingTheBundleWhileTheGuestPingsKeepsTheNetworkAndTheBackend() throws Exception {
        File images = guestImages("vmlinux", "initramfs.cpio.gz");
        Map<String, List<String>> o = new LinkedHashMap<>();
        o.put("m", List.of("256"));
        o.put("kernel", List.of(new File(images, "vmlinux").getPath()));
        o.put("initrd", List.of(new File(images, "initramfs.cpio.gz").getPath()));
        o.put("append", List.of("console=ttyS0 rdinit=/init guestshell=1"));
        o.put("netdev", List.of("user,id=n0"));
        o.put("device", List.of("virtio-net,netdev=n0,mac=52:54:00:12:34:56"));
        o.put("nographic", List.of(""));
        o.put("no-reboot", List.of(""));
        Bundle net = BundleChecks.bundle(context, BSN);
        try (FrameworkGuest g = new FrameworkGuest(context, o)) {
            assertTrue("the guest's shell came up:\n" + g.console(),
                    g.await(0, "job control turned off", 240_000) > 0);
            assertTrue("the guest configured eth0:\n" + g.console(),
                    g.console().contains("eth0 up, ip 10.0.2.15/24, mac 52:54:00:12:34:56"));
            ServiceReference<NetworkBackend> backend = backend();
            Object backendId = backend.getProperty(Constants.SERVICE_ID);
            Map<String, Long> before = context.getService(backend).counters();
            context.ungetService(backend);

            int at = g.mark();
            g.type("for i in $(seq 1 " + PINGS + "); do if ping 10.0.2.2 > /dev/null; then echo PING-OK-$i;"
                    + " else echo PING-LOST-$i; fi; done; echo \"PINGS\"\"-DONE\"");
            assertTrue("the pings run:\n" + g.console(), g.await(at, "PING-OK-10", 180_000) > 0);
            int swapAt = g.mark();
            long t0 = System.nanoTime();
            net.update();
            long updateMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            FrameworkGuest.awaitSlotRunning(context, "virtio-net", 1);
            System.out.println("\n[hot-swap IT] virtio-net Bundle.update() took " + updateMs + " ms\n" + FrameworkGuest.vmCommand(context, "devices"));
            // And the monitor's live swap (no park: a second instance takes the state and the receiver over).
            assertTrue("the pings go on after the update:\n" + g.console(), g.await(at, "PING-OK-25", 180_000) > 0);
            String swapped = FrameworkGuest.vmCommand(context, "swap", "virtio-net");
            System.out.println("\n[hot-swap IT] vm:swap virtio-net: " + swapped + "\n" + FrameworkGuest.vmCommand(context, "devices"));
            assertTrue("vm:swap swapped the NIC: " + swapped + "\n" + FrameworkGuest.vmCommand(context, "devices"),
                    Pattern.compile("^virtio-net@\\S+.*running.*\\s1\\s+1\\s*$", Pattern.MULTILINE)
                            .matcher(FrameworkGuest.vmCommand(context, "devices")).find());
            assertTrue("the pings end:\n" + g.console(), g.await(at, "PINGS-DONE", 240_000) > 0);

            String out = g.console().substring(at);
            int ok = count(out, "PING-OK-\\d+");
            int lost = count(out, "PING-LOST-\\d+");
            assertEquals("every ping accounted for:\n" + out, PINGS, ok + lost);
            assertTrue("at most what was in flight is lost (" + lost + " pings lost):\n" + out, lost <= 1);
            assertTrue("the update happened while the guest pinged:\n" + out,
                    !g.console().substring(swapAt).contains("PINGS-DONE")
                            || count(g.console().substring(swapAt), "PING-(OK|LOST)-\\d+") > 0);
            for (int i = PINGS - 9; i <= PINGS; i++) {
                assertTrue("ping " + i + " after the swap got its reply:\n" + out, out.contains("PING-OK-" + i + "\n")
                        || out.contains("PING-OK-" + i + "\r"));
            }
            ServiceReference<NetworkBackend> after = backend();
            assertEquals("the backend service was never re-registered", backendId,
                    after.getProperty(Constants.SERVICE_ID));
            Map<String, Long> afterCounters = context.getService(after).counters();
            context.ungetService(after);
            System.out.println("[hot-swap IT] backend counters before " + before + "\n  after " + afterCounters);
            // During the park the old instance stays the backend's receiver, refusing, so the backend holds the
            // frames for the new one: nothing for the guest is dropped.
            assertEquals("frames for the guest dropped by the backend: " + afterCounters,
                    before.getOrDefault(NetworkBackend.RX_DROPPED, 0L),
                    afterCounters.getOrDefault(NetworkBackend.RX_DROPPED, 0L));
            String console = g.console();
            assertFalse("no kernel trouble:\n" + console, console.contains("Oops") || console.contains("NETDEV WATCHDOG"));
        }
    }

    private ServiceReference<NetworkBackend> backend() throws Exception {
        Collection<ServiceReference<NetworkBackend>> refs = context.getServiceReferences(NetworkBackend.class,
                "(" + NetworkBackend.ID_PROPERTY + "=n0)");
        assertEquals("one backend n0", 1, refs.size());
        return refs.iterator().next();
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

}
