package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

class MainTest {

    /** A bundle that answers only what the start order looks at: its name and headers. */
    private static Bundle bundle(String symbolicName, String... headers) {
        Hashtable<String, String> h = new Hashtable<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return (Bundle) Proxy.newProxyInstance(MainTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "getSymbolicName":
                            return symbolicName;
                        case "getHeaders":
                            return h;
                        case "toString":
                            return String.valueOf(symbolicName);
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
    }

    private static final String ACTIVATOR = Constants.BUNDLE_ACTIVATOR;
    private static final String COMPONENTS = "Service-Component";

    @Test
    void theVmsBundlesStartFirstAndTheConsoleAndLibrariesLastWithoutFragments() {
        // bundle/ in file-name order, as the launcher installs it.
        List<Bundle> installed = List.of(
                bundle(null), // animal-sniffer: a plain jar, no symbolic name
                bundle("org.ppc440vm.api"),
                bundle("org.ppc440vm.board", COMPONENTS, "OSGI-INF/a.xml"),
                bundle("org.ppc440vm.kvm-core", COMPONENTS, "OSGI-INF/a.xml"),
                bundle("org.ppc440vm.netdev-socket", COMPONENTS, "OSGI-INF/a.xml"),
                bundle("org.apache.felix.configadmin", ACTIVATOR, "x.Activator"),
                bundle("org.apache.felix.fileinstall", ACTIVATOR, "x.Activator"),
                bundle("org.apache.felix.gogo.command", ACTIVATOR, "x.Activator"),
                bundle("org.apache.felix.gogo.runtime", ACTIVATOR, "x.Activator"),
                bundle("org.apache.felix.gogo.shell", ACTIVATOR, "x.Activator"),
                bundle("org.apache.felix.scr", ACTIVATOR, "x.Activator"),
                bundle("org.example.fragment", Constants.FRAGMENT_HOST, "org.ppc440vm.board"),
                bundle("org.example.thirdparty", ACTIVATOR, "x.Activator"),
                bundle("org.osgi.util.promise"),
                bundle("org.ppc440vm.ppc440-cpu", COMPONENTS, "OSGI-INF/a.xml"),
                bundle("org.ppc440vm.tlb", COMPONENTS, "OSGI-INF/a.xml"),
                bundle("org.ppc440vm.virtio-blk", COMPONENTS, "OSGI-INF/a.xml"));
        List<String> order = Main.startOrder(installed).stream().map(String::valueOf).collect(Collectors.toList());
        assertEquals(List.of(
                "org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.gogo.runtime",
                "org.apache.felix.gogo.command", "org.ppc440vm.api", "org.ppc440vm.ppc440-cpu", "org.ppc440vm.tlb",
                "org.ppc440vm.kvm-core", "org.ppc440vm.board",
                // the runtime's other bundles, then the other active bundles, in file-name order
                "org.ppc440vm.netdev-socket", "org.ppc440vm.virtio-blk",
                "org.apache.felix.fileinstall", "org.example.thirdparty",
                // last: the console, and the libraries (a plain jar without a symbolic name among them)
                "org.apache.felix.gogo.shell", "null", "org.osgi.util.promise"), order);
    }

    @Test
    void eachRunGetsAFreshCacheDirectory() throws Exception {
        Path a = Main.createTempCache();
        Path b = Main.createTempCache();
        try {
            assertNotEquals(a, b);
            assertTrue(Files.isDirectory(a) && Files.isDirectory(b));
            assertTrue(a.getFileName().toString().startsWith("ppc440vm-felix-"), a.toString());
            assertEquals(Path.of(System.getProperty("java.io.tmpdir")).toRealPath(), a.getParent().toRealPath());
        } finally {
            Files.deleteIfExists(a);
            Files.deleteIfExists(b);
        }
    }

    @Test
    void startupPhasesRecordedBeforeTheClockIsKnownStillPrint() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Main.StartupClock.record("phase one", System.currentTimeMillis());
            Main.StartupClock.flush();
            Main.StartupClock.record("phase two", System.currentTimeMillis());
        } finally {
            System.setErr(saved);
        }
        String out = err.toString(StandardCharsets.UTF_8);
        assertTrue(out.matches("(?s)ppc440vm startup: \\d+ ms phase one\\R.*ppc440vm startup: \\d+ ms phase two\\R"),
                out);
    }
}
