package org.ppc440vm.tlb.impl;

import org.ppc440vm.tlb.spi.MmuFactory;

/** Lets the benchmark, which JMH wants public in its own package, make the factory without OSGi. */
public final class BenchAccess {
    public MmuFactory factory() {
        return new TlbManagerFactory();
    }
}
