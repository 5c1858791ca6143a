package org.ppc440vm.kvm.vcpu;

import org.ppc440vm.cpu.spi.InstructionDisassembler;
import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.memory.Endian;

/**
 * The one exit record of a vCPU, reused for every exit (nothing is allocated per exit). Besides what the
 * {@link Exit} contract shows, it carries how to finish the guest instruction once userspace (or a handler) has
 * performed an MMIO or DCR access: which register receives a load, which base register an update form writes.
 */
final class ExitRecord implements Exit {
    /** What finishing the instruction takes, once the access is done. */
    static final int FINISH_NONE = 0;
    /** An integer load: rT = data (zero- or sign-extended), then rA update, pc += 4. */
    static final int FINISH_LOAD = 1;
    static final int FINISH_LOAD_SIGNED = 2;
    /** FP loads: frT = data converted from single, or taken as a double. */
    static final int FINISH_LOAD_SINGLE = 3;
    static final int FINISH_LOAD_DOUBLE = 4;
    /** A store: rA update, pc += 4. */
    static final int FINISH_STORE = 5;
    /** mfdcr: rT = data, pc += 4. */
    static final int FINISH_DCR_READ = 6;
    /** mtdcr: pc += 4. */
    static final int FINISH_DCR_WRITE = 7;

    ExitReason reason = ExitReason.TIMESLICE;
    int pc;
    int instruction;
    long address;
    int size;
    Endian endian = Endian.BIG;
    boolean write;
    int dcr;
    long data;
    /** The ESR bits the trap reported (Program, storage, alignment, data TLB miss), for the built-in delivery. */
    int esr;
    /** Free text for INTERNAL_ERROR (allocated only then). */
    String message;

    int finish;
    /** Register written by the load (GPR or FPR number). */
    int targetRegister;
    /** Base register an update form writes with {@link #updateAddress}, or -1. */
    int updateRegister = -1;
    int updateAddress;
    /** The effective address of the MMIO access (DEAR if it must become an interrupt). */
    int effectiveAddress;

    /** Starts a fresh record: everything but the reason, pc and instruction cleared. */
    void begin(ExitReason reason, int pc, int instruction) {
        this.reason = reason;
        this.pc = pc;
        this.instruction = instruction;
        address = 0;
        size = 0;
        endian = Endian.BIG;
        write = false;
        dcr = 0;
        data = 0;
        esr = 0;
        message = null;
        finish = FINISH_NONE;
        updateRegister = -1;
    }

    /** Turns the record into an INTERNAL_ERROR naming {@code why}. */
    void internalError(String why) {
        reason = ExitReason.INTERNAL_ERROR;
        message = why;
        finish = FINISH_NONE;
    }

    @Override
    public ExitReason reason() {
        return reason;
    }

    @Override
    public int pc() {
        return pc;
    }

    @Override
    public int instruction() {
        return instruction;
    }

    @Override
    public long address() {
        return address;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Endian endian() {
        return endian;
    }

    @Override
    public boolean isWrite() {
        return write;
    }

    @Override
    public int dcr() {
        return dcr;
    }

    @Override
    public long data() {
        return data;
    }

    @Override
    public void complete(long value) {
        data = value;
    }

    /** What {@link #describe()} disassembles the instruction with: the CPU's own disassembler, set by the vCPU. */
    InstructionDisassembler disassembler = (word, address) -> String.format(".long 0x%x", word);

    @Override
    public String describe() {
        String insn = instruction != 0 || reason == ExitReason.PRIVILEGED_INSTRUCTION || reason == ExitReason.MMIO
                || reason == ExitReason.DCR ? " (" + disassembler.disassemble(instruction, pc) + ")" : "";
        String at = String.format(" at pc 0x%08x%s", pc, insn);
        switch (reason) {
            case MMIO:
                return String.format("MMIO %s of %d byte%s at guest-physical 0x%09x, %s-endian%s%s",
                        write ? "write" : "read", size, size == 1 ? "" : "s", address,
                        endian == Endian.BIG ? "big" : "little",
                        write ? String.format(", data 0x%x", data) : "", at);
            case DCR:
                return String.format("DCR %s of DCR 0x%03x%s%s", write ? "write" : "read", dcr,
                        write ? String.format(", data 0x%08x", (int) data) : "", at);
            case INTERNAL_ERROR:
                return "internal error: " + message + at;
            default:
                return reason + at + (address != 0 ? String.format(", address 0x%08x", address) : "");
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
