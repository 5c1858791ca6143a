/**
 * User-mode emulation, as qemu-ppc does it: a static 32-bit PowerPC Linux program runs on the interpreter at user
 * privilege while this package plays the Linux kernel for it. {@link org.ppc440vm.cpu.user.StaticElf} validates and
 * describes the executable, {@link org.ppc440vm.cpu.user.AddressSpace} is the process's page table and the CPU's
 * miss handler, {@code InitialStack} lays out argv/envp/auxv, {@code Syscalls} and {@code Signals} are the system
 * calls and signal delivery, {@link org.ppc440vm.cpu.user.UserProcess} is the run loop and
 * {@link org.ppc440vm.cpu.user.UserMode} the {@code ppc440vm user} command line. Private to the bundle.
 */
package org.ppc440vm.cpu.user;
