package org.ppc440vm.api.device;

import org.ppc440vm.api.memory.Endian;

/**
 * A device that answers a window of guest-physical addresses.
 *
 * <p>Register this as an OSGi service. The board puts it into the address map at {@link #base()} for
 * {@link #windowSize()} bytes (two devices whose windows overlap are an error at start, naming both), calls
 * {@link #attach(DeviceContext)} once, and then forwards the guest's loads and stores inside the window.
 *
 * <p>Accesses are 1, 2, 4 or 8 bytes. {@code order} is the byte order the guest used: a plain {@code lwz} is
 * {@link Endian#BIG}, a byte-reversed {@code lwbrx} is {@link Endian#LITTLE}. Values are passed in the low bytes of a
 * {@code long}, already in the numeric sense of that order: a device with little-endian registers simply returns
 * the register's value when {@code order} is LITTLE, and {@code Endian.reverse(value, size)} when it is BIG.
 *
 * <p>Hot-swap: a device service should be registered with prototype scope (Declarative Services
 * {@code scope = ServiceScope.PROTOTYPE}), so that the board can make a fresh instance of the same configuration and
 * carry the old instance's {@link StatefulDevice} state over to it ({@code vm:swap}). When the service goes away
 * (its bundle is stopped or updated) the board keeps the device's state and the guest waits until a service for the
 * same window returns.
 *
 * <p>Reads and writes come from a vCPU thread and must not block for long; slow work (disk, network) goes to the
 * device's own threads.
 */
public interface MmioDevice {

    /** Service property: the window's guest-physical base address (a Long), if the base is configurable. */
    String BASE_PROPERTY = "ppc440vm.mmio.base";

    /**
     * Service property: the device type ("virtio-blk", "virtio-net"). {@code vm:swap TYPE} re-instantiates every
     * device of a type; {@code vm:devices} shows it.
     */
    String TYPE_PROPERTY = "ppc440vm.device.type";

    /**
     * Service (and configuration) property: the name of the VM the device belongs to ("vm0"). Several VMs in one
     * runtime may each have a device at the same window; this tells them apart. A device without it belongs to the
     * runtime's first VM.
     */
    String VM_PROPERTY = "ppc440vm.vm";

    /** A stable, human-readable name, unique per board ("uart0", "virtio-blk0"): used in errors, logs and statistics. */
    String name();

    /** Guest-physical base address of the window. */
    long base();

    /** Size of the window in bytes. */
    long windowSize();

    /** Called once before the first access, with what the device may use. */
    default void attach(DeviceContext context) {
    }

    /** Called when the device leaves the board (VM stop, detach); release threads and files here. */
    default void detach() {
    }

    /** Reads {@code size} bytes at {@code offset} inside the window. */
    long read(long offset, int size, Endian order);

    /** Writes the low {@code size} bytes of {@code value} at {@code offset} inside the window. */
    void write(long offset, int size, long value, Endian order);

    /** The device's node in the guest's device tree, or null when it has none. */
    default DeviceTreeNode deviceTreeNode() {
        return null;
    }
}
