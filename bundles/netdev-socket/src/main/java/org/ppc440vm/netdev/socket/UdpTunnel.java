package org.ppc440vm.netdev.socket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.ppc440vm.api.net.FrameReceiver;
import org.ppc440vm.api.net.NetworkBackend;

/**
 * Ethernet frames over UDP, as QEMU's {@code -netdev socket,udp=...,localaddr=...}: one datagram per frame, no
 * header of our own, so it talks to QEMU as well as to another of our VMs. A {@link DatagramChannel} bound to the
 * local address sends each guest frame to the peer; a thread of its own receives datagrams and hands them to the
 * guest. Datagrams from anyone but the peer, and datagrams that are not a plausible frame, are dropped and counted.
 *
 * <p>{@link #send} runs on the caller's thread (a non-blocking send: a full socket buffer drops the frame, as a
 * busy wire would). Frames the receiver refuses wait, up to {@link #PENDING_QUEUE}, for {@link #receiverReady()}.
 */
final class UdpTunnel {
    static final int PENDING_QUEUE = 64;
    private static final long RETRY_MILLIS = 10;
    private static final long IDLE_MILLIS = 1000;

    private final String id;
    private final InetSocketAddress local;
    private final InetSocketAddress peer;
    private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private final AtomicBoolean receiverHasRoom = new AtomicBoolean();
    private volatile FrameReceiver receiver;
    private volatile boolean running;
    private DatagramChannel channel;
    private Selector selector;
    private Thread thread;
    private volatile InetSocketAddress boundAddress;

    UdpTunnel(String id, InetSocketAddress local, InetSocketAddress peer) {
        this.id = id;
        this.local = local;
        this.peer = peer;
    }

    /** Binds the local address (failing if it is taken) and starts the receiving thread. */
    synchronized void start() throws IOException {
        DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET);
        Selector s = null;
        try {
            c.configureBlocking(false);
            c.bind(local);
            s = Selector.open();
            c.register(s, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            c.close();
            if (s != null) {
                s.close();
            }
            throw e;
        }
        channel = c;
        selector = s;
        boundAddress = (InetSocketAddress) c.getLocalAddress();
        running = true;
        thread = new Thread(this::run, "netdev-socket-" + id);
        thread.setDaemon(true);
        thread.start();
    }

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

    /** The address really bound (with the real port when {@code localaddr} gave port 0). */
    InetSocketAddress localAddress() {
        return boundAddress;
    }

    boolean running() {
        return running;
    }

    // ---- from the guest (any thread)

    boolean send(ByteBuffer frame) {
        int len = frame.remaining();
        if (len < NetworkBackend.MIN_FRAME_SIZE || len > NetworkBackend.MAX_FRAME_SIZE || !running) {
            frame.position(frame.limit());
            count(!running ? "tx.stopped" : "tx.badlength");
            count(NetworkBackend.TX_DROPPED);
            return false;
        }
        try {
            if (channel.send(frame, peer) == 0) {
                frame.position(frame.limit());
                count("tx.socket.full");
                count(NetworkBackend.TX_DROPPED);
                return false;
            }
        } catch (IOException | RuntimeException e) {
            frame.position(frame.limit());
            count("tx.socket.error");
            count(NetworkBackend.TX_DROPPED);
            return false;
        }
        count(NetworkBackend.TX_FRAMES);
        return true;
    }

    synchronized void attach(FrameReceiver r) {
        receiver = r;
        receiverReady();
    }

    synchronized void detach(FrameReceiver r) {
        if (receiver == r) {
            receiver = null;
        }
    }

    void receiverReady() {
        receiverHasRoom.set(true);
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    // ---- to the guest (the tunnel's thread)

    private void run() {
        ByteBuffer in = ByteBuffer.allocateDirect(65536);
        try {
            while (running) {
                selector.select(pending.isEmpty() ? IDLE_MILLIS : RETRY_MILLIS);
                selector.selectedKeys().clear();
                if (receiverHasRoom.getAndSet(false) || !pending.isEmpty()) {
                    flushPending();
                }
                for (int n = 0; n < 64 && running; n++) {
                    in.clear();
                    SocketAddress from;
                    try {
                        from = channel.receive(in);
                    } catch (IOException e) {
                        count("rx.socket.error"); // an ICMP error from an earlier send, say: the socket goes on
                        continue;
                    }
                    if (from == null) {
                        break;
                    }
                    in.flip();
                    if (!peer.equals(from)) {
                        count("rx.foreign");
                        count(NetworkBackend.RX_DROPPED);
                        continue;
                    }
                    int len = in.remaining();
                    if (len < NetworkBackend.MIN_FRAME_SIZE || len > NetworkBackend.MAX_FRAME_SIZE) {
                        count("rx.badlength");
                        count(NetworkBackend.RX_DROPPED);
                        continue;
                    }
                    byte[] frame = new byte[len];
                    in.get(frame);
                    deliver(frame);
                }
            }
        } catch (IOException | RuntimeException e) {
            count("tunnel.failed");
        } finally {
            running = false;
            try {
                channel.close();
                selector.close();
            } catch (IOException e) {
                // closing: nothing more to do
            }
            pending.clear();
        }
    }

    private void deliver(byte[] frame) {
        FrameReceiver r = receiver;
        if (r == null) {
            count("rx.noreceiver");
            count(NetworkBackend.RX_DROPPED);
            return;
        }
        if (!pending.isEmpty() || !offer(r, frame)) {
            if (pending.size() >= PENDING_QUEUE) {
                count("rx.queue.full");
                count(NetworkBackend.RX_DROPPED);
                return;
            }
            pending.add(frame);
        }
    }

    private void flushPending() {
        FrameReceiver r = receiver;
        while (!pending.isEmpty()) {
            if (r == null) {
                pending.poll();
                count(NetworkBackend.RX_DROPPED);
                continue;
            }
            if (!offer(r, pending.peek())) {
                return;
            }
            pending.poll();
        }
    }

    private boolean offer(FrameReceiver r, byte[] frame) {
        boolean taken;
        try {
            taken = r.receive(ByteBuffer.wrap(frame));
        } catch (RuntimeException e) {
            count("rx.receiver.error");
            count(NetworkBackend.RX_DROPPED);
            return true;
        }
        if (taken) {
            count(NetworkBackend.RX_FRAMES);
        }
        return taken;
    }

    // ---- counters

    private void count(String name) {
        counters.computeIfAbsent(name, n -> new LongAdder()).increment();
    }

    long counter(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>();
        for (String standard : new String[] {NetworkBackend.TX_FRAMES, NetworkBackend.TX_DROPPED,
                NetworkBackend.RX_FRAMES, NetworkBackend.RX_DROPPED}) {
            m.put(standard, 0L);
        }
        counters.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    String describe() {
        InetSocketAddress b = boundAddress;
        return "socket: id=" + id + " udp=" + hostPort(peer) + " localaddr=" + hostPort(b != null ? b : local);
    }

    static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
