package org.ppc440vm.cpu.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.ppc440vm.cpu.disasm.Disassembler;
import org.ppc440vm.cpu.interp.DecoderProbe;

/**
 * Instruction decode: host ns per 32-bit word turned into a decoded-page entry (what the interpreter does for
 * every word of a code page the first time it runs there, and again after self-modifying code), and, for scale,
 * per word of disassembly text (the {@code disasm} tool and the -stats hottest-trap listing).
 *
 * <p>The words are real kernel code: 64 KiB of the reference guest's vmlinux text (PT_LOAD at file offset
 * 0x10000) when the images are present ({@code PPC440VM_GUEST_DIR} or ../shared/guest from the checkout), else a
 * fixed synthetic mix of common integer, load/store, branch and SPR instructions ({@code source=synthetic}).
 *
 * <p>Run with {@code ppc440-cpu/bench-decode.sh} (not part of the test run).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeBenchmark {
    static final int PAGE_WORDS = 1024;
    static final int WORDS = 16 * PAGE_WORDS;

    @Param({"vmlinux", "synthetic"})
    public String source;

    private int[] words;
    private long[] page;
    private int next;
    private final StringBuilder text = new StringBuilder(64);
    private final Disassembler disassembler = new Disassembler();

    @Setup
    public void setUp() throws IOException {
        words = "vmlinux".equals(source) ? kernelText() : null;
        if (words == null) {
            words = synthetic();
        }
        page = new long[PAGE_WORDS];
    }

    private static int[] kernelText() throws IOException {
        String dir = System.getenv("PPC440VM_GUEST_DIR");
        Path[] candidates = {dir != null ? Path.of(dir, "vmlinux") : null, Path.of("../shared/guest/vmlinux"),
                Path.of("/work/shared/guest/vmlinux")};
        for (Path p : candidates) {
            if (p != null && Files.isReadable(p) && Files.size(p) >= 0x10000 + 4L * WORDS) {
                byte[] b = new byte[4 * WORDS];
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
                    f.seek(0x10000);
                    f.readFully(b);
                }
                int[] w = new int[WORDS];
                ByteBuffer.wrap(b).asIntBuffer().get(w); // big-endian, as the guest sees it
                return w;
            }
        }
        System.err.println("DecodeBenchmark: no vmlinux found (set PPC440VM_GUEST_DIR); using the synthetic mix");
        return null;
    }

    private static int[] synthetic() {
        int[] mix = {
            0x38630001, // addi r3,r3,1
            0x7c632214, // add r3,r3,r4
            0x80830004, // lwz r4,4(r3)
            0x90830008, // stw r4,8(r3)
            0x5463103a, // rlwinm r3,r3,2,0,29
            0x2c030000, // cmpwi r3,0
            0x4182fff0, // beq -16
            0x4bfffff1, // bl -16
            0x7c0802a6, // mflr r0
            0x4e800020, // blr
            0x7c6000a6, // mfmsr r3
            0x7c7043a6, // mtsprg 0,r3
            0x9421fff0, // stwu r1,-16(r1)
            0x7c0004ac, // sync (msync)
            0x7c63f8f8, // nor r3,r3,r31
            0x88830000, // lbz r4,0(r3)
        };
        int[] w = new int[WORDS];
        for (int i = 0; i < WORDS; i++) {
            // vary the register fields so the decoder sees many distinct words of the same shapes
            w[i] = mix[i % mix.length] ^ ((i * 0x9E3779B1) >>> 11 & 0x03E00000);
        }
        return w;
    }

    /** One code page decoded into a decoded-page array: ns per word. */
    @Benchmark
    @OperationsPerInvocation(PAGE_WORDS)
    public long[] decodePage() {
        int base = next;
        next = (next + PAGE_WORDS) & (WORDS - 1);
        long[] p = page;
        for (int i = 0; i < PAGE_WORDS; i++) {
            p[i] = DecoderProbe.entry(words[base + i]);
        }
        return p;
    }

    /** One word disassembled to text into a reused buffer: ns per word. */
    @Benchmark
    public int disassemble() {
        int i = next;
        next = (next + 1) & (WORDS - 1);
        text.setLength(0);
        disassembler.append(text, words[i], 0xc0000000 + 4 * i);
        return text.length();
    }
}
