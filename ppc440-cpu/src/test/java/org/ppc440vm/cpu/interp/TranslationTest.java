package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.MissHandler;

/** Every answer a MissHandler can give, for fetches, loads, stores and cache instructions. */
class TranslationTest {
    static final int C = CpuHarness.CODE;
    static final int D = CpuHarness.DATA;

    @Test
    void refilledTranslationsAreCachedPerPage() {
        CpuHarness h = new CpuHarness();
        h.set(9, D);
        h.exec(Asm.lwz(3, 0, 9), Asm.lwz(4, 0x40, 9), Asm.stw(3, 0x80, 9), Asm.stw(3, 0x84, 9), Asm.lwz(5, 0x1000, 9));
        assertEquals(1, h.mmu.misses[MissHandler.FETCH]);
        assertEquals(2, h.mmu.misses[MissHandler.LOAD], "one per data page");
        assertEquals(0, h.mmu.misses[MissHandler.STORE], "the refill granted write too");
    }

    @Test
    void aNewContextMissesAgain() {
        CpuHarness h = new CpuHarness();
        h.set(9, D).exec(Asm.lwz(3, 0, 9));
        h.s.pid = 5;
        h.s.updateContexts();
        h.exec(Asm.lwz(3, 0, 9));
        assertEquals(2, h.mmu.misses[MissHandler.LOAD]);
        assertEquals(2, h.mmu.misses[MissHandler.FETCH]);
    }

    @Test
    void remappedPagesReachTheirPhysicalPage() {
        CpuHarness h = new CpuHarness();
        h.mmu.remap.put(0xC0000, 0x9000); // EA 0xC0000000 -> PA 0x9000
        h.poke(0x9010, 0x12345678);
        h.set(9, 0xC0000000);
        h.exec(Asm.lwz(3, 0x10, 9), Asm.stw(3, 0x20, 9));
        assertEquals(0x12345678, h.r(3));
        assertEquals(0x12345678, h.peek(0x9020));
    }

    @Test
    void directPagesAreAccessedUncachedAtThePhysicalAddress() {
        CpuHarness h = new CpuHarness();
        h.mmu.directPages.put(0x60000 >>> 10, 0xA000);
        h.mmu.directPages.put(0x60400 >>> 10, 0xB000); // the next 1 KiB is elsewhere
        h.poke(0xA010, 0xAABBCCDD);
        h.poke(0xA3FC, 0x01020304);
        h.poke(0xB000, 0x05060708);
        h.set(9, 0x60000);
        h.exec(Asm.lwz(3, 0x10, 9), Asm.lwz(4, 0x10, 9), Asm.lwz(5, 0x3FE, 9), Asm.stw(3, 0x3FD, 9));
        assertEquals(0xAABBCCDD, h.r(3));
        assertEquals(0xAABBCCDD, h.r(4));
        assertEquals(0x03040506, h.r(5), "an access crossing a 1 KiB DIRECT page translates both halves");
        assertEquals(0x01AABBCC, h.peek(0xA3FC));
        assertEquals(0xDD060708, h.peek(0xB000));
        assertEquals(4, h.mmu.misses[MissHandler.LOAD], "never cached");
        assertEquals(2, h.mmu.misses[MissHandler.STORE]);
    }

    @Test
    void instructionsInDirectPagesExecuteOneByOne() {
        CpuHarness h = new CpuHarness();
        h.mmu.directPages.put(0x70000 >>> 10, 0xC000);
        h.poke(0xC000, Asm.li(3, 1), Asm.addi(3, 3, 1), Asm.bc(16, 0, -4, false, false), Asm.SC);
        h.s.pc = 0x70000;
        h.s.ctr = 3;
        assertEquals(ExitReason.SYSTEM_CALL, h.run(100));
        assertEquals(4, h.r(3));
        assertEquals(0x7000C + 4, h.s.pc);
        assertEquals(8, h.mmu.misses[MissHandler.FETCH], "each fetch asks the handler");
    }

    @Test
    void mmioLoadsAndStoresExitWithNothingChanged() {
        CpuHarness h = new CpuHarness();
        h.mmu.mmioPages.add(0xEF600);
        int[] insns = {Asm.lwzu(3, 4, 9), Asm.lbz(3, 4, 9), Asm.lhau(3, 4, 9), Asm.x(534, 3, 0, 9), Asm.stwu(4, 4, 9),
            Asm.stb(4, 4, 9), Asm.stmw(29, 0, 9), Asm.lmw(29, 0, 9), Asm.lwarx(3, 0, 9), Asm.x(662, 4, 0, 9)};
        for (int insn : insns) {
            h.set(3, 0x33).set(4, 0x44).set(9, 0xEF600300).set(29, 0x29);
            h.s.instructions = 0;
            assertEquals(ExitReason.MMIO, h.exec(insn), Integer.toHexString(insn));
            assertEquals(C, h.s.pc);
            assertEquals(C, h.s.trapPc);
            assertEquals(insn, h.s.trapInstruction);
            int offset = (insn >>> 26) == 31 || (insn >>> 26) == 46 || (insn >>> 26) == 47 ? 0 : 4;
            assertEquals(0xEF600300L + offset, h.s.trapPhysical);
            assertEquals(0xEF600300 + offset, h.s.trapAddress);
            assertEquals(0x33, h.r(3));
            assertEquals(0xEF600300, h.r(9), "no rA update");
            assertEquals(0x29, h.r(29));
            assertEquals(0, h.s.instructions);
        }
        h.s.msr = CpuState.MSR_FP;
        h.set(9, 0xEF600300);
        assertEquals(ExitReason.MMIO, h.exec(Asm.lfd(1, 0, 9)));
        assertEquals(ExitReason.MMIO, h.exec(Asm.stfs(1, 0, 9)));
    }

    @Test
    void beyondRamIsMmioToo() {
        CpuHarness h = new CpuHarness();
        h.set(9, CpuHarness.RAM_SIZE);
        assertEquals(ExitReason.MMIO, h.exec(Asm.lwz(3, 0, 9)));
        assertEquals(CpuHarness.RAM_SIZE, h.s.trapPhysical);
    }

    @Test
    void dataFaultsComeFromTheHandler() {
        CpuHarness h = new CpuHarness();
        h.mmu.faultPages.put(0x40, ExitReason.DATA_TLB_MISS);
        h.set(9, 0x40000).set(3, 7);
        int lwzu = Asm.lwzu(3, 8, 9);
        assertEquals(ExitReason.DATA_TLB_MISS, h.exec(lwzu));
        assertEquals(0x40008, h.s.trapAddress);
        assertEquals(C, h.s.pc);
        assertEquals(lwzu, h.s.trapInstruction);
        assertEquals(7, h.r(3));
        assertEquals(0x40000, h.r(9));
        h.mmu.readOnlyPages.add(D >>> 12);
        h.set(9, D);
        assertEquals(ExitReason.TIMESLICE, h.exec(Asm.lwz(3, 0, 9)), "reading a read-only page is fine");
        assertEquals(ExitReason.DATA_STORAGE, h.exec(Asm.stw(3, 0, 9)));
        assertEquals(CpuState.ESR_ST, h.s.trapEsr);
    }

    @Test
    void fetchFaultsAndFetchesFromDevices() {
        CpuHarness h = new CpuHarness();
        h.mmu.faultPages.put(0x90, ExitReason.INSTRUCTION_TLB_MISS);
        h.poke(C, Asm.li(3, 1), Asm.bForm(0x90000, true, false));
        h.s.pc = C;
        assertEquals(ExitReason.INSTRUCTION_TLB_MISS, h.run(10));
        assertEquals(0x90000, h.s.pc);
        assertEquals(0x90000, h.s.trapPc);
        assertEquals(0, h.s.trapInstruction, "no word was fetched");
        assertEquals(2, h.s.instructions, "the branch retired");

        h.s.pc = 0xEF600000;
        h.mmu.mmioPages.add(0xEF600);
        assertEquals(ExitReason.MACHINE_CHECK, h.run(10));
        assertEquals(0xEF600000L, h.s.trapPhysical);
    }

    @Test
    void brokenHandlersAreInternalErrors() {
        CpuHarness h = new CpuHarness();
        h.set(9, D);
        h.exec(Asm.NOP);
        h.mmu.lieAboutRefill = true;
        assertEquals(ExitReason.INTERNAL_ERROR, h.exec(Asm.lwz(3, 0, 9)));
        h.mmu.lieAboutRefill = false;
        h.mmu.forcedAnswer = 42;
        assertEquals(ExitReason.INTERNAL_ERROR, h.exec(Asm.lwz(3, 0x2000, 9)));
        h.cpu.translationCache().flush();
        assertEquals(ExitReason.INTERNAL_ERROR, h.exec(Asm.NOP), "fetch");
    }

    @Test
    void cacheInstructions() {
        CpuHarness h = new CpuHarness();
        for (int k = 0; k < 16; k++) {
            h.poke(D + 4 * k, -1);
        }
        h.set(9, D + 0x13).set(10, 0);
        h.exec(Asm.dcbz(9, 10));
        for (int k = 0; k < 16; k++) {
            assertEquals(k < 8 ? 0 : -1, h.peek(D + 4 * k), "dcbz zeroes exactly the aligned 32 bytes, word " + k);
        }

        h.mmu.mmioPages.add(0xEF600);
        h.set(9, 0xEF600004);
        assertEquals(ExitReason.ALIGNMENT, h.exec(Asm.dcbz(0, 9)), "dcbz to caching-inhibited storage");
        assertEquals(0xEF600004, h.s.trapAddress);
        assertEquals(ExitReason.TIMESLICE, h.exec(Asm.x(54, 0, 0, 9)), "dcbst of MMIO: nothing to do");
        assertEquals(ExitReason.TIMESLICE, h.exec(Asm.icbi(0, 9)));

        h.mmu.faultPages.put(0x44, ExitReason.DATA_TLB_MISS);
        h.set(9, 0x44000);
        for (int xo : new int[] {54, 86, 982, 1014}) { // dcbst, dcbf, icbi, dcbz translate and can fault
            assertEquals(ExitReason.DATA_TLB_MISS, h.exec(Asm.x(xo, 0, 0, 9)), "xo " + xo);
        }
        for (int xo : new int[] {22, 246, 278, 758}) { // icbt, dcbtst, dcbt, dcba never fault
            assertEquals(ExitReason.TIMESLICE, h.exec(Asm.x(xo, 0, 0, 9)), "xo " + xo);
        }
        assertEquals(ExitReason.TIMESLICE, h.exec(Asm.MSYNC, Asm.MBAR, Asm.ISYNC, 0x7C2004AC /* lwsync */));
    }
}
