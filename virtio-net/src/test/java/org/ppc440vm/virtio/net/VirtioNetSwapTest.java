package org.ppc440vm.virtio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.virtio.testing.DriverQueue.readable;
import static org.ppc440vm.virtio.testing.DriverQueue.writable;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.virtio.spi.VirtioMmioTransport;
import org.ppc440vm.virtio.testing.DriverQueue;
import org.ppc440vm.virtio.testing.HeapGuestMemory;
import org.ppc440vm.virtio.testing.MockDriver;
import org.ppc440vm.virtio.testing.RecordingInterruptLine;
import org.ppc440vm.virtio.testing.SwapSlot;
import org.ppc440vm.virtio.testing.TestDeviceContext;

/**
 * Hot-swapping the network device the way the board does it ({@link SwapSlot}): the backend is a separate service that
 * the swap never touches; only its receiver moves from the old instance to the new one.
 */
class VirtioNetSwapTest {
    static final byte[] MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

    HeapGuestMemory ram;
    RecordingInterruptLine line;
    FakeBackend backend;
    SwapSlot slot;
    MockDriver driver;
    DriverQueue rx;
    DriverQueue tx;
    VirtioNetDevice first;

    @BeforeEach
    void setUp() {
        ram = new HeapGuestMemory(1 << 20);
        line = new RecordingInterruptLine(21);
        backend = new FakeBackend();
        first = new VirtioNetDevice(MAC, "n0");
        slot = new SwapSlot(instance(first), new TestDeviceContext(ram, line));
        driver = new MockDriver(slot, ram);
        DriverQueue[] q = driver.start(VirtioNetDeviceTest.FEATURES, 16, 16);
        rx = q[0];
        tx = q[1];
        for (int i = 0; i < 4; i++) {
            rx.add(writable(ram.allocate(1526, 8), 1526));
        }
        driver.kick(0);
    }

    /** What a getService of the prototype component makes: a transport around a device bound to the same backend. */
    VirtioMmioTransport instance(VirtioNetDevice d) {
        d.setBackend(backend);
        return new VirtioMmioTransport("virtio-net@ef602200", 0xef602200L, 21, d);
    }

    static byte[] frame(int seq) {
        byte[] f = new byte[60];
        new Random(seq).nextBytes(f);
        f[0] = (byte) seq;
        return f;
    }

    void queueTransmit(int seq) {
        long b = ram.allocate(72, 8);
        ram.write(b + 12, frame(seq), 0, 60);
        tx.add(readable(b, 72));
    }

    @Test
    void aSwapFinishesTransmitMovesTheReceiverAndLeavesTheBackendAlone() throws Exception {
        queueTransmit(1);
        driver.kick(1);
        assertTrue(backend.inject(frame(2)));
        assertSame(first, backend.receiver);

        VirtioNetDevice next = new VirtioNetDevice(VirtioNetComponent.parseMac("52:54:00:00:00:99"), "n0");
        int readyBefore = backend.readyCalls.get();
        boolean[] acceptedDuringSwap = new boolean[1];
        slot.swap(instance(next), () -> {
            // While the slot is locked: the guest queues two frames (its kick would wait), and a frame arrives
            // from the host, which the quiesced device refuses so that the backend can hold it.
            queueTransmit(3);
            queueTransmit(4);
            acceptedDuringSwap[0] = backend.inject(frame(5));
        });
        assertFalse(acceptedDuringSwap[0], "refused while quiesced: the backend holds or drops it (counted)");
        assertEquals(1, first.counter("rx.held"));
        assertSame(next, backend.receiver, "the new instance is the backend's receiver; the old one's detach did not"
                + " take that away");
        assertTrue(backend.readyCalls.get() > readyBefore, "the new instance asked for the frames held meanwhile");
        assertEquals(3, backend.sent.size(), "frames queued during the swap went out through the new instance");
        assertArrayEquals(frame(1), backend.sent.poll());
        assertArrayEquals(frame(3), backend.sent.poll());
        assertArrayEquals(frame(4), backend.sent.poll());
        assertArrayEquals(MAC, next.mac(), "the guest keeps the address it knows");

        assertTrue(backend.inject(frame(5)), "the held frame, offered again, is taken");
        DriverQueue.Used u1 = rx.pollUsed();
        DriverQueue.Used u2 = rx.pollUsed();
        assertNotNull(u1);
        assertNotNull(u2, "received before and after the swap, into the buffers posted before it");
        assertEquals(72, u2.length);
        assertEquals(1, next.counter("rx.frames"));
        assertEquals(3, tx.usedIndex());
    }

    @Test
    void aParkKeepsTheOldInstanceAttachedButRefusingSoTheBackendHoldsFramesForTheNextOne() throws Exception {
        // The board's park (the bundle is being updated): quiesce, export, detach, then the component goes away.
        VirtioMmioTransport old = (VirtioMmioTransport) slot.current();
        old.quiesce();
        org.ppc440vm.api.device.DeviceState s = old.exportState();
        old.detach();
        first.release();
        assertSame(first, backend.receiver, "still the receiver while the slot waits");
        assertFalse(backend.inject(frame(7)), "refused, so the backend keeps it for the next instance");
        assertFalse(backend.inject(frame(8)));

        VirtioNetDevice next = new VirtioNetDevice(MAC, "n0");
        VirtioMmioTransport t2 = instance(next);
        int readyBefore = backend.readyCalls.get();
        t2.attach(new TestDeviceContext(ram, line));
        t2.importState(s);
        assertSame(next, backend.receiver, "the new instance took over");
        assertTrue(backend.readyCalls.get() > readyBefore, "and asked for what the backend held");
        assertTrue(backend.inject(frame(7)));
        assertTrue(backend.inject(frame(8)));
        assertNotNull(rx.pollUsed());
        assertNotNull(rx.pollUsed());
        assertEquals(2, next.counter("rx.frames"));
        t2.detach();
        next.release();
        assertEquals(null, backend.receiver, "an instance that did not hand its state over lets go of the backend");
    }

    @Test
    void anUnknownStateVersionIsRefusedAndTheOldInstanceKeepsTheBackend() throws Exception {
        VirtioNetDevice next = new VirtioNetDevice(MAC, "n0");
        IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
                () -> slot.swap(instance(next), null, s -> SwapSlot.withVersion(s, 3)));
        assertTrue(e.getMessage().contains("virtio-net state version 3") && e.getMessage().contains("reads version 1"),
                e.getMessage());
        assertSame(first, backend.receiver, "the refused instance never attached to the backend");
        queueTransmit(9);
        driver.kick(1);
        assertTrue(Arrays.equals(frame(9), backend.sent.poll()), "the old instance transmits again");
        assertTrue(backend.inject(frame(10)), "and receives");
    }
}
