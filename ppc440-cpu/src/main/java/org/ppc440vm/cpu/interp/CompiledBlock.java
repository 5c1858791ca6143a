package org.ppc440vm.cpu.interp;

import org.ppc440vm.cpu.spi.CpuState;

/** A straight-line run of instructions compiled by {@link BlockCompiler}. */
abstract class CompiledBlock {
    /** How many instructions the block holds (set once, right after compilation). */
    int length;

    /**
     * Executes the block (see {@link BlockCompiler#classFile}): answers the number of instructions completed, with
     * {@code it.jitNext} the word to go on at; or, if an instruction stopped it (it trapped, trap set; or, if no trap
     * is set, it completed but wrote decoded code), {@code -(completed before it) - 1} with jitNext = its word.
     * {@code limit} (at least {@link #length}) bounds the instructions a looping block may run.
     */
    abstract int run(Interpreter it, CpuState s, int[] gpr, int limit);

    /** What a start position holds while the {@link BackgroundCompiler} works on it (not run: length 0). */
    static final CompiledBlock QUEUED = new CompiledBlock() {
        @Override
        int run(Interpreter it, CpuState s, int[] gpr, int limit) {
            throw new IllegalStateException("a queued block is never run");
        }
    };

    /** What a start position that cannot be compiled holds, so it is not tried again. */
    static final CompiledBlock NONE = new CompiledBlock() {
        @Override
        int run(Interpreter it, CpuState s, int[] gpr, int limit) {
            throw new IllegalStateException("the empty block is never run");
        }
    };
}
