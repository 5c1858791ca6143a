package org.ppc440vm.api.device;

import java.util.Map;

import org.ppc440vm.api.memory.GuestMemory;

/**
 * What the board gives a device when it attaches it: the only doors a device has into the VM. Devices never reach
 * into the CPU or the hypervisor; they see guest memory, their interrupt line and their own configuration.
 */
public interface DeviceContext {

    /** The guest's RAM (bounds-checked). */
    GuestMemory memory();

    /** The device's interrupt line, as given by its configuration ("interrupt" = UIC source), or null. */
    InterruptLine interruptLine();

    /** The device's options from the command line or Config Admin (for example {@code file=disk.img,readonly=on}). */
    Map<String, String> options();

    /** Logs one line about this device (to the runtime log, prefixed by the device's name). */
    void log(String message);
}
