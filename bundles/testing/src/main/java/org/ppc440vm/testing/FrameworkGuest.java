package org.ppc440vm.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.ppc440vm.api.launch.LaunchContract;

/**
 * Boots a guest inside the test's own framework, the way {@code ./ppc440vm} does it but without the launcher: it
 * registers the launcher's services ({@link LaunchContract}: the parsed options, the guest console's stdout and
 * stdin, the exit hook), and the board's VmLauncher, which waits for them, builds and starts the VM. The console is
 * captured here; lines typed with {@link #type} reach the guest's UART. {@link #close} unregisters the services,
 * which stops the VM.
 *
 * <p>Used from Pax Exam tests (inside the framework), with the board, kvm-core, tlb, ppc440-cpu, virtio and netdev
 * bundles installed.
 */
public final class FrameworkGuest implements AutoCloseable {
    private final StringBuilder console = new StringBuilder();
    private final Keyboard keyboard = new Keyboard();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private volatile Integer exitStatus;

    /**
     * Registers the launcher's services for {@code options} (option name without the dash → its values, as the
     * launcher's command-line parser makes them; "@order" is added from the map's order when absent).
     */
    public FrameworkGuest(BundleContext context, Map<String, List<String>> options) {
        Map<String, List<String>> o = new LinkedHashMap<>(options);
        if (!o.containsKey(LaunchContract.ORDER_KEY)) {
            List<String> order = new ArrayList<>();
            for (Map.Entry<String, List<String>> e : options.entrySet()) {
                for (int i = 0; i < e.getValue().size(); i++) {
                    order.add(e.getKey());
                }
            }
            o.put(LaunchContract.ORDER_KEY, order);
        }
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                String s = new String(b, off, len, StandardCharsets.ISO_8859_1);
                synchronized (console) {
                    console.append(s);
                    console.notifyAll();
                }
                // Also to this JVM's stdout, which failsafe keeps in the test's output file: a failure's context.
                System.out.print(s);
            }
        };
        IntConsumer exit = status -> {
            exitStatus = status;
            synchronized (console) {
                console.notifyAll();
            }
        };
        // The options last: the VmLauncher re-activates on each launch service and boots once it sees the options,
        // by which time the streams and the exit hook are bound.
        registrations.add(context.registerService(OutputStream.class, out, role(LaunchContract.ROLE_STDOUT)));
        registrations.add(context.registerService(InputStream.class, keyboard, role(LaunchContract.ROLE_STDIN)));
        registrations.add(context.registerService(IntConsumer.class, exit, role(LaunchContract.ROLE_EXIT)));
        registrations.add(context.registerService(Map.class, o, role(LaunchContract.ROLE_OPTIONS)));
    }

    private static Hashtable<String, Object> role(String role) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(LaunchContract.ROLE_PROPERTY, role);
        return p;
    }

    /** Everything the guest wrote to its console so far. */
    public String console() {
        synchronized (console) {
            return console.toString();
        }
    }

    /** The status the VM ended with, or null while it runs. */
    public Integer exitStatus() {
        return exitStatus;
    }

    /**
     * Waits until {@code text} appears in the console at or after position {@code from}; returns the position just
     * after it, or -1 on timeout or when the VM ended first.
     */
    public int await(int from, String text, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (console) {
            while (true) {
                int i = console.indexOf(text, from);
                if (i >= 0) {
                    return i + text.length();
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || exitStatus != null) {
                    return -1;
                }
                console.wait(Math.min(left, 200));
            }
        }
    }

    /** The console's length now: a position to {@link #await} from. */
    public int mark() {
        synchronized (console) {
            return console.length();
        }
    }

    /** Types {@code line} and Enter on the guest's console. */
    public void type(String line) {
        keyboard.add((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Unregisters the launcher's services: the VM stops. */
    @Override
    public void close() {
        for (int i = registrations.size() - 1; i >= 0; i--) {
            try {
                registrations.get(i).unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        }
        registrations.clear();
        keyboard.close();
    }

    /**
     * Where the reference Linux guest images are: {@code PPC440VM_GUEST_DIR}, else {@code ../shared/guest} beside the
     * project root, else {@code ~/.cache/ppc440vm/guest} (or {@code PPC440VM_GUEST_CACHE}), the same rules as the
     * distribution's tests; null when none of them has all of {@code files}.
     */
    public static File findGuestImages(String... files) {
        for (File dir : guestImageDirs()) {
            boolean all = true;
            for (String f : files) {
                all &= new File(dir, f).isFile();
            }
            if (all) {
                return dir;
            }
        }
        return null;
    }

    /** Why {@link #findGuestImages} found nothing, and how to get the images. */
    public static String missingGuestImages(String... files) {
        return "the reference Linux guest images (" + String.join(", ", files) + ") were not found in "
                + guestImageDirs() + "; set PPC440VM_GUEST_DIR, or build them with guest/build-images.sh";
    }

    private static List<File> guestImageDirs() {
        List<File> candidates = new ArrayList<>();
        String env = System.getenv("PPC440VM_GUEST_DIR");
        if (env != null && !env.isEmpty()) {
            candidates.add(new File(env));
        }
        candidates.add(new File(System.getProperty("ppc440vm.root", ".."), "../shared/guest"));
        String cache = System.getenv("PPC440VM_GUEST_CACHE");
        candidates.add(cache != null ? new File(cache)
                : new File(System.getProperty("user.home"), ".cache/ppc440vm/guest"));
        return candidates;
    }

    /** Unpacks a {@code .gz} image (the guest's disk) to {@code target}, a fresh writable copy. */
    public static Path gunzip(File gz, Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz.toPath()))) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** The guest console's input: what {@link #type} queued, handed out as the console thread reads. */
    private static final class Keyboard extends InputStream {
        private final ArrayDeque<Byte> pending = new ArrayDeque<>();
        private boolean closed;

        synchronized void add(byte[] b) {
            for (byte x : b) {
                pending.add(x);
            }
            notifyAll();
        }

        @Override
        public synchronized void close() {
            closed = true;
            notifyAll();
        }

        @Override
        public synchronized int available() {
            return pending.size();
        }

        @Override
        public synchronized int read() throws IOException {
            while (pending.isEmpty()) {
                if (closed) {
                    return -1;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("console input interrupted");
                }
            }
            return pending.poll() & 0xFF;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int first = read();
            if (first < 0) {
                return -1;
            }
            b[off] = (byte) first;
            int n = 1;
            while (n < len && !pending.isEmpty()) {
                b[off + n++] = pending.poll();
            }
            return n;
        }
    }

    /**
     * A {@code vm:*} monitor command, called on its Gogo command service (the board does not export the command
     * classes, so by reflection); "(no vm:FUNCTION command)" when no such command is registered.
     */
    public static String vmCommand(BundleContext context, String function, String... args) throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences((String) null,
                "(&(osgi.command.scope=vm)(osgi.command.function=" + function + "))");
        if (refs == null) {
            return "(no vm:" + function + " command)";
        }
        Object commands = context.getService(refs[0]);
        try {
            Class<?>[] types = new Class<?>[args.length];
            java.util.Arrays.fill(types, String.class);
            java.lang.reflect.Method m = commands.getClass().getMethod(function, types);
            return String.valueOf(m.invoke(commands, (Object[]) args));
        } finally {
            context.ungetService(refs[0]);
        }
    }

    /**
     * Waits up to 20 s until {@code vm:devices} shows the slot of device {@code type} running after at least
     * {@code parks} parks; throws AssertionError with the last table otherwise.
     */
    public static void awaitSlotRunning(BundleContext context, String type, int parks) throws Exception {
        Pattern row = Pattern.compile("^" + Pattern.quote(type) + "@\\S+\\s+" + Pattern.quote(type)
                + "\\s+\\S+\\s+\\S+\\s+(\\S+)\\s.*?(\\d+)\\s+(\\d+)\\s*$", Pattern.MULTILINE);
        long deadline = System.currentTimeMillis() + 20_000;
        String table = "";
        while (System.currentTimeMillis() < deadline) {
            table = vmCommand(context, "devices");
            Matcher m = row.matcher(table);
            if (m.find() && m.group(1).equals("running") && Integer.parseInt(m.group(3)) >= parks) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the " + type + " slot did not run again after park " + parks + ":\n" + table);
    }
}
