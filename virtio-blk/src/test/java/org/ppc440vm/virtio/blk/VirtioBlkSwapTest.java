package org.ppc440vm.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.virtio.blk.VirtioBlkDevice.S_OK;
import static org.ppc440vm.virtio.blk.VirtioBlkDevice.T_FLUSH;
import static org.ppc440vm.virtio.blk.VirtioBlkDevice.T_IN;
import static org.ppc440vm.virtio.blk.VirtioBlkDevice.T_OUT;
import static org.ppc440vm.virtio.testing.DriverQueue.readable;
import static org.ppc440vm.virtio.testing.DriverQueue.writable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.virtio.spi.VirtioFeatures;
import org.ppc440vm.virtio.spi.VirtioMmioTransport;
import org.ppc440vm.virtio.testing.DriverQueue;
import org.ppc440vm.virtio.testing.HeapGuestMemory;
import org.ppc440vm.virtio.testing.MockDriver;
import org.ppc440vm.virtio.testing.RecordingInterruptLine;
import org.ppc440vm.virtio.testing.SwapSlot;
import org.ppc440vm.virtio.testing.TestDeviceContext;

/**
 * Hot-swapping the block device the way the board does it (see {@link SwapSlot}): every instance has its own
 * transport and its own handle on the image, as the prototype-scoped component makes them, and the guest's view
 * (rings, indices, pending interrupt) moves from one to the next.
 */
class VirtioBlkSwapTest {
    static final int SECTORS = 2048;
    static final long FEATURES = VirtioFeatures.VERSION_1 | VirtioFeatures.RING_INDIRECT_DESC
            | VirtioFeatures.RING_EVENT_IDX | VirtioBlkDevice.F_FLUSH | VirtioBlkDevice.F_BLK_SIZE
            | VirtioBlkDevice.F_SEG_MAX;

    @TempDir
    Path dir;

    Path file;
    HeapGuestMemory ram;
    RecordingInterruptLine line;
    TestDeviceContext context;
    SwapSlot slot;
    MockDriver driver;
    DriverQueue queue;
    final List<BlockImage> images = new ArrayList<>();
    final List<VirtioMmioTransport> instances = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        file = dir.resolve("disk.img");
        Files.write(file, new byte[SECTORS * 512]);
        ram = new HeapGuestMemory(8 << 20);
        line = new RecordingInterruptLine(20);
        context = new TestDeviceContext(ram, line);
        slot = new SwapSlot(newInstance(), context);
        driver = new MockDriver(slot, ram);
        queue = driver.start(FEATURES, 64)[0];
    }

    @AfterEach
    void tearDown() throws IOException {
        slot.current().detach();
        for (BlockImage i : images) {
            i.close();
        }
    }

    /** What one getService of the prototype component makes: its own image handle, device and transport. */
    synchronized VirtioMmioTransport newInstance() {
        try {
            BlockImage image = BlockImage.open(file, false);
            images.add(image);
            VirtioMmioTransport t = new VirtioMmioTransport("virtio-blk@ef602000", 0xef602000L, 20,
                    new VirtioBlkDevice("virtio-blk@ef602000", image, null));
            instances.add(t);
            return t;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] sectorContent(int i) {
        byte[] b = new byte[512];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) (i * 31 + k * 7 + 1);
        }
        b[0] = (byte) i;
        b[1] = (byte) (i >>> 8);
        return b;
    }

    /** A request chain: header, data buffers, status byte (pre-set to 0x77 so an untouched status shows). */
    int submit(int type, long sector, DriverQueue.Buffer data, long status) {
        long h = ram.allocate(16, 8);
        ram.writeInt(h, type, Endian.LITTLE);
        ram.writeLong(h + 8, sector, Endian.LITTLE);
        ram.writeByte(status, (byte) 0x77);
        return data == null ? queue.add(readable(h, 16), writable(status, 1))
                : queue.add(readable(h, 16), data, writable(status, 1));
    }

    @Test
    void aSwapInTheMiddleOfAStreamOfWritesLosesNoCompletedWrite() throws Exception {
        int total = 600;
        int window = 16;
        // Guest buffers allocated up front: the writer thread must not share the allocator with anything.
        long[] data = new long[total];
        long[] status = new long[total];
        for (int i = 0; i < total; i++) {
            data[i] = ram.allocate(512, 8);
            ram.write(data[i], sectorContent(i), 0, 512);
            status[i] = ram.allocate(1, 1);
        }
        Map<Integer, Integer> requestOfHead = new HashMap<>();
        int[] statusOf = new int[total];
        Arrays.fill(statusOf, -1);
        AtomicInteger completed = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread guest = new Thread(() -> {
            try {
                int next = 0;
                int inFlight = 0;
                while (completed.get() < total) {
                    while (inFlight < window && next < total) {
                        long h = ram.allocate(16, 8);
                        ram.writeInt(h, T_OUT, Endian.LITTLE);
                        ram.writeLong(h + 8, next, Endian.LITTLE);
                        ram.writeByte(status[next], (byte) 0x77);
                        int head = queue.add(readable(h, 16), readable(data[next], 512), writable(status[next], 1));
                        requestOfHead.put(head, next);
                        next++;
                        inFlight++;
                        driver.kick(0); // blocks while a swap holds the slot, as a vCPU's MMIO store would
                    }
                    DriverQueue.Used u = queue.awaitUsed(10_000);
                    if (u == null) {
                        throw new AssertionError("no completion in 10 s after " + completed.get() + " of " + total);
                    }
                    int r = requestOfHead.remove(u.id);
                    statusOf[r] = ram.readByte(status[r]);
                    inFlight--;
                    completed.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "guest-writer");
        guest.start();
        for (int swapAt : new int[] {total / 4, total / 2, 3 * total / 4}) {
            while (completed.get() < swapAt && guest.isAlive()) {
                Thread.sleep(1);
            }
            slot.swap(this::newInstance);
        }
        guest.join(60_000);
        assertFalse(guest.isAlive(), "the guest's writes finished");
        assertNull(failure.get(), () -> "guest writer failed: " + failure.get());
        assertEquals(3, slot.swaps());
        assertEquals(total, completed.get());
        for (int i = 0; i < total; i++) {
            assertEquals(S_OK, statusOf[i], "status of write " + i);
        }
        // Every acknowledged write is in the file (a flush first, as the guest's sync would do).
        long st = ram.allocate(1, 1);
        submit(T_FLUSH, 0, null, st);
        driver.kick(0);
        assertNotNull(queue.awaitUsed(5000));
        assertEquals(S_OK, ram.readByte(st));
        byte[] disk = Files.readAllBytes(file);
        for (int i = 0; i < total; i++) {
            assertArrayEquals(sectorContent(i), Arrays.copyOfRange(disk, i * 512, i * 512 + 512), "sector " + i);
        }
        assertEquals(total + 1, queue.usedIndex());
        assertEquals(0, ram.rejectedAccesses());
    }

    @Test
    void quiesceCompletesWhatItTookAndForcesTheImage() throws Exception {
        long[] st = new long[8];
        for (int i = 0; i < st.length; i++) {
            long buf = ram.allocate(512, 8);
            ram.write(buf, sectorContent(i + 100), 0, 512);
            st[i] = ram.allocate(1, 1);
            submit(T_OUT, 100 + i, readable(buf, 512), st[i]);
        }
        driver.kick(0);
        VirtioMmioTransport old = (VirtioMmioTransport) slot.current();
        BlockImage oldImage = images.get(0);
        long forcesBefore = oldImage.forceCount();
        old.quiesce();
        int used = queue.usedIndex();
        // Whatever the worker popped is completed (used ring and status) by the time quiesce returns ...
        for (int i = 0; i < used; i++) {
            assertEquals(S_OK, ram.readByte(st[i]), "request " + i + " is in the used ring, so it is complete");
        }
        assertTrue(oldImage.forceCount() > forcesBefore, "... and the image was forced before quiesce returned");
        Thread.sleep(50);
        assertEquals(used, queue.usedIndex(), "nothing is taken after the quiesce");
        DeviceState s = old.exportState();
        assertEquals(used, s.getLongs("virtio.queue.nextAvail")[0], "taken = completed: nothing half-done");
        old.resume();
        for (int i = used; i < st.length; i++) {
            assertNotNull(queue.awaitUsed(5000));
        }
        assertEquals(8, queue.usedIndex());
    }

    @Test
    void requestsQueuedDuringTheSwapAreServedByTheNewInstance() throws Exception {
        long buf = ram.allocate(512, 8);
        ram.write(buf, sectorContent(5), 0, 512);
        long st = ram.allocate(1, 1);
        long rbuf = ram.allocate(512, 8);
        long rst = ram.allocate(1, 1);
        // Published while the slot is locked; the guest's kick would wait for the slot, so none comes.
        slot.swap(newInstance(), () -> {
            submit(T_OUT, 5, readable(buf, 512), st);
            submit(T_IN, 5, writable(rbuf, 512), rst);
        });
        assertNotNull(queue.awaitUsed(5000));
        assertNotNull(queue.awaitUsed(5000));
        assertEquals(S_OK, ram.readByte(st));
        assertEquals(S_OK, ram.readByte(rst));
        byte[] back = new byte[512];
        ram.read(rbuf, back, 0, 512);
        assertArrayEquals(sectorContent(5), back);
        assertTrue(line.isAsserted(), "the new instance signalled the completions");
    }

    @Test
    void theStateRoundTripsAndAnUnknownVersionIsRefusedWithTheOldInstanceStillServing() throws Exception {
        long buf = ram.allocate(512, 8);
        long st = ram.allocate(1, 1);
        submit(T_IN, 0, writable(buf, 512), st);
        driver.kick(0);
        assertNotNull(queue.awaitUsed(5000));
        assertTrue(line.isAsserted(), "an interrupt the guest has not acknowledged yet");

        VirtioMmioTransport first = (VirtioMmioTransport) slot.current();
        VirtioMmioTransport refused = newInstance();
        IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
                () -> slot.swap(refused, null, s -> SwapSlot.withVersion(s, 2)));
        assertTrue(e.getMessage().contains("virtio-blk state version 2") && e.getMessage().contains("reads version 1"),
                e.getMessage());
        assertSame(first, slot.current());
        assertTrue(line.isAsserted(), "the refused instance did not take the pending interrupt away");
        submit(T_IN, 1, writable(buf, 512), st);
        driver.kick(0);
        assertNotNull(queue.awaitUsed(5000), "the old instance serves again");

        // A round trip: exported, imported into a fresh instance, exported again: the same value.
        VirtioMmioTransport next = newInstance();
        AtomicReference<DeviceState> exported = new AtomicReference<>();
        slot.swap(next, null, s -> {
            exported.set(s);
            return s;
        });
        next.quiesce();
        assertEquals(exported.get(), next.exportState());
        next.resume();
        assertEquals(VirtioMmioTransport.INTERRUPT_USED_BUFFER, driver.interruptStatus(), "the pending interrupt came");
        assertTrue(line.isAsserted());
        driver.acknowledge(VirtioMmioTransport.INTERRUPT_USED_BUFFER);
        assertFalse(line.isAsserted());
    }
}
