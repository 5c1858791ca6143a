package org.ppc440vm.board.machine;

/** A device swap or install that cannot be done; the message says why (the old implementation keeps running). */
public final class SwapRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public SwapRefusedException(String message) {
        super(message);
    }
}
