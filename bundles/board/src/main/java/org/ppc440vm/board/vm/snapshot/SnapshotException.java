package org.ppc440vm.board.vm.snapshot;

import java.io.IOException;

/** A snapshot cannot be written or restored; the message names the file and what is wrong, for the user. */
public class SnapshotException extends IOException {
    private static final long serialVersionUID = 1L;

    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
