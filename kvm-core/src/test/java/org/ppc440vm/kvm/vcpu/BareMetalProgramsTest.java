package org.ppc440vm.kvm.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.kvm.spi.VcpuOptions;

/**
 * The bare-metal programs (src/test/resources/org/ppc440vm/kvm/baremetal: C and assembly, built by its build.sh)
 * on the hypervisor with the real CPU and TLB: each prints what the interrupts it takes looked like, and must
 * print exactly its expected output, which is QEMU's (qemu-system-ppc -M bamboo) except on the lines its
 * {@code .qemu-differs} file lists and explains. The console is {@link BareMetalRunner}'s stand-in for the board.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BareMetalProgramsTest {

    private static String text(String name) throws IOException {
        return new String(BareMetalRunner.resource(name), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"syscall", "program", "privuser", "decrementer", "tlbmiss"})
    void printsWhatQemuPrintsExceptWhereQemuIsWrong(String name) throws IOException {
        for (VcpuOptions options : List.of(new VcpuOptions(), new VcpuOptions().icountShift(0))) {
            BareMetalRunner.Result r = BareMetalRunner.run(BareMetalRunner.resource(name + ".elf"), options, 1_000_000);
            assertEquals(text(name + ".expected"), r.console, name + " (" + r.end + ")");
            assertTrue(r.end.startsWith("RESET"), "ends with its DBCR0[RST] reset: " + r.end);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"syscall", "program", "privuser", "decrementer", "tlbmiss"})
    void expectedOutputsDifferFromQemuOnlyWhereDocumented(String name) throws IOException {
        String[] expected = text(name + ".expected").split("\n", -1);
        String[] qemu = text(name + ".qemu").split("\n", -1);
        assertEquals(qemu.length, expected.length, name + ": same number of lines as QEMU printed");
        List<Integer> differing = new ArrayList<>();
        for (int i = 0; i < qemu.length; i++) {
            if (!qemu[i].equals(expected[i])) {
                differing.add(i + 1);
            }
        }
        List<Integer> documented = new ArrayList<>();
        try {
            for (String line : text(name + ".qemu-differs").split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    documented.add(Integer.parseInt(line.substring(0, line.indexOf(':')).trim()));
                }
            }
        } catch (IOException none) {
            // no differences documented: QEMU's output is the expected output
        }
        assertEquals(documented, differing, name + ": lines where the expected output departs from QEMU");
    }

    @Test
    void icountRunsOfTheDecrementerProgramAreIdenticalToTheInstruction() throws IOException {
        byte[] elf = BareMetalRunner.resource("decrementer.elf");
        BareMetalRunner.Result a = BareMetalRunner.run(elf, new VcpuOptions().icountShift(2), 1_000_000);
        BareMetalRunner.Result b = BareMetalRunner.run(elf, new VcpuOptions().icountShift(2), 1_000_000);
        assertEquals(a.console, b.console);
        assertEquals(a.instructions, b.instructions, "the same number of instructions to the reset");
        assertEquals(a.vcpu.statistics().exits(ExitReason.DECREMENTER), b.vcpu.statistics().exits(ExitReason.DECREMENTER));
        assertEquals(a.vcpu.timeBase(), b.vcpu.timeBase(), "and the same time base at the end");
        assertTrue(a.vcpu.statistics().exits(ExitReason.HALT) >= 1, "the MSR[WE] wait halted the vCPU");
    }
}
