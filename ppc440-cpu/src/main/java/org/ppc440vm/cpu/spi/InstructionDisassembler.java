package org.ppc440vm.cpu.spi;

/**
 * Turns one instruction word into the text GNU objdump prints for it with {@code -M 440} (mnemonic, a space,
 * operands; branch targets absolute from {@code address}), so that exit descriptions, hot-trap lists and traces can
 * be diffed against binutils. Obtained from {@link CpuFactory#disassembler()}.
 */
@FunctionalInterface
public interface InstructionDisassembler {

    String disassemble(int word, int address);
}
