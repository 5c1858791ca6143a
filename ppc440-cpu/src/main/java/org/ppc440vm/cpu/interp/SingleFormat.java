package org.ppc440vm.cpu.interp;

/**
 * The bit-exact single/double conversions of lfs and stfs (PowerPC Book I, "Floating-Point Load/Store
 * Instructions"). Neither rounds nor signals: lfs widens exactly (keeping a signalling NaN signalling, which a host
 * float-to-double conversion would quiet), stfs narrows by truncating bits.
 */
final class SingleFormat {
    private SingleFormat() {
    }

    /** lfs: the double with the same value as the single-precision word (NaN payloads kept, SNaN not quieted). */
    static long toDouble(int word) {
        int exponent = (word >>> 23) & 0xFF;
        long sign = (long) (word >>> 31) << 63;
        long fraction = word & 0x7FFFFF;
        if (exponent == 0xFF) { // infinity or NaN: exponent all ones, fraction bits copied
            return sign | 0x7FF0000000000000L | (fraction << 29);
        }
        if (exponent != 0) { // normalized
            return sign | ((long) (exponent - 127 + 1023) << 52) | (fraction << 29);
        }
        if (fraction == 0) {
            return sign;
        }
        // denormalized single: normalize (every single denormal is a normal double)
        int shift = Long.numberOfLeadingZeros(fraction) - 40; // bring the leading 1 to bit 23
        long normalized = (fraction << shift) & 0x7FFFFF;
        int doubleExponent = 1023 - 126 - shift;
        return sign | ((long) doubleExponent << 52) | (normalized << 29);
    }

    /**
     * stfs: the single-precision word the architecture stores for a double. Values in single range (and zero,
     * infinity, NaN) keep their sign, the top exponent bit and the next 30 bits (exponent low bits and fraction),
     * truncated; values in the single denormal range are denormalized by shifting, truncated; anything smaller
     * is architecturally undefined and stores a signed zero here.
     */
    static int fromDouble(long bits) {
        int exponent = (int) ((bits >>> 52) & 0x7FF);
        if (exponent > 896 || (bits & 0x7FFFFFFFFFFFFFFFL) == 0) {
            return (int) ((bits >>> 32) & 0xC0000000L) | (int) ((bits >>> 29) & 0x3FFFFFFF);
        }
        int sign = (int) (bits >>> 63) << 31;
        if (exponent >= 874) {
            long fraction = (bits & 0xFFFFFFFFFFFFFL) | 0x10000000000000L; // 1.f as 53 bits
            int unbiased = exponent - 1023;
            // single denormal: value = fraction * 2^(unbiased - 52); stored fraction = value * 2^149 (23 bits)
            int shiftRight = 52 - 149 - unbiased; // (-126 - unbiased) extra positions beyond the implicit 29
            return sign | (int) (fraction >>> shiftRight);
        }
        return sign;
    }
}
