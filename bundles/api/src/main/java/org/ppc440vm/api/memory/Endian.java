package org.ppc440vm.api.memory;

/**
 * Byte order of one access. Carried explicitly on every device access because the guest is big-endian while some
 * device registers (virtio) are little-endian: the guest reads those with byte-reversed loads, and the device must
 * see which order the access used.
 */
public enum Endian {
    BIG,
    LITTLE;

    /** Puts the low {@code size} bytes of {@code value}, written in this order, into big-endian (guest) order. */
    public long toBig(long value, int size) {
        return this == BIG ? value : reverse(value, size);
    }

    /** Reverses the low {@code size} (1, 2, 4 or 8) bytes of {@code value}; higher bytes are dropped. */
    public static long reverse(long value, int size) {
        switch (size) {
            case 1: return value & 0xFFL;
            case 2: return Short.reverseBytes((short) value) & 0xFFFFL;
            case 4: return Integer.reverseBytes((int) value) & 0xFFFF_FFFFL;
            case 8: return Long.reverseBytes(value);
            default: throw new IllegalArgumentException("access size must be 1, 2, 4 or 8, not " + size);
        }
    }
}
