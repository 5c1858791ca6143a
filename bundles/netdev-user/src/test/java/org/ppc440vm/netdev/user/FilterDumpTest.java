package org.ppc440vm.netdev.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.netdev.user.FakeGuest.GATEWAY;
import static org.ppc440vm.netdev.user.FakeGuest.IP;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import org.ppc440vm.netdev.pcap.PcapWriterTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ppc440vm.netdev.user.FakeGuest.Frame;

/** The user backend with {@code dump} configured records both directions of its traffic. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FilterDumpTest {

    @Test
    void anArpExchangeIsTwoRecords(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("n0.pcap");
        UserNetworkBackend backend = new UserNetworkBackend();
        FakeGuest guest = new FakeGuest();
        backend.start(Map.of("id", "n0", "dump", pcap.toString()));
        byte[] request = FakeGuest.arpRequest(IP, GATEWAY);
        Frame reply;
        try {
            backend.attach(guest);
            assertTrue(backend.send(ByteBuffer.wrap(request)));
            reply = guest.expect("ARP reply", f -> f.type == 0x0806);
            backend.detach(guest);
        } finally {
            backend.stop();
        }
        List<PcapWriterTest.Record> records = PcapWriterTest.parse(Files.readAllBytes(pcap));
        assertEquals(2, records.size(), "the request and the reply");
        assertArrayEquals(request, records.get(0).data, "what the guest sent");
        assertEquals(request.length, records.get(0).originalLength);
        assertArrayEquals(reply.raw, records.get(1).data, "what the guest got");
        long now = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(records.get(1).seconds - now) < 60, "stamped with the wall clock");
    }

    @Test
    void aRefusedFrameOfferedAgainIsRecordedOnce(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("n0.pcap");
        UserNetworkBackend backend = new UserNetworkBackend();
        FakeGuest guest = new FakeGuest();
        backend.start(Map.of("id", "n0", "dump", pcap.toString()));
        try {
            guest.refuse = true;
            backend.attach(guest); // attaching offers what waits: nothing yet
            assertTrue(backend.send(ByteBuffer.wrap(FakeGuest.arpRequest(IP, GATEWAY))));
            Thread.sleep(300); // the reply is offered and refused
            backend.receiverReady(); // offered again, still refused
            Thread.sleep(300);
            guest.refuse = false;
            backend.receiverReady();
            guest.expect("ARP reply", f -> f.type == 0x0806);
        } finally {
            backend.stop();
        }
        assertEquals(2, PcapWriterTest.parse(Files.readAllBytes(pcap)).size(), "the request, the reply once");
    }

    @Test
    void withoutDumpNothingIsWritten(@TempDir Path dir) throws Exception {
        UserNetworkBackend backend = new UserNetworkBackend();
        FakeGuest guest = new FakeGuest();
        backend.start(Map.of("id", "n0"));
        try {
            backend.attach(guest);
            assertTrue(backend.send(ByteBuffer.wrap(FakeGuest.arpRequest(IP, GATEWAY))));
            guest.expect("ARP reply", f -> f.type == 0x0806);
        } finally {
            backend.stop();
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }
}
