package org.ppc440vm.board.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.ppc440vm.api.vm.VirtualMachine;
import org.ppc440vm.board.machine.Board;
import org.ppc440vm.board.machine.DeviceSlot;

/**
 * Device monitor commands for the runtime's shell: {@code vm:devices [VM]} (one line per device window: name, type,
 * window, IRQ, state, provider, swap and park counts), {@code vm:swap [VM] TYPE} (re-instantiate every device of a
 * type from the best implementation registered now, state carried over) and {@code vm:detach [VM] NAME|BASE}
 * (remove a device for good). The VM name may be left out when there is only one VM.
 */
@Component(service = DeviceCommands.class, property = {"osgi.command.scope=vm", "osgi.command.function=devices",
        "osgi.command.function=swap", "osgi.command.function=detach"})
public final class DeviceCommands {

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    final List<VirtualMachine> machines = new CopyOnWriteArrayList<>();

    @Reference
    DeviceTracker tracker;

    public String devices() {
        return devices(only().name());
    }

    public String devices(String vmName) {
        VirtualMachine vm = find(vmName);
        if (!(vm instanceof Vm)) {
            return vm.name() + ": not a VM of this board; its devices are unknown here";
        }
        return table(vm.name(), ((Vm) vm).board());
    }

    static String table(String vmName, Board board) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-22s %-11s %-23s %-4s %-9s %-34s %s%n", vmName + " DEVICE", "TYPE", "WINDOW", "IRQ",
                "STATE", "PROVIDER", "SWAPS PARKS"));
        for (DeviceSlot s : board.slots()) {
            String window = String.format("0x%08x-0x%08x", s.base(), s.base() + s.windowSize() - 1);
            String irq = s.interrupt() < 0 ? "-" : Integer.toString(s.interrupt());
            String provider = s.provider();
            if (DeviceSlot.WAITING.equals(s.state())) {
                provider = "(none; last " + provider + ")";
            }
            b.append(String.format("%-22s %-11s %-23s %-4s %-9s %-34s %5d %5d%n", s.name(), s.type(), window, irq,
                    s.state(), provider, s.swaps(), s.parks()));
        }
        return b.toString();
    }

    public String swap(String type) {
        return swap(only().name(), type);
    }

    public String swap(String vmName, String type) {
        VirtualMachine vm = find(vmName);
        return String.join("\n", tracker.swap(vm.name(), type));
    }

    public String detach(String nameOrBase) {
        return detach(only().name(), nameOrBase);
    }

    public String detach(String vmName, String nameOrBase) {
        VirtualMachine vm = find(vmName);
        return tracker.detach(vm.name(), nameOrBase);
    }

    private VirtualMachine only() {
        List<VirtualMachine> all = new ArrayList<>(machines);
        if (all.isEmpty()) {
            throw new IllegalStateException("no virtual machine");
        }
        if (all.size() > 1) {
            List<String> names = new ArrayList<>();
            for (VirtualMachine v : all) {
                names.add(v.name());
            }
            throw new IllegalArgumentException("there are several VMs (" + String.join(", ", names) + "): name one");
        }
        return all.get(0);
    }

    private VirtualMachine find(String name) {
        List<String> names = new ArrayList<>();
        for (VirtualMachine vm : machines) {
            if (vm.name().equals(name)) {
                return vm;
            }
            names.add(vm.name());
        }
        throw new IllegalArgumentException("no virtual machine named " + name
                + (names.isEmpty() ? "" : " (there are: " + String.join(", ", names) + ")"));
    }
}
