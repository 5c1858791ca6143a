package org.ppc440vm.board.fdt;

/** A blob that is not a valid flattened device tree; the message says what is wrong and where. */
public class FdtFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public FdtFormatException(String message) {
        super(message);
    }
}
