package org.ppc440vm.netdev.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.netdev.user.FakeGuest.ACK;
import static org.ppc440vm.netdev.user.FakeGuest.DNS;
import static org.ppc440vm.netdev.user.FakeGuest.FIN;
import static org.ppc440vm.netdev.user.FakeGuest.GATEWAY;
import static org.ppc440vm.netdev.user.FakeGuest.IP;
import static org.ppc440vm.netdev.user.FakeGuest.PSH;
import static org.ppc440vm.netdev.user.FakeGuest.RST;
import static org.ppc440vm.netdev.user.FakeGuest.SYN;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ppc440vm.api.net.NetworkBackend;
import org.ppc440vm.netdev.user.FakeGuest.Frame;

/** The user-mode stack against a fake guest that builds its frames by hand; the host side is the real loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UserStackTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private UserStack stack;
    private final FakeGuest guest = new FakeGuest();

    private UserStack start(String... hostfwd) throws Exception {
        List<HostForward> rules = new java.util.ArrayList<>();
        for (String r : hostfwd) {
            rules.add(HostForward.parse(r));
        }
        stack = new UserStack("n0", rules);
        stack.start();
        stack.attach(guest);
        return stack;
    }

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.stop();
        }
    }

    private void send(byte[] frame) {
        assertTrue(stack.send(ByteBuffer.wrap(frame)), "the stack takes the frame");
    }

    @Test
    void answersArpForTheGatewayAndTheDnsServerOnly() throws Exception {
        start();
        for (int target : new int[] {GATEWAY, DNS}) {
            send(FakeGuest.arpRequest(IP, target));
            Frame reply = guest.expect("ARP reply", f -> f.type == 0x0806);
            ByteBuffer b = reply.b;
            assertArrayEquals(FakeGuest.MAC, java.util.Arrays.copyOfRange(reply.raw, 0, 6), "to the asker");
            assertEquals(2, b.getShort(20), "a reply");
            assertArrayEquals(FakeGuest.ROUTER_MAC, java.util.Arrays.copyOfRange(reply.raw, 22, 28));
            assertEquals(target, b.getInt(28), "for the address asked");
            assertArrayEquals(FakeGuest.MAC, java.util.Arrays.copyOfRange(reply.raw, 32, 38));
            assertEquals(IP, b.getInt(38));
        }
        send(FakeGuest.arpRequest(IP, FakeGuest.addr("10.0.2.99")));
        guest.expectNone("ARP reply for a nobody", f -> f.type == 0x0806, 300);
    }

    @Test
    void answersPingToTheGateway() throws Exception {
        start();
        byte[] data = "ping data 0123456789".getBytes(StandardCharsets.US_ASCII);
        send(FakeGuest.icmpEcho(GATEWAY, 0x4242, 7, data));
        Frame reply = guest.expect("echo reply", f -> f.proto == 1);
        assertEquals(GATEWAY, reply.src);
        assertEquals(IP, reply.dst);
        assertEquals(0, reply.payload[0], "echo reply type");
        ByteBuffer icmp = ByteBuffer.wrap(reply.payload);
        assertEquals(0x4242, icmp.getShort(4) & 0xFFFF, "identifier kept");
        assertEquals(7, icmp.getShort(6), "sequence kept");
        assertArrayEquals(data, java.util.Arrays.copyOfRange(reply.payload, 8, reply.payload.length));
        assertEquals(1, stack.counter("icmp.echo"));
    }

    @Test
    void dhcpDiscoverOfferRequestAck() throws Exception {
        start();
        send(FakeGuest.dhcp(1, 0x1234567, 0));
        Frame offer = guest.expect("OFFER", f -> f.proto == 17 && f.dstPort == 68);
        assertEquals(GATEWAY, offer.src);
        assertEquals(67, offer.srcPort);
        assertEquals(-1, offer.dst, "broadcast");
        ByteBuffer o = ByteBuffer.wrap(offer.payload);
        assertEquals(2, o.get(0), "BOOTREPLY");
        assertEquals(0x1234567, o.getInt(4), "xid");
        assertEquals(IP, o.getInt(16), "yiaddr 10.0.2.15");
        assertEquals(2, option(offer.payload, 53)[0], "OFFER");
        assertEquals(GATEWAY, ByteBuffer.wrap(option(offer.payload, 3)).getInt(), "router");
        assertEquals(DNS, ByteBuffer.wrap(option(offer.payload, 6)).getInt(), "dns");
        assertEquals(FakeGuest.addr("255.255.255.0"), ByteBuffer.wrap(option(offer.payload, 1)).getInt(), "mask");
        assertEquals(GATEWAY, ByteBuffer.wrap(option(offer.payload, 54)).getInt(), "server id");
        assertEquals(86400, ByteBuffer.wrap(option(offer.payload, 51)).getInt(), "lease");

        send(FakeGuest.dhcp(3, 0x1234568, IP));
        Frame ack = guest.expect("ACK", f -> f.proto == 17 && f.dstPort == 68);
        assertEquals(5, option(ack.payload, 53)[0], "ACK");
        assertEquals(IP, ByteBuffer.wrap(ack.payload).getInt(16));

        send(FakeGuest.dhcp(3, 0x1234569, FakeGuest.addr("10.0.2.77")));
        Frame nak = guest.expect("NAK", f -> f.proto == 17 && f.dstPort == 68);
        assertEquals(6, option(nak.payload, 53)[0], "NAK for an address that is not ours to give");
    }

    /** The value of DHCP option {@code code} in a BOOTP payload. */
    private static byte[] option(byte[] p, int code) {
        int i = 240;
        while (i < p.length && (p[i] & 0xFF) != 255) {
            int c = p[i] & 0xFF;
            if (c == 0) {
                i++;
                continue;
            }
            int len = p[i + 1] & 0xFF;
            if (c == code) {
                return java.util.Arrays.copyOfRange(p, i + 2, i + 2 + len);
            }
            i += 2 + len;
        }
        throw new AssertionError("no option " + code);
    }

    @Test
    void dnsAnswersLocalhostAndRefusesTheRest() throws Exception {
        start();
        send(FakeGuest.udp(IP, 5353, DNS, 53, dnsQuery(0x0101, "localhost", 1)));
        Frame a = guest.expect("answer", f -> f.proto == 17 && f.srcPort == 53);
        ByteBuffer r = ByteBuffer.wrap(a.payload);
        assertEquals(0x0101, r.getShort(0));
        assertEquals(0, r.get(3) & 0xF, "NOERROR");
        assertEquals(1, r.getShort(6), "one answer");
        assertEquals(FakeGuest.addr("127.0.0.1"), r.getInt(a.payload.length - 4));
        assertEquals(DNS, a.src);
        assertEquals(5353, a.dstPort);

        send(FakeGuest.udp(IP, 5353, DNS, 53, dnsQuery(0x0202, "example.invalid", 1)));
        Frame refused = guest.expect("refusal", f -> f.proto == 17 && f.srcPort == 53);
        assertEquals(0x0202, ByteBuffer.wrap(refused.payload).getShort(0));
        assertEquals(5, refused.payload[3] & 0xF, "REFUSED");

        byte[] truncated = java.util.Arrays.copyOf(dnsQuery(0x0303, "localhost", 1), 16);
        send(FakeGuest.udp(IP, 5353, DNS, 53, truncated));
        Frame formerr = guest.expect("format error", f -> f.proto == 17 && f.srcPort == 53);
        assertEquals(1, formerr.payload[3] & 0xF, "FORMERR");
    }

    private static byte[] dnsQuery(int id, String name, int type) {
        ByteBuffer q = ByteBuffer.allocate(512);
        q.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putInt(0);
        for (String label : name.split("\\.")) {
            q.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
        }
        q.put((byte) 0).putShort((short) type).putShort((short) 1);
        return java.util.Arrays.copyOf(q.array(), q.position());
    }

    @Test
    void udpToTheGatewayReachesTheHostLoopbackAndTheReplyComesBack() throws Exception {
        start();
        try (DatagramChannel host = DatagramChannel.open()) {
            host.bind(new InetSocketAddress(LOOPBACK, 0));
            int port = ((InetSocketAddress) host.getLocalAddress()).getPort();
            send(FakeGuest.udp(IP, 40000, GATEWAY, port, "hello host".getBytes(StandardCharsets.US_ASCII)));

            ByteBuffer in = ByteBuffer.allocate(2048);
            host.configureBlocking(true);
            host.socket().setSoTimeout(10_000);
            InetSocketAddress from = (InetSocketAddress) host.receive(in);
            in.flip();
            assertEquals("hello host", StandardCharsets.US_ASCII.decode(in).toString());
            assertEquals(LOOPBACK, from.getAddress(), "the NAT's host socket is on the loopback");

            host.send(ByteBuffer.wrap("hello guest".getBytes(StandardCharsets.US_ASCII)), from);
            Frame reply = guest.expect("reply", f -> f.proto == 17);
            assertEquals(GATEWAY, reply.src, "the host appears as 10.0.2.2");
            assertEquals(port, reply.srcPort);
            assertEquals(IP, reply.dst);
            assertEquals(40000, reply.dstPort);
            assertEquals("hello guest", new String(reply.payload, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void destinationsOtherThanTheGatewayAreDroppedAndCounted() throws Exception {
        start();
        long before = stack.counter("ip.denied");
        // 10.0.2.77 (nobody on the virtual network) and 127.0.0.1 itself (not routed by the stack): never forwarded.
        send(FakeGuest.udp(IP, 40000, FakeGuest.addr("10.0.2.77"), 9, new byte[] {1}));
        send(FakeGuest.udp(IP, 40000, FakeGuest.addr("127.0.0.1"), 9, new byte[] {1}));
        send(FakeGuest.icmpEcho(FakeGuest.addr("10.0.2.77"), 1, 1, new byte[4]));
        send(FakeGuest.tcp(40001, FakeGuest.addr("127.0.0.1"), 80, 1000, 0, SYN, 65535, new byte[0]));
        Frame rst = guest.expect("RST for a denied SYN", f -> f.isTcp());
        assertTrue(rst.has(RST | ACK));
        assertEquals(1001, rst.ack);
        assertEquals(before + 4, stack.counter("ip.denied"));
        assertEquals(0, stack.udpFlows(), "no host socket was opened");
    }

    /** The guest side of one TCP connection, driven by hand. */
    private final class GuestTcp {
        final int port;
        final int remotePort;
        int sndNxt;
        int rcvNxt;

        GuestTcp(int port, int remotePort, int isn) {
            this.port = port;
            this.remotePort = remotePort;
            this.sndNxt = isn;
        }

        Frame next(String what) throws InterruptedException {
            return guest.expect(what, f -> f.isTcp() && f.dstPort == port && f.srcPort == remotePort);
        }

        void connect() throws InterruptedException {
            send(FakeGuest.tcp(port, GATEWAY, remotePort, sndNxt, 0, SYN, 65535, new byte[0]));
            Frame synAck = next("SYN-ACK");
            assertTrue(synAck.has(SYN | ACK), "SYN-ACK, not " + synAck);
            assertEquals(sndNxt + 1, synAck.ack);
            assertEquals(1460, synAck.mss, "MSS option");
            sndNxt++;
            rcvNxt = synAck.seq + 1;
            send(FakeGuest.tcp(port, GATEWAY, remotePort, sndNxt, rcvNxt, ACK, 65535, new byte[0]));
        }

        void write(byte[] data) {
            send(FakeGuest.tcp(port, GATEWAY, remotePort, sndNxt, rcvNxt, ACK | PSH, 65535, data));
            sndNxt += data.length;
        }

        void ack(int window) {
            send(FakeGuest.tcp(port, GATEWAY, remotePort, sndNxt, rcvNxt, ACK, window, new byte[0]));
        }

        void fin() {
            send(FakeGuest.tcp(port, GATEWAY, remotePort, sndNxt, rcvNxt, ACK | FIN, 65535, new byte[0]));
            sndNxt++;
        }

        /** Reads host data segments in order, acknowledging each, until {@code n} bytes or a FIN. */
        byte[] read(int n) throws InterruptedException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (out.size() < n) {
                Frame f = next("data");
                if (f.seq != rcvNxt) {
                    continue; // a retransmission of what we have
                }
                out.write(f.payload, 0, f.payload.length);
                rcvNxt += f.payload.length;
                if (f.has(FIN)) {
                    rcvNxt++;
                    ack(65535);
                    break;
                }
                ack(65535);
            }
            return out.toByteArray();
        }
    }

    @Test
    void tcpFromTheGuestToAHostServerWithDataBothWaysAndACleanClose() throws Exception {
        start();
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            server.setSoTimeout(10_000);
            GuestTcp c = new GuestTcp(40100, server.getLocalPort(), 1000);
            c.connect();
            try (Socket accepted = server.accept()) {
                accepted.setSoTimeout(10_000);
                assertEquals(LOOPBACK, accepted.getInetAddress());

                c.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                Frame ack = c.next("ACK of the request");
                assertEquals(c.sndNxt, ack.ack);
                byte[] request = new byte[18];
                readFully(accepted.getInputStream(), request);
                assertEquals("GET / HTTP/1.0\r\n\r\n", new String(request, StandardCharsets.US_ASCII));

                // More than a window and many segments from the host: segmentation, window, ordering.
                byte[] big = new byte[300_000];
                new Random(1).nextBytes(big);
                OutputStream out = accepted.getOutputStream();
                Thread writer = new Thread(() -> {
                    try {
                        out.write(big);
                        accepted.shutdownOutput();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                writer.start();
                byte[] got = c.read(big.length + 1);
                writer.join(10_000);
                assertArrayEquals(big, got, "every byte, in order, then FIN");

                c.fin();
                assertEquals(-1, accepted.getInputStream().read(), "the guest's FIN reaches the host as EOF");
            }
            waitFor(() -> stack.tcpConnections() == 0, "the connection is gone after both FINs");
            assertTrue(stack.counter("tcp.closed") >= 1);
        }
    }

    @Test
    void manySegmentsFromTheGuestReachTheHostInOrder() throws Exception {
        start();
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            server.setSoTimeout(10_000);
            GuestTcp c = new GuestTcp(40101, server.getLocalPort(), -5); // sequence numbers wrap around 2^32
            c.connect();
            try (Socket accepted = server.accept()) {
                accepted.setSoTimeout(10_000);
                byte[] all = new byte[200 * 1000];
                new Random(2).nextBytes(all);
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                Thread reader = new Thread(() -> {
                    try {
                        InputStream in = accepted.getInputStream();
                        byte[] b = new byte[8192];
                        int n;
                        while ((n = in.read(b)) > 0) {
                            synchronized (received) {
                                received.write(b, 0, n);
                            }
                        }
                    } catch (Exception e) {
                        // the test fails on the content check
                    }
                });
                reader.start();
                for (int off = 0; off < all.length; off += 1000) {
                    // Stay inside the window the stack advertises: wait for its ACK when it says it is full.
                    c.write(java.util.Arrays.copyOfRange(all, off, off + 1000));
                    Frame ack = c.next("ACK");
                    while (ack.ack != c.sndNxt) {
                        ack = c.next("ACK");
                    }
                    while (ack.window < 1000) {
                        ack = c.next("window update");
                    }
                }
                c.fin();
                reader.join(10_000);
                assertArrayEquals(all, received.toByteArray());
            }
        }
    }

    @Test
    void aSynToAClosedHostPortGetsRst() throws Exception {
        start();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = s.getLocalPort();
        }
        send(FakeGuest.tcp(40200, GATEWAY, closedPort, 5000, 0, SYN, 65535, new byte[0]));
        Frame rst = guest.expect("RST", Frame::isTcp);
        assertTrue(rst.has(RST | ACK), "RST|ACK, not " + rst);
        assertEquals(5001, rst.ack);
        waitFor(() -> stack.tcpConnections() == 0, "no connection left");
    }

    @Test
    void unacknowledgedDataIsRetransmittedOnTimeout() throws Exception {
        start();
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            server.setSoTimeout(10_000);
            GuestTcp c = new GuestTcp(40300, server.getLocalPort(), 77);
            c.connect();
            try (Socket accepted = server.accept()) {
                accepted.getOutputStream().write("once".getBytes(StandardCharsets.US_ASCII));
                Frame first = c.next("data");
                assertEquals("once", new String(first.payload, StandardCharsets.US_ASCII));
                // The guest does not acknowledge: the same bytes come again at the same sequence number.
                Frame again = c.next("retransmission");
                assertEquals(first.seq, again.seq);
                assertEquals("once", new String(again.payload, StandardCharsets.US_ASCII));
                assertTrue(stack.counter("tcp.tx.retransmit") >= 1);
                c.rcvNxt = first.seq + 4;
                c.ack(65535);
                guest.received.clear();
                guest.expectNone("retransmission after the ACK", f -> f.isTcp() && f.payload.length > 0, 1000);
            }
        }
    }

    @Test
    void aShutWindowIsProbedAndDataFlowsWhenItReopens() throws Exception {
        start();
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            server.setSoTimeout(10_000);
            GuestTcp c = new GuestTcp(40350, server.getLocalPort(), 500);
            c.connect();
            try (Socket accepted = server.accept()) {
                c.ack(0); // the guest's application reads nothing: window 0
                Thread.sleep(50); // let the window update arrive before the data
                accepted.getOutputStream().write("abcdef".getBytes(StandardCharsets.US_ASCII));
                Frame probe = c.next("a zero-window probe");
                assertEquals(c.rcvNxt, probe.seq);
                assertEquals("a", new String(probe.payload, StandardCharsets.US_ASCII), "one byte beyond the window");
                Frame second = c.next("a second probe, later");
                assertEquals(c.rcvNxt, second.seq);
                assertEquals(1, second.payload.length);
                c.rcvNxt += 1; // the window opened: the probe byte is taken
                c.ack(65535);
                Frame rest = c.next("the rest");
                assertEquals(c.rcvNxt, rest.seq);
                assertEquals("bcdef", new String(rest.payload, StandardCharsets.US_ASCII));
                assertTrue(stack.counter("tcp.tx.probe") >= 2);
                assertEquals(0, stack.counter("tcp.tx.gaveup"));
            }
        }
    }

    @Test
    void aGuestResetClosesTheHostSocket() throws Exception {
        start();
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            server.setSoTimeout(10_000);
            GuestTcp c = new GuestTcp(40400, server.getLocalPort(), 1);
            c.connect();
            try (Socket accepted = server.accept()) {
                accepted.setSoTimeout(10_000);
                send(FakeGuest.tcp(c.port, GATEWAY, c.remotePort, c.sndNxt, c.rcvNxt, RST | ACK, 0, new byte[0]));
                assertEquals(-1, accepted.getInputStream().read(), "the host sees the connection end");
            }
            waitFor(() -> stack.tcpConnections() == 0, "no connection left");
        }
    }

    @Test
    void hostfwdBringsAHostConnectionIntoTheGuest() throws Exception {
        start("tcp::0-:22");
        InetSocketAddress listen = stack.forwardAddresses().get(0);
        assertEquals(LOOPBACK, listen.getAddress());
        assertTrue(stack.describe().contains("hostfwd=tcp:127.0.0.1:" + listen.getPort() + "-10.0.2.15:22"),
                stack.describe());
        try (Socket client = new Socket(LOOPBACK, listen.getPort())) {
            client.setSoTimeout(10_000);
            // The stack does not know the guest's MAC yet: it asks, and the fake guest answers.
            Frame who = guest.expect("ARP request for the guest", f -> f.type == 0x0806);
            assertEquals(1, who.b.getShort(20));
            assertEquals(IP, who.b.getInt(38));
            send(FakeGuest.arpReply(IP, FakeGuest.ROUTER_MAC, GATEWAY));

            Frame syn = guest.expect("SYN to 10.0.2.15:22", f -> f.isTcp() && f.dstPort == 22);
            assertTrue(syn.has(SYN) && !syn.has(ACK));
            assertEquals(GATEWAY, syn.src);
            assertEquals(IP, syn.dst);
            GuestTcp g = new GuestTcp(22, syn.srcPort, 9000);
            g.rcvNxt = syn.seq + 1;
            send(FakeGuest.tcp(22, GATEWAY, syn.srcPort, g.sndNxt, g.rcvNxt, SYN | ACK, 65535, new byte[0]));
            g.sndNxt++;
            Frame ack = g.next("ACK of the SYN-ACK");
            assertTrue(ack.has(ACK));
            assertEquals(g.sndNxt, ack.ack);

            g.write("SSH-2.0-guest\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] banner = new byte[15];
            readFully(client.getInputStream(), banner);
            assertEquals("SSH-2.0-guest\r\n", new String(banner, StandardCharsets.US_ASCII));

            client.getOutputStream().write("SSH-2.0-host\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("SSH-2.0-host\r\n", new String(g.read(14), StandardCharsets.US_ASCII));

            client.shutdownOutput();
            Frame fin = g.next("FIN from the host side");
            while (!fin.has(FIN)) {
                fin = g.next("FIN from the host side");
            }
            g.rcvNxt = fin.seq + 1;
            g.ack(65535);
            g.fin();
            assertEquals(-1, client.getInputStream().read());
        }
        waitFor(() -> stack.tcpConnections() == 0, "the forwarded connection is gone");
    }

    @Test
    void malformedFramesAreDroppedAndCountedAndTheStackGoesOn() throws Exception {
        start();
        // Too short and too long never get past send().
        assertFalse(stack.send(ByteBuffer.allocate(13)));
        assertFalse(stack.send(ByteBuffer.allocate(NetworkBackend.MAX_FRAME_SIZE + 1)));

        byte[] ping = FakeGuest.icmpEcho(GATEWAY, 1, 1, new byte[8]);
        byte[] badIpSum = ping.clone();
        badIpSum[24] ^= 0x55;
        send(badIpSum);
        byte[] fragment = ping.clone();
        fragment[20] = 0x20; // more fragments
        fixIpChecksum(fragment);
        send(fragment);
        byte[] lyingLength = ping.clone();
        lyingLength[16] = 0x7F; // total length far beyond the frame
        fixIpChecksum(lyingLength);
        send(lyingLength);
        byte[] badUdp = FakeGuest.udp(IP, 1, GATEWAY, 9, new byte[] {1, 2, 3});
        badUdp[badUdp.length - 1] ^= 1;
        send(badUdp);
        byte[] badTcpHeader = FakeGuest.tcp(1, GATEWAY, 9, 0, 0, SYN, 0, new byte[0]);
        badTcpHeader[46] = (byte) 0xF0; // data offset 60 bytes, beyond the segment
        send(badTcpHeader);
        // And a pile of random bytes, some dressed as IPv4 or ARP to the router.
        Random r = new Random(42);
        for (int i = 0; i < 5000; i++) {
            byte[] junk = new byte[14 + r.nextInt(200)];
            r.nextBytes(junk);
            if (i % 2 == 0) {
                System.arraycopy(FakeGuest.ROUTER_MAC, 0, junk, 0, 6);
                junk[6] = 0x52;
                junk[12] = 0x08;
                junk[13] = (byte) (i % 4 == 0 ? 0x00 : 0x06);
                if (junk.length > 14) {
                    junk[14] = 0x45;
                }
            }
            stack.send(ByteBuffer.wrap(junk)); // may be refused when the queue is full, never throws
        }
        waitFor(() -> stack.counter("ip.badsum") >= 1 && stack.counter("ip.fragment") >= 1
                && stack.counter("ip.malformed") >= 1 && stack.counter("udp.badsum") >= 1
                && stack.counter("tcp.malformed") >= 1, "each malformed frame counted");
        assertEquals(0, stack.counter("stack.error"), "no handler threw");
        assertTrue(stack.counters().get(NetworkBackend.TX_DROPPED) >= 7);
        assertEquals(2, stack.counter("eth.runt") + stack.counter("eth.toolong"));

        guest.received.clear();
        byte[] ping2 = FakeGuest.icmpEcho(GATEWAY, 2, 2, new byte[8]);
        // The junk may have filled the stack's bounded input queue (dropped and counted, by design): once the stack
        // has drained it, it takes frames again.
        waitFor(() -> stack.send(ByteBuffer.wrap(ping2)), "the stack taking frames again");
        Frame reply = guest.expect("a ping still answered", f -> f.proto == 1
                && ByteBuffer.wrap(f.payload).getShort(4) == 2);
        assertEquals(0, reply.payload[0]);
    }

    private static void fixIpChecksum(byte[] frame) {
        frame[24] = 0;
        frame[25] = 0;
        int sum = FakeGuest.checksum(ByteBuffer.wrap(frame), 14, 34, 0);
        frame[24] = (byte) (sum >>> 8);
        frame[25] = (byte) sum;
    }

    @Test
    void framesARefusingReceiverDidNotTakeWaitForReceiverReady() throws Exception {
        start();
        guest.refuse = true;
        send(FakeGuest.icmpEcho(GATEWAY, 3, 1, new byte[8]));
        send(FakeGuest.icmpEcho(GATEWAY, 3, 2, new byte[8]));
        waitFor(() -> stack.counter("icmp.echo") == 2, "both pings handled");
        assertTrue(guest.received.isEmpty());
        guest.refuse = false;
        stack.receiverReady();
        Frame first = guest.expect("first reply", f -> f.proto == 1);
        Frame second = guest.expect("second reply", f -> f.proto == 1);
        assertEquals(1, ByteBuffer.wrap(first.payload).getShort(6), "in order");
        assertEquals(2, ByteBuffer.wrap(second.payload).getShort(6));
        assertEquals(0, stack.counters().get(NetworkBackend.RX_DROPPED));
    }

    @Test
    void withoutAReceiverFramesForTheGuestAreDroppedAndCounted() throws Exception {
        start();
        stack.detach(guest);
        send(FakeGuest.icmpEcho(GATEWAY, 4, 1, new byte[8]));
        waitFor(() -> stack.counters().get(NetworkBackend.RX_DROPPED) == 1, "the reply dropped");
        stack.attach(guest); // re-attachable, as after a device hot-swap
        send(FakeGuest.icmpEcho(GATEWAY, 4, 2, new byte[8]));
        guest.expect("the next reply", f -> f.proto == 1);
    }

    @Test
    void hostfwdRulesChangeWhileTheStackRuns() throws Exception {
        start("tcp:127.0.0.1:0-:22");
        InetSocketAddress first = stack.forwardAddresses().get(0);
        // Keep the first rule, add a second one: the first keeps its (ephemeral) port, the second listens.
        stack.updateForwards(List.of(HostForward.parse("tcp:127.0.0.1:0-:22"), HostForward.parse("tcp:127.0.0.1:0-:80")));
        assertEquals(2, stack.forwardAddresses().size());
        assertEquals(first, stack.forwardAddresses().get(0), "an unchanged rule keeps its listener");
        InetSocketAddress second = stack.forwardAddresses().get(1);
        try (Socket s = new Socket()) {
            s.connect(second, 2000); // accepted by the new listener
        }
        assertTrue(stack.describe().contains("-10.0.2.15:80"), stack.describe());
        // Drop the first: its port stops listening.
        stack.updateForwards(List.of(HostForward.parse("tcp:127.0.0.1:0-:80")));
        assertEquals(List.of(second), stack.forwardAddresses());
        // The close completes when the stack's selector deregisters the channel (woken at once): poll briefly.
        boolean refused = false;
        for (int i = 0; i < 40 && !refused; i++) {
            try (Socket s = new Socket()) {
                s.connect(first, 500);
                Thread.sleep(50);
            } catch (java.io.IOException e) {
                refused = true;
            }
        }
        assertTrue(refused, "the dropped rule's port stops listening");
        // A port that is taken: nothing changes, the reason is thrown.
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThrows(java.io.IOException.class, () -> stack.updateForwards(List.of(HostForward.parse("tcp:127.0.0.1:"
                    + taken.getLocalPort() + "-:23"))));
        }
        assertEquals(List.of(second), stack.forwardAddresses(), "a failed update leaves the rules as they were");
    }

    @Test
    void hostfwdRules() {
        HostForward r = HostForward.parse("tcp::5555-:22");
        assertEquals(FakeGuest.addr("127.0.0.1"), r.hostAddress);
        assertEquals(5555, r.hostPort);
        assertEquals(IP, r.guestAddress);
        assertEquals(22, r.guestPort);
        HostForward s = HostForward.parse("tcp:127.0.0.2:8080-10.0.2.16:80");
        assertEquals(FakeGuest.addr("127.0.0.2"), s.hostAddress);
        assertEquals(FakeGuest.addr("10.0.2.16"), s.guestAddress);
        for (String bad : new String[] {"tcp:0.0.0.0:1-:2", "tcp:192.0.2.1:1-:2", "udp::1-:2", "tcp::1-:0",
                "tcp::70000-:22", "tcp::1-10.0.3.1:22", "tcp::1", "tcp:::1-:2"}) {
            try {
                HostForward.parse(bad);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains(bad), expected.getMessage());
            }
        }
    }

    private static void readFully(InputStream in, byte[] b) throws Exception {
        int off = 0;
        while (off < b.length) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) {
                throw new AssertionError("EOF after " + off + " bytes");
            }
            off += n;
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(10);
        }
    }
}
