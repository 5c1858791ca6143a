package org.ppc440vm.netdev.user;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * UDP from the guest to 10.0.2.2, carried to the host's loopback: a datagram to 10.0.2.2:P leaves a host
 * {@link DatagramChannel} (bound to 127.0.0.1, one per guest source address and port) for 127.0.0.1:P, and any
 * datagram that channel receives from 127.0.0.1:X comes back to the guest from 10.0.2.2:X. A flow idle for
 * {@link #IDLE_NANOS} is closed. Datagrams from other host addresses, or too long for one frame, are dropped and
 * counted. Used only on the stack's thread.
 */
final class UdpNat {
    static final int MAX_FLOWS = 256;
    static final long IDLE_NANOS = 120_000_000_000L;
    /** Largest UDP payload in one unfragmented frame: MTU minus 20 bytes of IPv4 and 8 of UDP. */
    static final int MAX_PAYLOAD = VirtualNetwork.MTU - 28;
    /** How many datagrams one flow may deliver per selector wake-up, so one busy flow cannot starve the others. */
    private static final int BATCH = 32;

    private final UserStack stack;
    private final Map<Long, Flow> flows = new HashMap<>();
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(65536);
    private final byte[] receiveArray = new byte[MAX_PAYLOAD];
    private final InetAddress loopback;

    UdpNat(UserStack stack) {
        this.stack = stack;
        try {
            this.loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A datagram from the guest (guestIp:guestPort) to 10.0.2.2:dstPort. */
    void send(byte[] guestMac, int guestIp, int guestPort, int dstPort, byte[] data, int off, int len) {
        if (dstPort == 0 || guestPort == 0) {
            stack.drop("udp.badport");
            return;
        }
        long key = (long) guestIp << 16 | guestPort;
        Flow flow = flows.get(key);
        if (flow == null) {
            if (flows.size() >= MAX_FLOWS) {
                stack.drop("udp.flows.full");
                return;
            }
            try {
                flow = new Flow(guestIp, guestPort);
            } catch (IOException e) {
                stack.drop("udp.host.error");
                return;
            }
            flows.put(key, flow);
            stack.count("udp.flows.opened");
        }
        flow.guestMac = guestMac;
        flow.lastUse = System.nanoTime();
        try {
            if (flow.channel.send(ByteBuffer.wrap(data, off, len), new InetSocketAddress(loopback, dstPort)) == 0) {
                stack.drop("udp.host.full");
                return;
            }
            stack.count("udp.tx");
        } catch (IOException | RuntimeException e) {
            stack.drop("udp.host.error");
        }
    }

    /** Closes flows idle for too long. */
    void expire(long now) {
        for (Iterator<Flow> it = flows.values().iterator(); it.hasNext();) {
            Flow f = it.next();
            if (now - f.lastUse > IDLE_NANOS) {
                it.remove();
                f.close();
            }
        }
    }

    void closeAll() {
        List<Flow> all = new ArrayList<>(flows.values());
        flows.clear();
        for (Flow f : all) {
            f.close();
        }
    }

    int flowCount() {
        return flows.size();
    }

    /** One guest source address and port, and the host socket that stands for it. */
    private final class Flow implements Selectable {
        final int guestIp;
        final int guestPort;
        final DatagramChannel channel;
        byte[] guestMac;
        long lastUse;

        Flow(int guestIp, int guestPort) throws IOException {
            this.guestIp = guestIp;
            this.guestPort = guestPort;
            DatagramChannel c = DatagramChannel.open(java.net.StandardProtocolFamily.INET);
            try {
                c.configureBlocking(false);
                c.bind(new InetSocketAddress(loopback, 0));
                c.register(stack.selector(), SelectionKey.OP_READ, this);
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
            this.channel = c;
        }

        @Override
        public void onReady(SelectionKey key) throws IOException {
            for (int n = 0; n < BATCH; n++) {
                receiveBuffer.clear();
                SocketAddress from = channel.receive(receiveBuffer);
                if (from == null) {
                    return;
                }
                lastUse = System.nanoTime();
                InetSocketAddress source = (InetSocketAddress) from;
                if (!(source.getAddress() instanceof Inet4Address) || !source.getAddress().equals(loopback)) {
                    stack.count("udp.rx.foreign");
                    continue; // only 127.0.0.1 has a name (10.0.2.2) on the guest's network
                }
                receiveBuffer.flip();
                int len = receiveBuffer.remaining();
                if (len > MAX_PAYLOAD) {
                    stack.count("udp.rx.toolarge"); // would need IP fragmentation
                    continue;
                }
                receiveBuffer.get(receiveArray, 0, len);
                stack.count("udp.rx");
                stack.deliver(stack.frames().udp(guestMac, VirtualNetwork.GATEWAY, source.getPort(), guestIp, guestPort,
                        receiveArray, 0, len));
            }
        }

        @Override
        public void onFailure(Exception e) {
            stack.count("udp.host.error");
            flows.remove((long) guestIp << 16 | guestPort);
            close();
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // closing: nothing more to do
            }
        }
    }
}
