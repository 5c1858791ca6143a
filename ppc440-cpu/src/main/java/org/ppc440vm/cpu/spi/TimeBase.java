package org.ppc440vm.cpu.spi;

/** The 64-bit time base, as mftb reads it. kvm-core drives it from host time, or from instructions retired (-icount). */
@FunctionalInterface
public interface TimeBase {
    TimeBase ZERO = () -> 0L;

    long read();
}
