package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference guest with a virtio-blk disk and a virtio-net NIC made from QEMU's -drive/-netdev/-device options:
 * it reads the disk's first sector and 4 KiB with the checksums QEMU's run shows
 * (shared/guest/qemu-bamboo-virtio-boot.log), writes and restores sector 8, mounts the ext2 and reads hello.txt,
 * brings eth0 up with the given MAC and sends a UDP datagram, and the image is byte-identical afterwards.
 */
class VirtioBootIT {

    /** 127.0.0.1:9, non-blocking; null (with a note) when the port cannot be bound (not root, or in use). */
    private static DatagramChannel bindDiscardPort() throws IOException {
        DatagramChannel c = DatagramChannel.open();
        try {
            c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
            c.configureBlocking(false);
            return c;
        } catch (IOException e) {
            c.close();
            if ("true".equals(System.getenv("CI"))) {
                throw e;
            }
            System.err.println("VirtioBootIT: cannot bind 127.0.0.1:9 (" + e + "); the datagram is not checked");
            return null;
        }
    }

    @Test
    void theReferenceGuestUsesTheVirtioDiskAndNic(@TempDir File work) throws Exception {
        File images = GuestImages.require("vmlinux", "initramfs.cpio.gz", "disk.ext2.gz");
        byte[] original;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(new File(images, "disk.ext2.gz").toPath()))) {
            original = in.readAllBytes();
        }
        Path disk = work.toPath().resolve("disk.ext2");
        Files.write(disk, original);
        // The guest sends "ppc440-hello" to 10.0.2.2:9, which the user backend NATs to the host's 127.0.0.1:9.
        DatagramChannel discard = bindDiscardPort();
        try (discard; RuntimeIT.Launched l = new RuntimeIT.Launched(System.getProperty("java.home"), work, "-M", "bamboo", "-m",
                "256", "-nographic", "-no-reboot", "-kernel", new File(images, "vmlinux").getPath(), "-initrd",
                new File(images, "initramfs.cpio.gz").getPath(), "-append",
                "console=ttyS0 rdinit=/init guestexit=reboot",
                "-drive", "file=" + disk + ",if=virtio,format=raw",
                "-netdev", "user,id=n0", "-device", "virtio-net,netdev=n0,mac=52:54:00:12:34:56")) {
            int status = l.waitFor(600);
            String console = l.out();
            assertTrue(console.contains("virtio device count: 2"), console);
            assertTrue(console.contains("vda sector0 crc32=b2aa7578 bytesum=0 sha256="
                    + "076a27c79e5ace2a3d47f9dd2e83e4ff6ea8872b3c2218f66c92b89b55f36560"), console);
            assertTrue(console.contains("vda first4k crc32=809a9831"), console);
            assertTrue(console.contains("vda block8 write/readback: OK"), console);
            assertTrue(console.contains("vda block8 restore: OK"), console);
            assertTrue(console.contains("Hello from the PPC440 virtio-blk test disk (ext2)."), console);
            assertTrue(console.contains("eth0 up, ip 10.0.2.15/24, mac 52:54:00:12:34:56"), console);
            assertTrue(console.contains("eth0 udp tx: sent 12 bytes to 10.0.2.2:9"), console);
            assertTrue(console.contains("GUEST-INIT-DONE"), console);
            assertEquals(0, status, "exit status after the guest's reboot under -no-reboot; stderr:\n" + l.err());
            if (discard != null) {
                ByteBuffer b = ByteBuffer.allocate(64);
                SocketAddress from = discard.receive(b);
                assertNotNull(from, "the guest's datagram reached 127.0.0.1:9");
                b.flip();
                assertEquals("ppc440-hello", StandardCharsets.US_ASCII.decode(b).toString());
            }
        }
        assertArrayEquals(original, Files.readAllBytes(disk), "the guest restored sector 8: the image is unchanged");
    }
}
