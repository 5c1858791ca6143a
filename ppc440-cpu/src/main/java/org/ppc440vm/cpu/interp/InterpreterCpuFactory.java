package org.ppc440vm.cpu.interp;

import org.osgi.service.component.annotations.Component;
import org.ppc440vm.cpu.spi.Cpu;
import org.ppc440vm.cpu.spi.CpuFactory;
import org.ppc440vm.cpu.disasm.Disassembler;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.InstructionDisassembler;
import org.ppc440vm.cpu.spi.MissHandler;

/** Publishes the interpreter as the platform's {@link CpuFactory}. */
@Component(service = CpuFactory.class, property = "ppc440vm.cpu.model=440EP")
public final class InterpreterCpuFactory implements CpuFactory {
    /** The block compilation threshold for the cores made, or null for the default (system property). */
    private final Integer jitThreshold;
    /** Whether those cores compile blocks on a background thread (the runtime's way) or in place. */
    private final boolean backgroundCompile;

    public InterpreterCpuFactory() {
        this.jitThreshold = null;
        this.backgroundCompile = true;
    }

    /**
     * Cores with this block compilation threshold (0: never compile; 1: every block at its first entry), compiled
     * in place.
     */
    public InterpreterCpuFactory(int jitThreshold) {
        this(jitThreshold, false);
    }

    /** Cores with this threshold, compiling on a background thread or in place. */
    public InterpreterCpuFactory(int jitThreshold, boolean backgroundCompile) {
        this.jitThreshold = jitThreshold;
        this.backgroundCompile = backgroundCompile;
    }

    @Override
    public Cpu create(GuestRam ram, MissHandler misses, int cacheEntries) {
        return jitThreshold == null ? new Interpreter(ram, misses, cacheEntries)
                : new Interpreter(ram, misses, cacheEntries, jitThreshold, backgroundCompile);
    }

    @Override
    public InstructionDisassembler disassembler() {
        return Disassembler::disassemble;
    }
}
