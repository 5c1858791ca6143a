/**
 * The PowerPC 440 interpreter: {@link org.ppc440vm.cpu.interp.Interpreter} (the {@link org.ppc440vm.cpu.spi.Cpu}),
 * published by {@link org.ppc440vm.cpu.interp.InterpreterCpuFactory}. Private to the bundle: other bundles use the
 * SPI only.
 *
 * <p>Pieces: {@code Decoder} maps an instruction word to an {@code Op} id once per word and physical page;
 * {@code Interpreter} dispatches on the id (hot ops inline, the rest in one slow method), translates through the
 * {@link org.ppc440vm.cpu.spi.TranslationCache} and calls the {@link org.ppc440vm.cpu.spi.MissHandler} on misses;
 * {@code Alu} holds the integer unit's pure functions (carries, masks, the 440 MAC family, dlmzb);
 * {@code SingleFormat} the bit-exact lfs/stfs conversions. FP arithmetic lives in the {@code fpu} sub-package.
 */
package org.ppc440vm.cpu.interp;
