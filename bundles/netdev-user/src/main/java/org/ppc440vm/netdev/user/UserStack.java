package org.ppc440vm.netdev.user;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.ppc440vm.api.net.FrameReceiver;
import org.ppc440vm.api.net.NetworkBackend;

/**
 * A user-mode network stack in Java, like QEMU's {@code -netdev user}: the guest sees the network 10.0.2.0/24 with a
 * gateway at 10.0.2.2 and a DNS server at 10.0.2.3 (both answering ARP with 52:55:0a:00:02:02), gets 10.0.2.15 by
 * DHCP, pings the gateway, and reaches the host's loopback through the gateway: UDP and TCP to 10.0.2.2:P go to
 * 127.0.0.1:P (network address translation onto host sockets), and hostfwd rules bring host connections in.
 *
 * <p><b>Nothing leaves the host.</b> Unlike QEMU, the stack reaches no address but 127.0.0.1: packets to any other
 * destination are dropped and counted ({@code ip.denied}; a TCP SYN gets RST at once so that the guest's connect
 * fails fast), ICMP goes no further than the gateway, and the DNS server answers only {@code localhost}.
 *
 * <p>IPv4 only; no fragmentation (fragments from the guest are dropped and counted in {@code ip.fragment}; host
 * datagrams too long for one frame are dropped). Every check a frame fails drops it and counts it (the counters name
 * why); nothing a guest sends can throw into the caller of {@link #send}.
 *
 * <p>Threads: {@link #send} only copies the frame into a bounded queue and wakes the stack's single thread, which
 * owns all state, runs all sockets non-blocking on one selector and delivers frames for the guest to the attached
 * {@link FrameReceiver}. Frames the receiver refuses wait in a bounded queue until {@link #receiverReady()}.
 */
final class UserStack {
    /** Frames from the guest waiting for the stack's thread. */
    static final int GUEST_QUEUE = 1024;
    /** Frames for the guest waiting for receive buffers. */
    static final int PENDING_QUEUE = 256;
    private static final long MAX_SLEEP_MILLIS = 100;

    private final String id;
    /** The hostfwd rules; {@link #listeners} has each one's server at the same index. Replaced whole on updates. */
    private volatile List<HostForward> forwards;
    private final Counters counters = new Counters();
    private final FrameBuilder frames = new FrameBuilder();
    private final DhcpServer dhcp = new DhcpServer(counters);
    private final DnsResponder dns = new DnsResponder(counters);
    private final UdpNat udp;
    private final TcpNat tcp;
    /** Guest-side addresses seen (IPv4 to MAC), for frames the stack starts on its own (hostfwd SYNs). */
    private final Map<Integer, byte[]> neighbours = new HashMap<>();

    private final ArrayBlockingQueue<byte[]> fromGuest = new ArrayBlockingQueue<>(GUEST_QUEUE);
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final AtomicBoolean receiverHasRoom = new AtomicBoolean();
    private volatile FrameReceiver receiver;
    private volatile boolean running;
    private Selector selector;
    private Thread thread;
    private List<ServerSocketChannel> listeners = new ArrayList<>();
    private volatile List<InetSocketAddress> forwardAddresses = Collections.emptyList();

    UserStack(String id, List<HostForward> forwards) {
        this.id = id;
        this.forwards = List.copyOf(forwards);
        this.udp = new UdpNat(this);
        this.tcp = new TcpNat(this);
    }

    /** Opens the selector and the hostfwd listeners (failing if a port is taken) and starts the stack's thread. */
    synchronized void start() throws IOException {
        selector = Selector.open();
        List<InetSocketAddress> bound = new ArrayList<>();
        try {
            for (HostForward rule : forwards) {
                ServerSocketChannel server = ServerSocketChannel.open();
                listeners.add(server);
                server.configureBlocking(false);
                server.bind(new InetSocketAddress(InetAddress.getByAddress(toBytes(rule.hostAddress)), rule.hostPort));
                server.register(selector, SelectionKey.OP_ACCEPT, new Listener(rule, server));
                bound.add((InetSocketAddress) server.getLocalAddress());
            }
        } catch (IOException | RuntimeException e) {
            closeListeners();
            selector.close();
            throw e;
        }
        forwardAddresses = Collections.unmodifiableList(bound);
        running = true;
        thread = new Thread(this::run, "netdev-user-" + id);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Replaces the hostfwd rules while the stack runs (a configuration change): rules that stay keep their listener
     * and open connections, new ones are bound, dropped ones stop listening (their open connections stay). If a new
     * rule's port cannot be bound nothing changes and the reason is thrown.
     */
    synchronized void updateForwards(List<HostForward> rules) throws IOException {
        List<HostForward> old = forwards;
        if (!running) {
            forwards = List.copyOf(rules);
            return;
        }
        List<ServerSocketChannel> oldListeners = listeners;
        boolean[] reused = new boolean[old.size()];
        List<ServerSocketChannel> next = new ArrayList<>();
        List<InetSocketAddress> bound = new ArrayList<>();
        List<ServerSocketChannel> opened = new ArrayList<>();
        List<InetSocketAddress> oldBound = forwardAddresses;
        try {
            for (HostForward rule : rules) {
                int j = -1;
                for (int i = 0; i < old.size(); i++) {
                    if (!reused[i] && old.get(i).equals(rule) && i < oldListeners.size()) {
                        j = i;
                        break;
                    }
                }
                if (j >= 0) {
                    reused[j] = true;
                    next.add(oldListeners.get(j));
                    bound.add(oldBound.get(j));
                    continue;
                }
                ServerSocketChannel server = ServerSocketChannel.open();
                opened.add(server);
                server.configureBlocking(false);
                server.bind(new InetSocketAddress(InetAddress.getByAddress(toBytes(rule.hostAddress)), rule.hostPort));
                server.register(selector, SelectionKey.OP_ACCEPT, new Listener(rule, server));
                next.add(server);
                bound.add((InetSocketAddress) server.getLocalAddress());
            }
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel s : opened) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // undoing: nothing more to do
                }
            }
            throw e;
        }
        for (int i = 0; i < oldListeners.size(); i++) {
            if (!reused[i]) {
                try {
                    oldListeners.get(i).close(); // also cancels its selection key
                } catch (IOException ignored) {
                    // dropping the rule anyway
                }
            }
        }
        listeners = next;
        forwards = List.copyOf(rules);
        forwardAddresses = Collections.unmodifiableList(bound);
        selector.wakeup();
    }

    /** Stops the thread and closes every host socket. */
    void stop() {
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            t = thread;
        }
        selector.wakeup();
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the NetworkBackend side (any thread)

    boolean send(ByteBuffer frame) {
        int len = frame.remaining();
        if (len < NetworkBackend.MIN_FRAME_SIZE || len > NetworkBackend.MAX_FRAME_SIZE || !running) {
            frame.position(frame.limit());
            counters.increment(len < NetworkBackend.MIN_FRAME_SIZE ? "eth.runt" : len > NetworkBackend.MAX_FRAME_SIZE
                    ? "eth.toolong" : "stack.stopped");
            counters.increment(NetworkBackend.TX_DROPPED);
            return false;
        }
        byte[] copy = new byte[len];
        frame.get(copy);
        if (!fromGuest.offer(copy)) {
            counters.increment("tx.queue.full");
            counters.increment(NetworkBackend.TX_DROPPED);
            return false;
        }
        counters.increment(NetworkBackend.TX_FRAMES);
        if (!wakeupPending.getAndSet(true)) {
            selector.wakeup();
        }
        return true;
    }

    void attach(FrameReceiver r) {
        synchronized (this) {
            receiver = r;
        }
        receiverReady();
    }

    void detach(FrameReceiver r) {
        synchronized (this) {
            if (receiver == r) {
                receiver = null;
            }
        }
    }

    void receiverReady() {
        receiverHasRoom.set(true);
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    boolean running() {
        return running;
    }

    Map<String, Long> counters() {
        Map<String, Long> m = counters.snapshot();
        for (String standard : new String[] {NetworkBackend.TX_FRAMES, NetworkBackend.TX_DROPPED,
                NetworkBackend.RX_FRAMES, NetworkBackend.RX_DROPPED}) {
            m.putIfAbsent(standard, 0L);
        }
        return m;
    }

    long counter(String name) {
        return counters.get(name);
    }

    /** The host addresses the hostfwd rules listen on (with the real port when the rule asked for port 0). */
    List<InetSocketAddress> forwardAddresses() {
        return forwardAddresses;
    }

    String describe() {
        StringBuilder s = new StringBuilder("user: id=" + id + " net=10.0.2.0/24 gateway=10.0.2.2 dns=10.0.2.3"
                + " dhcp=10.0.2.15");
        List<InetSocketAddress> bound = forwardAddresses;
        List<HostForward> rules = forwards;
        for (int i = 0; i < rules.size(); i++) {
            HostForward rule = rules.get(i);
            int port = i < bound.size() ? bound.get(i).getPort() : rule.hostPort;
            s.append(" hostfwd=tcp:").append(Wire.ip(rule.hostAddress)).append(':').append(port).append('-')
                    .append(Wire.ip(rule.guestAddress)).append(':').append(rule.guestPort);
        }
        return s.toString();
    }

    // ---- the stack's thread

    private void run() {
        try {
            while (running) {
                long now = System.nanoTime();
                long next = tcp.tick(now);
                udp.expire(now);
                long sleep = MAX_SLEEP_MILLIS;
                if (next != Long.MAX_VALUE) {
                    sleep = Math.max(1, Math.min(MAX_SLEEP_MILLIS, (next - now) / 1_000_000 + 1));
                }
                if (!pending.isEmpty()) {
                    sleep = Math.min(sleep, 10); // retry a receiver that refused, in case it never says it has room
                }
                selector.select(sleep);
                wakeupPending.set(false);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Selectable s = (Selectable) key.attachment();
                    try {
                        s.onReady(key);
                    } catch (IOException | RuntimeException e) {
                        s.onFailure(e);
                    }
                }
                byte[] frame;
                while ((frame = fromGuest.poll()) != null) {
                    try {
                        handleFrame(frame);
                    } catch (RuntimeException e) {
                        // A bug of ours on a strange frame: drop the frame, keep the stack running.
                        drop("stack.error");
                    }
                }
                if (receiverHasRoom.getAndSet(false) || !pending.isEmpty()) {
                    flushPending();
                }
            }
        } catch (IOException | RuntimeException e) {
            counters.increment("stack.failed");
            running = false;
        } finally {
            tcp.closeAll();
            udp.closeAll();
            closeListeners();
            try {
                selector.close();
            } catch (IOException e) {
                // closing: nothing more to do
            }
            fromGuest.clear();
            pending.clear();
        }
    }

    private synchronized void closeListeners() {
        for (ServerSocketChannel s : listeners) {
            try {
                s.close();
            } catch (IOException e) {
                // closing: nothing more to do
            }
        }
        listeners.clear();
    }

    // ---- what the protocol handlers use (stack thread)

    Selector selector() {
        return selector;
    }

    FrameBuilder frames() {
        return frames;
    }

    void count(String name) {
        counters.increment(name);
    }

    /** Counts a dropped guest frame: why, and in the total. */
    void drop(String why) {
        counters.increment(why);
        counters.increment(NetworkBackend.TX_DROPPED);
    }

    byte[] neighbour(int ip) {
        return neighbours.get(ip);
    }

    /** Asks the guest side who has {@code ip} (ARP request); the answer fills the neighbour table. */
    void requestNeighbour(int ip) {
        count("arp.requests.sent");
        deliver(FrameBuilder.arp(1, VirtualNetwork.BROADCAST_MAC, VirtualNetwork.GATEWAY, new byte[6], ip));
    }

    /** Hands one frame to the guest, or queues it (bounded) while the receiver has no room. */
    void deliver(byte[] frame) {
        FrameReceiver r = receiver;
        if (r == null) {
            counters.increment("rx.noreceiver");
            counters.increment(NetworkBackend.RX_DROPPED);
            return;
        }
        if (!pending.isEmpty() || !offer(r, frame)) {
            if (pending.size() >= PENDING_QUEUE) {
                counters.increment("rx.queue.full");
                counters.increment(NetworkBackend.RX_DROPPED);
                return;
            }
            pending.add(frame);
        }
    }

    private void flushPending() {
        FrameReceiver r = receiver;
        while (!pending.isEmpty()) {
            if (r == null) {
                counters.increment(NetworkBackend.RX_DROPPED);
                pending.poll();
                continue;
            }
            if (!offer(r, pending.peek())) {
                return;
            }
            pending.poll();
        }
    }

    /** One offer to the receiver; true when the frame is gone (taken, or lost to a failing receiver). */
    private boolean offer(FrameReceiver r, byte[] frame) {
        boolean taken;
        try {
            taken = r.receive(ByteBuffer.wrap(frame));
        } catch (RuntimeException e) {
            counters.increment("rx.receiver.error");
            counters.increment(NetworkBackend.RX_DROPPED);
            return true;
        }
        if (taken) {
            counters.increment(NetworkBackend.RX_FRAMES);
        }
        return taken;
    }

    // ---- frames from the guest (stack thread)

    private void handleFrame(byte[] f) {
        int len = f.length;
        boolean toRouter = equalsMac(f, 0, VirtualNetwork.ROUTER_MAC);
        boolean broadcast = equalsMac(f, 0, VirtualNetwork.BROADCAST_MAC);
        if (!toRouter && !broadcast) {
            drop("eth.notforus"); // multicast (IPv6 neighbour discovery, ...) or another station
            return;
        }
        byte[] srcMac = new byte[6];
        System.arraycopy(f, 6, srcMac, 0, 6);
        if ((srcMac[0] & 1) != 0) {
            drop("eth.badsource"); // a group address is never a sender
            return;
        }
        int type = Wire.u16(f, 12);
        if (type == FrameBuilder.ETHERTYPE_ARP) {
            handleArp(f, len, srcMac);
        } else if (type == FrameBuilder.ETHERTYPE_IPV4) {
            handleIpv4(f, len, srcMac, broadcast);
        } else {
            drop("eth.unsupported");
        }
    }

    private void handleArp(byte[] f, int len, byte[] srcMac) {
        if (len < FrameBuilder.ETH_HEADER + 28 || Wire.u16(f, 14) != 1 || Wire.u16(f, 16) != FrameBuilder.ETHERTYPE_IPV4
                || Wire.u8(f, 18) != 6 || Wire.u8(f, 19) != 4) {
            drop("arp.malformed");
            return;
        }
        int op = Wire.u16(f, 20);
        byte[] senderMac = new byte[6];
        System.arraycopy(f, 22, senderMac, 0, 6);
        int senderIp = Wire.i32(f, 28);
        int targetIp = Wire.i32(f, 38);
        learn(senderIp, senderMac);
        if (op == 1 && VirtualNetwork.isRouterAddress(targetIp)) {
            count("arp.replies");
            deliver(FrameBuilder.arp(2, srcMac, targetIp, senderMac, senderIp));
        } else if (op != 2) {
            count("arp.ignored"); // a request for someone else (the guest probing its own address, ...)
        }
    }

    private void learn(int ip, byte[] mac) {
        if (ip != 0 && VirtualNetwork.inNetwork(ip) && !VirtualNetwork.isRouterAddress(ip)
                && ip != VirtualNetwork.SUBNET_BROADCAST && (mac[0] & 1) == 0) {
            if (!neighbours.containsKey(ip) && neighbours.size() >= 256) {
                return;
            }
            neighbours.put(ip, mac);
        }
    }

    private void handleIpv4(byte[] f, int len, byte[] srcMac, boolean broadcastFrame) {
        final int ip = FrameBuilder.ETH_HEADER;
        if (len < ip + FrameBuilder.IP_HEADER) {
            drop("ip.malformed");
            return;
        }
        int versionIhl = Wire.u8(f, ip);
        int ihl = (versionIhl & 0xF) * 4;
        int total = Wire.u16(f, ip + 2);
        if ((versionIhl >>> 4) != 4 || ihl < FrameBuilder.IP_HEADER || total < ihl || ip + total > len) {
            drop("ip.malformed");
            return;
        }
        if (Wire.checksum(f, ip, ihl) != 0) {
            drop("ip.badsum");
            return;
        }
        if ((Wire.u16(f, ip + 6) & 0x3FFF) != 0) {
            drop("ip.fragment"); // more-fragments set or a fragment offset: we do not reassemble
            return;
        }
        int protocol = Wire.u8(f, ip + 9);
        int src = Wire.i32(f, ip + 12);
        int dst = Wire.i32(f, ip + 16);
        int l4 = ip + ihl;
        int l4len = total - ihl;
        learn(src, srcMac);
        boolean toBroadcast = dst == VirtualNetwork.BROADCAST || dst == VirtualNetwork.SUBNET_BROADCAST;
        if (broadcastFrame && !toBroadcast) {
            drop("ip.badbroadcast"); // unicast IP in a broadcast frame
            return;
        }
        if (!VirtualNetwork.isRouterAddress(dst) && !toBroadcast && protocol != FrameBuilder.PROTO_TCP) {
            drop("ip.denied"); // beyond 10.0.2.2 and 10.0.2.3 only the host's loopback is reachable, via 10.0.2.2
            return;
        }
        switch (protocol) {
            case FrameBuilder.PROTO_ICMP:
                handleIcmp(f, l4, l4len, srcMac, src, dst);
                break;
            case FrameBuilder.PROTO_UDP:
                handleUdp(f, l4, l4len, srcMac, src, dst);
                break;
            case FrameBuilder.PROTO_TCP:
                if (toBroadcast) {
                    drop("ip.denied");
                } else {
                    if (!VirtualNetwork.isRouterAddress(dst)) {
                        count("ip.denied");
                    }
                    tcp.segment(srcMac, src, dst, f, l4, l4len);
                }
                break;
            default:
                drop("ip.unsupported");
        }
    }

    private void handleIcmp(byte[] f, int off, int len, byte[] srcMac, int src, int dst) {
        if (len < 8 || Wire.checksum(f, off, len) != 0) {
            drop("icmp.malformed");
            return;
        }
        int type = Wire.u8(f, off);
        int code = Wire.u8(f, off + 1);
        if (type == 8 && code == 0 && VirtualNetwork.isRouterAddress(dst)) {
            count("icmp.echo");
            deliver(frames.icmp(srcMac, dst, src, 0, 0, Wire.i32(f, off + 4), f, off + 8, len - 8));
        } else {
            drop("icmp.dropped"); // only echo requests to the gateway and the DNS server are answered
        }
    }

    private void handleUdp(byte[] f, int off, int len, byte[] srcMac, int src, int dst) {
        if (len < FrameBuilder.UDP_HEADER) {
            drop("udp.malformed");
            return;
        }
        int udpLength = Wire.u16(f, off + 4);
        if (udpLength < FrameBuilder.UDP_HEADER || udpLength > len) {
            drop("udp.malformed");
            return;
        }
        if (Wire.u16(f, off + 6) != 0 && Wire.finish(Wire.sum(f, off, udpLength,
                Wire.pseudoHeader(src, dst, FrameBuilder.PROTO_UDP, udpLength))) != 0) {
            drop("udp.badsum");
            return;
        }
        int srcPort = Wire.u16(f, off);
        int dstPort = Wire.u16(f, off + 2);
        int data = off + FrameBuilder.UDP_HEADER;
        int dataLen = udpLength - FrameBuilder.UDP_HEADER;
        if (dstPort == DhcpServer.SERVER_PORT && dst != VirtualNetwork.DNS) {
            byte[] reply = dhcp.handle(f, data, dataLen);
            if (reply != null) {
                deliver(frames.udp(VirtualNetwork.BROADCAST_MAC, VirtualNetwork.GATEWAY, DhcpServer.SERVER_PORT,
                        VirtualNetwork.BROADCAST, DhcpServer.CLIENT_PORT, reply, 0, reply.length));
            }
        } else if (dst == VirtualNetwork.DNS && dstPort == DnsResponder.PORT) {
            byte[] reply = dns.handle(f, data, dataLen);
            if (reply != null) {
                deliver(frames.udp(srcMac, VirtualNetwork.DNS, DnsResponder.PORT, src, srcPort, reply, 0,
                        reply.length));
            }
        } else if (dst == VirtualNetwork.GATEWAY) {
            udp.send(srcMac, src, srcPort, dstPort, f, data, dataLen);
        } else {
            drop("udp.denied");
        }
    }

    private static boolean equalsMac(byte[] f, int off, byte[] mac) {
        for (int i = 0; i < 6; i++) {
            if (f[off + i] != mac[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] toBytes(int ip) {
        return new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
    }

    // ---- hostfwd

    /** A hostfwd listener: each accepted host connection becomes a guest connection. */
    private final class Listener implements Selectable {
        private final HostForward rule;
        private final ServerSocketChannel server;

        Listener(HostForward rule, ServerSocketChannel server) {
            this.rule = rule;
            this.server = server;
        }

        @Override
        public void onReady(SelectionKey key) throws IOException {
            for (int n = 0; n < 16; n++) {
                SocketChannel c = server.accept();
                if (c == null) {
                    return;
                }
                InetSocketAddress remote = (InetSocketAddress) c.getRemoteAddress();
                tcp.forward(rule, c, remote == null ? 0 : remote.getPort());
            }
        }

        @Override
        public void onFailure(Exception e) {
            count("hostfwd.error"); // one failed accept; the listener stays
        }
    }

    /** Open TCP connections; read without synchronisation, so only approximate from other threads (tests poll it). */
    int tcpConnections() {
        return tcp.connectionCount();
    }

    /** Open UDP flows; approximate from other threads, like {@link #tcpConnections()}. */
    int udpFlows() {
        return udp.flowCount();
    }
}
