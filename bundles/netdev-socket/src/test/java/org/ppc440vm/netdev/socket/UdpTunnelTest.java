package org.ppc440vm.netdev.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ppc440vm.api.net.FrameReceiver;
import org.ppc440vm.api.net.NetworkBackend;

/** Two tunnels on the loopback, as two VMs connected by {@code -netdev socket}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpTunnelTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private UdpTunnel a;
    private UdpTunnel b;
    private final Receiver atA = new Receiver();
    private final Receiver atB = new Receiver();

    /** A guest's receive side: keeps every frame, or refuses while told to. */
    static final class Receiver implements FrameReceiver {
        final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
        volatile boolean refuse;

        @Override
        public boolean receive(ByteBuffer frame) {
            if (refuse) {
                return false;
            }
            byte[] f = new byte[frame.remaining()];
            frame.get(f);
            frames.add(f);
            return true;
        }

        byte[] next() throws InterruptedException {
            return frames.poll(10, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.stop();
        }
        if (b != null) {
            b.stop();
        }
    }

    /** A UDP port on the loopback that was free a moment ago. */
    private static int freePort() throws Exception {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress(LOOPBACK, 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    private void connectPair() throws Exception {
        int pa = freePort();
        int pb = freePort();
        a = new UdpTunnel("a", new InetSocketAddress(LOOPBACK, pa), new InetSocketAddress(LOOPBACK, pb));
        b = new UdpTunnel("b", new InetSocketAddress(LOOPBACK, pb), new InetSocketAddress(LOOPBACK, pa));
        a.start();
        b.start();
        a.attach(atA);
        b.attach(atB);
    }

    private static byte[] frame(int len, int seed) {
        byte[] f = new byte[len];
        new Random(seed).nextBytes(f);
        return f;
    }

    @Test
    void framesCrossBetweenTwoTunnelsBothWays() throws Exception {
        connectPair();
        for (int len : new int[] {14, 60, 1514, NetworkBackend.MAX_FRAME_SIZE}) {
            byte[] f = frame(len, len);
            assertTrue(a.send(ByteBuffer.wrap(f)));
            assertArrayEquals(f, atB.next(), "A to B, " + len + " bytes");
            byte[] g = frame(len, len + 1);
            assertTrue(b.send(ByteBuffer.wrap(g)));
            assertArrayEquals(g, atA.next(), "B to A, " + len + " bytes");
        }
        assertEquals(4, a.counters().get(NetworkBackend.TX_FRAMES));
        assertEquals(4, b.counters().get(NetworkBackend.RX_FRAMES));
        assertTrue(a.describe().contains("udp=127.0.0.1:"), a.describe());
    }

    @Test
    void framesOfImpossibleLengthAreNotSent() throws Exception {
        connectPair();
        ByteBuffer tooShort = ByteBuffer.allocate(13);
        assertFalse(a.send(tooShort));
        assertEquals(0, tooShort.remaining(), "consumed anyway");
        assertFalse(a.send(ByteBuffer.allocate(NetworkBackend.MAX_FRAME_SIZE + 1)));
        assertEquals(2, a.counter(NetworkBackend.TX_DROPPED));
        assertNull(atB.frames.poll(300, TimeUnit.MILLISECONDS));
    }

    @Test
    void datagramsFromStrangersAndOfBadLengthAreDropped() throws Exception {
        try (DatagramChannel peer = DatagramChannel.open(); DatagramChannel stranger = DatagramChannel.open()) {
            peer.bind(new InetSocketAddress(LOOPBACK, 0));
            stranger.bind(new InetSocketAddress(LOOPBACK, 0));
            b = new UdpTunnel("b", new InetSocketAddress(LOOPBACK, 0), (InetSocketAddress) peer.getLocalAddress());
            b.start();
            b.attach(atB);
            InetSocketAddress bAddress = b.localAddress();
            assertTrue(bAddress.getPort() != 0);

            stranger.send(ByteBuffer.wrap(frame(60, 1)), bAddress);
            peer.send(ByteBuffer.wrap(new byte[5]), bAddress);
            peer.send(ByteBuffer.wrap(new byte[4000]), bAddress);
            byte[] good = frame(60, 2);
            peer.send(ByteBuffer.wrap(good), bAddress);
            assertArrayEquals(good, atB.next(), "only the good frame from the peer arrives");
            assertEquals(1, b.counter("rx.foreign"));
            assertEquals(2, b.counter("rx.badlength"));
            assertEquals(3, b.counter(NetworkBackend.RX_DROPPED));
        }
    }

    @Test
    void framesARefusingReceiverDidNotTakeWaitForReceiverReady() throws Exception {
        connectPair();
        atB.refuse = true;
        byte[] f1 = frame(60, 11);
        byte[] f2 = frame(61, 12);
        a.send(ByteBuffer.wrap(f1));
        a.send(ByteBuffer.wrap(f2));
        assertNull(atB.frames.poll(300, TimeUnit.MILLISECONDS));
        atB.refuse = false;
        b.receiverReady();
        assertArrayEquals(f1, atB.next());
        assertArrayEquals(f2, atB.next());
        assertEquals(0, b.counter(NetworkBackend.RX_DROPPED));
    }

    @Test
    void aDetachedReceiverGetsNothingAndANewOneTakesOver() throws Exception {
        connectPair();
        b.detach(atB);
        a.send(ByteBuffer.wrap(frame(60, 21)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (b.counter("rx.noreceiver") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(1, b.counter("rx.noreceiver"));
        Receiver next = new Receiver();
        b.attach(next);
        b.detach(atB); // the old device letting go late must not detach the new one
        byte[] f = frame(60, 22);
        a.send(ByteBuffer.wrap(f));
        assertArrayEquals(f, next.next());
    }

    @Test
    void addressesAreIpv4LiteralsOrLocalhostWithAPort() {
        assertEquals(new InetSocketAddress(LOOPBACK, 1234),
                SocketNetworkBackend.address(Map.of("udp", "127.0.0.1:1234"), "udp"));
        assertEquals(new InetSocketAddress(LOOPBACK, 1234),
                SocketNetworkBackend.address(Map.of("udp", "localhost:1234"), "udp"));
        for (String bad : new String[] {"127.0.0.1", "example.invalid:1", "127.0.0.1:x", "127.0.0.1:70000",
                "300.0.0.1:1", "1.2.3:4"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> SocketNetworkBackend.address(Map.of("udp", bad), "udp"), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> SocketNetworkBackend.address(Map.of(), "udp"));
    }
}
