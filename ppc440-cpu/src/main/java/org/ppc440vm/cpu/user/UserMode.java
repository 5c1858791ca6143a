package org.ppc440vm.cpu.user;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.ppc440vm.cpu.spi.CpuFactory;

/**
 * {@code ppc440vm user [OPTIONS] PROGRAM [ARGS...]}: runs a static 32-bit PowerPC Linux program the way
 * {@code qemu-ppc} does, passing its stdin, stdout, stderr and exit status through. Everything this tool says itself
 * goes to stderr, prefixed "ppc440vm:".
 */
public final class UserMode {
    /** Exit status for a command line or program file that cannot be run. */
    public static final int STATUS_CANNOT_RUN = 2;

    static final String USAGE = String.join("\n",
            "usage: ppc440vm user [OPTIONS] [--] PROGRAM [ARGS...]",
            "Runs a static 32-bit big-endian PowerPC Linux ELF executable on the 440 interpreter.",
            "  -m MIB          guest RAM for the program's pages (default " + UserProcess.DEFAULT_RAM_MIB
                    + ", less if the Java heap is small)",
            "  -E NAME=VALUE   set an environment variable (repeatable)",
            "  -U NAME         unset an environment variable (repeatable)",
            "  -i              start with an empty environment (before -E)",
            "  -0 ARGV0        argv[0] (default: PROGRAM as given)",
            "  -seed N         seed AT_RANDOM and getrandom, for reproducible runs",
            "  -strace         trace system calls on stderr",
            "");

    private UserMode() {
    }

    /**
     * Parses {@code args} and runs the program; answers its exit status (or {@link #STATUS_CANNOT_RUN}).
     *
     * @param terminals whether stdin, stdout, stderr are terminals (e.g. from {@code System.console()})
     * @param started receives the process once it is loaded (so another thread may stop it); may be null
     */
    public static int run(String[] args, InputStream in, OutputStream out, OutputStream err, CpuFactory cpus,
            boolean terminals, Consumer<UserProcess> started) {
        PrintStream diag = new PrintStream(err, true, StandardCharsets.UTF_8);
        UserProcess.Config config = new UserProcess.Config();
        config.stdinTerminal = terminals;
        config.stdoutTerminal = terminals;
        config.stderrTerminal = terminals;
        Map<String, String> env = new TreeMap<>(System.getenv());
        int i = 0;
        try {
            for (; i < args.length && args[i].startsWith("-") && !args[i].equals("-"); i++) {
                String a = args[i];
                if (a.equals("--")) {
                    i++; // the program follows, even if its name starts with '-'
                    break;
                }
                switch (a) {
                    case "-h":
                    case "-help":
                    case "--help":
                        diag.print(USAGE);
                        return 0;
                    case "-m":
                        long mib = Long.parseLong(value(args, ++i, a));
                        if (mib < 1 || mib > 2047) {
                            throw new IllegalArgumentException("-m takes 1 to 2047 MiB, not " + mib);
                        }
                        config.ramBytes = (int) (mib << 20);
                        break;
                    case "-E": {
                        String kv = value(args, ++i, a);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("-E takes NAME=VALUE, not '" + kv + "'");
                        }
                        env.put(kv.substring(0, eq), kv.substring(eq + 1));
                        break;
                    }
                    case "-U":
                        env.remove(value(args, ++i, a));
                        break;
                    case "-i":
                        env.clear();
                        break;
                    case "-0":
                        config.argv0 = value(args, ++i, a);
                        break;
                    case "-seed":
                        config.randomSeed = Long.parseLong(value(args, ++i, a));
                        break;
                    case "-strace":
                        config.strace = true;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            diag.println("ppc440vm: user: " + (e instanceof NumberFormatException ? "not a number: " : "")
                    + e.getMessage());
            diag.print(USAGE);
            return STATUS_CANNOT_RUN;
        }
        if (i >= args.length) {
            diag.println("ppc440vm: user: no program given");
            diag.print(USAGE);
            return STATUS_CANNOT_RUN;
        }
        List<String> environment = new ArrayList<>();
        env.forEach((k, v) -> environment.add(k + "=" + v));
        config.environment = environment;
        return run(Paths.get(args[i]), Arrays.asList(args).subList(i + 1, args.length), config, in, out, err,
                cpus, started);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option " + option + " needs a value");
        }
        return args[i];
    }

    /** Loads and runs {@code program}; answers its exit status, or {@link #STATUS_CANNOT_RUN} naming the problem. */
    public static int run(Path program, List<String> args, UserProcess.Config config, InputStream in,
            OutputStream out, OutputStream err, CpuFactory cpus, Consumer<UserProcess> started) {
        PrintStream diag = new PrintStream(err, true, StandardCharsets.UTF_8);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(program);
        } catch (NoSuchFileException e) {
            diag.println("ppc440vm: user: " + program + ": no such file");
            return STATUS_CANNOT_RUN;
        } catch (IOException | OutOfMemoryError e) {
            diag.println("ppc440vm: user: cannot read " + program + ": " + e);
            return STATUS_CANNOT_RUN;
        }
        UserProcess p;
        try {
            p = UserProcess.load(bytes, program, args, config, cpus, in, out, err);
        } catch (ElfFormatException e) {
            diag.println("ppc440vm: user: " + program + ": " + e.getMessage());
            return STATUS_CANNOT_RUN;
        } catch (IllegalStateException e) {
            diag.println("ppc440vm: user: " + program + ": " + e.getMessage());
            return STATUS_CANNOT_RUN;
        } catch (OutOfMemoryError e) {
            diag.println("ppc440vm: user: cannot allocate " + (config.ramBytes >> 20) + " MiB of guest RAM in this "
                    + "JVM (maximum heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): use -m with less, "
                    + "or give Java more heap with -Xmx");
            return STATUS_CANNOT_RUN;
        }
        if (started != null) {
            started.accept(p);
        }
        return p.run();
    }
}
