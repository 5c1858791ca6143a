package org.ppc440vm.launcher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The QEMU-style command line of {@code ./ppc440vm}: every option, whether it takes a value, and its help text.
 * Parsing never starts the framework, so {@code --help}, {@code --version} and errors answer at once.
 */
final class CommandLine {

    /** Thrown for a command line we cannot run; the launcher prints the message and exits with status 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** One option: name without the dash, its value's placeholder (null for a flag), whether it repeats, help. */
    static final class Option {
        final String name;
        final String value;
        final boolean repeats;
        final String help;

        Option(String name, String value, boolean repeats, String help) {
            this.name = name;
            this.value = value;
            this.repeats = repeats;
            this.help = help;
        }
    }

    static final List<Option> OPTIONS = List.of(
            new Option("M", "MACHINE[,strict-bus=on]", false, "machine: bamboo (the default) or none (runtime only, no VM); help lists them"),
            new Option("m", "MB", false, "guest RAM in MiB (default 256)"),
            new Option("kernel", "FILE", false, "guest kernel: ELF (vmlinux or a bare-metal program), uImage or raw"),
            new Option("initrd", "FILE", false, "initial ramdisk, loaded at 0x01900000 and named in /chosen"),
            new Option("append", "CMDLINE", false, "kernel command line (/chosen/bootargs)"),
            new Option("dtb", "FILE", false, "use this device-tree blob (its /chosen and /memory are patched)"),
            new Option("drive", "file=IMG,if=virtio,format=raw[,readonly=on]", true, "a virtio-blk disk"),
            new Option("netdev", "user,id=ID[,hostfwd=...]|socket,id=ID,udp=H:P,localaddr=H:P", true, "a network backend"),
            new Option("device", "virtio-net,netdev=ID[,mac=52:54:00:...]", true, "a device"),
            new Option("object", "filter-dump,id=ID,netdev=NETDEV,file=F.pcap", true, "record a netdev's frames"),
            new Option("nographic", null, false, "no display: the console is on stdio (always so here)"),
            new Option("serial", "stdio|tcp:HOST:PORT", false, "where the guest's UART0 goes (default stdio)"),
            new Option("monitor", "stdio|none|tcp:127.0.0.1:PORT[,server=on,wait=off]", false,
                    "the runtime's Gogo shell (vm:list, vm:stop, lb, ...): stdio gives it the terminal; tcp serves a"
                    + " session per connection on a loopback port (prompt 'g! '); C-a c reaches it from the console"),
            new Option("loadvm", "FILE", false, "start from this snapshot (vm:snapshot FILE) instead of booting"),
            new Option("no-reboot", null, false, "exit instead of rebooting when the guest resets"),
            new Option("icount", "N|auto", false, "deterministic time base driven by instructions retired"),
            new Option("stats", null, false, "print exit statistics at the end of the run (to stderr)"),
            new Option("d", "ITEM[,ITEM...]", false, "debug checks, e.g. tlb-check"),
            new Option("cache", "DIR", false, "Felix cache directory (default: a fresh temporary one)"),
            new Option("deploy", "DIR", false, "hot-deploy folder watched for bundles (default ./deploy)"));

    /** Subcommands, which take the rest of the command line as their own arguments. */
    static final Map<String, String> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("user", "user PROGRAM.elf [ARGS...]   run a static 32-bit PowerPC Linux program (like qemu-ppc)");
        SUBCOMMANDS.put("disasm", "disasm [--base ADDR] [FILE|-]   disassemble hex words (or an ELF) like objdump -M 440");
    }

    /** Parsed options: key without dash → values in order. Flags map to an empty-string value. */
    final Map<String, List<String>> options = new LinkedHashMap<>();
    /** Option names in command-line order, one per occurrence (the map above loses the order across options). */
    final List<String> order = new ArrayList<>();
    String subcommand;
    final List<String> subcommandArgs = new ArrayList<>();
    boolean help;
    boolean version;

    static CommandLine parse(String[] args) throws UsageException {
        CommandLine c = new CommandLine();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i == 0 && SUBCOMMANDS.containsKey(a)) {
                c.subcommand = a;
                for (int j = 1; j < args.length; j++) {
                    c.subcommandArgs.add(args[j]);
                }
                return c;
            }
            if (a.equals("--help") || a.equals("-help") || a.equals("-h")) {
                c.help = true;
                continue;
            }
            if (a.equals("--version") || a.equals("-version")) {
                c.version = true;
                continue;
            }
            if (!a.startsWith("-") || a.length() < 2) {
                throw new UsageException("unexpected argument '" + a + "' (options start with '-'; subcommands "
                        + String.join(", ", SUBCOMMANDS.keySet()) + " come first)");
            }
            String name = a.startsWith("--") ? a.substring(2) : a.substring(1);
            Option o = find(name);
            if (o == null) {
                throw new UsageException("unknown option '" + a + "'");
            }
            String value = "";
            if (o.value != null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("option '" + a + "' needs a value: -" + o.name + " " + o.value);
                }
                value = args[++i];
            }
            List<String> values = c.options.computeIfAbsent(o.name, k -> new ArrayList<>());
            if (!o.repeats && !values.isEmpty()) {
                throw new UsageException("option '-" + o.name + "' given twice");
            }
            values.add(value);
            c.order.add(o.name);
        }
        if (c.has("monitor")) {
            checkMonitor(c.value("monitor"));
        }
        if (c.has("loadvm") && c.value("loadvm").isEmpty()) {
            throw new UsageException("-loadvm needs a file name");
        }
        return c;
    }

    /**
     * {@code -monitor}: stdio, none, or a listening TCP server on a loopback address (QEMU's
     * {@code tcp:HOST:PORT,server=on,wait=off}; the monitor is the runtime's whole shell, so never beyond loopback).
     * The board reads the value again; this check makes a mistake fail before the framework starts.
     */
    static void checkMonitor(String spec) throws UsageException {
        if (spec.equals("stdio") || spec.equals("none")) {
            return;
        }
        if (!spec.startsWith("tcp:")) {
            throw new UsageException("-monitor " + spec + ": expected stdio, none or tcp:127.0.0.1:PORT");
        }
        String[] parts = spec.substring(4).split(",");
        int colon = parts[0].lastIndexOf(':');
        if (colon < 0) {
            throw new UsageException("-monitor " + spec + ": expected tcp:HOST:PORT");
        }
        String host = parts[0].substring(0, colon).replace("[", "").replace("]", "");
        String port = parts[0].substring(colon + 1);
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new UsageException("-monitor " + spec + ": bad port '" + port + "'");
        }
        if (!(host.isEmpty() || host.equals("localhost") || host.equals("::1") || host.matches("127(\\.\\d{1,3}){3}"))) {
            throw new UsageException("-monitor " + spec + ": the monitor listens on loopback addresses only (such as"
                    + " 127.0.0.1): it is the runtime's whole shell");
        }
        for (int i = 1; i < parts.length; i++) {
            switch (parts[i].trim()) {
                case "server": case "server=on": case "nowait": case "wait=off":
                    break;
                case "wait": case "wait=on":
                    throw new UsageException("-monitor " + spec + ": wait=on is not supported (the runtime starts at"
                            + " once and a client may connect at any time)");
                default:
                    throw new UsageException("-monitor " + spec + ": unsupported option '" + parts[i] + "' (use"
                            + " server=on,wait=off)");
            }
        }
    }

    private static Option find(String name) {
        for (Option o : OPTIONS) {
            if (o.name.equals(name)) {
                return o;
            }
        }
        return null;
    }

    String value(String name) {
        List<String> v = options.get(name);
        return v == null ? null : v.get(0);
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    static String help() {
        StringBuilder b = new StringBuilder();
        b.append("usage: ppc440vm [options]            boot a guest on the PowerPC 440 platform\n");
        for (String s : SUBCOMMANDS.values()) {
            b.append("       ppc440vm ").append(s).append('\n');
        }
        b.append("       ppc440vm --version | --help\n\noptions:\n");
        for (Option o : OPTIONS) {
            String left = "  -" + o.name + (o.value == null ? "" : " " + o.value);
            b.append(left);
            b.append(left.length() < 34 ? " ".repeat(34 - left.length()) : "\n" + " ".repeat(34));
            b.append(o.help).append(o.repeats ? " (repeatable)" : "").append('\n');
        }
        b.append("\nThe guest's console is stdout/stdin; the runtime's own messages go to stderr.\n");
        b.append("Environment: JAVA_HOME selects the JDK (17 or newer); PPC440VM_JAVA_OPTS adds JVM options.\n");
        return b.toString();
    }
}
