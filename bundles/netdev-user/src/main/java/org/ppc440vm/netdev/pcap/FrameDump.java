package org.ppc440vm.netdev.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.ppc440vm.api.net.FrameReceiver;

/**
 * One netdev's filter-dump: records the frames the guest sends ({@link #record}) and, through {@link #wrap}, the
 * frames delivered to it, into a pcap file. A failing file is reported once on stderr and recording stops; the
 * network itself never breaks because of its capture.
 */
public final class FrameDump {
    private final String netdev;
    private final Path file;
    private volatile PcapWriter writer;
    /** The guest's receiver last wrapped, and its wrapper: what {@link #wrapped} answers for a detach. */
    private FrameReceiver guest;
    private FrameReceiver wrapper;

    public FrameDump(String netdev, Path file) throws IOException {
        this.netdev = netdev;
        this.file = file;
        this.writer = new PcapWriter(file);
    }

    /** Appends one frame (its remaining bytes; the buffer's position is not moved). */
    public void record(ByteBuffer frame) {
        PcapWriter w = writer;
        if (w == null) {
            return;
        }
        try {
            w.append(frame);
        } catch (IOException e) {
            writer = null;
            System.err.println("netdev " + netdev + ": filter-dump " + file + " stopped: " + e.getMessage());
            try {
                w.close();
            } catch (IOException ignored) {
                // already reported the failure
            }
        }
    }

    /** The receiver to hand the backend instead of the guest's: it records each frame before offering it. */
    public synchronized FrameReceiver wrap(FrameReceiver receiver) {
        guest = receiver;
        wrapper = new DumpingReceiver(receiver);
        return wrapper;
    }

    /** What the backend holds for {@code receiver}: its wrapper if it was the last one wrapped, else itself. */
    public synchronized FrameReceiver wrapped(FrameReceiver receiver) {
        return receiver == guest ? wrapper : receiver;
    }

    /** Completes the file; call after the backend stopped delivering frames. */
    public void close() {
        PcapWriter w = writer;
        writer = null;
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                System.err.println("netdev " + netdev + ": filter-dump " + file + ": " + e.getMessage());
            }
        }
    }

    /**
     * Records each frame for the guest before offering it, so the record precedes anything the guest sends in
     * answer (the guest may answer on its vCPU thread before {@code receive} returns). A refused frame is offered
     * again later, unchanged: the copy of the last refused frame tells that retry apart, so it is recorded once.
     * A backend offers frames from its one thread, so the retry state needs no lock.
     */
    private final class DumpingReceiver implements FrameReceiver {
        private final FrameReceiver guest;
        private byte[] refusedAndRecorded;

        DumpingReceiver(FrameReceiver guest) {
            this.guest = guest;
        }

        @Override
        public boolean receive(ByteBuffer frame) {
            boolean retry = refusedAndRecorded != null && frame.equals(ByteBuffer.wrap(refusedAndRecorded));
            if (!retry) {
                record(frame);
            }
            ByteBuffer offered = frame.duplicate();
            boolean taken = guest.receive(frame);
            if (taken) {
                refusedAndRecorded = null;
            } else if (!retry) {
                refusedAndRecorded = new byte[offered.remaining()];
                offered.get(refusedAndRecorded);
            }
            return taken;
        }
    }
}
