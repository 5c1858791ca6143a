package org.ppc440vm.board.vm;

import java.lang.management.ManagementFactory;

/**
 * The board's half of the launcher's start-up trace (-Dppc440vm.trace.startup=true or PPC440VM_TRACE_STARTUP=1):
 * milliseconds since the JVM started at each phase of building and starting a VM, on stderr, in the launcher's
 * format, so the time before the first guest instruction can be split into Felix, RAM, image loading and so on.
 */
final class StartupTrace {
    static final boolean ENABLED = Boolean.getBoolean("ppc440vm.trace.startup")
            || System.getenv("PPC440VM_TRACE_STARTUP") != null;

    private StartupTrace() {
    }

    static void phase(String phase) {
        if (ENABLED) {
            long start = ManagementFactory.getRuntimeMXBean().getStartTime();
            System.err.println("ppc440vm startup: " + (System.currentTimeMillis() - start) + " ms " + phase);
        }
    }
}
