package org.ppc440vm.board.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.board.uart.Uart16550;

class ConsoleTest {

    static String drain(Uart16550 uart, int expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (uart.pendingInput() < expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
        StringBuilder b = new StringBuilder();
        while ((uart.read(Uart16550.LSR, 1, Endian.BIG) & Uart16550.LSR_DR) != 0) {
            b.append((char) uart.read(Uart16550.RBR, 1, Endian.BIG));
        }
        return b.toString();
    }

    @Test
    void escapeDecoderPassesBytesAndDecodesCommands() {
        StringBuilder through = new StringBuilder();
        List<Integer> commands = new ArrayList<>();
        EscapeDecoder d = new EscapeDecoder(new EscapeDecoder.Sink() {
            @Override
            public void passThrough(byte b) {
                through.append((char) b);
            }

            @Override
            public void command(int key) {
                commands.add(key);
            }
        });
        for (byte b : new byte[] {'a', 3, 0x01, 0x01, 'b', 0x01, 'x', 0x01, 'c', 'd'}) {
            d.accept(b);
        }
        assertEquals("a\u0003\u0001bd", through.toString(), "Ctrl-C passes, Ctrl-A Ctrl-A sends one Ctrl-A");
        assertEquals(List.of((int) 'x', (int) 'c'), commands);
    }

    @Test
    void stdioConsoleTypesToTheGuestAndQuitsOnCtrlAx() throws Exception {
        Uart16550 uart = new Uart16550();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CountDownLatch quit = new CountDownLatch(1);
        StdioConsole c = new StdioConsole(out, new ByteArrayInputStream(new byte[] {'h', 'i', 1, 1, 1, 'x', 'z'}),
                null, () -> null, quit::countDown);
        uart.setBackend(c);
        c.connect(uart);
        c.start();
        assertTrue(quit.await(5, TimeUnit.SECONDS));
        assertEquals("hi\u0001", drain(uart, 3));
        uart.write(0, 1, 'G', Endian.BIG);
        c.flush();
        c.close();
        assertTrue(out.toString().contains("G"), out.toString());
        assertTrue(out.toString().contains("terminated"), out.toString());
    }

    @Test
    void ctrlAcSwitchesToTheMonitorAndBack() throws Exception {
        List<String> executed = Collections.synchronizedList(new ArrayList<>());
        MonitorShell shell = out -> new MonitorShell.Session() {
            @Override
            public void execute(String line) {
                executed.add(line);
                out.println("ran " + line);
            }

            @Override
            public String prompt() {
                return "g! ";
            }

            @Override
            public void close() {
                executed.add("<closed>");
            }
        };
        Uart16550 uart = new Uart16550();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PipedOutputStream keys = new PipedOutputStream();
        InputStream in = new PipedInputStream(keys);
        StdioConsole c = new StdioConsole(out, in, null, () -> shell, () -> { });
        uart.setBackend(c);
        c.connect(uart);
        c.start();
        keys.write(new byte[] {'a', 1, 'c'});
        keys.write("lbx\u007f\r".getBytes(StandardCharsets.US_ASCII)); // a typo, backspace, enter
        keys.write(new byte[] {1, 'c', 'b'});
        keys.flush();
        long deadline = System.currentTimeMillis() + 5000;
        while (executed.size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(List.of("lb", "<closed>"), executed);
        assertEquals("ab", drain(uart, 2), "the guest gets what was typed outside the monitor only");
        c.flush();
        String shown = out.toString();
        assertTrue(shown.contains("g! lbx\b \b\r\nran lb"), shown);
        assertTrue(shown.contains("back to the guest"), shown);
        assertFalse(c.inMonitor());
        c.close();
    }

    @Test
    void withoutAShellCtrlAcSaysSo() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdioConsole c = new StdioConsole(out, new ByteArrayInputStream(new byte[] {1, 'c', 1, 'h'}), null,
                () -> null, () -> { });
        c.connect(new Uart16550());
        c.start();
        long deadline = System.currentTimeMillis() + 5000;
        while (!out.toString().contains("C-a x") && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        c.close();
        assertTrue(out.toString().contains("no monitor"), out.toString());
        assertTrue(out.toString().contains("C-a x    exit"), out.toString());
    }

    @Test
    void outputIsNeverDroppedEvenWhenTheHostIsSlow() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) {
                sink.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sink.write(b, off, len);
            }
        };
        StdioConsole c = new StdioConsole(slow, null, null, () -> null, () -> { });
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            c.transmit((byte) ('a' + i % 26));
        }
        c.close();
        byte[] got = sink.toByteArray();
        assertEquals(n, got.length);
        for (int i = 0; i < n; i++) {
            if (got[i] != (byte) ('a' + i % 26)) {
                throw new AssertionError("byte " + i + " out of order");
            }
        }
    }

    @Test
    void tcpConsoleServesOneClientAtATime() throws Exception {
        List<String> log = new ArrayList<>();
        TcpConsole c = new TcpConsole("127.0.0.1", 0, log::add);
        Uart16550 uart = new Uart16550();
        uart.setBackend(c);
        c.connect(uart);
        c.start();
        assertTrue(log.get(0).contains("listening on tcp:127.0.0.1:" + c.localPort()), log.toString());
        uart.write(0, 1, 'Q', Endian.BIG); // nobody connected: dropped
        c.flush();
        try (Socket s = new Socket("127.0.0.1", c.localPort())) {
            long deadline = System.currentTimeMillis() + 5000;
            while (!c.connected() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            s.getOutputStream().write("hey".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertEquals("hey", drain(uart, 3));
            for (char ch : "ok\r\n".toCharArray()) {
                uart.write(0, 1, ch, Endian.BIG);
            }
            byte[] buf = new byte[4];
            s.setSoTimeout(5000);
            int got = 0;
            while (got < 4) {
                got += s.getInputStream().read(buf, got, 4 - got);
            }
            assertEquals("ok\r\n", new String(buf, StandardCharsets.US_ASCII));
        }
        c.close();
    }

    @Test
    void rawTerminalLeavesAPipeAlone() {
        // Under the test runner stdin is not a terminal: nothing may change and restore must be harmless.
        RawTerminal t = new RawTerminal();
        if (System.console() == null) {
            assertFalse(t.enter());
            assertFalse(t.isRaw());
        }
        t.restore();
        assertFalse(t.isRaw());
    }
}
