package org.ppc440vm.cpu.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.ppc440vm.cpu.interp.InterpreterCpuFactory;

/** The component as SCR would drive it: fields injected, then activate; the subcommand runs on its own thread. */
class CpuToolsLauncherTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private CpuToolsLauncher component(Map<String, List<String>> options, String stdin) {
        CpuToolsLauncher c = new CpuToolsLauncher();
        c.options = options;
        c.stdout = out;
        c.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        c.exit = exit::complete;
        c.cpus = new InterpreterCpuFactory();
        return c;
    }

    @Test
    void withoutASubcommandItDoesNothing() throws Exception {
        CpuToolsLauncher c = component(Map.of(), "");
        c.activate();
        c.deactivate();
        CpuToolsLauncher noLauncher = new CpuToolsLauncher();
        noLauncher.cpus = new InterpreterCpuFactory();
        noLauncher.activate(); // no options service at all: as in a test framework
        noLauncher.deactivate();
        Thread.sleep(50);
        assertNull(exit.getNow(null), "no exit status was handed to the launcher");
        assertEquals(0, out.size());
    }

    @Test
    void disasmReadsWordsFromStdinAndExits() throws Exception {
        CpuToolsLauncher c = component(Map.of("@subcommand", List.of("disasm"), "@args", List.of()),
                "38600000 4e800020\n");
        c.activate();
        assertEquals(0, exit.get(60, TimeUnit.SECONDS));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("li r3,0") && text.contains("blr"), text);
    }

    @Test
    void userRunsTheProgramAndHandsOverItsExitStatus() throws Exception {
        URL elf = getClass().getResource("/org/ppc440vm/cpu/user/bin/runtime_exit.elf");
        assertNotNull(elf, "the oracle program runtime_exit");
        byte[] expected;
        try (InputStream in = getClass().getResourceAsStream("/org/ppc440vm/cpu/user/expected/runtime_exit.stdout")) {
            expected = in.readAllBytes();
        }
        CpuToolsLauncher c = component(Map.of("@subcommand", List.of("user"),
                "@args", List.of("-m", "32", Paths.get(elf.toURI()).toString())), "");
        c.activate();
        assertEquals(3, exit.get(120, TimeUnit.SECONDS), "runtime_exit exits with 3");
        assertEquals(new String(expected, StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
        c.deactivate();
    }

    @Test
    void aProgramThatCannotBeLoadedExitsWithStatus2() throws Exception {
        CpuToolsLauncher c = component(Map.of("@subcommand", List.of("user"), "@args", List.of("/nonexistent.elf")),
                "");
        c.activate();
        assertEquals(2, exit.get(60, TimeUnit.SECONDS));
        assertEquals(0, out.size(), "nothing on stdout");
    }
}
