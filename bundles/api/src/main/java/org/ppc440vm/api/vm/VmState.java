package org.ppc440vm.api.vm;

/** A VM's lifecycle: CREATED → RUNNING ⇄ PAUSED → STOPPED. */
public enum VmState {
    CREATED,
    RUNNING,
    PAUSED,
    STOPPED
}
