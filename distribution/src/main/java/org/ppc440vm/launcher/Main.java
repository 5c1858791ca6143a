package org.ppc440vm.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * {@code ./ppc440vm}: parses the command line, starts Apache Felix with the runtime's bundles, and hands the
 * options and the process's real standard streams to them as services (see org.ppc440vm.api.launch.LaunchContract;
 * only JDK types cross, because this class lives outside the framework).
 *
 * <p>stdout belongs to the guest (or to the program under {@code user}): before anything else starts, System.out is
 * pointed at stderr, so framework, FileInstall and log chatter can never reach it.
 */
public final class Main {
    // Mirrors of LaunchContract's constants (the launcher does not link against bundles).
    static final String ROLE = "ppc440vm.launch.role";
    static final String SUBCOMMAND_KEY = "@subcommand";
    static final String ARGS_KEY = "@args";
    static final String ORDER_KEY = "@order";

    private Main() {
    }

    /**
     * -Dppc440vm.trace.startup=true (or PPC440VM_TRACE_STARTUP=1): prints, on stderr, milliseconds since the JVM
     * started at each launcher phase, so start-up time can be split into JVM, Felix and bundle activation.
     * (The JVM's own start time: the process start time Linux reports is rounded to whole seconds of boot time.)
     */
    private static final boolean TRACE = Boolean.getBoolean("ppc440vm.trace.startup")
            || System.getenv("PPC440VM_TRACE_STARTUP") != null;

    static void trace(String phase) {
        if (TRACE) {
            StartupClock.record(phase, System.currentTimeMillis());
        }
    }

    /**
     * Asking the JVM for its start time (java.lang.management) loads and initialises the platform MXBeans, which
     * took 15-25 ms on the build machine: done on the launcher's thread, the trace itself would delay every phase it
     * measures. So the first phase starts a thread that asks, the phases recorded until it answers wait in a list,
     * and the later ones print at once.
     */
    static final class StartupClock {
        private static final Object LOCK = new Object();
        private static final List<Object[]> PENDING = new ArrayList<>();
        private static long jvmStart = -1;
        private static Thread asking;

        static void record(String phase, long nowMillis) {
            synchronized (LOCK) {
                if (jvmStart >= 0) {
                    print(phase, nowMillis);
                    return;
                }
                PENDING.add(new Object[] {phase, nowMillis});
                if (asking == null) {
                    asking = new Thread(StartupClock::ask, "ppc440vm-startup-trace");
                    asking.setDaemon(true);
                    asking.start();
                }
            }
        }

        private static void ask() {
            long start = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            synchronized (LOCK) {
                jvmStart = start;
                for (Object[] p : PENDING) {
                    print((String) p[0], (Long) p[1]);
                }
                PENDING.clear();
            }
        }

        private static void print(String phase, long nowMillis) {
            System.err.println("ppc440vm startup: " + (nowMillis - jvmStart) + " ms " + phase);
        }

        /** Before exiting: the phases still waiting for the start time get printed. */
        static void flush() {
            Thread t;
            synchronized (LOCK) {
                t = asking;
            }
            if (t != null) {
                try {
                    t.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    public static void main(String[] args) {
        trace("launcher main");
        PrintStream realOut = System.out;
        InputStream realIn = System.in;
        int status;
        try {
            status = run(args, realOut, realIn);
        } catch (CommandLine.UsageException e) {
            System.err.println("ppc440vm: " + e.getMessage());
            System.err.println("Try './ppc440vm --help'.");
            status = 2;
        } catch (Exception e) {
            System.err.println("ppc440vm: " + e);
            status = 1;
        }
        realOut.flush();
        if (TRACE) { // only then is the class loaded: nothing is loaded from the jar this late otherwise
            StartupClock.flush();
        }
        System.exit(status);
    }

    static int run(String[] args, PrintStream realOut, InputStream realIn) throws Exception {
        CommandLine cl = CommandLine.parse(args);
        Properties v = versionInfo();
        if (cl.version) {
            realOut.println("ppc440vm " + v.getProperty("version") + " (PowerPC 440 on Apache Felix "
                    + v.getProperty("felix") + ", Java " + System.getProperty("java.version") + ")");
            return 0;
        }
        if (cl.help) {
            realOut.print(CommandLine.help());
            return 0;
        }
        Warmup.start();
        boolean monitorOnStdio = "stdio".equals(cl.value("monitor"));
        System.setOut(monitorOnStdio ? realOut : System.err);

        File distDir = distributionDir();
        File[] jars = new File(distDir, "bundle").listFiles((d, n) -> n.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            throw new IOException("no bundles in " + new File(distDir, "bundle") + ": rebuild with 'mvn -DskipTests package'");
        }
        Arrays.sort(jars, Comparator.comparing(File::getName));

        boolean tempCache = !cl.has("cache");
        File cache = tempCache ? createTempCache().toFile() : new File(cl.value("cache"));
        File deploy = new File(cl.has("deploy") ? cl.value("deploy") : "deploy").getAbsoluteFile();
        if (!deploy.isDirectory() && !deploy.mkdirs()) {
            throw new IOException("cannot create the hot-deploy folder " + deploy);
        }

        Map<String, String> fw = new HashMap<>();
        fw.put(Constants.FRAMEWORK_STORAGE, cache.getAbsolutePath());
        fw.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        fw.put("felix.log.level", "1");
        fw.put("ppc440vm.version", v.getProperty("version"));
        fw.put("felix.fileinstall.dir", deploy.getPath());
        fw.put("felix.fileinstall.poll", "500");
        fw.put("felix.fileinstall.noInitialDelay", "true");
        fw.put("felix.fileinstall.log.level", "2");
        fw.put("felix.fileinstall.bundles.new.start", "true");
        // Gogo's own console only when the user asked for the monitor on the terminal; never on the guest's stdout.
        fw.put("gosh.args", monitorOnStdio ? "--noshutdown" : "--nointeractive");
        fw.put("gosh.home", cache.getAbsolutePath());

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework framework = factory.newFramework(fw);
        framework.init();
        trace("framework initialised");
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread hook = new Thread(() -> {
            exit.complete(130);
            stopQuietly(framework);
            if (tempCache) {
                deleteTree(cache.toPath());
            }
        }, "ppc440vm-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        BundleContext ctx = framework.getBundleContext();
        register(ctx, Map.class.getName(), optionsMap(cl), "options");
        register(ctx, OutputStream.class.getName(), realOut, "stdout");
        register(ctx, InputStream.class.getName(), realIn, "stdin");
        register(ctx, IntConsumer.class.getName(), (IntConsumer) exit::complete, "exit");

        // Felix copies each jar into its cache: installing by reference ("reference:" locations) saved only about
        // 10 ms here (issue 9), and a rebuild overwrites bundle/'s jars in place, under a runtime using them.
        List<Bundle> installed = new ArrayList<>();
        for (File jar : jars) {
            installed.add(ctx.installBundle(jar.toURI().toString()));
        }
        trace("bundles installed");
        framework.start();
        trace("framework started");
        // One resolve of everything before any start: the wiring (optional imports such as SCR's and the board's
        // of Gogo included) cannot depend on the start order below.
        framework.adapt(FrameworkWiring.class).resolveBundles(installed);
        List<String> failures = new ArrayList<>();
        for (Bundle b : startOrder(installed)) {
            try {
                b.start();
            } catch (BundleException e) {
                failures.add(b.getSymbolicName() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new BundleException("bundles failed to start:\n  " + String.join("\n  ", failures));
        }
        trace("bundles started");

        int status;
        if (cl.subcommand != null) {
            status = exit.get(); // the bundle serving the subcommand completes it
        } else {
            // The board bundle boots the guest and completes the exit status when the run ends.
            status = waitForExitOrFrameworkStop(framework, exit);
        }
        stopQuietly(framework);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            return status;
        }
        if (tempCache) {
            deleteTree(cache.toPath());
        }
        return status;
    }

    static final String BOARD = "org.ppc440vm.board";
    /**
     * What the command line's VM needs, in start order, ahead of everything else: with SCR up, each bundle's
     * components activate as it starts, and the board's VmLauncher starts building the VM as soon as the board
     * starts, with the hypervisor (cpu, tlb, kvm-core) already registered. Config Admin makes the VM's device
     * configurations. Gogo's runtime and commands come before the board because the board's monitor (-monitor,
     * C-a c) runs commands from its first connection, as it did when the start order was the file names'.
     */
    static final List<String> BOOT_PATH = List.of("org.apache.felix.scr", "org.apache.felix.configadmin",
            "org.apache.felix.gogo.runtime", "org.apache.felix.gogo.command", "org.ppc440vm.api",
            "org.ppc440vm.ppc440-cpu", "org.ppc440vm.tlb", "org.ppc440vm.kvm-core", BOARD);
    /** Not needed to build or run a VM: started last (the Gogo console; -monitor needs only runtime and commands). */
    static final List<String> LATE = List.of("org.apache.felix.gogo.shell");

    /**
     * Start order: {@link #BOOT_PATH} in its order; the runtime's other bundles (devices, network backends: the
     * VM waits for those it is configured with); other bundles with an activator or components (FileInstall: the
     * hot-deploy folder goes live while the VM is being built; whatever else is in bundle/); then {@link #LATE}
     * and the bundles that only export packages (starting those does nothing: they are resolved already). Within
     * a tier, file-name order. Measured for issue 9 on the 2-core build machine against file-name order (same
     * launcher otherwise): hypervisor found about 50 ms earlier, images read about 30 ms earlier.
     */
    static int startTier(Bundle b) {
        String name = b.getSymbolicName();
        int i = name == null ? -1 : BOOT_PATH.indexOf(name);
        if (i >= 0) {
            return i;
        }
        if (name != null && name.startsWith("org.ppc440vm.")) {
            return 20;
        }
        if (name != null && LATE.contains(name)) {
            return 40;
        }
        Dictionary<String, String> h = b.getHeaders("");
        if (h.get(Constants.BUNDLE_ACTIVATOR) == null && h.get("Service-Component") == null) {
            return 50; // a library
        }
        return 30;
    }

    /** The bundles to start, fragments left out, in {@link #startTier} order (stable: file names within a tier). */
    static List<Bundle> startOrder(List<Bundle> installed) {
        List<Bundle> l = new ArrayList<>();
        for (Bundle b : installed) {
            if (b.getHeaders("").get(Constants.FRAGMENT_HOST) == null) {
                l.add(b);
            }
        }
        l.sort(Comparator.comparingInt(Main::startTier));
        return l;
    }

    /**
     * Class set-up that start-up needs later, done early on another core: Felix's utility class (its static
     * initialiser reads Felix's default properties and maps the JDK's modules, which the framework's constructor
     * then waits for) and the JDK's XML parser, which SCR sets up when the first bundle with components starts,
     * on the path to the VM. Only classes get loaded and initialised: no state, no property, nothing shared
     * changes, and the launcher never waits for it (a failure only means that work is done on first use).
     */
    static final class Warmup {
        static void start() {
            Thread t = new Thread(Warmup::run, "ppc440vm-warmup");
            t.setDaemon(true);
            t.start();
        }

        private static void run() {
            try {
                Class.forName("org.apache.felix.framework.util.Util", true, Main.class.getClassLoader());
                javax.xml.parsers.SAXParserFactory f = javax.xml.parsers.SAXParserFactory.newInstance();
                f.setNamespaceAware(true);
                f.newSAXParser().parse(new java.io.ByteArrayInputStream(WARMUP_XML),
                        new org.xml.sax.helpers.DefaultHandler());
            } catch (Exception | LinkageError e) {
                // nothing lost but the head start
            }
        }

        /** A component description like those SCR reads. */
        private static final byte[] WARMUP_XML = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"w\" immediate=\"true\">"
                + "<service><provide interface=\"java.lang.Runnable\"/></service>"
                + "<reference name=\"r\" cardinality=\"0..1\" policy=\"dynamic\" interface=\"java.lang.Object\"/>"
                + "<implementation class=\"w.W\"/></scr:component>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Waits until a bundle asks for an exit, or someone (Gogo's 'stop 0', a shutdown) stops the framework. */
    private static int waitForExitOrFrameworkStop(Framework framework, CompletableFuture<Integer> exit)
            throws Exception {
        Thread waiter = new Thread(() -> {
            try {
                FrameworkEvent e = framework.waitForStop(0);
                exit.complete(e.getType() == FrameworkEvent.ERROR ? 1 : 0);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "ppc440vm-framework-waiter");
        waiter.setDaemon(true);
        waiter.start();
        return exit.get();
    }

    static Map<String, List<String>> optionsMap(CommandLine cl) {
        Map<String, List<String>> m = new HashMap<>(cl.options);
        m.put(ORDER_KEY, List.copyOf(cl.order));
        if (cl.subcommand != null) {
            m.put(SUBCOMMAND_KEY, List.of(cl.subcommand));
            m.put(ARGS_KEY, List.copyOf(cl.subcommandArgs));
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    private static void register(BundleContext ctx, String type, Object service, String role) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ROLE, role);
        ctx.registerService(type, service, props);
    }

    private static void stopQuietly(Framework framework) {
        try {
            if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                framework.stop();
                framework.waitForStop(10_000);
            }
        } catch (Exception e) {
            System.err.println("ppc440vm: stopping the framework: " + e);
        }
    }

    /**
     * A fresh directory under java.io.tmpdir for the Felix cache. Files.createTempDirectory names it from a
     * SecureRandom whose set-up (provider lookup, seeding) cost about 10 ms of start-up here and was used for
     * nothing else; a name from the process id and the clock is as unique among our runs, and createDirectory
     * refuses a name that is already there (a planted symbolic link included). (Felix then empties and re-creates
     * it on its first init, as it did the old one.)
     */
    static Path createTempCache() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String prefix = "ppc440vm-felix-" + ProcessHandle.current().pid() + "-";
        long n = System.nanoTime();
        try {
            FileAttribute<Set<PosixFilePermission>> owner =
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
            for (int i = 0; i < 16; i++) {
                try {
                    return Files.createDirectory(tmp.resolve(prefix + Long.toHexString(n + i)), owner);
                } catch (FileAlreadyExistsException taken) {
                    // try the next name
                }
            }
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: the JDK's way below
        }
        return Files.createTempDirectory("ppc440vm-felix-");
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }

    private static Properties versionInfo() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return p;
    }

    /** The runtime directory: the parent of lib/ that holds this launcher's jar. */
    static File distributionDir() throws IOException {
        String override = System.getProperty("ppc440vm.dist");
        if (override != null) {
            return new File(override);
        }
        try {
            File jar = new File(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParentFile().getParentFile();
        } catch (Exception e) {
            throw new IOException("cannot locate the runtime directory", e);
        }
    }

}
