package org.ppc440vm.board.machine;

/** The board cannot be built as configured (overlapping devices, a device outside the bus...). */
public class BoardException extends Exception {
    private static final long serialVersionUID = 1L;

    public BoardException(String message) {
        super(message);
    }
}
