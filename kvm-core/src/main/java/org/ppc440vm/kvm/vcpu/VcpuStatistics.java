package org.ppc440vm.kvm.vcpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.Map;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.vm.VmStatistics;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.kvm.dispatch.HandlerCounts;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * The counters of one vCPU, like kvm_stat and KVM's exit timing: exits per reason and the host time spent handling
 * them, and counts and times per emulated instruction or delivered interrupt ({@code mtspr}, {@code rfi}, {@code dec},
 * ...), merged with the MMU's counters ({@code itlb_virtual}, {@code dtlb_real}, {@code isi}, ...), and which exit
 * handler served the exits ({@code handler.<reason>.<handler>}, {@code handler.<reason>.built-in}).
 *
 * <p>Counts are exact. Times are host nanoseconds estimated from sampled exits: the vCPU times about one exit in
 * 16 (reading the host clock costs as much as a short exit) and weights each sample by the exits it stands for.
 * A sample that took implausibly long (see {@link #TIMING_OUTLIERS}) counts only its own time, once: weighted, one
 * descheduling of the vCPU thread on a busy host would add tens of milliseconds to a reason whose exits cost tens of
 * nanoseconds.
 *
 * <p>Only the vCPU thread writes; any thread may read. Writes and reads are opaque accesses, so a reader sees
 * whole values that lag by at most a few events, and the writer pays nothing more than a plain store.
 */
final class VcpuStatistics implements VmStatistics {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    // ---- named events (emulated instructions, delivered interrupts) ----
    static final int MFMSR = 0;
    static final int MTMSR = 1;
    static final int WRTEE = 2;
    static final int RFI = 3;
    static final int RFCI = 4;
    static final int RFMCI = 5;
    static final int MFSPR = 6;
    static final int MTSPR = 7;
    static final int TLBWE = 8;
    static final int TLBRE = 9;
    static final int TLBSX = 10;
    static final int TLBSYNC = 11;
    static final int CACHE = 12;
    static final int DCR = 13;
    static final int MMIO = 14;
    static final int PRIVILEGED_IN_USER = 15;
    static final int ILLEGAL = 16;
    static final int PROGRAM = 17;
    static final int SYSCALL = 18;
    static final int FP_UNAVAILABLE = 19;
    static final int ALIGNMENT = 20;
    static final int ITLB_MISS = 21;
    static final int DTLB_MISS = 22;
    static final int STORAGE = 23;
    static final int DEC = 24;
    static final int FIT = 25;
    static final int WATCHDOG = 26;
    static final int EXT_INTR = 27;
    static final int CRIT_INTR = 28;
    static final int HALT = 29;
    static final int HALT_WAKEUP = 30;
    static final int OTHER = 31;
    /**
     * Sampled exits that took longer than {@code Vcpu440.OUTLIER_NANOS}: on a shared host, almost always a thread
     * descheduled (or a GC pause) in the middle of the exit. They are counted once, not extrapolated.
     */
    static final int TIMING_OUTLIERS = 32;

    static final String[] NAMES = {"mfmsr", "mtmsr", "wrtee", "rfi", "rfci", "rfmci", "mfspr", "mtspr", "tlbwe",
        "tlbre", "tlbsx", "tlbsync", "cache_op", "dcr", "mmio", "priv_in_user", "emul_illegal", "program",
        "syscall", "fp_unavail", "alignment", "itlb_miss_delivered", "dtlb_miss_delivered", "storage_delivered",
        "dec", "fit", "watchdog", "ext_intr", "crit_intr", "halt", "halt_wakeup", "other",
        "exit_timing_outliers"};

    private static final int REASONS = ExitReason.values().length;

    private final CpuState state;
    private final Mmu440 mmu;
    private final long[] exitCount = new long[REASONS];
    private final long[] exitNanos = new long[REASONS];
    private final long[] eventCount = new long[NAMES.length];
    private final long[] eventNanos = new long[NAMES.length];
    /** Which exit handler served each exit (the whiteboard's entries and the built-in one), for the counters. */
    final HandlerCounts handlers = new HandlerCounts();

    VcpuStatistics(CpuState state, Mmu440 mmu) {
        this.state = state;
        this.mmu = mmu;
    }

    private static void add(long[] a, int i, long delta) {
        LONGS.setOpaque(a, i, (long) LONGS.getOpaque(a, i) + delta);
    }

    private static long get(long[] a, int i) {
        return (long) LONGS.getOpaque(a, i);
    }

    /** One exit of {@code reason} that took {@code nanos}. */
    void exit(ExitReason reason, long nanos) {
        add(exitCount, reason.ordinal(), 1);
        add(exitNanos, reason.ordinal(), nanos);
    }

    /** One exit of {@code reason}, counted as event {@code id}, not timed. */
    void count(ExitReason reason, int id) {
        add(exitCount, reason.ordinal(), 1);
        add(eventCount, id, 1);
    }

    /** One event {@code id} (a {@code VcpuStatistics} constant) that took {@code nanos}. */
    void event(int id, long nanos) {
        add(eventCount, id, 1);
        add(eventNanos, id, nanos);
    }

    long eventCount(int id) {
        return get(eventCount, id);
    }

    long eventNanos(int id) {
        return get(eventNanos, id);
    }

    @Override
    public long instructions() {
        return state.instructions;
    }

    @Override
    public long exits(ExitReason reason) {
        return get(exitCount, reason.ordinal());
    }

    @Override
    public long exitNanos(ExitReason reason) {
        return get(exitNanos, reason.ordinal());
    }

    /** The events, then the MMU's counters (the events win a name both use). */
    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            m.put(NAMES[i], get(eventCount, i));
        }
        for (Map.Entry<String, Long> e : mmu.counters().entrySet()) {
            m.putIfAbsent(e.getKey(), e.getValue());
        }
        m.putAll(handlers.counters()); // "handler.<reason>.<handler>": only the non-zero ones
        return m;
    }

    /** Host nanoseconds spent per named event, in the order of {@link #counters()} (events only). */
    Map<String, Long> counterNanos() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            m.put(NAMES[i], get(eventNanos, i));
        }
        return m;
    }

    /**
     * The kvm_stat-like table the board prints with {@code -stats}: exits per reason with their count, total and
     * average time, then every non-zero named counter (with its time when it has one).
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("instructions retired: %d (times: sampled estimates)%n", instructions()));
        sb.append(String.format("%-24s %14s %12s %10s%n", "exit reason", "count", "total ms", "avg ns"));
        for (ExitReason r : ExitReason.values()) {
            long n = exits(r);
            if (n != 0) {
                long ns = exitNanos(r);
                sb.append(String.format("%-24s %14d %12.3f %10d%n", r.name().toLowerCase(), n, ns / 1e6, ns / n));
            }
        }
        sb.append(String.format("%-24s %14s %12s %10s%n", "counter", "count", "total ms", "avg ns"));
        Map<String, Long> nanos = counterNanos();
        counters().forEach((name, n) -> {
            if (n != 0) {
                Long ns = nanos.get(name);
                if (ns != null && ns != 0) {
                    sb.append(String.format("%-24s %14d %12.3f %10d%n", name, n, ns / 1e6, ns / n));
                } else {
                    sb.append(String.format("%-24s %14d%n", name, n));
                }
            }
        });
        return sb.toString();
    }
}
