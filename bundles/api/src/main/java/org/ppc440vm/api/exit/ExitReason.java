package org.ppc440vm.api.exit;

/**
 * The one vocabulary of exits. The CPU's trap reasons, the exits {@code run()} returns to userspace, the keys of
 * exit handlers ({@link ExitHandler#REASON_PROPERTY}) and the statistics all use these constants' names.
 *
 * <p>The first group are the 440's interrupt classes (one per IVOR) plus {@link #PRIVILEGED_INSTRUCTION}, which the
 * hardware reports as a Program interrupt but which is the hypervisor's most common trap (the guest kernel runs at
 * user privilege). The second group are exits to userspace (the VMM's device models and lifecycle).
 */
public enum ExitReason {
    // ---- traps from the CPU (the 440's interrupt classes, by IVOR number) ----
    CRITICAL_INPUT(0),
    MACHINE_CHECK(1),
    DATA_STORAGE(2),
    INSTRUCTION_STORAGE(3),
    EXTERNAL_INPUT(4),
    ALIGNMENT(5),
    PROGRAM(6),
    FP_UNAVAILABLE(7),
    SYSTEM_CALL(8),
    AUX_UNAVAILABLE(9),
    DECREMENTER(10),
    FIXED_INTERVAL_TIMER(11),
    WATCHDOG(12),
    DATA_TLB_MISS(13),
    INSTRUCTION_TLB_MISS(14),
    DEBUG(15),
    /** A privileged instruction executed by the guest kernel (which runs at user privilege): to be emulated. */
    PRIVILEGED_INSTRUCTION(6),

    // ---- exits to userspace ----
    /** A load from or store to a guest-physical address that is not RAM. */
    MMIO(-1),
    /** {@code mfdcr}/{@code mtdcr} of a DCR that the hypervisor does not own. */
    DCR(-1),
    /** The guest set MSR[WE] and nothing is pending: the vCPU waits for an interrupt. */
    HALT(-1),
    /** The guest powered off (branch-to-self with no interrupt able to fire). */
    SHUTDOWN(-1),
    /** The guest asked for a reset (DBCR0[RST]). */
    RESET(-1),
    /** The time slice ended or another thread asked the vCPU to stop (pause, hot-swap, timer due). */
    TIMESLICE(-1),
    /** Something the hypervisor cannot go on from; the exit names the PC and the instruction. */
    INTERNAL_ERROR(-1);

    private final int ivor;

    ExitReason(int ivor) {
        this.ivor = ivor;
    }

    /** The IVOR number through which the 440 delivers this class of interrupt, or -1 for userspace exits. */
    public int ivor() {
        return ivor;
    }

    /** True for exits that return from {@code run()} to the VMM's userspace. */
    public boolean isUserspaceExit() {
        return ivor < 0;
    }

    private static final ExitReason[] VALUES = values();

    /** The constant with this ordinal, without allocating (for int-coded hot paths). */
    public static ExitReason ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
