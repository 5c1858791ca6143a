package org.ppc440vm.virtio.testing;

import java.util.function.Supplier;

import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.device.StatefulDevice;
import org.ppc440vm.api.memory.Endian;

/**
 * The board's device slot, reduced to what a device test needs to exercise a hot-swap: the guest's accesses go to
 * the current instance under a lock, and {@link #swap} runs the board's protocol (contracts: old.quiesce,
 * old.exportState, new.attach, new.importState, switch, old.detach; on a refusal new.detach and old.resume) while
 * holding that lock, so that no guest access reaches either instance meanwhile. Give the {@link MockDriver} this slot
 * instead of the device.
 */
public final class SwapSlot implements MmioDevice {
    private final Object lock = new Object();
    private final DeviceContext context;
    private volatile MmioDevice current;
    private int swaps;

    /** {@code first} is attached here, with {@code context} (the board gives every instance the same one). */
    public SwapSlot(MmioDevice first, DeviceContext context) {
        this.context = context;
        this.current = first;
        first.attach(context);
    }

    public MmioDevice current() {
        return current;
    }

    /** Completed swaps. */
    public synchronized int swaps() {
        return swaps;
    }

    /**
     * Replaces the current instance by {@code next} with the state carried over; {@code afterQuiesce} runs while
     * the old instance is quiesced and the slot locked (a test queues guest work there that no kick announces).
     *
     * @throws IncompatibleStateException the new instance refused the state: it was detached, the old one resumed
     */
    public void swap(MmioDevice next, Runnable afterQuiesce) throws IncompatibleStateException {
        swap(next, afterQuiesce, s -> s);
    }

    /** As {@link #swap(MmioDevice, Runnable)}, with the exported state passed through {@code edit} first. */
    public void swap(MmioDevice next, Runnable afterQuiesce, java.util.function.UnaryOperator<DeviceState> edit)
            throws IncompatibleStateException {
        synchronized (lock) {
            MmioDevice old = current;
            StatefulDevice o = (StatefulDevice) old;
            o.quiesce();
            if (afterQuiesce != null) {
                afterQuiesce.run();
            }
            DeviceState s = edit.apply(o.exportState());
            next.attach(context);
            try {
                ((StatefulDevice) next).importState(s);
            } catch (IncompatibleStateException | RuntimeException e) {
                next.detach();
                o.resume();
                throw e;
            }
            current = next;
            old.detach();
            synchronized (this) {
                swaps++;
            }
        }
    }

    /** Swaps to a fresh instance from {@code factory}. */
    public void swap(Supplier<? extends MmioDevice> factory) throws IncompatibleStateException {
        swap(factory.get(), null);
    }

    /** A copy of {@code s} that claims another format version (to test refusals). */
    public static DeviceState withVersion(DeviceState s, int version) {
        DeviceState.Builder b = DeviceState.builder(s.deviceType(), version);
        for (String f : s.fieldNames()) {
            try {
                b.put(f, s.getLong(f));
                continue;
            } catch (ClassCastException notALong) {
                // try the other kinds
            }
            try {
                b.put(f, s.getString(f));
                continue;
            } catch (ClassCastException notAString) {
                // try the other kinds
            }
            try {
                b.put(f, s.getLongs(f));
            } catch (ClassCastException notLongs) {
                b.put(f, s.getBytes(f));
            }
        }
        return b.build();
    }

    @Override
    public String name() {
        return current.name();
    }

    @Override
    public long base() {
        return current.base();
    }

    @Override
    public long windowSize() {
        return current.windowSize();
    }

    @Override
    public long read(long offset, int size, Endian order) {
        synchronized (lock) {
            return current.read(offset, size, order);
        }
    }

    @Override
    public void write(long offset, int size, long value, Endian order) {
        synchronized (lock) {
            current.write(offset, size, value, order);
        }
    }
}
