package org.ppc440vm.cpu.spi;

/** Makes cores. Registered as a service by the CPU bundle. */
public interface CpuFactory {

    /**
     * A new core over {@code ram} (guest-physical address 0 upwards), translating through a cache of
     * {@code cacheEntries} entries whose misses go to {@code misses}.
     */
    Cpu create(GuestRam ram, MissHandler misses, int cacheEntries);

    /**
     * The disassembler of this CPU's instruction set, objdump-exact. The default only prints {@code .long}, for
     * factories (test doubles) that have none.
     */
    default InstructionDisassembler disassembler() {
        return (word, address) -> String.format(".long 0x%x", word);
    }
}
