package org.ppc440vm.cpu.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.ppc440vm.cpu.interp.InterpreterCpuFactory;
import org.ppc440vm.cpu.spi.CpuFactory;

/**
 * Every program of the oracle suite (manifest.txt beside bin/ and expected/), run through user mode on the
 * interpreter in this JVM: stdout must be byte-identical to what qemu-ppc -cpu 440epx printed (or, for the two
 * programs whose reference is a host model, to that), and so must stderr and the exit status. Arguments come from
 * expected/NAME.args and the environment from expected/NAME.env (one item per line), as build.sh passed them.
 */
class UserModeOracleTest {
    private static final String BASE = "/org/ppc440vm/cpu/user/";
    /** Generous: the slowest program runs in a few seconds on the interpreter. */
    private static final long TIMEOUT_MILLIS = 300_000;

    @TestFactory
    Stream<DynamicTest> everyProgramMatchesItsExpectedOutput() throws IOException {
        List<String> names = lines(resource("manifest.txt"));
        assertFalse(names.isEmpty(), "the manifest lists programs");
        return names.stream().map(name -> DynamicTest.dynamicTest(name,
                () -> check(name, new InterpreterCpuFactory())));
    }

    /** The same with every straight-line block compiled to JVM code at its first entry (see BlockCompiler). */
    @TestFactory
    Stream<DynamicTest> everyProgramMatchesWithEveryBlockCompiled() throws IOException {
        List<String> names = lines(resource("manifest.txt"));
        assertFalse(names.isEmpty(), "the manifest lists programs");
        return names.stream().map(name -> DynamicTest.dynamicTest(name,
                () -> check(name, new InterpreterCpuFactory(1))));
    }

    /**
     * The same with every block compiled on the background compiler thread (the runtime's way): blocks arrive
     * while the program runs, so it switches between interpreted and compiled forms of the same code.
     */
    @TestFactory
    Stream<DynamicTest> everyProgramMatchesWithBlocksCompiledInTheBackground() throws IOException {
        List<String> names = lines(resource("manifest.txt"));
        assertFalse(names.isEmpty(), "the manifest lists programs");
        return names.stream().map(name -> DynamicTest.dynamicTest(name,
                () -> check(name, new InterpreterCpuFactory(1, true))));
    }

    private static void check(String name, CpuFactory cpus) throws Exception {
        byte[] elf = resource("bin/" + name + ".elf");
        List<String> args = optionalLines("expected/" + name + ".args");
        List<String> env = optionalLines("expected/" + name + ".env");
        Result r = run(name, elf, args, env, cpus);
        String expectedStdout = new String(resource("expected/" + name + ".stdout"), StandardCharsets.UTF_8);
        String expectedStderr = new String(resource("expected/" + name + ".stderr"), StandardCharsets.UTF_8);
        int expectedStatus = Integer.parseInt(new String(resource("expected/" + name + ".status"),
                StandardCharsets.UTF_8).trim());
        String stdout = new String(r.stdout, StandardCharsets.UTF_8);
        String stderr = new String(r.stderr, StandardCharsets.UTF_8);
        if (name.equals("fp_fpscr")) {
            expectedStdout = withoutQemuFcmpoClassBit(expectedStdout, stdout);
        }
        if (!expectedStdout.equals(stdout) || (!name.equals("fp_fpscr")
                && !Arrays.equals(resource("expected/" + name + ".stdout"), r.stdout))) {
            fail(name + ": stdout differs from the oracle\n" + firstDifference(expectedStdout, stdout)
                    + "\n--- stderr was:\n" + tail(stderr));
        }
        assertEquals(expectedStderr, stderr, name + ": stderr");
        assertEquals(expectedStatus, r.status, name + ": exit status");
    }

    private static final java.util.regex.Pattern FCMPO =
            java.util.regex.Pattern.compile("(.* fcmpo: cr=[0-9a-f]{8} fpscr=)([0-9a-f]{8})");
    /** FPSCR[C], the class bit of FPRF. */
    private static final int FPSCR_C = 0x0001_0000;

    /**
     * The one place the QEMU oracle is known to be wrong for these programs: an ordered compare (fcmpo) of a NaN
     * sets FPSCR[C] in QEMU (target/ppc/fpu_helper.c float_invalid_op_vxvc sets FP_C | FP_FU), while the Power ISA
     * (Book I, Invalid Operation Exception, VE=0: "if the operation is a compare, FR, FI and C are unchanged") leaves
     * it alone, as the interpreter does. Only lines of that exact shape whose sole difference is that bit are mapped
     * to the architected value; everything else must still match byte for byte.
     */
    static String withoutQemuFcmpoClassBit(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        if (e.length != a.length) {
            return expected;
        }
        for (int i = 0; i < e.length; i++) {
            java.util.regex.Matcher me = FCMPO.matcher(e[i]);
            java.util.regex.Matcher ma = FCMPO.matcher(a[i]);
            if (me.matches() && ma.matches() && me.group(1).equals(ma.group(1))) {
                int qemu = Integer.parseUnsignedInt(me.group(2), 16);
                int ours = Integer.parseUnsignedInt(ma.group(2), 16);
                if (qemu == (ours | FPSCR_C) && (ours & FPSCR_C) == 0 && (qemu & 0x0008_0000) != 0 /* VXVC */) {
                    e[i] = a[i];
                }
            }
        }
        return String.join("\n", e);
    }

    static final class Result {
        byte[] stdout;
        byte[] stderr;
        int status;
    }

    static Result run(String name, byte[] elf, List<String> args, List<String> env) throws Exception {
        return run(name, elf, args, env, new InterpreterCpuFactory());
    }

    static Result run(String name, byte[] elf, List<String> args, List<String> env, CpuFactory cpus)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        UserProcess.Config config = new UserProcess.Config();
        config.ramBytes = 64 << 20; // malloc_stress, the hungriest, peaks at 20 MiB
        config.environment = env;
        config.randomSeed = 1L;
        config.stringEncoding = StandardCharsets.UTF_8; // the .args and .env files are UTF-8
        UserProcess p = UserProcess.load(elf, programPath(name), args, config, cpus,
                new ByteArrayInputStream(new byte[0]), out, err);
        Result r = new Result();
        Throwable[] crash = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                r.status = p.run();
            } catch (Throwable e) {
                crash[0] = e;
            }
        }, "oracle-" + name);
        t.start();
        t.join(TIMEOUT_MILLIS);
        if (t.isAlive()) {
            p.requestStop();
            t.join(10_000);
            fail(name + " did not finish within " + TIMEOUT_MILLIS / 1000 + " s; stdout so far:\n"
                    + tail(out.toString(StandardCharsets.UTF_8)));
        }
        if (crash[0] != null) {
            throw new AssertionError(name + ": the emulator threw " + crash[0] + "\nstdout so far:\n"
                    + tail(out.toString(StandardCharsets.UTF_8)), crash[0]);
        }
        r.stdout = out.toByteArray();
        r.stderr = err.toByteArray();
        return r;
    }

    private static Path programPath(String name) throws URISyntaxException {
        URL u = UserModeOracleTest.class.getResource(BASE + "bin/" + name + ".elf");
        return u != null && "file".equals(u.getProtocol()) ? Paths.get(u.toURI()) : Paths.get(name + ".elf");
    }

    static byte[] resource(String relative) throws IOException {
        try (InputStream in = UserModeOracleTest.class.getResourceAsStream(BASE + relative)) {
            assertNotNull(in, "test resource " + BASE + relative);
            return in.readAllBytes();
        }
    }

    /** The lines of a file, as bash's mapfile -t reads them (an empty line is an empty item). */
    static List<String> lines(byte[] content) {
        String s = new String(content, StandardCharsets.UTF_8);
        List<String> l = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
        if (!l.isEmpty() && l.get(l.size() - 1).isEmpty()) {
            l.remove(l.size() - 1);
        }
        return l;
    }

    private static List<String> optionalLines(String relative) throws IOException {
        try (InputStream in = UserModeOracleTest.class.getResourceAsStream(BASE + relative)) {
            return in == null ? List.of() : lines(in.readAllBytes());
        }
    }

    private static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String x = i < e.length ? e[i] : "<end of output>";
            String y = i < a.length ? a[i] : "<end of output>";
            if (!x.equals(y)) {
                return "first difference at line " + (i + 1) + ":\n  expected: " + x + "\n  actual:   " + y;
            }
        }
        return "(same lines; differs in bytes)";
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : "..." + s.substring(s.length() - 2000);
    }
}
