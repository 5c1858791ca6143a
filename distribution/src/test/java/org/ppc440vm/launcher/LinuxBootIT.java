package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The milestone: the reference Linux 6.1 guest boots on our runtime to GUEST-INIT-DONE with the workload's RESULT
 * lines exactly as the guest computes them on QEMU and on an x86 host build of the same init.c (MANIFEST.md), and
 * the run ends with status 0 when the guest reboots under -no-reboot.
 */
class LinuxBootIT {

    /** The guest's own results, identical on QEMU and on the host build of init.c (shared/guest/MANIFEST.md). */
    static final List<String> EXPECTED_RESULTS = List.of(
            "RESULT crc32(4MiB)=93bf20f5",
            "RESULT sha256(4MiB)=3c2f3b164aed430100b06d08ca30c3ebf9d38d51725ceff6438cbce195eb7367",
            "RESULT int64loop=1cc10563f7fc5759",
            "RESULT qsort100k sorted=1 min=-536857255 max=1610611254 chk=5a25af0f",
            "RESULT fp sum(1/i^2,i<=20000)=1.644884068098");

    @Test
    void theReferenceGuestBootsToInitDoneWithEveryResult(@TempDir File work) throws Exception {
        File images = GuestImages.require("vmlinux", "initramfs.cpio.gz");
        try (RuntimeIT.Launched l = new RuntimeIT.Launched(System.getProperty("java.home"), work, "-M", "bamboo", "-m",
                "256", "-nographic", "-no-reboot", "-kernel", new File(images, "vmlinux").getPath(), "-initrd",
                new File(images, "initramfs.cpio.gz").getPath(), "-append",
                "console=ttyS0 rdinit=/init guestexit=reboot", "-stats")) {
            int status = l.waitFor(600);
            String console = l.out();
            assertTrue(console.contains("Linux version 6.1"), "the kernel banner:\n" + console);
            assertTrue(console.contains("GUEST-INIT-START"), console);
            List<String> results = console.lines().filter(s -> s.startsWith("RESULT ")).toList();
            assertEquals(EXPECTED_RESULTS, results, "RESULT lines; console:\n" + console);
            assertTrue(console.contains("GUEST-INIT-DONE"), console);
            assertEquals(0, status, "exit status after the guest's reboot under -no-reboot; stderr:\n" + l.err());
            assertTrue(l.err().contains("hottest trapping instructions"), "-stats prints its table on stderr");
            System.err.println(l.err()); // the -stats table, kept in the failsafe report
        }
    }
}
