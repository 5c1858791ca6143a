package org.ppc440vm.virtio.spi;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One request the driver made available: the chain of buffers starting at descriptor {@link #head()}, with any
 * indirect table already followed. The queue checked it when it popped it: every buffer lies inside guest RAM, the
 * chain neither loops nor is longer than the queue (or the indirect table), every device-readable buffer comes
 * before every device-writable one, and each direction's total is below 4 GiB. A device can therefore use the
 * addresses below with {@link org.ppc440vm.api.memory.GuestMemory} without further checks.
 *
 * <p>Buffers are numbered {@code 0 .. bufferCount()-1} in chain order: the first {@link #readableCount()} are
 * device-readable (the request), the rest device-writable (the response). The byte-offset helpers treat each
 * direction as one contiguous stream: {@code readRequest(16, ...)} reads from byte 16 of the concatenated readable
 * buffers, whichever buffer that falls into.
 *
 * <p>Return a chain exactly once, with {@link VirtQueue#addUsed(DescriptorChain, int)}. A chain is not thread-safe.
 */
@ProviderType
public interface DescriptorChain {

    /** The head descriptor's index: the id the used ring reports back to the driver. */
    int head();

    /** Number of buffers in the chain (readable and writable). */
    int bufferCount();

    /** Number of device-readable buffers; they are buffers {@code 0 .. readableCount()-1}. */
    int readableCount();

    /** Guest-physical address of buffer {@code i}. */
    long address(int i);

    /** Length in bytes of buffer {@code i}. */
    int length(int i);

    /** True when buffer {@code i} is device-writable. */
    boolean isWritable(int i);

    /** Total bytes of the device-readable buffers. */
    long readableBytes();

    /** Total bytes of the device-writable buffers. */
    long writableBytes();

    /**
     * Copies readable bytes from stream offset {@code offset} into {@code dst}'s remaining space, or as many as the
     * readable buffers hold past {@code offset}; returns the number copied.
     */
    int readRequest(long offset, ByteBuffer dst);

    /** Copies {@code length} readable bytes from stream offset {@code offset} into {@code dst[dstOffset..]}; returns the number copied (fewer at the end of the readable bytes). */
    int readRequest(long offset, byte[] dst, int dstOffset, int length);

    /**
     * Copies {@code src}'s remaining bytes into the writable buffers from stream offset {@code offset}, or as many
     * as fit; returns the number copied.
     */
    int writeResponse(long offset, ByteBuffer src);

    /** Copies {@code src[srcOffset..srcOffset+length)} into the writable buffers at stream offset {@code offset}; returns the number copied. */
    int writeResponse(long offset, byte[] src, int srcOffset, int length);
}
