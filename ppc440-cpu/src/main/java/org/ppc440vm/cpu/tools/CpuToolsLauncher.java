package org.ppc440vm.cpu.tools;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.ppc440vm.cpu.disasm.DisasmTool;
import org.ppc440vm.cpu.spi.CpuFactory;
import org.ppc440vm.cpu.user.UserMode;
import org.ppc440vm.cpu.user.UserProcess;

/**
 * Serves the launcher's {@code user} and {@code disasm} subcommands (see org.ppc440vm.api.launch.LaunchContract):
 * when the options name one of them, runs it on a thread of its own with the process's real standard streams and
 * hands the exit status to the launcher. With no subcommand, or without a launcher at all (in a test framework), it
 * does nothing: every reference is optional, and static-greedy so that the launcher's services, which exist before
 * any bundle starts, are the ones bound.
 */
@Component(immediate = true)
public final class CpuToolsLauncher {
    static final String ROLE = "ppc440vm.launch.role";

    /** The launcher's options: a {@code Map<String, List<String>>} (bnd wants the raw type for a field reference). */
    @SuppressWarnings("rawtypes")
    @Reference(service = Map.class, cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + ROLE + "=options)")
    Map options;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + ROLE + "=stdout)")
    OutputStream stdout;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + ROLE + "=stdin)")
    InputStream stdin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + ROLE + "=exit)")
    IntConsumer exit;

    /** The core that runs user programs: the bundle's own interpreter, or whatever CpuFactory ranks highest. */
    @Reference(policyOption = ReferencePolicyOption.GREEDY)
    CpuFactory cpus;

    private Thread worker;
    private volatile UserProcess running;

    @Activate
    @SuppressWarnings("unchecked")
    void activate() {
        Map<String, List<String>> o = options;
        if (o == null || o.get("@subcommand") == null || o.get("@subcommand").isEmpty()) {
            return;
        }
        String subcommand = o.get("@subcommand").get(0);
        List<String> argList = o.getOrDefault("@args", List.of());
        String[] args = argList.toArray(new String[0]);
        OutputStream out = stdout != null ? stdout : System.out;
        InputStream in = stdin != null ? stdin : System.in;
        IntConsumer done = exit != null ? exit : status -> { };
        Runnable task;
        switch (subcommand) {
            case "user":
                task = () -> {
                    int status;
                    try {
                        // System.console() is non-null only when both stdin and stdout are the terminal.
                        status = UserMode.run(args, in, out, System.err, cpus, System.console() != null,
                                p -> running = p);
                    } catch (RuntimeException | Error e) {
                        System.err.println("ppc440vm: user: " + e);
                        e.printStackTrace();
                        status = 70;
                    }
                    flush(out);
                    done.accept(status);
                };
                break;
            case "disasm":
                task = () -> {
                    PrintStream ps = new PrintStream(out, false, StandardCharsets.UTF_8);
                    int status;
                    try {
                        status = DisasmTool.run(args, in, ps, System.err);
                    } catch (RuntimeException | Error e) {
                        System.err.println("ppc440vm: disasm: " + e);
                        status = 70;
                    }
                    ps.flush();
                    done.accept(status);
                };
                break;
            default:
                return; // another bundle's subcommand
        }
        worker = new Thread(task, "ppc440vm-" + subcommand);
        worker.start();
    }

    @Deactivate
    void deactivate() {
        UserProcess p = running;
        if (p != null) {
            p.requestStop();
        }
        Thread w = worker;
        if (w != null && w != Thread.currentThread()) {
            try {
                w.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void flush(OutputStream out) {
        try {
            out.flush();
        } catch (java.io.IOException ignored) {
            // the reader went away; the status still matters
        }
    }
}
