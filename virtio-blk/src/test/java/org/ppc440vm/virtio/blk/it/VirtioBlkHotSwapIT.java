package org.ppc440vm.virtio.blk.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.testing.FrameworkGuest;
import org.ppc440vm.testing.PaxOptions;

/**
 * The virtio-blk bundle is replaced under a running Linux guest that writes and syncs files: the reference guest
 * boots inside this framework (the board's VmLauncher, fed the launcher's services by {@link FrameworkGuest}) with
 * a writable copy of the ext2 disk; its shell writes 8 KiB files in a loop, syncing after each; meanwhile the
 * virtio-blk bundle is updated ({@code Bundle.update()}) and later stopped and started again. The guest must go on
 * without an I/O error, every file must read back (from the device, after the caches are dropped) as written, and
 * the file system must be clean (host e2fsck, when installed).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class VirtioBlkHotSwapIT {
    static final String BSN = "org.ppc440vm.virtio-blk";
    static final int FILES = 80;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return PaxOptions.bundleUnderTest("bundles/virtio-mmio", "ppc440-cpu", "tlb", "kvm-core", "bundles/board");
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
    public void updatingAndRestartingTheBundleUnderDiskLoadLosesNoWriteAndCorruptsNothing() throws Exception {
        File images = guestImages("vmlinux", "initramfs.cpio.gz", "disk.ext2.gz");
        Path disk = FrameworkGuest.gunzip(new File(images, "disk.ext2.gz"),
                Path.of("target", "hotswap-it", "disk.ext2").toAbsolutePath());
        Map<String, List<String>> o = new LinkedHashMap<>();
        o.put("m", List.of("256"));
        o.put("kernel", List.of(new File(images, "vmlinux").getPath()));
        o.put("initrd", List.of(new File(images, "initramfs.cpio.gz").getPath()));
        o.put("append", List.of("console=ttyS0 rdinit=/init guestshell=1"));
        o.put("drive", List.of("file=" + disk + ",if=virtio,format=raw"));
        o.put("nographic", List.of(""));
        o.put("no-reboot", List.of(""));
        Bundle blk = BundleChecks.bundle(context, BSN);
        try (FrameworkGuest g = new FrameworkGuest(context, o)) {
            assertTrue("the guest's shell came up:\n" + g.console(),
                    g.await(0, "job control turned off", 240_000) > 0);
            int at = g.mark();
            g.type("mount -t ext2 /dev/vda /mnt && echo \"MOUNT\"\"ED\"");
            assertTrue("mounted read-write:\n" + g.console(), g.await(at, "MOUNTED", 60_000) > 0);

            // Each file holds a different 8 KiB of /init, so that a misplaced or lost block shows in the check.
            at = g.mark();
            g.type("for i in $(seq 1 " + FILES + "); do dd if=/init of=/mnt/f$i bs=1k count=8 skip=$i 2>/dev/null"
                    + " || echo WRITE-FAILED-$i; sync; case $i in *0) echo PROGRESS-$i;; esac; done;"
                    + " echo \"LOOP\"\"-DONE\"");
            assertTrue("the write loop runs:\n" + g.console(), g.await(at, "PROGRESS-20", 180_000) > 0);
            long t0 = System.nanoTime();
            blk.update();
            long updateMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            FrameworkGuest.awaitSlotRunning(context, "virtio-blk", 1);
            System.out.println("\n[hot-swap IT] virtio-blk Bundle.update() took " + updateMs + " ms\n" + FrameworkGuest.vmCommand(context, "devices"));

            assertTrue("the write loop goes on after the update:\n" + g.console(),
                    g.await(at, "PROGRESS-40", 180_000) > 0);
            blk.stop();
            Thread.sleep(300); // the guest's next request waits for the window meanwhile
            blk.start();
            FrameworkGuest.awaitSlotRunning(context, "virtio-blk", 2);
            System.out.println("\n[hot-swap IT] after stop/start\n" + FrameworkGuest.vmCommand(context, "devices"));

            // And the monitor's live swap (no park: a second instance of the same service takes the state over).
            assertTrue("the write loop goes on after the restart:\n" + g.console(),
                    g.await(at, "PROGRESS-60", 180_000) > 0);
            String swapped = FrameworkGuest.vmCommand(context, "swap", "virtio-blk");
            System.out.println("\n[hot-swap IT] vm:swap virtio-blk: " + swapped + "\n" + FrameworkGuest.vmCommand(context, "devices"));
            assertTrue("vm:swap swapped the disk: " + swapped + "\n" + FrameworkGuest.vmCommand(context, "devices"),
                    Pattern.compile("^virtio-blk@\\S+.*running.*\\s1\\s+2\\s*$", Pattern.MULTILINE)
                            .matcher(FrameworkGuest.vmCommand(context, "devices")).find());

            assertTrue("the write loop ends:\n" + g.console(), g.await(at, "LOOP-DONE", 240_000) > 0);
            // Read everything back from the device, not the page cache, and compare with the source.
            // (This busybox has no $((...)): a mismatch is reported per file.)
            int check = g.mark();
            g.type("umount /mnt; echo 3 > /proc/sys/vm/drop_caches; mount -t ext2 /dev/vda /mnt &&"
                    + " for i in $(seq 1 " + FILES + "); do a=$(dd if=/init bs=1k count=8 skip=$i 2>/dev/null |"
                    + " md5sum); b=$(md5sum < /mnt/f$i); [ \"$a\" = \"$b\" ] || echo MISMATCH-$i; done;"
                    + " echo \"VERIFY\"\"-DONE\"; umount /mnt && echo \"UNMOUNT\"\"ED\"");
            int v = g.await(check, "VERIFY-DONE", 240_000);
            assertTrue("the check ran:\n" + g.console(), v > 0);
            String console = g.console();
            assertFalse("files that differ from what was written:\n" + console,
                    Pattern.compile("MISMATCH-\\d").matcher(console.substring(check)).find());
            assertTrue("unmounted cleanly:\n" + g.console(), g.await(v, "UNMOUNTED", 60_000) > 0);
            console = g.console();
            for (String bad : new String[] {"I/O error", "EXT2-fs error", "blk_update_request", "Oops"}) {
                assertFalse("the guest reported '" + bad + "':\n" + console, console.contains(bad));
            }
            assertFalse("a dd failed:\n" + console, Pattern.compile("WRITE-FAILED-\\d").matcher(console).find());
        }
        fsckClean(disk);
    }

    /** e2fsck -fn on the image the guest wrote, when the host has e2fsck: no file-system damage. */
    private static void fsckClean(Path disk) throws Exception {
        String fsck = null;
        for (String c : new String[] {"/usr/sbin/e2fsck", "/sbin/e2fsck"}) {
            if (Files.isExecutable(Path.of(c))) {
                fsck = c;
            }
        }
        if (fsck == null) {
            System.out.println("[hot-swap IT] no e2fsck on this host: file-system check skipped");
            return;
        }
        Process p = new ProcessBuilder(fsck, "-fn", disk.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("e2fsck finished", p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("e2fsck -fn " + disk + ":\n" + out, 0, p.exitValue());
        System.out.println("[hot-swap IT] " + out);
    }
}
