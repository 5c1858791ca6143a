package org.ppc440vm.board.loader;

/** An image that cannot be booted; the message names the file and says why, in words a user can act on. */
public class LoadException extends Exception {
    private static final long serialVersionUID = 1L;

    public LoadException(String message) {
        super(message);
    }

    public LoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
