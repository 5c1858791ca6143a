package org.ppc440vm.board.console;

/**
 * The console's escape key, as QEMU's {@code -nographic} has it: Ctrl-A followed by a command letter ({@code x}
 * quits, {@code c} switches between the guest's console and the monitor, {@code h} lists the commands), and Ctrl-A
 * twice sends one Ctrl-A to the guest. Every other byte passes through.
 */
final class EscapeDecoder {
    static final int ESCAPE = 0x01; // Ctrl-A

    interface Sink {
        void passThrough(byte b);

        void command(int key);
    }

    private final Sink sink;
    private boolean escaped;

    EscapeDecoder(Sink sink) {
        this.sink = sink;
    }

    void accept(byte b) {
        if (escaped) {
            escaped = false;
            if (b == ESCAPE) {
                sink.passThrough(b);
            } else {
                sink.command(b & 0xFF);
            }
        } else if (b == ESCAPE) {
            escaped = true;
        } else {
            sink.passThrough(b);
        }
    }

    static String help() {
        return "C-a h    print this help\r\n"
                + "C-a x    exit the emulator\r\n"
                + "C-a c    switch between the console and the monitor (the runtime's Gogo shell)\r\n"
                + "C-a C-a  send C-a to the guest\r\n";
    }
}
