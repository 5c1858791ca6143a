package org.ppc440vm.api.device;

/** An interrupt controller's inputs, as handed out by the board to devices. */
public interface InterruptController {

    /** The input line for source {@code n}; throws IllegalArgumentException for a source the controller lacks. */
    InterruptLine line(int n);

    /** Number of sources. */
    int sources();
}
