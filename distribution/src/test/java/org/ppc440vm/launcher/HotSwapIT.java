package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of the virtio-blk hot swap: the reference guest (busybox sh on the console, guestshell=1) mounts
 * its virtio disk read-write and writes and syncs {@value #FILES} files in a loop while {@code vm:swap virtio-blk} runs
 * again and again on the TCP monitor. Afterwards every file's checksum is what the guest wrote (before the final
 * umount and again after a fresh mount), the guest logged no I/O error, and e2fsck finds the image clean.
 */
class HotSwapIT {
    static final int FILES = 120;
    static final int MIN_SWAPS_DURING_WRITES = 3;
    private static final Pattern MD5 = Pattern.compile("([0-9a-f]{32})\\s+(?:\\S*/)?f(\\d+)\\s");

    /** File i holds the output of busybox's {@code seq i i+200}: the numbers one per line. */
    static String content(int i) {
        StringBuilder b = new StringBuilder();
        for (int n = i; n <= i + 200; n++) {
            b.append(n).append('\n');
        }
        return b.toString();
    }

    static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The md5sum lines between the end of the command's echo and the marker the command prints at its end. */
    static Map<Integer, String> sums(String console, int from, String marker) {
        int end = console.indexOf(marker, from);
        assertTrue(end >= 0, "no '" + marker + "' on the console:\n" + console.substring(from));
        Map<Integer, String> m = new TreeMap<>();
        Matcher x = MD5.matcher(console.substring(from, end));
        while (x.find()) {
            m.put(Integer.parseInt(x.group(2)), x.group(1));
        }
        return m;
    }

    @Test
    void filesWrittenWhileTheDiskIsSwappedAreAllIntact(@TempDir File work) throws Exception {
        File images = GuestImages.require("vmlinux", "initramfs.cpio.gz", "disk.ext2.gz");
        Path disk = work.toPath().resolve("disk.ext2");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(new File(images, "disk.ext2.gz").toPath()))) {
            Files.write(disk, in.readAllBytes());
        }
        Map<Integer, String> expected = new TreeMap<>();
        for (int i = 1; i <= FILES; i++) {
            expected.put(i, md5(content(i)));
        }
        int swaps = 0;
        int swapsDuringWrites = 0;
        try (RuntimeIT.Launched l = new RuntimeIT.Launched(System.getProperty("java.home"), work, "-M", "bamboo", "-m",
                "256", "-nographic", "-no-reboot", "-kernel", new File(images, "vmlinux").getPath(), "-initrd",
                new File(images, "initramfs.cpio.gz").getPath(), "-append", "console=ttyS0 rdinit=/init guestshell=1",
                "-drive", "file=" + disk + ",if=virtio,format=raw", "-monitor", "tcp:127.0.0.1:0,server=on,wait=off")) {
            int port = MonitorClient.port(l, 60);
            l.await("job control turned off", true, 300); // busybox sh is up on the console
            Thread.sleep(500);
            try (MonitorClient monitor = new MonitorClient(port)) {
                String devices = monitor.run("vm:devices");
                assertTrue(devices.contains("virtio-blk"), devices);

                // Markers are printed through sed, so the echoed command line never matches them (this ash has no $((...))).
                l.send("mount -t ext2 /dev/vda /mnt && mkdir -p /mnt/d && echo MOUNT-x-OK | sed s/x/2/");
                l.await("MOUNT-2-OK", true, 60);
                l.send("for i in $(seq 1 " + FILES + "); do seq $i $(expr $i + 200) > /mnt/d/f$i && sync; done;"
                        + " echo WRITES-x-DONE | sed s/x/3/");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
                List<String> answers = new ArrayList<>();
                while (!l.out().contains("WRITES-3-DONE")) {
                    assertTrue(System.nanoTime() < deadline, "the write loop did not end; console:\n" + l.out());
                    String answer = monitor.run("vm:swap virtio-blk");
                    answers.add(answer);
                    assertTrue(answer.contains("swapped"), "vm:swap virtio-blk: " + answer);
                    swaps++;
                    if (!l.out().contains("WRITES-3-DONE")) {
                        swapsDuringWrites++;
                    }
                    Thread.sleep(200);
                }
                // A few more while the page cache is written back and the checksums are read.
                for (int k = 0; k < 2; k++) {
                    String answer = monitor.run("vm:swap virtio-blk");
                    assertTrue(answer.contains("swapped"), "vm:swap virtio-blk: " + answer);
                    swaps++;
                }
                System.err.println("HotSwapIT: " + swaps + " swaps, " + swapsDuringWrites + " while the guest wrote");
                assertTrue(swapsDuringWrites >= MIN_SWAPS_DURING_WRITES, "only " + swapsDuringWrites
                        + " swaps ran while the guest wrote (answers: " + answers + ")");

                int from = l.out().length();
                l.send("cd /mnt/d && md5sum f*; cd /; echo SUMS-x-DONE | sed s/x/4/");
                l.await("SUMS-4-DONE", true, 120);
                Map<Integer, String> before = sums(l.out(), from, "SUMS-4-DONE");

                from = l.out().length();
                l.send("umount /mnt && mount -t ext2 /dev/vda /mnt && cd /mnt/d && md5sum f*; cd /;"
                        + " echo SUMS-x-DONE | sed s/x/5/");
                l.await("SUMS-5-DONE", true, 120);
                Map<Integer, String> after = sums(l.out(), from, "SUMS-5-DONE");

                assertEquals(expected, before, "checksums before the final umount");
                assertEquals(expected, after, "checksums after a fresh mount");

                l.send("umount /mnt && echo UMOUNT-x-OK | sed s/x/6/");
                l.await("UMOUNT-6-OK", true, 60);
                String console = l.out();
                assertFalse(console.contains("I/O error"), "the guest logged an I/O error:\n" + console);
                assertFalse(console.contains("EXT2-fs error"), "the guest logged a file-system error:\n" + console);
                l.send("poweroff -f");
                assertEquals(0, l.waitFor(60), "the guest powered off; stderr:\n" + l.err());
            }
        }
        assertTrue(swaps >= 5, "several swaps ran: " + swaps);
        e2fsck(disk);
    }

    /** {@code e2fsck -fn}: the image is clean. Without e2fsck the check is skipped with a note, except under CI. */
    static void e2fsck(Path image) throws Exception {
        String tool = null;
        for (String candidate : new String[] {"/sbin/e2fsck", "/usr/sbin/e2fsck", "/usr/bin/e2fsck"}) {
            if (new File(candidate).canExecute()) {
                tool = candidate;
                break;
            }
        }
        if (tool == null) {
            String message = "e2fsck is not installed (apt-get install e2fsprogs): the image's consistency is not checked";
            if ("true".equals(System.getenv("CI"))) {
                fail(message);
            }
            System.err.println("HotSwapIT: " + message);
            return;
        }
        Process p = new ProcessBuilder(tool, "-fn", image.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "e2fsck ended");
        assertEquals(0, p.exitValue(), "e2fsck -fn finds the image clean:\n" + out);
    }
}
