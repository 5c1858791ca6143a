package org.ppc440vm.kvm.vcpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.cpu.interp.InterpreterCpuFactory;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.kvm.dispatch.TrapDispatcher;
import org.ppc440vm.kvm.spi.VcpuOptions;
import org.ppc440vm.tlb.impl.TlbManagerFactory;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * Runs a bare-metal test program on a vCPU (real CPU and TLB) with a stand-in for the board's userspace: the ELF
 * loader's contract (PT_LOAD segments at their physical addresses, one 256 MiB TLB entry EA 0 -> PA 0, MSR 0,
 * r1 = 16 MiB - 8, r3 = 0x01800000, PC at the entry) and a console that is just the 16550's transmit register at
 * 0xEF600300 and a line-status register that always says "transmitter empty". Everything else a device would do
 * reads 0 and ignores writes, like unassigned memory. The real board replaces this once it exists.
 */
final class BareMetalRunner {
    static final long THR = 0xEF60_0300L;
    static final long LSR = 0xEF60_0305L;
    static final int LSR_THR_EMPTY = 0x60;

    /** What a run printed and how it ended. */
    static final class Result {
        final String console;
        final String end;
        final long instructions;
        final Vcpu440 vcpu;

        Result(String console, String end, long instructions, Vcpu440 vcpu) {
            this.console = console;
            this.end = end;
            this.instructions = instructions;
            this.vcpu = vcpu;
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = BareMetalRunner.class.getResourceAsStream("/org/ppc440vm/kvm/baremetal/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    static Result run(byte[] elf, VcpuOptions options, long maxExits) {
        GuestRam ram = new GuestRam(32 << 20);
        Vcpu440 vcpu = new Vcpu440(new InterpreterCpuFactory(), new TlbManagerFactory(), new TrapDispatcher(), ram,
                options);
        int entry = load(elf, ram);
        vcpu.cpu.invalidateCode(0, ram.size());
        Mmu440 mmu = vcpu.mmu();
        mmu.setMmucr(0);
        mmu.tlbwe(0, 0, Mmu440.TLB0_V | (Mmu440.SIZE_256M << Mmu440.TLB0_SIZE_SHIFT));
        mmu.tlbwe(0, 1, 0);
        mmu.tlbwe(0, 2, Mmu440.TLB2_SX | Mmu440.TLB2_SW | Mmu440.TLB2_SR);
        CpuState s = vcpu.state();
        s.pc = entry;
        s.msr = 0;
        s.gpr[1] = (16 << 20) - 8;
        s.gpr[3] = 0x0180_0000;

        StringBuilder console = new StringBuilder();
        for (long n = 0; n < maxExits; n++) {
            Exit e = vcpu.run();
            switch (e.reason()) {
                case MMIO:
                    if (e.isWrite()) {
                        if (e.address() == THR) {
                            char c = (char) (e.data() & 0xFF);
                            if (c != '\r') {
                                console.append(c);
                            }
                        }
                    } else {
                        e.complete(e.address() == LSR ? LSR_THR_EMPTY : 0);
                    }
                    break;
                case DCR:
                    e.complete(0);
                    break;
                case TIMESLICE:
                    break;
                default: // RESET (the programs' end), SHUTDOWN, INTERNAL_ERROR...
                    return new Result(console.toString(), e.describe(), s.instructions, vcpu);
            }
        }
        return new Result(console.toString(), "still running after " + maxExits + " exits", s.instructions, vcpu);
    }

    /** Loads the PT_LOAD segments of a big-endian ELF32 at their physical addresses; returns the entry point. */
    static int load(byte[] elf, GuestRam ram) {
        ByteBuffer b = ByteBuffer.wrap(elf);
        if (b.getInt(0) != 0x7F45_4C46 || elf[4] != 1 || elf[5] != 2 || b.getShort(18) != 20) {
            throw new IllegalArgumentException("not a big-endian ELF32 PowerPC file");
        }
        int entry = b.getInt(24);
        int phoff = b.getInt(28);
        int phentsize = b.getShort(42) & 0xFFFF;
        int phnum = b.getShort(44) & 0xFFFF;
        for (int i = 0; i < phnum; i++) {
            int ph = phoff + i * phentsize;
            if (b.getInt(ph) != 1) {
                continue; // not PT_LOAD
            }
            int offset = b.getInt(ph + 4);
            int paddr = b.getInt(ph + 12);
            int filesz = b.getInt(ph + 16);
            int memsz = b.getInt(ph + 20);
            ram.write(paddr, elf, offset, filesz);
            ram.fill(paddr + (long) filesz, memsz - filesz, (byte) 0);
        }
        return entry;
    }
}
