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

    @Override
    public Cpu create(GuestRam ram, MissHandler misses, int cacheEntries) {
        return new Interpreter(ram, misses, cacheEntries);
    }

    @Override
    public InstructionDisassembler disassembler() {
        return Disassembler::disassemble;
    }
}
