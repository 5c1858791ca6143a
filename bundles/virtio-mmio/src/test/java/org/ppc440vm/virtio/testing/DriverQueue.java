package org.ppc440vm.virtio.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import org.ppc440vm.api.memory.Endian;

/**
 * The driver's side of one split virtqueue, written from the spec independently of the device-side code so that a
 * layout mistake on either side shows: allocates the descriptor table and the rings in {@link HeapGuestMemory},
 * adds chains (direct or through an indirect table), publishes them, reads the used ring, and can write any raw
 * descriptor to build malformed chains.
 */
public final class DriverQueue {
    public static final int F_NEXT = 1;
    public static final int F_WRITE = 2;
    public static final int F_INDIRECT = 4;

    /** One buffer of a chain: guest address, length, and whether the device writes it. */
    public static final class Buffer {
        public final long address;
        public final int length;
        public final boolean writable;

        private Buffer(long address, int length, boolean writable) {
            this.address = address;
            this.length = length;
            this.writable = writable;
        }
    }

    /** One used-ring element: the chain's head and the bytes the device wrote. */
    public static final class Used {
        public final int id;
        public final int length;

        Used(int id, int length) {
            this.id = id;
            this.length = length;
        }

        @Override
        public String toString() {
            return "used[" + id + ", " + length + "]";
        }
    }

    private final HeapGuestMemory memory;
    private final int size;
    private final long desc;
    private final long avail;
    private final long used;
    private final Deque<Integer> free = new ArrayDeque<>();
    private final Map<Integer, int[]> inFlight = new HashMap<>();
    private int availIdx;
    private int lastUsed;

    /** A queue of {@code size} descriptors with its rings freshly allocated (zeroed) in {@code memory}. */
    public DriverQueue(HeapGuestMemory memory, int size) {
        this.memory = memory;
        this.size = size;
        this.desc = memory.allocate(16L * size, 16);
        this.avail = memory.allocate(6 + 2L * size, 2);
        this.used = memory.allocate(6 + 8L * size, 4);
        for (int i = 0; i < size; i++) {
            free.add(i);
        }
    }

    public static Buffer readable(long address, int length) {
        return new Buffer(address, length, false);
    }

    public static Buffer writable(long address, int length) {
        return new Buffer(address, length, true);
    }

    public int size() {
        return size;
    }

    public long descriptorTable() {
        return desc;
    }

    public long availRing() {
        return avail;
    }

    public long usedRing() {
        return used;
    }

    /** Puts the buffers into free descriptors as one chain and publishes it; returns the head. */
    public int add(Buffer... buffers) {
        if (buffers.length == 0 || buffers.length > free.size()) {
            throw new IllegalStateException("no room for a chain of " + buffers.length);
        }
        int[] ids = new int[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            ids[i] = free.poll();
        }
        for (int i = 0; i < buffers.length; i++) {
            boolean last = i == buffers.length - 1;
            writeDescriptor(ids[i], buffers[i].address, buffers[i].length,
                    (buffers[i].writable ? F_WRITE : 0) | (last ? 0 : F_NEXT), last ? 0 : ids[i + 1]);
        }
        inFlight.put(ids[0], ids);
        publish(ids[0]);
        return ids[0];
    }

    /** Puts the buffers into a fresh indirect table, referenced by one descriptor, and publishes it; returns the head. */
    public int addIndirect(Buffer... buffers) {
        long table = memory.allocate(16L * buffers.length, 16);
        for (int i = 0; i < buffers.length; i++) {
            boolean last = i == buffers.length - 1;
            writeDescriptorAt(table + 16L * i, buffers[i].address, buffers[i].length,
                    (buffers[i].writable ? F_WRITE : 0) | (last ? 0 : F_NEXT), last ? 0 : i + 1);
        }
        int head = free.poll();
        writeDescriptor(head, table, 16 * buffers.length, F_INDIRECT, 0);
        inFlight.put(head, new int[] {head});
        publish(head);
        return head;
    }

    /** Writes descriptor {@code index} of the table as given (for malformed chains). */
    public void writeDescriptor(int index, long address, int length, int flags, int next) {
        writeDescriptorAt(desc + 16L * index, address, length, flags, next);
    }

    /** Writes a descriptor anywhere in RAM (inside an indirect table the test built). */
    public void writeDescriptorAt(long at, long address, int length, int flags, int next) {
        memory.writeLong(at, address, Endian.LITTLE);
        memory.writeInt(at + 8, length, Endian.LITTLE);
        memory.writeShort(at + 12, (short) flags, Endian.LITTLE);
        memory.writeShort(at + 14, (short) next, Endian.LITTLE);
    }

    /** Puts {@code head} into the next available-ring slot and advances the available index. */
    public void publish(int head) {
        memory.writeShort(avail + 4 + 2L * (availIdx % size), (short) head, Endian.LITTLE);
        availIdx = (availIdx + 1) & 0xFFFF;
        memory.writeShort(avail + 2, (short) availIdx, Endian.LITTLE);
    }

    /** Sets the available index to any value (to make it run ahead of the queue). */
    public void setAvailIndex(int idx) {
        availIdx = idx & 0xFFFF;
        memory.writeShort(avail + 2, (short) availIdx, Endian.LITTLE);
    }

    /** Starts both rings' indices at {@code idx} (before the device is activated) to test 16-bit wrap-around. */
    public void startIndicesAt(int idx) {
        setAvailIndex(idx);
        lastUsed = idx & 0xFFFF;
        memory.writeShort(used + 2, (short) idx, Endian.LITTLE);
    }

    public int availIndex() {
        return availIdx;
    }

    /** The used index the device published. */
    public int usedIndex() {
        return memory.readShort(used + 2, Endian.LITTLE) & 0xFFFF;
    }

    /** The next used element not yet taken, or null; frees the chain's descriptors. */
    public Used pollUsed() {
        if (usedIndex() == lastUsed) {
            return null;
        }
        long e = used + 4 + 8L * (lastUsed % size);
        Used u = new Used(memory.readInt(e, Endian.LITTLE), memory.readInt(e + 4, Endian.LITTLE));
        lastUsed = (lastUsed + 1) & 0xFFFF;
        int[] ids = inFlight.remove(u.id);
        if (ids != null) {
            for (int id : ids) {
                free.add(id);
            }
        }
        return u;
    }

    /** Waits up to {@code timeoutMillis} for a used element (for devices that work on their own threads). */
    public Used awaitUsed(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        Used u;
        while ((u = pollUsed()) == null) {
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.sleep(1);
        }
        return u;
    }

    /** VIRTQ_AVAIL_F_NO_INTERRUPT: the driver does not want interrupts (without event indices). */
    public void setNoInterrupt(boolean on) {
        memory.writeShort(avail, (short) (on ? 1 : 0), Endian.LITTLE);
    }

    /** used_event: with event indices, interrupt when the used index passes this. */
    public void setUsedEvent(int idx) {
        memory.writeShort(avail + 4 + 2L * size, (short) idx, Endian.LITTLE);
    }

    /** avail_event the device published: kick when the available index passes it. */
    public int availEvent() {
        return memory.readShort(used + 4 + 8L * size, Endian.LITTLE) & 0xFFFF;
    }

    /** VIRTQ_USED_F_NO_NOTIFY as the device set it. */
    public boolean deviceSuppressesKicks() {
        return (memory.readShort(used, Endian.LITTLE) & 1) != 0;
    }

    /**
     * Whether a driver that just published {@code newIdx} (from {@code oldIdx}) must kick, by the device's
     * avail_event (event indices) or its NO_NOTIFY flag.
     */
    public boolean mustKick(boolean eventIdx, int oldIdx, int newIdx) {
        if (!eventIdx) {
            return !deviceSuppressesKicks();
        }
        int event = availEvent();
        return ((newIdx - event - 1) & 0xFFFF) < ((newIdx - oldIdx) & 0xFFFF);
    }
}
