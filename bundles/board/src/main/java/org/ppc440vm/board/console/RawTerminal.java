package org.ppc440vm.board.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * Puts the terminal on the process's standard input into raw mode (every key reaches the guest at once, unechoed;
 * Ctrl-C goes to the guest, Ctrl-A x quits) and restores it afterwards, with {@code stty}, which we run with our own
 * stdin so that it acts on exactly the terminal we read. Output processing stays on, so our stderr lines still start
 * at the left margin. When stdin is not a terminal (a pipe, a file) nothing changes.
 */
public final class RawTerminal {
    private String saved;
    private Thread restoreHook;

    /** Switches to raw mode; false (and nothing changed) when stdin is not a terminal or stty is missing. */
    public synchronized boolean enter() {
        if (saved != null) {
            return true;
        }
        String settings = stty("-g");
        if (settings == null || settings.isBlank()) {
            return false;
        }
        if (stty("raw", "-echo", "opost") == null) {
            return false;
        }
        saved = settings.trim();
        restoreHook = new Thread(this::restore, "ppc440vm-restore-terminal");
        try {
            Runtime.getRuntime().addShutdownHook(restoreHook);
        } catch (IllegalStateException shuttingDown) {
            restoreHook = null;
        }
        return true;
    }

    /** Gives the terminal its settings back. Idempotent. */
    public synchronized void restore() {
        if (saved == null) {
            return;
        }
        stty(saved);
        saved = null;
        if (restoreHook != null && Thread.currentThread() != restoreHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(restoreHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run; nothing to undo
            }
        }
        restoreHook = null;
    }

    public synchronized boolean isRaw() {
        return saved != null;
    }

    /** Runs stty on our stdin; its output, or null when it failed (stdin is not a terminal). */
    private static String stty(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out.toString() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
