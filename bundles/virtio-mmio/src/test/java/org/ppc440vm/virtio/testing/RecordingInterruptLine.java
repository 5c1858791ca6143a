package org.ppc440vm.virtio.testing;

import java.util.concurrent.atomic.AtomicInteger;

import org.ppc440vm.api.device.InterruptLine;

/** An interrupt line that remembers its level and how often it went from low to high. */
public final class RecordingInterruptLine implements InterruptLine {
    private final int number;
    private volatile boolean level;
    private final AtomicInteger raised = new AtomicInteger();

    public RecordingInterruptLine(int number) {
        this.number = number;
    }

    @Override
    public synchronized void set(boolean asserted) {
        if (asserted && !level) {
            raised.incrementAndGet();
        }
        level = asserted;
    }

    @Override
    public int number() {
        return number;
    }

    public boolean isAsserted() {
        return level;
    }

    /** Low-to-high transitions so far. */
    public int raisedCount() {
        return raised.get();
    }
}
