package org.ppc440vm.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
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
            long start = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            System.err.println("ppc440vm startup: " + (System.currentTimeMillis() - start) + " ms " + phase);
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
        boolean monitorOnStdio = "stdio".equals(cl.value("monitor"));
        System.setOut(monitorOnStdio ? realOut : System.err);

        File distDir = distributionDir();
        File[] jars = new File(distDir, "bundle").listFiles((d, n) -> n.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            throw new IOException("no bundles in " + new File(distDir, "bundle") + ": rebuild with 'mvn -DskipTests package'");
        }
        Arrays.sort(jars, Comparator.comparing(File::getName));

        boolean tempCache = !cl.has("cache");
        File cache = tempCache ? Files.createTempDirectory("ppc440vm-felix-").toFile() : new File(cl.value("cache"));
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

        List<Bundle> installed = new ArrayList<>();
        for (File jar : jars) {
            installed.add(ctx.installBundle(jar.toURI().toString()));
        }
        trace("bundles installed");
        framework.start();
        trace("framework started");
        List<String> failures = new ArrayList<>();
        int started = 0;
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            try {
                b.start();
                started++;
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
