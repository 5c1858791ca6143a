package org.ppc440vm.kvm.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuFactory;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.kvm.dispatch.TrapDispatcher;
import org.ppc440vm.kvm.spi.VcpuOptions;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuFactory;

/**
 * A vCPU over 1 MiB of RAM with the {@link MiniCpu} and {@link FakeMmu} doubles, a program at {@link #CODE} and a
 * recognisable handler at every interrupt vector: {@code mfdcr r0,0x100+n} at IVPR | IVORn, so that delivering
 * interrupt n ends {@code run()} with a DCR exit for DCR 0x100 + n at the vector.
 */
final class TestGuest {
    static final int CODE = 0x1000;
    static final int VECTORS = 0x0008_0000;
    static final int DEVICE = 0x4000_0000;

    final GuestRam ram;
    final TrapDispatcher dispatcher = new TrapDispatcher();
    final MiniCpu.Factory cpus = new MiniCpu.Factory();
    final FakeMmu.Factory mmus = new FakeMmu.Factory();
    final Vcpu440 vcpu;
    final CpuState s;

    TestGuest() {
        this(new VcpuOptions().icountShift(0));
    }

    TestGuest(VcpuOptions options) {
        this(options, null, null, 1 << 20);
    }

    /**
     * A guest on the given CPU and MMU factories (null: the doubles). With a real MMU the guest TLB gets the boot
     * entry the loader writes: entry 0 maps EA 0 to PA 0, 256 MiB, TS 0, TID 0, supervisor read/write/execute.
     */
    TestGuest(VcpuOptions options, CpuFactory cpuFactory, MmuFactory mmuFactory, int ramBytes) {
        ram = new GuestRam(ramBytes);
        vcpu = new Vcpu440(cpuFactory != null ? cpuFactory : cpus, mmuFactory != null ? mmuFactory : mmus,
                dispatcher, ram, options);
        s = vcpu.state();
        if (mmuFactory != null) {
            Mmu440 mmu = vcpu.mmu();
            mmu.setMmucr(0);
            mmu.tlbwe(0, 0, Mmu440.TLB0_V | (Mmu440.SIZE_256M << Mmu440.TLB0_SIZE_SHIFT));
            mmu.tlbwe(0, 1, 0);
            mmu.tlbwe(0, 2, Mmu440.TLB2_SX | Mmu440.TLB2_SW | Mmu440.TLB2_SR);
        }
        vcpu.setSpr(Spr.IVPR, VECTORS);
        for (int n = 0; n < 16; n++) {
            vcpu.setSpr(Spr.IVOR0 + n, 0x100 * n + 0x20);
            ram.writeInt(vector(n), Asm.mfdcr(0, 0x100 + n), org.ppc440vm.api.memory.Endian.BIG);
        }
        s.pc = CODE;
        s.msr = 0;
    }

    static int vector(int n) {
        return VECTORS + 0x100 * n + 0x20;
    }

    /** Writes code into RAM behind the CPU's back, as a loader does: the CPU must drop what it decoded there. */
    TestGuest load(int address, int... words) {
        for (int i = 0; i < words.length; i++) {
            ram.storeWord(address + 4 * i, words[i]);
        }
        vcpu.cpu.invalidateCode(address, 4L * words.length);
        return this;
    }

    TestGuest program(int... words) {
        return load(CODE, words);
    }

    MiniCpu cpu() {
        return cpus.last;
    }

    FakeMmu mmu() {
        return mmus.last;
    }

    Exit run() {
        return vcpu.run();
    }

    /** Runs and expects interrupt {@code ivor} to have been delivered (its vector's marker DCR exit). */
    Exit runToVector(int ivor) {
        Exit e = vcpu.run();
        assertEquals(ExitReason.DCR, e.reason(), () -> "expected interrupt " + ivor + ", got " + e.describe());
        assertEquals(0x100 + ivor, e.dcr(), () -> "expected interrupt " + ivor + ", got " + e.describe());
        assertEquals(vector(ivor), e.pc());
        return e;
    }
}
