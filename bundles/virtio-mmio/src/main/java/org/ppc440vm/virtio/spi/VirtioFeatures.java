package org.ppc440vm.virtio.spi;

/**
 * Feature bits shared by every virtio device (virtio 1.2, section 6 "Reserved Feature Bits"), as masks of the
 * 64-bit feature word. Device-specific bits (0-23) are defined by each device.
 */
public final class VirtioFeatures {

    /** Descriptors may point to a table of further descriptors (bit 28). */
    public static final long RING_INDIRECT_DESC = 1L << 28;

    /** The used_event / avail_event fields suppress notifications by index (bit 29). */
    public static final long RING_EVENT_IDX = 1L << 29;

    /** virtio 1.x semantics (bit 32): little-endian rings and config, no legacy interface. Always offered. */
    public static final long VERSION_1 = 1L << 32;

    /** The ring features the transport's {@link VirtQueue} implements: a device may offer these. */
    public static final long SUPPORTED_RING_FEATURES = RING_INDIRECT_DESC | RING_EVENT_IDX;

    private VirtioFeatures() {
    }

    /** The mask of feature bit {@code bit} (0-63). */
    public static long bit(int bit) {
        if (bit < 0 || bit > 63) {
            throw new IllegalArgumentException("feature bit " + bit + " is not in 0-63");
        }
        return 1L << bit;
    }

    /** True when every bit of {@code mask} is set in {@code features}. */
    public static boolean has(long features, long mask) {
        return (features & mask) == mask;
    }
}
