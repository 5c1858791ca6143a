package org.ppc440vm.api.device;

/**
 * A device whose implementation can be replaced under a running guest (hot-swap) or saved (snapshot).
 *
 * <p>The swap sequence: the vCPU is stopped at an exit boundary; {@link #quiesce()} is called on the old instance
 * (finish in-flight requests, take no new ones); {@link #exportState()} makes a value; the new instance's
 * {@link #importState(DeviceState)} takes it (or throws {@link IncompatibleStateException}, and the old instance
 * resumes); the slot is switched; the guest goes on.
 */
public interface StatefulDevice {

    /** Finishes in-flight work and stops taking new work. Blocks until done. */
    void quiesce();

    /** The device's complete guest-visible state, including backend positions. Only called after quiesce. */
    DeviceState exportState();

    /** Takes over a state exported by this or another implementation of the same device type. */
    void importState(DeviceState state) throws IncompatibleStateException;

    /** Resumes after a quiesce that was not followed by a swap (the swap was refused). */
    void resume();
}
