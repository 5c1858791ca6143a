package org.ppc440vm.board.console;

import org.ppc440vm.board.uart.SerialBackend;
import org.ppc440vm.board.uart.Uart16550;

/**
 * The host end of the guest's serial console: where UART0's output goes and its input comes from. A console is
 * connected to one UART, started once, and closed at the end of the run (which gives the terminal back).
 */
public abstract class Console implements SerialBackend, AutoCloseable {
    protected volatile Uart16550 uart;

    /** The UART whose receiver gets this console's input. */
    public void connect(Uart16550 receiver) {
        this.uart = receiver;
    }

    /** Starts the console's threads (input reader, listener). */
    public abstract void start() throws java.io.IOException;

    /** Waits until the output so far has reached the host (at the end of a run, before the process exits). */
    public abstract void flush();

    /** Flushes, stops the threads and restores the terminal. Idempotent. */
    @Override
    public abstract void close();

    /** Delivers input to the UART, waiting while the guest is not reading. */
    protected void deliver(byte[] b, int off, int len) {
        Uart16550 u = uart;
        if (u == null || len == 0) {
            return;
        }
        try {
            u.receive(b, off, len);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A console that discards the guest's output and never types anything ({@code -serial none}). */
    public static Console none() {
        return new Console() {
            @Override
            public void transmit(byte b) {
            }

            @Override
            public void start() {
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }
}
