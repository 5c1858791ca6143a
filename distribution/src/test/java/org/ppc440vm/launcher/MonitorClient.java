package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A client of {@code -monitor tcp:...}: sends a command line, answers its output (up to the next prompt). */
final class MonitorClient implements AutoCloseable {
    static final String PROMPT = "g! ";
    private static final Pattern LISTENING = Pattern.compile("monitor listening on tcp:127\\.0\\.0\\.1:(\\d+)");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    MonitorClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(120_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        String greeting = readPrompt();
        assertTrue(greeting.equals(PROMPT), "the monitor greets with its prompt, got '" + greeting + "'");
    }

    /** Waits for the launcher's "monitor listening on" line and answers the port (the test asks for port 0). */
    static int port(RuntimeIT.Launched l, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Matcher m = LISTENING.matcher(l.err());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            assertTrue(System.nanoTime() < deadline, "no monitor within " + seconds + " s; stderr:\n" + l.err());
            Thread.sleep(50);
        }
    }

    /** Runs one command; answers its output without the trailing prompt. */
    String run(String command) throws IOException {
        out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String s = readPrompt();
        return s.substring(0, s.length() - PROMPT.length());
    }

    private String readPrompt() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] end = PROMPT.getBytes(StandardCharsets.UTF_8);
        try {
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("the monitor closed the connection; so far: " + b);
                }
                b.write(c);
                byte[] a = b.toByteArray();
                if (a.length >= end.length && a[a.length - 1] == end[2] && a[a.length - 2] == end[1]
                        && a[a.length - 3] == end[0]) {
                    return b.toString(StandardCharsets.UTF_8);
                }
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("no prompt from the monitor; so far: " + b, e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
