package org.ppc440vm.cpu.user;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.ppc440vm.cpu.spi.CpuState;

/** A {@link UserProcess} over a {@link ScriptedCpu}, with captured streams and a way to make system calls. */
final class TestProcess {
    /** The test program's RW data: 4 KiB of data and 60 KiB of bss. */
    static final int DATA = 0x1001_0000;
    static final int DATA_SIZE = 0x10000;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final UserProcess process;
    final ScriptedCpu cpu;
    final CpuState state;

    TestProcess(String stdin, List<String> args, List<String> env) throws ElfFormatException {
        this(TestElf.withCode(TestElf.SC), stdin, args, env);
    }

    TestProcess(TestElf elf, String stdin, List<String> args, List<String> env) throws ElfFormatException {
        if (elf.segments.size() == 1) {
            elf.data(DATA, new byte[4096], DATA_SIZE - 4096);
        }
        UserProcess.Config c = new UserProcess.Config();
        c.ramBytes = 16 << 20;
        c.environment = env;
        c.randomSeed = 42L;
        c.stringEncoding = StandardCharsets.UTF_8;
        List<ScriptedCpu> made = new ArrayList<>();
        process = UserProcess.load(elf.build(), Paths.get("/opt/test/prog.elf"), args, c, ScriptedCpu.factory(made),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err);
        cpu = made.get(0);
        state = cpu.state;
    }

    static TestProcess simple() throws ElfFormatException {
        return new TestProcess("", List.of(), List.of("HOME=/root"));
    }

    /** Makes system call {@code nr}: answers r3 as the kernel's return value (negative errno if CR0[SO] is set). */
    long sys(int nr, int... args) {
        state.gpr[0] = nr;
        for (int i = 0; i < 6; i++) {
            state.gpr[3 + i] = i < args.length ? args[i] : 0;
        }
        process.syscalls.handle(state);
        return (state.cr & Syscalls.CR0_SO) != 0 ? -state.gpr[3] : state.gpr[3] & 0xFFFF_FFFFL;
    }

    void put(long address, byte[] bytes) {
        address &= 0xFFFF_FFFFL;
        if (!process.memory.write(address, bytes, 0, bytes.length)) {
            throw new AssertionError("cannot write at " + Long.toHexString(address));
        }
    }

    void putString(long address, String s) {
        put(address, (s + "\0").getBytes(StandardCharsets.UTF_8));
    }

    byte[] get(long address, int length) {
        address &= 0xFFFF_FFFFL;
        byte[] b = new byte[length];
        if (!process.memory.read(address, b, 0, length)) {
            throw new AssertionError("cannot read at " + Long.toHexString(address));
        }
        return b;
    }

    int word(long address) {
        address &= 0xFFFF_FFFFL;
        Integer w = process.memory.readWord(address);
        if (w == null) {
            throw new AssertionError("cannot read at " + Long.toHexString(address));
        }
        return w;
    }

    String string(long address) {
        address &= 0xFFFF_FFFFL;
        return new String(process.memory.readCString(address, 4096), StandardCharsets.UTF_8);
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    static Path programPath() {
        return Paths.get("/opt/test/prog.elf");
    }
}
