package org.ppc440vm.virtio.testing;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.api.memory.GuestMemory;
import org.ppc440vm.api.memory.GuestMemoryException;

/**
 * Guest RAM on the Java heap, bounds-checked like the real one, with a bump allocator for test buffers and
 * counters of rejected accesses (a test can assert that a hostile chain never made the device try one).
 */
public final class HeapGuestMemory implements GuestMemory {
    private final byte[] ram;
    private long next;
    private final AtomicInteger rejected = new AtomicInteger();

    public HeapGuestMemory(int size) {
        this.ram = new byte[size];
        this.next = 0x1000; // keep address 0 unused: a zero address in a test is then always a mistake
    }

    /** {@code bytes} of fresh RAM aligned to {@code align} (a power of two). */
    public synchronized long allocate(long bytes, int align) {
        long a = (next + align - 1) & -align;
        if (a + bytes > ram.length) {
            throw new IllegalStateException("test RAM of " + ram.length + " bytes exhausted");
        }
        next = a + bytes;
        return a;
    }

    /** Accesses refused so far because they left RAM. */
    public int rejectedAccesses() {
        return rejected.get();
    }

    /** The RAM itself, for assertions. */
    public byte[] bytes() {
        return ram;
    }

    @Override
    public long size() {
        return ram.length;
    }

    private int check(long address, long length) {
        if (!contains(address, length)) {
            rejected.incrementAndGet();
            throw new GuestMemoryException(address, length, ram.length);
        }
        return (int) address;
    }

    @Override
    public byte readByte(long address) {
        return ram[check(address, 1)];
    }

    @Override
    public short readShort(long address, Endian order) {
        return (short) read(check(address, 2), 2, order);
    }

    @Override
    public int readInt(long address, Endian order) {
        return (int) read(check(address, 4), 4, order);
    }

    @Override
    public long readLong(long address, Endian order) {
        return read(check(address, 8), 8, order);
    }

    @Override
    public void writeByte(long address, byte value) {
        ram[check(address, 1)] = value;
    }

    @Override
    public void writeShort(long address, short value, Endian order) {
        write(check(address, 2), 2, value, order);
    }

    @Override
    public void writeInt(long address, int value, Endian order) {
        write(check(address, 4), 4, value, order);
    }

    @Override
    public void writeLong(long address, long value, Endian order) {
        write(check(address, 8), 8, value, order);
    }

    @Override
    public void read(long address, byte[] dst, int offset, int length) {
        System.arraycopy(ram, check(address, length), dst, offset, length);
    }

    @Override
    public void write(long address, byte[] src, int offset, int length) {
        System.arraycopy(src, offset, ram, check(address, length), length);
    }

    @Override
    public void read(long address, ByteBuffer dst) {
        int n = dst.remaining();
        dst.put(ram, check(address, n), n);
    }

    @Override
    public void write(long address, ByteBuffer src) {
        int n = src.remaining();
        src.get(ram, check(address, n), n);
    }

    @Override
    public void fill(long address, long length, byte value) {
        int a = check(address, length);
        java.util.Arrays.fill(ram, a, a + (int) length, value);
    }

    private long read(int a, int size, Endian order) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            int shift = order == Endian.BIG ? 8 * (size - 1 - i) : 8 * i;
            v |= (ram[a + i] & 0xFFL) << shift;
        }
        return v;
    }

    private void write(int a, int size, long v, Endian order) {
        for (int i = 0; i < size; i++) {
            int shift = order == Endian.BIG ? 8 * (size - 1 - i) : 8 * i;
            ram[a + i] = (byte) (v >>> shift);
        }
    }
}
