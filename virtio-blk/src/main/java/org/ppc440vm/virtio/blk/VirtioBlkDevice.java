package org.ppc440vm.virtio.blk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.memory.GuestMemory;
import org.ppc440vm.virtio.spi.DescriptorChain;
import org.ppc440vm.virtio.spi.InterruptNotifier;
import org.ppc440vm.virtio.spi.VirtQueue;
import org.ppc440vm.virtio.spi.VirtioDevice;
import org.ppc440vm.virtio.spi.VirtioFeatures;
import org.ppc440vm.virtio.spi.VirtioProtocolException;

/**
 * The virtio block device (virtio 1.2, section 5.2) over a {@link BlockImage}: one request queue served by a worker
 * thread of its own, so the vCPU only wakes it.
 *
 * <p>Durability: with VIRTIO_BLK_F_FLUSH negotiated the guest manages a write-back cache and a FLUSH completes only
 * after the image is forced to the storage device; without it every write is forced before it completes
 * (write-through). Either way, a write the guest was told is on disk is on disk.
 *
 * <p>Requests are served one at a time in queue order, which makes a FLUSH cover every write completed before it.
 */
final class VirtioBlkDevice implements VirtioDevice {
    static final int DEVICE_ID = 2;

    // Feature bits (5.2.3).
    static final long F_SEG_MAX = 1L << 2;
    static final long F_RO = 1L << 5;
    static final long F_BLK_SIZE = 1L << 6;
    static final long F_FLUSH = 1L << 9;
    static final long F_DISCARD = 1L << 13;
    static final long F_WRITE_ZEROES = 1L << 14;

    // Request types and status (5.2.6).
    static final int T_IN = 0;
    static final int T_OUT = 1;
    static final int T_FLUSH = 4;
    static final int T_GET_ID = 8;
    static final int T_DISCARD = 11;
    static final int T_WRITE_ZEROES = 13;
    static final int S_OK = 0;
    static final int S_IOERR = 1;
    static final int S_UNSUPP = 2;

    static final int QUEUE_SIZE = 256;
    static final int HEADER_BYTES = 16;
    static final int ID_BYTES = 20;
    /** discard / write-zeroes segment: sector (le64), num_sectors (le32), flags (le32). */
    static final int RANGE_BYTES = 16;
    static final int MAX_RANGE_SECTORS = 0x3F_FFFF; // 2 GiB - 512 per range
    static final int CONFIG_SIZE = 60;

    /** Staging between guest RAM and the file: large enough for a typical request in one system call. */
    private static final int STAGING_BYTES = 256 * 1024;

    private final BlockImage image;
    private final byte[] id;
    private final String name;
    private final byte[] config;

    // Set by activate, cleared by deactivate (transport-serialised); read by the worker.
    private volatile VirtQueue queue;
    private volatile InterruptNotifier notifier;
    private volatile boolean writeBack;
    private volatile Thread worker;
    private final AtomicBoolean kicked = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile DeviceContext context;
    private final AtomicBoolean ioErrorLogged = new AtomicBoolean();

    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES);
    private final byte[] header = new byte[HEADER_BYTES];

    /**
     * @param name for the worker thread and log lines
     * @param serial the GET_ID string (at most 20 bytes are reported); null derives one from the file name
     */
    VirtioBlkDevice(String name, BlockImage image, String serial) {
        this.name = name;
        this.image = image;
        this.id = idBytes(serial != null ? serial : image.path().getFileName().toString());
        this.config = buildConfig();
    }

    private static byte[] idBytes(String serial) {
        byte[] s = serial.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[ID_BYTES]; // NUL-padded when shorter; not NUL-terminated when exactly 20
        System.arraycopy(s, 0, b, 0, Math.min(s.length, ID_BYTES));
        return b;
    }

    private byte[] buildConfig() {
        ByteBuffer c = ByteBuffer.allocate(CONFIG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        c.putLong(0, image.sectors());          // capacity, in 512-byte sectors
        c.putInt(8, 0);                         // size_max: not offered
        c.putInt(12, QUEUE_SIZE - 2);           // seg_max: data buffers besides header and status
        c.putInt(20, BlockImage.SECTOR);        // blk_size
        c.put(32, (byte) 0);                    // writeback: not offered (CONFIG_WCE), FLUSH decides
        c.putShort(34, (short) 1);              // num_queues
        c.putInt(36, MAX_RANGE_SECTORS);        // max_discard_sectors
        c.putInt(40, 1);                        // max_discard_seg
        c.putInt(44, 1);                        // discard_sector_alignment
        c.putInt(48, MAX_RANGE_SECTORS);        // max_write_zeroes_sectors
        c.putInt(52, 1);                        // max_write_zeroes_seg
        c.put(56, (byte) 0);                    // write_zeroes_may_unmap
        return c.array();
    }

    BlockImage image() {
        return image;
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long deviceFeatures() {
        long f = F_SEG_MAX | F_BLK_SIZE | F_FLUSH | VirtioFeatures.RING_INDIRECT_DESC | VirtioFeatures.RING_EVENT_IDX;
        return image.readOnly() ? f | F_RO : f | F_DISCARD | F_WRITE_ZEROES;
    }

    @Override
    public int queueCount() {
        return 1;
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
        System.arraycopy(config, offset, dst, 0, dst.length);
    }

    @Override
    public void attach(DeviceContext ctx) {
        this.context = ctx;
    }

    @Override
    public void activate(long features, List<VirtQueue> queues, GuestMemory memory, InterruptNotifier n) {
        this.queue = queues.get(0);
        this.notifier = n;
        this.writeBack = (features & F_FLUSH) != 0;
        this.stopping = false;
        kicked.set(true); // serve whatever is already available (a resumed or imported queue)
        Thread t = new Thread(this::run, "ppc440vm-" + name);
        t.setDaemon(true);
        worker = t;
        t.start();
    }

    @Override
    public void queueNotify(int queueIndex) {
        // On the vCPU thread: just wake the worker.
        kicked.set(true);
        Thread t = worker;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void deactivate() {
        Thread t = worker;
        stopping = true;
        if (t != null) {
            LockSupport.unpark(t);
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        worker = null;
        queue = null;
        notifier = null;
        // A quiesce for a hot-swap or snapshot starts from a durable image.
        if (!image.readOnly()) {
            try {
                image.force();
            } catch (IOException e) {
                logIoError("flush at deactivation failed", e);
            }
        }
    }

    private void run() {
        while (!stopping) {
            if (!kicked.getAndSet(false)) {
                LockSupport.park(this);
                continue;
            }
            serveQueue();
        }
    }

    /** Serves every available chain; returns when the queue is empty (with notifications re-enabled) or stopping. */
    private void serveQueue() {
        VirtQueue q = queue;
        InterruptNotifier n = notifier;
        try {
            do {
                q.disableNotification();
                DescriptorChain chain;
                while ((chain = q.pop()) != null) {
                    q.addUsed(chain, serve(chain));
                    q.signalIfNeeded();
                    if (stopping) {
                        return; // the rest stays available for whoever activates us next
                    }
                }
            } while (q.enableNotification());
        } catch (VirtioProtocolException e) {
            n.needsReset(e.getMessage());
        } catch (RuntimeException e) {
            n.needsReset("virtio-blk request failed: " + e);
        }
    }

    /**
     * Serves one request; returns the bytes written into the chain (data and the status byte).
     *
     * @throws VirtioProtocolException the chain cannot be a block request (no header, no status byte)
     */
    int serve(DescriptorChain chain) throws VirtioProtocolException {
        if (chain.readableBytes() < HEADER_BYTES || chain.writableBytes() < 1) {
            throw new VirtioProtocolException("virtio-blk request at head " + chain.head() + " has "
                    + chain.readableBytes() + " readable bytes (a header needs 16) and " + chain.writableBytes()
                    + " writable (a status byte needs 1)");
        }
        chain.readRequest(0, header, 0, HEADER_BYTES);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int type = h.getInt(0);
        long sector = h.getLong(8);
        long statusOffset = chain.writableBytes() - 1;
        int written = 0;
        int status;
        try {
            switch (type) {
                case T_IN: {
                    long len = statusOffset;
                    status = checkRange(sector, len);
                    if (status == S_OK) {
                        readImage(chain, sector * BlockImage.SECTOR, len);
                        written = (int) len;
                    }
                    break;
                }
                case T_OUT: {
                    long len = chain.readableBytes() - HEADER_BYTES;
                    status = image.readOnly() ? S_IOERR : checkRange(sector, len);
                    if (status == S_OK) {
                        writeImage(chain, sector * BlockImage.SECTOR, len);
                        if (!writeBack) {
                            image.force(); // write-through: the guest cannot ask for a flush
                        }
                    }
                    break;
                }
                case T_FLUSH:
                    if (!image.readOnly()) {
                        image.force();
                    }
                    status = S_OK;
                    break;
                case T_GET_ID:
                    written = chain.writeResponse(0, id, 0, (int) Math.min(ID_BYTES, statusOffset));
                    status = S_OK;
                    break;
                case T_DISCARD:
                case T_WRITE_ZEROES:
                    status = image.readOnly() ? S_IOERR : ranges(chain, type == T_WRITE_ZEROES);
                    break;
                default:
                    status = S_UNSUPP;
            }
        } catch (IOException e) {
            logIoError("request type " + type + " at sector " + sector + " failed", e);
            status = S_IOERR;
            written = 0;
        }
        chain.writeResponse(statusOffset, new byte[] {(byte) status}, 0, 1);
        return written + 1;
    }

    /** S_OK when {@code len} bytes from {@code sector} are whole sectors inside the image, else S_IOERR. */
    private int checkRange(long sector, long len) {
        if (len % BlockImage.SECTOR != 0 || sector < 0 || sector > image.sectors()
                || len / BlockImage.SECTOR > image.sectors() - sector) {
            return S_IOERR;
        }
        return S_OK;
    }

    private void readImage(DescriptorChain chain, long position, long len) throws IOException {
        for (long done = 0; done < len; ) {
            int n = (int) Math.min(STAGING_BYTES, len - done);
            staging.clear().limit(n);
            image.readFully(staging, position + done);
            staging.flip();
            chain.writeResponse(done, staging);
            done += n;
        }
    }

    private void writeImage(DescriptorChain chain, long position, long len) throws IOException {
        for (long done = 0; done < len; ) {
            int n = (int) Math.min(STAGING_BYTES, len - done);
            staging.clear().limit(n);
            chain.readRequest(HEADER_BYTES + done, staging);
            staging.flip();
            image.writeFully(staging, position + done);
            done += n;
        }
    }

    /** DISCARD (a hint: nothing to do for a raw file) or WRITE_ZEROES over the request's ranges. */
    private int ranges(DescriptorChain chain, boolean zero) throws IOException {
        long payload = chain.readableBytes() - HEADER_BYTES;
        if (payload == 0 || payload % RANGE_BYTES != 0 || payload / RANGE_BYTES > 1) {
            return S_IOERR; // max_discard_seg = max_write_zeroes_seg = 1
        }
        byte[] r = new byte[RANGE_BYTES];
        chain.readRequest(HEADER_BYTES, r, 0, RANGE_BYTES);
        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
        long sector = b.getLong(0);
        long count = Integer.toUnsignedLong(b.getInt(8));
        int flags = b.getInt(12);
        if ((flags & ~1) != 0 || (!zero && flags != 0)) {
            return S_UNSUPP; // unknown flags, or unmap on a discard
        }
        if (count > MAX_RANGE_SECTORS || checkRange(sector, count * BlockImage.SECTOR) != S_OK) {
            return S_IOERR;
        }
        if (zero) {
            long len = count * BlockImage.SECTOR;
            for (long done = 0; done < len; ) {
                int n = (int) Math.min(STAGING_BYTES, len - done);
                staging.clear();
                while (staging.position() < n) {
                    staging.put((byte) 0);
                }
                staging.flip();
                image.writeFully(staging, sector * BlockImage.SECTOR + done);
                done += n;
            }
            if (!writeBack) {
                image.force();
            }
        }
        return S_OK;
    }

    private void logIoError(String what, IOException e) {
        String line = name + ": " + what + ": " + e + " (image " + image.path() + ")";
        if (ioErrorLogged.compareAndSet(false, true)) {
            DeviceContext c = context;
            if (c != null) {
                c.log(line + "; further I/O errors are reported to the guest only");
            } else {
                System.err.println(line);
            }
        }
    }

    @Override
    public String stateType() {
        return VirtioBlkComponent.TYPE;
    }

    @Override
    public void exportState(DeviceState.Builder state) {
        state.put("blk.file", image.path().toString());
        state.put("blk.readonly", image.readOnly() ? 1 : 0);
        state.put("blk.sectors", image.sectors());
    }

    @Override
    public void importState(DeviceState state) throws IncompatibleStateException {
        if (state.version() != 1) {
            throw new IncompatibleStateException("virtio-blk reads state version 1, not " + state.version());
        }
        String file = state.getString("blk.file");
        boolean ro = state.getLong("blk.readonly") != 0;
        if (!file.equals(image.path().toString()) || ro != image.readOnly()
                || state.getLong("blk.sectors") != image.sectors()) {
            throw new IncompatibleStateException("virtio-blk state is for " + file + (ro ? " read-only" : "")
                    + " of " + state.getLong("blk.sectors") + " sectors; this device serves " + image);
        }
    }

    @Override
    public void detach() {
        // The image stays open: it belongs to the component, which closes it when its configuration goes away.
    }
}
