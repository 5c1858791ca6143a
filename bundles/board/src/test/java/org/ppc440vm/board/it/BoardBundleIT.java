package org.ppc440vm.board.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.ppc440vm.api.launch.LaunchContract;
import org.ppc440vm.kvm.spi.Hypervisor;
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.testing.PaxOptions;

/**
 * The board inside a real Felix: it resolves against the CPU, TLB and kvm-core bundles, exports nothing, and when
 * the launcher's services appear (registered here as the launcher would) it builds and runs the VM they describe.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class BoardBundleIT {

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        Option[] base = PaxOptions.bundleUnderTest("ppc440-cpu", "tlb", "kvm-core");
        Option[] all = java.util.Arrays.copyOf(base, base.length + 1);
        // the Gogo runtime, for the console's monitor (C-a c) and the vm:* commands
        all[base.length] = CoreOptions.bundle(PaxOptions.classpathJar("org.apache.felix.gogo.runtime-").toURI().toString());
        return all;
    }

    @Test
    public void bundleIsActiveAndExportsNothing() {
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.board", Map.of());
    }

    @Test
    public void monitorCommandsAreRegistered() throws Exception {
        ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(osgi.command.scope=vm)");
        assertNotNull("the vm:* Gogo commands", refs);
        // Several components share the vm scope (VmCommands, DeviceCommands): look at all of them.
        List<String> functions = new ArrayList<>();
        for (ServiceReference<?> r : refs) {
            functions.addAll(java.util.Arrays.asList((String[]) r.getProperty("osgi.command.function")));
        }
        assertTrue(functions.toString(), functions.containsAll(List.of("list", "create", "start", "stats", "pause",
                "resume", "stop", "snapshot", "restore")));
    }

    @Test
    public void theMonitorRunsGogoCommandsIncludingTheVmOnes() throws Exception {
        // MonitorShell lives in a private package: reach it the way the console does, through its interface methods.
        ServiceReference<?>[] refs = context.getAllServiceReferences("org.ppc440vm.board.console.MonitorShell", null);
        assertNotNull("the Gogo monitor shell is registered when the Gogo runtime is there", refs);
        Object shell = context.getService(refs[0]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true);
        java.lang.reflect.Method open = shell.getClass().getMethod("open", PrintStream.class);
        Object session = open.invoke(shell, ps);
        Class<?> sessionType = null;
        for (Class<?> i : session.getClass().getInterfaces()) {
            if (i.getName().endsWith("MonitorShell$Session")) {
                sessionType = i;
            }
        }
        assertNotNull(sessionType);
        java.lang.reflect.Method execute = sessionType.getMethod("execute", String.class);
        execute.invoke(session, "vm:list");
        execute.invoke(session, "nosuchcommand");
        sessionType.getMethod("close").invoke(session);
        String text = out.toString();
        assertTrue(text, text.contains("no virtual machine"));
        assertTrue(text, text.contains("gogo:"));
    }

    /** What the launcher provides, with the stdout captured; the options come last, as they start the launch. */
    private final class Launch {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final List<ServiceRegistration<?>> registrations = new ArrayList<>();

        Launch(Map<String, List<String>> options) {
            register(OutputStream.class, stdout, LaunchContract.ROLE_STDOUT);
            register(InputStream.class, new ByteArrayInputStream(new byte[0]), LaunchContract.ROLE_STDIN);
            register(IntConsumer.class, (IntConsumer) exit::complete, LaunchContract.ROLE_EXIT);
            register(Map.class, options, LaunchContract.ROLE_OPTIONS);
        }

        private <T> void register(Class<T> type, Object service, String role) {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put(LaunchContract.ROLE_PROPERTY, role);
            registrations.add(context.registerService(type.getName(), service, p));
        }

        int status(long seconds) throws Exception {
            return exit.get(seconds, TimeUnit.SECONDS);
        }

        void close() {
            for (ServiceRegistration<?> r : registrations) {
                r.unregister();
            }
        }
    }

    @Test
    public void aBadCommandLineEndsWithStatusTwo() throws Exception {
        PrintStream savedErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        Launch l = new Launch(Map.of("drive", List.of("file=disk.img,format=qcow2")));
        try {
            assertEquals(2, l.status(30));
        } finally {
            System.setErr(savedErr);
            l.close();
        }
        assertTrue(err.toString(), err.toString().contains("format=qcow2 is not supported"));
    }

    @Test
    public void aMissingDiskImageEndsWithStatusOneNamingIt() throws Exception {
        PrintStream savedErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        Launch l = new Launch(Map.of("drive", List.of("file=/nonexistent/ppc440vm-disk.img,if=virtio,format=raw")));
        try {
            assertEquals(1, l.status(30));
        } finally {
            System.setErr(savedErr);
            l.close();
        }
        assertTrue(err.toString(), err.toString().contains("/nonexistent/ppc440vm-disk.img: no such file"));
    }

    @Test
    public void aSubcommandIsLeftToItsOwnBundle() throws Exception {
        Launch l = new Launch(Map.of(LaunchContract.SUBCOMMAND_KEY, List.of("no-such-subcommand"), LaunchContract.ARGS_KEY,
                List.of()));
        try {
            Thread.sleep(500);
            assertFalse("the board did not answer a subcommand", l.exit.isDone());
        } finally {
            l.close();
        }
    }

    @Test
    public void theBuiltInGuestBootsAndPowersOff() throws Exception {
        boolean hypervisor = context.getServiceReference(Hypervisor.class) != null;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        Launch l = new Launch(Map.of("m", List.of("64")));
        int status;
        try {
            status = l.status(120);
        } finally {
            System.setErr(savedErr);
            l.close();
        }
        String console = l.stdout.toString(StandardCharsets.ISO_8859_1);
        if (!hypervisor) {
            // kvm-core without its hypervisor: the launch says so and fails, rather than waiting forever
            assertEquals(err.toString(), 1, status);
            assertTrue(err.toString(), err.toString().contains("no hypervisor"));
            return;
        }
        assertEquals(console + err, 0, status);
        assertTrue(console, console.contains("ppc440vm built-in guest"));
        assertTrue(console, console.contains("/plb/opb/serial@ef600300  ns16550"));
        assertTrue(console, console.contains("RAM 64 MiB"));
        assertTrue(console, console.contains("powering off"));
        assertTrue(err.toString(), err.toString().contains("To boot Linux"));
    }
}
