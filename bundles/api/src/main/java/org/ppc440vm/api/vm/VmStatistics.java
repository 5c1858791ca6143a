package org.ppc440vm.api.vm;

import java.util.Map;

import org.ppc440vm.api.exit.ExitReason;

/**
 * Where a VM's time goes, like kvm_stat and KVM's exit timing: exits per reason and the host time spent in each,
 * plus counters per emulated instruction and other named events ("itlb_virtual", "dtlb_real", "mtspr"...).
 * Snapshots: each call returns the values at that moment.
 */
public interface VmStatistics {

    /** Guest instructions retired, all vCPUs. */
    long instructions();

    long exits(ExitReason reason);

    /** Host nanoseconds spent handling exits of this reason. */
    long exitNanos(ExitReason reason);

    /** Named counters (emulated instructions, TLB refills, ...), in a stable order. */
    Map<String, Long> counters();
}
