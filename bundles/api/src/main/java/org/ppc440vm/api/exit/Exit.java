package org.ppc440vm.api.exit;

import org.ppc440vm.api.memory.Endian;

/**
 * One exit record: why the guest stopped and what userspace must do. The hypervisor reuses one record per vCPU
 * (no allocation per exit), so a handler must not keep it after it returns.
 *
 * <p>For {@link ExitReason#MMIO}: {@link #address()} (guest-physical), {@link #size()}, {@link #endian()},
 * {@link #isWrite()}, and {@link #data()} (the value written; for a read, userspace calls {@link #complete(long)}
 * with the value read). For {@link ExitReason#DCR}: {@link #dcr()}, {@link #isWrite()}, {@link #data()}.
 */
public interface Exit {

    ExitReason reason();

    /** Guest effective address of the instruction that caused the exit. */
    int pc();

    /** The instruction word at {@link #pc()} (0 when the exit is not caused by an instruction). */
    int instruction();

    /** Guest-physical address for MMIO; the faulting effective address (DEAR) for storage and TLB traps. */
    long address();

    /** Access size in bytes (1, 2, 4, 8) for MMIO. */
    int size();

    Endian endian();

    boolean isWrite();

    /** DCR number for DCR exits. */
    int dcr();

    /** The value written (MMIO/DCR writes) or completed (reads). */
    long data();

    /** Completes a read exit with the value read. */
    void complete(long value);

    /** A human-readable description, naming the PC and the disassembled instruction where there is one. */
    String describe();
}
