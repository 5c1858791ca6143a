package org.ppc440vm.api.device;

/**
 * One input of an interrupt controller (a UIC source), as a device sees it. Level semantics: a device raises its
 * line while it has something to say and lowers it when the guest has acknowledged it; edge-triggered sources are
 * configured in the controller, not here. Safe to call from any thread; cheap (an atomic update).
 */
public interface InterruptLine {

    /** Sets the line's level. */
    void set(boolean asserted);

    default void raise() {
        set(true);
    }

    default void lower() {
        set(false);
    }

    /** The source number on its controller (UIC bit 31 - n). */
    int number();
}
