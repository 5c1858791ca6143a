package org.ppc440vm.cpu.user;

/** The file is not a program user mode can run: not a static 32-bit big-endian PowerPC Linux ELF executable. */
public final class ElfFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ElfFormatException(String message) {
        super(message);
    }
}
