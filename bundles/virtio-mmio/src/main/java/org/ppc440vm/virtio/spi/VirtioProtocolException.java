package org.ppc440vm.virtio.spi;

/**
 * The driver broke the virtio protocol: a descriptor chain that loops, is longer than the queue, points outside
 * guest RAM or carries an absurd length, an available index that ran ahead of the queue, a request too short to
 * hold its header. The guest cannot recover by itself; the device reports the message through
 * {@link InterruptNotifier#needsReset(String)}, which puts it into DEVICE_NEEDS_RESET until the driver resets it.
 */
public class VirtioProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public VirtioProtocolException(String message) {
        super(message);
    }
}
