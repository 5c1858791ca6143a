package org.ppc440vm.tlb.spi;

/**
 * Names of the counters {@link Mmu440#counters()} reports, in the style of KVM's kvm_stat: a "virtual" TLB miss was
 * refilled by the hypervisor from the guest TLB without the guest seeing it; a "real" one was delivered to the guest.
 */
public final class MmuCounters {
    /** Instruction-fetch misses refilled from the guest TLB (light exits). */
    public static final String ITLB_VIRTUAL = "itlb_virtual";
    /** Instruction TLB miss interrupts delivered to the guest. */
    public static final String ITLB_REAL = "itlb_real";
    /** Data misses refilled from the guest TLB (light exits). */
    public static final String DTLB_VIRTUAL = "dtlb_virtual";
    /** Data TLB miss interrupts delivered to the guest. */
    public static final String DTLB_REAL = "dtlb_real";
    /** Instruction storage interrupts (execute permission) delivered to the guest. */
    public static final String ISI = "isi";
    /** Data storage interrupts (read or write permission) delivered to the guest. */
    public static final String DSI = "dsi";
    /** Accesses to guest pages that are not RAM (device accesses). */
    public static final String MMIO = "mmio";
    /** Accesses served uncached through the miss path because a 1 KiB guest page covers them. */
    public static final String DIRECT_1K = "direct_1k";
    /** Accesses to little-endian (E=1) pages, which the translation SPI cannot serve (reported as internal errors). */
    public static final String LITTLE_ENDIAN = "little_endian";
    /** Misses where more than one guest entry matched (overlapping entries; the lowest index won). */
    public static final String MULTI_HIT = "tlb_multi_hit";
    /** Guest TLB words written (tlbwe); named apart from kvm-core's per-instruction "tlbwe" count. */
    public static final String GUEST_TLB_WRITES = "guest_tlb_writes";
    /** Shadow entries replaced by a refill of another page or context in the same slot. */
    public static final String SHADOW_EVICTIONS = "shadow_evictions";
    /** Shadow entries invalidated because the guest entry they came from changed or was overridden. */
    public static final String SHADOW_INVALIDATIONS = "shadow_invalidations";
    /**
     * Shadow entries a tlbwe examined for being overridden by the entry it wrote (only those of higher-numbered
     * entries whose range and address space overlap it are examined).
     */
    public static final String OVERRIDE_SCANS = "shadow_override_scans";
    /** Supervisor shadow entries dropped because the PID they depended on changed. */
    public static final String PID_INVALIDATIONS = "shadow_pid_invalidations";
    /** Host tier: saves and restores of this vCPU's shadow entries, and the entries restored. */
    public static final String HOST_SAVES = "host_tlb_saves";
    public static final String HOST_RESTORES = "host_tlb_restores";
    public static final String HOST_RESTORED_ENTRIES = "host_tlb_restored_entries";
    /** Consistency checks run (with {@code -d tlb-check}). */
    public static final String CHECKS = "tlb_checks";

    private MmuCounters() {
    }
}
