package org.ppc440vm.cpu.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DisasmToolTest {

    @TempDir
    Path tmp;

    /** Result of one invocation. */
    record Run(int status, String out, String err) {
    }

    private static Run run(String stdin, String... args) {
        return run(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    private static Run run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DisasmTool.run(args, new ByteArrayInputStream(stdin),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertFailure(Run r, String messagePart) {
        assertEquals(2, r.status(), "exit status; stderr: " + r.err());
        assertEquals("", r.out(), "nothing on stdout after bad input");
        assertTrue(r.err().contains(messagePart), "stderr should mention '" + messagePart + "': " + r.err());
    }

    // ------------------------------------------------------------------ hex words

    @Test
    void oneLinePerWordWithOrWithout0x() {
        Run r = run("38600001 0x7c0802a6\n\t4E800020  0X00000000\n", "-");
        assertEquals(0, r.status(), r.err());
        assertEquals("li r3,1\nmflr r0\nblr\n.long 0x0\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void readsStandardInputWhenNoFileIsGiven() {
        Run r = run("60000000");
        assertEquals(0, r.status());
        assertEquals("nop\n", r.out());
    }

    @Test
    void shortWordsAreZeroExtended() {
        Run r = run("0 1 ffff");
        assertEquals(".long 0x0\n.long 0x1\n.long 0xffff\n", r.out());
    }

    @Test
    void baseAddressSetsConsecutiveAddressesForBranchTargets() {
        // b +0x10 at 0x1000, 0x1004, 0x1008
        String words = "48000010 48000010 48000010";
        assertEquals("b 0x1010\nb 0x1014\nb 0x1018\n", run(words, "--base", "0x1000").out());
        assertEquals("b 0x1010\nb 0x1014\nb 0x1018\n", run(words, "--base", "4096").out());
        assertEquals("b 0x1010\nb 0x1014\nb 0x1018\n", run(words, "--base=0x1000", "-").out());
        assertEquals("b 0x10\nb 0x14\nb 0x18\n", run(words).out());
        // targets wrap at 2^32 like objdump's
        assertEquals("b 0xc\n", run("48000010", "--base", "0xfffffffc").out());
        assertEquals("b 0xfffffffc\n", run("4bfffff0", "--base", "12").out());
    }

    @Test
    void readsHexFromAFile() throws IOException {
        Path f = tmp.resolve("words.txt");
        Files.writeString(f, "4182000c\n4200fff8\n");
        Run r = run("ignored", "--base", "0x10", f.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("beq- 0x1c\nbdnz+ 0xc\n", r.out());
    }

    @Test
    void emptyInputPrintsNothing() {
        Run r = run(" \n\n");
        assertEquals(0, r.status());
        assertEquals("", r.out());
    }

    @Test
    void badHexWordIsRejectedWithItsLine() {
        assertFailure(run("60000000\n6000000g\n", "-"), "standard input:2: not a 32-bit hex word: '6000000g'");
        assertFailure(run("123456789"), "not a 32-bit hex word: '123456789'");
        assertFailure(run("0x"), "not a 32-bit hex word: '0x'");
        assertFailure(run("-1"), "not a 32-bit hex word");
        assertFailure(run("0x12,0x34"), "not a 32-bit hex word: '0x12,0x34'");
    }

    @Test
    void badOptionsAreRejected() {
        assertFailure(run("0", "--base"), "--base needs an address");
        assertFailure(run("0", "--base", "0x1g"), "bad address for --base");
        assertFailure(run("0", "--base", "-4"), "bad address for --base");
        assertFailure(run("0", "--base", "4294967296"), "bad address for --base");
        assertFailure(run("0", "--base", "0x100000000"), "bad address for --base");
        assertFailure(run("0", "--frobnicate"), "unknown option '--frobnicate'");
        assertFailure(run("0", "a.txt", "b.txt"), "only one input file");
    }

    @Test
    void missingFileIsReported() {
        Path missing = tmp.resolve("nope.txt");
        assertFailure(run("", missing.toString()), "no such file");
    }

    @Test
    void helpGoesToStdout() {
        Run r = run("", "--help");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("usage: disasm"));
    }

    // ------------------------------------------------------------------ ELF

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DisasmToolTest.class.getResourceAsStream(DisassemblerCorpusTest.RESOURCE_DIR + name)) {
            assertNotNull(in, "missing resource " + name);
            return in.readAllBytes();
        }
    }

    /**
     * {@code disasm sample.elf} must print exactly what
     * {@code objdump -d -M 440 sample.elf} printed (stored beside the ELF by
     * the corpus generator), apart from the documented isel deviation.
     */
    @Test
    void elfListingMatchesObjdump() throws IOException {
        Path elf = tmp.resolve("sample.elf");
        Files.write(elf, resource("elf/sample.elf"));
        String expected = new String(resource("elf/sample.elf.objdump"), StandardCharsets.UTF_8)
            .replace("\nsample.elf:     file format", "\n" + elf + ":     file format");

        Run r = run("", elf.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());

        String[] want = expected.split("\n", -1);
        String[] got = r.out().split("\n", -1);
        StringBuilder diffs = new StringBuilder();
        int deviations = 0;
        for (int i = 0; i < Math.max(want.length, got.length); i++) {
            String w = i < want.length ? want[i] : "<missing>";
            String g = i < got.length ? got[i] : "<missing>";
            String adjusted = applyDeviations(w);
            if (!adjusted.equals(w)) {
                deviations++;
            }
            if (!adjusted.equals(g)) {
                diffs.append(String.format("%n  line %d: expected [%s]%n           actual   [%s]", i + 1, adjusted, g));
            }
        }
        assertEquals("", diffs.toString(), "listing differs from objdump -d");
        assertEquals(1, deviations, "the sample contains exactly one isel word");
        assertTrue(r.out().matches("(?s).*\n[0-9a-f]{8} <_start>:\n.*"), "symbol header");
        assertTrue(r.out().contains("\t...\n"), "zero run elided");
    }

    /** Applies {@link DisassemblerCorpusTest.Deviation} to one objdump -d instruction line. */
    private static String applyDeviations(String line) {
        String[] cols = line.split("\t");
        if (cols.length != 3 || !cols[1].matches("([0-9a-f]{2} ){4}")) {
            return line;
        }
        int word = (int) Long.parseLong(cols[1].replace(" ", ""), 16);
        String text = cols[2].replaceFirst("^(\\S+) +", "$1 ");
        DisassemblerCorpusTest.Deviation d = DisassemblerCorpusTest.Deviation.of(word, text);
        return d == null ? line : cols[0] + "\t" + cols[1] + "\t" + d.replacement(word);
    }

    @Test
    void elfFromStandardInputIsListedToo() throws IOException {
        Run r = run(resource("elf/sample.elf"), "-");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("\n-:     file format elf32-powerpc\n\n\nDisassembly of section .init:\n"));
    }

    @Test
    void baseDoesNotApplyToElf() throws IOException {
        Path elf = tmp.resolve("sample.elf");
        Files.write(elf, resource("elf/sample.elf"));
        assertFailure(run("", "--base", "0x100", elf.toString()), "--base does not apply to ELF");
    }

    @Test
    void damagedOrForeignElfIsRejected() throws IOException {
        byte[] good = resource("elf/sample.elf");

        Path truncated = tmp.resolve("truncated.elf");
        Files.write(truncated, Arrays.copyOf(good, 200));
        assertFailure(run("", truncated.toString()), "outside the file");

        byte[] little = good.clone();
        little[5] = 1; // EI_DATA = little-endian
        Path le = tmp.resolve("le.elf");
        Files.write(le, little);
        assertFailure(run("", le.toString()), "not a big-endian ELF file");

        byte[] wide = good.clone();
        wide[4] = 2; // EI_CLASS = 64-bit
        Path w = tmp.resolve("wide.elf");
        Files.write(w, wide);
        assertFailure(run("", w.toString()), "not a 32-bit ELF file");

        byte[] arm = good.clone();
        arm[18] = 0;
        arm[19] = 40; // EM_ARM
        Path a = tmp.resolve("arm.elf");
        Files.write(a, arm);
        assertFailure(run("", a.toString()), "not a 32-bit PowerPC ELF file");

        Path tiny = tmp.resolve("tiny.elf");
        Files.write(tiny, new byte[] {0x7F, 'E', 'L', 'F', 1, 2});
        assertFailure(run("", tiny.toString()), "not an ELF file");
    }
}
