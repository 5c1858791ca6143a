package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console is interactive and the user network answers ICMP: with guestshell=1 the reference guest's init execs
 * busybox sh on the UART; a command typed on our stdin runs, and busybox ping 10.0.2.2 (this busybox prints
 * "is alive!" for the first reply) reaches the user backend's gateway.
 */
class GuestShellPingIT {

    @Test
    void aTypedPingOfTheGatewayGetsAReply(@TempDir File work) throws Exception {
        File images = GuestImages.require("vmlinux", "initramfs.cpio.gz");
        try (RuntimeIT.Launched l = new RuntimeIT.Launched(System.getProperty("java.home"), work, "-M", "bamboo", "-m",
                "256", "-nographic", "-no-reboot", "-kernel", new File(images, "vmlinux").getPath(), "-initrd",
                new File(images, "initramfs.cpio.gz").getPath(), "-append", "console=ttyS0 rdinit=/init guestshell=1",
                "-netdev", "user,id=n0", "-device", "virtio-net,netdev=n0,mac=52:54:00:12:34:56")) {
            l.await("job control turned off", true, 300); // busybox sh is up on the console
            Thread.sleep(500);
            l.send("echo typed-abc | sed s/b/X/"); // the answer differs from the echoed command
            l.await("typed-aXc", true, 60);
            l.send("ping 10.0.2.2");
            l.await("10.0.2.2 is alive!", true, 60);
            assertTrue(l.out().contains("eth0 up, ip 10.0.2.15/24, mac 52:54:00:12:34:56"), l.out());
        }
    }
}
