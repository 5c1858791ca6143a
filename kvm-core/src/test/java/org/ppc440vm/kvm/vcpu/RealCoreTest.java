package org.ppc440vm.kvm.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.kvm.vcpu.Asm.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.cpu.interp.InterpreterCpuFactory;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.kvm.spi.VcpuOptions;
import org.ppc440vm.tlb.impl.TlbManagerFactory;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * The vCPU on the real CPU interpreter and the real three-tier TLB (their implementation packages are on the plain
 * test class path): the guest runs at user privilege, every privileged instruction traps to kvm-core, and the guest
 * TLB the guest writes with tlbwe decides what is RAM, what is a device and what misses.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RealCoreTest {
    private static final int END = PrivilegedEmulationTest.END;
    private static final int UART = 0xEF60_0300;

    private static TestGuest guest(VcpuOptions options) {
        return new TestGuest(options, new InterpreterCpuFactory(), new TlbManagerFactory(), 16 << 20);
    }

    /** icount, and the TLB consistency checker after every TLB and context change. */
    private static TestGuest guest() {
        return guest(new VcpuOptions().icountShift(0).tlbCheck(true));
    }

    /** tlbwe of entry {@code index}: {@code epn -> rpn} (ERPN 0), {@code size} code, word 2 {@code attributes}. */
    private static Prog tlbEntry(Prog p, int index, int epn, int rpn, int size, int attributes) {
        return p.li32(20, index).li32(21, epn | Mmu440.TLB0_V | (size << Mmu440.TLB0_SIZE_SHIFT)).add(tlbwe(21, 20, 0))
                .li32(21, rpn).add(tlbwe(21, 20, 1)).li32(21, attributes).add(tlbwe(21, 20, 2));
    }

    @Test
    void privilegedInstructionsTrapFromTheInterpreterAndAreEmulated() {
        TestGuest g = guest();
        g.program(li(3, 0x42), mtspr(Spr.SPRG0 + 2, 3), mfspr(4, Spr.SPRG0 + 2), mfspr(5, Spr.PVR), mfmsr(6),
                li(7, 3), mtspr(Spr.PID, 7), mfspr(8, Spr.PID), li(9, 0x66), mtspr(Spr.SPRG4 + 1, 9),
                mfspr(10, 261), END);
        Exit e = g.run();
        assertEquals(0x55, e.dcr(), e::describe);
        assertEquals(0x42, g.s.gpr[4]);
        assertEquals(Core440.PVR_440EP_B, g.s.gpr[5]);
        assertEquals(0, g.s.gpr[6]);
        assertEquals(3, g.s.gpr[8]);
        assertEquals(0x66, g.s.gpr[10], "SPRG5 written by the hypervisor, read by the CPU through 261");
        assertTrue(g.vcpu.mmu().checkConsistency().isEmpty());
    }

    @Test
    void aGuestThatMapsTheUartWithItsOwnTlbEntryMakesMmioExits() {
        TestGuest g = guest();
        Prog p = tlbEntry(new Prog(), 1, 0xEF60_0000, 0xEF60_0000, Mmu440.SIZE_4K,
                Mmu440.TLB2_I | Mmu440.TLB2_G | Mmu440.TLB2_SR | Mmu440.TLB2_SW);
        p.li32(4, UART).add(li(5, 'H'), stb(5, 0, 4), li(5, 'i'), stb(5, 0, 4), lbz(6, 5, 4), END);
        g.program(p.words());
        Exit e = g.run();
        assertEquals(ExitReason.MMIO, e.reason(), e::describe);
        assertTrue(e.isWrite());
        assertEquals(UART & 0xFFFF_FFFFL, e.address());
        assertEquals(1, e.size());
        assertEquals('H', e.data());
        e = g.run();
        assertEquals('i', e.data());
        e = g.run();
        assertFalse(e.isWrite());
        assertEquals((UART + 5) & 0xFFFF_FFFFL, e.address());
        assertEquals(Endian.BIG, e.endian());
        e.complete(0x60);
        e = g.run();
        assertEquals(0x55, e.dcr(), e::describe);
        assertEquals(0x60, g.s.gpr[6]);
        assertEquals(3, g.vcpu.statistics().exits(ExitReason.MMIO));
    }

    @Test
    void aDataTlbMissIsDeliveredAndTheGuestsRefillMakesTheRetrySucceed() {
        TestGuest g = guest();
        g.ram.writeInt(0x0010_0010, 0x1234_5678, Endian.BIG);
        // the guest's DTLB miss handler (after the marker): map 0x30000000 -> 0x00100000, 4 KiB, and return
        Prog handler = tlbEntry(new Prog(), 1, 0x3000_0000, 0x0010_0000, Mmu440.SIZE_4K,
                Mmu440.TLB2_SR | Mmu440.TLB2_SW).add(RFI);
        g.load(TestGuest.vector(13) + 4, handler.words());
        g.program(new Prog().li32(4, 0x3000_0000).add(lwz(5, 0x10, 4), END).words());
        Exit e = g.runToVector(13);
        assertEquals(0x3000_0010, g.vcpu.regs.dear);
        assertEquals(0, g.vcpu.regs.esr);
        assertEquals(TestGuest.CODE + 8, g.vcpu.regs.srr0);
        e = g.run();
        assertEquals(0x55, e.dcr(), e::describe);
        assertEquals(0x1234_5678, g.s.gpr[5]);
        assertEquals(1, g.vcpu.statistics().counters().get("dtlb_real"));
    }

    @Test
    void guestUserModeGetsPrivilegedProgramAndStorageInterrupts() {
        TestGuest g = guest();
        int user = 0x1000_0000; // above the boot entry's 256 MiB, which would win (lowest index) and deny UX
        int userRam = 0x0020_0000;
        Prog p = tlbEntry(new Prog(), 2, user, userRam, Mmu440.SIZE_4K,
                Mmu440.TLB2_UX | Mmu440.TLB2_UR | Mmu440.TLB2_SX | Mmu440.TLB2_SR | Mmu440.TLB2_SW);
        p.li32(3, user).add(mtspr(Spr.SRR0, 3)).li32(3, CpuState.MSR_PR | CpuState.MSR_EE).add(mtspr(Spr.SRR1, 3), RFI);
        g.program(p.words());
        g.load(userRam, li(9, 1), mfmsr(3));
        g.runToVector(6);
        assertEquals(CpuState.ESR_PPR, g.vcpu.regs.esr);
        assertEquals(user + 4, g.vcpu.regs.srr0);
        assertEquals(1, g.s.gpr[9], "the user instruction before it ran");

        // user code jumping into supervisor-only memory: instruction storage interrupt
        g.s.pc = TestGuest.CODE;
        g.s.msr = 0;
        g.load(userRam, ba(TestGuest.CODE + 0x800));
        g.run(); // to the rfi into user mode, then the ISI
        assertEquals(ExitReason.DCR, g.vcpu.exit.reason);
        assertEquals(0x103, g.vcpu.exit.dcr(), "IVOR3");
        assertEquals(TestGuest.CODE + 0x800, g.vcpu.regs.srr0);
    }

    @Test
    void systemCallRoundTripsThroughTheGuestsOwnHandler() {
        TestGuest g = guest();
        // vector 8 code (after the marker): r6++, return
        g.load(TestGuest.vector(8) + 4, addi(6, 6, 1), RFI);
        g.program(li(3, 100), mtctr(3), SC, bdnz(-4), END);
        Exit e = g.runToVector(8);
        for (int i = 1; i < 100; i++) {
            e.complete(0);
            e = g.runToVector(8);
        }
        e.complete(0);
        e = g.run();
        assertEquals(0x55, e.dcr(), e::describe);
        assertEquals(100, g.s.gpr[6]);
        assertEquals(100, g.vcpu.statistics().exits(ExitReason.SYSTEM_CALL));
    }

    @Test
    void icountRunsAreReproducibleToTheInstruction() {
        long[] results = new long[4];
        for (int run = 0; run < 2; run++) {
            TestGuest g = guest(new VcpuOptions().icountShift(1));
            g.load(TestGuest.vector(10) + 4, lis(7, BookeTimers.TSR_DIS >>> 16), mtspr(Spr.TSR, 7), mftb(8), RFI);
            Prog p = new Prog().set(Spr.DECAR, 5000, 3).set(Spr.TCR, BookeTimers.TCR_DIE | BookeTimers.TCR_ARE, 3)
                    .set(Spr.DEC, 5000, 3).add(wrteei(1));
            p.add(addi(5, 5, 1), mtspr(Spr.SPRG0, 5), b(-8));
            g.program(p.words());
            for (int i = 0; i < 20; i++) {
                g.runToVector(10).complete(0);
            }
            results[2 * run] = g.s.gpr[5];
            results[2 * run + 1] = g.s.instructions;
        }
        assertEquals(results[0], results[2], "the same loop count at the 20th decrementer interrupt");
        assertEquals(results[1], results[3]);
        assertTrue(results[0] > 1000);
    }

    @Test
    void haltWithTheRealCpuWakesOnTheDecrementer() {
        TestGuest g = guest();
        Prog p = new Prog().set(Spr.TCR, BookeTimers.TCR_DIE, 3).set(Spr.DEC, 4_000_000, 3)
                .li32(3, CpuState.MSR_WE | CpuState.MSR_EE).add(mtmsr(3), NOP);
        g.program(p.words());
        g.runToVector(10);
        assertTrue(g.vcpu.clock.now() >= 4_000_000);
        assertTrue(g.s.instructions < 100);
    }

    @Test
    void machineHangIsAShutdown() {
        TestGuest g = guest();
        g.s.msr = CpuState.MSR_CE | CpuState.MSR_ME;
        g.program(li(3, 1), BRANCH_TO_SELF);
        Exit e = g.run();
        assertEquals(ExitReason.SHUTDOWN, e.reason(), e::describe);
    }

    /**
     * Not an assertion of speed (the machine is shared): measures what one trap costs on the KUAP path (mtspr PID
     * on every kernel entry and exit), and reports it in the test output.
     */
    @Test
    void measureThePidWriteTrap() {
        measureTrap("mtspr PID", Spr.PID);
        measureTrap("mtspr SPRG0", Spr.SPRG0);
    }

    private static void measureTrap(String what, int spr) {
        TestGuest g = guest(new VcpuOptions());
        int n = 200_000;
        g.program(new Prog().li32(3, n).add(mtctr(3), li(4, 0), li(5, 5), mtspr(spr, 5), mtspr(spr, 4),
                bdnz(-8), END).words());
        g.run(); // warm-up
        for (int round = 0; round < 3; round++) {
            g.s.pc = TestGuest.CODE;
            long t0 = System.nanoTime();
            Exit e = g.run();
            long dt = System.nanoTime() - t0;
            assertEquals(0x55, e.dcr());
            System.out.printf("%s trap round trip: %.0f ns (%d traps in %.1f ms)%n", what, dt / (2.0 * n), 2 * n,
                    dt / 1e6);
        }
        assertEquals(4 * 2 * n, g.vcpu.statistics().exits(ExitReason.PRIVILEGED_INSTRUCTION) - 4 * 0);
    }
}
