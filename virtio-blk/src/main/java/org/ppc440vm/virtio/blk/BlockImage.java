package org.ppc440vm.virtio.blk;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw disk image: a regular file whose bytes are the disk's sectors, 512 bytes each, nothing else. Checked when
 * opened (exists, regular, non-empty, a whole number of sectors, writable unless read-only) so that a bad
 * {@code -drive} is an error at start, never a surprise in the guest.
 */
final class BlockImage implements Closeable {
    static final int SECTOR = 512;

    private final Path path;
    private final boolean readOnly;
    private final FileChannel channel;
    private final long sizeBytes;
    private final java.util.concurrent.atomic.AtomicLong forces = new java.util.concurrent.atomic.AtomicLong();

    private BlockImage(Path path, boolean readOnly, FileChannel channel, long sizeBytes) {
        this.path = path;
        this.readOnly = readOnly;
        this.channel = channel;
        this.sizeBytes = sizeBytes;
    }

    /**
     * Opens {@code file} as a raw image.
     *
     * @throws IOException with a message that names the file and says what is wrong with it
     */
    static BlockImage open(Path file, boolean readOnly) throws IOException {
        Path path = file.toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new IOException("disk image " + path + " does not exist");
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException("disk image " + path + " is not a regular file");
        }
        long size = Files.size(path);
        if (size == 0) {
            throw new IOException("disk image " + path + " is empty");
        }
        if (size % SECTOR != 0) {
            throw new IOException("disk image " + path + " is " + size + " bytes, not a multiple of " + SECTOR
                    + " (raw images hold whole sectors)");
        }
        FileChannel channel;
        try {
            channel = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            throw new IOException("disk image " + path + " cannot be opened for "
                    + (readOnly ? "reading" : "writing (add readonly=on to use it read-only)"), e);
        }
        return new BlockImage(path, readOnly, channel, size);
    }

    Path path() {
        return path;
    }

    boolean readOnly() {
        return readOnly;
    }

    long sizeBytes() {
        return sizeBytes;
    }

    long sectors() {
        return sizeBytes / SECTOR;
    }

    /** Fills {@code dst}'s remaining bytes from {@code position}; the range was checked against the size. */
    void readFully(ByteBuffer dst, long position) throws IOException {
        long p = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, p);
            if (n < 0) {
                throw new EOFException("disk image " + path + " ended at " + p + " (was it truncated?)");
            }
            p += n;
        }
    }

    /** Writes {@code src}'s remaining bytes at {@code position}; the range was checked against the size. */
    void writeFully(ByteBuffer src, long position) throws IOException {
        long p = position;
        while (src.hasRemaining()) {
            p += channel.write(src, p);
        }
    }

    /** Data and metadata to the storage device: what a guest's flush promises. */
    void force() throws IOException {
        channel.force(true);
        forces.incrementAndGet();
    }

    /** Completed {@link #force()} calls (for tests of the durability rules). */
    long forceCount() {
        return forces.get();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return path + (readOnly ? " (read-only)" : "") + ", " + sectors() + " sectors";
    }
}
