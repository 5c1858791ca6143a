package org.ppc440vm.board.machine;

import java.util.List;
import java.util.function.Consumer;

import org.ppc440vm.api.device.DcrDevice;
import org.ppc440vm.api.exit.Exit;

/**
 * The DCR bus: which device owns which of the 1024 DCR numbers. A DCR nobody owns reads 0 and ignores writes, with
 * one warning per number (Linux on this board touches only UIC0's).
 */
public final class DcrMap {
    public static final int DCR_COUNT = 1024;

    private final DcrDevice[] owner = new DcrDevice[DCR_COUNT];
    private final int[] base = new int[DCR_COUNT];
    private final long[] accesses = new long[DCR_COUNT];
    private final UnassignedAccessLog unassigned;

    public DcrMap(List<? extends DcrDevice> devices, Consumer<String> warn) throws BoardException {
        for (DcrDevice d : devices) {
            if (d.dcrBase() < 0 || d.dcrCount() <= 0 || d.dcrBase() + d.dcrCount() > DCR_COUNT) {
                throw new BoardException(String.format("device %s claims DCRs 0x%x-0x%x, outside 0x000-0x3ff", d.name(),
                        d.dcrBase(), d.dcrBase() + d.dcrCount() - 1));
            }
            for (int n = d.dcrBase(); n < d.dcrBase() + d.dcrCount(); n++) {
                if (owner[n] != null) {
                    throw new BoardException(String.format("devices %s and %s both claim DCR 0x%03x", owner[n].name(),
                            d.name(), n));
                }
                owner[n] = d;
                base[n] = d.dcrBase();
            }
        }
        this.unassigned = new UnassignedAccessLog("DCR", warn);
    }

    /** Performs a DCR exit ({@code mfdcr} completes with the value read). */
    public void access(Exit exit) {
        int dcr = exit.dcr();
        if (exit.isWrite()) {
            write(dcr, (int) exit.data(), exit.pc());
        } else {
            exit.complete(read(dcr, exit.pc()) & 0xFFFF_FFFFL);
        }
    }

    public int read(int dcr, int pc) {
        DcrDevice d = dcr >= 0 && dcr < DCR_COUNT ? owner[dcr] : null;
        if (d == null) {
            if (unassigned.isNew(dcr)) {
                unassigned.warn(String.format("mfdcr of unassigned DCR 0x%03x (pc 0x%08x): reads 0", dcr, pc));
            }
            return 0;
        }
        accesses[dcr]++;
        return d.readDcr(dcr - base[dcr]);
    }

    public void write(int dcr, int value, int pc) {
        DcrDevice d = dcr >= 0 && dcr < DCR_COUNT ? owner[dcr] : null;
        if (d == null) {
            if (unassigned.isNew(dcr)) {
                unassigned.warn(String.format("mtdcr of unassigned DCR 0x%03x (pc 0x%08x): ignored", dcr, pc));
            }
            return;
        }
        accesses[dcr]++;
        d.writeDcr(dcr - base[dcr], value);
    }

    /** Accesses of DCR {@code n} so far. */
    public long accesses(int n) {
        return accesses[n];
    }

    public DcrDevice owner(int n) {
        return owner[n];
    }
}
