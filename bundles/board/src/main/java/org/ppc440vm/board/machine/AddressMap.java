package org.ppc440vm.board.machine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.memory.Endian;

/**
 * The guest-physical address map outside RAM: which device answers which window. Windows are sorted by base; a
 * look-up is a check of the last window hit and then a binary search, with no allocation. Each window is a
 * {@link DeviceSlot}, the indirection a hot-swap replaces: the slot forwards the access to whichever implementation is
 * behind it now (and makes the vCPU wait while none is). A detached slot's window is unassigned.
 *
 * <p>An address no device claims reads 0 and ignores writes, as QEMU's unassigned memory does (the kernel probes the
 * device tree's nodes and must survive an absent device), with one warning per address; on a strict bus
 * ({@code -M bamboo,strict-bus=on}) the access is refused instead and the caller gives the guest a machine check.
 */
public final class AddressMap {

    private final DeviceSlot[] slots;
    private final long[] bases;
    private final boolean strictBus;
    private final UnassignedAccessLog unassigned;
    private DeviceSlot last;
    private long unassignedReads;
    private long unassignedWrites;

    /**
     * Maps {@code devices}, each in a slot of its own that never changes (tests, simple boards); fails like
     * {@link #of}.
     */
    public AddressMap(long ramSize, List<? extends MmioDevice> devices, boolean strictBus, Consumer<String> warn)
            throws BoardException {
        this(ramSize, wrap(devices), strictBus, warn);
    }

    /**
     * Maps {@code slots}; fails, naming both devices, when two windows overlap, and when a window is empty or
     * overlaps RAM ({@code [0, ramSize)}), where the guest would never reach it.
     */
    public static AddressMap of(long ramSize, List<DeviceSlot> slots, boolean strictBus, Consumer<String> warn)
            throws BoardException {
        return new AddressMap(ramSize, slots.toArray(new DeviceSlot[0]), strictBus, warn);
    }

    private static DeviceSlot[] wrap(List<? extends MmioDevice> devices) throws BoardException {
        DeviceSlot[] s = new DeviceSlot[devices.size()];
        for (int i = 0; i < s.length; i++) {
            MmioDevice d = devices.get(i);
            if (d.windowSize() <= 0) {
                throw new BoardException("device " + d.name() + " has an empty MMIO window at " + hex(d.base()));
            }
            s[i] = DeviceSlot.fixed(d);
        }
        return s;
    }

    private AddressMap(long ramSize, DeviceSlot[] given, boolean strictBus, Consumer<String> warn)
            throws BoardException {
        List<DeviceSlot> sorted = new ArrayList<>();
        for (DeviceSlot d : given) {
            if (d.windowSize() <= 0) {
                throw new BoardException("device " + d.name() + " has an empty MMIO window at " + hex(d.base()));
            }
            if (d.base() < ramSize) {
                throw new BoardException(String.format("device %s's window %s overlaps RAM (0x0-%s): the guest could"
                        + " never reach it", d.name(), window(d.base(), d.windowSize()), hex(ramSize - 1)));
            }
            sorted.add(d);
        }
        sorted.sort(Comparator.comparingLong(s -> s.base));
        for (int i = 1; i < sorted.size(); i++) {
            DeviceSlot a = sorted.get(i - 1);
            DeviceSlot b = sorted.get(i);
            if (b.base < a.end) {
                throw new BoardException(String.format("devices %s (%s) and %s (%s) claim overlapping MMIO windows",
                        a.name(), window(a.base, a.end - a.base), b.name(), window(b.base, b.end - b.base)));
            }
        }
        this.slots = sorted.toArray(new DeviceSlot[0]);
        this.bases = new long[slots.length];
        for (int i = 0; i < slots.length; i++) {
            bases[i] = slots[i].base;
        }
        this.strictBus = strictBus;
        this.unassigned = new UnassignedAccessLog("MMIO", warn);
    }

    private static String hex(long v) {
        return String.format("0x%08x", v);
    }

    private static String window(long base, long size) {
        return String.format("0x%08x-0x%08x", base, base + size - 1);
    }

    /** The slot whose window holds {@code address}, or null. */
    public DeviceSlot find(long address) {
        DeviceSlot s = last;
        if (s != null && address >= s.base && address < s.end) {
            return s;
        }
        int lo = 0;
        int hi = bases.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (bases[mid] <= address) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (hi < 0) {
            return null;
        }
        s = slots[hi];
        if (address >= s.end) {
            return null;
        }
        last = s;
        return s;
    }

    /**
     * Performs an MMIO exit: the device's read (completing the exit) or write. Returns false when nobody claims the
     * address and the bus is strict: the caller must then deliver a machine check instead of completing the access.
     */
    public boolean access(Exit exit) {
        long address = exit.address();
        int size = exit.size();
        Endian order = exit.endian();
        if (exit.isWrite()) {
            return write(address, size, exit.data(), order, exit.pc());
        }
        DeviceSlot s = find(address);
        if (s != null && !s.isDetached()) {
            exit.complete(s.read(address - s.base, size, order));
            return true;
        }
        unassignedReads++;
        if (unassigned.isNew(address)) {
            unassigned.warn(unassignedMessage("read", address, size, exit.pc()));
        }
        if (strictBus) {
            return false;
        }
        exit.complete(0);
        return true;
    }

    /** A read as the guest would make it (tests, the monitor); unassigned reads 0. */
    public long read(long address, int size, Endian order) {
        DeviceSlot s = find(address);
        return s == null || s.isDetached() ? 0 : s.read(address - s.base, size, order);
    }

    /** A write; false when refused (unassigned on a strict bus). */
    public boolean write(long address, int size, long value, Endian order, int pc) {
        DeviceSlot s = find(address);
        if (s != null && !s.isDetached()) {
            s.write(address - s.base, size, value, order);
            return true;
        }
        unassignedWrites++;
        if (unassigned.isNew(address)) {
            unassigned.warn(unassignedMessage("write", address, size, pc));
        }
        return !strictBus;
    }

    private String unassignedMessage(String kind, long address, int size, int pc) {
        return strictBus
                ? String.format("strict bus: guest %s of unassigned address 0x%08x (%d bytes, pc 0x%08x): machine check",
                        kind, address, size, pc)
                : String.format("guest %s of unassigned address 0x%08x (%d bytes, pc 0x%08x): no device there, it"
                        + " reads 0 and ignores writes", kind, address, size, pc);
    }

    public boolean strictBus() {
        return strictBus;
    }

    /** The windows in address order. */
    public List<DeviceSlot> slots() {
        return List.of(slots);
    }

    public long unassignedReads() {
        return unassignedReads;
    }

    public long unassignedWrites() {
        return unassignedWrites;
    }
}
