package org.ppc440vm.netdev.user;

import static org.ppc440vm.netdev.user.FrameBuilder.TCP_ACK;
import static org.ppc440vm.netdev.user.FrameBuilder.TCP_FIN;
import static org.ppc440vm.netdev.user.FrameBuilder.TCP_RST;
import static org.ppc440vm.netdev.user.FrameBuilder.TCP_SYN;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The guest's TCP connections: checks each segment from the guest, finds its {@link TcpConnection} (or starts one for
 * a SYN to 10.0.2.2, or answers RST), opens connections for hostfwd, and runs the connections' timers. Only 10.0.2.2
 * is reachable (it stands for 127.0.0.1); a SYN to any other address gets RST, as from a closed port, and is counted
 * in {@code tcp.denied}. Used only on the stack's thread.
 */
final class TcpNat {
    static final int MAX_CONNECTIONS = 128;
    private static final int FIRST_FORWARD_PORT = 49152;

    private final UserStack stack;
    private final Map<Long, TcpConnection> connections = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private int nextForwardPort = FIRST_FORWARD_PORT;

    TcpNat(UserStack stack) {
        this.stack = stack;
    }

    private static long key(int guestIp, int guestPort, int remotePort) {
        return (long) guestIp << 32 | (long) guestPort << 16 | remotePort;
    }

    /** One TCP segment from the guest: {@code len} bytes at {@code off} of frame {@code f}, inside a valid IPv4 packet. */
    void segment(byte[] srcMac, int src, int dst, byte[] f, int off, int len) {
        if (len < FrameBuilder.TCP_HEADER) {
            stack.drop("tcp.malformed");
            return;
        }
        int header = (Wire.u8(f, off + 12) >>> 4) * 4;
        if (header < FrameBuilder.TCP_HEADER || header > len) {
            stack.drop("tcp.malformed");
            return;
        }
        if (Wire.finish(Wire.sum(f, off, len, Wire.pseudoHeader(src, dst, FrameBuilder.PROTO_TCP, len))) != 0) {
            stack.drop("tcp.badsum");
            return;
        }
        int srcPort = Wire.u16(f, off);
        int dstPort = Wire.u16(f, off + 2);
        int seq = Wire.i32(f, off + 4);
        int ack = Wire.i32(f, off + 8);
        int flags = Wire.u8(f, off + 13) & 0x3F;
        int window = Wire.u16(f, off + 14);
        int plen = len - header;
        int mss = (flags & TCP_SYN) != 0 ? mssOption(f, off + FrameBuilder.TCP_HEADER, off + header) : 0;

        if (dst != VirtualNetwork.GATEWAY || dstPort == 0 || srcPort == 0) {
            stack.drop("tcp.denied");
            if ((flags & TCP_RST) == 0) {
                reset(srcMac, src, srcPort, dst, dstPort, flags, seq, ack, plen);
            }
            return;
        }
        TcpConnection c = connections.get(key(src, srcPort, dstPort));
        if (c != null) {
            c.onSegment(srcMac, flags, seq, ack, window, mss, f, off + header, plen);
            return;
        }
        if ((flags & TCP_RST) != 0) {
            return;
        }
        if ((flags & (TCP_SYN | TCP_ACK | TCP_FIN)) != TCP_SYN) {
            stack.count("tcp.rx.nonexistent");
            reset(srcMac, src, srcPort, dst, dstPort, flags, seq, ack, plen);
            return;
        }
        if (connections.size() >= MAX_CONNECTIONS) {
            stack.drop("tcp.connections.full");
            reset(srcMac, src, srcPort, dst, dstPort, flags, seq, ack, plen);
            return;
        }
        SocketChannel host = null;
        try {
            host = SocketChannel.open();
            host.configureBlocking(false);
            host.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), dstPort));
            c = TcpConnection.outbound(this, stack, srcMac, src, srcPort, dstPort, seq, window, mss, host,
                    random.nextInt());
        } catch (IOException | RuntimeException e) {
            // Refused at once (nothing listening) is the common case on the loopback.
            stack.count("tcp.host.refused");
            closeQuietly(host);
            reset(srcMac, src, srcPort, dst, dstPort, flags, seq, ack, plen);
            return;
        }
        if (c.state != TcpConnection.State.CLOSED) {
            connections.put(key(src, srcPort, dstPort), c);
        }
        stack.count("tcp.opened");
    }

    /** A connection a hostfwd listener accepted: it goes into the guest from 10.0.2.2. */
    void forward(HostForward rule, SocketChannel host, int clientPort) {
        if (connections.size() >= MAX_CONNECTIONS) {
            stack.count("tcp.connections.full");
            closeQuietly(host);
            return;
        }
        int remotePort = clientPort;
        if (remotePort == 0 || connections.containsKey(key(rule.guestAddress, rule.guestPort, remotePort))) {
            remotePort = freeForwardPort(rule);
        }
        try {
            host.configureBlocking(false);
            TcpConnection c = TcpConnection.forwarded(this, stack, rule.guestAddress, rule.guestPort, remotePort, host,
                    random.nextInt());
            connections.put(key(rule.guestAddress, rule.guestPort, remotePort), c);
            stack.count("tcp.forwarded");
        } catch (IOException | RuntimeException e) {
            stack.count("tcp.host.error");
            closeQuietly(host);
        }
    }

    private int freeForwardPort(HostForward rule) {
        while (true) {
            int p = nextForwardPort;
            nextForwardPort = p == 65535 ? FIRST_FORWARD_PORT : p + 1;
            if (!connections.containsKey(key(rule.guestAddress, rule.guestPort, p))) {
                return p; // terminates: at most MAX_CONNECTIONS of the 16384 ports are in use
            }
        }
    }

    /** Fires due timers; returns the earliest remaining deadline (System.nanoTime), or Long.MAX_VALUE. */
    long tick(long now) {
        long next = Long.MAX_VALUE;
        List<TcpConnection> due = null;
        for (TcpConnection c : connections.values()) {
            if (c.deadline != 0) {
                if (now - c.deadline >= 0) {
                    if (due == null) {
                        due = new ArrayList<>();
                    }
                    due.add(c);
                } else if (c.deadline < next) {
                    next = c.deadline;
                }
            }
        }
        if (due != null) {
            for (TcpConnection c : due) {
                c.onTimeout(now);
                if (c.deadline != 0 && c.deadline < next) {
                    next = c.deadline;
                }
            }
        }
        return next;
    }

    void removed(TcpConnection c) {
        connections.remove(key(c.guestIp, c.guestPort, c.remotePort), c);
    }

    int connectionCount() {
        return connections.size();
    }

    void closeAll() {
        for (TcpConnection c : new ArrayList<>(connections.values())) {
            c.abort();
        }
    }

    /** RST for a segment that belongs to no connection (RFC 9293 3.10.7.1). */
    private void reset(byte[] mac, int src, int srcPort, int dst, int dstPort, int flags, int seq, int ack, int plen) {
        byte[] frame;
        if ((flags & TCP_ACK) != 0) {
            frame = stack.frames().tcp(mac, dst, dstPort, src, srcPort, ack, 0, TCP_RST, 0, 0, null, 0, 0);
        } else {
            int consumed = plen + ((flags & TCP_SYN) != 0 ? 1 : 0) + ((flags & TCP_FIN) != 0 ? 1 : 0);
            frame = stack.frames().tcp(mac, dst, dstPort, src, srcPort, 0, seq + consumed, TCP_RST | TCP_ACK, 0, 0,
                    null, 0, 0);
        }
        stack.deliver(frame);
    }

    /** The MSS option of a SYN (options between {@code from} and {@code to}), or 0. */
    private static int mssOption(byte[] f, int from, int to) {
        int i = from;
        while (i < to) {
            int kind = Wire.u8(f, i);
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            if (i + 1 >= to) {
                break;
            }
            int olen = Wire.u8(f, i + 1);
            if (olen < 2 || i + olen > to) {
                break;
            }
            if (kind == 2 && olen == 4) {
                return Wire.u16(f, i + 2);
            }
            i += olen;
        }
        return 0;
    }

    private static void closeQuietly(SocketChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // closing: nothing more to do
            }
        }
    }
}
