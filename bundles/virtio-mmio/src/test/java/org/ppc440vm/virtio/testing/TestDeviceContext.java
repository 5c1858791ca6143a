package org.ppc440vm.virtio.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.InterruptLine;
import org.ppc440vm.api.memory.GuestMemory;

/** A board's DeviceContext for tests: given memory and line, options, and the device's log lines kept in a list. */
public final class TestDeviceContext implements DeviceContext {
    private final GuestMemory memory;
    private final InterruptLine line;
    private final Map<String, String> options;
    private final List<String> log = new CopyOnWriteArrayList<>();

    public TestDeviceContext(GuestMemory memory, InterruptLine line) {
        this(memory, line, Map.of());
    }

    public TestDeviceContext(GuestMemory memory, InterruptLine line, Map<String, String> options) {
        this.memory = memory;
        this.line = line;
        this.options = options;
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    @Override
    public InterruptLine interruptLine() {
        return line;
    }

    @Override
    public Map<String, String> options() {
        return options;
    }

    @Override
    public void log(String message) {
        log.add(message);
    }

    /** Every line logged so far. */
    public List<String> logLines() {
        return log;
    }
}
