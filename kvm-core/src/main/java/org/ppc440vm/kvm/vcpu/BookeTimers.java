package org.ppc440vm.kvm.vcpu;

/**
 * The Book E timer facilities of one vCPU: the 64-bit time base, the decrementer (with auto-reload from DECAR), the
 * fixed-interval timer and the watchdog, and their status (TSR) and control (TCR) registers.
 *
 * <p>Nothing here ticks. Every timer is kept as the clock tick of its next event and brought up to date by
 * {@link #advance(long)}, which the vCPU calls when the clock passes {@link #nextDeadline()} and before any guest
 * access to a timer register. The deadline counts only events that can interrupt or reset the guest: a decrementer
 * without TCR[DIE], a FIT without TCR[FIE] or a watchdog that can neither interrupt nor reset only sets status bits,
 * which {@code advance} computes exactly when the guest next looks, so such timers never stop the CPU.
 *
 * <p>FIT and watchdog events are the 0→1 transitions of a time-base bit: with a period of 2^n ticks, the bit of
 * weight 2^(n-1), i.e. time-base values {@code k * 2^n + 2^(n-1)}. Their periods are the 440's: FIT 2^13, 2^17,
 * 2^21, 2^25 and watchdog 2^17, 2^21, 2^25, 2^29 ticks for TCR[FP] and TCR[WP] = 0..3.
 */
final class BookeTimers {
    // TCR (IBM bit numbers in comments)
    static final int TCR_WP = 0xC0000000; // 0:1 watchdog period
    static final int TCR_WRC = 0x30000000; // 2:3 watchdog reset control (sticky once non-zero)
    static final int TCR_WIE = 0x08000000; // 4 watchdog interrupt enable
    static final int TCR_DIE = 0x04000000; // 5 decrementer interrupt enable
    static final int TCR_FP = 0x03000000; // 6:7 FIT period
    static final int TCR_FIE = 0x00800000; // 8 FIT interrupt enable
    static final int TCR_ARE = 0x00400000; // 9 decrementer auto-reload enable
    static final int TCR_IMPLEMENTED = TCR_WP | TCR_WRC | TCR_WIE | TCR_DIE | TCR_FP | TCR_FIE | TCR_ARE;
    // TSR
    static final int TSR_ENW = 0x80000000; // 0 enable next watchdog
    static final int TSR_WIS = 0x40000000; // 1 watchdog interrupt status
    static final int TSR_WRS = 0x30000000; // 2:3 watchdog reset status
    static final int TSR_DIS = 0x08000000; // 4 decrementer interrupt status
    static final int TSR_FIS = 0x04000000; // 5 FIT interrupt status
    static final int TSR_IMPLEMENTED = TSR_ENW | TSR_WIS | TSR_WRS | TSR_DIS | TSR_FIS;

    /** Bits of {@link #pending()}: timer interrupts whose status and enable bits are both set. */
    static final int PENDING_DEC = 1;
    static final int PENDING_FIT = 2;
    static final int PENDING_WATCHDOG = 4;

    static final long NEVER = Long.MAX_VALUE;

    private int tcr;
    private int tsr;
    private int decar;
    /** Time base minus clock: what TBL/TBU writes change. */
    private long tbOffset;
    /** The clock tick at which DEC reaches 0, while it runs. */
    private long decZeroAt;
    private boolean decRunning;
    /** Time-base values of the next FIT and watchdog events. */
    private long fitNextTb;
    private long watchdogNextTb;

    private int pending;
    private long nextDeadline = NEVER;
    /** The watchdog's third event with TCR[WRC] != 0: the core must reset (TSR[WRS] says why). */
    private boolean resetRequested;

    /** Power-on state at clock tick {@code now}: everything 0, the time base keeps counting. */
    void reset(long now) {
        tcr = 0;
        tsr = 0;
        decar = 0;
        decRunning = false;
        resetRequested = false;
        scheduleBitEvents(now);
        update();
    }

    /** Brings status bits up to clock tick {@code now}. */
    void advance(long now) {
        if (decRunning && now >= decZeroAt) {
            tsr |= TSR_DIS;
            long period = decar & 0xFFFF_FFFFL;
            if ((tcr & TCR_ARE) != 0 && period != 0) {
                decZeroAt += ((now - decZeroAt) / period + 1) * period;
            } else {
                decRunning = false;
            }
        }
        long tb = now + tbOffset;
        if (tb >= fitNextTb) {
            tsr |= TSR_FIS;
            fitNextTb = nextBitEvent(tb, fitShift());
        }
        if (tb >= watchdogNextTb) {
            int shiftBits = watchdogShift();
            long events = ((tb - watchdogNextTb) >>> shiftBits) + 1;
            for (long i = 0; i < Math.min(events, 3); i++) {
                watchdogEvent();
            }
            watchdogNextTb = nextBitEvent(tb, shiftBits);
        }
        update();
    }

    private void watchdogEvent() {
        if ((tsr & TSR_ENW) == 0) {
            tsr |= TSR_ENW;
        } else if ((tsr & TSR_WIS) == 0) {
            tsr |= TSR_WIS;
        } else if ((tcr & TCR_WRC) != 0 && !resetRequested) {
            tsr = (tsr & ~TSR_WRS) | (tcr & TCR_WRC); // WRS records the reset the watchdog caused
            resetRequested = true;
        }
    }

    /** Recomputes {@link #pending} and {@link #nextDeadline} after any change. */
    private void update() {
        int p = 0;
        if ((tsr & TSR_DIS) != 0 && (tcr & TCR_DIE) != 0) {
            p |= PENDING_DEC;
        }
        if ((tsr & TSR_FIS) != 0 && (tcr & TCR_FIE) != 0) {
            p |= PENDING_FIT;
        }
        if ((tsr & TSR_WIS) != 0 && (tcr & TCR_WIE) != 0) {
            p |= PENDING_WATCHDOG;
        }
        pending = p;
        long d = NEVER;
        if (decRunning && (tcr & TCR_DIE) != 0) {
            d = decZeroAt;
        }
        if ((tcr & TCR_FIE) != 0) {
            d = Math.min(d, fitNextTb - tbOffset);
        }
        if ((tcr & (TCR_WIE | TCR_WRC)) != 0) {
            d = Math.min(d, watchdogNextTb - tbOffset);
        }
        nextDeadline = d;
    }

    private int fitShift() {
        return 13 + 4 * ((tcr & TCR_FP) >>> 24);
    }

    private int watchdogShift() {
        return 17 + 4 * ((tcr & TCR_WP) >>> 30);
    }

    /** The first time-base value after {@code tb} where the bit of weight 2^(shift-1) goes from 0 to 1. */
    static long nextBitEvent(long tb, int shift) {
        long period = 1L << shift;
        long half = period >>> 1;
        return tb - Math.floorMod(tb - half, period) + period;
    }

    private void scheduleBitEvents(long now) {
        long tb = now + tbOffset;
        fitNextTb = nextBitEvent(tb, fitShift());
        watchdogNextTb = nextBitEvent(tb, watchdogShift());
    }

    // ---- what the vCPU reads ----

    /** Timer interrupts pending (status and enable both set), as {@code PENDING_*} bits. */
    int pending() {
        return pending;
    }

    /** The clock tick of the next event that can interrupt or reset the guest, or {@link #NEVER}. */
    long nextDeadline() {
        return nextDeadline;
    }

    /** True once after the watchdog asked for a reset. */
    boolean takeResetRequest() {
        boolean r = resetRequested;
        resetRequested = false;
        return r;
    }

    // ---- the registers as the guest reads and writes them ----

    long timeBase(long now) {
        return now + tbOffset;
    }

    /** mtspr TBL (284): the low word of the time base; the high word is unchanged. */
    void writeTbl(long now, int value) {
        advance(now);
        long tb = now + tbOffset;
        setTimeBase(now, (tb & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL));
    }

    /** mtspr TBU (285): the high word of the time base. */
    void writeTbu(long now, int value) {
        advance(now);
        long tb = now + tbOffset;
        setTimeBase(now, ((long) value << 32) | (tb & 0xFFFF_FFFFL));
    }

    private void setTimeBase(long now, long tb) {
        tbOffset = tb - now;
        scheduleBitEvents(now);
        update();
    }

    int readDec(long now) {
        advance(now);
        return decRunning ? (int) Math.min(decZeroAt - now, 0xFFFF_FFFFL) : 0;
    }

    /** mtspr DEC: counts down from {@code value}; 0 stops it without an event. */
    void writeDec(long now, int value) {
        advance(now);
        long v = value & 0xFFFF_FFFFL;
        decRunning = v != 0;
        decZeroAt = now + v;
        update();
    }

    /** DECAR is write-only on the 440; kept for auto-reload. */
    void writeDecar(int value) {
        decar = value;
    }

    int decar() {
        return decar;
    }

    int readTcr() {
        return tcr;
    }

    /** mtspr TCR. WRC, once non-zero, stays until reset (the 440 lets software set it only once). */
    void writeTcr(long now, int value) {
        advance(now);
        int old = tcr;
        int wrc = (old & TCR_WRC) != 0 ? old & TCR_WRC : value & TCR_WRC;
        tcr = (value & TCR_IMPLEMENTED & ~TCR_WRC) | wrc;
        long tb = now + tbOffset;
        if (((old ^ tcr) & TCR_FP) != 0) {
            fitNextTb = nextBitEvent(tb, fitShift());
        }
        if (((old ^ tcr) & TCR_WP) != 0) {
            watchdogNextTb = nextBitEvent(tb, watchdogShift());
        }
        update();
    }

    int readTsr(long now) {
        advance(now);
        return tsr;
    }

    /** mtspr TSR: write-1-to-clear. */
    void clearTsr(long now, int ones) {
        advance(now);
        tsr &= ~ones;
        update();
    }

    // ---- snapshots (VcpuStateCodec) ----

    /** Values in {@link #save(long)}'s array. */
    static final int SAVED_WORDS = 8;

    /**
     * The timer state at clock tick {@code now}, independent of the clock: the time base itself (not its offset to
     * this vCPU's clock), the decrementer's remaining ticks (-1 when stopped), the FIT and watchdog events as
     * time-base values; {@link #load} re-anchors them to the clock of the vCPU that restores, so the guest's time
     * base and decrementer go on from where they were.
     */
    long[] save(long now) {
        advance(now); // status bits up to date, and a running decrementer's zero lies in the future
        return new long[] {tcr, tsr, decar, now + tbOffset, decRunning ? Math.max(decZeroAt - now, 0) : -1,
            fitNextTb, watchdogNextTb, resetRequested ? 1 : 0};
    }

    /** Takes a state made by {@link #save(long)} at this vCPU's clock tick {@code now}. */
    void load(long now, long[] s) {
        if (s.length != SAVED_WORDS) {
            throw new IllegalArgumentException("timer state has " + s.length + " values, not " + SAVED_WORDS);
        }
        tcr = (int) s[0] & TCR_IMPLEMENTED;
        tsr = (int) s[1] & TSR_IMPLEMENTED;
        decar = (int) s[2];
        tbOffset = s[3] - now;
        decRunning = s[4] >= 0;
        decZeroAt = decRunning ? now + s[4] : 0;
        fitNextTb = s[5];
        watchdogNextTb = s[6];
        resetRequested = s[7] != 0;
        update();
    }

    /** Sets TSR bits directly (a reset records its cause in WRS). */
    void setTsrBits(int bits) {
        tsr |= bits & TSR_IMPLEMENTED;
        update();
    }
}
