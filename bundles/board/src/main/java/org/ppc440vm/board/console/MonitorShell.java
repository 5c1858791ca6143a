package org.ppc440vm.board.console;

import java.io.PrintStream;

/**
 * The monitor that Ctrl-A c switches the console to: the runtime's command shell (Gogo, through
 * {@code GogoMonitorShell}), as QEMU switches to its monitor. A service inside the board bundle, present only when
 * a shell is.
 */
public interface MonitorShell {

    /** A session whose output (and command results) go to {@code out}. */
    Session open(PrintStream out);

    interface Session extends AutoCloseable {
        /** Runs one command line; results and errors are printed to the session's output. */
        void execute(String line);

        String prompt();

        @Override
        void close();
    }
}
