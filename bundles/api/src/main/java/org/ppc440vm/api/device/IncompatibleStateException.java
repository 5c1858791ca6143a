package org.ppc440vm.api.device;

/** A device implementation cannot read a state (other device type, or a version it does not know). */
public class IncompatibleStateException extends Exception {
    private static final long serialVersionUID = 1L;

    public IncompatibleStateException(String message) {
        super(message);
    }
}
