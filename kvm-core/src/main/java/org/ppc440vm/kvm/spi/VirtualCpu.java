package org.ppc440vm.kvm.spi;

import java.util.List;

import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.Vcpu;
import org.ppc440vm.api.vm.VmStatistics;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * One virtual 440 core: the hypervisor's side of the "run ioctl".
 *
 * <p>{@link #run()} executes the guest (at user privilege, every privileged instruction trapping into kvm-core,
 * which emulates it) until something needs userspace, and returns the exit record:
 * <ul>
 * <li>{@code MMIO}: a load or store to a guest-physical address that is not RAM. Userspace performs it on the device
 * and, for a read, calls {@link Exit#complete(long)}; the next {@code run()} finishes the instruction (writes the
 * register, updates rA, advances the PC).</li>
 * <li>{@code DCR}: {@code mfdcr}/{@code mtdcr} of a DCR kvm-core does not own; completed the same way.</li>
 * <li>{@code SHUTDOWN}: the guest powered off (a branch to itself with MSR[EE]=0 and no critical, machine-check or
 * debug source able to fire). {@code RESET}: DBCR0[RST] was written.</li>
 * <li>{@code TIMESLICE}: {@link #requestStop()} was called (pause, hot-swap, shutdown of the runtime).</li>
 * <li>{@code INTERNAL_ERROR}: the hypervisor cannot go on; {@link Exit#describe()} names the PC and instruction.</li>
 * </ul>
 * Everything else (privileged instructions, TLB refills, interrupts into the guest, timers) is handled inside, and
 * {@code MSR[WE]} (halt) idles inside {@code run()} without burning a host core until an interrupt is due or a stop
 * is requested. Only the thread that calls {@code run()} may touch the vCPU, except for the methods marked
 * thread-safe.
 */
public interface VirtualCpu extends Vcpu {

    /** Runs the guest until an exit userspace must handle. */
    Exit run();

    /** The architected registers, for the loader's initial state (PC, r1, r3, MSR) and for debugging. */
    CpuState state();

    /** The vCPU's TLB, for the loader's boot entry and for the consistency checker. */
    Mmu440 mmu();

    /** Level of the external-input line (the UIC's non-critical output). Thread-safe. */
    void setExternalInput(boolean asserted);

    /** Level of the critical-input line (the UIC's critical output). Thread-safe. */
    void setCriticalInput(boolean asserted);

    /** Makes {@link #run()} return {@code TIMESLICE} at its next exit boundary, also from halt. Thread-safe. */
    void requestStop();

    /** Resets the core to its power-on state (registers, SPRs, TLB, timers), as DBCR0[RST] or a VM reset wants. */
    void reset();

    /** Exit counts and times, emulated-instruction counters, TLB counters. Thread-safe, live. */
    VmStatistics statistics();

    /** The {@code n} guest PCs that trapped most, each as "0xPC  count  disassembly  (reason)". */
    List<String> hottestTraps(int n);

    /**
     * The vCPU's whole state for a snapshot: user and supervisor registers, every SPR, the timers (the time base as
     * the guest sees it and the decrementer's remaining ticks), the interrupt input levels and the guest TLB with
     * MMUCR. A versioned blob: only {@link #loadState(byte[])} of a compatible kvm-core reads it. Call while the vCPU
     * is stopped (not inside {@link #run()}).
     *
     * @since 1.1
     */
    default byte[] saveState() {
        throw new UnsupportedOperationException(getClass().getName() + " cannot save its state");
    }

    /**
     * Takes a state made by {@link #saveState()} (in this or another process): the guest continues where it was
     * saved, with its time base going on from the saved value. Decoded code and the shadow TLB are dropped (the RAM
     * may have been restored too). Call while the vCPU is stopped.
     *
     * @throws IllegalArgumentException when the blob is not a vCPU state, is truncated, or has a format version or
     *         core this vCPU cannot take (the message says which); the vCPU is then unchanged
     * @since 1.1
     */
    default void loadState(byte[] state) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot load a state");
    }
}
