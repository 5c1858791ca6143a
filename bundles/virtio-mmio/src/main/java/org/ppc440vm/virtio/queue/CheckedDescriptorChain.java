package org.ppc440vm.virtio.queue;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.ppc440vm.api.memory.GuestMemory;
import org.ppc440vm.virtio.spi.DescriptorChain;

/**
 * A descriptor chain after {@link SplitVirtQueue} walked and checked it: the buffers as plain (address, length,
 * writable) triples. Immutable once built, apart from the used flag that catches a chain returned twice.
 */
final class CheckedDescriptorChain implements DescriptorChain {
    private final GuestMemory memory;
    private final int head;
    private long[] addresses = new long[4];
    private int[] lengths = new int[4];
    private int count;
    private int readableCount;
    private long readableBytes;
    private long writableBytes;
    private final SplitVirtQueue owner;
    private boolean returned;

    CheckedDescriptorChain(SplitVirtQueue owner, GuestMemory memory, int head) {
        this.owner = owner;
        this.memory = memory;
        this.head = head;
    }

    /** Appends a buffer; the walker has checked it (inside RAM, readable ones first, totals bounded). */
    void add(long address, int length, boolean writable) {
        if (count == addresses.length) {
            addresses = Arrays.copyOf(addresses, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        addresses[count] = address;
        lengths[count] = length;
        count++;
        if (writable) {
            writableBytes += Integer.toUnsignedLong(length);
        } else {
            readableCount++;
            readableBytes += Integer.toUnsignedLong(length);
        }
    }

    SplitVirtQueue owner() {
        return owner;
    }

    /** Marks the chain as returned to the used ring; false if it already was. */
    boolean markReturned() {
        if (returned) {
            return false;
        }
        returned = true;
        return true;
    }

    @Override
    public int head() {
        return head;
    }

    @Override
    public int bufferCount() {
        return count;
    }

    @Override
    public int readableCount() {
        return readableCount;
    }

    @Override
    public long address(int i) {
        checkIndex(i);
        return addresses[i];
    }

    @Override
    public int length(int i) {
        checkIndex(i);
        return lengths[i];
    }

    @Override
    public boolean isWritable(int i) {
        checkIndex(i);
        return i >= readableCount;
    }

    @Override
    public long readableBytes() {
        return readableBytes;
    }

    @Override
    public long writableBytes() {
        return writableBytes;
    }

    @Override
    public int readRequest(long offset, ByteBuffer dst) {
        return transfer(0, readableCount, offset, dst, false);
    }

    @Override
    public int readRequest(long offset, byte[] dst, int dstOffset, int length) {
        return transfer(0, readableCount, offset, ByteBuffer.wrap(dst, dstOffset, length), false);
    }

    @Override
    public int writeResponse(long offset, ByteBuffer src) {
        return transfer(readableCount, count, offset, src, true);
    }

    @Override
    public int writeResponse(long offset, byte[] src, int srcOffset, int length) {
        return transfer(readableCount, count, offset, ByteBuffer.wrap(src, srcOffset, length), true);
    }

    /**
     * Moves bytes between the buffer and the stream formed by buffers {@code [from, to)} starting {@code offset}
     * bytes into it: into guest RAM when {@code toGuest}, out of it otherwise.
     */
    private int transfer(int from, int to, long offset, ByteBuffer buffer, boolean toGuest) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        int moved = 0;
        long skip = offset;
        for (int i = from; i < to && buffer.hasRemaining(); i++) {
            long len = Integer.toUnsignedLong(lengths[i]);
            if (skip >= len) {
                skip -= len;
                continue;
            }
            int n = (int) Math.min(len - skip, buffer.remaining());
            int limit = buffer.limit();
            buffer.limit(buffer.position() + n);
            if (toGuest) {
                memory.write(addresses[i] + skip, buffer);
            } else {
                memory.read(addresses[i] + skip, buffer);
            }
            buffer.limit(limit);
            moved += n;
            skip = 0;
        }
        return moved;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("buffer " + i + " of a chain of " + count);
        }
    }

    @Override
    public String toString() {
        return "chain@" + head + "[" + readableCount + " readable " + readableBytes + " B, "
                + (count - readableCount) + " writable " + writableBytes + " B]";
    }
}
