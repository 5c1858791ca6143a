package org.ppc440vm.virtio.net;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.memory.GuestMemory;
import org.ppc440vm.api.net.FrameReceiver;
import org.ppc440vm.api.net.NetworkBackend;
import org.ppc440vm.virtio.spi.DescriptorChain;
import org.ppc440vm.virtio.spi.InterruptNotifier;
import org.ppc440vm.virtio.spi.VirtQueue;
import org.ppc440vm.virtio.spi.VirtioDevice;
import org.ppc440vm.virtio.spi.VirtioFeatures;
import org.ppc440vm.virtio.spi.VirtioProtocolException;

/**
 * The virtio network device (virtio 1.2, section 5.1) behind the virtio-mmio transport: receive queue 0, transmit
 * queue 1, no control queue and no offloads. Offers VIRTIO_NET_F_MAC (the configured address), VIRTIO_NET_F_STATUS
 * (link up while a backend is attached and up), VIRTIO_NET_F_MTU (1500, so the guest never sends frames the
 * backends would have to drop) and the ring features the transport implements. Every buffer starts with the
 * 12-byte {@code virtio_net_hdr} of virtio 1.x; since no offload is negotiated the device writes it as zeros with
 * {@code num_buffers} = 1 and ignores the guest's.
 *
 * <p>The device takes frames from its backend only while a driver has it running: it {@linkplain
 * NetworkBackend#attach attaches} at activation and detaches at a driver reset or when it leaves the board. While it
 * is quiesced (a hot-swap in progress) it stays attached but refuses frames, so the backend holds them (bounded)
 * until the new instance activates, attaches in its place and asks for them; a swap loses nothing a short queue can
 * hold. Before any driver has started the device, frames for it are the backend's to drop.
 *
 * <p>Transmit runs on the thread of the kick (the vCPU): each chain's frame is copied out of guest memory and handed
 * to {@link NetworkBackend#send}, which only queues it, so a kick costs a copy per frame and never blocks. Receive
 * runs on the backend's thread ({@link #receive}): it fills the next receive buffer and raises the interrupt, or,
 * when the guest has posted none, refuses the frame and asks the driver to kick queue 0 once it has refilled, which
 * tells the backend to offer again.
 *
 * <p>A misbehaving guest harms nothing: a chain too short for the header, a frame of impossible length or a
 * receive buffer too small for the frame is dropped and counted (the chain goes back used); a malformed ring is a
 * {@link VirtioProtocolException}, which puts the device into DEVICE_NEEDS_RESET; nothing throws into the vCPU.
 */
final class VirtioNetDevice implements VirtioDevice, FrameReceiver {
    static final int DEVICE_ID = 1;
    static final long F_MTU = 1L << 3;
    static final long F_MAC = 1L << 5;
    static final long F_STATUS = 1L << 16;
    static final int RX = 0;
    static final int TX = 1;
    static final int QUEUE_SIZE = 256;
    /** virtio_net_hdr with num_buffers: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers. */
    static final int HEADER = 12;
    static final int MTU = 1500;
    static final int STATUS_LINK_UP = 1;
    /** virtio_net_config: mac[6], status, max_virtqueue_pairs, mtu (each 16-bit, little-endian). */
    static final int CONFIG_SIZE = 12;
    static final String STATE_TYPE = VirtioNetComponent.TYPE;

    private final String netdev;
    private volatile byte[] mac;
    private volatile NetworkBackend backend;
    private volatile DeviceContext context;
    private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();

    /** Guards the receive queue (served from backend threads) and the activation fields below. */
    private final Object rxLock = new Object();
    private boolean active;
    private VirtQueue rxQueue;
    private VirtQueue txQueue;
    private InterruptNotifier notifier;
    private long features;
    /** The last frame found no receive buffer; the driver's next rx kick means "try again". */
    private boolean rxStarved;
    /** Attached to the backend: from activation until a driver reset or detach (so also while quiesced). */
    private boolean receiving;
    /**
     * The state was exported for another instance (a hot-swap or a park) and this one was not activated again: it
     * stays the backend's receiver, refusing frames so that the backend holds them, until the instance that imports
     * the state attaches in its place; its detach and release leave the backend alone.
     */
    private volatile boolean handedOver;

    /** Transmit staging: the frame behind the header. Used only in transport calls, which never overlap. */
    private final ByteBuffer txFrame = ByteBuffer.allocate(NetworkBackend.MAX_FRAME_SIZE);
    private final byte[] rxHeader = new byte[HEADER];

    VirtioNetDevice(byte[] mac, String netdev) {
        this.mac = mac.clone();
        this.netdev = netdev;
        rxHeader[10] = 1; // num_buffers = 1 (little-endian): no VIRTIO_NET_F_MRG_RXBUF
    }

    // ---- the backend

    /** Attaches the device to {@code b} (or to nothing), detaching it from the previous backend; the link follows. */
    void setBackend(NetworkBackend b) {
        NetworkBackend old;
        boolean attach;
        synchronized (this) {
            old = backend;
            if (old == b) {
                return;
            }
            backend = b;
            synchronized (rxLock) {
                attach = receiving;
            }
        }
        if (old != null) {
            old.detach(this);
        }
        if (b != null && attach) {
            b.attach(this);
        }
        log(b == null ? "backend " + netdev + " gone: link down" : "attached to " + b.describe());
        InterruptNotifier n;
        boolean statusNegotiated;
        synchronized (rxLock) {
            n = active ? notifier : null;
            statusNegotiated = VirtioFeatures.has(features, F_STATUS);
        }
        if (n != null && statusNegotiated) {
            n.signalConfigChange(); // the driver rereads the status and sees the link change
        }
    }

    NetworkBackend backend() {
        return backend;
    }

    String netdev() {
        return netdev;
    }

    byte[] mac() {
        return mac.clone();
    }

    boolean linkUp() {
        NetworkBackend b = backend;
        return b != null && b.linkUp();
    }

    // ---- VirtioDevice

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long deviceFeatures() {
        return F_MAC | F_STATUS | F_MTU | VirtioFeatures.RING_EVENT_IDX | VirtioFeatures.RING_INDIRECT_DESC;
    }

    @Override
    public int queueCount() {
        return 2;
    }

    @Override
    public int queueMaxSize(int queueIndex) {
        return QUEUE_SIZE;
    }

    @Override
    public int configSize() {
        return CONFIG_SIZE;
    }

    @Override
    public void readConfig(int offset, byte[] dst) {
        byte[] c = new byte[CONFIG_SIZE];
        System.arraycopy(mac, 0, c, 0, 6);
        c[6] = (byte) (linkUp() ? STATUS_LINK_UP : 0);
        c[8] = 1; // max_virtqueue_pairs (meaningful only with VIRTIO_NET_F_MQ): one pair
        c[10] = (byte) MTU;
        c[11] = (byte) (MTU >>> 8);
        System.arraycopy(c, offset, dst, 0, dst.length);
    }

    // writeConfig: the MAC is writable only in legacy virtio; a virtio 1.x driver never writes. Ignored.

    @Override
    public void attach(DeviceContext ctx) {
        this.context = ctx;
    }

    @Override
    public void detach() {
        if (!handedOver) {
            stopReceiving();
        }
        context = null;
    }

    /**
     * The component is going away: lets go of the backend, unless the state was handed over (a park while the
     * bundle is updated), in which case this instance stays attached but refusing, so that the backend holds (within
     * its bound) what arrives until the next instance attaches and asks for it: a park loses no frame the backend's
     * queue can hold. If no instance ever comes, the backend drops what does not fit, as without a receiver.
     */
    void release() {
        if (handedOver) {
            backend = null;
            return;
        }
        setBackend(null);
    }

    /** The driver is gone (reset) or the device left the board: frames for it are the backend's to drop. */
    private void stopReceiving() {
        synchronized (rxLock) {
            receiving = false;
        }
        NetworkBackend b = backend;
        if (b != null) {
            b.detach(this);
        }
    }

    @Override
    public void activate(long negotiated, List<VirtQueue> queues, GuestMemory memory, InterruptNotifier n) {
        synchronized (rxLock) {
            features = negotiated;
            rxQueue = queues.get(RX);
            txQueue = queues.get(TX);
            notifier = n;
            rxStarved = false;
            active = true;
            receiving = true;
        }
        handedOver = false;
        transmit(); // what the driver queued before a hot-swap or resume
        NetworkBackend b = backend;
        if (b != null) {
            b.attach(this); // in place of the instance this one replaces, if any
            b.receiverReady(); // frames the backend held while we were quiesced or being swapped in
        }
    }

    @Override
    public void queueNotify(int queueIndex) {
        if (queueIndex == TX) {
            transmit();
        } else if (queueIndex == RX) {
            synchronized (rxLock) {
                rxStarved = false;
            }
            NetworkBackend b = backend;
            if (b != null) {
                b.receiverReady();
            }
        }
    }

    @Override
    public void deactivate() {
        // Receive completes each chain it pops under the lock, transmit inside transport calls: once inactive
        // under the lock, nothing is in flight. Still attached: frames wait in the backend (see reset, detach).
        synchronized (rxLock) {
            active = false;
            rxQueue = null;
            txQueue = null;
            notifier = null;
        }
    }

    @Override
    public void reset() {
        synchronized (rxLock) {
            features = 0;
            rxStarved = false;
        }
        handedOver = false;
        stopReceiving();
    }

    @Override
    public String stateType() {
        return STATE_TYPE;
    }

    @Override
    public void exportState(DeviceState.Builder state) {
        state.put("net.mac", VirtioNetComponent.formatMac(mac));
        state.put("net.netdev", netdev);
        handedOver = true; // until activated again (a resume after a refused swap, or a snapshot's resume)
    }

    @Override
    public void importState(DeviceState state) throws IncompatibleStateException {
        if (!state.has("net.mac")) {
            throw new IncompatibleStateException("virtio-net state without net.mac");
        }
        byte[] imported;
        try {
            imported = VirtioNetComponent.parseMac(state.getString("net.mac"));
        } catch (IllegalArgumentException e) {
            throw new IncompatibleStateException("virtio-net state: " + e.getMessage());
        }
        if (!java.util.Arrays.equals(imported, mac)) {
            // The guest already knows the old address: keep it, or its ARP caches and leases go stale.
            log("keeps the MAC " + VirtioNetComponent.formatMac(imported) + " from the imported state (configured "
                    + VirtioNetComponent.formatMac(mac) + ")");
            mac = imported;
        }
    }

    // ---- transmit (the kick's thread)

    private void transmit() {
        VirtQueue q;
        InterruptNotifier n;
        synchronized (rxLock) {
            q = active ? txQueue : null;
            n = notifier;
        }
        if (q == null || !q.isReady()) {
            return;
        }
        try {
            do {
                q.disableNotification();
                DescriptorChain chain;
                while ((chain = q.pop()) != null) {
                    transmitOne(chain);
                    q.addUsed(chain, 0);
                }
                q.signalIfNeeded();
            } while (q.enableNotification());
        } catch (VirtioProtocolException e) {
            n.needsReset("transmit queue: " + e.getMessage());
        }
    }

    private void transmitOne(DescriptorChain chain) {
        long readable = chain.readableBytes();
        if (readable < HEADER) {
            count("tx.malformed");
            return;
        }
        long len = readable - HEADER;
        if (len < NetworkBackend.MIN_FRAME_SIZE || len > NetworkBackend.MAX_FRAME_SIZE) {
            count("tx.badlength");
            return;
        }
        txFrame.clear().limit((int) len);
        chain.readRequest(HEADER, txFrame);
        txFrame.flip();
        NetworkBackend b = backend;
        if (b == null) {
            count("tx.nobackend");
            return;
        }
        if (b.send(txFrame)) {
            count("tx.frames");
        } else {
            count("tx.dropped");
        }
    }

    // ---- receive (the backend's thread)

    @Override
    public boolean receive(ByteBuffer frame) {
        int len = frame.remaining();
        synchronized (rxLock) {
            VirtQueue q = rxQueue;
            if (!active || q == null || !q.isReady()) {
                if (receiving) {
                    count("rx.held"); // quiesced for a swap: the backend keeps it for whoever activates next
                    return false;
                }
                count("rx.inactive"); // a frame that raced a driver reset: dropped, as by a NIC without a driver
                return true;
            }
            if (len < NetworkBackend.MIN_FRAME_SIZE || len > NetworkBackend.MAX_FRAME_SIZE) {
                count("rx.badlength");
                return true;
            }
            try {
                DescriptorChain chain = q.pop();
                if (chain == null) {
                    // Ask for a kick when buffers come; they may have come already.
                    if (!q.enableNotification() || (chain = q.pop()) == null) {
                        rxStarved = true;
                        count("rx.nobuffer");
                        return false;
                    }
                }
                q.disableNotification(); // buffers are there: no kicks needed until we run out
                if (chain.writableBytes() < HEADER + len) {
                    count("rx.buffertoosmall");
                    q.addUsed(chain, 0);
                    q.signalIfNeeded();
                    return true;
                }
                chain.writeResponse(0, rxHeader, 0, HEADER);
                chain.writeResponse(HEADER, frame);
                q.addUsed(chain, HEADER + len);
                q.signalIfNeeded();
                count("rx.frames");
                return true;
            } catch (VirtioProtocolException e) {
                notifier.needsReset("receive queue: " + e.getMessage());
                return true;
            } catch (RuntimeException e) {
                notifier.needsReset("receive failed: " + e);
                return true;
            }
        }
    }

    boolean rxStarved() {
        synchronized (rxLock) {
            return rxStarved;
        }
    }

    // ---- counters and log

    private void count(String name) {
        counters.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    /** The device's own counters (tx.frames, rx.frames, and a name for each reason a frame was dropped). */
    Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>();
        counters.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    long counter(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    private void log(String message) {
        DeviceContext c = context;
        if (c != null) {
            c.log(message);
        }
    }
}
