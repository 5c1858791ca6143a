package org.ppc440vm.kvm.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.ppc440vm.api.exit.ExitReason;

/**
 * Which exit handler served each exit of one vCPU: a count per handler-table entry (indexed by the entry's id) and
 * one per reason for the built-in handler. The dispatcher is shared by every vCPU of the runtime, so the counts live
 * with the vCPU (in its statistics) and the dispatcher only says which slot to bump.
 *
 * <p>Entry ids are handed out once per registration and never reused, so a handler that was removed keeps its
 * count under its own name ("the replacement served 1234 system calls, then the built-in took over again"), and a
 * table rebuild (another handler arriving) does not move anyone's count.
 *
 * <p>Only the vCPU thread writes; any thread reads. Opaque accesses, as in the vCPU's other statistics: a plain
 * store for the writer, whole values for a reader. Nothing is allocated per exit: the array grows only the first
 * time a newly registered handler serves.
 */
public final class HandlerCounts {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final ExitReason[] REASONS = ExitReason.values();

    /** Counter name of every entry id ever handed out ("handler.system_call.com.x.Handler (bundle b, ranking 10)"). */
    private static volatile String[] names = new String[0];
    private static int nextId;

    private volatile long[] served = new long[16];
    private final long[] builtIn = new long[REASONS.length];

    /** A new entry id for a handler of {@code reason} described as {@code description}. */
    static synchronized int register(ExitReason reason, String description) {
        int id = nextId++;
        String[] n = Arrays.copyOf(names, Math.max(id + 1, names.length));
        n[id] = counterName(reason, description);
        names = n;
        return id;
    }

    /** "handler.&lt;reason&gt;.&lt;handler&gt;", the reason in lower case as the exit table prints it. */
    static String counterName(ExitReason reason, String handler) {
        return "handler." + reason.name().toLowerCase() + "." + handler;
    }

    /** The name under which the built-in handler's count of {@code reason} appears. */
    public static String builtInName(ExitReason reason) {
        return counterName(reason, "built-in");
    }

    /** The registered handler with entry {@code id} served an exit. */
    void served(int id) {
        long[] a = served;
        if (id >= a.length) {
            // A handler registered after this array was sized serves for the first time: grow once.
            a = Arrays.copyOf(a, Math.max(id + 1, a.length * 2));
            served = a;
        }
        LONGS.setOpaque(a, id, (long) LONGS.getOpaque(a, id) + 1);
    }

    /** The built-in handler served an exit of the reason with ordinal {@code reason}. */
    void builtIn(int reason) {
        LONGS.setOpaque(builtIn, reason, (long) LONGS.getOpaque(builtIn, reason) + 1);
    }

    /** Exits of {@code reason} the built-in handler served. */
    public long builtIn(ExitReason reason) {
        return (long) LONGS.getOpaque(builtIn, reason.ordinal());
    }

    /**
     * Every non-zero count, as counter name to count: the registered handlers (also removed ones) in registration
     * order, then the built-in handler per reason.
     */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        long[] a = served;
        String[] n = names;
        for (int id = 0; id < a.length && id < n.length; id++) {
            long c = (long) LONGS.getOpaque(a, id);
            if (c != 0) {
                m.merge(n[id], c, Long::sum); // two registrations may describe themselves alike
            }
        }
        for (ExitReason r : REASONS) {
            long c = builtIn(r);
            if (c != 0) {
                m.put(builtInName(r), c);
            }
        }
        return m;
    }
}
