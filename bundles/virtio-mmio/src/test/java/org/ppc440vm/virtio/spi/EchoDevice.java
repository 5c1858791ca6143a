package org.ppc440vm.virtio.spi;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.memory.GuestMemory;

/**
 * A minimal virtio device for transport tests: one queue whose chains it answers on the notifying thread by copying
 * the readable bytes into the writable ones; an 8-byte configuration space; counters of every call.
 */
final class EchoDevice implements VirtioDevice {
    static final int ID = 42;
    static final long OWN_FEATURE = 1L << 3;

    final byte[] config = {1, 2, 3, 4, 5, 6, 7, 8};
    long features = OWN_FEATURE | VirtioFeatures.RING_INDIRECT_DESC | VirtioFeatures.RING_EVENT_IDX
            | VirtioFeatures.bit(34); // RING_PACKED: not implemented, must be masked by the transport
    int maxSize = 16;
    int activations;
    int deactivations;
    int resets;
    int notifies;
    long activeFeatures = -1;
    List<VirtQueue> queues;
    InterruptNotifier notifier;
    RuntimeException throwOnNotify;
    String importedMark;

    @Override
    public int deviceId() {
        return ID;
    }

    @Override
    public long deviceFeatures() {
        return features;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize(int queueIndex) {
        return maxSize;
    }

    @Override
    public int configSize() {
        return config.length;
    }

    @Override
    public void readConfig(int offset, byte[] dst) {
        System.arraycopy(config, offset, dst, 0, dst.length);
    }

    @Override
    public void writeConfig(int offset, byte[] src) {
        System.arraycopy(src, 0, config, offset, src.length);
    }

    @Override
    public void activate(long features, List<VirtQueue> queues, GuestMemory memory, InterruptNotifier notifier) {
        activations++;
        activeFeatures = features;
        this.queues = new ArrayList<>(queues);
        this.notifier = notifier;
        serve(); // what was made available while inactive
    }

    @Override
    public void queueNotify(int queueIndex) {
        notifies++;
        if (throwOnNotify != null) {
            throw throwOnNotify;
        }
        serve();
    }

    void serve() {
        VirtQueue q = queues.get(0);
        try {
            do {
                q.disableNotification();
                DescriptorChain c;
                while ((c = q.pop()) != null) {
                    ByteBuffer b = ByteBuffer.allocate((int) c.readableBytes());
                    c.readRequest(0, b);
                    b.flip();
                    int n = c.writeResponse(0, b);
                    q.addUsed(c, n);
                }
                q.signalIfNeeded();
            } while (q.enableNotification());
        } catch (VirtioProtocolException e) {
            notifier.needsReset(e.getMessage());
        }
    }

    @Override
    public void deactivate() {
        deactivations++;
        queues = null;
    }

    @Override
    public void reset() {
        resets++;
    }

    @Override
    public String stateType() {
        return "virtio-echo";
    }

    @Override
    public void exportState(DeviceState.Builder state) {
        state.put("echo.mark", "m" + activations);
    }

    @Override
    public void importState(DeviceState state) throws IncompatibleStateException {
        importedMark = state.getString("echo.mark");
    }
}
