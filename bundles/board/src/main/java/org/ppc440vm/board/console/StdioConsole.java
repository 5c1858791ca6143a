package org.ppc440vm.board.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The console on the process's standard streams ({@code -nographic}, {@code -serial stdio}): the guest's output to
 * stdout, the user's typing to the guest, the terminal in raw mode while it runs, and the escape key (Ctrl-A x quits,
 * Ctrl-A c switches to the monitor and back, Ctrl-A Ctrl-A sends Ctrl-A). Input is read on a thread of its own; the
 * vCPU never waits for it.
 */
public final class StdioConsole extends Console {
    private final OutputPump pump;
    private final InputStream in;
    private final RawTerminal terminal;
    private final Supplier<MonitorShell> monitors;
    private final Runnable quit;
    private final EscapeDecoder escape;
    private final PrintStream monitorOut;

    // reader-thread state
    private final byte[] toGuest = new byte[4096];
    private int toGuestCount;
    private final StringBuilder line = new StringBuilder();
    private MonitorShell.Session session;

    private volatile boolean monitorMode;
    private volatile boolean closed;
    /** After C-a x nothing more reaches the guest. */
    private volatile boolean quitting;

    /**
     * @param out the process's real stdout
     * @param in the process's stdin, or null for no input
     * @param terminal the terminal to put into raw mode, or null to leave it alone
     * @param monitors the monitor shell, if one is available now (may answer null)
     * @param quit what Ctrl-A x does (end the run with status 0)
     */
    public StdioConsole(OutputStream out, InputStream in, RawTerminal terminal, Supplier<MonitorShell> monitors,
            Runnable quit) {
        this.pump = new OutputPump("ppc440vm-console-out", OutputPump.of(out));
        this.in = in;
        this.terminal = terminal;
        this.monitors = monitors;
        this.quit = quit;
        this.escape = new EscapeDecoder(new EscapeDecoder.Sink() {
            @Override
            public void passThrough(byte b) {
                if (monitorMode) {
                    monitorKey(b);
                } else {
                    queueForGuest(b);
                }
            }

            @Override
            public void command(int key) {
                escapeCommand(key);
            }
        });
        this.monitorOut = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                pump.put((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                pump.put(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
    }

    @Override
    public void transmit(byte b) {
        pump.put(b);
    }

    @Override
    public void start() {
        if (terminal != null) {
            terminal.enter();
        }
        if (in != null) {
            Thread reader = new Thread(this::readLoop, "ppc440vm-console-in");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** True while the monitor has the console. */
    public boolean inMonitor() {
        return monitorMode;
    }

    private void readLoop() {
        byte[] buf = new byte[1024];
        try {
            while (!closed && !quitting) {
                int n = in.read(buf);
                if (n < 0) {
                    return; // EOF: the guest simply gets no more input
                }
                for (int i = 0; i < n && !closed && !quitting; i++) {
                    escape.accept(buf[i]);
                }
                flushToGuest();
            }
        } catch (IOException e) {
            if (!closed) {
                System.err.println("ppc440vm: console input: " + e.getMessage());
            }
        }
    }

    private void queueForGuest(byte b) {
        if (toGuestCount == toGuest.length) {
            flushToGuest();
        }
        toGuest[toGuestCount++] = b;
    }

    private void flushToGuest() {
        if (toGuestCount > 0) {
            int n = toGuestCount;
            toGuestCount = 0;
            deliver(toGuest, 0, n);
        }
    }

    private void escapeCommand(int key) {
        switch (key) {
            case 'x':
            case 'X':
                flushToGuest();
                quitting = true;
                message("\r\nppc440vm: terminated (C-a x)\r\n");
                quit.run();
                break;
            case 'c':
            case 'C':
                flushToGuest();
                toggleMonitor();
                break;
            case 'h':
            case 'H':
            case '?':
                message("\r\n" + EscapeDecoder.help());
                break;
            default:
                break; // unknown escape: ignored, as QEMU does
        }
    }

    private void toggleMonitor() {
        if (monitorMode) {
            monitorMode = false;
            closeSession();
            message("\r\n[back to the guest console]\r\n");
            return;
        }
        MonitorShell shell = monitors == null ? null : monitors.get();
        if (shell == null) {
            message("\r\n[no monitor: the Gogo shell runtime is not running]\r\n");
            return;
        }
        session = shell.open(monitorOut);
        line.setLength(0);
        monitorMode = true;
        message("\r\n[monitor: the runtime's Gogo shell ('help' lists commands, 'vm:stats' for the guest);"
                + " C-a c goes back to the guest]\r\n" + session.prompt());
    }

    private void monitorKey(byte b) {
        int c = b & 0xFF;
        if (c == '\r' || c == '\n') {
            message("\r\n");
            String command = line.toString().trim();
            line.setLength(0);
            if (!command.isEmpty()) {
                session.execute(command);
            }
            if (monitorMode) {
                message(session.prompt());
            }
        } else if (c == 0x7F || c == 0x08) {
            if (line.length() > 0) {
                line.setLength(line.length() - 1);
                message("\b \b");
            }
        } else if (c == 0x03 || c == 0x15) { // Ctrl-C, Ctrl-U: drop the line
            line.setLength(0);
            message("^C\r\n" + session.prompt());
        } else if (c >= 0x20 && c < 0x7F) {
            line.append((char) c);
            pump.put(b);
        }
    }

    private void closeSession() {
        MonitorShell.Session s = session;
        session = null;
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // a shell that fails to close takes nothing of ours with it
            }
        }
    }

    private void message(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        pump.put(b, 0, b.length);
    }

    @Override
    public void flush() {
        pump.drain(2000);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        monitorMode = false;
        pump.close();
        if (terminal != null) {
            terminal.restore();
        }
    }
}
