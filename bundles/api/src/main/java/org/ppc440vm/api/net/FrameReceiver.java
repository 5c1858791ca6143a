package org.ppc440vm.api.net;

import java.nio.ByteBuffer;

/**
 * The guest side of a {@link NetworkBackend}: where the backend delivers frames for the guest (the virtio-net
 * device's receive queue).
 */
@FunctionalInterface
public interface FrameReceiver {

    /**
     * Offers one frame for the guest: the buffer's remaining bytes, valid only during the call (copy what you keep).
     * Called on the backend's own thread, never concurrently for one backend.
     *
     * @return true when the frame was taken; false when the guest has no room for it now (no receive buffer). A
     *     refused frame is not consumed: the backend may drop it (counting it) or hold it, within a bound, and offer
     *     it again after {@link NetworkBackend#receiverReady()}.
     */
    boolean receive(ByteBuffer frame);
}
