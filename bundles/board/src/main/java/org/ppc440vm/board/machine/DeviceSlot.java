package org.ppc440vm.board.machine;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.DeviceTreeNode;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.device.InterruptLine;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.device.StatefulDevice;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.api.memory.GuestMemory;

/**
 * One window of the address map and the device implementation behind it, which can change while the guest runs.
 *
 * <p>A slot is <em>running</em> (an implementation answers), <em>waiting</em> (the implementation went away, for
 * example its bundle is being updated: the device's state is kept here, and a vCPU that touches the window blocks
 * until an implementation is {@linkplain #install installed}), or <em>detached</em> (removed for good: the window
 * behaves like unassigned bus space). Guest accesses, {@link #swap}, {@link #park}, {@link #install} and
 * {@link #detach} all hold one per-slot lock, so that no guest access reaches an implementation while it is being
 * quiesced or replaced. MMIO exits are rare enough (tens of thousands per boot) that an uncontended lock costs
 * nothing measurable, and it allocates nothing.
 *
 * <p>Each implementation instance gets its own {@link DeviceContext} whose interrupt line is gated: a new instance's
 * line changes reach UIC0 only once it is committed (a refused swap must not disturb the old instance's level), and
 * a retired instance's line is cut off before it is detached (its detach lowers its line, which must not cancel the
 * level the new instance or the kept state asserts).
 */
public final class DeviceSlot {
    public static final String RUNNING = "running";
    public static final String WAITING = "waiting";
    public static final String DETACHED = "detached";

    /** How often a vCPU waiting for an implementation re-checks whether its VM is stopping. */
    static final long WAIT_POLL_MS = 100;

    /**
     * One implementation instance: the device, who provides it ("org.ppc440vm.virtio-blk 0.1.0"), an opaque origin
     * (the tracker's service reference) and what to do when the slot lets go of it (unget the service instance).
     */
    public static final class Implementation {
        final MmioDevice device;
        final String provider;
        final Object origin;
        final Runnable release;

        public Implementation(MmioDevice device, String provider, Object origin, Runnable release) {
            this.device = device;
            this.provider = provider == null ? "unknown" : provider;
            this.origin = origin;
            this.release = release == null ? () -> { } : release;
        }

        public MmioDevice device() {
            return device;
        }

        public String provider() {
            return provider;
        }

        public Object origin() {
            return origin;
        }
    }

    private final String name;
    private final String type;
    final long base;
    final long end;
    private final int interrupt;
    private final Map<String, String> options;
    private final GuestMemory memory;
    private final InterruptLine line;
    private final Consumer<String> log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final DeviceTreeNode treeNode;

    private volatile Implementation current;
    private volatile GatedLine currentLine;
    private volatile boolean detached;
    private volatile boolean aborted;
    private volatile String lastProvider;
    private DeviceState parked;
    private boolean waitLogged;
    private boolean attached;

    // Counters: reads and writes are updated under the lock by the vCPU thread, the others under the lock too.
    private long reads;
    private long writes;
    private volatile long swaps;
    private volatile long parks;
    private volatile long installs;
    private volatile long refusals;
    private volatile long blockedAccesses;

    /**
     * @param type the device type ("virtio-blk"), or null to take it from the name (the part before '@')
     * @param memory guest RAM for the device's context (null in tests without a board)
     * @param line UIC0 input the device drives, or null
     * @param log where this slot's log lines go (the board's log)
     */
    public DeviceSlot(Implementation first, String type, int interrupt, Map<String, String> options,
            GuestMemory memory, InterruptLine line, Consumer<String> log) {
        MmioDevice d = first.device;
        this.name = d.name();
        this.base = d.base();
        this.end = d.base() + d.windowSize();
        this.type = type != null ? type : typeFromName(name);
        this.interrupt = interrupt;
        this.options = options == null ? Map.of() : Map.copyOf(options);
        this.memory = memory;
        this.line = line;
        this.log = log == null ? m -> { } : log;
        this.current = first;
        this.lastProvider = first.provider;
        this.currentLine = new GatedLine(line, true);
        this.treeNode = d.deviceTreeNode();
    }

    /** A slot for a device that is not swapped (tests, plain address maps). */
    static DeviceSlot fixed(MmioDevice d) {
        return new DeviceSlot(new Implementation(d, "built-in", null, null), null, -1, Map.of(), null, null, null);
    }

    static String typeFromName(String name) {
        int at = name.indexOf('@');
        return at > 0 ? name.substring(0, at) : name;
    }

    // ---- what the monitor shows ----

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    public long base() {
        return base;
    }

    public long windowSize() {
        return end - base;
    }

    /** Kept for the address map's callers: the window's size. */
    public long size() {
        return end - base;
    }

    /** The UIC0 source, or -1. */
    public int interrupt() {
        return interrupt;
    }

    public Map<String, String> options() {
        return options;
    }

    /** "running", "waiting" or "detached". */
    public String state() {
        if (detached) {
            return DETACHED;
        }
        return current == null ? WAITING : RUNNING;
    }

    /** The device answering now, or null while waiting or detached. */
    public MmioDevice device() {
        Implementation c = current;
        return c == null ? null : c.device;
    }

    /** Bundle symbolic name and version of the implementation now (or last) behind the window. */
    public String provider() {
        return lastProvider;
    }

    /** The origin (the tracker's service reference) of the implementation now behind the window, or null. */
    public Object origin() {
        Implementation c = current;
        return c == null ? null : c.origin;
    }

    /** Whether a state is kept for the next implementation (the slot is waiting). */
    public boolean hasParkedState() {
        lock.lock();
        try {
            return parked != null;
        } finally {
            lock.unlock();
        }
    }

    public long reads() {
        return reads;
    }

    public long writes() {
        return writes;
    }

    public long swaps() {
        return swaps;
    }

    public long parks() {
        return parks;
    }

    /** Implementations installed into a waiting slot (returns after a park). */
    public long installs() {
        return installs;
    }

    /** Swaps or installs refused (state the new implementation could not take). */
    public long refusals() {
        return refusals;
    }

    /** Absences during which the guest touched the window and had to wait. */
    public long blockedAccesses() {
        return blockedAccesses;
    }

    boolean isDetached() {
        return detached;
    }

    /** The device's node for the guest's device tree (as the first implementation described it). */
    public DeviceTreeNode deviceTreeNode() {
        return treeNode;
    }

    // ---- guest accesses ----

    /** A guest read at {@code offset} in the window; 0 when the slot is detached or the VM stops while waiting. */
    public long read(long offset, int size, Endian order) {
        lock.lock();
        try {
            MmioDevice d = deviceForAccess();
            if (d == null) {
                return 0;
            }
            reads++;
            return d.read(offset, size, order);
        } finally {
            lock.unlock();
        }
    }

    /** A guest write; ignored when the slot is detached or the VM stops while waiting. */
    public void write(long offset, int size, long value, Endian order) {
        lock.lock();
        try {
            MmioDevice d = deviceForAccess();
            if (d == null) {
                return;
            }
            writes++;
            d.write(offset, size, value, order);
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held: the current device, after waiting for one while the slot is waiting. */
    private MmioDevice deviceForAccess() {
        Implementation c = current;
        while (c == null) {
            if (detached || aborted) {
                return null;
            }
            if (!waitLogged) {
                waitLogged = true;
                blockedAccesses++;
                log.accept(name + ": the guest touched the window while no implementation is there; it waits until"
                        + " one returns");
            }
            try {
                // A timed wait, so that a stop that did not reach abortWaits() is still seen.
                changed.await(WAIT_POLL_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            c = current;
        }
        return c.device;
    }

    /** Releases vCPUs waiting in this slot (the VM stops): their accesses complete as unassigned ones. */
    public void abortWaits() {
        aborted = true;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- life cycle ----

    /** Attaches the first implementation (board start). */
    void attach() {
        lock.lock();
        try {
            Implementation c = current;
            if (attached || c == null) {
                return;
            }
            attached = true;
            c.device.attach(new Context(currentLine));
        } finally {
            lock.unlock();
        }
    }

    /** The VM is over: waiting vCPUs are released, the implementation is detached and released. */
    void shutdown() {
        aborted = true;
        lock.lock();
        try {
            Implementation c = current;
            current = null;
            parked = null;
            changed.signalAll();
            if (c != null && attached) {
                try {
                    c.device.detach();
                } catch (RuntimeException e) {
                    log.accept(name + ": detach failed: " + e);
                }
            }
            attached = false;
            if (c != null) {
                release(c);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces the implementation with {@code neu}, carrying the state over: the old one is quiesced and exports its
     * state, the new one is attached and imports it, the window switches, the old one is detached and released. A
     * waiting slot simply gets {@code neu} installed.
     *
     * @throws SwapRefusedException the swap cannot be done (the old instance keeps running, {@code neu} is detached
     *         and released); the message says why
     */
    public void swap(Implementation neu) throws SwapRefusedException {
        lock.lock();
        try {
            if (detached) {
                release(neu);
                throw new SwapRefusedException(name + " is detached");
            }
            Implementation old = current;
            if (old == null) {
                install(neu);
                return;
            }
            if (old.device == neu.device) {
                release(neu);
                throw new SwapRefusedException("the service of " + neu.provider + " gave the instance already in use"
                        + " (a singleton service, not prototype scope): no second instance to swap to; stop or update"
                        + " its bundle instead");
            }
            String problem = checkWindow(neu.device);
            if (problem == null && !(old.device instanceof StatefulDevice)) {
                problem = "the running implementation " + old.provider + " cannot export its state (it is not a"
                        + " StatefulDevice)";
            }
            if (problem == null && !(neu.device instanceof StatefulDevice)) {
                problem = "the new implementation " + neu.provider + " cannot import a state (it is not a"
                        + " StatefulDevice)";
            }
            if (problem != null) {
                refusals++;
                release(neu);
                throw new SwapRefusedException(problem);
            }
            StatefulDevice from = (StatefulDevice) old.device;
            StatefulDevice to = (StatefulDevice) neu.device;
            DeviceState state;
            from.quiesce();
            try {
                state = from.exportState();
            } catch (RuntimeException e) {
                from.resume();
                refusals++;
                release(neu);
                throw new SwapRefusedException(old.provider + " failed to export its state: " + e);
            }
            GatedLine gate = new GatedLine(line, false);
            try {
                neu.device.attach(new Context(gate));
                to.importState(state);
            } catch (IncompatibleStateException | RuntimeException e) {
                safeDetach(neu);
                release(neu);
                from.resume();
                refusals++;
                String why = e instanceof IncompatibleStateException ? e.getMessage() : e.toString();
                throw new SwapRefusedException(why);
            }
            GatedLine oldGate = currentLine;
            current = neu;
            currentLine = gate;
            lastProvider = neu.provider;
            oldGate.close();
            gate.open();
            safeDetach(old);
            release(old);
            swaps++;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The implementation goes away (its service is unregistering): it is quiesced, its state kept here, and it is
     * detached and released; the slot waits for {@link #install}. Does nothing unless {@code origin} is the current
     * implementation's origin (or null: whatever is there).
     *
     * @return whether the slot was parked
     */
    public boolean park(Object origin) {
        lock.lock();
        try {
            Implementation c = current;
            if (c == null || detached || (origin != null && c.origin != origin && !origin.equals(c.origin))) {
                return false;
            }
            DeviceState state = null;
            String lost = null;
            if (c.device instanceof StatefulDevice) {
                StatefulDevice sd = (StatefulDevice) c.device;
                try {
                    sd.quiesce();
                    state = sd.exportState();
                } catch (RuntimeException e) {
                    lost = "could not save its state (" + e + ")";
                }
            } else {
                lost = "is not a StatefulDevice";
            }
            // The line keeps its level while nobody drives it: the kept state has the same interrupt status.
            currentLine.close();
            safeDetach(c);
            release(c);
            current = null;
            parked = state;
            waitLogged = false;
            parks++;
            log.accept(name + ": " + c.provider + " went away; waiting for an implementation"
                    + (lost == null ? " (state kept)" : "; it " + lost + ": the next one starts from reset"));
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts {@code neu} into a waiting slot: attached, given the kept state, and the guest goes on.
     *
     * @throws SwapRefusedException the slot is not waiting, or {@code neu} cannot take the kept state (the slot keeps
     *         waiting, {@code neu} is released)
     */
    public void install(Implementation neu) throws SwapRefusedException {
        lock.lock();
        try {
            if (detached) {
                release(neu);
                throw new SwapRefusedException(name + " is detached");
            }
            if (current != null) {
                release(neu);
                throw new SwapRefusedException(name + " already has an implementation (" + current.provider + ")");
            }
            String problem = checkWindow(neu.device);
            if (problem == null && parked != null && !(neu.device instanceof StatefulDevice)) {
                problem = neu.provider + " cannot import the kept state (it is not a StatefulDevice)";
            }
            if (problem != null) {
                refusals++;
                release(neu);
                log.accept(name + ": " + problem + "; still waiting");
                throw new SwapRefusedException(problem);
            }
            GatedLine gate = new GatedLine(line, false);
            try {
                neu.device.attach(new Context(gate));
                if (parked != null) {
                    ((StatefulDevice) neu.device).importState(parked);
                }
            } catch (IncompatibleStateException | RuntimeException e) {
                safeDetach(neu);
                release(neu);
                refusals++;
                String why = e instanceof IncompatibleStateException ? e.getMessage() : e.toString();
                log.accept(name + ": " + neu.provider + " refused the kept state: " + why + "; still waiting");
                throw new SwapRefusedException(why);
            }
            attached = true;
            parked = null;
            current = neu;
            currentLine = gate;
            lastProvider = neu.provider;
            gate.open();
            installs++;
            changed.signalAll();
            log.accept(name + ": resumed with " + neu.provider);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the device for good (vm:detach): the implementation is detached (its line lowered) and released, any
     * kept state dropped, waiting vCPUs go on; later accesses are unassigned.
     *
     * @return false when it was already detached
     */
    public boolean detach() {
        lock.lock();
        try {
            if (detached) {
                return false;
            }
            detached = true;
            Implementation c = current;
            current = null;
            parked = null;
            if (c != null) {
                safeDetach(c);
                currentLine.close();
                release(c);
            } else if (line != null) {
                line.lower(); // a waiting device's kept level goes with it
            }
            changed.signalAll();
            log.accept(name + ": detached");
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The device's state, for a snapshot taken while the VM is paused: quiesce, export, resume; a waiting slot gives
     * its kept state.
     *
     * @throws IllegalStateException the device is detached or cannot export a state
     */
    public DeviceState saveState() {
        lock.lock();
        try {
            if (detached) {
                throw new IllegalStateException(name + " is detached");
            }
            Implementation c = current;
            if (c == null) {
                if (parked == null) {
                    throw new IllegalStateException(name + " is waiting for an implementation and has no kept state");
                }
                return parked;
            }
            if (!(c.device instanceof StatefulDevice)) {
                throw new IllegalStateException(name + " (" + c.provider + ") cannot export its state: it is not a"
                        + " StatefulDevice");
            }
            StatefulDevice sd = (StatefulDevice) c.device;
            sd.quiesce();
            try {
                return sd.exportState();
            } finally {
                sd.resume();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives the device a saved state (snapshot restore): the current implementation is quiesced and imports it; a
     * waiting slot keeps it for the next implementation.
     *
     * @throws IncompatibleStateException the implementation cannot read the state (it goes on with its own)
     */
    public void loadState(DeviceState state) throws IncompatibleStateException {
        lock.lock();
        try {
            if (detached) {
                throw new IncompatibleStateException(name + " is detached");
            }
            Implementation c = current;
            if (c == null) {
                parked = state;
                return;
            }
            if (!(c.device instanceof StatefulDevice)) {
                throw new IncompatibleStateException(name + " (" + c.provider + ") cannot import a state: it is not a"
                        + " StatefulDevice");
            }
            StatefulDevice sd = (StatefulDevice) c.device;
            sd.quiesce();
            try {
                sd.importState(state);
            } catch (IncompatibleStateException | RuntimeException e) {
                sd.resume();
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    private String checkWindow(MmioDevice d) {
        if (d.base() != base || d.windowSize() != end - base) {
            return String.format("%s's window 0x%08x+0x%x differs from the slot's 0x%08x+0x%x", d.name(), d.base(),
                    d.windowSize(), base, end - base);
        }
        return null;
    }

    private void safeDetach(Implementation c) {
        try {
            c.device.detach();
        } catch (RuntimeException e) {
            log.accept(name + ": detaching " + c.provider + " failed: " + e);
        }
    }

    private void release(Implementation c) {
        try {
            c.release.run();
        } catch (RuntimeException e) {
            log.accept(name + ": releasing " + c.provider + " failed: " + e);
        }
    }

    /**
     * An instance's view of the interrupt line: passes levels through while open; while closed it remembers the last
     * level asked for, and opening applies it (so a newly committed instance's level takes effect).
     */
    static final class GatedLine implements InterruptLine {
        private final InterruptLine line;
        private boolean open;
        private boolean touched;
        private boolean level;

        GatedLine(InterruptLine line, boolean open) {
            this.line = line;
            this.open = open;
        }

        @Override
        public synchronized void set(boolean asserted) {
            level = asserted;
            touched = true;
            if (open && line != null) {
                line.set(asserted);
            }
        }

        @Override
        public int number() {
            return line == null ? -1 : line.number();
        }

        synchronized void open() {
            open = true;
            if (touched && line != null) {
                line.set(level);
            }
        }

        synchronized void close() {
            open = false;
        }
    }

    private final class Context implements DeviceContext {
        private final GatedLine gate;

        Context(GatedLine gate) {
            this.gate = gate;
        }

        @Override
        public GuestMemory memory() {
            return memory;
        }

        @Override
        public InterruptLine interruptLine() {
            return line == null ? null : gate;
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
