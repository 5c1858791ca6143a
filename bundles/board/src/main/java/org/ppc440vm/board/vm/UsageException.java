package org.ppc440vm.board.vm;

/** A command line the board cannot run: the message is printed and the process exits with status 2. */
public class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
