package org.ppc440vm.virtio.queue;

/**
 * The byte layout of a split virtqueue (virtio 1.2, 2.7): field offsets and sizes, all little-endian in guest RAM.
 * Kept in one place so that the device side ({@link SplitVirtQueue}) and the driver-side test mock agree.
 */
public final class SplitRing {

    /** One descriptor: addr (le64), len (le32), flags (le16), next (le16). */
    public static final int DESCRIPTOR_SIZE = 16;
    public static final int DESC_ADDR = 0;
    public static final int DESC_LEN = 8;
    public static final int DESC_FLAGS = 12;
    public static final int DESC_NEXT = 14;

    /** Descriptor flags. */
    public static final int F_NEXT = 1;
    public static final int F_WRITE = 2;
    public static final int F_INDIRECT = 4;

    /** Available ring: flags (le16), idx (le16), ring[size] (le16), used_event (le16). */
    public static final int AVAIL_FLAGS = 0;
    public static final int AVAIL_IDX = 2;
    public static final int AVAIL_RING = 4;
    public static final int AVAIL_F_NO_INTERRUPT = 1;

    /** Used ring: flags (le16), idx (le16), ring[size] of {id le32, len le32}, avail_event (le16). */
    public static final int USED_FLAGS = 0;
    public static final int USED_IDX = 2;
    public static final int USED_RING = 4;
    public static final int USED_ELEMENT_SIZE = 8;
    public static final int USED_F_NO_NOTIFY = 1;

    /** Largest queue size a split ring may have. */
    public static final int MAX_QUEUE_SIZE = 32768;

    /** Alignments the driver must respect (virtio 1.2, 2.7 table "Virtqueue Part Alignment"). */
    public static final int DESC_ALIGN = 16;
    public static final int AVAIL_ALIGN = 2;
    public static final int USED_ALIGN = 4;

    private SplitRing() {
    }

    public static long descriptorTableBytes(int size) {
        return (long) DESCRIPTOR_SIZE * size;
    }

    /** Including used_event (present whether or not VIRTIO_F_EVENT_IDX is negotiated; the driver allocates it). */
    public static long availRingBytes(int size) {
        return AVAIL_RING + 2L * size + 2;
    }

    /** Including avail_event. */
    public static long usedRingBytes(int size) {
        return USED_RING + (long) USED_ELEMENT_SIZE * size + 2;
    }

    public static long usedEventOffset(int size) {
        return AVAIL_RING + 2L * size;
    }

    public static long availEventOffset(int size) {
        return USED_RING + (long) USED_ELEMENT_SIZE * size;
    }

    public static boolean isPowerOfTwo(int n) {
        return n > 0 && (n & (n - 1)) == 0;
    }
}
