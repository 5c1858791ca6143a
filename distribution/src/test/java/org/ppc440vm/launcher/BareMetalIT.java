package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kvm-core's bare-metal guest programs (system call, program, privileged-from-user, decrementer and TLB-miss
 * interrupts), booted by the real runtime through the board, print exactly their committed console output (checked
 * against qemu-system-ppc -M bamboo where QEMU is right; see the *.qemu-differs files beside them).
 */
class BareMetalIT {

    static Stream<String> programs() {
        File[] expected = dir().listFiles((d, n) -> n.endsWith(".expected"));
        assertTrue(expected != null && expected.length >= 5, "bare-metal programs in " + dir());
        return Arrays.stream(expected).map(f -> f.getName().replace(".expected", "")).sorted();
    }

    static File dir() {
        return new File(System.getProperty("ppc440vm.root", ".."),
                "kvm-core/src/test/resources/org/ppc440vm/kvm/baremetal");
    }

    @ParameterizedTest
    @MethodSource("programs")
    void printsItsExpectedConsoleOutput(String program, @TempDir File work) throws Exception {
        String expected = Files.readString(new File(dir(), program + ".expected").toPath(), StandardCharsets.UTF_8);
        try (RuntimeIT.Launched l = new RuntimeIT.Launched(System.getProperty("java.home"), work, "-M", "bamboo",
                "-nographic", "-no-reboot", "-kernel", new File(dir(), program + ".elf").getPath())) {
            int status = l.waitFor(120);
            // The programs end their lines with CRLF, as serial consoles do; the expected files hold plain lines.
            assertEquals(expected, l.out().replace("\r\n", "\n"), program + " console; stderr:\n" + l.err());
            assertEquals(0, status, "the program's reset under -no-reboot ends the run with 0; stderr:\n" + l.err());
        }
    }
}
