package org.ppc440vm.kvm.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.kvm.vcpu.BookeTimers.*;

import org.junit.jupiter.api.Test;

/** The Book E timer rules, on the timer model alone (clock ticks given explicitly). */
class BookeTimersTest {
    private final BookeTimers t = new BookeTimers();

    {
        t.reset(0);
    }

    @Test
    void decrementerCountsDownAndSetsDisWhenItReachesZeroThenStops() {
        t.writeDec(1000, 100);
        assertEquals(60, t.readDec(1040));
        assertEquals(0, t.readTsr(1099) & TSR_DIS);
        assertEquals(TSR_DIS, t.readTsr(1100) & TSR_DIS);
        assertEquals(0, t.readDec(1200), "without ARE the decrementer stays at 0");
        assertEquals(0, t.pending(), "no interrupt without TCR[DIE]");
    }

    @Test
    void decrementerInterruptIsPendingWhileDisAndDieAreBothSetUntilTsrIsCleared() {
        t.writeTcr(0, TCR_DIE);
        t.writeDec(0, 10);
        assertEquals(10, t.nextDeadline(), "with DIE the decrementer's zero is a deadline");
        t.advance(10);
        assertEquals(PENDING_DEC, t.pending());
        t.advance(50);
        assertEquals(PENDING_DEC, t.pending(), "level: still pending");
        t.clearTsr(60, TSR_DIS);
        assertEquals(0, t.pending());
    }

    @Test
    void writingZeroToDecStopsItWithoutAnEvent() {
        t.writeTcr(0, TCR_DIE);
        t.writeDec(0, 0);
        t.advance(1_000_000);
        assertEquals(0, t.readTsr(1_000_000) & TSR_DIS);
        assertEquals(0, t.pending());
    }

    @Test
    void autoReloadRestartsFromDecarAtEachZero() {
        t.writeDecar(100);
        t.writeTcr(0, TCR_ARE | TCR_DIE);
        t.writeDec(0, 10);
        t.advance(10);
        assertEquals(PENDING_DEC, t.pending());
        assertEquals(100, t.readDec(10), "reloaded with DECAR at the zero");
        assertEquals(95, t.readDec(15));
        assertEquals(110, t.nextDeadline());
        t.clearTsr(20, TSR_DIS);
        t.advance(350); // zeros at 110, 210, 310: one DIS, the next zero at 410
        assertEquals(PENDING_DEC, t.pending());
        assertEquals(60, t.readDec(350));
        assertEquals(410, t.nextDeadline());
    }

    @Test
    void fitEventsAreTheZeroToOneTransitionsOfTheSelectedTimeBaseBit() {
        assertEquals(4096, nextBitEvent(0, 13));
        assertEquals(4096 + 8192, nextBitEvent(4096, 13));
        assertEquals(4096, nextBitEvent(4095, 13));
        t.writeTcr(0, TCR_FIE); // FP = 0: period 2^13
        assertEquals(4096, t.nextDeadline());
        t.advance(4095);
        assertEquals(0, t.pending());
        t.advance(4096);
        assertEquals(PENDING_FIT, t.pending());
        assertEquals(4096 + 8192, t.nextDeadline());
        t.clearTsr(5000, TSR_FIS);
        t.writeTcr(5000, TCR_FIE | 0x0100_0000); // FP = 1: 2^17
        assertEquals(65536, t.nextDeadline());
    }

    @Test
    void fitWithoutFieSetsFisLazilyAndIsNoDeadline() {
        assertEquals(BookeTimers.NEVER, t.nextDeadline());
        assertEquals(TSR_FIS, t.readTsr(5000) & TSR_FIS, "the status bit is computed when read");
        assertEquals(0, t.pending());
    }

    @Test
    void watchdogFirstSetsEnwThenWisThenResetsWhenWrcAsks() {
        t.writeTcr(0, TCR_WIE | 0x2000_0000); // WP = 0 (2^17), WRC = 2
        long first = 1 << 16;
        long period = 1 << 17;
        assertEquals(first, t.nextDeadline());
        t.advance(first);
        assertEquals(TSR_ENW, t.readTsr(first) & (TSR_ENW | TSR_WIS));
        assertEquals(0, t.pending());
        t.advance(first + period);
        assertEquals(TSR_ENW | TSR_WIS, t.readTsr(first + period) & (TSR_ENW | TSR_WIS));
        assertEquals(PENDING_WATCHDOG, t.pending());
        assertFalse(t.takeResetRequest());
        t.advance(first + 2 * period);
        assertTrue(t.takeResetRequest());
        assertEquals(0x2000_0000, t.readTsr(first + 2 * period) & TSR_WRS, "WRS records the reset");
        assertFalse(t.takeResetRequest(), "once");
    }

    @Test
    void softwareThatClearsEnwInTimeKeepsTheWatchdogQuiet() {
        t.writeTcr(0, 0x1000_0000); // WRC = 1, no interrupt
        long first = 1 << 16;
        long period = 1 << 17;
        for (int i = 0; i < 10; i++) {
            t.advance(first + i * period);
            t.clearTsr(first + i * period, TSR_ENW | TSR_WIS);
        }
        assertFalse(t.takeResetRequest());
    }

    @Test
    void tcrWrcIsStickyOnceSet() {
        t.writeTcr(0, 0x1000_0000);
        t.writeTcr(0, 0x2000_0000 | TCR_DIE);
        assertEquals(0x1000_0000 | TCR_DIE, t.readTcr());
        t.writeTcr(0, 0);
        assertEquals(0x1000_0000, t.readTcr());
        t.reset(0);
        assertEquals(0, t.readTcr());
    }

    @Test
    void tsrIsWriteOneToClear() {
        t.setTsrBits(TSR_ENW | TSR_DIS | TSR_FIS);
        t.clearTsr(0, TSR_DIS | TSR_WIS);
        assertEquals(TSR_ENW | TSR_FIS, t.readTsr(0) & (TSR_ENW | TSR_DIS | TSR_FIS | TSR_WIS));
    }

    @Test
    void timeBaseWritesSetEachHalfAndTheClockCountsOn() {
        t.writeTbu(1000, 0x12);
        assertEquals(0x12_0000_0000L | 1000, t.timeBase(1000));
        t.writeTbl(2000, 0xFFFF_FFF0);
        assertEquals(0x12_FFFF_FFF0L, t.timeBase(2000));
        assertEquals(0x13_0000_0000L, t.timeBase(2016), "TBL carries into TBU");
    }
}
