package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled runtime (target/ppc440vm), started as the user starts it: a separate JVM running the launcher.
 * Checks the contract of ./ppc440vm: --version and errors answer before Felix starts, stdout stays the guest's,
 * every bundle starts, and a bundle dropped into the hot-deploy folder becomes active.
 */
class RuntimeIT {
    private static final File DIST = new File(System.getProperty("ppc440vm.dist", "target/ppc440vm"));
    private static final String JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64";

    /** A running launcher process with its output collected on background threads. */
    static final class Launched implements AutoCloseable {
        final Process process;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        Launched(String javaHome, File workDir, String... args) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaHome + "/bin/java");
            cmd.add("-cp");
            cmd.add(new File(DIST, "lib").getAbsolutePath() + File.separator + "*");
            cmd.add("org.ppc440vm.launcher.Main");
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).directory(workDir).start();
            pump(process.getInputStream(), out);
            pump(process.getErrorStream(), err);
        }

        private static void pump(InputStream in, ByteArrayOutputStream sink) {
            Thread t = new Thread(() -> {
                byte[] b = new byte[4096];
                try {
                    for (int n; (n = in.read(b)) > 0;) {
                        synchronized (sink) {
                            sink.write(b, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // process ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        String out() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        String err() {
            synchronized (err) {
                return err.toString(StandardCharsets.UTF_8);
            }
        }

        void send(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        int waitFor(long seconds) throws InterruptedException {
            assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "launcher ended within " + seconds + " s; stderr:\n" + err());
            return process.exitValue();
        }

        /** Waits until {@code text} appears in stdout or stderr. */
        void await(String text, boolean onStdout, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!(onStdout ? out() : err()).contains(text)) {
                assertTrue(System.nanoTime() < deadline, "no '" + text + "' within " + seconds + " s; stdout:\n" + out()
                        + "\nstderr:\n" + err());
                Thread.sleep(50);
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @Test
    void versionAndHelpAnswerOnStdout(@TempDir File work) throws Exception {
        try (Launched l = new Launched(System.getProperty("java.home"), work, "--version")) {
            assertEquals(0, l.waitFor(30));
            assertTrue(l.out().startsWith("ppc440vm " + System.getProperty("ppc440vm.version", "")), l.out());
        }
        try (Launched l = new Launched(System.getProperty("java.home"), work, "--help")) {
            assertEquals(0, l.waitFor(30));
            assertTrue(l.out().contains("-kernel FILE") && l.out().contains("ppc440vm disasm"), l.out());
        }
    }

    @Test
    void anUnknownOptionIsAClearErrorWithStatus2AndNothingOnStdout(@TempDir File work) throws Exception {
        try (Launched l = new Launched(System.getProperty("java.home"), work, "-frobnicate")) {
            assertEquals(2, l.waitFor(30));
            assertEquals("", l.out());
            assertTrue(l.err().contains("unknown option '-frobnicate'"), l.err());
        }
    }

    @Test
    void withNoOptionsTheBuiltInGuestBootsPrintsOnStdoutAndExits(@TempDir File work) throws Exception {
        try (Launched l = new Launched(System.getProperty("java.home"), work)) {
            assertEquals(0, l.waitFor(120));
            assertTrue(l.out().contains("ppc440vm"), "the built-in guest's banner is on stdout:\n" + l.out());
            assertTrue(l.out().contains("ns16550"), "the guest lists the UART it found in the device tree:\n" + l.out());
            assertTrue(l.err().contains("-kernel"), "stderr says how to boot Linux:\n" + l.err());
        }
    }

    @Test
    void machineNoneRunsTheRuntimeAloneAndKeepsStdoutForTheGuest(@TempDir File work) throws Exception {
        try (Launched l = new Launched(System.getProperty("java.home"), work, "-M", "none", "-deploy", "hot")) {
            l.await("runtime up", false, 60);
            assertTrue(new File(work, "hot").isDirectory(), "the hot-deploy folder is created");
            Thread.sleep(1000); // give FileInstall and SCR a chance to say anything
            assertEquals("", l.out(), "nothing but the guest may write to stdout");
        }
    }

    @Test
    void aBundleDroppedIntoTheDeployFolderBecomesActive(@TempDir File work) throws Exception {
        File deploy = new File(work, "deploy");
        try (Launched l = new Launched(System.getProperty("java.home"), work, "-M", "none", "-monitor", "stdio", "-cache",
                new File(work, "cache").getPath())) {
            l.await("runtime up", false, 60);
            writeBundle(new File(deploy, "hello.jar").toPath(), "org.ppc440vm.itest.hello");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String listing = "";
            while (!listing.contains("Active")) {
                assertTrue(System.nanoTime() < deadline, "hello bundle never became Active; last listing:\n" + l.out());
                Thread.sleep(500);
                int mark = l.out().length();
                l.send("lb -s org.ppc440vm.itest.hello");
                Thread.sleep(300);
                listing = l.out().substring(mark).lines().filter(s -> s.contains("org.ppc440vm.itest.hello"))
                        .findFirst().orElse("");
            }
            assertTrue(listing.contains("org.ppc440vm.itest.hello (1.0.0)"), listing);
            l.send("felix:stop 0"); // unscoped "stop" is the board's vm:stop
            assertEquals(0, l.waitFor(30));
        }
        assertTrue(new File(work, "cache").isDirectory(), "-cache DIR is used as the Felix cache");
    }

    @Test
    void theRuntimeAlsoRunsOnJdk25(@TempDir File work) throws Exception {
        assumeTrue(new File(JDK25, "bin/java").canExecute(), "no JDK 25 at " + JDK25);
        try (Launched l = new Launched(JDK25, work, "--version")) {
            assertEquals(0, l.waitFor(30));
            assertTrue(l.out().contains("Java 25"), l.out());
        }
        try (Launched l = new Launched(JDK25, work, "-M", "none", "-deploy", "hot")) {
            l.await("runtime up", false, 60);
            assertEquals("", l.out());
        }
    }

    static void writeBundle(Path jar, String symbolicName) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", "1.0.0");
        Path tmp = jar.getParent().resolveSibling(jar.getFileName() + ".tmp"); // outside the watched folder
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp), m)) {
            out.flush();
        }
        Files.move(tmp, jar); // appear whole, so FileInstall never reads a half-written jar
    }
}
