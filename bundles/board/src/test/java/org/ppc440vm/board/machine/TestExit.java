package org.ppc440vm.board.machine;

import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.memory.Endian;

/** A hand-made exit record, as kvm-core's run() would return it. */
public final class TestExit implements Exit {
    public ExitReason reason;
    public long address;
    public int size = 1;
    public Endian endian = Endian.BIG;
    public boolean write;
    public int dcr;
    public long data;
    public boolean completed;
    public int pc = 0xC0001234;

    public static TestExit of(ExitReason reason) {
        TestExit e = new TestExit();
        e.reason = reason;
        return e;
    }

    public static TestExit mmioRead(long address, int size) {
        TestExit e = of(ExitReason.MMIO);
        e.address = address;
        e.size = size;
        return e;
    }

    public static TestExit mmioWrite(long address, int size, long value) {
        TestExit e = mmioRead(address, size);
        e.write = true;
        e.data = value;
        return e;
    }

    public static TestExit dcrRead(int dcr) {
        TestExit e = of(ExitReason.DCR);
        e.dcr = dcr;
        return e;
    }

    public static TestExit dcrWrite(int dcr, int value) {
        TestExit e = dcrRead(dcr);
        e.write = true;
        e.data = value & 0xFFFF_FFFFL;
        return e;
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
        return 0;
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
        completed = true;
    }

    @Override
    public String describe() {
        return reason + " at pc 0x" + Integer.toHexString(pc);
    }
}
