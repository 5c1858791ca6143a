package org.ppc440vm.board.vm;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.vm.VirtualMachine;
import org.ppc440vm.api.vm.VmStatistics;

/**
 * Monitor commands for the runtime's shell (Gogo finds them by the osgi.command properties; no Gogo API is needed):
 * {@code vm:list}, {@code vm:stats [NAME]}, {@code vm:pause}, {@code vm:resume}, {@code vm:stop}.
 */
@Component(service = VmCommands.class, property = {"osgi.command.scope=vm", "osgi.command.function=list",
        "osgi.command.function=stats", "osgi.command.function=pause", "osgi.command.function=resume",
        "osgi.command.function=stop"})
public final class VmCommands {

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    final List<VirtualMachine> machines = new CopyOnWriteArrayList<>();

    public String list() {
        if (machines.isEmpty()) {
            return "no virtual machine";
        }
        StringBuilder b = new StringBuilder();
        for (VirtualMachine vm : machines) {
            b.append(String.format("%-8s %-8s %,d instructions%n", vm.name(), vm.state(), vm.statistics().instructions()));
        }
        return b.toString();
    }

    public String stats() {
        return machines.isEmpty() ? "no virtual machine" : stats(machines.get(0).name());
    }

    public String stats(String name) {
        VirtualMachine vm = find(name);
        VmStatistics s = vm.statistics();
        StringBuilder b = new StringBuilder();
        b.append(String.format("%s: %s, %,d instructions%n", vm.name(), vm.state(), s.instructions()));
        for (ExitReason r : ExitReason.values()) {
            long n = s.exits(r);
            if (n != 0) {
                b.append(String.format("  %-24s %,14d exits %10.1f ms%n", r.name(), n, s.exitNanos(r) / 1e6));
            }
        }
        for (Map.Entry<String, Long> e : s.counters().entrySet()) {
            if (e.getValue() != 0) {
                b.append(String.format("  %-40s %,14d%n", e.getKey(), e.getValue()));
            }
        }
        return b.toString();
    }

    public String pause() {
        VirtualMachine vm = first();
        vm.pause();
        return vm.name() + " " + vm.state();
    }

    public String resume() {
        VirtualMachine vm = first();
        vm.resume();
        return vm.name() + " " + vm.state();
    }

    public String stop() {
        VirtualMachine vm = first();
        vm.stop();
        return vm.name() + " " + vm.state();
    }

    private VirtualMachine first() {
        if (machines.isEmpty()) {
            throw new IllegalStateException("no virtual machine");
        }
        return machines.get(0);
    }

    private VirtualMachine find(String name) {
        for (VirtualMachine vm : machines) {
            if (vm.name().equals(name)) {
                return vm;
            }
        }
        throw new IllegalArgumentException("no virtual machine named " + name);
    }
}
