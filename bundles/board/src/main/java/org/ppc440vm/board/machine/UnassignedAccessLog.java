package org.ppc440vm.board.machine;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Warns about accesses nobody answers, once per address: a kernel that probes an absent device would otherwise fill
 * the log. After {@value #MAX_ADDRESSES} distinct addresses it says so once and goes quiet. Callers ask
 * {@link #isNew} first and build their message only then, so a repeated access costs a set look-up, not a format.
 */
final class UnassignedAccessLog {
    static final int MAX_ADDRESSES = 64;

    private final String what;
    private final Consumer<String> warn;
    private final Set<Long> seen = new HashSet<>();
    private boolean saturated;

    UnassignedAccessLog(String what, Consumer<String> warn) {
        this.what = what;
        this.warn = warn;
    }

    /** True the first time an address is reported (the caller then calls {@link #warn}). */
    synchronized boolean isNew(long address) {
        if (saturated || seen.contains(address)) {
            return false;
        }
        seen.add(address);
        if (seen.size() > MAX_ADDRESSES) {
            saturated = true;
            warn.accept("more than " + MAX_ADDRESSES + " unassigned " + what
                    + " addresses accessed; no further ones are reported");
            return false;
        }
        return true;
    }

    void warn(String message) {
        warn.accept(message);
    }
}
