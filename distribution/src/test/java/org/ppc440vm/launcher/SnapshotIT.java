package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole-machine snapshot and restore across processes: the reference guest is paused in the middle of its CPU
 * workload and saved through the TCP monitor ({@code vm:snapshot}); a new launcher process built from the same options
 * with {@code -loadvm} continues from there. It must not boot again (no second GUEST-INIT-START), must compute the
 * remaining RESULT lines right (the ones before the snapshot came from the first process), reach GUEST-INIT-DONE and
 * end with status 0.
 */
class SnapshotIT {

    private static List<String> guestOptions(File images) {
        return List.of("-M", "bamboo", "-m", "256", "-nographic", "-no-reboot", "-kernel",
                new File(images, "vmlinux").getPath(), "-initrd", new File(images, "initramfs.cpio.gz").getPath(),
                "-append", "console=ttyS0 rdinit=/init guestexit=reboot");
    }

    /** What the two runs printed: the first up to its pause for the snapshot, the second all of it. */
    private static final class Runs {
        String before;
        String after;
        String afterErr;
        int status;
    }

    /**
     * Runs the guest with {@code options} until {@code marker} is on its console, pauses it and saves it through the
     * monitor, kills that process, and runs a new one from the snapshot to its end.
     */
    private static Runs snapshotAt(File work, List<String> options, String marker) throws Exception {
        return snapshotAt(work, options, marker, false);
    }

    /** {@code initStartsAfter}: the snapshot is taken before init runs, so the restored guest prints GUEST-INIT-START. */
    private static Runs snapshotAt(File work, List<String> options, String marker, boolean initStartsAfter)
            throws Exception {
        File snapshot = new File(work, "guest.snap");
        int port = freePort();
        Runs r = new Runs();
        try (RuntimeIT.Launched first = launch(work, options, "-monitor", "tcp:127.0.0.1:" + port + ",server=on,wait=off")) {
            first.await(marker, true, 600);
            try (Monitor monitor = Monitor.connect(port, first)) {
                String paused = monitor.command("vm:pause");
                assertTrue(paused.toLowerCase().contains("paused"), paused);
                Thread.sleep(500); // what the guest printed before the pause reaches our pipe
                r.before = first.out();
                String saved = monitor.command("vm:snapshot " + snapshot.getAbsolutePath());
                assertTrue(saved.contains("saved to"), "vm:snapshot answered: " + saved + "\nstderr:\n" + first.err());
            }
        }
        assertTrue(snapshot.isFile() && snapshot.length() > 0, "the snapshot file was written");
        assertFalse(new File(work, "guest.snap.tmp").exists(), "no temporary file is left behind");
        List<String> again = new ArrayList<>(options);
        again.add("-loadvm");
        again.add(snapshot.getAbsolutePath());
        long t0 = System.nanoTime();
        try (RuntimeIT.Launched second = launch(work, again)) {
            r.status = second.waitFor(600);
            r.after = second.out();
            r.afterErr = second.err();
        }
        System.err.printf("SnapshotIT: snapshot of %d bytes at '%s'; the restored run took %.1f s%n",
                snapshot.length(), marker, (System.nanoTime() - t0) / 1e9);
        if (!initStartsAfter) {
            assertFalse(r.after.contains("GUEST-INIT-START"), "the restored guest does not boot again:\n" + r.after);
        }
        assertFalse(r.after.contains("Linux version"), r.after);
        assertTrue(r.after.contains("GUEST-INIT-DONE"), r.after);
        assertEquals(0, r.status, "stderr:\n" + r.afterErr);
        return r;
    }

    @Test
    void theGuestSavedInTheMiddleOfItsWorkloadFinishesItInANewProcess(@TempDir File work) throws Exception {
        File images = GuestImages.require("vmlinux", "initramfs.cpio.gz");
        Runs r = snapshotAt(work, guestOptions(images), "== CPU workload ==");
        List<String> resultsBefore = results(r.before);
        int k = resultsBefore.size();
        assertEquals(LinuxBootIT.EXPECTED_RESULTS.subList(0, k), resultsBefore, r.before);
        assertTrue(k < LinuxBootIT.EXPECTED_RESULTS.size(), "the snapshot was taken before the workload ended:\n"
                + r.before);
        assertEquals(LinuxBootIT.EXPECTED_RESULTS.subList(k, LinuxBootIT.EXPECTED_RESULTS.size()),
                results(r.after), "the RESULT lines after the snapshot; console:\n" + r.after);
    }

    /**
     * With a virtio-blk disk and a virtio-net NIC, saved before the guest touches them: the restored devices (their
     * queues, the guest's driver state in RAM) serve the disk reads, the sector-8 write test and the mount, and
     * bring eth0 up, as in a plain boot (VirtioBootIT's lines); the disk image is unchanged at the end.
     */
    @Test
    void theDevicesOfARestoredGuestServeItsDiskAndNetwork(@TempDir File work) throws Exception {
        File images = GuestImages.require("vmlinux", "initramfs.cpio.gz", "disk.ext2.gz");
        byte[] original;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(new File(images, "disk.ext2.gz").toPath()))) {
            original = in.readAllBytes();
        }
        Path disk = work.toPath().resolve("disk.ext2");
        Files.write(disk, original);
        List<String> options = new ArrayList<>(guestOptions(images));
        options.addAll(List.of("-drive", "file=" + disk + ",if=virtio,format=raw", "-netdev", "user,id=n0",
                "-device", "virtio-net,netdev=n0,mac=52:54:00:12:34:56"));
        // Saved once the kernel has probed the disk (its queues live in guest RAM and in the device state), well before
        // init tests it: with the block compiler the guest runs from GUEST-INIT-START to the disk test faster than a
        // pause requested on seeing that line takes effect.
        Runs r = snapshotAt(work, options, "virtio_blk virtio0: [vda]", true);
        assertFalse(r.before.contains("GUEST-INIT-START"), "saved before init:\n" + r.before);
        assertFalse(r.before.contains("== block device /dev/vda =="), "saved before the disk test:\n" + r.before);
        for (String line : List.of("vda size: 16777216 bytes",
                "vda sector0 crc32=b2aa7578 bytesum=0 "
                        + "sha256=076a27c79e5ace2a3d47f9dd2e83e4ff6ea8872b3c2218f66c92b89b55f36560",
                "vda first4k crc32=809a9831", "vda block8 write/readback: OK", "vda block8 restore: OK",
                "Hello from the PPC440 virtio-blk test disk (ext2).",
                "eth0 up, ip 10.0.2.15/24, mac 52:54:00:12:34:56", "eth0 udp tx: sent 12 bytes to 10.0.2.2:9")) {
            assertTrue(r.after.contains(line), "'" + line + "' after the restore; console:\n" + r.after);
        }
        assertEquals(LinuxBootIT.EXPECTED_RESULTS, results(r.after), r.after);
        assertArrayEquals(original, Files.readAllBytes(disk), "the guest restored sector 8: the image is unchanged");
    }

    private static RuntimeIT.Launched launch(File work, List<String> options, String... more) throws IOException {
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of(more));
        return new RuntimeIT.Launched(System.getProperty("java.home"), work, args.toArray(new String[0]));
    }

    private static List<String> results(String console) {
        return console.lines().filter(s -> s.startsWith("RESULT ")).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A client of the launcher's TCP monitor: "g! " prompts, one command per line. */
    static final class Monitor implements AutoCloseable {
        private static final String PROMPT = "g! ";
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        private Monitor(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(1000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        /** Connects (the server may still be starting) and waits for the first prompt. */
        static Monitor connect(int port, RuntimeIT.Launched process) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    Monitor m = new Monitor(new Socket("127.0.0.1", port));
                    m.untilPrompt(60);
                    return m;
                } catch (IOException e) {
                    assertTrue(System.nanoTime() < deadline, "no monitor on port " + port + ": " + e + "\nstderr:\n"
                            + process.err());
                    Thread.sleep(200);
                }
            }
        }

        /** Sends {@code line} and answers what came back before the next prompt. */
        String command(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return untilPrompt(120);
        }

        private String untilPrompt(long seconds) throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String s = got.toString(StandardCharsets.UTF_8);
                if (s.endsWith(PROMPT)) {
                    return s.substring(0, s.length() - PROMPT.length());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("no monitor prompt within " + seconds + " s; got: " + s);
                }
                try {
                    int b = in.read();
                    if (b < 0) {
                        throw new IOException("the monitor closed the connection; got: " + s);
                    }
                    got.write(b);
                } catch (SocketTimeoutException e) {
                    // keep waiting until the deadline
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
