package org.ppc440vm.api.memory;

/**
 * An access that would leave the guest's RAM. Devices catch it and report a misbehaving guest (for virtio: the
 * device goes to NEEDS_RESET); it never escapes into the vCPU.
 */
public class GuestMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long address;
    private final long length;

    public GuestMemoryException(long address, long length, long ramSize) {
        super(String.format("guest-physical access 0x%x+%d is outside guest RAM (0x0-0x%x)", address, length, ramSize));
        this.address = address;
        this.length = length;
    }

    /** The guest-physical address of the rejected access. */
    public long address() {
        return address;
    }

    /** The length in bytes of the rejected access. */
    public long length() {
        return length;
    }
}
