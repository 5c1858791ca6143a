package org.ppc440vm.board.uart;

/**
 * Where a UART's transmitter goes and where its receiver's bytes come from (the console: stdio, a TCP client, or
 * nothing). The UART calls {@link #transmit(byte)} on the vCPU thread, so it must not block; the backend delivers
 * received bytes with {@link Uart16550#receive(byte[], int, int)} from a thread of its own.
 */
public interface SerialBackend {

    /** One byte the guest sent. Called on the vCPU thread: buffer it, never block. */
    void transmit(byte b);

    /** A backend that drops everything and never receives. */
    SerialBackend NONE = b -> {
    };
}
