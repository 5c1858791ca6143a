/**
 * The CPU bundle's command-line tools, served to the {@code ./ppc440vm} launcher as subcommands: {@code user}
 * (run a static PowerPC Linux program) and {@code disasm} (disassemble words or an ELF). Private to the bundle.
 */
package org.ppc440vm.cpu.tools;
