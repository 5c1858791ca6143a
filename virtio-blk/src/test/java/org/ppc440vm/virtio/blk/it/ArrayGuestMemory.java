package org.ppc440vm.virtio.blk.it;

import java.nio.ByteBuffer;

import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.api.memory.GuestMemory;
import org.ppc440vm.api.memory.GuestMemoryException;

/** Guest RAM for the integration test (the virtio-mmio test-jar is not a bundle, so the probe carries its own). */
final class ArrayGuestMemory implements GuestMemory {
    private final byte[] ram;

    ArrayGuestMemory(int size) {
        ram = new byte[size];
    }

    private int at(long address, long length) {
        if (!contains(address, length)) {
            throw new GuestMemoryException(address, length, ram.length);
        }
        return (int) address;
    }

    private long get(long address, int size, Endian order) {
        int a = at(address, size);
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (ram[a + i] & 0xFFL) << (order == Endian.BIG ? 8 * (size - 1 - i) : 8 * i);
        }
        return v;
    }

    private void put(long address, int size, long v, Endian order) {
        int a = at(address, size);
        for (int i = 0; i < size; i++) {
            ram[a + i] = (byte) (v >>> (order == Endian.BIG ? 8 * (size - 1 - i) : 8 * i));
        }
    }

    @Override public long size() { return ram.length; }
    @Override public byte readByte(long a) { return ram[at(a, 1)]; }
    @Override public short readShort(long a, Endian o) { return (short) get(a, 2, o); }
    @Override public int readInt(long a, Endian o) { return (int) get(a, 4, o); }
    @Override public long readLong(long a, Endian o) { return get(a, 8, o); }
    @Override public void writeByte(long a, byte v) { ram[at(a, 1)] = v; }
    @Override public void writeShort(long a, short v, Endian o) { put(a, 2, v, o); }
    @Override public void writeInt(long a, int v, Endian o) { put(a, 4, v, o); }
    @Override public void writeLong(long a, long v, Endian o) { put(a, 8, v, o); }
    @Override public void read(long a, byte[] d, int off, int len) { System.arraycopy(ram, at(a, len), d, off, len); }
    @Override public void write(long a, byte[] s, int off, int len) { System.arraycopy(s, off, ram, at(a, len), len); }
    @Override public void read(long a, ByteBuffer d) { int n = d.remaining(); d.put(ram, at(a, n), n); }
    @Override public void write(long a, ByteBuffer s) { int n = s.remaining(); s.get(ram, at(a, n), n); }
    @Override public void fill(long a, long len, byte v) { int p = at(a, len); java.util.Arrays.fill(ram, p, p + (int) len, v); }
}
