package org.ppc440vm.board.vm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.net.NetworkBackend;
import org.ppc440vm.board.loader.LoadException;
import org.ppc440vm.board.machine.BoardException;
import org.ppc440vm.kvm.spi.Hypervisor;

/**
 * Builds a VM (not started) the way the command line's is built, so that every way of making a VM (the launcher,
 * {@code vm:create}, Config Admin) gets the same devices and messages: the options' -drive/-netdev/-device become
 * Config Admin factory configurations carrying {@value org.ppc440vm.api.device.MmioDevice#VM_PROPERTY}={@code name};
 * the build waits until each device's service is there; {@link VmFactory#create} builds board and vCPU from fresh
 * instances of those services; the board is handed to the {@link DeviceTracker}, which follows its devices while it
 * runs. When the VM ends, the tracker forgets the board and the configurations are deleted (which takes the devices
 * and backends down), and then the host's end listener runs. A failed build undoes what it made and throws.
 */
public final class VmAssembly {
    /** How long to wait for a service (Config Admin, a device) the build needs. */
    public static final long SERVICE_WAIT_MS = DeviceConfigurations.DEFAULT_WAIT_MS;

    private final BundleContext context;
    private final DeviceTracker tracker;
    private final Hypervisor hypervisor;
    private final Supplier<ConfigurationAdmin> configurationAdmin;
    /** Configurations of builds under way or of VMs not yet ended, for {@link #abort}. */
    private final List<DeviceConfigurations> live = new ArrayList<>();

    /**
     * @param configurationAdmin gives Config Admin, waiting for it a while if need be; null when it did not come
     *        (asked only when the options have devices)
     */
    public VmAssembly(BundleContext context, DeviceTracker tracker, Hypervisor hypervisor,
            Supplier<ConfigurationAdmin> configurationAdmin) {
        this.context = context;
        this.tracker = tracker;
        this.hypervisor = hypervisor;
        this.configurationAdmin = configurationAdmin;
    }

    /**
     * An assembly from the services registered in {@code ctx} now (DeviceTracker, Hypervisor, ConfigurationAdmin),
     * for components of this bundle that build VMs on demand.
     *
     * @throws IllegalStateException a required service (tracker, hypervisor) is missing; the message names it
     */
    public static VmAssembly fromServices(BundleContext ctx) {
        DeviceTracker t = service(ctx, DeviceTracker.class);
        if (t == null) {
            throw new IllegalStateException("the board's DeviceTracker service is not there (is the board bundle"
                    + " active?)");
        }
        Hypervisor h = service(ctx, Hypervisor.class);
        if (h == null) {
            throw new IllegalStateException("no hypervisor: the kvm-core bundle's Hypervisor service is not there");
        }
        return new VmAssembly(ctx, t, h, () -> service(ctx, ConfigurationAdmin.class));
    }

    private static <T> T service(BundleContext ctx, Class<T> type) {
        try {
            ServiceReference<T> ref = ctx.getServiceReference(type);
            return ref == null ? null : ctx.getService(ref);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /**
     * Builds VM {@code name} from {@code options} (not started).
     *
     * @param host the streams and end listener; the listener runs after the VM's devices are released
     * @throws LoadException an image is missing or bad (message for the user)
     * @throws BoardException a device did not come, Config Admin is missing, the board is inconsistent
     * @throws IOException reading an image failed
     */
    public Vm create(String name, VmOptions options, VmFactory.Host host)
            throws LoadException, BoardException, IOException {
        DeviceConfigurations configurations = new DeviceConfigurations();
        synchronized (live) {
            live.add(configurations);
        }
        boolean built = false;
        try {
            if (!options.devices.isEmpty()) {
                plugDevices(name, options, configurations);
            }
            if (options.kernel == null) {
                host.err.println("ppc440vm: no -kernel given: booting the built-in guest");
            }
            VmFactory.Host wrapped = new VmFactory.Host(host.stdout, host.stdin, host.realTerminal, host.err,
                    host.monitors, status -> {
                        tracker.boardEnded(name);
                        deleteConfigurations(configurations, host);
                        host.onEnd.accept(status);
                    });
            Vm vm = VmFactory.create(name, options, hypervisor,
                    tracker.plugged(name, props -> !configurations.foreign(props)), wrapped);
            tracker.boardStarted(name, vm.board());
            built = true;
            return vm;
        } finally {
            if (!built) {
                deleteConfigurations(configurations, host);
            }
        }
    }

    /** Deletes the configurations of every VM built here that has not ended (the building component stops). */
    public void abort() {
        List<DeviceConfigurations> all;
        synchronized (live) {
            all = new ArrayList<>(live);
            live.clear();
        }
        for (DeviceConfigurations c : all) {
            for (String problem : c.deleteAll()) {
                System.err.println("ppc440vm: warning: removing a device configuration: " + problem);
            }
        }
    }

    private void deleteConfigurations(DeviceConfigurations c, VmFactory.Host host) {
        synchronized (live) {
            live.remove(c);
        }
        for (String problem : c.deleteAll()) {
            host.err.println("ppc440vm: warning: removing a device configuration: " + problem);
        }
    }

    /**
     * Makes the options' devices through Config Admin and waits until each virtio device's service is registered
     * for this VM, so that the board built next has them in its address map and device tree.
     */
    private void plugDevices(String name, VmOptions vo, DeviceConfigurations configurations)
            throws LoadException, BoardException {
        DeviceConfigurations.checkImages(vo.devices);
        ConfigurationAdmin admin = configurationAdmin.get();
        if (admin == null) {
            throw new BoardException("-drive/-netdev/-device need Config Admin (org.apache.felix.configadmin), and its"
                    + " service did not appear in " + DeviceConfigurations.DEFAULT_WAIT_MS / 1000 + " s");
        }
        configurations.create(admin, vo.devices, name);
        DeviceConfigurations.await(vo.devices, spec -> present(name, spec, configurations),
                DeviceConfigurations.DEFAULT_WAIT_MS, spec -> activationFailure(name, spec));
    }

    /** A virtio device is present when its service is registered for this VM, a backend when its service is. */
    private boolean present(String name, DeviceSpec spec, DeviceConfigurations configurations) {
        if (spec.mmio()) {
            String pid = configurations.pidOf(spec);
            return pid != null && tracker.present(name, spec.base, pid);
        }
        try {
            return !context.getServiceReferences(NetworkBackend.class,
                    "(" + NetworkBackend.ID_PROPERTY + "=" + spec.properties.get("id") + ")").isEmpty();
        } catch (InvalidSyntaxException e) {
            return false; // an id with filter characters: the wait ends in a clear timeout
        } catch (IllegalStateException e) {
            return false; // the bundle is stopping: the wait ends
        }
    }

    /** Whether a configuration's VM property names {@code vm} (one without it is anybody's). */
    private static boolean ofVm(Object property, String vm) {
        return property == null || property.equals(vm);
    }

    /** SCR's account of why the component configured for {@code spec} of VM {@code vm} failed to activate, or null. */
    private String activationFailure(String vm, DeviceSpec spec) {
        BundleContext ctx = context;
        ServiceReference<ServiceComponentRuntime> ref;
        try {
            ref = ctx.getServiceReference(ServiceComponentRuntime.class);
        } catch (IllegalStateException | NoClassDefFoundError e) {
            return null;
        }
        if (ref == null) {
            return null;
        }
        ServiceComponentRuntime scr = ctx.getService(ref);
        if (scr == null) {
            return null;
        }
        try {
            // A device is known by its window, a backend by its id.
            String key = spec.mmio() ? "base" : "id";
            Object value = spec.properties.get(key);
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                if (d.configurationPid == null || !Arrays.asList(d.configurationPid).contains(spec.pid)) {
                    continue;
                }
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION && c.properties != null
                            && value.equals(c.properties.get(key))
                            && ofVm(c.properties.get(MmioDevice.VM_PROPERTY), vm)) {
                        String text = c.failure == null ? "activation failed" : c.failure.strip();
                        int nl = text.indexOf('\n');
                        return nl < 0 ? text : text.substring(0, nl);
                    }
                }
            }
            return null;
        } finally {
            try {
                ctx.ungetService(ref);
            } catch (IllegalStateException ignored) {
                // the bundle is stopping
            }
        }
    }
}
