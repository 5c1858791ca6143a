package org.ppc440vm.netdev.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/** A socket netdev with {@code dump} configured records what its guest sends and what it receives, in order. */
class SocketFilterDumpTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Enough of a framework for activate(): service registration answers null. */
    private static BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, m, args) -> null);
    }

    private static int freePort() throws Exception {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress(LOOPBACK, 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    @Test
    void bothDirectionsAreRecorded(@TempDir Path dir) throws Exception {
        int pa = freePort();
        int pb = freePort();
        Path pcap = dir.resolve("a.pcap");
        SocketNetworkBackend a = new SocketNetworkBackend();
        SocketNetworkBackend b = new SocketNetworkBackend();
        a.activate(context(), Map.of("id", "a", "udp", "127.0.0.1:" + pb, "localaddr", "127.0.0.1:" + pa,
                "dump", pcap.toString()));
        b.activate(context(), Map.of("id", "b", "udp", "127.0.0.1:" + pa, "localaddr", "127.0.0.1:" + pb));
        UdpTunnelTest.Receiver atA = new UdpTunnelTest.Receiver();
        UdpTunnelTest.Receiver atB = new UdpTunnelTest.Receiver();
        byte[] out = new byte[60];
        byte[] in = new byte[74];
        new Random(1).nextBytes(out);
        new Random(2).nextBytes(in);
        try {
            a.attach(atA);
            b.attach(atB);
            assertTrue(a.send(ByteBuffer.wrap(out)));
            assertArrayEquals(out, atB.next());
            assertTrue(b.send(ByteBuffer.wrap(in)));
            assertArrayEquals(in, atA.next());
        } finally {
            a.deactivate(); // completes the file
            b.deactivate();
        }
        List<byte[]> records = frames(Files.readAllBytes(pcap));
        assertEquals(2, records.size());
        assertArrayEquals(out, records.get(0), "what the guest sent");
        assertArrayEquals(in, records.get(1), "what it received");
    }

    /** The frames of a classic big-endian Ethernet pcap file (its own tests live with PcapWriter in netdev-user). */
    private static List<byte[]> frames(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        assertEquals(0xa1b2c3d4, b.getInt());
        b.position(20);
        assertEquals(1, b.getInt(), "Ethernet");
        List<byte[]> out = new ArrayList<>();
        while (b.hasRemaining()) {
            b.getInt();
            b.getInt();
            byte[] f = new byte[b.getInt()];
            b.getInt();
            b.get(f);
            out.add(f);
        }
        return out;
    }
}
