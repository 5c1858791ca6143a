package org.ppc440vm.kvm.spi;

/** How a vCPU is made: a plain value, built with chained setters. */
public final class VcpuOptions {
    private int index;
    private long timebaseHz = 400_000_000L;
    private int icountShift = -1;
    private boolean tlbCheck;
    private int translationCacheEntries = 4096;

    /** Index of the vCPU in its VM (PIR). */
    public VcpuOptions index(int index) {
        this.index = index;
        return this;
    }

    /** Time-base (and decrementer) frequency, as the device tree states it; 400 MHz by default like the bamboo board. */
    public VcpuOptions timebaseHz(long hz) {
        this.timebaseHz = hz;
        return this;
    }

    /**
     * {@code -icount}: drive the time base from instructions retired, one instruction advancing it by 2^shift ticks,
     * so that runs are reproducible; -1 (the default) drives it from host time.
     */
    public VcpuOptions icountShift(int shift) {
        this.icountShift = shift;
        return this;
    }

    /** {@code -d tlb-check}: run the TLB consistency checker after every guest TLB change. */
    public VcpuOptions tlbCheck(boolean on) {
        this.tlbCheck = on;
        return this;
    }

    public VcpuOptions translationCacheEntries(int entries) {
        this.translationCacheEntries = entries;
        return this;
    }

    public int index() {
        return index;
    }

    public long timebaseHz() {
        return timebaseHz;
    }

    public int icountShift() {
        return icountShift;
    }

    public boolean icount() {
        return icountShift >= 0;
    }

    public boolean tlbCheck() {
        return tlbCheck;
    }

    public int translationCacheEntries() {
        return translationCacheEntries;
    }
}
