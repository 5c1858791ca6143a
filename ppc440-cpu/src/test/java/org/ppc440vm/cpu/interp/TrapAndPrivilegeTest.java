package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;

/** Program traps, privileged instructions, FP unavailable, sc: reasons, pc, word, nothing changed. */
class TrapAndPrivilegeTest {
    static final int C = CpuHarness.CODE;

    private static void assertTrapAtCode(CpuHarness h, ExitReason reason, int word) {
        assertEquals(reason, h.s.trap);
        assertEquals(C, h.s.pc, "pc at the trapping instruction");
        assertEquals(C, h.s.trapPc);
        assertEquals(word, h.s.trapInstruction);
    }

    @Test
    void trapWordAndTrapImmediateConditions() {
        CpuHarness h = new CpuHarness();
        int[] values = {-2, -1, 0, 1, 2, 0x7FFFFFFF, 0x80000000};
        for (int to = 0; to < 32; to++) {
            for (int a : values) {
                for (int b : values) {
                    boolean expected = ((to & 16) != 0 && a < b) || ((to & 8) != 0 && a > b)
                            || ((to & 4) != 0 && a == b)
                            || ((to & 2) != 0 && Long.compare(a & 0xFFFFFFFFL, b & 0xFFFFFFFFL) < 0)
                            || ((to & 1) != 0 && Long.compare(a & 0xFFFFFFFFL, b & 0xFFFFFFFFL) > 0);
                    h.set(4, a).set(5, b);
                    int tw = Asm.tw(to, 4, 5);
                    h.s.instructions = 0;
                    ExitReason r = h.exec(tw);
                    if (expected) {
                        assertTrapAtCode(h, ExitReason.PROGRAM, tw);
                        assertEquals(CpuState.ESR_PTR, h.s.trapEsr);
                        assertEquals(0, h.s.instructions);
                    } else {
                        assertEquals(ExitReason.TIMESLICE, r);
                        assertEquals(C + 4, h.s.pc);
                    }
                    if ((short) b == b) {
                        int twi = Asm.twi(to, 4, b);
                        assertEquals(expected ? ExitReason.PROGRAM : ExitReason.TIMESLICE, h.exec(twi),
                                "twi " + to + " " + a + " " + b);
                    }
                }
            }
        }
        assertEquals(ExitReason.PROGRAM, h.exec(0x7FE00008), "tw 31,0,0 (the kernel's BUG)");
    }

    @Test
    void illegalWordsTrapWithPil() {
        CpuHarness h = new CpuHarness();
        int[] illegal = {
            0x00000000, // opcode 0
            0x7C64281E, // isel r3,r4,r5,0: not on the 440EP
            0x7C000206, // mfdcrx
            0x10000002, // opcode 4 (AltiVec space) outside the MAC family
            0x7C6000A8, // ldarx (64-bit)
            0xE8630000, // ld (opcode 58)
            0xF8630000, // std (opcode 62)
            0x7C200000, // cmp with L=1
            (31 << 26) | (5 << 21) | (0x1F << 16) | (0x1F << 11) | (371 << 1), // mftb with TBR 1023
            0x4C00004E, // rfdi: not on the 440
            0x44000000, // sc without its 1 bit
            0x7C00012C, // stwcx without the dot
        };
        for (int word : illegal) {
            h.set(3, 0x1234);
            assertEquals(ExitReason.PROGRAM, h.exec(word), Integer.toHexString(word));
            assertTrapAtCode(h, ExitReason.PROGRAM, word);
            assertEquals(CpuState.ESR_PIL, h.s.trapEsr);
            assertEquals(0x1234, h.r(3));
        }
    }

    @Test
    void privilegedInstructionsTrapForTheHypervisor() {
        CpuHarness h = new CpuHarness();
        int[] privileged = {
            0x4C000064, // rfi
            0x4C000066, // rfci
            0x4C00004C, // rfmci
            0x7C6000A6, // mfmsr r3
            0x7C600124, // mtmsr r3
            0x7C000106, // wrtee r0
            0x7C008146, // wrteei 1
            Asm.mfspr(3, 26), // mfspr r3,SRR0
            Asm.mtspr(48, 3), // mtspr PID,r3
            Asm.mfspr(3, 287), // PVR
            Asm.mtspr(276, 3), // SPRG4 write (reads are user, writes are not)
            Asm.mtspr(284, 3), // TBL write
            Asm.mfspr(3, 259), // SPRG3: the hypervisor decides
            0x7C600286 | (0xC0 & 0x1F) << 16 | (0xC0 >>> 5) << 11, // mfdcr r3,0xC0
            0x7C600386, // mtdcr
            0x7C0007A4, // tlbwe
            0x7C000764, // tlbre
            0x7C000724, // tlbsx
            0x7C00046C, // tlbsync
            0x7C00078C, // iccci
            0x7C00038C, // dccci
            0x7C0003AC, // dcbi
            0x7C0003CC, // dcread
            0x7C0007CC, // icread
        };
        for (int word : privileged) {
            h.set(3, 0x55);
            long before = h.s.instructions;
            assertEquals(ExitReason.PRIVILEGED_INSTRUCTION, h.exec(word), Integer.toHexString(word));
            assertTrapAtCode(h, ExitReason.PRIVILEGED_INSTRUCTION, word);
            assertEquals(CpuState.ESR_PPR, h.s.trapEsr);
            assertEquals(0x55, h.r(3));
            assertEquals(before, h.s.instructions, "the hypervisor counts what it emulates");
        }
    }

    @Test
    void floatingPointNeedsMsrFp() {
        CpuHarness h = new CpuHarness();
        int[] fp = {
            Asm.lfd(1, 0, 3), Asm.lfs(1, 0, 3), Asm.stfd(1, 0, 3), Asm.stfsu(1, 8, 3), Asm.x(535, 1, 0, 3),
            Asm.x(983, 1, 0, 3), Asm.x(759, 1, 3, 4),
        };
        h.s.msr = 0;
        for (int word : fp) {
            h.set(3, CpuHarness.DATA);
            assertEquals(ExitReason.FP_UNAVAILABLE, h.exec(word), Integer.toHexString(word));
            assertTrapAtCode(h, ExitReason.FP_UNAVAILABLE, word);
            assertEquals(CpuHarness.DATA, h.r(3));
        }
        h.s.msr = CpuState.MSR_FP;
        assertEquals(ExitReason.TIMESLICE, h.exec(Asm.lfd(1, 0, 3)));
    }

    @Test
    void systemCallResumesAfterItself() {
        CpuHarness h = new CpuHarness();
        h.poke(C, Asm.li(3, 1), Asm.SC, Asm.li(3, 2));
        h.s.pc = C;
        assertEquals(ExitReason.SYSTEM_CALL, h.run(100));
        assertEquals(C + 8, h.s.pc);
        assertEquals(C + 4, h.s.trapPc);
        assertEquals(2, h.s.instructions);
        assertEquals(ExitReason.TIMESLICE, h.run(1));
        assertEquals(2, h.r(3));
    }
}
