package org.ppc440vm.netdev.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.ppc440vm.api.net.FrameReceiver;

/**
 * A guest as the stack sees it, written independently of the stack's own frame code: it builds Ethernet frames
 * (with their own checksum arithmetic), takes what the stack delivers, and parses it, asserting that every IPv4,
 * ICMP, UDP and TCP checksum the stack produced verifies.
 */
final class FakeGuest implements FrameReceiver {
    static final byte[] MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    static final byte[] ROUTER_MAC = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    static final int IP = addr("10.0.2.15");
    static final int GATEWAY = addr("10.0.2.2");
    static final int DNS = addr("10.0.2.3");

    static final int FIN = 1;
    static final int SYN = 2;
    static final int RST = 4;
    static final int PSH = 8;
    static final int ACK = 16;

    final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    /** Frames that {@link #expect} skipped while waiting for another. */
    final List<Frame> skipped = new ArrayList<>();
    volatile boolean refuse;

    @Override
    public boolean receive(ByteBuffer frame) {
        if (refuse) {
            return false;
        }
        byte[] b = new byte[frame.remaining()];
        frame.get(b);
        received.add(b);
        return true;
    }

    static int addr(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8
                | Integer.parseInt(p[3]);
    }

    // ---- building frames

    static int checksum(ByteBuffer b, int from, int to, long initial) {
        long s = initial;
        for (int i = from; i < to; i += 2) {
            int hi = b.get(i) & 0xFF;
            int lo = i + 1 < to ? b.get(i + 1) & 0xFF : 0;
            s += hi << 8 | lo;
        }
        while (s > 0xFFFF) {
            s = (s >> 16) + (s & 0xFFFF);
        }
        return (int) (~s) & 0xFFFF;
    }

    static long pseudo(int src, int dst, int proto, int len) {
        return ((src >>> 16) & 0xFFFF) + (src & 0xFFFF) + ((dst >>> 16) & 0xFFFF) + (dst & 0xFFFF) + proto + len;
    }

    static ByteBuffer ethernet(byte[] dst, int type, int payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload);
        b.put(dst).put(MAC).putShort((short) type);
        return b;
    }

    static byte[] arpRequest(int senderIp, int targetIp) {
        ByteBuffer b = ethernet(BROADCAST, 0x0806, 28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.put(MAC).putInt(senderIp).put(new byte[6]).putInt(targetIp);
        return b.array();
    }

    static byte[] arpReply(int senderIp, byte[] targetMac, int targetIp) {
        ByteBuffer b = ethernet(targetMac, 0x0806, 28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 2);
        b.put(MAC).putInt(senderIp).put(targetMac).putInt(targetIp);
        return b.array();
    }

    /** An IPv4 packet in a frame to the router (or broadcast when dst is 255.255.255.255), header checksum set. */
    static ByteBuffer ipv4(int src, int dst, int proto, int l4len) {
        ByteBuffer b = ethernet(dst == -1 ? BROADCAST : ROUTER_MAC, 0x0800, 20 + l4len);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4len)).putShort((short) 0x1234)
                .putShort((short) 0x4000).put((byte) 64).put((byte) proto).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort(24, (short) checksum(b, 14, 34, 0));
        return b;
    }

    static byte[] udp(int src, int srcPort, int dst, int dstPort, byte[] data) {
        int len = 8 + data.length;
        ByteBuffer b = ipv4(src, dst, 17, len);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) len).putShort((short) 0).put(data);
        int sum = checksum(b, 34, 34 + len, pseudo(src, dst, 17, len));
        b.putShort(40, (short) (sum == 0 ? 0xFFFF : sum));
        return b.array();
    }

    static byte[] icmpEcho(int dst, int id, int seq, byte[] data) {
        int len = 8 + data.length;
        ByteBuffer b = ipv4(IP, dst, 1, len);
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(data);
        b.putShort(36, (short) checksum(b, 34, 34 + len, 0));
        return b.array();
    }

    static byte[] tcp(int srcPort, int dst, int dstPort, int seq, int ack, int flags, int window, byte[] data) {
        boolean syn = (flags & SYN) != 0;
        int header = syn ? 24 : 20;
        int len = header + data.length;
        ByteBuffer b = ipv4(IP, dst, 6, len);
        b.putShort((short) srcPort).putShort((short) dstPort).putInt(seq).putInt(ack)
                .put((byte) ((header / 4) << 4)).put((byte) flags).putShort((short) window).putShort((short) 0)
                .putShort((short) 0);
        if (syn) {
            b.put((byte) 2).put((byte) 4).putShort((short) 1460);
        }
        b.put(data);
        b.putShort(50, (short) checksum(b, 34, 34 + len, pseudo(IP, dst, 6, len)));
        return b.array();
    }

    /** A BOOTREQUEST with DHCP message type {@code type} and, when nonzero, a requested address. */
    static byte[] dhcp(int type, int xid, int requested) {
        ByteBuffer p = ByteBuffer.allocate(300);
        p.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(xid).putShort((short) 0)
                .putShort((short) 0x8000).putInt(0).putInt(0).putInt(0).putInt(0).put(MAC);
        p.position(236);
        p.putInt(0x63825363);
        p.put((byte) 53).put((byte) 1).put((byte) type);
        if (requested != 0) {
            p.put((byte) 50).put((byte) 4).putInt(requested);
            p.put((byte) 54).put((byte) 4).putInt(GATEWAY);
        }
        p.put((byte) 255);
        return udp(0, 68, -1, 67, p.array());
    }

    // ---- receiving and parsing

    /** Waits for a frame matching {@code what}, skipping (and keeping) others; fails after the timeout. */
    Frame expect(String description, Predicate<Frame> what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            long left = deadline - System.nanoTime();
            byte[] b = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
            if (b == null) {
                fail("no frame: " + description + "; skipped " + skipped);
            }
            Frame f = new Frame(b);
            if (what.test(f)) {
                return f;
            }
            skipped.add(f);
        }
    }

    /** Asserts that nothing matching {@code what} arrives within {@code millis}. */
    void expectNone(String description, Predicate<Frame> what, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            byte[] b = received.poll(left, TimeUnit.NANOSECONDS);
            if (b != null && what.test(new Frame(b))) {
                fail("unexpected frame: " + description + ": " + new Frame(b));
            }
        }
    }

    /** One frame from the stack, parsed, with its checksums verified. */
    static final class Frame {
        final byte[] raw;
        final ByteBuffer b;
        final int type;
        int proto = -1;
        int src;
        int dst;
        int srcPort;
        int dstPort;
        int seq;
        int ack;
        int flags;
        int window;
        int mss;
        byte[] payload = new byte[0];

        Frame(byte[] raw) {
            this.raw = raw;
            this.b = ByteBuffer.wrap(raw);
            assertTrue(raw.length >= 14);
            type = b.getShort(12) & 0xFFFF;
            if (type == 0x0800) {
                int ihl = (b.get(14) & 0xF) * 4;
                int total = b.getShort(16) & 0xFFFF;
                assertEquals(0, checksum(b, 14, 14 + ihl, 0), "IPv4 header checksum");
                assertEquals(14 + total, raw.length, "IPv4 total length");
                proto = b.get(23) & 0xFF;
                src = b.getInt(26);
                dst = b.getInt(30);
                int l4 = 14 + ihl;
                int l4len = total - ihl;
                if (proto == 17) {
                    assertEquals(0, checksum(b, l4, l4 + l4len, pseudo(src, dst, 17, l4len)), "UDP checksum");
                    srcPort = b.getShort(l4) & 0xFFFF;
                    dstPort = b.getShort(l4 + 2) & 0xFFFF;
                    assertEquals(l4len, b.getShort(l4 + 4) & 0xFFFF, "UDP length");
                    payload = slice(l4 + 8, l4len - 8);
                } else if (proto == 6) {
                    assertEquals(0, checksum(b, l4, l4 + l4len, pseudo(src, dst, 6, l4len)), "TCP checksum");
                    srcPort = b.getShort(l4) & 0xFFFF;
                    dstPort = b.getShort(l4 + 2) & 0xFFFF;
                    seq = b.getInt(l4 + 4);
                    ack = b.getInt(l4 + 8);
                    int header = ((b.get(l4 + 12) & 0xFF) >>> 4) * 4;
                    flags = b.get(l4 + 13) & 0x3F;
                    window = b.getShort(l4 + 14) & 0xFFFF;
                    if (header >= 24 && b.get(l4 + 20) == 2) {
                        mss = b.getShort(l4 + 22) & 0xFFFF;
                    }
                    payload = slice(l4 + header, l4len - header);
                } else if (proto == 1) {
                    assertEquals(0, checksum(b, l4, l4 + l4len, 0), "ICMP checksum");
                    payload = slice(l4, l4len);
                }
            }
        }

        private byte[] slice(int off, int len) {
            byte[] p = new byte[len];
            System.arraycopy(raw, off, p, 0, len);
            return p;
        }

        boolean isTcp() {
            return proto == 6;
        }

        boolean has(int flag) {
            return (flags & flag) == flag;
        }

        @Override
        public String toString() {
            if (type == 0x0806) {
                return "ARP op " + b.getShort(20);
            }
            return "IPv4 proto " + proto + " " + Integer.toHexString(src) + ":" + srcPort + " -> "
                    + Integer.toHexString(dst) + ":" + dstPort + " flags " + flags + " seq " + seq + " ack " + ack
                    + " len " + payload.length;
        }
    }
}
