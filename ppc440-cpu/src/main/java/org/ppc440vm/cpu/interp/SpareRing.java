package org.ppc440vm.cpu.interp;

import java.util.function.Supplier;

/**
 * Objects made ahead by one thread and taken by another: a single-producer single-consumer ring of
 * {@link #CAPACITY} slots. The {@link BackgroundCompiler}'s thread fills it, so that the vCPU thread takes a fresh
 * per-page array instead of allocating one on its hot path.
 */
final class SpareRing<T> {
    static final int CAPACITY = 32;
    private static final int MASK = CAPACITY - 1;

    private final Object[] slots = new Object[CAPACITY];
    private final Supplier<T> factory;
    /** Objects made (written by the filling thread only) and taken (by the taking thread only). */
    private volatile int made;
    private volatile int taken;

    SpareRing(Supplier<T> factory) {
        this.factory = factory;
    }

    /** A spare, or null if none is ready (the taker then makes one itself). Taking thread only. */
    @SuppressWarnings("unchecked")
    T take() {
        int t = taken;
        if (t == made) {
            return null;
        }
        int slot = t & MASK;
        Object o = slots[slot];
        slots[slot] = null;
        taken = t + 1; // frees the slot for the filler
        return (T) o;
    }

    /** Makes spares until the ring is full; true if it made any. Filling thread only. */
    boolean fill() {
        boolean any = false;
        while (made - taken < CAPACITY) {
            slots[made & MASK] = factory.get();
            made = made + 1; // publishes the slot
            any = true;
        }
        return any;
    }
}
