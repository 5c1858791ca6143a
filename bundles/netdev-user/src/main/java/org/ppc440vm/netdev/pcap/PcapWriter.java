package org.ppc440vm.netdev.pcap;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Writes Ethernet frames to a classic pcap capture file (what {@code -object filter-dump} produces and tcpdump or
 * Wireshark read): a 24-byte global header (magic 0xa1b2c3d4, version 2.4, thiszone 0, sigfigs 0, snaplen
 * {@value #SNAPLEN}, link type 1 = Ethernet), then per frame a 16-byte record header (seconds, microseconds, bytes
 * stored, bytes on the wire) and the bytes. Everything is big-endian; the magic read back in the file's byte order
 * is how a reader knows that.
 *
 * <p>Appends are synchronized (the guest's sends and the stack's deliveries come from different threads) and
 * buffered; {@link #close()} flushes.
 */
public final class PcapWriter implements Closeable {
    static final int MAGIC = 0xa1b2c3d4;
    static final int SNAPLEN = 65535;
    static final int LINKTYPE_ETHERNET = 1;
    static final int GLOBAL_HEADER = 24;
    static final int RECORD_HEADER = 16;

    private final OutputStream out;
    private final byte[] recordHeader = new byte[RECORD_HEADER];
    private final ByteBuffer recordHeaderView = ByteBuffer.wrap(recordHeader);
    private boolean closed;

    /** Creates (or truncates) {@code file} and writes the global header. */
    public PcapWriter(Path file) throws IOException {
        this(Files.newOutputStream(file));
    }

    PcapWriter(OutputStream sink) throws IOException {
        out = new BufferedOutputStream(sink, 64 * 1024);
        ByteBuffer h = ByteBuffer.allocate(GLOBAL_HEADER);
        h.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAPLEN)
                .putInt(LINKTYPE_ETHERNET);
        out.write(h.array());
    }

    /** Records the frame's remaining bytes (its position is left as it was), stamped with the current time. */
    public void append(ByteBuffer frame) throws IOException {
        Instant now = Instant.now();
        append(frame, now.getEpochSecond(), now.getNano() / 1000);
    }

    synchronized void append(ByteBuffer frame, long seconds, int micros) throws IOException {
        if (closed) {
            return; // a frame racing the backend's shutdown; the capture is complete already
        }
        int length = frame.remaining();
        int stored = Math.min(length, SNAPLEN);
        recordHeaderView.clear();
        recordHeaderView.putInt((int) seconds).putInt(micros).putInt(stored).putInt(length);
        out.write(recordHeader);
        if (frame.hasArray()) {
            out.write(frame.array(), frame.arrayOffset() + frame.position(), stored);
        } else {
            byte[] copy = new byte[stored];
            frame.duplicate().get(copy);
            out.write(copy);
        }
    }

    synchronized void flush() throws IOException {
        if (!closed) {
            out.flush();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }
}
