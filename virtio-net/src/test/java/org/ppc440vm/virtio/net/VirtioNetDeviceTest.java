package org.ppc440vm.virtio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.virtio.testing.DriverQueue.readable;
import static org.ppc440vm.virtio.testing.DriverQueue.writable;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.virtio.spi.VirtioFeatures;
import org.ppc440vm.virtio.spi.VirtioMmioTransport;
import org.ppc440vm.virtio.testing.DriverQueue;
import org.ppc440vm.virtio.testing.HeapGuestMemory;
import org.ppc440vm.virtio.testing.MockDriver;
import org.ppc440vm.virtio.testing.RecordingInterruptLine;
import org.ppc440vm.virtio.testing.TestDeviceContext;

/** The device behind the real transport, driven by the mock driver, with a fake backend. */
class VirtioNetDeviceTest {
    static final byte[] MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    static final long FEATURES = VirtioFeatures.VERSION_1 | VirtioNetDevice.F_MAC | VirtioNetDevice.F_STATUS
            | VirtioNetDevice.F_MTU;

    HeapGuestMemory ram;
    RecordingInterruptLine line;
    VirtioNetDevice device;
    VirtioMmioTransport transport;
    MockDriver driver;
    FakeBackend backend;

    @BeforeEach
    void setUp() {
        ram = new HeapGuestMemory(1 << 20);
        line = new RecordingInterruptLine(21);
        device = new VirtioNetDevice(MAC, "n0");
        backend = new FakeBackend();
        device.setBackend(backend);
        transport = new VirtioMmioTransport("virtio-net@ef602200", 0xef602200L, 21, device);
        transport.attach(new TestDeviceContext(ram, line));
        driver = new MockDriver(transport, ram);
    }

    static byte[] frame(int len, int seed) {
        byte[] f = new byte[len];
        new Random(seed).nextBytes(f);
        return f;
    }

    /** Guest RAM holding {@code content}. */
    long put(byte[] content) {
        long a = ram.allocate(Math.max(1, content.length), 8);
        ram.write(a, content, 0, content.length);
        return a;
    }

    @Test
    void identifiesItselfAndOffersMacStatusAndMtu() {
        assertEquals(1, driver.read(0x008), "device id 1: network");
        long offered = driver.deviceFeatures();
        assertTrue(VirtioFeatures.has(offered, FEATURES));
        assertTrue(VirtioFeatures.has(offered, VirtioFeatures.RING_EVENT_IDX | VirtioFeatures.RING_INDIRECT_DESC));
        assertEquals(0, offered & 1L, "no checksum offload");
        assertEquals(0, offered & (1L << 15), "no mergeable receive buffers");
        assertEquals(0, offered & (1L << 17), "no control queue");
        assertArrayEquals(MAC, driver.config(0, 6));
        assertEquals(VirtioNetDevice.STATUS_LINK_UP, driver.configField(6, 2));
        assertEquals(1500, driver.configField(10, 2), "mtu");
        driver.write(0x030, 0);
        assertEquals(256, driver.read(0x034), "rx queue size");
        driver.write(0x030, 1);
        assertEquals(256, driver.read(0x034), "tx queue size");
        driver.write(0x030, 2);
        assertEquals(0, driver.read(0x034), "no third (control) queue");
    }

    @Test
    void transmitsAFrameFromAChainSplitAcrossBuffers() throws Exception {
        DriverQueue[] q = driver.start(FEATURES, 16, 16);
        byte[] f = frame(98, 1);
        byte[] header = new byte[12];
        // Linux puts the header in its own buffer; here the frame is split too, to cross buffer boundaries.
        int head = q[1].add(readable(put(header), 12), readable(put(Arrays.copyOf(f, 20)), 20),
                readable(put(Arrays.copyOfRange(f, 20, 98)), 78));
        driver.kick(1);
        assertArrayEquals(f, backend.sent.poll(), "the frame without the header");
        DriverQueue.Used used = q[1].pollUsed();
        assertNotNull(used);
        assertEquals(head, used.id);
        assertEquals(0, used.length, "transmit writes nothing");
        assertTrue(line.isAsserted(), "used-buffer interrupt");
        assertEquals(1, driver.interruptStatus() & 1);
        assertEquals(1, device.counter("tx.frames"));
    }

    @Test
    void receivesAFrameIntoAGuestBufferWithAZeroHeaderAndOneBuffer() throws Exception {
        DriverQueue[] q = driver.start(FEATURES, 16, 16);
        long buf = ram.allocate(1526, 8);
        ram.fill(buf, 1526, (byte) 0x77);
        int head = q[0].add(writable(buf, 1526));
        byte[] f = frame(60, 2);
        assertTrue(backend.inject(f));
        DriverQueue.Used used = q[0].pollUsed();
        assertNotNull(used);
        assertEquals(head, used.id);
        assertEquals(12 + 60, used.length);
        byte[] header = new byte[12];
        ram.read(buf, header, 0, 12);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, header, "no offloads, num_buffers 1");
        byte[] got = new byte[60];
        ram.read(buf + 12, got, 0, 60);
        assertArrayEquals(f, got);
        assertTrue(line.isAsserted());
        assertEquals(1, device.counter("rx.frames"));
    }

    @Test
    void withoutReceiveBuffersAFrameIsRefusedUntilTheDriverRefillsAndKicks() throws Exception {
        DriverQueue[] q = driver.start(FEATURES, 16, 16);
        assertFalse(backend.inject(frame(60, 3)), "no buffer: refused, so the backend keeps it");
        assertTrue(device.rxStarved());
        assertFalse(q[0].deviceSuppressesKicks(), "the device asks to be kicked when buffers come");
        int before = backend.readyCalls.get();
        q[0].add(writable(ram.allocate(1526, 8), 1526));
        driver.kick(0);
        assertEquals(before + 1, backend.readyCalls.get(), "the kick tells the backend to offer again");
        assertTrue(backend.inject(frame(60, 3)));
        assertNotNull(q[0].pollUsed());
    }

    @Test
    void theDeviceTakesFramesOnlyWhileADriverRunsIt() throws Exception {
        assertNull(backend.receiver, "no driver yet: the backend drops what comes");
        driver.start(FEATURES, 16, 16);
        assertSame(device, backend.receiver, "attached at DRIVER_OK");
        driver.reset();
        assertNull(backend.receiver, "detached at a driver reset");
        driver.start(FEATURES, 16, 16);
        assertSame(device, backend.receiver);
        transport.detach();
        assertNull(backend.receiver, "detached when the device leaves the board");
    }

    @Test
    void whileQuiescedFramesAreRefusedSoTheBackendHoldsThemUntilResume() throws Exception {
        DriverQueue[] q = driver.start(FEATURES, 16, 16);
        q[0].add(writable(ram.allocate(1526, 8), 1526));
        transport.quiesce();
        assertFalse(backend.inject(frame(60, 4)), "refused while quiesced");
        assertEquals(1, device.counter("rx.held"));
        int before = backend.readyCalls.get();
        transport.resume();
        assertEquals(before + 1, backend.readyCalls.get(), "asked for the held frames");
        assertTrue(backend.inject(frame(60, 4)));
        assertNotNull(q[0].pollUsed());
    }

    @Test
    void malformedTransmitChainsAreDroppedCountedAndReturned() throws Exception {
        DriverQueue[] q = driver.start(FEATURES, 16, 16);
        q[1].add(readable(put(new byte[5]), 5));                              // shorter than the header
        q[1].add(readable(put(new byte[12]), 12), readable(put(new byte[4]), 4)); // a 4-byte "frame"
        long big = ram.allocate(12 + 4000, 8);
        q[1].add(readable(big, 12 + 4000));                                    // longer than any frame
        driver.kick(1);
        for (int i = 0; i < 3; i++) {
            assertNotNull(q[1].pollUsed(), "every chain goes back to the driver");
        }
        assertTrue(backend.sent.isEmpty(), "nothing reached the backend");
        assertEquals(1, device.counter("tx.malformed"));
        assertEquals(2, device.counter("tx.badlength"));
        assertEquals(0, driver.status() & MockDriver.NEEDS_RESET, "dropping a bad frame is not a protocol error");
    }

    @Test
    void aReceiveBufferTooSmallForTheFrameIsReturnedEmpty() throws Exception {
        DriverQueue[] q = driver.start(FEATURES, 16, 16);
        q[0].add(writable(ram.allocate(40, 8), 40));
        assertTrue(backend.inject(frame(60, 5)));
        DriverQueue.Used used = q[0].pollUsed();
        assertEquals(0, used.length);
        assertEquals(1, device.counter("rx.buffertoosmall"));
    }

    @Test
    void aChainOutsideGuestRamPutsTheDeviceIntoNeedsResetWithoutThrowing() throws Exception {
        DriverQueue[] q = driver.start(FEATURES, 16, 16);
        q[1].writeDescriptor(0, ram.size() - 4, 4096, 0, 0);
        q[1].publish(0);
        driver.kick(1); // must not throw into the "vCPU"
        assertEquals(MockDriver.NEEDS_RESET, driver.status() & MockDriver.NEEDS_RESET);
        assertEquals(0, ram.rejectedAccesses(), "the queue refused the chain before any access");
        assertTrue(backend.sent.isEmpty());
        // And receive on a broken queue does not throw either.
        q[0].writeDescriptor(0, -4096, 100, DriverQueue.F_WRITE, 0);
        q[0].publish(0);
        backend.inject(frame(60, 6));
    }

    @Test
    void losingTheBackendTakesTheLinkDownAndTellsTheDriver() throws Exception {
        driver.start(FEATURES, 16, 16);
        driver.acknowledge(3);
        device.setBackend(null);
        assertEquals(0, driver.configField(6, 2), "link down");
        assertEquals(2, driver.interruptStatus() & 2, "configuration-change interrupt");
        assertNull(backend.receiver, "detached from the old backend");
        FakeBackend next = new FakeBackend();
        device.setBackend(next);
        assertSame(device, next.receiver);
        assertEquals(VirtioNetDevice.STATUS_LINK_UP, driver.configField(6, 2));
    }

    @Test
    void stateCarriesTheMacAndTheQueuesAcrossASwap() throws Exception {
        DriverQueue[] q = driver.start(FEATURES, 16, 16);
        q[0].add(writable(ram.allocate(1526, 8), 1526));
        q[1].add(readable(put(new byte[12 + 60]), 72));
        driver.kick(1);
        assertNotNull(q[1].pollUsed());
        transport.quiesce();
        DeviceState state = transport.exportState();
        assertEquals("virtio-net", state.deviceType());
        assertEquals("52:54:00:12:34:56", state.getString("net.mac"));

        // The new implementation was configured with another MAC: the guest's view wins.
        VirtioNetDevice next = new VirtioNetDevice(VirtioNetComponent.parseMac("52:54:00:00:00:99"), "n0");
        VirtioMmioTransport t2 = new VirtioMmioTransport("virtio-net@ef602200", 0xef602200L, 21, next);
        t2.attach(new TestDeviceContext(ram, line));
        t2.importState(state);
        transport.detach();
        next.setBackend(backend);
        assertArrayEquals(MAC, next.mac());
        // The receive buffer posted before the swap is still there for the new instance.
        byte[] f = frame(60, 7);
        assertTrue(backend.inject(f));
        DriverQueue.Used used = q[0].pollUsed();
        assertNotNull(used);
        assertEquals(72, used.length);
        MockDriver d2 = new MockDriver(t2, ram);
        assertArrayEquals(MAC, d2.config(0, 6));
        // And transmit goes on where it was.
        q[1].add(readable(put(new byte[12 + 60]), 72));
        d2.kick(1);
        assertNotNull(q[1].pollUsed());
        assertEquals(2, backend.sent.size());
    }

    @Test
    void macAddresses() {
        assertArrayEquals(MAC, VirtioNetComponent.parseMac("52:54:00:12:34:56"));
        assertArrayEquals(MAC, VirtioNetComponent.parseMac("52-54-00-12-34-56"));
        assertEquals("52:54:00:12:34:56", VirtioNetComponent.formatMac(MAC));
        for (String bad : new String[] {"52:54:00:12:34", "52:54:00:12:34:5g", "01:00:5e:00:00:01", "525400123456",
                "52:54:00:12:34:567"}) {
            assertThrows(IllegalArgumentException.class, () -> VirtioNetComponent.parseMac(bad), bad);
        }
    }

    @Test
    void bigEndianConfigReadsSeeTheBytesInOrder() {
        // A plain lhz of the status field by a big-endian guest: the byte-reversed view of the LE field.
        assertEquals(0x0100L, transport.read(0x100 + 6, 2, Endian.BIG));
    }
}
