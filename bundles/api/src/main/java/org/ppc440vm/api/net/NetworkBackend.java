package org.ppc440vm.api.net;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A host network backend (QEMU's {@code -netdev user}, {@code -netdev socket}): what carries the guest's Ethernet
 * frames to and from the host.
 *
 * <p>Registered as an OSGi service with {@link #ID_PROPERTY} = the {@code -netdev} id and {@link #TYPE_PROPERTY} =
 * its kind; a device finds its backend with the filter {@code (ppc440vm.netdev.id=ID)}. Backends do their IO on their
 * own threads, and every method here is safe to call from any thread and returns quickly.
 *
 * <p>One device at a time is attached. {@link #attach} replaces any earlier receiver, so that a new device instance
 * (after a hot-swap or a bundle update) can take over before or after the old one lets go; {@link #detach} only
 * detaches the receiver it is given. While no receiver is attached, frames for the guest are dropped and counted.
 */
public interface NetworkBackend {

    /** Service property: the backend's {@code -netdev} id (a String). */
    String ID_PROPERTY = "ppc440vm.netdev.id";

    /** Service property: the backend's kind, {@code "user"} or {@code "socket"} (a String). */
    String TYPE_PROPERTY = "ppc440vm.netdev.type";

    /** Shortest frame: an Ethernet header (two MACs and the EtherType). */
    int MIN_FRAME_SIZE = 14;

    /** Longest frame: header, one 802.1Q tag and a 1500-byte payload (no FCS). */
    int MAX_FRAME_SIZE = 1518;

    /** Standard counter: frames taken from the guest ({@link #send}). */
    String TX_FRAMES = "tx.frames";
    /** Standard counter: frames from the guest dropped (malformed, too long, not routable, queue full). */
    String TX_DROPPED = "tx.dropped";
    /** Standard counter: frames delivered to the guest. */
    String RX_FRAMES = "rx.frames";
    /** Standard counter: frames for the guest dropped (no receiver, receiver full, too long). */
    String RX_DROPPED = "rx.dropped";

    /** The {@code -netdev} id. */
    String id();

    /**
     * Sends one frame from the guest: the buffer's remaining bytes (the buffer's position moves to its limit; the
     * backend copies what it keeps). Never blocks for long and never throws for a bad frame.
     *
     * @return true when the backend took the frame, false when it dropped it (counted in {@link #TX_DROPPED})
     */
    boolean send(ByteBuffer frame);

    /** Makes {@code receiver} the one that gets frames for the guest, replacing any earlier receiver. */
    void attach(FrameReceiver receiver);

    /** Detaches {@code receiver} if it is the attached one; otherwise does nothing. */
    void detach(FrameReceiver receiver);

    /** Tells the backend that the receiver has room again after refusing a frame (the guest posted buffers). */
    void receiverReady();

    /** True while the backend can carry frames (its sockets are open). */
    boolean linkUp();

    /** One line for the monitor, like QEMU's {@code info network}: kind, id and addresses. */
    String describe();

    /** A snapshot of the backend's counters: the standard ones above and backend-specific ones. */
    Map<String, Long> counters();
}
