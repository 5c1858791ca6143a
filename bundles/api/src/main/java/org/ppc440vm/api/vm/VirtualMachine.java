package org.ppc440vm.api.vm;

/**
 * A virtual machine in a runtime. Registered as an OSGi service by whoever creates it (the board), with the service
 * property {@value #NAME_PROPERTY}, so that the shell and tests find it.
 */
public interface VirtualMachine {

    String NAME_PROPERTY = "ppc440vm.vm.name";

    String name();

    VmState state();

    /** Starts the vCPUs of a CREATED VM. */
    void start();

    /** Stops the vCPUs at their next exit boundary; returns when they are stopped. */
    void pause();

    void resume();

    /** Stops the VM for good and releases its devices; idempotent. */
    void stop();

    /** Live statistics (counters are read without stopping the guest). */
    VmStatistics statistics();
}
