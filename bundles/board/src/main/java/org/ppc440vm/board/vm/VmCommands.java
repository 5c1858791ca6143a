package org.ppc440vm.board.vm;

import java.nio.file.Path;
import java.util.Arrays;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.ppc440vm.api.vm.VirtualMachine;

/**
 * The VM commands of the runtime's shell (Gogo finds them by the osgi.command properties; no Gogo API is needed). Each
 * takes an optional VM name first and otherwise means the only VM ({@link VmManager}):
 * {@code vm:list}, {@code vm:create [NAME] key=value...}, {@code vm:start}, {@code vm:pause}, {@code vm:resume},
 * {@code vm:stop}, {@code vm:stats} (the kvm_stat-style table), {@code vm:snapshot [VM] FILE} and
 * {@code vm:restore [VM] FILE}. (vm:devices and vm:swap are DeviceCommands'.)
 */
@Component(service = VmCommands.class, property = {"osgi.command.scope=vm", "osgi.command.function=list",
        "osgi.command.function=create", "osgi.command.function=start", "osgi.command.function=stats",
        "osgi.command.function=pause", "osgi.command.function=resume", "osgi.command.function=stop",
        "osgi.command.function=snapshot", "osgi.command.function=restore"})
public final class VmCommands {

    @Reference
    VmManager manager;

    /** For the bundle-id fallback of start/stop; null in unit tests. */
    private BundleContext context;

    public VmCommands() {
    }

    @Activate
    void activate(BundleContext ctx) {
        this.context = ctx;
    }

    VmCommands(VmManager manager) {
        this.manager = manager;
    }

    public String list() {
        return manager.list();
    }

    /**
     * {@code vm:create [NAME] key=value...}: the keys are the launcher's VM options without the dash (kernel, initrd,
     * append, dtb, m, drive, netdev, device, object, serial, no-reboot, icount, stats, d, loadvm); drive, netdev,
     * device and object repeat. The VM is built (devices included) but not started.
     */
    public String create(String... words) throws Exception {
        VmDefinition.Parsed p = VmDefinition.fromWords(Arrays.asList(words));
        String name = manager.create(p.name, p.options, "vm:create");
        return name + " created (vm:start " + name + " starts it)";
    }

    public String start() throws Exception {
        return start(null);
    }

    public String start(String name) throws Exception {
        Bundle b = bundleInsteadOfVm(name);
        if (b != null) {
            b.start();
            return bundleMoved(b, "started", "felix:start");
        }
        String n = manager.start(name);
        return n + " " + manager.find(n).state();
    }

    public String stats() {
        return stats(null);
    }

    public String stats(String name) {
        VirtualMachine vm = manager.find(name);
        StringBuilder b = new StringBuilder();
        if (vm instanceof Vm) {
            Vm v = (Vm) vm;
            StatsReport.format(b, v.name() + ", " + v.state(), v.statistics(), v.vcpu(), v.uptimeSeconds());
        } else {
            b.append(vm.name()).append(": ").append(vm.state()).append(String.format(", %,d instructions%n",
                    vm.statistics().instructions()));
        }
        return b.toString();
    }

    public String pause() {
        return pause(null);
    }

    public String pause(String name) {
        VirtualMachine vm = manager.find(name);
        vm.pause();
        return vm.name() + " " + vm.state();
    }

    public String resume() {
        return resume(null);
    }

    public String resume(String name) {
        VirtualMachine vm = manager.find(name);
        vm.resume();
        return vm.name() + " " + vm.state();
    }

    public String stop() throws BundleException {
        return stop(null);
    }

    public String stop(String name) throws BundleException {
        Bundle b = bundleInsteadOfVm(name);
        if (b != null) {
            b.stop();
            return bundleMoved(b, "stopped", "felix:stop");
        }
        VirtualMachine vm = manager.find(name);
        vm.stop();
        return vm.name() + " " + vm.state();
    }

    /** {@code vm:snapshot [VM] FILE}: the machine's whole state (the VM is paused while it is written). */
    public String snapshot(String file) throws Exception {
        return snapshot(null, file);
    }

    public String snapshot(String name, String file) throws Exception {
        Vm vm = board(name);
        Path p = Path.of(file).toAbsolutePath();
        Snapshots.save(vm, p);
        return vm.name() + " saved to " + p;
    }

    /** {@code vm:restore [VM] FILE}: the VM continues from the snapshot. */
    public String restore(String file) throws Exception {
        return restore(null, file);
    }

    public String restore(String name, String file) throws Exception {
        Vm vm = board(name);
        Path p = Path.of(file).toAbsolutePath();
        Snapshots.restore(vm, p);
        return vm.name() + " restored from " + p + " (" + vm.state() + ")";
    }

    private Vm board(String name) {
        VirtualMachine vm = manager.find(name);
        if (!(vm instanceof Vm)) {
            throw new IllegalArgumentException(vm.name() + " is not a PowerPC 440 board VM of this runtime");
        }
        return (Vm) vm;
    }

    /**
     * Gogo resolves an unscoped {@code start}/{@code stop} to these commands as well as to Felix's; a user who types
     * {@code stop 12} means bundle 12 (no VM name is all digits: VM names start with a letter), so serve that.
     */
    private Bundle bundleInsteadOfVm(String arg) {
        if (context == null || arg == null || !arg.matches("\\d{1,18}")) {
            return null;
        }
        try {
            return context.getBundle(Long.parseLong(arg));
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private static String bundleMoved(Bundle b, String what, String command) {
        return "bundle " + b.getBundleId() + " (" + b.getSymbolicName() + ") " + what + " (as " + command
                + "; vm:start/vm:stop take a VM name)";
    }
}
