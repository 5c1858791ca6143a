package org.ppc440vm.cpu.interp;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;

/** A core over 1 MiB of flat-mapped RAM, code at {@link #CODE}, with helpers to place and run instructions. */
final class CpuHarness {
    static final int RAM_SIZE = 1 << 20;
    static final int CODE = 0x1000;
    static final int DATA = 0x8000;

    final GuestRam ram = new GuestRam(RAM_SIZE);
    final FlatMissHandler mmu = new FlatMissHandler(RAM_SIZE);
    final Interpreter cpu = new Interpreter(ram, mmu, 64);
    final CpuState s = cpu.state();

    CpuHarness() {
        mmu.attach(cpu.translationCache());
        s.pc = CODE;
    }

    /** Writes instruction (or data) words at {@code address}. */
    CpuHarness poke(int address, int... words) {
        for (int k = 0; k < words.length; k++) {
            ram.storeWord(address + 4 * k, words[k]);
        }
        return this;
    }

    int peek(int address) {
        return ram.loadWord(address);
    }

    /** Places {@code words} at {@link #CODE}, sets pc there and runs exactly that many instructions. */
    ExitReason exec(int... words) {
        poke(CODE, words);
        cpu.invalidateCode(CODE, 4L * words.length);
        s.pc = CODE;
        return cpu.run(words.length);
    }

    ExitReason run(long max) {
        return cpu.run(max);
    }

    int r(int n) {
        return s.gpr[n];
    }

    CpuHarness set(int reg, int value) {
        s.gpr[reg] = value;
        return this;
    }

    /** CR field {@code bf} as a nibble LT GT EQ SO. */
    int crField(int bf) {
        return (s.cr >>> (28 - 4 * bf)) & 0xF;
    }
}
