package org.ppc440vm.api.memory;

import java.nio.ByteBuffer;

/**
 * The guest's RAM as a flat guest-physical space starting at address 0, big-endian like the guest.
 *
 * <p>Every method checks its bounds before touching anything: an address or length outside {@code [0, size())}
 * throws {@link GuestMemoryException} and changes nothing, so a device doing DMA for a hostile guest can never reach
 * host memory outside the guest's RAM. Addresses are {@code long} because the 440 has 36-bit physical addresses.
 *
 * <p>Implementations are safe to use from device threads concurrently with the vCPU; like real DMA, they give no
 * atomicity beyond single aligned accesses of up to 4 bytes.
 */
public interface GuestMemory {

    /** RAM size in bytes. */
    long size();

    /** True when {@code [address, address + length)} lies inside RAM. */
    default boolean contains(long address, long length) {
        return address >= 0 && length >= 0 && address <= size() - length;
    }

    byte readByte(long address);

    /** Reads 2 bytes in the given order. */
    short readShort(long address, Endian order);

    /** Reads 4 bytes in the given order. */
    int readInt(long address, Endian order);

    /** Reads 8 bytes in the given order. */
    long readLong(long address, Endian order);

    void writeByte(long address, byte value);

    void writeShort(long address, short value, Endian order);

    void writeInt(long address, int value, Endian order);

    void writeLong(long address, long value, Endian order);

    /** Copies {@code length} bytes of RAM at {@code address} into {@code dst[offset...]}. */
    void read(long address, byte[] dst, int offset, int length);

    /** Copies {@code src[offset...offset+length)} into RAM at {@code address}. */
    void write(long address, byte[] src, int offset, int length);

    /** Copies RAM into the buffer's remaining space (for file and socket IO without a staging array). */
    void read(long address, ByteBuffer dst);

    /** Copies the buffer's remaining bytes into RAM. */
    void write(long address, ByteBuffer src);

    /** Fills {@code length} bytes at {@code address} with {@code value}. */
    void fill(long address, long length, byte value);
}
