package org.ppc440vm.virtio.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.virtio.spi.VirtioMmioTransport.*;
import static org.ppc440vm.virtio.testing.DriverQueue.readable;
import static org.ppc440vm.virtio.testing.DriverQueue.writable;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.DeviceTreeNode;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.virtio.testing.DriverQueue;
import org.ppc440vm.virtio.testing.HeapGuestMemory;
import org.ppc440vm.virtio.testing.MockDriver;
import org.ppc440vm.virtio.testing.RecordingInterruptLine;
import org.ppc440vm.virtio.testing.SwapSlot;
import org.ppc440vm.virtio.testing.TestDeviceContext;

class VirtioMmioTransportTest {
    static final long FEATURES = VirtioFeatures.VERSION_1 | EchoDevice.OWN_FEATURE;

    HeapGuestMemory ram;
    RecordingInterruptLine line;
    TestDeviceContext context;
    EchoDevice echo;
    VirtioMmioTransport transport;
    MockDriver driver;

    @BeforeEach
    void setUp() {
        ram = new HeapGuestMemory(1 << 20);
        line = new RecordingInterruptLine(20);
        context = new TestDeviceContext(ram, line);
        echo = new EchoDevice();
        transport = new VirtioMmioTransport("virtio-echo@ef602000", 0xef602000L, 20, echo);
        transport.attach(context);
        driver = new MockDriver(transport, ram);
    }

    @Test
    void identificationRegistersAreLittleEndianAndByteReversedForABigEndianLoad() {
        assertEquals(0x74726976L, transport.read(MAGIC_VALUE, 4, Endian.LITTLE));
        assertEquals(0x76697274L, transport.read(MAGIC_VALUE, 4, Endian.BIG), "lwz sees 'virt' as bytes in order");
        assertEquals(2, transport.read(VERSION, 4, Endian.LITTLE));
        assertEquals(0x02000000L, transport.read(VERSION, 4, Endian.BIG));
        assertEquals(EchoDevice.ID, transport.read(DEVICE_ID, 4, Endian.LITTLE));
        assertEquals(VENDOR & 0xFFFF_FFFFL, transport.read(VENDOR_ID, 4, Endian.LITTLE));
        assertEquals(0xFFFF_FFFFL, transport.read(SHM_LEN_LOW, 4, Endian.LITTLE), "no shared memory regions");
    }

    @Test
    void aBigEndianWriteIsByteReversedToo() {
        transport.write(QUEUE_SEL, 4, 0x00000000L, Endian.BIG);
        transport.write(QUEUE_NUM, 4, 0x08000000L, Endian.BIG); // 8 as stored by a plain stw
        assertEquals(8, driver.read(QUEUE_NUM));
    }

    @Test
    void deviceFeaturesThroughTheSelectorWithVersion1AndOnlyImplementedRingBits() {
        long offered = driver.deviceFeatures();
        assertTrue(VirtioFeatures.has(offered, VirtioFeatures.VERSION_1));
        assertTrue(VirtioFeatures.has(offered, EchoDevice.OWN_FEATURE));
        assertTrue(VirtioFeatures.has(offered, VirtioFeatures.RING_INDIRECT_DESC | VirtioFeatures.RING_EVENT_IDX));
        assertFalse(VirtioFeatures.has(offered, VirtioFeatures.bit(34)), "packed rings are not implemented");
        driver.write(DEVICE_FEATURES_SEL, 2);
        assertEquals(0, driver.read(DEVICE_FEATURES), "no feature words past the second");
    }

    @Test
    void featureNegotiationAcceptsASubsetWithVersion1() {
        assertTrue(driver.negotiate(FEATURES));
        assertEquals(MockDriver.ACKNOWLEDGE | MockDriver.DRIVER | MockDriver.FEATURES_OK, driver.status());
        // Frozen after FEATURES_OK.
        driver.write(DRIVER_FEATURES_SEL, 0);
        driver.write(DRIVER_FEATURES, 0);
        assertEquals((int) FEATURES, driver.read(DRIVER_FEATURES));
    }

    @Test
    void featureNegotiationRefusesUnofferedBitsAndLegacyDrivers() {
        assertFalse(driver.negotiate(FEATURES | 1L << 5), "bit 5 was not offered");
        assertEquals(0, driver.status() & MockDriver.FEATURES_OK);
        assertFalse(driver.negotiate(EchoDevice.OWN_FEATURE), "without VERSION_1 there is no device for it");
        assertTrue(driver.negotiate(FEATURES), "after a reset the driver may try again");
    }

    @Test
    void theDeviceIsActivatedAtDriverOkWithTheNegotiatedFeatures() {
        driver.negotiate(FEATURES | VirtioFeatures.RING_EVENT_IDX);
        driver.setupQueue(0, 8);
        assertEquals(0, echo.activations);
        driver.driverOk();
        assertEquals(1, echo.activations);
        assertEquals(FEATURES | VirtioFeatures.RING_EVENT_IDX, echo.activeFeatures);
        assertEquals(1, echo.queues.size());
        assertTrue(echo.queues.get(0).isReady());
        assertEquals(8, echo.queues.get(0).size());
    }

    @Test
    void driverOkWithoutFeaturesOkNeedsAReset() {
        driver.write(STATUS, MockDriver.ACKNOWLEDGE | MockDriver.DRIVER);
        driver.write(STATUS, MockDriver.ACKNOWLEDGE | MockDriver.DRIVER | MockDriver.DRIVER_OK);
        assertEquals(0, echo.activations);
        assertTrue((driver.status() & MockDriver.NEEDS_RESET) != 0);
        assertEquals(0, driver.status() & MockDriver.DRIVER_OK);
        assertEquals(1, context.logLines().size());
    }

    @Test
    void statusZeroResetsEverything() {
        DriverQueue q = driver.start(FEATURES, 8)[0];
        q.add(readable(ram.allocate(4, 4), 4), writable(ram.allocate(4, 4), 4));
        driver.kick(0);
        assertEquals(INTERRUPT_USED_BUFFER, driver.interruptStatus());
        int resets = echo.resets;
        driver.reset();
        assertEquals(1, echo.deactivations);
        assertEquals(resets + 1, echo.resets);
        assertEquals(0, driver.status());
        assertEquals(0, driver.interruptStatus());
        assertFalse(line.isAsserted(), "a reset drops the interrupt");
        assertEquals(0, driver.read(QUEUE_READY));
        assertEquals(0, driver.read(QUEUE_NUM));
        assertEquals(0, driver.read(DRIVER_FEATURES));
        driver.kick(0);
        assertEquals(1, echo.notifies, "a kick to a reset device goes nowhere");
    }

    @Test
    void queueRegistersFollowTheSelectorAndFreezeOnceReady() {
        driver.negotiate(FEATURES);
        assertEquals(16, driver.read(QUEUE_NUM_MAX));
        driver.write(QUEUE_SEL, 1);
        assertEquals(0, driver.read(QUEUE_NUM_MAX), "queue 1 does not exist");
        driver.write(QUEUE_NUM, 8);
        assertEquals(0, driver.read(QUEUE_NUM));
        driver.write(QUEUE_READY, 1);
        assertEquals(0, driver.read(QUEUE_READY));

        DriverQueue q = driver.setupQueue(0, 8);
        assertEquals(1, driver.read(QUEUE_READY));
        assertEquals((int) q.descriptorTable(), driver.read(QUEUE_DESC_LOW));
        assertEquals((int) q.availRing(), driver.read(QUEUE_DRIVER_LOW));
        assertEquals((int) q.usedRing(), driver.read(QUEUE_DEVICE_LOW));
        driver.write(QUEUE_NUM, 4);
        driver.write(QUEUE_DESC_HIGH, 1);
        assertEquals(8, driver.read(QUEUE_NUM), "a ready queue's setup is fixed");
        assertEquals(0, driver.read(QUEUE_DESC_HIGH));
        driver.write(QUEUE_READY, 0);
        driver.write(QUEUE_NUM, 4);
        assertEquals(4, driver.read(QUEUE_NUM), "before DRIVER_OK the driver may take a queue back");
    }

    @Test
    void takingALiveQueueBackStopsItAndReadsBackZero() {
        DriverQueue q = driver.start(FEATURES, 8)[0];
        driver.write(QUEUE_SEL, 0);
        driver.write(QUEUE_READY, 0);
        assertEquals(0, driver.read(QUEUE_READY), "QueueReady reads the last value written");
        assertFalse(echo.queues.get(0).isReady());
        q.add(readable(ram.allocate(4, 4), 4));
        driver.kick(0);
        assertNull(q.pollUsed(), "a stopped queue is not served");
        driver.write(QUEUE_READY, 1);
        assertEquals(0, driver.read(QUEUE_READY), "no re-enabling after DRIVER_OK");
    }

    @Test
    void sixtyFourBitQueueAddressesUseBothHalves() {
        driver.write(QUEUE_SEL, 0);
        driver.write(QUEUE_DESC_LOW, 0x1000);
        driver.write(QUEUE_DESC_HIGH, 0x2);
        assertEquals(0x1000, driver.read(QUEUE_DESC_LOW));
        assertEquals(0x2, driver.read(QUEUE_DESC_HIGH));
    }

    @Test
    void badQueueSetupsNeedAResetWithOneLogLine() {
        long ok = ram.allocate(4096, 16);
        String[] expected = {"not a power of two", "not a power of two", "misaligned", "outside guest RAM"};
        long[][] setups = {
            {6, ok, ok + 256, ok + 512},               // size not a power of two
            {32, ok, ok + 1024, ok + 2048},            // larger than QueueNumMax (16)
            {8, ok + 8, ok + 256, ok + 512},           // descriptor table not 16-aligned
            {8, ok, ok + 256, (1 << 20) - 16},         // used ring runs off the end of RAM
        };
        for (int i = 0; i < setups.length; i++) {
            driver.negotiate(FEATURES);
            int before = context.logLines().size();
            driver.program(0, (int) setups[i][0], setups[i][1], setups[i][2], setups[i][3]);
            assertEquals(0, driver.read(QUEUE_READY), "setup " + i);
            assertTrue((driver.status() & MockDriver.NEEDS_RESET) != 0, "setup " + i);
            assertEquals(before + 1, context.logLines().size(), "setup " + i);
            assertTrue(context.logLines().get(before).contains(expected[i]), context.logLines().get(before));
        }
        assertEquals(0, ram.rejectedAccesses(), "no access left guest RAM");
    }

    @Test
    void usedBuffersRaiseTheLineUntilAcknowledged() {
        DriverQueue q = driver.start(FEATURES, 8)[0];
        long in = ram.allocate(16, 8);
        long out = ram.allocate(16, 8);
        ram.write(in, "hello, virtio!!!".getBytes(), 0, 16);
        int head = q.add(readable(in, 16), writable(out, 16));
        assertFalse(line.isAsserted());
        driver.kick(0);
        DriverQueue.Used u = q.pollUsed();
        assertNotNull(u);
        assertEquals(head, u.id);
        assertEquals(16, u.length);
        byte[] echoed = new byte[16];
        ram.read(out, echoed, 0, 16);
        assertEquals("hello, virtio!!!", new String(echoed));
        assertEquals(INTERRUPT_USED_BUFFER, driver.interruptStatus());
        assertTrue(line.isAsserted());
        driver.acknowledge(INTERRUPT_USED_BUFFER);
        assertEquals(0, driver.interruptStatus());
        assertFalse(line.isAsserted());
    }

    @Test
    void kicksOnlyReachAnActiveDeviceAndAnExistingQueue() {
        driver.negotiate(FEATURES);
        driver.setupQueue(0, 8);
        driver.kick(0);
        assertEquals(0, echo.notifies, "not active before DRIVER_OK");
        driver.driverOk();
        driver.kick(1);
        driver.kick(-1);
        assertEquals(0, echo.notifies);
        driver.kick(0);
        assertEquals(1, echo.notifies);
    }

    @Test
    void configSpaceInEveryWidthAndBothByteOrders() {
        assertEquals(0x01, transport.read(CONFIG, 1, Endian.LITTLE));
        assertEquals(0x0201, transport.read(CONFIG, 2, Endian.LITTLE));
        assertEquals(0x0102, transport.read(CONFIG, 2, Endian.BIG));
        assertEquals(0x08070605L, transport.read(CONFIG + 4, 4, Endian.LITTLE));
        assertEquals(0x05060708L, transport.read(CONFIG + 4, 4, Endian.BIG));
        assertEquals(0x0807060504030201L, transport.read(CONFIG, 8, Endian.LITTLE));
        transport.write(CONFIG + 2, 2, 0xBBAA, Endian.LITTLE);
        assertArrayEquals(new byte[] {1, 2, (byte) 0xAA, (byte) 0xBB, 5, 6, 7, 8}, echo.config);
        transport.write(CONFIG + 2, 2, 0xBBAA, Endian.BIG);
        assertArrayEquals(new byte[] {1, 2, (byte) 0xBB, (byte) 0xAA, 5, 6, 7, 8}, echo.config);
    }

    @Test
    void configAccessesOutsideTheSpaceAreIgnoredAndLoggedOnce() {
        assertEquals(0, transport.read(CONFIG + 6, 4, Endian.LITTLE), "runs past the 8 bytes");
        transport.write(CONFIG + 8, 1, 0xFF, Endian.LITTLE);
        assertEquals(0, transport.read(CONFIG + 1, 3, Endian.LITTLE), "no 3-byte accesses");
        assertEquals(1, context.logLines().size());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, echo.config);
    }

    @Test
    void registersWantAlignedWordAccesses() {
        assertEquals(0, transport.read(MAGIC_VALUE, 2, Endian.LITTLE));
        assertEquals(0, transport.read(MAGIC_VALUE + 1, 4, Endian.LITTLE));
        transport.write(STATUS, 1, MockDriver.ACKNOWLEDGE, Endian.LITTLE);
        assertEquals(0, driver.status());
        assertEquals(1, context.logLines().size(), "one line, however many bad accesses");
    }

    @Test
    void aConfigChangeBumpsTheGenerationAndInterrupts() {
        driver.start(FEATURES, 8);
        int gen = driver.read(CONFIG_GENERATION);
        echo.notifier.signalConfigChange();
        assertEquals(gen + 1, driver.read(CONFIG_GENERATION));
        assertEquals(INTERRUPT_CONFIG_CHANGE, driver.interruptStatus());
        assertTrue(line.isAsserted());
        driver.acknowledge(INTERRUPT_CONFIG_CHANGE);
        assertFalse(line.isAsserted());
    }

    @Test
    void aMalformedChainPutsTheDeviceIntoNeedsResetWithOneLogLine() {
        DriverQueue q = driver.start(FEATURES, 8)[0];
        long buf = ram.allocate(16, 8);
        q.writeDescriptor(0, buf, 16, DriverQueue.F_NEXT, 1);
        q.writeDescriptor(1, buf, 16, DriverQueue.F_NEXT, 0); // 0 -> 1 -> 0 -> ...
        q.publish(0);
        driver.kick(0);
        driver.kick(0);
        assertTrue((driver.status() & MockDriver.NEEDS_RESET) != 0);
        assertEquals(1, context.logLines().size(), String.valueOf(context.logLines()));
        assertTrue(context.logLines().get(0).contains("loops"), context.logLines().get(0));
        assertEquals(INTERRUPT_CONFIG_CHANGE, driver.interruptStatus() & INTERRUPT_CONFIG_CHANGE,
                "after DRIVER_OK the driver hears of it through a configuration change");
        assertFalse(echo.queues.get(0).isReady(), "the queue is stopped");
        // The driver recovers with a reset.
        DriverQueue again = driver.start(FEATURES, 8)[0];
        assertEquals(0, driver.status() & MockDriver.NEEDS_RESET);
        again.add(readable(buf, 4), writable(buf + 8, 4));
        driver.kick(0);
        assertNotNull(again.pollUsed());
    }

    @Test
    void aFailingDeviceNeverThrowsIntoTheVcpu() {
        driver.start(FEATURES, 8);
        echo.throwOnNotify = new IllegalStateException("backend exploded");
        driver.kick(0); // must not throw
        assertTrue((driver.status() & MockDriver.NEEDS_RESET) != 0);
        assertEquals(1, context.logLines().size());
        assertTrue(context.logLines().get(0).contains("backend exploded"));
    }

    @Test
    void randomRegisterTrafficNeverThrowsNorLeavesRam() {
        java.util.Random r = new java.util.Random(44);
        for (int i = 0; i < 20_000; i++) {
            long offset = r.nextInt(0x200);
            int size = new int[] {1, 2, 4, 8}[r.nextInt(4)];
            Endian order = r.nextBoolean() ? Endian.LITTLE : Endian.BIG;
            if (r.nextInt(3) == 0) {
                transport.read(offset, size, order);
            } else {
                // Bias towards the registers that matter, with plausible values.
                int[] regs = {STATUS, QUEUE_SEL, QUEUE_NUM, QUEUE_READY, QUEUE_NOTIFY, DRIVER_FEATURES,
                        DRIVER_FEATURES_SEL, QUEUE_DESC_LOW, QUEUE_DRIVER_LOW, QUEUE_DEVICE_LOW, INTERRUPT_ACK};
                if (r.nextBoolean()) {
                    offset = regs[r.nextInt(regs.length)];
                    size = 4;
                    order = Endian.LITTLE;
                }
                long value = r.nextBoolean() ? r.nextInt(16) : r.nextInt(1 << 20) & ~15;
                transport.write(offset, size, value, order);
            }
            if (r.nextInt(50) == 0) {
                // Scribble over the rings the driver may have set up.
                ram.writeLong(0x1000 + r.nextInt(0x4000), r.nextLong(), Endian.LITTLE);
            }
        }
        assertEquals(0, ram.rejectedAccesses());
    }

    @Test
    void stateRoundTripsIntoANewTransportThatGoesOnWhereTheOldStopped() throws Exception {
        DriverQueue q = driver.start(FEATURES | VirtioFeatures.RING_EVENT_IDX, 8)[0];
        long in = ram.allocate(4, 4);
        long out = ram.allocate(4, 4);
        for (int i = 0; i < 3; i++) {
            q.add(readable(in, 4), writable(out, 4));
            driver.kick(0);
            assertNotNull(q.pollUsed());
        }
        driver.write(QUEUE_SEL, 0);
        transport.quiesce();
        assertEquals(1, echo.deactivations);
        DeviceState state = transport.exportState();
        assertEquals("virtio-echo", state.deviceType());
        assertEquals(3, state.getLongs("virtio.queue.nextAvail")[0]);
        assertEquals(3, state.getLongs("virtio.queue.nextUsed")[0]);
        assertEquals(INTERRUPT_USED_BUFFER, state.getLong("virtio.interruptStatus"));

        EchoDevice echo2 = new EchoDevice();
        VirtioMmioTransport t2 = new VirtioMmioTransport("virtio-echo@ef602000", 0xef602000L, 20, echo2);
        RecordingInterruptLine line2 = new RecordingInterruptLine(20);
        t2.attach(new TestDeviceContext(ram, line2));
        t2.importState(state);
        assertEquals("m1", echo2.importedMark);
        assertEquals(1, echo2.activations, "an imported live device is active at once");
        assertTrue(line2.isAsserted(), "the pending interrupt came along");
        t2.quiesce();
        assertEquals(state, t2.exportState(), "export after import gives the same value");
        t2.resume();

        MockDriver d2 = new MockDriver(t2, ram);
        assertEquals(driver.status(), d2.status());
        assertEquals(8, d2.read(QUEUE_NUM));
        q.add(readable(in, 4), writable(out, 4));
        d2.kick(0);
        DriverQueue.Used u = q.pollUsed();
        assertNotNull(u, "the new device continues at available index 3");
        assertEquals(4, q.usedIndex());
    }

    @Test
    void resumeAfterARefusedSwapServesWhatArrivedMeanwhile() {
        DriverQueue q = driver.start(FEATURES, 8)[0];
        transport.quiesce();
        long b = ram.allocate(8, 8);
        q.add(readable(b, 4), writable(b + 4, 4));
        driver.kick(0);
        assertNull(q.pollUsed(), "a quiesced device takes no new work");
        transport.resume();
        assertEquals(2, echo.activations);
        assertNotNull(q.pollUsed());
    }

    @Test
    void importRefusesAnotherDeviceTypeOrTransportVersion() {
        driver.start(FEATURES, 8);
        transport.quiesce();
        DeviceState good = transport.exportState();
        VirtioMmioTransport t2 = new VirtioMmioTransport("x", 0, 20, new EchoDevice());
        DeviceState other = DeviceState.builder("virtio-net", 1).put("virtio.transport.version", 1).build();
        assertThrows(IncompatibleStateException.class, () -> t2.importState(other));
        DeviceState.Builder b = DeviceState.builder("virtio-echo", 1);
        for (String f : good.fieldNames()) {
            if (f.equals("virtio.transport.version")) {
                b.put(f, 99L);
            }
        }
        IncompatibleStateException e = assertThrows(IncompatibleStateException.class, () -> t2.importState(b.build()));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
        DeviceState missing = DeviceState.builder("virtio-echo", 1).put("virtio.transport.version", 1).build();
        assertThrows(IncompatibleStateException.class, () -> t2.importState(missing));
    }

    @Test
    void aSwapInTheBoardsOrderCarriesThePendingInterruptOnTheSharedLine() throws Exception {
        // The board's order: the new instance is attached (to the same line) before it imports the state, and the
        // old one is detached only after the switch. Neither step may drop the interrupt the guest has pending.
        SwapSlot slot = new SwapSlot(transport, context);
        MockDriver d = new MockDriver(slot, ram);
        DriverQueue q = d.start(FEATURES, 8)[0];
        long in = ram.allocate(4, 4);
        long out = ram.allocate(4, 4);
        q.add(readable(in, 4), writable(out, 4));
        d.kick(0);
        assertNotNull(q.pollUsed());
        assertTrue(line.isAsserted());

        EchoDevice echo2 = new EchoDevice();
        VirtioMmioTransport t2 = new VirtioMmioTransport("virtio-echo@ef602000", 0xef602000L, 20, echo2);
        slot.swap(t2, null);
        assertTrue(line.isAsserted(), "still pending after the old instance was detached");
        assertEquals(INTERRUPT_USED_BUFFER, d.interruptStatus(), "the new instance reports it");
        assertEquals(1, echo2.activations);
        d.acknowledge(INTERRUPT_USED_BUFFER);
        assertFalse(line.isAsserted(), "and lowers it when the guest acknowledges");

        int before = echo.notifies;
        transport.write(QUEUE_NOTIFY, 4, 0, Endian.LITTLE);
        transport.write(STATUS, 4, 0, Endian.LITTLE);
        assertEquals(before, echo.notifies, "the old instance is inert after detach");
        assertEquals(DRIVER_OK_STATUS, transport.read(STATUS, 4, Endian.LITTLE), "a reset did not reach it");
    }

    static final int DRIVER_OK_STATUS = STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK;

    @Test
    void aRefusedSwapLeavesTheOldInstanceServingWithItsInterruptPending() throws Exception {
        SwapSlot slot = new SwapSlot(transport, context);
        MockDriver d = new MockDriver(slot, ram);
        DriverQueue q = d.start(FEATURES, 8)[0];
        long b = ram.allocate(8, 8);
        q.add(readable(b, 4), writable(b + 4, 4));
        d.kick(0);
        assertNotNull(q.pollUsed());
        assertTrue(line.isAsserted());

        VirtioMmioTransport t2 = new VirtioMmioTransport("virtio-echo@ef602000", 0xef602000L, 20, new EchoDevice());
        IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
                () -> slot.swap(t2, null, s -> SwapSlot.withVersion(s, 7)));
        assertTrue(e.getMessage().contains("version 7") && e.getMessage().contains("reads version 1"),
                e.getMessage());
        assertSame(transport, slot.current());
        assertEquals(0, slot.swaps());
        assertTrue(line.isAsserted(), "the refused instance neither lowered the line at attach nor at detach");
        assertEquals(2, echo.activations, "the old instance resumed");
        q.add(readable(b, 4), writable(b + 4, 4));
        d.kick(0);
        assertNotNull(q.pollUsed(), "and serves");
    }

    @Test
    void workQueuedWhileTheSlotIsLockedIsServedByTheNewInstanceWithoutAKick() throws Exception {
        SwapSlot slot = new SwapSlot(transport, context);
        MockDriver d = new MockDriver(slot, ram);
        DriverQueue q = d.start(FEATURES | VirtioFeatures.RING_EVENT_IDX, 8)[0];
        long b = ram.allocate(64, 8);
        EchoDevice echo2 = new EchoDevice();
        VirtioMmioTransport t2 = new VirtioMmioTransport("virtio-echo@ef602000", 0xef602000L, 20, echo2);
        // The guest publishes two chains while the swap holds the slot: its kicks would wait, so none is made.
        slot.swap(t2, () -> {
            q.add(readable(b, 4), writable(b + 8, 4));
            q.add(readable(b + 16, 4), writable(b + 24, 4));
        });
        assertNotNull(q.pollUsed());
        assertNotNull(q.pollUsed());
        assertEquals(2, q.usedIndex());
        assertEquals(0, echo.notifies, "the old instance took nothing after its quiesce");
    }

    @Test
    void deviceTreeNodeAndWindow() {
        DeviceTreeNode n = transport.deviceTreeNode();
        assertEquals("virtio_mmio@ef602000", n.name());
        assertArrayEquals("virtio,mmio\0".getBytes(), n.properties().get("compatible"));
        assertArrayEquals(new byte[] {(byte) 0xef, 0x60, 0x20, 0, 0, 0, 2, 0}, n.properties().get("reg"));
        assertArrayEquals(new byte[] {0, 0, 0, 20, 0, 0, 0, 4}, n.properties().get("interrupts"));
        assertEquals(0x200, transport.windowSize());
    }
}
