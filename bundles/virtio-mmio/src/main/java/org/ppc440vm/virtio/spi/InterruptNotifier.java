package org.ppc440vm.virtio.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How an active device talks back to the driver, implemented by the transport. Every method is safe to call from
 * any thread (device worker threads, backend threads, the vCPU thread) and never blocks for long.
 */
@ProviderType
public interface InterruptNotifier {

    /**
     * The device put buffers into a used ring and the driver wants to hear of it: sets bit 0 (used buffer) of the
     * interrupt status and asserts the interrupt line. Devices normally call {@link VirtQueue#signalIfNeeded()},
     * which asks the queue's notification suppression first.
     */
    void signalUsedBuffers();

    /**
     * The device changed its configuration space: bumps the configuration generation, sets bit 1 (configuration
     * change) of the interrupt status and asserts the interrupt line.
     */
    void signalConfigChange();

    /**
     * The driver broke the protocol (usually the message of a {@link VirtioProtocolException}): the transport logs
     * {@code reason} in one line, sets DEVICE_NEEDS_RESET in the device status, stops the queues (they pop nothing
     * more) and, if DRIVER_OK was set, signals a configuration change. Later calls until the driver resets the
     * device are ignored, so a device may call this from every worker without flooding the log.
     */
    void needsReset(String reason);

    /** True once {@link #needsReset(String)} was called and the driver has not yet reset the device. */
    boolean isNeedsReset();
}
