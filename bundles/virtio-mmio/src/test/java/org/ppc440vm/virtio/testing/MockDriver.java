package org.ppc440vm.virtio.testing;

import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.memory.Endian;

/**
 * Programs a virtio-mmio device through its registers the way Linux's virtio_mmio driver does (32-bit
 * little-endian accesses, i.e. {@code lwbrx}/{@code stwbrx} on the guest): reset, ACKNOWLEDGE, DRIVER, feature
 * negotiation, FEATURES_OK, queue setup, DRIVER_OK; then kicks, interrupt status and acknowledgement.
 */
public final class MockDriver {
    public static final int ACKNOWLEDGE = 1;
    public static final int DRIVER = 2;
    public static final int DRIVER_OK = 4;
    public static final int FEATURES_OK = 8;
    public static final int NEEDS_RESET = 64;
    public static final int FAILED = 128;

    private final MmioDevice device;
    private final HeapGuestMemory memory;

    /** {@code device} must already be attached to a context whose memory is {@code memory}. */
    public MockDriver(MmioDevice device, HeapGuestMemory memory) {
        this.device = device;
        this.memory = memory;
    }

    public HeapGuestMemory memory() {
        return memory;
    }

    /** A 32-bit register read as the guest's {@code lwbrx} does it. */
    public int read(int offset) {
        return (int) device.read(offset, 4, Endian.LITTLE);
    }

    /** A 32-bit register write as the guest's {@code stwbrx} does it. */
    public void write(int offset, int value) {
        device.write(offset, 4, value & 0xFFFF_FFFFL, Endian.LITTLE);
    }

    public int status() {
        return read(0x070);
    }

    public long deviceFeatures() {
        write(0x014, 1);
        long high = read(0x010) & 0xFFFF_FFFFL;
        write(0x014, 0);
        long low = read(0x010) & 0xFFFF_FFFFL;
        return high << 32 | low;
    }

    /** Reset, ACKNOWLEDGE, DRIVER, write {@code features}, FEATURES_OK; true when the device kept FEATURES_OK. */
    public boolean negotiate(long features) {
        write(0x070, 0);
        write(0x070, ACKNOWLEDGE);
        write(0x070, ACKNOWLEDGE | DRIVER);
        write(0x024, 1);
        write(0x020, (int) (features >>> 32));
        write(0x024, 0);
        write(0x020, (int) features);
        write(0x070, ACKNOWLEDGE | DRIVER | FEATURES_OK);
        return (status() & FEATURES_OK) != 0;
    }

    /** Allocates queue {@code index} with {@code size} descriptors in RAM, programs it and sets it ready. */
    public DriverQueue setupQueue(int index, int size) {
        DriverQueue q = new DriverQueue(memory, size);
        program(index, size, q.descriptorTable(), q.availRing(), q.usedRing());
        return q;
    }

    /** Programs queue {@code index} with explicit addresses (possibly bad ones) and writes QueueReady = 1. */
    public void program(int index, int size, long desc, long avail, long used) {
        write(0x030, index);
        write(0x038, size);
        write(0x080, (int) desc);
        write(0x084, (int) (desc >>> 32));
        write(0x090, (int) avail);
        write(0x094, (int) (avail >>> 32));
        write(0x0a0, (int) used);
        write(0x0a4, (int) (used >>> 32));
        write(0x044, 1);
    }

    public void driverOk() {
        write(0x070, status() | DRIVER_OK);
    }

    /** {@link #negotiate}, one queue per size given (queue i gets sizes[i]), DRIVER_OK. */
    public DriverQueue[] start(long features, int... sizes) {
        if (!negotiate(features)) {
            throw new IllegalStateException(String.format("device refused features 0x%x (offers 0x%x)", features,
                    deviceFeatures()));
        }
        DriverQueue[] qs = new DriverQueue[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            qs[i] = setupQueue(i, sizes[i]);
        }
        driverOk();
        return qs;
    }

    public void kick(int queue) {
        write(0x050, queue);
    }

    public int interruptStatus() {
        return read(0x060);
    }

    public void acknowledge(int bits) {
        write(0x064, bits);
    }

    /** Reads {@code length} bytes of configuration space one byte at a time. */
    public byte[] config(int offset, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) device.read(0x100 + offset + i, 1, Endian.LITTLE);
        }
        return b;
    }

    /** A little-endian configuration field of 1, 2, 4 or 8 bytes. */
    public long configField(int offset, int size) {
        return device.read(0x100 + offset, size, Endian.LITTLE);
    }

    public void reset() {
        write(0x070, 0);
    }
}
