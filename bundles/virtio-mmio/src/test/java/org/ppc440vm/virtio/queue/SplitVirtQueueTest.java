package org.ppc440vm.virtio.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.virtio.testing.DriverQueue.F_INDIRECT;
import static org.ppc440vm.virtio.testing.DriverQueue.F_NEXT;
import static org.ppc440vm.virtio.testing.DriverQueue.F_WRITE;
import static org.ppc440vm.virtio.testing.DriverQueue.readable;
import static org.ppc440vm.virtio.testing.DriverQueue.writable;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppc440vm.virtio.spi.DescriptorChain;
import org.ppc440vm.virtio.spi.InterruptNotifier;
import org.ppc440vm.virtio.spi.VirtioProtocolException;
import org.ppc440vm.virtio.testing.DriverQueue;
import org.ppc440vm.virtio.testing.HeapGuestMemory;

class SplitVirtQueueTest {
    static final int RAM = 1 << 20;

    HeapGuestMemory ram;
    DriverQueue driver;
    final AtomicInteger signals = new AtomicInteger();
    final InterruptNotifier notifier = new InterruptNotifier() {
        @Override
        public void signalUsedBuffers() {
            signals.incrementAndGet();
        }

        @Override
        public void signalConfigChange() {
        }

        @Override
        public void needsReset(String reason) {
        }

        @Override
        public boolean isNeedsReset() {
            return false;
        }
    };

    @BeforeEach
    void setUp() {
        ram = new HeapGuestMemory(RAM);
        driver = new DriverQueue(ram, 8);
    }

    @AfterEach
    void noAccessEverLeftGuestRam() {
        assertEquals(0, ram.rejectedAccesses(), "the device side tried an access outside guest RAM");
    }

    SplitVirtQueue queue(boolean indirect, boolean eventIdx) {
        return SplitVirtQueue.create(0, driver.size(), 16, ram, driver.descriptorTable(), driver.availRing(),
                driver.usedRing(), indirect, eventIdx, notifier);
    }

    long buffer(String text) {
        long a = ram.allocate(text.length(), 8);
        ram.write(a, text.getBytes(), 0, text.length());
        return a;
    }

    @Test
    void popsAChainWithReadableThenWritableBuffersAndReturnsItThroughTheUsedRing() throws Exception {
        SplitVirtQueue q = queue(false, false);
        assertNull(q.pop());
        long hdr = buffer("HEAD");
        long body = buffer("body-bytes");
        long resp = ram.allocate(6, 8);
        int head = driver.add(readable(hdr, 4), readable(body, 10), writable(resp, 6));
        assertTrue(q.hasAvailable());
        DescriptorChain c = q.pop();
        assertNotNull(c);
        assertEquals(head, c.head());
        assertEquals(3, c.bufferCount());
        assertEquals(2, c.readableCount());
        assertEquals(14, c.readableBytes());
        assertEquals(6, c.writableBytes());
        assertEquals(body, c.address(1));
        assertTrue(c.isWritable(2));
        assertFalse(c.isWritable(1));
        // The request stream crosses buffer boundaries.
        byte[] b = new byte[8];
        assertEquals(8, c.readRequest(2, b, 0, 8));
        assertEquals("ADbody-b", new String(b));
        assertEquals(4, c.readRequest(10, ByteBuffer.allocate(100)), "only 4 bytes left past offset 10");
        assertEquals(6, c.writeResponse(0, "answer-too-long".getBytes(), 0, 15), "as much as fits");
        q.addUsed(c, 6);
        DriverQueue.Used u = driver.pollUsed();
        assertEquals(head, u.id);
        assertEquals(6, u.length);
        byte[] r = new byte[6];
        ram.read(resp, r, 0, 6);
        assertEquals("answer", new String(r));
        assertNull(q.pop());
        assertFalse(q.hasAvailable());
    }

    @Test
    void addUsedChecksWhatTheDeviceClaims() throws Exception {
        SplitVirtQueue q = queue(false, false);
        driver.add(readable(buffer("x"), 1), writable(ram.allocate(4, 4), 4));
        DescriptorChain c = q.pop();
        assertThrows(IllegalArgumentException.class, () -> q.addUsed(c, 5));
        assertThrows(IllegalArgumentException.class, () -> q.addUsed(c, -1));
        q.addUsed(c, 4);
        assertThrows(IllegalStateException.class, () -> q.addUsed(c, 4), "a chain is returned once");
        SplitVirtQueue other = queue(false, false);
        driver.add(readable(buffer("y"), 1));
        DescriptorChain c2 = q.pop();
        assertThrows(IllegalArgumentException.class, () -> other.addUsed(c2, 0));
    }

    @Test
    void sixteenBitIndicesWrapAround() throws Exception {
        driver.startIndicesAt(0xFFFD);
        SplitVirtQueue q = queue(false, false);
        q.restoreIndices(0xFFFD, 0xFFFD, -1);
        long in = buffer("abcd");
        for (int i = 0; i < 6; i++) {
            int head = driver.add(readable(in, 4), writable(ram.allocate(4, 4), 4));
            DescriptorChain c = q.pop();
            assertNotNull(c, "entry " + i);
            assertEquals(head, c.head());
            q.addUsed(c, 4);
            assertEquals(head, driver.pollUsed().id);
        }
        assertEquals(3, q.nextAvail(), "0xFFFD + 6 wraps to 3");
        assertEquals(3, q.nextUsed());
        assertEquals(3, driver.usedIndex());
    }

    @Test
    void indirectTablesAreFollowed() throws Exception {
        SplitVirtQueue q = queue(true, false);
        long resp = ram.allocate(3, 8);
        int head = driver.addIndirect(readable(buffer("one"), 3), readable(buffer("two"), 3), writable(resp, 3));
        DescriptorChain c = q.pop();
        assertEquals(head, c.head());
        assertEquals(3, c.bufferCount());
        assertEquals(2, c.readableCount());
        byte[] b = new byte[6];
        c.readRequest(0, b, 0, 6);
        assertEquals("onetwo", new String(b));
        c.writeResponse(0, "ok!".getBytes(), 0, 3);
        q.addUsed(c, 3);
        assertEquals(head, driver.pollUsed().id);
    }

    @Test
    void withoutEventIdxTheNoInterruptFlagDecidesAndNothingNewMeansNoInterrupt() throws Exception {
        SplitVirtQueue q = queue(false, false);
        assertFalse(q.needsNotification(), "nothing used yet");
        driver.add(readable(buffer("a"), 1));
        q.addUsed(q.pop(), 0);
        assertTrue(q.needsNotification());
        assertFalse(q.needsNotification(), "already signalled");
        driver.setNoInterrupt(true);
        driver.add(readable(buffer("a"), 1));
        q.addUsed(q.pop(), 0);
        q.signalIfNeeded();
        assertEquals(0, signals.get());
        driver.setNoInterrupt(false);
        driver.add(readable(buffer("a"), 1));
        q.addUsed(q.pop(), 0);
        q.signalIfNeeded();
        assertEquals(1, signals.get());
    }

    @Test
    void withEventIdxTheDriverChoosesWhenToHear() throws Exception {
        SplitVirtQueue q = queue(false, true);
        long in = buffer("a");
        driver.setUsedEvent(2); // interrupt when used idx passes 2, i.e. after the third buffer
        for (int i = 0; i < 3; i++) {
            driver.add(readable(in, 1));
        }
        q.addUsed(q.pop(), 0);
        assertTrue(q.needsNotification(), "the first check after activation always signals (no history)");
        q.addUsed(q.pop(), 0);
        assertFalse(q.needsNotification(), "used idx 2 has not passed used_event 2");
        q.addUsed(q.pop(), 0);
        assertTrue(q.needsNotification(), "used idx 3 passed used_event 2");
        // Batches: one interrupt for several buffers when used_event lies inside the batch.
        driver.setUsedEvent(3);
        for (int i = 0; i < 3; i++) {
            driver.add(readable(in, 1));
            q.addUsed(q.pop(), 0);
        }
        assertTrue(q.needsNotification());
        driver.setUsedEvent(3); // driver did not move it: no more interrupts
        driver.add(readable(in, 1));
        q.addUsed(q.pop(), 0);
        assertFalse(q.needsNotification());
    }

    @Test
    void withEventIdxThePoppedPositionIsPublishedAsAvailEvent() throws Exception {
        SplitVirtQueue q = queue(false, true);
        long in = buffer("a");
        assertFalse(q.enableNotification());
        assertEquals(0, driver.availEvent());
        int old = driver.availIndex();
        driver.add(readable(in, 1));
        assertTrue(driver.mustKick(true, old, driver.availIndex()), "avail_event 0 asks for a kick at the first");
        q.disableNotification();
        q.pop();
        assertEquals(0, driver.availEvent(), "while disabled the device leaves avail_event behind");
        old = driver.availIndex();
        driver.add(readable(in, 1));
        assertFalse(driver.mustKick(true, old, driver.availIndex()));
        assertTrue(q.enableNotification(), "a chain arrived while notifications were off");
        assertEquals(1, driver.availEvent());
        q.pop();
        assertFalse(q.enableNotification());
        assertEquals(2, driver.availEvent());
    }

    @Test
    void withoutEventIdxDisablingSetsNoNotify() throws Exception {
        SplitVirtQueue q = queue(false, false);
        q.disableNotification();
        assertTrue(driver.deviceSuppressesKicks());
        driver.add(readable(buffer("a"), 1));
        assertTrue(q.enableNotification());
        assertFalse(driver.deviceSuppressesKicks());
    }

    // ---- a hostile driver ----

    VirtioProtocolException popFails(SplitVirtQueue q, String expected) {
        VirtioProtocolException e = assertThrows(VirtioProtocolException.class, q::pop);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(q.isReady(), "a protocol error stops the queue");
        assertFalse(e.getMessage().contains("\n"), "one line");
        return e;
    }

    @Test
    void aLoopingChain() throws Exception {
        SplitVirtQueue q = queue(false, false);
        long b = ram.allocate(8, 8);
        driver.writeDescriptor(3, b, 8, F_NEXT, 5);
        driver.writeDescriptor(5, b, 8, F_NEXT, 3);
        driver.publish(3);
        popFails(q, "loops");
        // Stopped: nothing more is popped, whatever the driver adds.
        driver.add(readable(b, 8));
        assertNull(q.pop());
    }

    @Test
    void aChainThroughEveryDescriptorAndBack() throws Exception {
        SplitVirtQueue q = queue(false, false);
        long b = ram.allocate(8, 8);
        for (int i = 0; i < 8; i++) {
            driver.writeDescriptor(i, b, 8, F_NEXT, (i + 1) % 8); // longer than the queue, through a cycle of 8
        }
        driver.publish(0);
        popFails(q, "longer than its queue (8 descriptors)");
    }

    @Test
    void aLoopInsideAnIndirectTable() throws Exception {
        SplitVirtQueue q = queue(true, false);
        long b = ram.allocate(8, 8);
        long table = ram.allocate(32, 16);
        driver.writeDescriptorAt(table, b, 8, F_NEXT, 1);
        driver.writeDescriptorAt(table + 16, b, 8, F_NEXT, 0);
        driver.writeDescriptor(0, table, 32, F_INDIRECT, 0);
        driver.publish(0);
        popFails(q, "indirect table");
    }

    @Test
    void buffersOutsideGuestRam() throws Exception {
        SplitVirtQueue q = queue(false, false);
        driver.writeDescriptor(0, RAM - 4, 8, 0, 0); // straddles the end
        driver.publish(0);
        popFails(q, "outside guest RAM");

        setUp();
        q = queue(false, false);
        driver.writeDescriptor(0, 0xFFFF_FFFF_FFFF_F000L, 16, F_WRITE, 0); // wraps around 2^64
        driver.publish(0);
        popFails(q, "outside guest RAM");
    }

    @Test
    void absurdLengths() throws Exception {
        SplitVirtQueue q = queue(false, false);
        driver.writeDescriptor(0, 0x1000, 0xFFFF_FFFF, F_WRITE, 0);
        driver.publish(0);
        popFails(q, "outside guest RAM");

        setUp();
        q = queue(true, false);
        driver.writeDescriptor(0, 0x1000, 24, F_INDIRECT, 0); // not a multiple of 16
        driver.publish(0);
        popFails(q, "indirect table of absurd length 24");
    }

    @Test
    void theAvailableIndexRunsAheadOfTheQueue() throws Exception {
        SplitVirtQueue q = queue(false, false);
        driver.setAvailIndex(9);
        popFails(q, "more than the queue's 8");
    }

    @Test
    void indicesOutsideTheTable() throws Exception {
        SplitVirtQueue q = queue(false, false);
        driver.publish(8);
        popFails(q, "head descriptor 8");

        setUp();
        q = queue(false, false);
        driver.writeDescriptor(0, 0x1000, 8, F_NEXT, 200);
        driver.publish(0);
        popFails(q, "links to descriptor 200");
    }

    @Test
    void indirectMisuse() throws Exception {
        SplitVirtQueue q = queue(false, false);
        long table = ram.allocate(16, 16);
        driver.writeDescriptorAt(table, 0x1000, 8, 0, 0);
        driver.writeDescriptor(0, table, 16, F_INDIRECT, 0);
        driver.publish(0);
        popFails(q, "not negotiated");

        setUp();
        q = queue(true, false);
        table = ram.allocate(16, 16);
        driver.writeDescriptorAt(table, table, 16, F_INDIRECT, 0);
        driver.writeDescriptor(0, table, 16, F_INDIRECT, 0);
        driver.publish(0);
        popFails(q, "nests");

        setUp();
        q = queue(true, false);
        table = ram.allocate(16, 16);
        driver.writeDescriptor(0, table, 16, F_INDIRECT | F_NEXT, 1);
        driver.publish(0);
        popFails(q, "NEXT");

        setUp();
        q = queue(true, false);
        driver.writeDescriptor(0, RAM - 16, 32, F_INDIRECT, 0);
        driver.publish(0);
        popFails(q, "outside guest RAM");
    }

    @Test
    void readableAfterWritable() throws Exception {
        SplitVirtQueue q = queue(false, false);
        driver.writeDescriptor(0, 0x1000, 8, F_WRITE | F_NEXT, 1);
        driver.writeDescriptor(1, 0x1000, 8, 0, 0);
        driver.publish(0);
        popFails(q, "device-readable buffer after a device-writable one");
    }

    @Test
    void randomRingsNeverThrowAnythingButAProtocolErrorNorLeaveRam() {
        java.util.Random r = new java.util.Random(440);
        int chains = 0;
        int errors = 0;
        for (int round = 0; round < 400; round++) {
            setUp();
            SplitVirtQueue q = queue(r.nextBoolean(), r.nextBoolean());
            for (int i = 0; i < 8; i++) {
                // Addresses mostly near RAM, sometimes anywhere; lengths small, sometimes huge.
                long addr = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(RAM + 4096);
                int len = r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(256);
                driver.writeDescriptor(i, addr, len, r.nextInt(8), r.nextInt(4) == 0 ? r.nextInt(65536) : r.nextInt(8));
            }
            for (int i = 0; i < 1 + r.nextInt(8); i++) {
                driver.publish(r.nextInt(4) == 0 ? r.nextInt(65536) : r.nextInt(8));
            }
            try {
                DescriptorChain c;
                while ((c = q.pop()) != null) {
                    chains++;
                    c.readRequest(0, ByteBuffer.allocate((int) Math.min(c.readableBytes(), 4096)));
                    c.writeResponse(0, ByteBuffer.allocate((int) Math.min(c.writableBytes(), 4096)));
                    q.addUsed(c, 0);
                }
            } catch (VirtioProtocolException e) {
                errors++;
            }
        }
        assertTrue(chains > 40 && errors > 40, chains + " chains, " + errors + " protocol errors");
    }

    @Test
    void layoutChecks() {
        assertNull(SplitVirtQueue.checkLayout(0, 8, 16, ram, 0x1000, 0x2000, 0x3000));
        assertTrue(SplitVirtQueue.checkLayout(0, 0, 16, ram, 0x1000, 0x2000, 0x3000).contains("power of two"));
        assertTrue(SplitVirtQueue.checkLayout(0, 8, 16, ram, 0x1000, 0x2001, 0x3000).contains("misaligned"));
        assertTrue(SplitVirtQueue.checkLayout(0, 8, 16, ram, 0x1000, 0x2000, 0x3002).contains("misaligned"));
        assertTrue(SplitVirtQueue.checkLayout(0, 8, 16, ram, RAM - 64, 0x2000, 0x3000).contains("descriptor table"));
        assertTrue(SplitVirtQueue.checkLayout(0, 8, 16, ram, 0x1000, RAM - 2, 0x3000).contains("available ring"));
        assertThrows(IllegalArgumentException.class,
                () -> SplitVirtQueue.create(0, 3, 16, ram, 0x1000, 0x2000, 0x3000, false, false, notifier));
        assertArrayEquals(new int[] {0}, new int[] {SplitVirtQueue.unused(1).size()});
        assertFalse(SplitVirtQueue.unused(1).isReady());
    }
}
