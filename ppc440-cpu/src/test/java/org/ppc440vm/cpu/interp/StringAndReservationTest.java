package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;

/** lswi/lswx/stswi/stswx (register wrap, zero fill, zero length) and lwarx/stwcx. reservation semantics. */
class StringAndReservationTest {
    static final int D = CpuHarness.DATA;

    private static void fillBytes(CpuHarness h, int at, int count) {
        for (int k = 0; k < count; k++) {
            h.ram.bytes[at + k] = (byte) (k + 1);
        }
    }

    private static int bytesWord(int first) {
        return first << 24 | (first + 1) << 16 | (first + 2) << 8 | (first + 3);
    }

    @Test
    void lswiWith32BytesWrapsFromR31ToR0() {
        CpuHarness h = new CpuHarness();
        fillBytes(h, D, 32);
        h.set(9, D).set(6, 0x66666666);
        h.exec(Asm.lswi(30, 9, 0));
        assertEquals(bytesWord(1), h.r(30));
        assertEquals(bytesWord(5), h.r(31));
        assertEquals(bytesWord(9), h.r(0));
        assertEquals(bytesWord(13), h.r(1));
        assertEquals(bytesWord(29), h.r(5));
        assertEquals(0x66666666, h.r(6), "exactly 8 registers");
    }

    @Test
    void partialLastRegisterIsZeroFilled() {
        CpuHarness h = new CpuHarness();
        fillBytes(h, D, 8);
        h.set(9, D + 1).set(6, -1);
        h.exec(Asm.lswi(5, 9, 7));
        assertEquals(0x02030405, h.r(5));
        assertEquals(0x06070800, h.r(6));
    }

    @Test
    void lswxTakesItsCountFromXerAndZeroIsANoOp() {
        CpuHarness h = new CpuHarness();
        fillBytes(h, D, 16);
        h.mmu.faultPages.put(0x40, ExitReason.DATA_TLB_MISS);
        h.set(9, 0x40000).set(10, 0).set(7, 0xDEADBEEF);
        h.s.xer = CpuState.XER_CA; // byte count 0
        assertEquals(ExitReason.TIMESLICE, h.exec(Asm.x(533, 7, 9, 10)), "no access, so no fault");
        assertEquals(0xDEADBEEF, h.r(7));

        h.s.xer = CpuState.XER_SO | 5;
        h.set(9, D).set(10, 3);
        h.exec(Asm.x(533, 7, 9, 10));
        assertEquals(0x04050607, h.r(7));
        assertEquals(0x08000000, h.r(8));
        assertEquals(CpuState.XER_SO | 5, h.s.xer);
    }

    @Test
    void storeStringsMirrorLoads() {
        CpuHarness h = new CpuHarness();
        for (int k = 0; k < 32; k++) {
            h.set(k, 0x01010101 * (k + 1));
        }
        h.set(9, D + 0x101); // misaligned, crossing nothing
        h.exec(Asm.stswi(30, 9, 0));
        assertEquals(31, h.ram.bytes[D + 0x101]);
        assertEquals(32, h.ram.bytes[D + 0x105]);
        assertEquals(1, h.ram.bytes[D + 0x109], "wrapped to r0");
        assertEquals(6, h.ram.bytes[D + 0x101 + 31]);
        assertEquals(0, h.ram.bytes[D + 0x101 + 32], "32 bytes exactly");

        h.s.xer = 6;
        h.set(9, D + 0x200).set(10, 2);
        h.exec(Asm.x(661, 3, 9, 10));
        assertEquals(0x04, h.ram.bytes[D + 0x202], "r3 = 0x04040404 first");
        assertEquals(0x04, h.ram.bytes[D + 0x205]);
        assertEquals(5, h.ram.bytes[D + 0x206]);
        assertEquals(5, h.ram.bytes[D + 0x207]);
        assertEquals(0, h.ram.bytes[D + 0x208]);
    }

    @Test
    void stringLoadAcrossAPageBoundary() {
        CpuHarness h = new CpuHarness();
        fillBytes(h, 0x20000 - 3, 6);
        h.set(9, 0x20000 - 3);
        h.exec(Asm.lswi(3, 9, 6));
        assertEquals(0x01020304, h.r(3));
        assertEquals(0x05060000, h.r(4));
    }

    @Test
    void reservationSucceedsOnceAndFailsWithout() {
        CpuHarness h = new CpuHarness();
        h.poke(D, 41);
        h.set(9, D).set(4, 99);
        h.s.xer = CpuState.XER_SO;
        h.exec(Asm.lwarx(3, 0, 9));
        assertEquals(41, h.r(3));
        assertTrue(h.s.reserved);
        assertEquals(D, h.s.reservationAddress);
        h.exec(Asm.stwcxDot(4, 0, 9));
        assertEquals(99, h.peek(D));
        assertEquals(0x3, h.crField(0), "EQ (stored) and SO");
        assertFalse(h.s.reserved, "stwcx. always clears the reservation");

        h.s.cr = 0xF0000000;
        h.set(4, 7).exec(Asm.stwcxDot(4, 0, 9));
        assertEquals(99, h.peek(D), "no reservation, no store");
        assertEquals(0x1, h.crField(0), "LT, GT, EQ clear; SO copied");
    }

    @Test
    void the440DoesNotCompareTheReservationAddress() {
        CpuHarness h = new CpuHarness();
        h.set(9, D).set(10, D + 0x100).set(4, 5);
        h.exec(Asm.lwarx(3, 0, 9), Asm.stwcxDot(4, 0, 10));
        assertEquals(5, h.peek(D + 0x100));
        assertEquals(0x2, h.crField(0));
    }

    @Test
    void misalignedReservationInstructionsRaiseAlignment() {
        CpuHarness h = new CpuHarness();
        h.set(9, D + 2);
        assertEquals(ExitReason.ALIGNMENT, h.exec(Asm.lwarx(3, 0, 9)));
        assertEquals(D + 2, h.s.trapAddress);
        assertFalse(h.s.reserved);
        assertEquals(ExitReason.ALIGNMENT, h.exec(Asm.stwcxDot(3, 0, 9)), "even without a reservation");
        assertEquals(CpuState.ESR_ST, h.s.trapEsr);
    }

    @Test
    void stwcxWithoutReservationReportsTlbMissesButNotStorageFaults() {
        CpuHarness h = new CpuHarness();
        h.mmu.readOnlyPages.add(D >>> 12);
        h.set(9, D).set(4, 1);
        h.s.reserved = false;
        assertEquals(ExitReason.TIMESLICE, h.exec(Asm.stwcxDot(4, 0, 9)), "DSI suppressed: just fails");
        assertEquals(0, h.crField(0) & 2);

        h.mmu.faultPages.put(0x50, ExitReason.DATA_TLB_MISS);
        h.set(9, 0x50000);
        assertEquals(ExitReason.DATA_TLB_MISS, h.exec(Asm.stwcxDot(4, 0, 9)));

        h.s.reserved = true;
        h.set(9, D);
        assertEquals(ExitReason.DATA_STORAGE, h.exec(Asm.stwcxDot(4, 0, 9)), "with a reservation the DSI is real");
        assertTrue(h.s.reserved, "a faulting stwcx. changes nothing");
    }
}
