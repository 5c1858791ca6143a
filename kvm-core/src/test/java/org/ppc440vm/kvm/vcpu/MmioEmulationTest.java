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
import org.ppc440vm.cpu.spi.CpuState;

/** Loads and stores to device memory: the MMIO exit they make, and how the next run() finishes them. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MmioEmulationTest {
    private static final int END = PrivilegedEmulationTest.END;

    private final TestGuest g = new TestGuest();
    private final CpuState s = g.s;

    /** Runs {@code access} with r4 = the device base and expects an MMIO exit for it. */
    private Exit mmio(int... access) {
        g.program(new Prog().li32(4, TestGuest.DEVICE).add(access).add(END).words());
        Exit e = g.run();
        assertEquals(ExitReason.MMIO, e.reason(), e::describe);
        return e;
    }

    private void finish(Exit e, long value) {
        e.complete(value);
        Exit end = g.run();
        assertEquals(0x55, end.dcr(), end::describe);
    }

    @Test
    void lwzIsABigEndianFourByteReadCompletedIntoRt() {
        Exit e = mmio(lwz(9, 0x10, 4));
        assertFalse(e.isWrite());
        assertEquals(TestGuest.DEVICE + 0x10, e.address());
        assertEquals(4, e.size());
        assertEquals(Endian.BIG, e.endian());
        assertEquals(TestGuest.CODE + 8, e.pc());
        assertEquals(lwz(9, 0x10, 4), e.instruction());
        assertTrue(e.describe().contains("lwz r9,16(r4)"), e.describe());
        assertEquals(TestGuest.CODE + 8, s.pc, "nothing happened to the guest yet");
        finish(e, 0xCAFE_BABEL);
        assertEquals(0xCAFE_BABE, s.gpr[9]);
        assertEquals(1, g.vcpu.stats.exits(ExitReason.MMIO));
    }

    @Test
    void narrowLoadsZeroOrSignExtend() {
        Exit e = mmio(lbz(9, 5, 4));
        assertEquals(1, e.size());
        finish(e, 0x1FF);
        assertEquals(0xFF, s.gpr[9]);

        s.pc = TestGuest.CODE;
        e = mmio(lhz(9, 2, 4));
        assertEquals(2, e.size());
        finish(e, 0x8001);
        assertEquals(0x8001, s.gpr[9]);

        s.pc = TestGuest.CODE;
        e = mmio(lha(9, 2, 4));
        finish(e, 0x8001);
        assertEquals(0xFFFF_8001, s.gpr[9], "lha sign-extends");
    }

    @Test
    void storesCarryTheirDataMaskedToTheirSize() {
        Exit e = mmio(li(9, -2), stb(9, 3, 4));
        assertTrue(e.isWrite());
        assertEquals(1, e.size());
        assertEquals(0xFE, e.data());
        assertEquals(TestGuest.DEVICE + 3, e.address());
        finish(e, 0);

        s.pc = TestGuest.CODE;
        e = mmio(li(9, -2), sth(9, 0, 4));
        assertEquals(0xFFFE, e.data());
        finish(e, 0);

        s.pc = TestGuest.CODE;
        e = mmio(li(9, -2), stw(9, 0, 4));
        assertEquals(0xFFFF_FFFEL, e.data());
    }

    @Test
    void byteReversedAccessesAreLittleEndianWithTheRegisterValueAsData() {
        Exit e = mmio(li(5, 0x70), lwbrx(9, 4, 5));
        assertEquals(Endian.LITTLE, e.endian());
        assertEquals(4, e.size());
        assertEquals(TestGuest.DEVICE + 0x70, e.address());
        finish(e, 0x7472_6976L); // "virt" read little-endian by a virtio driver
        assertEquals(0x7472_6976, s.gpr[9]);

        s.pc = TestGuest.CODE;
        e = mmio(li(5, 0x10), lhbrx(9, 4, 5));
        assertEquals(Endian.LITTLE, e.endian());
        assertEquals(2, e.size());
        finish(e, 0xBEEF);
        assertEquals(0xBEEF, s.gpr[9]);

        s.pc = TestGuest.CODE;
        e = mmio(li(5, 0x10), li(9, 0x1234), stwbrx(9, 4, 5));
        assertEquals(Endian.LITTLE, e.endian());
        assertTrue(e.isWrite());
        assertEquals(0x1234, e.data());
        finish(e, 0);

        s.pc = TestGuest.CODE;
        e = mmio(li(5, 0x10), li(9, 0x1234), sthbrx(9, 4, 5));
        assertEquals(Endian.LITTLE, e.endian());
        assertEquals(2, e.size());
    }

    @Test
    void updateFormsWriteTheEffectiveAddressIntoRa() {
        Exit e = mmio(lwzu(9, 0x20, 4));
        finish(e, 7);
        assertEquals(7, s.gpr[9]);
        assertEquals(TestGuest.DEVICE + 0x20, s.gpr[4]);

        s.pc = TestGuest.CODE;
        e = mmio(li(5, 0x30), li(9, 0x41), stbux(9, 4, 5));
        assertEquals(0x41, e.data());
        finish(e, 0);
        assertEquals(TestGuest.DEVICE + 0x30, s.gpr[4]);

        s.pc = TestGuest.CODE;
        e = mmio(li(5, 0x40), lhaux(9, 4, 5));
        finish(e, 0xFFFF);
        assertEquals(-1, s.gpr[9]);
        assertEquals(TestGuest.DEVICE + 0x40, s.gpr[4]);
    }

    @Test
    void floatingPointLoadsAndStoresConvertLikeTheHardware() {
        s.msr = CpuState.MSR_FP;
        Exit e = mmio(lfs(3, 0, 4));
        assertEquals(4, e.size());
        finish(e, Float.floatToRawIntBits(1.5f));
        assertEquals(Double.doubleToRawLongBits(1.5), s.fpr[3]);

        s.pc = TestGuest.CODE;
        e = mmio(lfd(3, 8, 4));
        assertEquals(8, e.size());
        finish(e, Double.doubleToRawLongBits(-2.25));
        assertEquals(-2.25, Double.longBitsToDouble(s.fpr[3]));

        s.fpr[5] = Double.doubleToRawLongBits(0.75);
        s.pc = TestGuest.CODE;
        e = mmio(stfs(5, 0, 4));
        assertEquals(4, e.size());
        assertEquals(Float.floatToRawIntBits(0.75f) & 0xFFFF_FFFFL, e.data());
        finish(e, 0);

        s.pc = TestGuest.CODE;
        e = mmio(stfd(5, 0, 4));
        assertEquals(8, e.size());
        assertEquals(Double.doubleToRawLongBits(0.75), e.data());
    }

    @Test
    void loadMultipleAndReservationsOnDevicesAreInternalErrorsNamingTheInstruction() {
        Exit e = g.program(new Prog().li32(4, TestGuest.DEVICE).add(lmw(28, 0, 4)).words()).run();
        assertEquals(ExitReason.INTERNAL_ERROR, e.reason());
        assertTrue(e.describe().contains("lmw"), e.describe());
        assertTrue(e.describe().contains(String.format("0x%08x", TestGuest.CODE + 8)), e.describe());

        s.pc = TestGuest.CODE;
        e = g.program(new Prog().li32(4, TestGuest.DEVICE).add(lwarx(3, 0, 4)).words()).run();
        assertEquals(ExitReason.INTERNAL_ERROR, e.reason());
        assertTrue(e.describe().contains("lwarx"), e.describe());
    }

    @Test
    void dcbzOnADeviceIsAnAlignmentInterruptAndOtherCacheOpsDoNothing() {
        g.program(new Prog().li32(4, TestGuest.DEVICE).add(li(5, 0x40), dcbf(4, 5), dcbz(4, 5)).words());
        g.runToVector(5);
        assertEquals(TestGuest.DEVICE + 0x40, g.vcpu.regs.dear);
        assertEquals(CpuState.ESR_ST, g.vcpu.regs.esr);
        assertEquals(TestGuest.CODE + 16, g.vcpu.regs.srr0, "dcbf was stepped over; dcbz faulted");
    }

    @Test
    void movingThePcAwayAbandonsThePendingAccess() {
        Exit e = mmio(lwz(9, 0, 4));
        e.complete(5);
        s.gpr[9] = 3;
        g.load(TestGuest.CODE + 0x100, END);
        s.pc = TestGuest.CODE + 0x100;
        g.run();
        assertEquals(3, s.gpr[9]);
    }

    @Test
    void floatFormatKeepsNansAndTruncatesLikeTheArchitecture() {
        int snan = 0x7F80_0001;
        long d = FloatFormat.fromSingle(snan);
        assertEquals(0x7FF0_0000_2000_0000L, d, "a signalling NaN stays signalling");
        assertEquals(snan, FloatFormat.toSingle(d));
        assertEquals(Float.floatToRawIntBits(Float.MIN_VALUE), FloatFormat.toSingle(Double.doubleToRawLongBits(Float.MIN_VALUE)));
        assertEquals(Float.floatToRawIntBits(1e-40f), FloatFormat.toSingle(FloatFormat.fromSingle(Float.floatToRawIntBits(1e-40f))));
        long justAboveOne = Double.doubleToRawLongBits(1.0) | 0xF_FFFF_FFFFL; // low bits a cast would round up
        assertEquals(Float.floatToRawIntBits(1.0f) | 0x7F, FloatFormat.toSingle(justAboveOne), "truncated, not rounded");
        assertEquals(0x8000_0000, FloatFormat.toSingle(Double.doubleToRawLongBits(-0.0)));
    }
}
