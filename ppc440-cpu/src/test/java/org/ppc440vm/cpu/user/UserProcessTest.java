package org.ppc440vm.cpu.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;

/** The run loop's endings: traps become the signal Linux would send, reported with the pc and the instruction. */
class UserProcessTest {

    private static TestProcess program(int... code) throws Exception {
        return new TestProcess(TestElf.withCode(code), "", List.of(), List.of());
    }

    @Test
    void aLoadFromAnUnmappedAddressIsSigsegvNamingPcAndInstruction() throws Exception {
        TestProcess t = program(TestElf.lwz(9, 0, 3));
        t.cpu.script = c -> c.load(0) == null ? c.state.trap : ExitReason.INTERNAL_ERROR;
        assertEquals(139, t.process.run());
        String err = t.stderr();
        assertTrue(err.contains("SIGSEGV"), err);
        assertTrue(err.contains("load from unmapped address 0x00000000"), err);
        assertTrue(err.contains("pc 0x10000100"), err);
        assertTrue(err.contains("0x81230000"), err);
        assertTrue(err.contains("lwz"), "disassembled: " + err);
        assertEquals("", t.stdout());
    }

    @Test
    void aStoreToReadOnlyTextIsAProtectionFault() throws Exception {
        TestProcess t = program(TestElf.stw(0, 0, 9));
        t.cpu.script = c -> c.store(TestElf.TEXT + 0x100, 0) ? ExitReason.INTERNAL_ERROR : c.state.trap;
        assertEquals(139, t.process.run());
        assertTrue(t.stderr().contains("SIGSEGV: store to write-protected address 0x10000100 at pc 0x10000100"),
                t.stderr());
    }

    @Test
    void jumpingToNowhereReportsTheFetch() throws Exception {
        TestProcess t = program(TestElf.SC);
        t.cpu.script = c -> {
            c.state.pc = 0x40;
            return c.fetch(0x40) == null ? c.state.trap : ExitReason.INTERNAL_ERROR;
        };
        assertEquals(139, t.process.run());
        assertTrue(t.stderr().contains("instruction fetch from unmapped address 0x00000040 at pc 0x00000040 "
                + "(no instruction there)"), t.stderr());
    }

    @Test
    void programTrapsBecomeSigillSigtrapOrSigfpe() throws Exception {
        int[][] cases = {
            {CpuState.ESR_PIL, 128 + LinuxAbi.SIGILL},
            {CpuState.ESR_PPR, 128 + LinuxAbi.SIGILL},
            {CpuState.ESR_PTR, 128 + LinuxAbi.SIGTRAP},
            {CpuState.ESR_FP, 128 + LinuxAbi.SIGFPE},
        };
        for (int[] k : cases) {
            TestProcess t = program(TestElf.ILLEGAL);
            t.cpu.script = c -> {
                c.state.trapEsr = k[0];
                return ExitReason.PROGRAM;
            };
            assertEquals(k[1], t.process.run(), t.stderr());
            assertTrue(t.stderr().contains("pc 0x10000100: 0x00000000"), t.stderr());
        }
        TestProcess t = program(TestElf.MFMSR_R3);
        t.cpu.script = c -> ExitReason.PRIVILEGED_INSTRUCTION;
        assertEquals(132, t.process.run());
        assertTrue(t.stderr().contains("privileged instruction") && t.stderr().contains("mfmsr"), t.stderr());
    }

    @Test
    void exhaustingTheGuestRamKillsLikeTheOomKiller() throws Exception {
        TestProcess t = program(TestElf.SC);
        long a = t.sys(LinuxAbi.SYS_MMAP2, 0, 20 << 20, 3, LinuxAbi.MAP_ANONYMOUS | LinuxAbi.MAP_PRIVATE, -1, 0);
        assertTrue(a > 0, "reserving more than the 16 MiB of RAM is fine: pages are populated on touch");
        t.cpu.script = c -> {
            for (long p = a; p < a + (20 << 20); p += 4096) {
                if (!c.store((int) p, 1)) {
                    return c.state.trap;
                }
            }
            return ExitReason.INTERNAL_ERROR;
        };
        assertEquals(128 + LinuxAbi.SIGKILL, t.process.run());
        assertTrue(t.stderr().contains("out of memory: the 16 MiB of guest RAM are all in use"), t.stderr());
        assertTrue(t.stderr().contains("-m"), t.stderr());
    }

    @Test
    void alignmentIsSigbus() throws Exception {
        TestProcess t = program(TestElf.SC);
        t.cpu.script = c -> {
            c.state.trapAddress = 0x1001_0003;
            return ExitReason.ALIGNMENT;
        };
        assertEquals(135, t.process.run());
        assertTrue(t.stderr().contains("SIGBUS") && t.stderr().contains("0x10010003"), t.stderr());
    }

    @Test
    void timeslicesContinueAndSystemCallsAreServedBetweenThem() throws Exception {
        TestProcess t = program(TestElf.SC);
        t.putString(TestProcess.DATA, "hi\n");
        int[] step = {0};
        t.cpu.script = c -> {
            switch (step[0]++) {
                case 0:
                    return ExitReason.TIMESLICE;
                case 1:
                    return ScriptedCpu.syscall(c, LinuxAbi.SYS_WRITE, 1, TestProcess.DATA, 3);
                case 2:
                    assertEquals(3, c.state.gpr[3]);
                    return ExitReason.TIMESLICE;
                default:
                    return ScriptedCpu.syscall(c, LinuxAbi.SYS_EXIT, 5);
            }
        };
        assertEquals(5, t.process.run());
        assertEquals("hi\n", t.stdout());
    }

    @Test
    void aStopRequestFromAnotherThreadEndsTheRun() throws Exception {
        TestProcess t = program(TestElf.SC);
        t.cpu.script = c -> {
            if (c.state.stopRequest) {
                return ExitReason.TIMESLICE;
            }
            t.process.requestStop();
            return ExitReason.TIMESLICE;
        };
        assertEquals(128 + LinuxAbi.SIGKILL, t.process.run());
    }

    @Test
    void theCommandLineRefusesWhatItCannotRun(@TempDir Path dir) throws Exception {
        assertCannotRun(new String[0], "no program given");
        assertCannotRun(new String[] {"-bogus", "x"}, "unknown option '-bogus'");
        assertCannotRun(new String[] {"-m", "lots", "x"}, "not a number");
        assertCannotRun(new String[] {dir.resolve("nope.elf").toString()}, "no such file");
        Path script = dir.resolve("script.sh");
        Files.writeString(script, "#!/bin/sh\n");
        assertCannotRun(new String[] {script.toString()}, "not an ELF file");
        Path le = dir.resolve("le.elf");
        TestElf e = TestElf.withCode(TestElf.SC);
        e.dataEncoding = 1;
        Files.write(le, e.build());
        assertCannotRun(new String[] {le.toString()}, "little-endian");
    }

    private static void assertCannotRun(String[] args, String expected) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<ScriptedCpu> made = new ArrayList<>();
        int status = UserMode.run(args, new ByteArrayInputStream(new byte[0]), out, err, ScriptedCpu.factory(made),
                false, null);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(UserMode.STATUS_CANNOT_RUN, status, e);
        assertTrue(e.contains(expected), e);
        assertEquals(0, out.size(), "nothing on stdout");
    }

    @Test
    void theCommandLineSetsArgumentsAndEnvironment(@TempDir Path dir) throws Exception {
        Path prog = dir.resolve("p.elf");
        TestElf e = TestElf.withCode(TestElf.SC);
        e.data(TestProcess.DATA, new byte[16], 0);
        Files.write(prog, e.build());
        List<ScriptedCpu> made = new ArrayList<>();
        UserProcess[] seen = new UserProcess[1];
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        java.util.function.Consumer<UserProcess> started = p -> {
            seen[0] = p;
            made.get(0).script = c -> ScriptedCpu.syscall(c, LinuxAbi.SYS_EXIT_GROUP, 0);
        };
        int status = UserMode.run(new String[] {"-m", "16", "-i", "-E", "X=1", "-0", "name", "-seed", "7", prog.toString(), "a"},
                new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), err,
                ScriptedCpu.factory(made), false, started);
        assertEquals(0, status, err.toString());
        InitialStack.Layout l = seen[0].stack();
        assertEquals(2, l.argc);
        AddressSpace m = seen[0].memory();
        assertEquals("name", stringAt(m, l.argv));
        assertEquals("a", stringAt(m, l.argv + 4));
        assertEquals("X=1", stringAt(m, l.envp));
        assertEquals(0, m.readWord((l.envp + 4) & 0xFFFF_FFFFL), "-i emptied the host environment");
    }

    /** The string a pointer at {@code pointer} points to. */
    private static String stringAt(AddressSpace m, int pointer) {
        int p = m.readWord(pointer & 0xFFFF_FFFFL);
        return new String(m.readCString(p & 0xFFFF_FFFFL, 100), StandardCharsets.UTF_8);
    }
}
