package org.ppc440vm.virtio.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.DeviceTreeNode;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.device.InterruptLine;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.device.StatefulDevice;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.api.memory.GuestMemory;
import org.ppc440vm.virtio.queue.SplitVirtQueue;

/**
 * The virtio-mmio transport, version 2 (virtio 1.2, section 4.2.2), around one {@link VirtioDevice}: the register
 * window the guest's driver sees, feature negotiation, the device status sequence, queue setup, the interrupt status
 * and its line, and the device's state as a value.
 *
 * <p>Registers are 32-bit little-endian; the big-endian guest reads them with {@code lwbrx} (order
 * {@link Endian#LITTLE}); a plain {@code lwz} (order {@link Endian#BIG}) sees the bytes reversed, as on hardware.
 * Register accesses must be 32-bit and aligned; others are ignored (reads give 0) with one log line. The
 * configuration space at 0x100 takes 1, 2, 4 and 8-byte accesses.
 *
 * <p>Nothing the guest does makes this class throw: a bad queue setup, a malformed descriptor chain, a device that
 * fails, all end in DEVICE_NEEDS_RESET with one log line. Register accesses come from the vCPU thread and are
 * serialised on this object; the {@link InterruptNotifier} side never takes that lock, so device threads can signal
 * while the vCPU waits for them in a reset.
 */
public final class VirtioMmioTransport implements MmioDevice, StatefulDevice {

    // Register offsets (virtio 1.2, 4.2.2 "MMIO Device Register Layout").
    public static final int MAGIC_VALUE = 0x000;
    public static final int VERSION = 0x004;
    public static final int DEVICE_ID = 0x008;
    public static final int VENDOR_ID = 0x00c;
    public static final int DEVICE_FEATURES = 0x010;
    public static final int DEVICE_FEATURES_SEL = 0x014;
    public static final int DRIVER_FEATURES = 0x020;
    public static final int DRIVER_FEATURES_SEL = 0x024;
    public static final int QUEUE_SEL = 0x030;
    public static final int QUEUE_NUM_MAX = 0x034;
    public static final int QUEUE_NUM = 0x038;
    public static final int QUEUE_READY = 0x044;
    public static final int QUEUE_NOTIFY = 0x050;
    public static final int INTERRUPT_STATUS = 0x060;
    public static final int INTERRUPT_ACK = 0x064;
    public static final int STATUS = 0x070;
    public static final int QUEUE_DESC_LOW = 0x080;
    public static final int QUEUE_DESC_HIGH = 0x084;
    public static final int QUEUE_DRIVER_LOW = 0x090;
    public static final int QUEUE_DRIVER_HIGH = 0x094;
    public static final int QUEUE_DEVICE_LOW = 0x0a0;
    public static final int QUEUE_DEVICE_HIGH = 0x0a4;
    public static final int SHM_SEL = 0x0ac;
    public static final int SHM_LEN_LOW = 0x0b0;
    public static final int SHM_LEN_HIGH = 0x0b4;
    public static final int SHM_BASE_LOW = 0x0b8;
    public static final int SHM_BASE_HIGH = 0x0bc;
    public static final int CONFIG_GENERATION = 0x0fc;
    public static final int CONFIG = 0x100;

    /** "virt" in little-endian byte order. */
    public static final int MAGIC = 0x74726976;
    /** Our vendor id: "PP44" in little-endian byte order. */
    public static final int VENDOR = 0x34345050;

    // Device status bits (virtio 1.2, 2.1).
    public static final int STATUS_ACKNOWLEDGE = 1;
    public static final int STATUS_DRIVER = 2;
    public static final int STATUS_DRIVER_OK = 4;
    public static final int STATUS_FEATURES_OK = 8;
    public static final int STATUS_NEEDS_RESET = 64;
    public static final int STATUS_FAILED = 128;

    // Interrupt status bits.
    public static final int INTERRUPT_USED_BUFFER = 1;
    public static final int INTERRUPT_CONFIG_CHANGE = 2;

    /** Version of the transport's fields in a {@link DeviceState} ({@code virtio.transport.version}). */
    public static final int STATE_VERSION = 1;

    /** Feature bits 24-49: reserved for the transport and queue negotiation (virtio 1.2, 6). */
    private static final long TRANSPORT_FEATURE_BITS = ((1L << 50) - 1) & ~((1L << 24) - 1);

    private final String name;
    private final long base;
    private final int interrupt;
    private final VirtioDevice device;
    private final long offeredFeatures;
    private final int queueCount;
    private final int[] queueMax;
    private final int configSize;
    private final long windowSize;

    // Driver-visible registers, guarded by this.
    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private int queueSel;
    private volatile int status; // written under this; read racily by the notifier
    private final int[] queueNum;
    private final boolean[] queueReady;
    private final long[] queueDesc;
    private final long[] queueDriver;
    private final long[] queueDevice;
    /** The queues handed to the device at DRIVER_OK; null before. */
    private List<SplitVirtQueue> queues;
    private boolean deviceActive;
    private boolean quiesced;
    private boolean imported;
    private boolean attached;
    /** After detach: register writes are ignored, so a stale reference cannot drive a device that left the board. */
    private boolean detached;
    /**
     * Set by exportState, cleared by resume and importState: the guest-visible state (the pending interrupt with it)
     * now belongs to whoever imports it, so detach leaves the shared interrupt line alone.
     */
    private boolean handedOver;

    // Shared with device threads: not guarded by this.
    private final Object interruptLock = new Object();
    private int interruptStatus; // guarded by interruptLock
    /** The level this transport last put on its line (guarded by interruptLock): only a line we raised is ours to lower. */
    private boolean lineAsserted;
    private final AtomicInteger configGeneration = new AtomicInteger();
    private final AtomicBoolean needsReset = new AtomicBoolean();
    /** Claimed by the first needsReset call, so that exactly one line is logged before the status shows it. */
    private final AtomicBoolean needsResetClaimed = new AtomicBoolean();
    private final AtomicBoolean badAccessLogged = new AtomicBoolean();
    private volatile DeviceContext context;
    private volatile InterruptLine line;
    private volatile GuestMemory memory;
    private final Notifier notifier = new Notifier();

    /**
     * @param name the device's name on the board ("virtio-blk@ef602000")
     * @param base guest-physical base of the window
     * @param interrupt the UIC source the device's interrupt line is wired to (for the device tree), or -1
     * @param device what is behind the transport
     */
    public VirtioMmioTransport(String name, long base, int interrupt, VirtioDevice device) {
        this.name = name;
        this.base = base;
        this.interrupt = interrupt;
        this.device = device;
        long wanted = device.deviceFeatures();
        // Bits 24-49 belong to the transport and the rings: the device may offer only the ring features we implement.
        this.offeredFeatures = wanted & ~TRANSPORT_FEATURE_BITS
                | wanted & VirtioFeatures.SUPPORTED_RING_FEATURES
                | VirtioFeatures.VERSION_1;
        this.queueCount = device.queueCount();
        this.queueMax = new int[queueCount];
        for (int q = 0; q < queueCount; q++) {
            int max = device.queueMaxSize(q);
            if (max < 1 || max > 32768 || (max & (max - 1)) != 0) {
                throw new IllegalArgumentException(name + ": queue " + q + " maximum size " + max
                        + " is not a power of two in 1-32768");
            }
            queueMax[q] = max;
        }
        this.configSize = device.configSize();
        if (configSize < 0 || configSize > 0xF00) {
            throw new IllegalArgumentException(name + ": configuration space of " + configSize + " bytes");
        }
        this.windowSize = Math.max(0x200, (CONFIG + configSize + 0xFF) & ~0xFFL);
        this.queueNum = new int[queueCount];
        this.queueReady = new boolean[queueCount];
        this.queueDesc = new long[queueCount];
        this.queueDriver = new long[queueCount];
        this.queueDevice = new long[queueCount];
    }

    /** The device behind the transport. */
    public VirtioDevice device() {
        return device;
    }

    /** The features the transport offers the driver: the device's, ring features it implements, VERSION_1. */
    public long offeredFeatures() {
        return offeredFeatures;
    }

    /** The interrupt-side callbacks the device receives at activation (for tests that drive a device directly). */
    public InterruptNotifier notifier() {
        return notifier;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long base() {
        return base;
    }

    @Override
    public long windowSize() {
        return windowSize;
    }

    // ---- board lifecycle ----

    @Override
    public synchronized void attach(DeviceContext ctx) {
        this.context = ctx;
        this.memory = ctx.memory();
        this.line = ctx.interruptLine();
        if (!imported) {
            resetRegisters();
        }
        attached = true;
        detached = false;
        device.attach(ctx);
        if (imported) {
            if (pendingIndices != null) {
                // A state imported before attach: now there is guest memory to rebuild the queues in.
                long[][] p = pendingIndices;
                pendingIndices = null;
                restoreQueues(p[0], p[1], p[2]);
            }
            updateLine();
        }
        // A fresh instance leaves the line alone: in a hot-swap it is attached while the old instance still owns
        // the line (and maybe a pending interrupt), and it takes the line over only with the imported state.
    }

    @Override
    public synchronized void detach() {
        deactivateDevice();
        try {
            device.detach();
        } catch (RuntimeException e) {
            log("detach failed: " + e);
        }
        synchronized (interruptLock) {
            // Lower only a line we raised and still own: after a swap the new instance drives it (the pending
            // interrupt went with the state), and a new instance refused by importState never raised it.
            InterruptLine l = line;
            if (l != null && lineAsserted && !handedOver) {
                l.lower();
            }
            lineAsserted = false;
        }
        attached = false;
        imported = false;
        detached = true;
    }

    @Override
    public DeviceTreeNode deviceTreeNode() {
        DeviceTreeNode n = new DeviceTreeNode("virtio_mmio@" + Long.toHexString(base))
                .property("compatible", "virtio,mmio")
                .cells("reg", (int) base, (int) windowSize);
        if (interrupt >= 0) {
            n.cells("interrupts", interrupt, 4); // level, active high
        }
        return n;
    }

    // ---- register window ----

    @Override
    public long read(long offset, int size, Endian order) {
        try {
            if (offset >= CONFIG) {
                return readConfig(offset - CONFIG, size, order);
            }
            if (size != 4 || (offset & 3) != 0) {
                badAccess("read", offset, size);
                return 0;
            }
            long v = readRegister((int) offset) & 0xFFFF_FFFFL;
            return order == Endian.LITTLE ? v : Endian.reverse(v, 4);
        } catch (RuntimeException e) {
            notifier.needsReset("register read at 0x" + Long.toHexString(offset) + " failed: " + e);
            return 0;
        }
    }

    @Override
    public void write(long offset, int size, long value, Endian order) {
        try {
            if (offset >= CONFIG) {
                writeConfig(offset - CONFIG, size, value, order);
                return;
            }
            if (size != 4 || (offset & 3) != 0) {
                badAccess("write", offset, size);
                return;
            }
            int v = (int) (order == Endian.LITTLE ? value : Endian.reverse(value, 4));
            writeRegister((int) offset, v);
        } catch (RuntimeException e) {
            notifier.needsReset("register write at 0x" + Long.toHexString(offset) + " failed: " + e);
        }
    }

    private synchronized int readRegister(int offset) {
        switch (offset) {
            case MAGIC_VALUE: return MAGIC;
            case VERSION: return 2;
            case DEVICE_ID: return device.deviceId();
            case VENDOR_ID: return VENDOR;
            case DEVICE_FEATURES:
                return deviceFeaturesSel == 0 ? (int) offeredFeatures
                        : deviceFeaturesSel == 1 ? (int) (offeredFeatures >>> 32) : 0;
            case QUEUE_NUM_MAX: return queueExists() ? queueMax[queueSel] : 0;
            case QUEUE_READY: return queueExists() && queueReady[queueSel] ? 1 : 0;
            case INTERRUPT_STATUS:
                synchronized (interruptLock) {
                    return interruptStatus;
                }
            case STATUS: return currentStatus();
            case SHM_LEN_LOW:
            case SHM_LEN_HIGH:
                return -1; // no shared memory regions
            case CONFIG_GENERATION: return configGeneration.get();
            // Write-only registers read back what was written, which helps debugging and harms no driver.
            case DEVICE_FEATURES_SEL: return deviceFeaturesSel;
            case DRIVER_FEATURES: return driverFeaturesSel == 0 ? (int) driverFeatures
                    : driverFeaturesSel == 1 ? (int) (driverFeatures >>> 32) : 0;
            case DRIVER_FEATURES_SEL: return driverFeaturesSel;
            case QUEUE_SEL: return queueSel;
            case QUEUE_NUM: return queueExists() ? queueNum[queueSel] : 0;
            case QUEUE_DESC_LOW: return queueExists() ? (int) queueDesc[queueSel] : 0;
            case QUEUE_DESC_HIGH: return queueExists() ? (int) (queueDesc[queueSel] >>> 32) : 0;
            case QUEUE_DRIVER_LOW: return queueExists() ? (int) queueDriver[queueSel] : 0;
            case QUEUE_DRIVER_HIGH: return queueExists() ? (int) (queueDriver[queueSel] >>> 32) : 0;
            case QUEUE_DEVICE_LOW: return queueExists() ? (int) queueDevice[queueSel] : 0;
            case QUEUE_DEVICE_HIGH: return queueExists() ? (int) (queueDevice[queueSel] >>> 32) : 0;
            default: return 0;
        }
    }

    private synchronized void writeRegister(int offset, int value) {
        if (detached) {
            return; // inert: this instance left the board (a swap or park replaced it)
        }
        switch (offset) {
            case DEVICE_FEATURES_SEL: deviceFeaturesSel = value; break;
            case DRIVER_FEATURES_SEL: driverFeaturesSel = value; break;
            case DRIVER_FEATURES:
                // Features are fixed once the driver set FEATURES_OK.
                if ((status & STATUS_FEATURES_OK) == 0) {
                    long v = Integer.toUnsignedLong(value);
                    if (driverFeaturesSel == 0) {
                        driverFeatures = driverFeatures & 0xFFFF_FFFF_0000_0000L | v;
                    } else if (driverFeaturesSel == 1) {
                        driverFeatures = driverFeatures & 0xFFFF_FFFFL | v << 32;
                    }
                }
                break;
            case QUEUE_SEL: queueSel = value; break;
            case QUEUE_NUM:
                if (queueWritable()) {
                    queueNum[queueSel] = value;
                }
                break;
            case QUEUE_DESC_LOW: if (queueWritable()) { queueDesc[queueSel] = low(queueDesc[queueSel], value); } break;
            case QUEUE_DESC_HIGH: if (queueWritable()) { queueDesc[queueSel] = high(queueDesc[queueSel], value); } break;
            case QUEUE_DRIVER_LOW: if (queueWritable()) { queueDriver[queueSel] = low(queueDriver[queueSel], value); } break;
            case QUEUE_DRIVER_HIGH: if (queueWritable()) { queueDriver[queueSel] = high(queueDriver[queueSel], value); } break;
            case QUEUE_DEVICE_LOW: if (queueWritable()) { queueDevice[queueSel] = low(queueDevice[queueSel], value); } break;
            case QUEUE_DEVICE_HIGH: if (queueWritable()) { queueDevice[queueSel] = high(queueDevice[queueSel], value); } break;
            case QUEUE_READY: writeQueueReady(value); break;
            case QUEUE_NOTIFY: notifyQueue(value); break;
            case INTERRUPT_ACK: acknowledge(value); break;
            case STATUS: writeStatus(value); break;
            default: break; // read-only or unassigned: ignored, as on hardware
        }
    }

    private static long low(long old, int value) {
        return old & 0xFFFF_FFFF_0000_0000L | Integer.toUnsignedLong(value);
    }

    private static long high(long old, int value) {
        return old & 0xFFFF_FFFFL | Integer.toUnsignedLong(value) << 32;
    }

    private boolean queueExists() {
        return queueSel >= 0 && queueSel < queueCount;
    }

    /** The selected queue's setup may change: it exists, is not ready, and the driver is not done. */
    private boolean queueWritable() {
        return queueExists() && !queueReady[queueSel] && (status & STATUS_DRIVER_OK) == 0;
    }

    private void writeQueueReady(int value) {
        if (!queueExists()) {
            return;
        }
        int q = queueSel;
        if (value == 0) {
            // Reads return the last value written (Linux checks this when it deletes a queue). A live queue
            // that the driver takes back is stopped: the device pops nothing more from it.
            queueReady[q] = false;
            if (queues != null) {
                queues.get(q).stop();
            }
            return;
        }
        if ((status & STATUS_DRIVER_OK) != 0) {
            return; // a queue cannot be (re)enabled after DRIVER_OK without VIRTIO_F_RING_RESET
        }
        GuestMemory m = memory;
        if (m == null) {
            notifier.needsReset("queue " + q + " set ready before the device was attached to guest memory");
            return;
        }
        String problem = SplitVirtQueue.checkLayout(q, queueNum[q], queueMax[q], m, queueDesc[q], queueDriver[q],
                queueDevice[q]);
        if (problem != null) {
            notifier.needsReset(problem);
            return;
        }
        queueReady[q] = true;
    }

    private void notifyQueue(int value) {
        // Without VIRTIO_F_NOTIFICATION_DATA the value is the queue index.
        if (!deviceActive || needsReset.get() || value < 0 || value >= queueCount) {
            return;
        }
        if (!queues.get(value).isReady()) {
            return;
        }
        device.queueNotify(value);
    }

    private void acknowledge(int bits) {
        synchronized (interruptLock) {
            interruptStatus &= ~bits;
            updateLineLocked();
        }
    }

    private int currentStatus() {
        return status | (needsReset.get() ? STATUS_NEEDS_RESET : 0);
    }

    private void writeStatus(int value) {
        if (value == 0) {
            driverReset();
            return;
        }
        int v = value & ~STATUS_NEEDS_RESET; // the device's bit; the driver cannot set it
        int added = v & ~status;
        if ((added & STATUS_FEATURES_OK) != 0 && !featuresAcceptable()) {
            v &= ~STATUS_FEATURES_OK; // the driver reads back and sees the negotiation failed
            added &= ~STATUS_FEATURES_OK;
        }
        if ((added & STATUS_DRIVER_OK) != 0 && (v & STATUS_FEATURES_OK) == 0) {
            notifier.needsReset("driver set DRIVER_OK without FEATURES_OK");
            v &= ~STATUS_DRIVER_OK;
            added &= ~STATUS_DRIVER_OK;
        }
        status |= v; // the driver never clears a bit; only a reset (status 0) does
        if ((added & STATUS_DRIVER_OK) != 0 && !needsReset.get()) {
            buildQueues();
            activateDevice();
        }
    }

    /** The driver's features are a subset of ours and include VERSION_1 (no legacy interface here). */
    private boolean featuresAcceptable() {
        return (driverFeatures & ~offeredFeatures) == 0 && (driverFeatures & VirtioFeatures.VERSION_1) != 0;
    }

    private void buildQueues() {
        List<SplitVirtQueue> list = new ArrayList<>(queueCount);
        boolean indirect = (driverFeatures & VirtioFeatures.RING_INDIRECT_DESC) != 0;
        boolean eventIdx = (driverFeatures & VirtioFeatures.RING_EVENT_IDX) != 0;
        for (int q = 0; q < queueCount; q++) {
            list.add(queueReady[q]
                    ? SplitVirtQueue.create(q, queueNum[q], queueMax[q], memory, queueDesc[q], queueDriver[q],
                            queueDevice[q], indirect, eventIdx, notifier)
                    : SplitVirtQueue.unused(q));
        }
        queues = list;
    }

    private boolean isLive() {
        return (status & STATUS_DRIVER_OK) != 0 && !needsReset.get();
    }

    private void activateDevice() {
        if (deviceActive || queues == null) {
            return;
        }
        try {
            deviceActive = true;
            device.activate(driverFeatures, Collections.unmodifiableList(new ArrayList<>(queues)), memory, notifier);
        } catch (RuntimeException e) {
            notifier.needsReset("device failed to activate: " + e);
        }
    }

    private void deactivateDevice() {
        if (!deviceActive) {
            return;
        }
        deviceActive = false;
        try {
            device.deactivate();
        } catch (RuntimeException e) {
            log("device failed to deactivate: " + e);
        }
    }

    /** Status 0: the device goes back to its initial state; the driver starts over. */
    private void driverReset() {
        deactivateDevice();
        try {
            device.reset();
        } catch (RuntimeException e) {
            log("device failed to reset: " + e);
        }
        resetRegisters();
        updateLine();
    }

    private void resetRegisters() {
        deviceFeaturesSel = 0;
        driverFeaturesSel = 0;
        driverFeatures = 0;
        queueSel = 0;
        status = 0;
        for (int q = 0; q < queueCount; q++) {
            queueNum[q] = 0;
            queueReady[q] = false;
            queueDesc[q] = 0;
            queueDriver[q] = 0;
            queueDevice[q] = 0;
        }
        queues = null;
        quiesced = false;
        imported = false;
        needsReset.set(false);
        needsResetClaimed.set(false);
        synchronized (interruptLock) {
            interruptStatus = 0;
        }
    }

    // ---- configuration space ----

    private long readConfig(long offset, int size, Endian order) {
        if (!configAccessOk(offset, size, "read")) {
            return 0;
        }
        byte[] b = new byte[size];
        synchronized (this) {
            device.readConfig((int) offset, b);
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            int shift = order == Endian.LITTLE ? 8 * i : 8 * (size - 1 - i);
            v |= (b[i] & 0xFFL) << shift;
        }
        return v;
    }

    private void writeConfig(long offset, int size, long value, Endian order) {
        if (!configAccessOk(offset, size, "write")) {
            return;
        }
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            int shift = order == Endian.LITTLE ? 8 * i : 8 * (size - 1 - i);
            b[i] = (byte) (value >>> shift);
        }
        synchronized (this) {
            device.writeConfig((int) offset, b);
        }
    }

    private boolean configAccessOk(long offset, int size, String what) {
        if ((size != 1 && size != 2 && size != 4 && size != 8) || offset < 0 || offset + size > configSize) {
            badAccess("configuration " + what, CONFIG + offset, size);
            return false;
        }
        return true;
    }

    private void badAccess(String what, long offset, int size) {
        if (badAccessLogged.compareAndSet(false, true)) {
            log(String.format("guest made a %d-byte %s at offset 0x%x: ignored (registers are 32-bit aligned; "
                    + "configuration space is %d bytes); further bad accesses are not logged", size, what, offset,
                    configSize));
        }
    }

    // ---- interrupt line ----

    private void updateLine() {
        synchronized (interruptLock) {
            updateLineLocked();
        }
    }

    private void updateLineLocked() {
        InterruptLine l = line;
        if (l != null) {
            boolean level = interruptStatus != 0;
            l.set(level);
            lineAsserted = level;
        }
    }

    private void log(String message) {
        DeviceContext c = context;
        if (c != null) {
            c.log(message);
        } else {
            System.err.println(name + ": " + message);
        }
    }

    /** The transport's side of the device's callbacks; never takes the register lock. */
    private final class Notifier implements InterruptNotifier {
        @Override
        public void signalUsedBuffers() {
            synchronized (interruptLock) {
                interruptStatus |= INTERRUPT_USED_BUFFER;
                updateLineLocked();
            }
        }

        @Override
        public void signalConfigChange() {
            configGeneration.incrementAndGet();
            raiseConfigChange();
        }

        @Override
        public void needsReset(String reason) {
            if (!needsResetClaimed.compareAndSet(false, true)) {
                return;
            }
            log("device needs reset: " + reason);
            needsReset.set(true);
            List<SplitVirtQueue> qs = queues;
            if (qs != null) {
                for (SplitVirtQueue q : qs) {
                    q.stop();
                }
            }
            // The status field is read without the register lock here: a racy read only decides whether to signal.
            if ((status & STATUS_DRIVER_OK) != 0) {
                raiseConfigChange();
            }
        }

        @Override
        public boolean isNeedsReset() {
            return needsResetClaimed.get();
        }

        private void raiseConfigChange() {
            synchronized (interruptLock) {
                interruptStatus |= INTERRUPT_CONFIG_CHANGE;
                updateLineLocked();
            }
        }
    }

    // ---- state as a value ----

    @Override
    public synchronized void quiesce() {
        quiesced = true;
        deactivateDevice();
    }

    @Override
    public synchronized void resume() {
        if (!quiesced) {
            return;
        }
        quiesced = false;
        handedOver = false;
        if (isLive() && attached) {
            activateDevice();
        }
        // A refused swap: the new instance may have touched the shared line; put back what the guest has pending.
        updateLine();
    }

    @Override
    public synchronized DeviceState exportState() {
        if (deviceActive) {
            throw new IllegalStateException(name + ": exportState needs a quiesced device");
        }
        DeviceState.Builder b = DeviceState.builder(device.stateType(), device.stateVersion());
        b.put("virtio.transport.version", STATE_VERSION);
        b.put("virtio.deviceId", device.deviceId());
        b.put("virtio.status", status);
        b.put("virtio.needsReset", needsReset.get() ? 1 : 0);
        b.put("virtio.deviceFeaturesSel", deviceFeaturesSel);
        b.put("virtio.driverFeaturesSel", driverFeaturesSel);
        b.put("virtio.driverFeatures", driverFeatures);
        b.put("virtio.queueSel", queueSel);
        synchronized (interruptLock) {
            b.put("virtio.interruptStatus", interruptStatus);
        }
        b.put("virtio.configGeneration", configGeneration.get());
        long[] num = new long[queueCount];
        long[] ready = new long[queueCount];
        long[] nextAvail = new long[queueCount];
        long[] nextUsed = new long[queueCount];
        long[] signalled = new long[queueCount];
        for (int q = 0; q < queueCount; q++) {
            num[q] = queueNum[q];
            ready[q] = queueReady[q] ? 1 : 0;
            SplitVirtQueue vq = queues == null ? null : queues.get(q);
            nextAvail[q] = vq == null ? 0 : vq.nextAvail();
            nextUsed[q] = vq == null ? 0 : vq.nextUsed();
            signalled[q] = vq == null ? -1 : vq.signalledUsed();
        }
        b.put("virtio.queue.size", num);
        b.put("virtio.queue.ready", ready);
        b.put("virtio.queue.desc", queueDesc.clone());
        b.put("virtio.queue.driver", queueDriver.clone());
        b.put("virtio.queue.device", queueDevice.clone());
        b.put("virtio.queue.nextAvail", nextAvail);
        b.put("virtio.queue.nextUsed", nextUsed);
        b.put("virtio.queue.signalledUsed", signalled);
        device.exportState(b);
        DeviceState s = b.build();
        handedOver = true;
        return s;
    }

    @Override
    public synchronized void importState(DeviceState state) throws IncompatibleStateException {
        if (!device.stateType().equals(state.deviceType())) {
            throw new IncompatibleStateException(name + ": cannot take a " + state.deviceType() + " state; this is "
                    + device.stateType());
        }
        if (deviceActive) {
            throw new IncompatibleStateException(name + ": cannot import into an active device");
        }
        if (state.version() > device.stateVersion() || state.version() < 1) {
            // A state written by a newer implementation: its fields may mean what this one cannot know.
            throw new IncompatibleStateException(name + ": " + state.deviceType() + " state version "
                    + state.version() + " is unknown here; this implementation reads "
                    + (device.stateVersion() == 1 ? "version 1" : "versions 1 to " + device.stateVersion()));
        }
        try {
            if (state.getLong("virtio.transport.version") != STATE_VERSION) {
                throw new IncompatibleStateException(name + ": virtio transport state version "
                        + state.getLong("virtio.transport.version") + "; this transport reads version "
                        + STATE_VERSION);
            }
            if (state.getLong("virtio.deviceId") != device.deviceId()) {
                throw new IncompatibleStateException(name + ": state of virtio device id "
                        + state.getLong("virtio.deviceId") + ", this is " + device.deviceId());
            }
            long[] num = state.getLongs("virtio.queue.size");
            if (num.length != queueCount) {
                throw new IncompatibleStateException(name + ": state has " + num.length + " queues, this device "
                        + queueCount);
            }
            long features = state.getLong("virtio.driverFeatures");
            if ((features & ~offeredFeatures) != 0) {
                throw new IncompatibleStateException(String.format("%s: the driver negotiated features 0x%x; this "
                        + "device offers only 0x%x", name, features, offeredFeatures));
            }
            device.importState(state);
            long[] ready = state.getLongs("virtio.queue.ready");
            long[] desc = state.getLongs("virtio.queue.desc");
            long[] drv = state.getLongs("virtio.queue.driver");
            long[] dev = state.getLongs("virtio.queue.device");
            long[] nextAvail = state.getLongs("virtio.queue.nextAvail");
            long[] nextUsed = state.getLongs("virtio.queue.nextUsed");
            long[] signalled = state.getLongs("virtio.queue.signalledUsed");
            status = (int) state.getLong("virtio.status");
            needsReset.set(state.getLong("virtio.needsReset") != 0);
            needsResetClaimed.set(needsReset.get());
            deviceFeaturesSel = (int) state.getLong("virtio.deviceFeaturesSel");
            driverFeaturesSel = (int) state.getLong("virtio.driverFeaturesSel");
            driverFeatures = features;
            queueSel = (int) state.getLong("virtio.queueSel");
            configGeneration.set((int) state.getLong("virtio.configGeneration"));
            synchronized (interruptLock) {
                interruptStatus = (int) state.getLong("virtio.interruptStatus");
            }
            for (int q = 0; q < queueCount; q++) {
                queueNum[q] = (int) num[q];
                queueReady[q] = ready[q] != 0;
                queueDesc[q] = desc[q];
                queueDriver[q] = drv[q];
                queueDevice[q] = dev[q];
            }
            imported = true;
            quiesced = false;
            handedOver = false;
            queues = null;
            pendingIndices = null;
            if ((status & STATUS_DRIVER_OK) != 0) {
                if (memory != null) {
                    restoreQueues(nextAvail, nextUsed, signalled);
                } else {
                    pendingIndices = new long[][] {nextAvail, nextUsed, signalled};
                }
            }
            updateLine();
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IncompatibleStateException(name + ": malformed virtio state: " + e.getMessage());
        }
    }

    /** Rebuilds the queues of an imported DRIVER_OK state with their indices, and activates the device. */
    private void restoreQueues(long[] nextAvail, long[] nextUsed, long[] signalled) {
        for (int q = 0; q < queueCount; q++) {
            if (queueReady[q]) {
                String problem = SplitVirtQueue.checkLayout(q, queueNum[q], queueMax[q], memory, queueDesc[q],
                        queueDriver[q], queueDevice[q]);
                if (problem != null) {
                    notifier.needsReset("imported state: " + problem);
                    return;
                }
            }
        }
        buildQueues();
        for (int q = 0; q < queueCount; q++) {
            queues.get(q).restoreIndices((int) nextAvail[q], (int) nextUsed[q], (int) signalled[q]);
        }
        if (isLive()) {
            activateDevice();
        }
    }

    /** Queue indices of a state imported before the transport had guest memory; applied at attach. */
    private long[][] pendingIndices;
}
