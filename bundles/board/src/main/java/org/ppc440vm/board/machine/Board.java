package org.ppc440vm.board.machine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.DeviceTreeNode;
import org.ppc440vm.api.device.InterruptLine;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.memory.GuestMemory;
import org.ppc440vm.board.fdt.BoardDeviceTree;
import org.ppc440vm.board.fdt.FdtNode;
import org.ppc440vm.board.uart.Uart16550;
import org.ppc440vm.board.uic.Uic;
import org.ppc440vm.cpu.spi.GuestRam;

/**
 * The bamboo-compatible machine: RAM at physical 0, one 440EP core (made by the VM, not here), UIC0 on DCRs
 * 0xC0-0xC8, UART0 at 0xEF600300 on UIC0 source 0, and whatever MMIO devices are plugged in (virtio-mmio windows
 * from 0xEF602000 on). It owns the address map and the DCR map, attaches each device with its
 * {@link DeviceContext}, and describes itself in a device tree.
 */
public final class Board {

    /** A device plugged into the board, with the UIC source its configuration names (or -1) and its options. */
    public static final class Plugged {
        final MmioDevice device;
        final int interrupt;
        final Map<String, String> options;

        public Plugged(MmioDevice device, int interrupt, Map<String, String> options) {
            this.device = device;
            this.interrupt = interrupt;
            this.options = options == null ? Map.of() : Map.copyOf(options);
        }
    }

    private final GuestRam ram;
    private final Uic uic;
    private final Uart16550 uart;
    private final List<Plugged> plugged;
    private final AddressMap mmio;
    private final DcrMap dcrs;
    private final Consumer<String> log;
    private boolean attached;

    /**
     * @param ramBytes guest RAM, a multiple of 4 KiB
     * @param warn where warnings about the guest's accesses go (stderr)
     * @param log where device log lines go
     */
    public Board(long ramBytes, boolean strictBus, Uart16550 uart, List<Plugged> extra, Consumer<String> warn,
            Consumer<String> log) throws BoardException {
        if (ramBytes <= 0 || ramBytes > Integer.MAX_VALUE - 0xFFF || (ramBytes & 0xFFF) != 0) {
            throw new BoardException("RAM size " + ramBytes + " is not a positive multiple of 4 KiB below 2 GiB");
        }
        this.ram = new GuestRam((int) ramBytes);
        this.uic = new Uic();
        this.uart = uart;
        this.plugged = List.copyOf(extra);
        this.log = log;
        List<MmioDevice> devices = new ArrayList<>();
        devices.add(uart);
        for (Plugged p : plugged) {
            if (p.interrupt >= uic.sources()) {
                throw new BoardException("device " + p.device.name() + " wants UIC0 source " + p.interrupt
                        + "; UIC0 has sources 0-31");
            }
            devices.add(p.device);
        }
        this.mmio = new AddressMap(ramBytes, devices, strictBus, warn);
        this.dcrs = new DcrMap(List.of(uic), warn);
    }

    public GuestRam ram() {
        return ram;
    }

    public Uic uic() {
        return uic;
    }

    public Uart16550 uart() {
        return uart;
    }

    public AddressMap mmio() {
        return mmio;
    }

    public DcrMap dcrs() {
        return dcrs;
    }

    public List<MmioDevice> devices() {
        List<MmioDevice> all = new ArrayList<>();
        for (AddressMap.Slot s : mmio.slots()) {
            all.add(s.device());
        }
        return Collections.unmodifiableList(all);
    }

    /** Attaches every device once: the UART to UIC0 source 0, plugged devices to their configured source. */
    public void attach() {
        if (attached) {
            return;
        }
        attached = true;
        uart.attach(new Context(uart.name(), uic.line(uart.interrupt()), Map.of()));
        for (Plugged p : plugged) {
            p.device.attach(new Context(p.device.name(), p.interrupt >= 0 ? uic.line(p.interrupt) : null, p.options));
        }
    }

    /** Detaches every device (the VM is over). */
    public void detach() {
        if (!attached) {
            return;
        }
        attached = false;
        for (Plugged p : plugged) {
            try {
                p.device.detach();
            } catch (RuntimeException e) {
                log.accept(p.device.name() + ": detach failed: " + e);
            }
        }
        uart.detach();
    }

    /** A machine reset: RAM cleared, the board's own devices to their power-on state. */
    public void reset() {
        ram.fill(0, ram.size(), (byte) 0);
        uart.reset();
        uic.reset();
    }

    /** The board's device tree: UIC0 and every device's node under /plb/opb, and /chosen as given. */
    public FdtNode deviceTree(BoardDeviceTree.Chosen chosen) {
        List<DeviceTreeNode> nodes = new ArrayList<>();
        for (MmioDevice d : devices()) {
            DeviceTreeNode n = d.deviceTreeNode();
            if (n != null) {
                nodes.add(n);
            }
        }
        return BoardDeviceTree.build(ram.size(), uic.deviceTreeNode(), nodes, chosen);
    }

    private final class Context implements DeviceContext {
        private final String name;
        private final InterruptLine line;
        private final Map<String, String> options;

        Context(String name, InterruptLine line, Map<String, String> options) {
            this.name = name;
            this.line = line;
            this.options = options;
        }

        @Override
        public GuestMemory memory() {
            return ram;
        }

        @Override
        public InterruptLine interruptLine() {
            return line;
        }

        @Override
        public Map<String, String> options() {
            return options;
        }

        @Override
        public void log(String message) {
            log.accept(name + ": " + message);
        }
    }
}
