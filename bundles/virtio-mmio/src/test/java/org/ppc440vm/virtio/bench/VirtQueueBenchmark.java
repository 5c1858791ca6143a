package org.ppc440vm.virtio.bench;

import static org.ppc440vm.virtio.testing.DriverQueue.readable;
import static org.ppc440vm.virtio.testing.DriverQueue.writable;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.ppc440vm.virtio.queue.SplitVirtQueue;
import org.ppc440vm.virtio.spi.DescriptorChain;
import org.ppc440vm.virtio.spi.InterruptNotifier;
import org.ppc440vm.virtio.spi.VirtioProtocolException;
import org.ppc440vm.virtio.testing.DriverQueue;
import org.ppc440vm.virtio.testing.HeapGuestMemory;

/**
 * The device side of a split virtqueue per request, with the mock driver's rings in heap guest memory: the driver
 * re-publishes a chain it built once (two little-endian stores), the device pops it (reads and checks the
 * descriptors), returns it through the used ring and decides about the interrupt.
 *
 * <ul>
 * <li>{@code popPush}: a virtio-blk shaped chain (16-byte header readable, 4 KiB data and 1-byte status writable),
 * descriptors only, no payload copied.</li>
 * <li>{@code popCopy4kPush}: the same chain with the header read and 4 KiB + status written, as a block read does.</li>
 * <li>{@code popPushIndirect}: the same three buffers through one indirect descriptor.</li>
 * </ul>
 *
 * Run with {@code bundles/virtio-mmio/bench.sh} (not part of the test run).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VirtQueueBenchmark {
    static final int QUEUE_SIZE = 256;

    private final byte[] header = new byte[16];
    private final byte[] data = new byte[4096];
    private final byte[] status = {0};
    private DriverQueue driver;
    private SplitVirtQueue queue;
    private int direct;
    private int indirect;
    private int interrupts;

    @Setup
    public void setUp() throws VirtioProtocolException {
        HeapGuestMemory ram = new HeapGuestMemory(1 << 20);
        driver = new DriverQueue(ram, QUEUE_SIZE);
        InterruptNotifier notifier = new InterruptNotifier() {
            @Override
            public void signalUsedBuffers() {
                interrupts++;
            }

            @Override
            public void signalConfigChange() {
            }

            @Override
            public void needsReset(String reason) {
                throw new IllegalStateException(reason);
            }

            @Override
            public boolean isNeedsReset() {
                return false;
            }
        };
        queue = SplitVirtQueue.create(0, QUEUE_SIZE, QUEUE_SIZE, ram, driver.descriptorTable(), driver.availRing(),
                driver.usedRing(), true, false, notifier);
        long hdr = ram.allocate(16, 16);
        long buf = ram.allocate(4096, 4096);
        long st = ram.allocate(1, 1);
        // Build each chain once and hand it back, so the benchmark only re-publishes its head.
        direct = driver.add(readable(hdr, 16), writable(buf, 4096), writable(st, 1));
        complete(queue.pop());
        indirect = driver.addIndirect(readable(hdr, 16), writable(buf, 4096), writable(st, 1));
        complete(queue.pop());
        if (driver.usedIndex() != 2) {
            throw new IllegalStateException("the device did not return both setup chains");
        }
    }

    private void complete(DescriptorChain c) {
        if (c == null || c.bufferCount() != 3 || c.writableBytes() != 4097) {
            throw new IllegalStateException("unexpected chain " + c);
        }
        queue.addUsed(c, 0);
    }

    @Benchmark
    public int popPush() throws VirtioProtocolException {
        driver.publish(direct);
        DescriptorChain c = queue.pop();
        queue.addUsed(c, 0);
        queue.signalIfNeeded();
        return c.head();
    }

    @Benchmark
    public int popCopy4kPush() throws VirtioProtocolException {
        driver.publish(direct);
        DescriptorChain c = queue.pop();
        c.readRequest(0, header, 0, header.length);
        c.writeResponse(0, data, 0, data.length);
        c.writeResponse(data.length, status, 0, 1);
        queue.addUsed(c, data.length + 1);
        queue.signalIfNeeded();
        return c.head();
    }

    @Benchmark
    public int popPushIndirect() throws VirtioProtocolException {
        driver.publish(indirect);
        DescriptorChain c = queue.pop();
        queue.addUsed(c, 0);
        queue.signalIfNeeded();
        return c.head();
    }
}
