package org.ppc440vm.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.virtio.blk.VirtioBlkDevice.*;
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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.device.InterruptLine;
import org.ppc440vm.virtio.spi.VirtioFeatures;
import org.ppc440vm.virtio.spi.VirtioMmioTransport;
import org.ppc440vm.virtio.testing.DriverQueue;
import org.ppc440vm.virtio.testing.DriverQueue.Buffer;
import org.ppc440vm.virtio.testing.HeapGuestMemory;
import org.ppc440vm.virtio.testing.MockDriver;
import org.ppc440vm.virtio.testing.TestDeviceContext;

class VirtioBlkDeviceTest {
    static final int SECTORS = 2048; // 1 MiB
    static final long FEATURES = VirtioFeatures.VERSION_1 | VirtioFeatures.RING_INDIRECT_DESC
            | VirtioFeatures.RING_EVENT_IDX | F_FLUSH | F_BLK_SIZE | F_SEG_MAX;

    @TempDir
    Path dir;

    Path file;
    BlockImage image;
    VirtioBlkDevice blk;
    VirtioMmioTransport transport;
    HeapGuestMemory ram;
    TestDeviceContext context;
    ThreadLine line;
    MockDriver driver;
    DriverQueue queue;

    /** An interrupt line that records which threads raised it. */
    static final class ThreadLine implements InterruptLine {
        final List<String> raisers = new ArrayList<>();
        volatile boolean level;

        @Override
        public synchronized void set(boolean asserted) {
            if (asserted) {
                raisers.add(Thread.currentThread().getName());
            }
            level = asserted;
        }

        @Override
        public int number() {
            return 20;
        }
    }

    static byte[] pattern(int sectors) {
        byte[] b = new byte[sectors * 512];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7 + i / 512);
        }
        return b;
    }

    void start(boolean readOnly, long features) throws IOException {
        file = dir.resolve("disk.img");
        if (!Files.exists(file)) {
            Files.write(file, pattern(SECTORS));
        }
        image = BlockImage.open(file, readOnly);
        blk = new VirtioBlkDevice("virtio-blk@ef602000", image, null);
        transport = new VirtioMmioTransport("virtio-blk@ef602000", 0xef602000L, 20, blk);
        ram = new HeapGuestMemory(4 << 20);
        line = new ThreadLine();
        context = new TestDeviceContext(ram, line);
        transport.attach(context);
        driver = new MockDriver(transport, ram);
        queue = driver.start(features, 64)[0];
    }

    @AfterEach
    void tearDown() throws IOException {
        if (transport != null) {
            transport.detach();
            image.close();
        }
    }

    long header(int type, long sector) {
        long h = ram.allocate(16, 8);
        ram.writeInt(h, type, org.ppc440vm.api.memory.Endian.LITTLE);
        ram.writeLong(h + 8, sector, org.ppc440vm.api.memory.Endian.LITTLE);
        return h;
    }

    /** Submits a request made of the header, {@code data} and a status byte; returns the status, checks used len. */
    int request(int type, long sector, Buffer[] data, int expectedUsedLength) throws InterruptedException {
        long status = ram.allocate(1, 1);
        ram.writeByte(status, (byte) 0x77);
        Buffer[] chain = new Buffer[data.length + 2];
        chain[0] = readable(header(type, sector), 16);
        System.arraycopy(data, 0, chain, 1, data.length);
        chain[chain.length - 1] = writable(status, 1);
        int head = queue.add(chain);
        driver.kick(0);
        DriverQueue.Used u = queue.awaitUsed(5000);
        assertNotNull(u, "request completed");
        assertEquals(head, u.id);
        if (expectedUsedLength >= 0) {
            assertEquals(expectedUsedLength, u.length);
        }
        return ram.readByte(status);
    }

    byte[] readSectors(long sector, int count) throws InterruptedException {
        long buf = ram.allocate(count * 512L, 8);
        assertEquals(S_OK, request(T_IN, sector, new Buffer[] {writable(buf, count * 512)}, count * 512 + 1));
        byte[] b = new byte[count * 512];
        ram.read(buf, b, 0, b.length);
        return b;
    }

    int writeSectors(long sector, byte[] data) throws InterruptedException {
        long buf = ram.allocate(data.length, 8);
        ram.write(buf, data, 0, data.length);
        return request(T_OUT, sector, new Buffer[] {readable(buf, data.length)}, 1);
    }

    @Test
    void identifiesAsABlockDeviceWithItsCapacity() throws Exception {
        start(false, FEATURES);
        assertEquals(2, driver.read(VirtioMmioTransport.DEVICE_ID));
        long offered = driver.deviceFeatures();
        for (long f : new long[] {F_FLUSH, F_BLK_SIZE, F_SEG_MAX, F_DISCARD, F_WRITE_ZEROES,
                VirtioFeatures.VERSION_1, VirtioFeatures.RING_INDIRECT_DESC, VirtioFeatures.RING_EVENT_IDX}) {
            assertTrue(VirtioFeatures.has(offered, f), Long.toHexString(f));
        }
        assertFalse(VirtioFeatures.has(offered, F_RO));
        assertEquals(SECTORS, driver.configField(0, 8), "capacity");
        assertEquals(SECTORS, driver.configField(0, 4), "low word of capacity");
        assertEquals(0, driver.configField(4, 4), "high word of capacity");
        assertEquals(QUEUE_SIZE - 2, driver.configField(12, 4), "seg_max");
        assertEquals(512, driver.configField(20, 4), "blk_size");
        assertEquals(1, driver.configField(40, 4), "max_discard_seg");
        assertEquals(QUEUE_SIZE, driver.read(VirtioMmioTransport.QUEUE_NUM_MAX));
    }

    @Test
    void readsSectorsScatteredOverSeveralBuffers() throws Exception {
        start(false, FEATURES);
        assertArrayEquals(Arrays.copyOfRange(pattern(SECTORS), 2 * 512, 4 * 512), readSectors(2, 2));
        long a = ram.allocate(512, 8);
        long b = ram.allocate(700, 8);
        long c = ram.allocate(324, 8);
        int st = request(T_IN, 10, new Buffer[] {writable(a, 512), writable(b, 700), writable(c, 324)}, 1536 + 1);
        assertEquals(S_OK, st);
        byte[] got = new byte[1536];
        ram.read(a, got, 0, 512);
        ram.read(b, got, 512, 700);
        ram.read(c, got, 1212, 324);
        assertArrayEquals(Arrays.copyOfRange(pattern(SECTORS), 10 * 512, 13 * 512), got);
    }

    @Test
    void largeRequestsCrossTheStagingBuffer() throws Exception {
        start(false, FEATURES);
        byte[] data = new byte[1024 * 512]; // 512 KiB: two staging rounds
        new java.util.Random(1).nextBytes(data);
        assertEquals(S_OK, writeSectors(100, data));
        assertArrayEquals(data, readSectors(100, 1024));
    }

    @Test
    void writesReachTheFileAndAFlushForcesThemToTheDisk() throws Exception {
        start(false, FEATURES);
        byte[] data = new byte[1024];
        Arrays.fill(data, (byte) 0xA5);
        long forces = image.forceCount();
        assertEquals(S_OK, writeSectors(5, data));
        assertEquals(forces, image.forceCount(), "with FLUSH negotiated the guest runs a write-back cache");
        assertEquals(S_OK, request(T_FLUSH, 0, new Buffer[0], 1));
        assertEquals(forces + 1, image.forceCount(), "the flush completed after forcing the image");
        byte[] onDisk = Files.readAllBytes(file);
        assertArrayEquals(data, Arrays.copyOfRange(onDisk, 5 * 512, 7 * 512));
        assertArrayEquals(Arrays.copyOfRange(pattern(SECTORS), 7 * 512, 8 * 512),
                Arrays.copyOfRange(onDisk, 7 * 512, 8 * 512), "the next sector is untouched");
        assertArrayEquals(data, readSectors(5, 2));
    }

    @Test
    void withoutFlushEveryWriteIsWrittenThrough() throws Exception {
        start(false, FEATURES & ~F_FLUSH);
        long forces = image.forceCount();
        assertEquals(S_OK, writeSectors(1, new byte[512]));
        assertEquals(forces + 1, image.forceCount());
        assertEquals(S_OK, writeSectors(2, new byte[512]));
        assertEquals(forces + 2, image.forceCount());
    }

    @Test
    void requestsAreServedOffTheVcpuThread() throws Exception {
        start(false, FEATURES);
        readSectors(0, 1);
        assertFalse(line.raisers.isEmpty());
        for (String t : line.raisers) {
            assertNotEquals(Thread.currentThread().getName(), t);
            assertTrue(t.startsWith("ppc440vm-virtio-blk"), t);
        }
    }

    @Test
    void outOfRangeAndPartialSectorRequestsFailWithIoErr() throws Exception {
        start(false, FEATURES);
        long buf = ram.allocate(1024, 8);
        assertEquals(S_IOERR, request(T_IN, SECTORS - 1, new Buffer[] {writable(buf, 1024)}, 1));
        assertEquals(S_IOERR, request(T_IN, Long.MAX_VALUE / 256, new Buffer[] {writable(buf, 512)}, 1));
        assertEquals(S_IOERR, request(T_IN, -1, new Buffer[] {writable(buf, 512)}, 1));
        assertEquals(S_IOERR, request(T_IN, 0, new Buffer[] {writable(buf, 100)}, 1));
        assertEquals(S_IOERR, request(T_OUT, SECTORS, new Buffer[] {readable(buf, 512)}, 1));
        assertEquals(S_OK, request(T_IN, SECTORS - 2, new Buffer[] {writable(buf, 1024)}, 1025), "the last sectors");
        assertArrayEquals(pattern(SECTORS), Files.readAllBytes(file), "nothing was written");
    }

    @Test
    void getIdReportsTwentyBytes() throws Exception {
        start(false, FEATURES);
        long buf = ram.allocate(20, 8);
        assertEquals(S_OK, request(T_GET_ID, 0, new Buffer[] {writable(buf, 20)}, 21));
        byte[] id = new byte[20];
        ram.read(buf, id, 0, 20);
        byte[] expected = new byte[20];
        System.arraycopy("disk.img".getBytes(), 0, expected, 0, 8);
        assertArrayEquals(expected, id, "the file name, NUL-padded");
    }

    @Test
    void unknownRequestsAreUnsupported() throws Exception {
        start(false, FEATURES);
        assertEquals(S_UNSUPP, request(99, 0, new Buffer[0], 1));
    }

    long range(long sector, int count, int flags) {
        long r = ram.allocate(16, 8);
        ram.writeLong(r, sector, org.ppc440vm.api.memory.Endian.LITTLE);
        ram.writeInt(r + 8, count, org.ppc440vm.api.memory.Endian.LITTLE);
        ram.writeInt(r + 12, flags, org.ppc440vm.api.memory.Endian.LITTLE);
        return r;
    }

    @Test
    void writeZeroesZeroesAndDiscardIsAHint() throws Exception {
        start(false, FEATURES | F_WRITE_ZEROES | F_DISCARD);
        assertEquals(S_OK, request(T_WRITE_ZEROES, 0, new Buffer[] {readable(range(3, 2, 0), 16)}, 1));
        assertArrayEquals(new byte[1024], readSectors(3, 2));
        assertArrayEquals(Arrays.copyOfRange(pattern(SECTORS), 5 * 512, 6 * 512), readSectors(5, 1));
        assertEquals(S_OK, request(T_DISCARD, 0, new Buffer[] {readable(range(8, 4, 0), 16)}, 1));
        assertEquals(S_UNSUPP, request(T_DISCARD, 0, new Buffer[] {readable(range(8, 4, 1), 16)}, 1),
                "unmap is only for write-zeroes");
        assertEquals(S_IOERR, request(T_WRITE_ZEROES, 0, new Buffer[] {readable(range(SECTORS - 1, 2, 0), 16)}, 1));
        long two = ram.allocate(32, 8);
        assertEquals(S_IOERR, request(T_DISCARD, 0, new Buffer[] {readable(two, 32)}, 1), "max_discard_seg is 1");
    }

    @Test
    void aReadOnlyImageRefusesWrites() throws Exception {
        start(true, FEATURES | F_RO);
        long offered = driver.deviceFeatures();
        assertTrue(VirtioFeatures.has(offered, F_RO));
        assertFalse(VirtioFeatures.has(offered, F_DISCARD));
        assertFalse(VirtioFeatures.has(offered, F_WRITE_ZEROES));
        assertEquals(S_IOERR, writeSectors(0, new byte[512]));
        assertEquals(S_IOERR, request(T_WRITE_ZEROES, 0, new Buffer[] {readable(range(0, 1, 0), 16)}, 1));
        assertEquals(S_OK, request(T_FLUSH, 0, new Buffer[0], 1));
        assertArrayEquals(pattern(SECTORS), Files.readAllBytes(file));
        assertArrayEquals(Arrays.copyOf(pattern(SECTORS), 512), readSectors(0, 1));
    }

    @Test
    void indirectRequestsWork() throws Exception {
        start(false, FEATURES);
        long buf = ram.allocate(512, 8);
        long status = ram.allocate(1, 1);
        int head = queue.addIndirect(readable(header(T_IN, 1), 16), writable(buf, 512), writable(status, 1));
        driver.kick(0);
        DriverQueue.Used u = queue.awaitUsed(5000);
        assertEquals(head, u.id);
        assertEquals(513, u.length);
        assertEquals(S_OK, ram.readByte(status));
        byte[] got = new byte[512];
        ram.read(buf, got, 0, 512);
        assertArrayEquals(Arrays.copyOfRange(pattern(SECTORS), 512, 1024), got);
    }

    void awaitNeedsReset() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while ((driver.status() & MockDriver.NEEDS_RESET) == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
        assertTrue((driver.status() & MockDriver.NEEDS_RESET) != 0, "device needs reset");
    }

    @Test
    void aRequestWithoutHeaderOrStatusNeedsAReset() throws Exception {
        start(false, FEATURES);
        queue.add(readable(ram.allocate(8, 8), 8), writable(ram.allocate(1, 1), 1));
        driver.kick(0);
        awaitNeedsReset();
        assertEquals(1, context.logLines().size(), String.valueOf(context.logLines()));
        assertTrue(context.logLines().get(0).contains("header"), context.logLines().get(0));

        queue = driver.start(FEATURES, 64)[0];
        queue.add(readable(header(T_IN, 0), 16));
        driver.kick(0);
        awaitNeedsReset();
        assertEquals(2, context.logLines().size());
        assertTrue(context.logLines().get(1).contains("status byte"), context.logLines().get(1));
    }

    @Test
    void aHostileChainNeedsAResetAndTheDeviceRecovers() throws Exception {
        start(false, FEATURES);
        queue.writeDescriptor(0, 0x10_0000_0000L, 512, DriverQueue.F_WRITE, 0); // far outside 4 MiB of RAM
        queue.publish(0);
        driver.kick(0);
        awaitNeedsReset();
        assertEquals(1, context.logLines().size());
        assertTrue(context.logLines().get(0).contains("outside guest RAM"));
        assertEquals(0, ram.rejectedAccesses());
        queue = driver.start(FEATURES, 64)[0];
        assertArrayEquals(Arrays.copyOf(pattern(SECTORS), 512), readSectors(0, 1));
    }

    @Test
    void aResetStopsTheWorker() throws Exception {
        start(false, FEATURES);
        readSectors(0, 1);
        assertTrue(workerAlive());
        driver.reset();
        assertFalse(workerAlive(), "the worker was joined by the reset");
        queue = driver.start(FEATURES, 64)[0];
        readSectors(0, 1);
    }

    static boolean workerAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("ppc440vm-virtio-blk") && t.isAlive());
    }

    @Test
    void stateMovesToANewDeviceOnTheSameImage() throws Exception {
        start(false, FEATURES);
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 0x3C);
        writeSectors(7, data);
        transport.quiesce();
        DeviceState s = transport.exportState();
        assertEquals("virtio-blk", s.deviceType());
        assertEquals(file.toAbsolutePath().normalize().toString(), s.getString("blk.file"));
        assertEquals(0, s.getLong("blk.readonly"));
        assertEquals(1, s.getLongs("virtio.queue.nextUsed")[0]);
        assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(file), 7 * 512, 8 * 512),
                "quiesce leaves the image durable");

        BlockImage image2 = BlockImage.open(file, false);
        VirtioMmioTransport t2 = new VirtioMmioTransport("virtio-blk@ef602000", 0xef602000L, 20,
                new VirtioBlkDevice("virtio-blk@ef602000", image2, null));
        t2.attach(new TestDeviceContext(ram, line));
        t2.importState(s);
        driver = new MockDriver(t2, ram);
        try {
            assertArrayEquals(data, readSectors(7, 1), "the new device serves the old queue");
        } finally {
            t2.detach();
            image2.close();
        }

        Path other = dir.resolve("other.img");
        Files.write(other, new byte[1024]);
        try (BlockImage image3 = BlockImage.open(other, false)) {
            VirtioMmioTransport t3 = new VirtioMmioTransport("virtio-blk@ef602000", 0xef602000L, 20,
                    new VirtioBlkDevice("virtio-blk@ef602000", image3, null));
            IncompatibleStateException e = assertThrows(IncompatibleStateException.class, () -> t3.importState(s));
            assertTrue(e.getMessage().contains("other.img"), e.getMessage());
        }
    }

    @Test
    void badImagesAreClearErrorsNamingTheFile() throws Exception {
        Path missing = dir.resolve("missing.img");
        IOException e = assertThrows(IOException.class, () -> BlockImage.open(missing, false));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
        Path odd = dir.resolve("odd.img");
        Files.write(odd, new byte[1000]);
        e = assertThrows(IOException.class, () -> BlockImage.open(odd, false));
        assertTrue(e.getMessage().contains("odd.img") && e.getMessage().contains("not a multiple of 512"),
                e.getMessage());
        Path empty = dir.resolve("empty.img");
        Files.write(empty, new byte[0]);
        e = assertThrows(IOException.class, () -> BlockImage.open(empty, true));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e = assertThrows(IOException.class, () -> BlockImage.open(dir, true));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void theComponentValidatesItsConfiguration() throws Exception {
        Path img = dir.resolve("c.img");
        Files.write(img, new byte[4096]);
        Map<String, Object> config = new HashMap<>();
        config.put("base", "0xef602200");
        config.put("interrupt", "21");
        config.put("file", img.toString());
        config.put("readonly", "on");
        config.put("serial", "my-disk");
        VirtioBlkComponent c = new VirtioBlkComponent();
        c.activate(config);
        try {
            assertEquals("virtio-blk@ef602200", c.name());
            assertEquals(0xef602200L, c.base());
            assertEquals(0x200, c.windowSize());
            assertTrue((c.read(0x010, 4, org.ppc440vm.api.memory.Endian.LITTLE) & F_RO) != 0);
        } finally {
            c.deactivate();
        }

        config.put("file", dir.resolve("nope.img").toString());
        IOException e = assertThrows(IOException.class, () -> new VirtioBlkComponent().activate(config));
        assertTrue(e.getMessage().contains("nope.img"));
        config.remove("file");
        IllegalArgumentException iae = assertThrows(IllegalArgumentException.class,
                () -> new VirtioBlkComponent().activate(config));
        assertTrue(iae.getMessage().contains("'file'"));
        config.put("file", img.toString());
        config.put("readonly", "maybe");
        assertThrows(IllegalArgumentException.class, () -> new VirtioBlkComponent().activate(config));
    }
}
