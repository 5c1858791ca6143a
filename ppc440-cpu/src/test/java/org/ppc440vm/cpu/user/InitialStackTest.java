package org.ppc440vm.cpu.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ppc440vm.cpu.spi.CpuState;

/** The stack a program starts on, read back the way glibc's _start and __libc_start_main read it. */
class InitialStackTest {

    @Test
    void argcArgvEnvpAndAuxvAreWhereGlibcLooks() throws Exception {
        TestProcess t = new TestProcess("", List.of("one", "two words"), List.of("A=1", "PATH=/bin"));
        CpuState s = t.state;
        int sp = s.gpr[1];
        assertEquals(0, sp & 15, "16-byte aligned stack pointer");
        assertTrue((sp & 0xFFFF_FFFFL) < UserProcess.STACK_TOP && (sp & 0xFFFF_FFFFL) > UserProcess.STACK_TOP - 4096);
        assertEquals(3, t.word(sp), "argc at 0(r1)");
        int argv = sp + 4;
        assertEquals("/opt/test/prog.elf", t.string(t.word(argv)));
        assertEquals("one", t.string(t.word(argv + 4)));
        assertEquals("two words", t.string(t.word(argv + 8)));
        assertEquals(0, t.word(argv + 12));
        int envp = argv + 16;
        assertEquals("A=1", t.string(t.word(envp)));
        assertEquals("PATH=/bin", t.string(t.word(envp + 4)));
        assertEquals(0, t.word(envp + 8));
        int auxv = envp + 12;
        assertEquals(3, s.gpr[3]);
        assertEquals(argv, s.gpr[4]);
        assertEquals(envp, s.gpr[5]);
        assertEquals(auxv, s.gpr[6]);

        Map<Integer, Integer> aux = new HashMap<>();
        int p = auxv;
        assertEquals(LinuxAbi.AT_IGNOREPPC, t.word(p), "PowerPC puts two AT_IGNOREPPC first");
        assertEquals(LinuxAbi.AT_IGNOREPPC, t.word(p + 8));
        while (t.word(p) != LinuxAbi.AT_NULL) {
            aux.put(t.word(p), t.word(p + 4));
            p += 8;
        }
        assertEquals(0x8C00_8000, aux.get(LinuxAbi.AT_HWCAP), "32-bit Book E with MMU and FPU, no AltiVec");
        assertEquals(0, aux.get(LinuxAbi.AT_HWCAP2));
        assertEquals(4096, aux.get(LinuxAbi.AT_PAGESZ));
        assertEquals(32, aux.get(LinuxAbi.AT_DCACHEBSIZE));
        assertEquals(32, aux.get(LinuxAbi.AT_ICACHEBSIZE));
        assertEquals(0, aux.get(LinuxAbi.AT_UCACHEBSIZE));
        assertEquals(100, aux.get(LinuxAbi.AT_CLKTCK));
        assertEquals(TestElf.TEXT + 52, aux.get(LinuxAbi.AT_PHDR));
        assertEquals(32, aux.get(LinuxAbi.AT_PHENT));
        assertEquals(2, aux.get(LinuxAbi.AT_PHNUM));
        assertEquals(TestElf.TEXT + 0x100, aux.get(LinuxAbi.AT_ENTRY));
        assertEquals(0, aux.get(LinuxAbi.AT_SECURE));
        assertEquals(0, aux.get(LinuxAbi.AT_BASE));
        assertTrue(aux.containsKey(LinuxAbi.AT_UID) && aux.containsKey(LinuxAbi.AT_EGID));
        assertEquals("ppc440", t.string(aux.get(LinuxAbi.AT_PLATFORM)));
        assertEquals("/opt/test/prog.elf", t.string(aux.get(LinuxAbi.AT_EXECFN)));
        int random = aux.get(LinuxAbi.AT_RANDOM);
        byte[] r = t.get(random, 16);
        int nonZero = 0;
        for (byte b : r) {
            nonZero += b != 0 ? 1 : 0;
        }
        assertTrue(nonZero > 8, "16 random bytes");
        // The program headers really are at AT_PHDR: the first is the text PT_LOAD.
        assertEquals(StaticElf.PT_LOAD, t.word(aux.get(LinuxAbi.AT_PHDR)));
        assertEquals(TestElf.TEXT, t.word(aux.get(LinuxAbi.AT_PHDR) + 8));
        // Strings sit above the tables, and the very top word is zero.
        assertTrue(t.word(argv) > auxv && aux.get(LinuxAbi.AT_EXECFN) > t.word(envp));
        assertEquals(0, t.word(UserProcess.STACK_TOP - 4));
    }

    @Test
    void startsInUserModeWithTheFpuOnAtTheEntryPoint() throws Exception {
        TestProcess t = TestProcess.simple();
        CpuState s = t.state;
        assertEquals(TestElf.TEXT + 0x100, s.pc);
        assertTrue((s.msr & CpuState.MSR_PR) != 0 && (s.msr & CpuState.MSR_FP) != 0);
        assertEquals(0, s.msr & (CpuState.MSR_IS | CpuState.MSR_DS | CpuState.MSR_FE0 | CpuState.MSR_FE1));
        assertEquals(1 << 9, s.dataContext, "contexts recomputed for PR=1");
        assertEquals(s.dataContext, s.fetchContext);
        long t0 = s.timeBase.read();
        Thread.sleep(5);
        long ticks = s.timeBase.read() - t0;
        assertTrue(ticks >= 2_000_000L && ticks < 400_000_000L, "a 400 MHz time base: " + ticks);
    }

    @Test
    void argumentsThatDoNotFitTheStackAreRefused() throws Exception {
        String big = "x".repeat(1 << 20);
        List<String> args = List.of(big, big, big, big, big, big, big, big, big);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new TestProcess("", args, List.of()));
        assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
    }
}
