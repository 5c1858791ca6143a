package org.ppc440vm.cpu.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.api.memory.GuestMemory;
import org.ppc440vm.api.memory.GuestMemoryException;

/**
 * The guest's RAM: one byte array, guest-physical address 0 upwards, big-endian. The CPU indexes {@link #bytes}
 * directly on its hot path (after translation has proved the page is RAM); devices use the bounds-checked
 * {@link GuestMemory} methods, which never touch anything outside the array.
 */
public final class GuestRam implements GuestMemory {
    private static final VarHandle BE_SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LE_SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The RAM itself. Exposed for the CPU's hot path only. */
    public final byte[] bytes;

    public GuestRam(int sizeBytes) {
        if (sizeBytes <= 0 || (sizeBytes & 0xFFF) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4 KiB: " + sizeBytes);
        }
        bytes = new byte[sizeBytes];
    }

    @Override
    public long size() {
        return bytes.length;
    }

    private int check(long address, long length) {
        if (!contains(address, length)) {
            throw new GuestMemoryException(address, length, bytes.length);
        }
        return (int) address;
    }

    @Override
    public byte readByte(long address) {
        return bytes[check(address, 1)];
    }

    @Override
    public short readShort(long address, Endian order) {
        int a = check(address, 2);
        return order == Endian.BIG ? (short) BE_SHORT.get(bytes, a) : (short) LE_SHORT.get(bytes, a);
    }

    @Override
    public int readInt(long address, Endian order) {
        int a = check(address, 4);
        return order == Endian.BIG ? (int) BE_INT.get(bytes, a) : (int) LE_INT.get(bytes, a);
    }

    @Override
    public long readLong(long address, Endian order) {
        int a = check(address, 8);
        return order == Endian.BIG ? (long) BE_LONG.get(bytes, a) : (long) LE_LONG.get(bytes, a);
    }

    @Override
    public void writeByte(long address, byte value) {
        bytes[check(address, 1)] = value;
    }

    @Override
    public void writeShort(long address, short value, Endian order) {
        int a = check(address, 2);
        if (order == Endian.BIG) {
            BE_SHORT.set(bytes, a, value);
        } else {
            LE_SHORT.set(bytes, a, value);
        }
    }

    @Override
    public void writeInt(long address, int value, Endian order) {
        int a = check(address, 4);
        if (order == Endian.BIG) {
            BE_INT.set(bytes, a, value);
        } else {
            LE_INT.set(bytes, a, value);
        }
    }

    @Override
    public void writeLong(long address, long value, Endian order) {
        int a = check(address, 8);
        if (order == Endian.BIG) {
            BE_LONG.set(bytes, a, value);
        } else {
            LE_LONG.set(bytes, a, value);
        }
    }

    @Override
    public void read(long address, byte[] dst, int offset, int length) {
        System.arraycopy(bytes, check(address, length), dst, offset, length);
    }

    @Override
    public void write(long address, byte[] src, int offset, int length) {
        System.arraycopy(src, offset, bytes, check(address, length), length);
    }

    @Override
    public void read(long address, ByteBuffer dst) {
        int n = dst.remaining();
        dst.put(bytes, check(address, n), n);
    }

    @Override
    public void write(long address, ByteBuffer src) {
        int n = src.remaining();
        src.get(bytes, check(address, n), n);
    }

    @Override
    public void fill(long address, long length, byte value) {
        int a = check(address, length);
        java.util.Arrays.fill(bytes, a, a + (int) length, value);
    }

    /** Big-endian word at a RAM offset the caller has already validated (CPU hot path). */
    public int loadWord(int offset) {
        return (int) BE_INT.get(bytes, offset);
    }

    public void storeWord(int offset, int value) {
        BE_INT.set(bytes, offset, value);
    }

    public short loadHalf(int offset) {
        return (short) BE_SHORT.get(bytes, offset);
    }

    public void storeHalf(int offset, short value) {
        BE_SHORT.set(bytes, offset, value);
    }

    public long loadDouble(int offset) {
        return (long) BE_LONG.get(bytes, offset);
    }

    public void storeDouble(int offset, long value) {
        BE_LONG.set(bytes, offset, value);
    }
}
