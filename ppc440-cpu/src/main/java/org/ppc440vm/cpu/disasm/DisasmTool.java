package org.ppc440vm.cpu.disasm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;

/**
 * The {@code disasm} command.
 *
 * <pre>
 * disasm [--base ADDR] [FILE|-]   hex words (big-endian, whitespace separated,
 *                                 optional 0x prefix) -&gt; one line per word
 * disasm PROGRAM.elf              objdump -d style listing of the code sections
 * </pre>
 *
 * <p>{@code args} holds the arguments after the command name. Hex input is read
 * from FILE, or from {@code in} when FILE is {@code -} or absent; words get
 * consecutive addresses starting at ADDR (hex with {@code 0x}, or decimal;
 * default 0), which matters for branch targets. A FILE starting with the ELF
 * magic number is listed like {@code objdump -d -M 440} would. Exit status: 0 on
 * success, 2 on bad usage or bad input (with a message on {@code err}).
 */
public final class DisasmTool {

    static final String USAGE = "usage: disasm [--base ADDR] [FILE|-]\n"
        + "       disasm PROGRAM.elf\n"
        + "  Hex input: big-endian 32-bit words separated by whitespace, with or without 0x;\n"
        + "  one disassembly line is printed per word, at consecutive addresses from ADDR\n"
        + "  (hex with 0x, or decimal; default 0). A file starting with the ELF magic is\n"
        + "  listed like objdump -d.";

    private DisasmTool() {
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        long base = 0;
        boolean baseGiven = false;
        String file = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--base")) {
                if (i + 1 >= args.length) {
                    return usage(err, "--base needs an address");
                }
                String v = args[++i];
                base = parseAddress(v);
                if (base < 0) {
                    return usage(err, "bad address for --base: '" + v + "' (use hex with 0x, or decimal, up to 0xffffffff)");
                }
                baseGiven = true;
            } else if (a.startsWith("--base=")) {
                String v = a.substring("--base=".length());
                base = parseAddress(v);
                if (base < 0) {
                    return usage(err, "bad address for --base: '" + v + "' (use hex with 0x, or decimal, up to 0xffffffff)");
                }
                baseGiven = true;
            } else if (a.equals("-h") || a.equals("--help")) {
                out.println(USAGE);
                return 0;
            } else if (a.startsWith("-") && !a.equals("-")) {
                return usage(err, "unknown option '" + a + "'");
            } else if (file != null) {
                return usage(err, "only one input file may be given");
            } else {
                file = a;
            }
        }

        byte[] data;
        try {
            data = file == null || file.equals("-") ? readAll(in) : Files.readAllBytes(Paths.get(file));
        } catch (NoSuchFileException e) {
            err.println("disasm: " + file + ": no such file");
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("disasm: cannot read " + (file == null || file.equals("-") ? "standard input" : file) + ": "
                + e.getMessage());
            return 2;
        }

        if (ElfFile.hasElfMagic(data)) {
            if (baseGiven) {
                return usage(err, "--base does not apply to ELF files (addresses come from the file)");
            }
            ElfFile elf;
            try {
                elf = ElfFile.parse(data);
            } catch (IllegalArgumentException e) {
                err.println("disasm: " + (file == null ? "standard input" : file) + ": " + e.getMessage());
                return 2;
            }
            // objdump names the file exactly as it was given on the command line
            new ElfLister(elf, file == null ? "-" : file).print(out);
            out.flush();
            return 0;
        }
        return disassembleHex(new String(data, StandardCharsets.ISO_8859_1), base,
            file == null || file.equals("-") ? "standard input" : file, out, err);
    }

    private static int disassembleHex(String text, long base, String source, PrintStream out, PrintStream err) {
        // Validate everything first so that bad input produces no partial listing.
        int n = text.length();
        int count = 0;
        int[] words = new int[64];
        int line = 1;
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                i++;
                continue;
            }
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String token = text.substring(start, i);
            long w = parseHexWord(token);
            if (w < 0) {
                err.println("disasm: " + source + ":" + line + ": not a 32-bit hex word: '" + printable(token) + "'");
                return 2;
            }
            if (count == words.length) {
                words = java.util.Arrays.copyOf(words, count * 2);
            }
            words[count++] = (int) w;
        }
        Disassembler d = new Disassembler();
        StringBuilder sb = new StringBuilder(64);
        for (int k = 0; k < count; k++) {
            sb.setLength(0);
            d.append(sb, words[k], (int) (base + 4L * k));
            out.append(sb).append('\n');
        }
        out.flush();
        return 0;
    }

    /** Parses 1-8 hex digits with an optional 0x/0X prefix; -1 if malformed. */
    static long parseHexWord(String token) {
        String s = token;
        if (s.startsWith("0x") || s.startsWith("0X")) {
            s = s.substring(2);
        }
        if (s.isEmpty() || s.length() > 8) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = hexDigit(s.charAt(i));
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** Parses a 32-bit address: hex with 0x, or decimal; -1 if malformed or out of range. */
    static long parseAddress(String s) {
        try {
            long v;
            if (s.startsWith("0x") || s.startsWith("0X")) {
                if (s.length() == 2 || s.length() > 10) {
                    return -1;
                }
                v = 0;
                for (int i = 2; i < s.length(); i++) {
                    int d = hexDigit(s.charAt(i));
                    if (d < 0) {
                        return -1;
                    }
                    v = (v << 4) | d;
                }
            } else {
                if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return -1;
                }
                v = Long.parseLong(s);
            }
            return v >= 0 && v <= 0xFFFFFFFFL ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** ASCII-only hex digit value (Character.digit would also accept other scripts' digits). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static String printable(String token) {
        String t = token.length() > 40 ? token.substring(0, 40) + "..." : token;
        StringBuilder sb = new StringBuilder();
        for (char c : t.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return sb.toString();
    }

    private static int usage(PrintStream err, String message) {
        err.println("disasm: " + message);
        err.println(USAGE);
        return 2;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        return buf.toByteArray();
    }
}
