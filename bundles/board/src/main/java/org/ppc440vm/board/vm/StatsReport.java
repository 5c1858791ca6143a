package org.ppc440vm.board.vm;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.vm.VmStatistics;
import org.ppc440vm.board.machine.Board;
import org.ppc440vm.kvm.spi.VirtualCpu;

/** The {@code -stats} table, printed to stderr at the end of a run: where the guest's time went, like kvm_stat. */
final class StatsReport {

    private StatsReport() {
    }

    static void print(PrintStream out, String vmName, BoardStatistics stats, VirtualCpu vcpu, Board board,
            double seconds) {
        StringBuilder b = new StringBuilder();
        try {
            format(b, vmName, stats, vcpu, seconds);
        } catch (RuntimeException e) {
            b.append("ppc440vm: statistics unavailable: ").append(e).append('\n');
        }
        out.print(b);
        out.flush();
    }

    static void format(StringBuilder b, String vmName, VmStatistics stats, VirtualCpu vcpu, double seconds) {
        long instructions = stats.instructions();
        b.append(String.format("%n==== ppc440vm statistics (%s) ====%n", vmName));
        b.append(String.format("%,d guest instructions in %.3f s (%.1f MIPS)%n", instructions, seconds,
                seconds > 0 ? instructions / seconds / 1e6 : 0.0));
        b.append(String.format("%-24s %14s %12s %10s%n", "exit reason", "count", "host ms", "avg ns"));
        long totalExits = 0;
        long totalNanos = 0;
        for (ExitReason r : ExitReason.values()) {
            long n = stats.exits(r);
            if (n == 0) {
                continue;
            }
            long ns = stats.exitNanos(r);
            totalExits += n;
            totalNanos += ns;
            b.append(String.format("%-24s %,14d %12.1f %,10d%n", r.name(), n, ns / 1e6, ns / n));
        }
        b.append(String.format("%-24s %,14d %12.1f%n", "total", totalExits, totalNanos / 1e6));
        Map<String, Long> counters = stats.counters();
        if (!counters.isEmpty()) {
            b.append(String.format("%-40s %14s%n", "counter", "value"));
            for (Map.Entry<String, Long> e : counters.entrySet()) {
                if (e.getValue() != 0) {
                    b.append(String.format("%-40s %,14d%n", e.getKey(), e.getValue()));
                }
            }
        }
        List<String> hottest = vcpu.hottestTraps(10);
        if (hottest != null && !hottest.isEmpty()) {
            b.append("hottest trapping instructions:\n");
            for (String h : hottest) {
                b.append("  ").append(h).append('\n');
            }
        }
    }
}
