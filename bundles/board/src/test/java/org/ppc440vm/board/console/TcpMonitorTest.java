package org.ppc440vm.board.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/** The TCP monitor's protocol with a shell that echoes: prompt, output, prompt; one session per connection. */
class TcpMonitorTest {
    final List<String> executed = new CopyOnWriteArrayList<>();
    volatile int closedSessions;

    final MonitorShell shell = out -> new MonitorShell.Session() {
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
            closedSessions++;
        }
    };

    /** Reads until the text read so far ends with {@code end}. */
    static String readUntil(InputStream in, String end) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.UTF_8).endsWith(end)) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachLineGetsItsOutputThenThePrompt() throws Exception {
        try (TcpMonitor m = new TcpMonitor(MonitorAddress.parse("tcp:127.0.0.1:0"), () -> shell, msg -> { })) {
            int port = m.start();
            try (Socket a = new Socket("127.0.0.1", port); Socket b = new Socket("127.0.0.1", port)) {
                a.setSoTimeout(5000);
                b.setSoTimeout(5000);
                InputStream ia = a.getInputStream();
                OutputStream oa = a.getOutputStream();
                assertEquals("g! ", readUntil(ia, "g! "));
                oa.write("vm:list\r\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("ran vm:list\ng! ", readUntil(ia, "g! ").replace("\r\n", "\n"));
                oa.write("\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("g! ", readUntil(ia, "g! "), "an empty line gives the prompt again");
                assertEquals("g! ", readUntil(b.getInputStream(), "g! "), "a second client has its own session");
                b.getOutputStream().write("lb\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("ran lb\ng! ", readUntil(b.getInputStream(), "g! ").replace("\r\n", "\n"));
            }
            assertEquals(List.of("vm:list", "lb"), executed);
            for (int i = 0; i < 100 && closedSessions < 2; i++) {
                Thread.sleep(20);
            }
            assertEquals(2, closedSessions, "a client that leaves ends its session");
        }
    }

    @Test
    void withoutAShellTheClientIsToldSo() throws Exception {
        try (TcpMonitor m = new TcpMonitor(MonitorAddress.parse("tcp:127.0.0.1:0"), () -> null, msg -> { })) {
            int port = m.start();
            try (Socket a = new Socket("127.0.0.1", port)) {
                a.setSoTimeout(5000);
                readUntil(a.getInputStream(), "g! ");
                a.getOutputStream().write("lb\n".getBytes(StandardCharsets.UTF_8));
                assertTrue(readUntil(a.getInputStream(), "g! ").contains("needs the Gogo shell"));
            }
        }
    }

    @Test
    void aTakenPortIsAClearError() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                TcpMonitor m = new TcpMonitor(MonitorAddress.parse("tcp:127.0.0.1:" + taken.getLocalPort()), () -> shell,
                        msg -> { })) {
            String message = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, m::start)
                    .getMessage();
            assertTrue(message.contains("cannot listen"), message);
        }
    }
}
