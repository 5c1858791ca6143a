package org.ppc440vm.launcher;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two VM processes joined by -netdev socket (Ethernet over UDP on the loopback): the second guest moves to
 * 10.0.2.16 and pings the first at 10.0.2.15 (the address the reference init gives eth0), and gets a reply.
 */
class TwoGuestsSocketIT {

    private static int freeUdpPort() throws Exception {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    private static RuntimeIT.Launched guest(File images, File work, String mac, int local, int peer) throws Exception {
        return new RuntimeIT.Launched(System.getProperty("java.home"), work, "-M", "bamboo", "-m", "256", "-nographic",
                "-no-reboot", "-kernel", new File(images, "vmlinux").getPath(), "-initrd",
                new File(images, "initramfs.cpio.gz").getPath(), "-append", "console=ttyS0 rdinit=/init guestshell=1",
                "-netdev", "socket,id=n0,udp=127.0.0.1:" + peer + ",localaddr=127.0.0.1:" + local,
                "-device", "virtio-net,netdev=n0,mac=" + mac);
    }

    @Test
    void twoGuestsPingEachOtherOverUdp(@TempDir File work) throws Exception {
        File images = GuestImages.require("vmlinux", "initramfs.cpio.gz");
        int pa = freeUdpPort();
        int pb = freeUdpPort();
        File wa = new File(work, "a");
        File wb = new File(work, "b");
        wa.mkdirs();
        wb.mkdirs();
        try (RuntimeIT.Launched a = guest(images, wa, "52:54:00:12:34:56", pa, pb);
                RuntimeIT.Launched b = guest(images, wb, "52:54:00:12:34:57", pb, pa)) {
            a.await("job control turned off", true, 300);
            b.await("job control turned off", true, 300);
            Thread.sleep(500);
            b.send("ifconfig eth0 10.0.2.16 netmask 255.255.255.0 up");
            Thread.sleep(1000);
            b.send("ping 10.0.2.15");
            b.await("10.0.2.15 is alive!", true, 60);
        }
    }
}
