package org.ppc440vm.board.vm.snapshot;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.device.StatefulDevice;
import org.ppc440vm.api.vm.VmState;
import org.ppc440vm.board.machine.Board;
import org.ppc440vm.board.machine.DeviceSlot;
import org.ppc440vm.board.vm.Vm;
import org.ppc440vm.cpu.spi.GuestRam;

/**
 * Whole-machine snapshots ({@code vm:snapshot FILE}, {@code vm:restore FILE}, {@code -loadvm FILE}): RAM, the vCPU
 * (registers, SPRs, timers, guest TLB), UIC0 and every device's state, in one file (see {@link SnapshotFile}).
 *
 * <p>Both operations pause a running VM and resume it afterwards. A restore first reads and checks the whole file
 * (format, checksum, and that it fits this VM: the same RAM size and the same device windows), so that a damaged or
 * foreign file is refused before anything changes. Disk images and network peers are outside the machine and not in
 * the snapshot (as with QEMU's migration): restore with the disk contents the guest had when the snapshot was taken.
 */
public final class MachineSnapshot {

    private MachineSnapshot() {
    }

    /**
     * Writes the machine to {@code file}: to {@code FILE.tmp} first, renamed over {@code file} once complete, so that
     * a crash or a full disk never leaves half a snapshot under the name.
     */
    public static void save(Vm vm, Path file) throws IOException {
        boolean resume = pause(vm, "snapshot");
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        List<StatefulDevice> quiesced = new ArrayList<>();
        try {
            SnapshotFile.Contents c = collect(vm, quiesced);
            GuestRam ram = vm.board().ram();
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                SnapshotFile.write(out, c, new SnapshotFile.RamSource() {
                    @Override
                    public long size() {
                        return ram.size();
                    }

                    @Override
                    public void read(long offset, byte[] page) {
                        System.arraycopy(ram.bytes, (int) offset, page, 0, page.length);
                    }
                });
                out.flush();
                channel.force(true); // on the disk before the rename makes it the snapshot
            } catch (IOException e) {
                throw new SnapshotException("cannot write " + tmp + ": " + e.getMessage(), e);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
            for (StatefulDevice d : quiesced) {
                d.resume();
            }
            if (resume) {
                vm.resume();
            }
        }
    }

    /**
     * Puts the machine saved in {@code file} into {@code vm}, which must have been built with the same RAM size and
     * devices. Before {@code vm.start()} (the launcher's {@code -loadvm}) the VM then starts from the snapshot
     * instead of booting.
     *
     * @throws SnapshotException the file is missing, not a snapshot, damaged, of another format version, or does not
     *         fit the VM (the message names the mismatch); the VM is then unchanged. Should a device refuse its saved
     *         state after the RAM was replaced, the message says the VM is half restored, and it stays paused.
     */
    public static void restore(Vm vm, Path file) throws IOException {
        SnapshotFile.Contents c = SnapshotFile.read(file);
        checkFits(c, vm, file);
        boolean resume = pause(vm, "restore");
        boolean changed = false;
        try {
            Board board = vm.board();
            // The vCPU first: it checks its blob completely and refuses it without changing anything.
            try {
                vm.vcpu().loadState(c.vcpu);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                throw new SnapshotException(file + ": " + e.getMessage(), e);
            }
            changed = true;
            // No device may work on the RAM while it is replaced (a running VM's disk may be completing a request).
            List<DeviceSlot> slots = board.slots();
            StatefulDevice[] quiesced = new StatefulDevice[slots.size()];
            for (int i = 0; i < slots.size(); i++) {
                DeviceSlot slot = slots.get(i);
                if (DeviceSlot.RUNNING.equals(slot.state()) && slot.device() instanceof StatefulDevice) {
                    quiesced[i] = (StatefulDevice) slot.device();
                    quiesced[i].quiesce();
                }
            }
            // RAM before the devices' states: an imported virtio queue is read from guest RAM at once (the device
            // serves what the guest made available before the snapshot).
            GuestRam ram = board.ram();
            Arrays.fill(ram.bytes, (byte) 0);
            SnapshotFile.readRam(file, (offset, page) -> System.arraycopy(page, 0, ram.bytes, (int) offset,
                    page.length));
            for (int i = 0; i < slots.size(); i++) {
                DeviceState s = c.deviceStates.get(i);
                if (s == null && quiesced[i] != null) {
                    quiesced[i].resume(); // detached when the snapshot was taken: this one keeps its own state
                } else if (s != null) {
                    try {
                        slots.get(i).loadState(s);
                    } catch (IncompatibleStateException e) {
                        throw new SnapshotException(file + ": " + slots.get(i).name() + " cannot take its saved "
                                + "state: " + e.getMessage(), e);
                    }
                }
            }
            // UIC0 last: the devices' states may have moved their lines; the saved levels and status win, and the
            // controller drives the vCPU's input pins with them.
            try {
                board.uic().loadState(c.uic);
            } catch (IllegalArgumentException e) {
                throw new SnapshotException(file + ": " + e.getMessage(), e);
            }
            // Once more after the RAM: nothing the CPU decoded from the old RAM may survive, and the timers
            // anchor to this moment.
            vm.vcpu().loadState(c.vcpu);
            changed = false;
        } catch (IOException | RuntimeException e) {
            if (changed) {
                throw new SnapshotException(e.getMessage() + "; " + vm.name() + " is half restored and stays paused: "
                        + "stop it", e);
            }
            throw e;
        } finally {
            if (changed) {
                // Half restored: running it would run a mix of two machines. It stays paused for the user to stop.
                resume = false;
            }
            if (resume) {
                vm.resume();
            }
        }
    }

    /** Pauses a running VM (true: the caller resumes it); a stopped VM cannot be saved or restored. */
    private static boolean pause(Vm vm, String what) throws SnapshotException {
        VmState s = vm.state();
        if (s == VmState.STOPPED) {
            throw new SnapshotException(vm.name() + " has stopped: no " + what + " possible");
        }
        if (s != VmState.RUNNING) {
            return false; // created (not started yet) or already paused: nothing runs
        }
        vm.pause();
        if (vm.state() != VmState.PAUSED) {
            if (vm.state() == VmState.RUNNING) {
                vm.resume();
            }
            throw new SnapshotException(vm.name() + " could not be paused for the " + what + " (it is "
                    + vm.state().name().toLowerCase() + ")");
        }
        return true;
    }

    /**
     * Everything but the RAM, from a VM that does not run. The devices stay quiesced (listed in {@code quiesced}
     * for the caller to resume once the RAM is written): a device resumed at once could still complete requests the
     * guest queued before the pause, writing RAM and used rings after its state was taken, and the snapshot would
     * hold RAM and device state of two different moments.
     */
    private static SnapshotFile.Contents collect(Vm vm, List<StatefulDevice> quiesced) throws SnapshotException {
        Board board = vm.board();
        SnapshotFile.Contents c = new SnapshotFile.Contents();
        c.description = vm.name() + " at " + Instant.now();
        c.ramBytes = board.ram().size();
        for (DeviceSlot s : board.slots()) {
            c.devices.add(device(s));
            if (DeviceSlot.DETACHED.equals(s.state())) {
                c.deviceStates.add(null);
                continue;
            }
            try {
                MmioDevice d = s.device();
                if (DeviceSlot.RUNNING.equals(s.state()) && d instanceof StatefulDevice) {
                    // The VM is paused, so no guest access reaches the slot while its device is quiesced here.
                    StatefulDevice sd = (StatefulDevice) d;
                    sd.quiesce();
                    quiesced.add(sd);
                    c.deviceStates.add(sd.exportState());
                } else {
                    c.deviceStates.add(s.saveState()); // waiting: the kept state; otherwise it says why not
                }
            } catch (IllegalStateException e) {
                throw new SnapshotException("cannot snapshot " + vm.name() + ": " + e.getMessage(), e);
            }
        }
        try {
            c.vcpu = vm.vcpu().saveState();
        } catch (UnsupportedOperationException e) {
            throw new SnapshotException("cannot snapshot " + vm.name() + ": " + e.getMessage(), e);
        }
        c.uic = board.uic().saveState();
        return c;
    }

    private static SnapshotFile.Device device(DeviceSlot s) {
        return new SnapshotFile.Device(s.name(), s.type(), s.base(), s.windowSize(), s.interrupt());
    }

    /** The snapshot's machine and this VM must be the same: RAM size and every device window. */
    static void checkFits(SnapshotFile.Contents c, Vm vm, Path file) throws SnapshotException {
        Board board = vm.board();
        long ram = board.ram().size();
        if (c.ramBytes != ram) {
            throw new SnapshotException(String.format("%s is of a VM with %d MiB of RAM; %s has %d MiB (start it with"
                    + " -m %d)", file, c.ramBytes >> 20, vm.name(), ram >> 20, c.ramBytes >> 20));
        }
        List<DeviceSlot> slots = board.slots();
        for (int i = 0; i < Math.max(slots.size(), c.devices.size()); i++) {
            SnapshotFile.Device saved = i < c.devices.size() ? c.devices.get(i) : null;
            SnapshotFile.Device here = i < slots.size() ? device(slots.get(i)) : null;
            if (saved == null) {
                throw new SnapshotException(file + " has no device where " + vm.name() + " has " + here
                        + " (start it with the options the snapshot was taken with)");
            }
            if (here == null) {
                throw new SnapshotException(file + " has " + saved + ", which " + vm.name() + " does not have (start"
                        + " it with the options the snapshot was taken with)");
            }
            if (!saved.type.equals(here.type) || saved.base != here.base || saved.windowSize != here.windowSize
                    || saved.interrupt != here.interrupt) {
                throw new SnapshotException(file + " has " + saved + " where " + vm.name() + " has " + here
                        + " (start it with the options the snapshot was taken with)");
            }
        }
    }
}
