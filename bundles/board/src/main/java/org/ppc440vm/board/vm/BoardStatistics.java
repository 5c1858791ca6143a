package org.ppc440vm.board.vm;

import java.util.LinkedHashMap;
import java.util.Map;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.vm.VmStatistics;
import org.ppc440vm.board.machine.Board;
import org.ppc440vm.board.machine.DeviceSlot;
import org.ppc440vm.board.uart.Uart16550;
import org.ppc440vm.kvm.spi.VirtualCpu;

/** The VM's statistics: the hypervisor's (exits, emulated instructions, TLB) plus the board's device counters. */
final class BoardStatistics implements VmStatistics {
    private final VirtualCpu vcpu;
    private final Board board;

    BoardStatistics(VirtualCpu vcpu, Board board) {
        this.vcpu = vcpu;
        this.board = board;
    }

    @Override
    public long instructions() {
        return vcpu.statistics().instructions();
    }

    @Override
    public long exits(ExitReason reason) {
        return vcpu.statistics().exits(reason);
    }

    @Override
    public long exitNanos(ExitReason reason) {
        return vcpu.statistics().exitNanos(reason);
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>(vcpu.statistics().counters());
        c.putAll(boardCounters());
        return c;
    }

    /** Accesses per device window, unassigned accesses, console bytes. */
    Map<String, Long> boardCounters() {
        Map<String, Long> c = new LinkedHashMap<>();
        for (DeviceSlot s : board.mmio().slots()) {
            c.put("mmio_reads." + s.name(), s.reads());
            c.put("mmio_writes." + s.name(), s.writes());
        }
        c.put("mmio_unassigned_reads", board.mmio().unassignedReads());
        c.put("mmio_unassigned_writes", board.mmio().unassignedWrites());
        Uart16550 uart = board.uart();
        c.put("console_tx_bytes", uart.bytesTransmitted());
        c.put("console_rx_bytes", uart.bytesReceived());
        return c;
    }
}
