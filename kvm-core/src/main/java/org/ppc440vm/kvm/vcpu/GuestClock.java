package org.ppc440vm.kvm.vcpu;

import org.ppc440vm.cpu.spi.CpuState;

/**
 * The clock the vCPU's time base, decrementer and timers count: ticks at the time-base frequency since the vCPU was
 * made. Driven by host time by default, or by instructions retired ({@code -icount}), where one instruction is
 * {@code 2^shift} ticks and idle time (MSR[WE]) is skipped by a warp to the next timer deadline. In icount mode
 * nothing here reads host time, so two runs of the same guest see the same ticks at the same instructions.
 */
final class GuestClock {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final CpuState state;
    private final long hz;
    private final boolean icount;
    private final int shift;
    private final long originNanos;
    /** icount: ticks added by warps over idle periods. */
    private long warp;

    GuestClock(CpuState state, long hz, int icountShift) {
        if (hz <= 0 || hz > 9_000_000_000L) {
            throw new IllegalArgumentException("time-base frequency out of range: " + hz + " Hz");
        }
        if (icountShift > 20) {
            throw new IllegalArgumentException("icount shift must be 0..20, not " + icountShift);
        }
        this.state = state;
        this.hz = hz;
        this.icount = icountShift >= 0;
        this.shift = Math.max(icountShift, 0);
        this.originNanos = System.nanoTime();
    }

    boolean icount() {
        return icount;
    }

    long hz() {
        return hz;
    }

    /** Ticks since the vCPU was made. */
    long now() {
        return icount ? (state.instructions << shift) + warp : nanosToTicks(System.nanoTime() - originNanos);
    }

    /** icount: skips {@code ticks} of idle time (the guest waits with MSR[WE] and nothing else can happen). */
    void warp(long ticks) {
        if (icount && ticks > 0) {
            warp += ticks;
        }
    }

    /**
     * icount: the instructions after which at least {@code ticks} ticks have passed (at least 1). Host mode has no
     * such mapping and answers {@link Long#MAX_VALUE}.
     */
    long instructionsFor(long ticks) {
        if (!icount) {
            return Long.MAX_VALUE;
        }
        if (ticks <= 0) {
            return 1;
        }
        return ((ticks - 1) >>> shift) + 1;
    }

    /** Host nanoseconds that correspond to {@code ticks} (for idling until a deadline), without overflow. */
    long ticksToNanos(long ticks) {
        if (ticks <= 0) {
            return 0;
        }
        return ticks / hz * NANOS_PER_SECOND + (ticks % hz) * NANOS_PER_SECOND / hz;
    }

    long nanosToTicks(long nanos) {
        return nanos / NANOS_PER_SECOND * hz + (nanos % NANOS_PER_SECOND) * hz / NANOS_PER_SECOND;
    }
}
