package org.ppc440vm.virtio.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The device side of one split virtqueue (virtio 1.2, section 2.7) in guest RAM: the descriptor table, the
 * driver's available ring and the device's used ring, all little-endian. The transport makes one per queue and
 * gives them to the device at activation; a queue the driver did not set up is not {@link #isReady() ready} and pops
 * nothing.
 *
 * <p>Typical device loop, which does not miss a kick that arrives while it works:
 * <pre>{@code
 * do {
 *     queue.disableNotification();
 *     DescriptorChain chain;
 *     while ((chain = queue.pop()) != null) {
 *         int written = serve(chain);
 *         queue.addUsed(chain, written);
 *     }
 *     queue.signalIfNeeded();
 * } while (queue.enableNotification());
 * }</pre>
 * A {@link VirtioProtocolException} from {@code pop} or {@code enableNotification} goes to
 * {@link InterruptNotifier#needsReset(String)}; after that the queue pops nothing more.
 *
 * <p>Indices are the ring's free-running 16-bit counters. One thread at a time may pop and add used buffers (a
 * device serves a queue from one thread); {@link #isReady()} and the index getters may be read from any thread.
 */
@ProviderType
public interface VirtQueue {

    /** The queue's index within its device (0 for the first). */
    int index();

    /** Number of descriptors, as the driver set it (a power of two, at most the device's maximum). */
    int size();

    /** True when the driver set the queue up and the device was activated, and no protocol error stopped it. */
    boolean isReady();

    /**
     * The next chain the driver made available, checked, or null when there is none (or the queue is not ready).
     *
     * @throws VirtioProtocolException the chain or the available ring is malformed; the queue stops
     */
    DescriptorChain pop() throws VirtioProtocolException;

    /** True when the driver has made chains available that {@link #pop()} has not returned yet. */
    boolean hasAvailable() throws VirtioProtocolException;

    /**
     * Returns a chain to the driver through the used ring, with the number of bytes the device wrote into its
     * writable buffers; the used index is published after the element (a release fence between them).
     *
     * @throws IllegalArgumentException {@code written} is negative or larger than the chain's writable bytes
     */
    void addUsed(DescriptorChain chain, int written);

    /**
     * True when the driver wants an interrupt for the used buffers added since the last time this returned true:
     * with VIRTIO_F_EVENT_IDX, when the used index passed the driver's used_event; otherwise unless the driver set
     * VIRTQ_AVAIL_F_NO_INTERRUPT. Calling it marks those buffers as signalled.
     */
    boolean needsNotification();

    /** {@link #needsNotification()}, and if true, {@link InterruptNotifier#signalUsedBuffers()}. */
    void signalIfNeeded();

    /**
     * Asks the driver not to kick this queue (the device is polling it anyway): sets VIRTQ_USED_F_NO_NOTIFY, or,
     * with VIRTIO_F_EVENT_IDX, leaves avail_event where it is. Only a hint: the driver may kick regardless.
     */
    void disableNotification();

    /**
     * Asks the driver to kick this queue on its next new chain (clears VIRTQ_USED_F_NO_NOTIFY, or with
     * VIRTIO_F_EVENT_IDX sets avail_event to the next index to pop), then returns whether chains arrived meanwhile,
     * in which case the device must go on popping rather than wait.
     */
    boolean enableNotification() throws VirtioProtocolException;

    /** The free-running index of the next available-ring entry to pop (last_avail_idx). */
    int nextAvail();

    /** The free-running index of the next used-ring entry to fill (used idx as published). */
    int nextUsed();
}
