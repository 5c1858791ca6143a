package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;

/** Integer loads and stores of every size and form, misaligned and page-crossing accesses, lmw/stmw. */
class LoadStoreTest {
    static final int D = CpuHarness.DATA;

    @Test
    void dFormLoadsOfEverySize() {
        CpuHarness h = new CpuHarness();
        h.poke(D, 0x8182F3F4, 0x11223344);
        h.set(9, D);
        h.exec(Asm.lwz(3, 4, 9), Asm.lbz(4, 0, 9), Asm.lhz(5, 2, 9), Asm.lha(6, 2, 9), Asm.lha(7, 4, 9),
                Asm.lbz(8, 1, 9));
        assertEquals(0x11223344, h.r(3));
        assertEquals(0x81, h.r(4));
        assertEquals(0xF3F4, h.r(5), "lhz zero-extends");
        assertEquals(0xFFFFF3F4, h.r(6), "lha sign-extends");
        assertEquals(0x1122, h.r(7));
        assertEquals(0x82, h.r(8));
    }

    @Test
    void rAZeroMeansAbsoluteAddressing() {
        CpuHarness h = new CpuHarness();
        h.poke(0x100, 0xCAFEBABE);
        h.set(0, 0x1000);
        h.exec(Asm.lwz(3, 0x100, 0), Asm.stw(3, 0x104, 0));
        assertEquals(0xCAFEBABE, h.r(3));
        assertEquals(0xCAFEBABE, h.peek(0x104));
    }

    @Test
    void updateFormsWriteTheEffectiveAddressBack() {
        CpuHarness h = new CpuHarness();
        h.poke(D, 0x01020304, 0x05060708, 0x8090A0B0);
        h.set(9, D - 4);
        h.exec(Asm.lwzu(3, 4, 9), Asm.lbzu(4, 5, 9), Asm.lhzu(5, 1, 9), Asm.lhau(6, 2, 9));
        assertEquals(0x01020304, h.r(3));
        assertEquals(0x06, h.r(4));
        assertEquals(0x0708, h.r(5));
        assertEquals(0xFFFF8090, h.r(6));
        assertEquals(D + 8, h.r(9));

        h.set(9, D + 0x100).set(3, 0xAABBCCDD);
        h.exec(Asm.stwu(3, -4, 9), Asm.stbu(3, -1, 9), Asm.sthu(3, -2, 9));
        assertEquals(D + 0x100 - 7, h.r(9));
        assertEquals(0xAABBCCDD, h.peek(D + 0xFC));
        assertEquals(0x00CCDDDD, h.peek(D + 0xF8));
    }

    @Test
    void indexedFormsAndTheirUpdates() {
        CpuHarness h = new CpuHarness();
        h.poke(D, 0x01020304, 0xF5F6F7F8);
        h.set(9, D).set(10, 4);
        h.exec(Asm.x(23, 3, 9, 10), Asm.x(87, 4, 9, 10), Asm.x(279, 5, 9, 10), Asm.x(343, 6, 9, 10));
        assertEquals(0xF5F6F7F8, h.r(3), "lwzx");
        assertEquals(0xF5, h.r(4), "lbzx");
        assertEquals(0xF5F6, h.r(5), "lhzx");
        assertEquals(0xFFFFF5F6, h.r(6), "lhax");
        for (int xo : new int[] {55, 119, 311, 375}) {
            h.set(9, D).set(10, 4);
            h.exec(Asm.x(xo, 3, 9, 10));
            assertEquals(D + 4, h.r(9), "update of xo " + xo);
        }
        h.set(3, 0x11223344).set(9, D + 0x20).set(10, 8);
        h.exec(Asm.x(151, 3, 9, 10), Asm.x(215, 3, 9, 10), Asm.x(407, 3, 0, 9));
        assertEquals(0x44223344, h.peek(D + 0x28));
        assertEquals(0x33440000, h.peek(D + 0x20) & 0xFFFF0000);
        for (int xo : new int[] {183, 247, 439}) {
            h.set(9, D + 0x40).set(10, 8);
            h.exec(Asm.x(xo, 3, 9, 10));
            assertEquals(D + 0x48, h.r(9), "update of xo " + xo);
        }
        assertEquals(0x33443344, h.peek(D + 0x48), "stwux, then stbux, then sthux at the same EA");
    }

    @Test
    void invalidUpdateFormsAreIllegalAndChangeNothing() {
        CpuHarness h = new CpuHarness();
        int[] invalid = {
            Asm.lwzu(3, 4, 3), Asm.lwzu(3, 4, 0), Asm.lbzu(5, 0, 5), Asm.lhzu(0, 0, 0), Asm.lhau(7, 2, 7),
            Asm.stwu(3, 4, 0), Asm.stbu(3, 4, 0), Asm.sthu(3, 4, 0), Asm.x(55, 4, 4, 5), Asm.x(183, 4, 0, 5),
            Asm.lfsu(1, 0, 0), Asm.stfdu(1, 0, 0),
        };
        for (int insn : invalid) {
            h.set(3, D).set(5, D).set(7, D).set(4, D);
            h.s.instructions = 0;
            assertEquals(ExitReason.PROGRAM, h.exec(insn), Integer.toHexString(insn));
            assertEquals(CpuState.ESR_PIL, h.s.trapEsr);
            assertEquals(CpuHarness.CODE, h.s.pc);
            assertEquals(D, h.r(3));
            assertEquals(0, h.s.instructions, "a trapping instruction does not retire");
        }
        h.set(3, D).exec(Asm.stwu(3, 4, 3));
        assertEquals(D, h.peek(D + 4), "stwu rS=rA is valid: stores the old value");
        assertEquals(D + 4, h.r(3));
    }

    @Test
    void byteReversedLoadsAndStores() {
        CpuHarness h = new CpuHarness();
        h.poke(D, 0x11223344);
        h.set(9, D).set(10, 0);
        h.exec(Asm.x(534, 3, 9, 10), Asm.x(790, 4, 9, 10));
        assertEquals(0x44332211, h.r(3), "lwbrx");
        assertEquals(0x2211, h.r(4), "lhbrx zero-extends");
        h.set(3, 0xA1B2C3D4).set(10, 8).set(11, D + 12);
        h.exec(Asm.x(662, 3, 9, 10), Asm.x(918, 3, 0, 11));
        assertEquals(0xD4C3B2A1, h.peek(D + 8), "stwbrx");
        assertEquals(0xD4C30000, h.peek(D + 12), "sthbrx");
    }

    @Test
    void misalignedAccessesWithinAPage() {
        CpuHarness h = new CpuHarness();
        h.poke(D, 0x00112233, 0x44556677);
        h.set(9, D);
        h.exec(Asm.lwz(3, 1, 9), Asm.lhz(4, 3, 9), Asm.lha(5, 7, 9));
        assertEquals(0x11223344, h.r(3));
        assertEquals(0x3344, h.r(4));
        assertEquals(0x7700, h.r(5));
        h.set(3, 0xA1B2C3D4).exec(Asm.stw(3, 3, 9), Asm.sth(3, 9, 9));
        assertEquals(0x001122A1, h.peek(D));
        assertEquals(0xB2C3D477, h.peek(D + 4));
        assertEquals(0x00C3D400, h.peek(D + 8) & 0x00FFFF00);
    }

    @Test
    void accessesCrossingAPageTranslateBothPages() {
        CpuHarness h = new CpuHarness();
        int edge = 0x20000;
        h.poke(edge - 4, 0x01020304, 0x05060708);
        h.set(9, edge - 2);
        assertEquals(ExitReason.TIMESLICE, h.exec(Asm.lwz(3, 0, 9), Asm.lhz(4, 1, 9)));
        assertEquals(0x03040506, h.r(3));
        assertEquals(0x0405, h.r(4));
        h.set(3, 0xCAFEF00D).exec(Asm.stw(3, -1, 9));
        assertEquals(0x01CAFEF0, h.peek(edge - 4));
        assertEquals(0x0D060708, h.peek(edge));

        // the second page faults: nothing may be written to the first
        h.mmu.faultPages.put(0x21000 >>> 12, ExitReason.DATA_TLB_MISS);
        h.poke(0x21000 - 4, 0);
        h.cpu.translationCache().flush();
        h.set(9, 0x21000 - 2).set(3, 0x11223344);
        assertEquals(ExitReason.DATA_TLB_MISS, h.exec(Asm.stw(3, 0, 9)));
        assertEquals(0, h.peek(0x21000 - 4), "no partial store");
        assertEquals(0x21000, h.s.trapAddress, "the fault names the faulting page's address");
        assertEquals(CpuHarness.CODE, h.s.pc);
        assertEquals(Asm.stw(3, 0, 9), h.s.trapInstruction);
    }

    @Test
    void loadAndStoreMultiple() {
        CpuHarness h = new CpuHarness();
        for (int k = 0; k < 32; k++) {
            h.set(k, 0x100 * k + 7);
        }
        h.set(1, D + 0x40);
        h.exec(Asm.stmw(25, 1, 1)); // misaligned: allowed on the 440
        for (int k = 25; k < 32; k++) {
            int at = D + 0x41 + 4 * (k - 25);
            int word = (h.ram.bytes[at] & 0xFF) << 24 | (h.ram.bytes[at + 1] & 0xFF) << 16
                    | (h.ram.bytes[at + 2] & 0xFF) << 8 | h.ram.bytes[at + 3] & 0xFF;
            assertEquals(0x100 * k + 7, word);
        }
        for (int k = 25; k < 32; k++) {
            h.set(k, 0);
        }
        h.exec(Asm.lmw(25, 1, 1));
        for (int k = 25; k < 32; k++) {
            assertEquals(0x100 * k + 7, h.r(k));
        }
        // rA inside the range (an invalid form the 440 executes): the EA is computed once, rA is loaded
        h.poke(D, 1, 2, 3);
        h.set(30, D);
        h.exec(Asm.lmw(29, 0, 30));
        assertEquals(1, h.r(29));
        assertEquals(2, h.r(30));
        assertEquals(3, h.r(31));
    }

    @Test
    void lmwFaultMidwayLeavesRaAlone() {
        CpuHarness h = new CpuHarness();
        h.mmu.faultPages.put(0x31000 >>> 12, ExitReason.DATA_STORAGE);
        h.set(9, 0x31000 - 8);
        assertEquals(ExitReason.DATA_STORAGE, h.exec(Asm.lmw(28, 0, 9)));
        assertEquals(0x31000 - 8, h.r(9));
        assertEquals(CpuHarness.CODE, h.s.pc);
    }
}
