package org.ppc440vm.api.exit;

/** What an exit handler decided. */
public enum ExitAction {
    /** The exit is handled completely (an emulated {@code mtspr SPRG0}, a shadow-TLB refill): resume the guest. */
    RESUME,
    /** Return the exit record from {@code run()} to userspace (MMIO, DCR, halt, reset...). */
    TO_USERSPACE,
    /** This handler does not handle this case: the next-ranked handler (finally the built-in one) gets it. */
    PASS
}
