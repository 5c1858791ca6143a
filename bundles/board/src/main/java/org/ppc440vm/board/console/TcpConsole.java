package org.ppc440vm.board.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/**
 * The console on a listening TCP socket ({@code -serial tcp:HOST:PORT}, like QEMU's {@code server=on,wait=off}): the
 * guest runs at once; a client that connects gets the guest's output from then on and types to it. One client at a
 * time: a new connection replaces the old one. Output while nobody is connected is dropped, as on a real
 * unconnected serial line.
 */
public final class TcpConsole extends Console {
    private final String host;
    private final int port;
    private final Consumer<String> log;
    private final OutputPump pump;
    private ServerSocket server;
    private volatile Socket client;
    private volatile boolean closed;

    public TcpConsole(String host, int port, Consumer<String> log) {
        this.host = host;
        this.port = port;
        this.log = log;
        this.pump = new OutputPump("ppc440vm-serial-tcp-out", this::send);
    }

    private void send(byte[] b, int off, int len) {
        Socket c = client;
        if (c == null) {
            return;
        }
        try {
            OutputStream out = c.getOutputStream();
            out.write(b, off, len);
            out.flush();
        } catch (IOException e) {
            drop(c);
        }
    }

    @Override
    public void transmit(byte b) {
        pump.put(b);
    }

    @Override
    public void start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        try {
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            s.close();
            throw new IOException("-serial tcp:" + host + ":" + port + ": cannot listen: " + e.getMessage(), e);
        }
        server = s;
        log.accept("serial port listening on tcp:" + host + ":" + s.getLocalPort());
        Thread acceptor = new Thread(this::acceptLoop, "ppc440vm-serial-tcp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port we listen on (useful with port 0). */
    public int localPort() {
        return server == null ? -1 : server.getLocalPort();
    }

    /** True while a client is connected. */
    public boolean connected() {
        return client != null;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                s.setTcpNoDelay(true);
            } catch (IOException ignored) {
                // only a latency hint
            }
            Socket old = client;
            client = s;
            if (old != null) {
                drop(old);
            }
            Thread reader = new Thread(() -> readLoop(s), "ppc440vm-serial-tcp-in");
            reader.setDaemon(true);
            reader.start();
        }
    }

    private void readLoop(Socket s) {
        byte[] buf = new byte[1024];
        try (InputStream in = s.getInputStream()) {
            for (int n; !closed && (n = in.read(buf)) >= 0;) {
                deliver(buf, 0, n);
            }
        } catch (IOException e) {
            // the client went away
        }
        drop(s);
    }

    private void drop(Socket s) {
        if (client == s) {
            client = null;
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
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
        pump.close();
        Socket c = client;
        if (c != null) {
            drop(c);
        }
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
