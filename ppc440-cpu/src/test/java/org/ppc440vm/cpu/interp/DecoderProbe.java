package org.ppc440vm.cpu.interp;

/**
 * Test-side door to the package-private {@link Decoder} for the decode benchmark
 * (org.ppc440vm.cpu.bench.DecodeBenchmark), which lives outside this package like the other benchmarks.
 */
public final class DecoderProbe {
    private DecoderProbe() {
    }

    /** The decoded-page entry of {@code word}: op id in the high half, the word in the low half. */
    public static long entry(int word) {
        return Decoder.entry(word);
    }
}
