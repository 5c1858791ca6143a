package org.ppc440vm.kvm.vcpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.kvm.vcpu.Asm.*;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.interp.InterpreterCpuFactory;
import org.ppc440vm.kvm.spi.VcpuOptions;
import org.ppc440vm.tlb.impl.TlbManagerFactory;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * saveState/loadState on the real interpreter and TLB: a second vCPU that loads the first one's state (and a copy of
 * its RAM) continues the same program exactly as the first one does, time base and decrementer included; a blob that
 * is not a vCPU state is refused with a message saying why, and the vCPU is left alone.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VcpuStateCodecTest {
    private static final int CHECKPOINT = 0x50;
    /** Guest-virtual page mapped by the program's own TLB entry 5 to physical 0x00100000. */
    private static final int MAPPED = 0x1000_0000;

    private static TestGuest guest(VcpuOptions options) {
        return new TestGuest(options, new InterpreterCpuFactory(), new TlbManagerFactory(), 16 << 20);
    }

    /**
     * Sets supervisor state the guest can see (SPRGs, save/restore registers, CCR0, PID, DEC with auto-reload, a
     * TLB entry of its own), then loops: r3++, r7 = TB, r8 = DEC, r9 = a word through its own mapping, and a DCR
     * exit as checkpoint.
     */
    private static int[] program() {
        Prog p = new Prog();
        p.set(Spr.SPRG0, 0x1111_1111, 4).set(Spr.SPRG0 + 3, 0x3333_3333, 4).set(Spr.SRR0, 0xAAAA_0000, 4)
                .set(Spr.CSRR1, 0x1234, 4).set(Spr.USPRG0, 0x5555, 4).set(Spr.SPRG4 + 2, 0x6666, 4)
                .set(Spr.CCR0, 0x0050_0000, 4).set(Spr.PID, 3, 4).set(Spr.ESR, 0x0080_0000, 4)
                .set(Spr.DECAR, 100, 4).set(Spr.TCR, BookeTimers.TCR_ARE, 4).set(Spr.DEC, 100, 4);
        p.li32(20, 5).li32(21, MAPPED | Mmu440.TLB0_V | (Mmu440.SIZE_4K << Mmu440.TLB0_SIZE_SHIFT))
                .add(tlbwe(21, 20, 0)).li32(21, 0x0010_0000).add(tlbwe(21, 20, 1))
                .li32(21, Mmu440.TLB2_SR | Mmu440.TLB2_SW).add(tlbwe(21, 20, 2));
        p.li32(10, MAPPED).add(li(3, 0));
        int loop = p.here(TestGuest.CODE);
        p.add(addi(3, 3, 1), mftb(7), mfspr(8, Spr.DEC), lwz(9, 0, 10), addi(11, 11, 7), stw(11, 4, 10),
                mfdcr(0, CHECKPOINT));
        p.add(b(loop - p.here(TestGuest.CODE)));
        return p.words();
    }

    /** Runs to the next checkpoint exit and completes it (the finish is left pending, as the VM loop leaves it). */
    private static void toCheckpoint(TestGuest g) {
        Exit e = g.run();
        assertEquals(ExitReason.DCR, e.reason(), e::describe);
        assertEquals(CHECKPOINT, e.dcr(), e::describe);
        e.complete(0x77);
    }

    private static final int[] SPRS = {Spr.SPRG0, Spr.SPRG0 + 1, Spr.SPRG0 + 3, Spr.SRR0, Spr.SRR1, Spr.CSRR1,
        Spr.USPRG0, Spr.SPRG4 + 2, Spr.CCR0, Spr.PID, Spr.ESR, Spr.IVPR, Spr.IVOR0 + 8, Spr.TCR, Spr.TSR, Spr.MMUCR};

    private static int[] sprs(TestGuest g) {
        return Arrays.stream(SPRS).map(g.vcpu::spr).toArray();
    }

    @Test
    void aVcpuThatLoadsTheStateContinuesExactlyLikeTheOriginal() {
        int[] code = program();
        TestGuest a = guest(new VcpuOptions().icountShift(0));
        a.program(code);
        a.s.fpr[5] = Double.doubleToRawLongBits(1.5);
        a.ram.storeWord(0x0010_0000, 0xCAFE_F00D);
        for (int i = 0; i < 3; i++) {
            toCheckpoint(a);
        }
        byte[] blob = a.vcpu.saveState();

        // A fresh vCPU that has run something else for a while (its clock is elsewhere): RAM copied, state loaded.
        TestGuest b = guest(new VcpuOptions().icountShift(0));
        b.program(li(3, 99), b(0));
        b.vcpu.requestStop();
        b.run();
        b.s.instructions += 12_345; // a clock far from a's
        System.arraycopy(a.ram.bytes, 0, b.ram.bytes, 0, a.ram.bytes.length);
        b.vcpu.loadState(blob);

        assertArrayEquals(a.s.gpr, b.s.gpr);
        assertArrayEquals(a.s.fpr, b.s.fpr);
        assertEquals(a.s.pc, b.s.pc);
        assertEquals(a.s.msr, b.s.msr);
        assertArrayEquals(sprs(a), sprs(b));
        assertArrayEquals(a.vcpu.mmu().exportGuestTlb(), b.vcpu.mmu().exportGuestTlb());
        assertEquals(a.vcpu.timeBase(), b.vcpu.timeBase(), "the time base goes on from the saved value");

        for (int i = 0; i < 40; i++) { // the decrementer (100 ticks, auto-reload) runs out several times on the way
            toCheckpoint(a);
            toCheckpoint(b);
            assertArrayEquals(a.s.gpr, b.s.gpr, "registers at checkpoint " + i);
            assertEquals(a.s.pc, b.s.pc);
            assertArrayEquals(sprs(a), sprs(b), "SPRs at checkpoint " + i);
        }
        assertEquals(3 + 40, b.s.gpr[3], "the loop counter went on from the saved value");
        assertEquals(0xCAFE_F00D, b.s.gpr[9], "the guest's own TLB entry came along");
        assertTrue((b.vcpu.spr(Spr.TSR) & BookeTimers.TSR_DIS) != 0, "the decrementer fired in the restored vCPU");
        assertTrue(b.vcpu.mmu().checkConsistency().isEmpty());
    }

    /** Host time: the restored time base starts at the saved value, not at the restoring vCPU's own clock. */
    @Test
    void theTimeBaseDoesNotJumpOverTheTimeBetweenSaveAndLoad() throws InterruptedException {
        TestGuest a = guest(new VcpuOptions());
        a.program(b(0));
        Thread.sleep(20);
        long saved = a.vcpu.timeBase(); // read just before the save: the blob's time base is a little later
        byte[] blob = a.vcpu.saveState();
        Thread.sleep(200); // 80M ticks at 400 MHz
        TestGuest b = guest(new VcpuOptions());
        b.s.pc = 0x2000;
        b.vcpu.loadState(blob);
        long restored = b.vcpu.timeBase();
        assertTrue(restored >= saved, "restored " + restored + ", saved " + saved);
        assertTrue(restored < saved + 400_000_000L / 1000 * 150, "the 200 ms between save and load were skipped: "
                + "restored " + restored + ", saved " + saved);
        assertEquals(TestGuest.CODE, b.s.pc);
    }

    @Test
    void aForeignTruncatedOrNewerBlobIsRefusedAndChangesNothing() {
        TestGuest a = guest(new VcpuOptions().icountShift(0));
        a.program(program());
        toCheckpoint(a);
        byte[] blob = a.vcpu.saveState();
        TestGuest b = guest(new VcpuOptions().icountShift(0));
        b.s.gpr[3] = 4242;

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.vcpu.loadState("not a state at all".getBytes()));
        assertTrue(e.getMessage().contains("not a ppc440vm vCPU state"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> b.vcpu.loadState(Arrays.copyOf(blob, blob.length / 2)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        byte[] newer = blob.clone();
        newer[7] = 99; // the format version, a big-endian int after the magic
        e = assertThrows(IllegalArgumentException.class, () -> b.vcpu.loadState(newer));
        assertTrue(e.getMessage().contains("version 99") && e.getMessage().contains("reads version 1"),
                e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> b.vcpu.loadState(Arrays.copyOf(blob, blob.length + 3)));
        assertTrue(e.getMessage().contains("after the end"), e.getMessage());

        assertEquals(4242, b.s.gpr[3], "a refused blob leaves the vCPU alone");
        assertEquals(TestGuest.CODE, b.s.pc);
        b.vcpu.loadState(blob);
        assertEquals(a.s.gpr[3], b.s.gpr[3]);
    }
}
