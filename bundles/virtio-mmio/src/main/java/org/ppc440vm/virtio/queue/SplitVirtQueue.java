package org.ppc440vm.virtio.queue;

import static org.ppc440vm.virtio.queue.SplitRing.*;

import java.lang.invoke.VarHandle;

import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.api.memory.GuestMemory;
import org.ppc440vm.api.memory.GuestMemoryException;
import org.ppc440vm.virtio.spi.DescriptorChain;
import org.ppc440vm.virtio.spi.InterruptNotifier;
import org.ppc440vm.virtio.spi.VirtQueue;
import org.ppc440vm.virtio.spi.VirtioProtocolException;

/**
 * The device side of a split virtqueue in guest RAM (virtio 1.2, 2.7).
 *
 * <p>Everything read from the rings is distrusted: the available index may not run more than {@link #size()}
 * entries ahead, heads and next indices must be inside their table, a chain may not visit more descriptors than
 * its table holds (which also catches loops), every buffer must lie inside guest RAM, and the readable and
 * writable totals must each fit the 32-bit used length. The ring areas themselves were checked when the queue was
 * made, so the device's own ring accesses cannot fail. The first violation stops the queue and is reported as a
 * {@link VirtioProtocolException} with a one-line reason.
 *
 * <p>Memory ordering against the driver on the vCPU thread follows the spec's barriers: an acquire fence after
 * reading the available index (before the ring entry and descriptors), a release fence before publishing the used
 * index, and a full fence between publishing and reading the driver's suppression fields.
 */
public final class SplitVirtQueue implements VirtQueue {

    /** Largest total of one direction of a chain: the used ring reports lengths as 32-bit values. */
    public static final long MAX_DIRECTION_BYTES = 0xFFFF_FFFFL;

    /** Largest indirect table accepted, in descriptors (its next fields are 16-bit). */
    public static final int MAX_INDIRECT_DESCRIPTORS = 65536;

    private final int index;
    private final int size;
    private final int mask;
    private final GuestMemory memory;
    private final long descTable;
    private final long availRing;
    private final long usedRing;
    private final boolean indirectAllowed;
    private final boolean eventIdx;
    private final InterruptNotifier notifier;

    private volatile boolean ready;
    /** Free-running 16-bit counters (kept in an int, always masked to 16 bits). */
    private volatile int nextAvail;
    private volatile int nextUsed;
    /** The used index at the last interrupt the queue asked for; valid once one was asked for. */
    private int signalledUsed;
    private boolean signalledValid;
    /** Used buffers were added since {@link #needsNotification()} last looked: without any, no interrupt. */
    private boolean addedSinceCheck;
    private boolean notificationEnabled = true;

    private SplitVirtQueue(int index, int size, GuestMemory memory, long descTable, long availRing, long usedRing,
            boolean indirectAllowed, boolean eventIdx, InterruptNotifier notifier) {
        this.index = index;
        this.size = size;
        this.mask = size - 1;
        this.memory = memory;
        this.descTable = descTable;
        this.availRing = availRing;
        this.usedRing = usedRing;
        this.indirectAllowed = indirectAllowed;
        this.eventIdx = eventIdx;
        this.notifier = notifier;
        this.ready = size > 0;
    }

    /**
     * Why a driver's queue setup cannot be used, or null when it can: size a power of two up to {@code maxSize},
     * each part aligned and wholly inside guest RAM.
     */
    public static String checkLayout(int index, int size, int maxSize, GuestMemory memory, long descTable,
            long availRing, long usedRing) {
        String q = "queue " + index + ": ";
        if (!isPowerOfTwo(size) || size > maxSize) {
            return q + "size " + size + " is not a power of two in 1-" + maxSize;
        }
        if ((descTable & (DESC_ALIGN - 1)) != 0 || (availRing & (AVAIL_ALIGN - 1)) != 0
                || (usedRing & (USED_ALIGN - 1)) != 0) {
            return q + String.format("ring addresses desc 0x%x, avail 0x%x, used 0x%x are misaligned", descTable,
                    availRing, usedRing);
        }
        if (!memory.contains(descTable, descriptorTableBytes(size))) {
            return q + String.format("descriptor table 0x%x+%d is outside guest RAM", descTable,
                    descriptorTableBytes(size));
        }
        if (!memory.contains(availRing, availRingBytes(size))) {
            return q + String.format("available ring 0x%x+%d is outside guest RAM", availRing, availRingBytes(size));
        }
        if (!memory.contains(usedRing, usedRingBytes(size))) {
            return q + String.format("used ring 0x%x+%d is outside guest RAM", usedRing, usedRingBytes(size));
        }
        return null;
    }

    /**
     * A ready queue over a layout {@link #checkLayout} accepted.
     *
     * @param features the negotiated features: whether indirect descriptors and event indices are in use
     * @throws IllegalArgumentException the layout is not acceptable (the caller should have checked)
     */
    public static SplitVirtQueue create(int index, int size, int maxSize, GuestMemory memory, long descTable,
            long availRing, long usedRing, boolean indirect, boolean eventIdx, InterruptNotifier notifier) {
        String problem = checkLayout(index, size, maxSize, memory, descTable, availRing, usedRing);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new SplitVirtQueue(index, size, memory, descTable, availRing, usedRing, indirect, eventIdx, notifier);
    }

    /** A queue the driver did not set up: never ready, pops nothing. */
    public static SplitVirtQueue unused(int index) {
        return new SplitVirtQueue(index, 0, null, 0, 0, 0, false, false, null);
    }

    /** Continues from saved indices (a resumed or imported queue). {@code signalledUsed} &lt; 0: none yet. */
    public void restoreIndices(int nextAvail, int nextUsed, int signalledUsed) {
        this.nextAvail = nextAvail & 0xFFFF;
        this.nextUsed = nextUsed & 0xFFFF;
        this.signalledValid = signalledUsed >= 0;
        this.signalledUsed = signalledUsed & 0xFFFF;
    }

    /** The used index at the last interrupt asked for, or -1. */
    public int signalledUsed() {
        return signalledValid ? signalledUsed : -1;
    }

    /** Stops the queue for good (the device needs a reset): it pops nothing more. */
    public void stop() {
        ready = false;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public int nextAvail() {
        return nextAvail;
    }

    @Override
    public int nextUsed() {
        return nextUsed;
    }

    @Override
    public boolean hasAvailable() throws VirtioProtocolException {
        return ready && pending() != 0;
    }

    /** Entries the driver published that the device has not popped; checked against the queue size. */
    private int pending() throws VirtioProtocolException {
        int availIdx = memory.readShort(availRing + AVAIL_IDX, Endian.LITTLE) & 0xFFFF;
        int pending = (availIdx - nextAvail) & 0xFFFF;
        if (pending > size) {
            throw fail("available index " + availIdx + " is " + pending + " entries ahead of the device's "
                    + nextAvail + ", more than the queue's " + size);
        }
        return pending;
    }

    @Override
    public DescriptorChain pop() throws VirtioProtocolException {
        if (!ready) {
            return null;
        }
        try {
            if (pending() == 0) {
                return null;
            }
            // The ring entry and the descriptors were written before the index: read them after it.
            VarHandle.acquireFence();
            int slot = nextAvail & mask;
            int head = memory.readShort(availRing + AVAIL_RING + 2L * slot, Endian.LITTLE) & 0xFFFF;
            CheckedDescriptorChain chain = walk(head);
            nextAvail = (nextAvail + 1) & 0xFFFF;
            if (eventIdx && notificationEnabled) {
                publishAvailEvent();
            }
            return chain;
        } catch (GuestMemoryException e) {
            // Cannot happen for checked rings and buffers; if it does, it is still the guest's doing.
            throw fail("guest memory access failed: " + e.getMessage());
        }
    }

    /** Follows the chain from {@code head}, checking every descriptor. */
    private CheckedDescriptorChain walk(int head) throws VirtioProtocolException {
        if (head >= size) {
            throw fail("available ring names head descriptor " + head + ", beyond the queue's " + size);
        }
        CheckedDescriptorChain chain = new CheckedDescriptorChain(this, memory, head);
        long table = descTable;
        int tableSize = size;
        boolean inIndirect = false;
        boolean seenWritable = false;
        int visited = 0;
        int i = head;
        long readable = 0;
        long writable = 0;
        while (true) {
            if (++visited > tableSize) {
                throw fail("descriptor chain at head " + head + " loops or is longer than its "
                        + (inIndirect ? "indirect table" : "queue") + " (" + tableSize + " descriptors)");
            }
            long d = table + (long) DESCRIPTOR_SIZE * i;
            long addr = memory.readLong(d + DESC_ADDR, Endian.LITTLE);
            long len = Integer.toUnsignedLong(memory.readInt(d + DESC_LEN, Endian.LITTLE));
            int flags = memory.readShort(d + DESC_FLAGS, Endian.LITTLE) & 0xFFFF;
            int next = memory.readShort(d + DESC_NEXT, Endian.LITTLE) & 0xFFFF;
            if ((flags & F_INDIRECT) != 0) {
                if (!indirectAllowed) {
                    throw fail("descriptor chain at head " + head + " uses an indirect table, which was not "
                            + "negotiated");
                }
                if (inIndirect) {
                    throw fail("descriptor chain at head " + head + " nests an indirect table in another");
                }
                if ((flags & F_NEXT) != 0) {
                    throw fail("descriptor chain at head " + head + " has an indirect descriptor with NEXT set");
                }
                if (len == 0 || len % DESCRIPTOR_SIZE != 0 || len / DESCRIPTOR_SIZE > MAX_INDIRECT_DESCRIPTORS) {
                    throw fail("descriptor chain at head " + head + " has an indirect table of absurd length " + len);
                }
                if (!memory.contains(addr, len)) {
                    throw fail(String.format("descriptor chain at head %d has an indirect table at 0x%x+%d, outside "
                            + "guest RAM", head, addr, len));
                }
                table = addr;
                tableSize = (int) (len / DESCRIPTOR_SIZE);
                inIndirect = true;
                visited = 0;
                i = 0;
                continue;
            }
            if (!memory.contains(addr, len)) {
                throw fail(String.format("descriptor chain at head %d has a buffer at 0x%x+%d, outside guest RAM",
                        head, addr, len));
            }
            boolean w = (flags & F_WRITE) != 0;
            if (w) {
                seenWritable = true;
                writable += len;
            } else {
                if (seenWritable) {
                    throw fail("descriptor chain at head " + head + " has a device-readable buffer after a "
                            + "device-writable one");
                }
                readable += len;
            }
            if (readable > MAX_DIRECTION_BYTES || writable > MAX_DIRECTION_BYTES) {
                throw fail("descriptor chain at head " + head + " has an absurd total length (over 4 GiB)");
            }
            chain.add(addr, (int) len, w);
            if ((flags & F_NEXT) == 0) {
                return chain;
            }
            if (next >= tableSize) {
                throw fail("descriptor chain at head " + head + " links to descriptor " + next + ", beyond its "
                        + (inIndirect ? "indirect table" : "queue") + " of " + tableSize);
            }
            i = next;
        }
    }

    @Override
    public void addUsed(DescriptorChain chain, int written) {
        if (!(chain instanceof CheckedDescriptorChain) || ((CheckedDescriptorChain) chain).owner() != this) {
            throw new IllegalArgumentException("chain " + chain + " was not popped from queue " + index);
        }
        if (written < 0 || written > chain.writableBytes()) {
            throw new IllegalArgumentException("written " + Integer.toUnsignedString(written) + " bytes, but "
                    + chain + " has " + chain.writableBytes() + " writable");
        }
        if (!((CheckedDescriptorChain) chain).markReturned()) {
            throw new IllegalStateException(chain + " was already returned to the used ring");
        }
        if (size == 0) {
            return;
        }
        long element = usedRing + USED_RING + (long) USED_ELEMENT_SIZE * (nextUsed & mask);
        memory.writeInt(element, chain.head(), Endian.LITTLE);
        memory.writeInt(element + 4, written, Endian.LITTLE);
        int idx = (nextUsed + 1) & 0xFFFF;
        // The element must be visible to the driver before the index that publishes it.
        VarHandle.releaseFence();
        memory.writeShort(usedRing + USED_IDX, (short) idx, Endian.LITTLE);
        nextUsed = idx;
        addedSinceCheck = true;
    }

    @Override
    public boolean needsNotification() {
        if (size == 0) {
            return false;
        }
        // The used index we published must be visible before we read the driver's wishes.
        VarHandle.fullFence();
        if (!addedSinceCheck) {
            return false; // nothing new since the last look
        }
        addedSinceCheck = false;
        int now = nextUsed;
        int old = signalledUsed;
        boolean wasValid = signalledValid;
        boolean notify;
        if (eventIdx) {
            int usedEvent = memory.readShort(availRing + usedEventOffset(size), Endian.LITTLE) & 0xFFFF;
            // vring_need_event: did the used index step over used_event since the last interrupt?
            notify = !wasValid || ((now - usedEvent - 1) & 0xFFFF) < ((now - old) & 0xFFFF);
        } else {
            int flags = memory.readShort(availRing + AVAIL_FLAGS, Endian.LITTLE) & 0xFFFF;
            notify = (flags & AVAIL_F_NO_INTERRUPT) == 0;
        }
        signalledUsed = now;
        signalledValid = true;
        return notify;
    }

    @Override
    public void signalIfNeeded() {
        if (needsNotification() && notifier != null) {
            notifier.signalUsedBuffers();
        }
    }

    @Override
    public void disableNotification() {
        if (size == 0 || !notificationEnabled) {
            return;
        }
        notificationEnabled = false;
        if (!eventIdx) {
            setUsedFlags(USED_F_NO_NOTIFY);
        }
        // With event indices, avail_event simply stays behind: the driver kicks no more until we move it.
    }

    @Override
    public boolean enableNotification() throws VirtioProtocolException {
        if (size == 0 || !ready) {
            return false;
        }
        notificationEnabled = true;
        if (eventIdx) {
            publishAvailEvent();
        } else {
            setUsedFlags(0);
        }
        // Our wish must be visible before we look again, or a chain added in between goes unkicked and unseen.
        VarHandle.fullFence();
        try {
            return pending() != 0;
        } catch (GuestMemoryException e) {
            throw fail("guest memory access failed: " + e.getMessage());
        }
    }

    private void publishAvailEvent() {
        memory.writeShort(usedRing + availEventOffset(size), (short) nextAvail, Endian.LITTLE);
    }

    private void setUsedFlags(int flags) {
        memory.writeShort(usedRing + USED_FLAGS, (short) flags, Endian.LITTLE);
    }

    private VirtioProtocolException fail(String reason) {
        ready = false;
        return new VirtioProtocolException("queue " + index + ": " + reason);
    }

    @Override
    public String toString() {
        return "VirtQueue[" + index + ", size " + size + (ready ? ", ready" : "") + ", avail " + nextAvail
                + ", used " + nextUsed + "]";
    }
}
