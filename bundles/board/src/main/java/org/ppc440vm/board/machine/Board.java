package org.ppc440vm.board.machine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.ppc440vm.api.device.DeviceTreeNode;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.board.fdt.BoardDeviceTree;
import org.ppc440vm.board.fdt.FdtNode;
import org.ppc440vm.board.uart.Uart16550;
import org.ppc440vm.board.uic.Uic;
import org.ppc440vm.cpu.spi.GuestRam;

/**
 * The bamboo-compatible machine: RAM at physical 0, one 440EP core (made by the VM, not here), UIC0 on DCRs
 * 0xC0-0xC8, UART0 at 0xEF600300 on UIC0 source 0, and whatever MMIO devices are plugged in (virtio-mmio windows
 * from 0xEF602000 on). It owns the address map and the DCR map, attaches each device with its
 * {@link org.ppc440vm.api.device.DeviceContext}, and describes itself in a device tree.
 */
public final class Board {

    /**
     * A device plugged into the board, with the UIC source its configuration names (or -1), its options, its type
     * (null: from its name) and the implementation it comes from (provider, origin, release: see
     * {@link DeviceSlot.Implementation}).
     */
    public static final class Plugged {
        final MmioDevice device;
        final int interrupt;
        final Map<String, String> options;
        final String type;
        final DeviceSlot.Implementation implementation;

        public Plugged(MmioDevice device, int interrupt, Map<String, String> options) {
            this(new DeviceSlot.Implementation(device, null, null, null), null, interrupt, options);
        }

        public Plugged(DeviceSlot.Implementation implementation, String type, int interrupt,
                Map<String, String> options) {
            this.device = implementation.device();
            this.implementation = implementation;
            this.type = type;
            this.interrupt = interrupt;
            this.options = options == null ? Map.of() : Map.copyOf(options);
        }
    }

    /** The provider shown for the board's own devices (the UART). */
    public static final String BUILT_IN = "built-in";

    private final GuestRam ram;
    private final Uic uic;
    private final Uart16550 uart;
    private final AddressMap mmio;
    private final DcrMap dcrs;
    private boolean attached;

    /**
     * @param ramBytes guest RAM, a multiple of 4 KiB
     * @param warn where warnings about the guest's accesses go (stderr)
     * @param log where device log lines go
     */
    public Board(long ramBytes, boolean strictBus, Uart16550 uart, List<Plugged> extra, Consumer<String> warn,
            Consumer<String> log) throws BoardException {
        this(new GuestRam(checkRamSize(ramBytes)), strictBus, uart, extra, warn, log);
    }

    /** A board around RAM allocated already (see {@link #checkRamSize}). */
    public Board(GuestRam ram, boolean strictBus, Uart16550 uart, List<Plugged> extra, Consumer<String> warn,
            Consumer<String> log) throws BoardException {
        long ramBytes = ram.size();
        this.ram = ram;
        this.uic = new Uic();
        this.uart = uart;
        List<DeviceSlot> slots = new ArrayList<>();
        slots.add(new DeviceSlot(new DeviceSlot.Implementation(uart, BUILT_IN, null, null), "uart16550",
                uart.interrupt(), Map.of(), ram, uic.line(uart.interrupt()), log));
        for (Plugged p : extra) {
            if (p.interrupt >= uic.sources()) {
                throw new BoardException("device " + p.device.name() + " wants UIC0 source " + p.interrupt
                        + "; UIC0 has sources 0-31");
            }
            if (p.device.windowSize() <= 0) {
                throw new BoardException("device " + p.device.name() + " has an empty MMIO window at "
                        + String.format("0x%08x", p.device.base()));
            }
            slots.add(new DeviceSlot(p.implementation, p.type, p.interrupt, p.options, ram,
                    p.interrupt >= 0 ? uic.line(p.interrupt) : null, log));
        }
        this.mmio = AddressMap.of(ramBytes, slots, strictBus, warn);
        this.dcrs = new DcrMap(List.of(uic), warn);
    }

    /** The RAM size as an int if the board can have that much RAM (a positive multiple of 4 KiB below 2 GiB). */
    public static int checkRamSize(long ramBytes) throws BoardException {
        if (ramBytes <= 0 || ramBytes > Integer.MAX_VALUE - 0xFFF || (ramBytes & 0xFFF) != 0) {
            throw new BoardException("RAM size " + ramBytes + " is not a positive multiple of 4 KiB below 2 GiB");
        }
        return (int) ramBytes;
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

    /** The devices answering now (a waiting or detached window has none), in address order. */
    public List<MmioDevice> devices() {
        List<MmioDevice> all = new ArrayList<>();
        for (DeviceSlot s : mmio.slots()) {
            MmioDevice d = s.device();
            if (d != null) {
                all.add(d);
            }
        }
        return Collections.unmodifiableList(all);
    }

    /** The device windows in address order: the UART and every plugged device, whatever their state. */
    public List<DeviceSlot> slots() {
        return mmio.slots();
    }

    /** Attaches every device once: the UART to UIC0 source 0, plugged devices to their configured source. */
    public void attach() {
        if (attached) {
            return;
        }
        attached = true;
        for (DeviceSlot s : mmio.slots()) {
            s.attach();
        }
    }

    /**
     * Releases a vCPU blocked on a window whose implementation is absent (the VM is stopping): its access completes
     * as an unassigned one, so that the run loop can see the stop.
     */
    public void abortWaits() {
        for (DeviceSlot s : mmio.slots()) {
            s.abortWaits();
        }
    }

    /** Detaches every device and lets go of the implementations (the VM is over). */
    public void detach() {
        if (!attached) {
            return;
        }
        attached = false;
        // Plugged devices first, the UART (the console's device) last, as before.
        List<DeviceSlot> slots = mmio.slots();
        DeviceSlot uartSlot = null;
        for (DeviceSlot s : slots) {
            if (s.device() == uart) {
                uartSlot = s;
                continue;
            }
            s.shutdown();
        }
        if (uartSlot != null) {
            uartSlot.shutdown();
        }
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
        for (DeviceSlot s : mmio.slots()) {
            if (s.state().equals(DeviceSlot.DETACHED)) {
                continue;
            }
            DeviceTreeNode n = s.deviceTreeNode();
            if (n != null) {
                nodes.add(n);
            }
        }
        return BoardDeviceTree.build(ram.size(), uic.deviceTreeNode(), nodes, chosen);
    }
}
