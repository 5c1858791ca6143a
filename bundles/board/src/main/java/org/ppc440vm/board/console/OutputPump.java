package org.ppc440vm.board.console;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Carries the guest's console output from the vCPU thread to a host stream without making the vCPU wait for the
 * host: {@link #put(byte)} appends to a buffer and a writer thread of its own drains it. While the writer is busy the
 * bytes collect, so a burst becomes one host write. Only when the buffer is full (the host stopped reading) does the
 * producer wait, like a UART under flow control; nothing is dropped.
 */
final class OutputPump {
    static final int CAPACITY = 1 << 16;

    /** The host side. */
    interface Sink {
        /** Writes and flushes; an IOException is reported once and later output is dropped. */
        void write(byte[] b, int off, int len) throws IOException;
    }

    private final byte[] buffer = new byte[CAPACITY];
    private int head;
    private int count;
    private boolean closed;
    private boolean writing;
    private final Sink sink;
    private final Thread writer;
    private volatile boolean failed;

    OutputPump(String name, Sink sink) {
        this.sink = sink;
        this.writer = new Thread(this::drainLoop, name);
        writer.setDaemon(true);
        writer.start();
    }

    static Sink of(OutputStream out) {
        return (b, off, len) -> {
            out.write(b, off, len);
            out.flush();
        };
    }

    /** Appends one byte (vCPU thread). */
    synchronized void put(byte b) {
        while (count == CAPACITY && !closed && !failed) {
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (closed || failed) {
            return;
        }
        buffer[(head + count) % CAPACITY] = b;
        if (count++ == 0) {
            notifyAll();
        }
    }

    /** Appends bytes (monitor output, messages). */
    void put(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            put(b[off + i]);
        }
    }

    private void drainLoop() {
        byte[] chunk = new byte[CAPACITY];
        while (true) {
            int n;
            synchronized (this) {
                while (count == 0 && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (count == 0) {
                    return; // closed and drained
                }
                n = 0;
                while (count > 0) {
                    chunk[n++] = buffer[head];
                    head = (head + 1) % CAPACITY;
                    count--;
                }
                writing = true;
                notifyAll();
            }
            try {
                if (!failed) {
                    sink.write(chunk, 0, n);
                }
            } catch (IOException e) {
                failed = true;
            } finally {
                synchronized (this) {
                    writing = false;
                    notifyAll();
                }
            }
        }
    }

    /** Waits (up to {@code millis}) until everything put so far has been written. */
    synchronized void drain(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while ((count > 0 || writing) && !failed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Writes what is left and stops the writer. */
    void close() {
        drain(2000);
        synchronized (this) {
            closed = true;
            notifyAll();
        }
    }
}
