package org.ppc440vm.netdev.user;

import static org.ppc440vm.netdev.user.FrameBuilder.TCP_ACK;
import static org.ppc440vm.netdev.user.FrameBuilder.TCP_FIN;
import static org.ppc440vm.netdev.user.FrameBuilder.TCP_PSH;
import static org.ppc440vm.netdev.user.FrameBuilder.TCP_RST;
import static org.ppc440vm.netdev.user.FrameBuilder.TCP_SYN;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One TCP connection of the guest, spliced to a host {@link SocketChannel} on the loopback. Toward the guest this is
 * a small TCP endpoint (RFC 793/9293) speaking as 10.0.2.2:{@link #remotePort}: the three-way handshake in either
 * direction, data with sequence and acknowledgement tracking, the guest's receive window (with zero-window probes),
 * retransmission of unacknowledged data by going back to the oldest unacknowledged byte on a timeout that doubles
 * each time, FIN in both directions independently (half-close), and RST. No window scaling, SACK or timestamps: the
 * stack never offers them, so the guest never uses them.
 *
 * <p>Bytes from the host wait in {@link #toGuest} until the guest acknowledges them; bytes from the guest wait in
 * {@link #toHost} until the host socket takes them, and the window the stack advertises is that buffer's free space,
 * so a slow host reader slows the guest down instead of growing a buffer. Used only on the stack's thread.
 */
final class TcpConnection implements Selectable {
    static final int BUFFER = 64 * 1024;
    static final long INITIAL_RTO_NANOS = 250_000_000L;
    static final long MAX_RTO_NANOS = 8_000_000_000L;
    static final int MAX_RETRIES = 12;
    static final long CONNECT_TIMEOUT_NANOS = 10_000_000_000L;
    /** The guest's MSS when its SYN carries none (RFC 9293 default). */
    static final int DEFAULT_MSS = 536;

    enum State {
        /** The guest sent SYN; the host connect is in progress; the guest has had no answer yet. */
        CONNECTING,
        /** hostfwd: the host connected; the stack sent SYN to the guest and waits for SYN-ACK. */
        SYN_SENT,
        /** The host connected; the stack answered the guest's SYN with SYN-ACK and waits for its ACK. */
        SYN_RECEIVED,
        /** Data flows (each direction may have been closed with FIN). */
        ESTABLISHED,
        /** Gone: sockets closed, removed from the table. */
        CLOSED
    }

    private final TcpNat nat;
    private final UserStack stack;
    final int guestIp;
    final int guestPort;
    final int remotePort;
    private byte[] guestMac;
    private final SocketChannel host;
    private SelectionKey key;
    State state;

    private final int iss;
    private int sndUna;
    private int sndNxt;
    /** The highest sequence number sent (sndNxt can fall back below it after a retransmission timeout). */
    private int sndMax;
    private int rcvNxt;
    private int guestWindow;
    private int guestMss = DEFAULT_MSS;

    /** Host bytes from sequence number sndUna on: toGuest[head, tail). */
    private final byte[] toGuest = new byte[BUFFER];
    private int head;
    private int tail;
    /** Guest bytes for the host, in write mode: [0, position). */
    private final ByteBuffer toHost = ByteBuffer.allocate(BUFFER - 1); // the advertised window fits 16 bits
    private int lastWindowSent;

    private boolean hostEof;
    private boolean finSent;
    private boolean finAcked;
    private boolean guestFin;
    private boolean hostOutputShut;

    private long rtoNanos = INITIAL_RTO_NANOS;
    /** When to retransmit (or probe, or give up connecting); 0 = no timer. */
    long deadline;
    private int retries;

    private TcpConnection(TcpNat nat, UserStack stack, int guestIp, int guestPort, int remotePort, byte[] guestMac,
            SocketChannel host, State state, int iss) {
        this.nat = nat;
        this.stack = stack;
        this.guestIp = guestIp;
        this.guestPort = guestPort;
        this.remotePort = remotePort;
        this.guestMac = guestMac;
        this.host = host;
        this.state = state;
        this.iss = iss;
        this.sndUna = iss;
        this.sndNxt = iss;
        this.sndMax = iss;
    }

    /** The guest's SYN to 10.0.2.2:remotePort: starts the host connect; the guest hears back when it completes. */
    static TcpConnection outbound(TcpNat nat, UserStack stack, byte[] guestMac, int guestIp, int guestPort,
            int remotePort, int guestIsn, int guestWindow, int guestMss, SocketChannel host, int iss)
            throws IOException {
        TcpConnection c = new TcpConnection(nat, stack, guestIp, guestPort, remotePort, guestMac, host,
                State.CONNECTING, iss);
        c.rcvNxt = guestIsn + 1;
        c.guestWindow = guestWindow;
        if (guestMss > 0) {
            c.guestMss = guestMss;
        }
        c.deadline = System.nanoTime() + CONNECT_TIMEOUT_NANOS;
        c.key = host.register(stack.selector(), 0, c);
        if (host.isConnected()) {
            c.hostConnected();
        } else {
            c.updateInterest();
        }
        return c;
    }

    /** A host connection accepted by a hostfwd listener: the stack opens the guest side with SYN. */
    static TcpConnection forwarded(TcpNat nat, UserStack stack, int guestIp, int guestPort, int remotePort,
            SocketChannel host, int iss) throws IOException {
        TcpConnection c = new TcpConnection(nat, stack, guestIp, guestPort, remotePort, null, host, State.SYN_SENT,
                iss);
        c.key = host.register(stack.selector(), 0, c);
        c.sndNxt = iss + 1;
        c.sndMax = c.sndNxt;
        c.sendSyn();
        c.armTimer();
        return c;
    }

    // ---- segments from the guest

    /** One segment from the guest, already checked (checksum, lengths) by {@link TcpNat}. */
    void onSegment(byte[] srcMac, int flags, int seq, int ack, int window, int mss, byte[] f, int poff, int plen) {
        guestMac = srcMac;
        if ((flags & TCP_RST) != 0) {
            if (acceptableReset(flags, seq, ack)) {
                stack.count("tcp.rst.from.guest");
                close();
            }
            return;
        }
        switch (state) {
            case CONNECTING:
                return; // a retransmitted SYN while the host connect is still going: the answer will come
            case SYN_SENT:
                if ((flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) && ack == iss + 1) {
                    rcvNxt = seq + 1;
                    sndUna = ack;
                    guestWindow = window;
                    if (mss > 0) {
                        guestMss = mss;
                    }
                    established();
                    sendAck();
                    pushToGuest();
                } else if ((flags & TCP_ACK) != 0) {
                    sendSegment(TCP_RST, ack, null, 0, 0, 0);
                }
                return;
            case SYN_RECEIVED:
                if ((flags & TCP_SYN) != 0) {
                    if (seq + 1 == rcvNxt) {
                        sendSynAck(); // our SYN-ACK was lost
                    }
                    return;
                }
                if ((flags & TCP_ACK) == 0) {
                    return;
                }
                if (ack != iss + 1) {
                    sendSegment(TCP_RST, ack, null, 0, 0, 0);
                    return;
                }
                established();
                break; // the ACK may carry data: handle it as established
            case ESTABLISHED:
                if ((flags & TCP_SYN) != 0) {
                    sendAck(); // a retransmitted SYN-ACK: our ACK was lost
                    return;
                }
                break;
            default:
                return;
        }
        if ((flags & TCP_ACK) != 0) {
            onAck(ack, window);
            if (state == State.CLOSED) {
                return;
            }
        }
        boolean fin = (flags & TCP_FIN) != 0;
        if (plen > 0 || fin) {
            receive(seq, f, poff, plen, fin);
        } else if (seq - rcvNxt < 0) {
            sendAck(); // a keep-alive probe (one below what we expect): it wants an ACK
        }
        finishIfDone();
    }

    private boolean acceptableReset(int flags, int seq, int ack) {
        if (state == State.SYN_SENT) {
            return (flags & TCP_ACK) != 0 && ack == iss + 1;
        }
        int offset = seq - rcvNxt;
        return offset >= 0 && offset <= Math.max(toHost.remaining(), 1);
    }

    private void onAck(int ack, int window) {
        if (after(ack, sndMax)) {
            sendAck(); // acknowledges something never sent
            return;
        }
        if (after(ack, sndUna)) {
            int acked = ack - sndUna;
            int buffered = tail - head;
            int dataAcked = Math.min(acked, buffered);
            head += dataAcked;
            if (head == tail) {
                head = 0;
                tail = 0;
            }
            if (acked > dataAcked) {
                finAcked = true; // the only thing after the data is our FIN
            }
            sndUna = ack;
            if (after(sndUna, sndNxt)) {
                sndNxt = sndUna; // an original segment arrived after we had gone back to retransmit
            }
            retries = 0;
            rtoNanos = INITIAL_RTO_NANOS;
            deadline = 0;
            if (sndUna != sndNxt) {
                armTimer();
            }
        }
        guestWindow = window;
        pushToGuest();
        updateInterest();
    }

    private void receive(int seq, byte[] f, int poff, int plen, boolean fin) {
        int offset = rcvNxt - seq; // bytes of this segment we already have
        if (offset < 0 || offset > plen || guestFin) {
            stack.count(offset < 0 ? "tcp.rx.outoforder" : "tcp.rx.duplicate");
            sendAck(); // out of order (a hole before it) or old: the ACK tells the guest what we still need
            return;
        }
        int take = Math.min(plen - offset, toHost.remaining());
        toHost.put(f, poff + offset, take);
        rcvNxt += take;
        if (take < plen - offset) {
            stack.count("tcp.rx.window.overrun");
        }
        if (fin && offset + take == plen) {
            guestFin = true;
            rcvNxt += 1;
        }
        if (take > 0) {
            writeToHost();
        } else if (guestFin) {
            shutHostOutputWhenDrained();
        }
        if (state != State.CLOSED) {
            sendAck();
            updateInterest();
        }
    }

    // ---- the host side

    @Override
    public void onReady(SelectionKey k) throws IOException {
        if (!k.isValid()) {
            return;
        }
        if (state == State.CONNECTING && k.isConnectable()) {
            try {
                if (host.finishConnect()) {
                    hostConnected();
                }
            } catch (IOException e) {
                stack.count("tcp.host.refused");
                refuse();
            }
            return;
        }
        if (k.isWritable()) {
            writeToHost();
        }
        if (state == State.ESTABLISHED && k.isValid() && k.isReadable()) {
            readFromHost();
        }
        if (state != State.CLOSED) {
            updateInterest();
            finishIfDone();
        }
    }

    @Override
    public void onFailure(Exception e) {
        stack.count("tcp.host.error");
        abort();
    }

    private void hostConnected() {
        state = State.SYN_RECEIVED;
        sndNxt = iss + 1;
        sndMax = sndNxt;
        sendSynAck();
        deadline = 0;
        armTimer();
        updateInterest();
    }

    private void readFromHost() throws IOException {
        if (hostEof) {
            return;
        }
        if (head > 0 && BUFFER - tail < BUFFER / 4) {
            System.arraycopy(toGuest, head, toGuest, 0, tail - head);
            tail -= head;
            head = 0;
        }
        if (tail == BUFFER) {
            return;
        }
        int n = host.read(ByteBuffer.wrap(toGuest, tail, BUFFER - tail));
        if (n < 0) {
            hostEof = true;
        } else {
            tail += n;
        }
        pushToGuest();
    }

    private void writeToHost() {
        if (toHost.position() > 0) {
            toHost.flip();
            try {
                host.write(toHost);
            } catch (IOException e) {
                toHost.compact();
                stack.count("tcp.host.error");
                abort();
                return;
            }
            toHost.compact();
            // The window had closed below a segment and has opened again: say so, or the guest waits for a probe.
            if (lastWindowSent < VirtualNetwork.MSS && toHost.remaining() >= VirtualNetwork.MSS
                    && state == State.ESTABLISHED) {
                sendAck();
            }
        }
        shutHostOutputWhenDrained();
    }

    private void shutHostOutputWhenDrained() {
        if (guestFin && !hostOutputShut && toHost.position() == 0) {
            hostOutputShut = true;
            try {
                host.shutdownOutput();
            } catch (IOException e) {
                // the host side is gone already; its read side will tell
            }
        }
    }

    // ---- segments to the guest

    /** Sends what the guest's window allows of the unsent host bytes, and our FIN once they are all sent. */
    private void pushToGuest() {
        if (state != State.ESTABLISHED || guestMac == null) {
            return;
        }
        int mss = Math.min(guestMss, VirtualNetwork.MSS);
        while (!finSent) {
            int inFlight = sndNxt - sndUna;
            int unsent = (tail - head) - inFlight;
            if (unsent > 0) {
                int n = Math.min(Math.min(unsent, mss), guestWindow - inFlight);
                if (n <= 0) {
                    if (guestWindow == 0 && deadline == 0) {
                        armTimer(); // the zero-window probe
                    }
                    return;
                }
                sendSegment(TCP_ACK | TCP_PSH, sndNxt, toGuest, head + inFlight, n, 0);
                sndNxt += n;
            } else if (hostEof) {
                sendSegment(TCP_ACK | TCP_FIN, sndNxt, null, 0, 0, 0);
                finSent = true;
                sndNxt += 1;
            } else {
                return;
            }
            if (after(sndNxt, sndMax)) {
                sndMax = sndNxt;
            }
            if (deadline == 0) {
                armTimer();
            }
        }
    }

    /** The timer fired: retransmit (going back to the oldest unacknowledged byte), probe, or give up. */
    void onTimeout(long now) {
        deadline = 0;
        if (state == State.CONNECTING) {
            stack.count("tcp.host.timeout");
            refuse();
            return;
        }
        if (state == State.ESTABLISHED && guestWindow == 0 && tail > head && guestMac != null) {
            // Persist: the guest's window is shut. Probe it with one byte beyond the window, for as long as it takes
            // (a reader that is merely slow is no reason to give up); its ACK carries the window when it reopens.
            stack.count("tcp.tx.probe");
            sendSegment(TCP_ACK, sndUna, toGuest, head, 1, 0);
            sndNxt = sndUna;
            finSent = false;
            if (after(sndUna + 1, sndMax)) {
                sndMax = sndUna + 1; // so that an ACK of the probe byte counts
            }
            backOff();
            armTimer();
            return;
        }
        if (state == State.ESTABLISHED && sndUna == sndMax) {
            return; // nothing outstanding
        }
        if (++retries > MAX_RETRIES) {
            stack.count("tcp.tx.gaveup");
            abort();
            return;
        }
        stack.count("tcp.tx.retransmit");
        backOff();
        switch (state) {
            case SYN_SENT:
                sendSyn();
                armTimer();
                return;
            case SYN_RECEIVED:
                sendSynAck();
                armTimer();
                return;
            case ESTABLISHED:
                sndNxt = sndUna;
                finSent = false;
                pushToGuest();
                if (deadline == 0) {
                    armTimer();
                }
                return;
            default:
        }
    }

    private void backOff() {
        rtoNanos = Math.min(rtoNanos * 2, MAX_RTO_NANOS);
    }

    private void armTimer() {
        deadline = System.nanoTime() + rtoNanos;
    }

    private void sendSyn() {
        if (guestMac == null) {
            guestMac = stack.neighbour(guestIp);
        }
        if (guestMac == null) {
            stack.requestNeighbour(guestIp); // the SYN goes out at the next retransmission
            return;
        }
        sendSegment(TCP_SYN, iss, null, 0, 0, VirtualNetwork.MSS);
    }

    private void sendSynAck() {
        sendSegment(TCP_SYN | TCP_ACK, iss, null, 0, 0, VirtualNetwork.MSS);
    }

    private void sendAck() {
        sendSegment(TCP_ACK, sndNxt, null, 0, 0, 0);
    }

    private void sendSegment(int flags, int seq, byte[] data, int off, int len, int mssOption) {
        if (guestMac == null) {
            return;
        }
        int window = toHost.remaining();
        if ((flags & TCP_ACK) != 0) {
            lastWindowSent = window;
        }
        stack.deliver(stack.frames().tcp(guestMac, VirtualNetwork.GATEWAY, remotePort, guestIp, guestPort, seq,
                rcvNxt, flags, window, mssOption, data, off, len));
    }

    // ---- the end

    private void established() {
        state = State.ESTABLISHED;
        sndUna = iss + 1;
        retries = 0;
        rtoNanos = INITIAL_RTO_NANOS;
        deadline = 0;
        stack.count("tcp.established");
        updateInterest();
    }

    /** Both directions closed and our FIN acknowledged: nothing is left to do. */
    private void finishIfDone() {
        if (state == State.ESTABLISHED && guestFin && hostOutputShut && finAcked) {
            stack.count("tcp.closed");
            close();
        }
    }

    /** The host refused (or never answered) the guest's SYN: the guest gets RST, as from a closed port. */
    private void refuse() {
        sendSegment(TCP_RST | TCP_ACK, 0, null, 0, 0, 0);
        close();
    }

    /** Something broke: RST to the guest, close the host socket. */
    void abort() {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.ESTABLISHED || state == State.SYN_RECEIVED) {
            sendSegment(TCP_RST | TCP_ACK, sndNxt, null, 0, 0, 0);
        }
        close();
    }

    void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        deadline = 0;
        nat.removed(this);
        if (key != null) {
            key.cancel();
        }
        try {
            host.close();
        } catch (IOException e) {
            // closing: nothing more to do
        }
    }

    private void updateInterest() {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = 0;
        if (state == State.CONNECTING) {
            ops = SelectionKey.OP_CONNECT;
        } else if (state == State.ESTABLISHED) {
            boolean room = tail < BUFFER || head > 0;
            if (!hostEof && room) {
                ops |= SelectionKey.OP_READ;
            }
            if (toHost.position() > 0) {
                ops |= SelectionKey.OP_WRITE;
            }
        }
        key.interestOps(ops);
    }

    /** Sequence-number order (RFC 9293 modular comparison): a after b. */
    private static boolean after(int a, int b) {
        return a - b > 0;
    }

    @Override
    public String toString() {
        return Wire.ip(guestIp) + ":" + guestPort + " <-> 10.0.2.2:" + remotePort + " " + state;
    }
}
