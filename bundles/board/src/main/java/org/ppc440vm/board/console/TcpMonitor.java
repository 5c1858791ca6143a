package org.ppc440vm.board.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code -monitor tcp:127.0.0.1:PORT}: the runtime's shell on a TCP server. Each connection gets a session of its own:
 * the prompt {@code "g! "} at once, then for every line received the command's output followed by the prompt again.
 * Sessions run on threads of their own and never touch a vCPU thread; a client that goes away ends its session only.
 */
public final class TcpMonitor implements AutoCloseable {
    public static final String PROMPT = "g! ";

    private final MonitorAddress address;
    private final Supplier<MonitorShell> shells;
    private final Consumer<String> log;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private ServerSocket server;
    private Thread acceptor;
    private volatile boolean closed;

    /**
     * @param shells the shell, when one is there now (may answer null: the client is told so)
     * @param log where connection problems are reported (the runtime's stderr)
     */
    public TcpMonitor(MonitorAddress address, Supplier<MonitorShell> shells, Consumer<String> log) {
        this.address = address;
        this.shells = shells;
        this.log = log;
    }

    /** Binds the server (failing with the reason if the address is taken) and starts accepting; answers the port. */
    public synchronized int start() throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(address.host), address.port), 8);
        } catch (IOException e) {
            s.close();
            throw new IOException("-monitor tcp:" + address + ": cannot listen: " + e.getMessage(), e);
        }
        server = s;
        acceptor = new Thread(this::acceptLoop, "ppc440vm-monitor-tcp");
        acceptor.setDaemon(true);
        acceptor.start();
        return s.getLocalPort();
    }

    private void acceptLoop() {
        ServerSocket s = server;
        int n = 0;
        while (!closed) {
            Socket c;
            try {
                c = s.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.accept("monitor: accept failed: " + e.getMessage());
                }
                return;
            }
            clients.add(c);
            Thread t = new Thread(() -> serve(c), "ppc440vm-monitor-session-" + (++n));
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket c) {
        MonitorShell.Session session = null;
        try (c) {
            c.setTcpNoDelay(true);
            OutputStream raw = c.getOutputStream();
            PrintStream out = new PrintStream(raw, true, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
            out.print(PROMPT);
            out.flush();
            for (String line; (line = in.readLine()) != null;) {
                String command = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                if (!command.isBlank()) {
                    if (session == null) {
                        MonitorShell shell = shells.get();
                        if (shell != null) {
                            session = shell.open(out);
                        }
                    }
                    if (session == null) {
                        out.println("the monitor needs the Gogo shell (org.apache.felix.gogo.runtime), which is not"
                                + " running");
                    } else {
                        session.execute(command);
                    }
                }
                out.print(PROMPT);
                out.flush();
            }
        } catch (SocketException e) {
            // the client went away, or close() closed its socket
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                log.accept("monitor: session ended: " + e);
            }
        } finally {
            clients.remove(c);
            if (session != null) {
                try {
                    session.close();
                } catch (RuntimeException ignored) {
                    // Gogo already gone (bundle stopping)
                }
            }
        }
    }

    /** Stops listening and ends every session. Idempotent. */
    @Override
    public void close() {
        closed = true;
        ServerSocket s;
        synchronized (this) {
            s = server;
        }
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Socket c : clients) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
