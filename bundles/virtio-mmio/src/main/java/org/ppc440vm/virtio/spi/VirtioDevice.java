package org.ppc440vm.virtio.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;
import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.memory.GuestMemory;

/**
 * A virtio device behind a transport: what is specific to one device type (block, network). The transport
 * ({@link VirtioMmioTransport}) does the registers, the status sequence, feature negotiation, queue setup and the
 * interrupt; it calls this interface at these moments:
 * <ol>
 * <li>{@link #attach(DeviceContext)} when the board plugs the device in (options, log);</li>
 * <li>{@link #readConfig}/{@link #writeConfig} whenever the driver touches the configuration space;</li>
 * <li>{@link #activate} once the driver set DRIVER_OK, with the negotiated features and the queues;</li>
 * <li>{@link #queueNotify(int)} for each kick, on the vCPU thread;</li>
 * <li>{@link #deactivate()} when the driver resets the device, when it is quiesced for a hot-swap or snapshot,
 * and at detach; then {@link #reset()} for a driver reset; {@link #activate} may follow again.</li>
 * </ol>
 * The transport serialises these calls (never two at once); a device's own threads may run concurrently with
 * them. A runtime exception thrown by any of them is treated as a device failure: logged once, DEVICE_NEEDS_RESET,
 * never passed to the vCPU.
 */
@ConsumerType
public interface VirtioDevice {

    /** The virtio device id (1 network, 2 block, ...). */
    int deviceId();

    /**
     * The feature bits the device offers: its device-specific bits and any of
     * {@link VirtioFeatures#SUPPORTED_RING_FEATURES}. The transport always adds {@link VirtioFeatures#VERSION_1}
     * and masks out ring features it does not implement.
     */
    long deviceFeatures();

    /** Number of virtqueues (fixed for the device's life). */
    int queueCount();

    /** Largest size the driver may give queue {@code queueIndex}: a power of two, 1-32768. */
    int queueMaxSize(int queueIndex);

    /** Size in bytes of the device-specific configuration space (at transport offset 0x100), 0-0xF00. */
    int configSize();

    /**
     * Copies {@code dst.length} bytes of the configuration space, from {@code offset}, into {@code dst}. The
     * transport has checked that the range lies inside {@link #configSize()}. Multi-byte fields are little-endian
     * (virtio 1.x). Called on the vCPU thread: must not block.
     */
    void readConfig(int offset, byte[] dst);

    /** The driver wrote {@code src} at {@code offset} of the configuration space (range checked). Default: ignored. */
    default void writeConfig(int offset, byte[] src) {
    }

    /** The board plugged the device in: keep the context for logging; open nothing heavy here that could fail late. */
    default void attach(DeviceContext context) {
    }

    /** The device leaves the board: the transport has already deactivated it. Release threads and files. */
    default void detach() {
    }

    /**
     * The driver set DRIVER_OK: start serving. {@code queues.get(i)} is queue i (check {@link VirtQueue#isReady()}:
     * a driver need not set up every queue). {@code features} are the negotiated ones (always including
     * {@link VirtioFeatures#VERSION_1}). Also called after a quiesce was resumed and after a state import, with
     * queues whose indices are not zero: serve what is already available, then wait for kicks.
     */
    void activate(long features, List<VirtQueue> queues, GuestMemory memory, InterruptNotifier notifier);

    /**
     * The driver kicked queue {@code queueIndex} (wrote QueueNotify). Called on the vCPU thread, only while active:
     * return quickly (wake a worker); slow work never runs here.
     */
    void queueNotify(int queueIndex);

    /**
     * Stops serving: finishes the requests already taken from the queues (and returns them to the used rings),
     * takes no new ones, stops the threads started by {@link #activate}. Blocks until done. Called only while
     * active. The queues stay as they are (the transport may hand them back to {@link #activate}).
     */
    void deactivate();

    /** The driver reset the device (after {@link #deactivate()} if it was active): forget driver-set state. */
    default void reset() {
    }

    /** The device type named in its {@link DeviceState} ("virtio-blk"): only states of this type are imported. */
    String stateType();

    /** Version of the device's part of its state; the whole {@link DeviceState} carries this version. */
    default int stateVersion() {
        return 1;
    }

    /**
     * Adds the device's own fields (backend positions, image path, ...) to a state the transport is building.
     * Field names must not start with {@code "virtio."} (the transport's). Called only while not active.
     */
    default void exportState(DeviceState.Builder state) {
    }

    /**
     * Takes the device's own fields from a state (of {@link #stateType()}; any version the device reads), before
     * the transport re-activates it. Refuse what cannot be taken over, naming why.
     */
    default void importState(DeviceState state) throws IncompatibleStateException {
    }
}
