package org.ppc440vm.kvm.vcpu;

/**
 * The PowerPC conversions between the single format in memory and the double format of the FPRs, as lfs and stfs
 * perform them: bit-exact, NaNs kept as they are (Java's float/double casts would quiet a signalling NaN), and
 * stfs truncating rather than rounding, as the architecture's store conversion does.
 */
final class FloatFormat {
    private FloatFormat() {
    }

    /** lfs: a single-format word to double-format FPR bits. */
    static long fromSingle(int word) {
        int exponent = (word >>> 23) & 0xFF;
        if (exponent == 0xFF) { // infinity or NaN: the fraction moves up unchanged
            return ((long) (word & 0x8000_0000) << 32) | 0x7FF0_0000_0000_0000L | ((long) (word & 0x7F_FFFF) << 29);
        }
        return Double.doubleToRawLongBits(Float.intBitsToFloat(word)); // exact for every number
    }

    /** stfs: FPR bits to the single-format word. */
    static int toSingle(long bits) {
        int exponent = (int) (bits >>> 52) & 0x7FF;
        if (exponent > 896 || exponent == 0 || exponent == 0x7FF) {
            // Within single range (or zero, infinity, NaN): sign and exponent MSB, then bits 5:34.
            return (int) ((bits >>> 32) & 0xC000_0000L) | (int) ((bits >>> 29) & 0x3FFF_FFFF);
        }
        if (exponent >= 874) { // a single-format denormal: shift the significand, truncating
            long significand = (1L << 52) | (bits & ((1L << 52) - 1));
            return (int) ((bits >>> 32) & 0x8000_0000L) | (int) (significand >>> (926 - exponent));
        }
        // Below the single range the architecture leaves the result undefined: use the same bit selection.
        return (int) ((bits >>> 32) & 0xC000_0000L) | (int) ((bits >>> 29) & 0x3FFF_FFFF);
    }
}
