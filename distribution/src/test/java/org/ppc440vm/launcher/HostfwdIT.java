package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host connection to a hostfwd port reaches a listener inside the guest: the reference guest boots with a small
 * disk of ours (guest-tools/: a static TCP listener, see its build.sh) and -netdev user,hostfwd=tcp::PORT-:7777;
 * in busybox sh the listener is started from the disk, and a host socket to 127.0.0.1:PORT gets its answer.
 */
class HostfwdIT {

    @Test
    void aHostConnectionReachesAListenerInTheGuest(@TempDir File work) throws Exception {
        File images = GuestImages.require("vmlinux", "initramfs.cpio.gz");
        Path disk = work.toPath().resolve("tools.ext2");
        try (InputStream in = new GZIPInputStream(
                HostfwdIT.class.getResourceAsStream("guest-tools/tools.ext2.gz"))) {
            Files.write(disk, in.readAllBytes());
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // a free port for the forward
        }
        try (RuntimeIT.Launched l = new RuntimeIT.Launched(System.getProperty("java.home"), work, "-M", "bamboo", "-m",
                "256", "-nographic", "-no-reboot", "-kernel", new File(images, "vmlinux").getPath(), "-initrd",
                new File(images, "initramfs.cpio.gz").getPath(), "-append", "console=ttyS0 rdinit=/init guestshell=1",
                "-drive", "file=" + disk + ",if=virtio,format=raw",
                "-netdev", "user,id=n0,hostfwd=tcp::" + port + "-:7777",
                "-device", "virtio-net,netdev=n0,mac=52:54:00:12:34:56")) {
            l.await("job control turned off", true, 300);
            Thread.sleep(500);
            l.send("mount -t ext2 /dev/vda /mnt && /mnt/listener 7777 1 &");
            l.await("listener: listening on port 7777", true, 60);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write("hello through hostfwd\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                assertEquals("guest got: hello through hostfwd", r.readLine());
            }
            l.await("listener: served \"hello through hostfwd\"", true, 30);
        }
    }
}
