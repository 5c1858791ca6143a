package org.ppc440vm.netdev.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configuration change to a running backend (DS modified): hostfwd live, other changes by an in-place restart. */
class UserNetworkBackendTest {

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aHostfwdChangeAppliesToTheRunningStack(@TempDir Path tmp) throws Exception {
        int a = freePort();
        int b = freePort();
        UserNetworkBackend backend = new UserNetworkBackend();
        Map<String, Object> config = new HashMap<>();
        config.put("id", "n0");
        config.put("hostfwd", "tcp:127.0.0.1:" + a + "-:22");
        backend.start(config);
        FakeGuest guest = new FakeGuest();
        backend.attach(guest);
        try {
            assertTrue(listening(a));
            config.put("hostfwd", new String[] {"tcp:127.0.0.1:" + b + "-:22"});
            backend.modified(config);
            assertTrue(listening(b), "the new rule listens");
            for (int i = 0; i < 40 && listening(a); i++) {
                Thread.sleep(50);
            }
            assertTrue(!listening(a), "the old rule stopped listening");
            assertTrue(backend.describe().contains(":" + b + "-10.0.2.15:22"), backend.describe());
            assertTrue(backend.linkUp());

            // A dump file is not something a running stack can take: it restarts in place, the guest stays attached.
            Path pcap = tmp.resolve("n0.pcap");
            config.put("dump", pcap.toString());
            backend.modified(config);
            assertEquals("n0", backend.id());
            assertTrue(backend.linkUp());
            assertTrue(Files.exists(pcap), "the new dump file is open");
            assertTrue(listening(b), "the rules are those of the new configuration");
        } finally {
            backend.stop();
        }
    }
}
