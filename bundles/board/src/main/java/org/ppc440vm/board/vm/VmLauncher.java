package org.ppc440vm.board.vm;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.launch.LaunchContract;
import org.ppc440vm.api.net.NetworkBackend;
import org.ppc440vm.api.vm.VirtualMachine;
import org.ppc440vm.board.console.MonitorShell;
import org.ppc440vm.board.loader.LoadException;
import org.ppc440vm.board.machine.Board;
import org.ppc440vm.board.machine.BoardException;
import org.ppc440vm.kvm.spi.Hypervisor;

/**
 * Boots the guest that the launcher's command line describes, when there is no subcommand: builds the VM, registers
 * it as a {@link VirtualMachine} service, runs it, and hands its end status to the launcher (0 for a power-off or
 * a reset under -no-reboot, 1 for an error, 2 for a bad command line). Without the launcher (in a test framework)
 * every launch reference is unbound and it does nothing. The launcher's services exist before any bundle starts, so
 * static-greedy references bind them; the hypervisor, which comes from another bundle, is awaited for a while.
 */
@Component(immediate = true)
public final class VmLauncher {
    static final String ROLE = LaunchContract.ROLE_PROPERTY;
    /** How long to wait for kvm-core's Hypervisor service before giving up. */
    static final long HYPERVISOR_WAIT_MS = 15_000;
    private static final AtomicInteger NEXT_VM = new AtomicInteger();
    /**
     * The launches already served. DS re-creates this component whenever one of its static references changes, and
     * a command line must boot its guest once, not once per re-creation.
     */
    private static final Set<Object> LAUNCHED = Collections.newSetFromMap(new IdentityHashMap<>());

    @Reference(service = Map.class, cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + ROLE + "=" + LaunchContract.ROLE_OPTIONS + ")")
    Map<String, List<String>> options;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + ROLE + "=" + LaunchContract.ROLE_STDOUT + ")")
    OutputStream stdout;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + ROLE + "=" + LaunchContract.ROLE_STDIN + ")")
    InputStream stdin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + ROLE + "=" + LaunchContract.ROLE_EXIT + ")")
    IntConsumer exit;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile MonitorShell monitor;

    private volatile Hypervisor hypervisor;
    private final CountDownLatch hypervisorArrived = new CountDownLatch(1);
    private volatile ConfigurationAdmin configurationAdmin;
    private final CountDownLatch configurationAdminArrived = new CountDownLatch(1);
    /** The configurations behind this launch's -drive/-netdev/-device, deleted when the VM ends. */
    private final DeviceConfigurations deviceConfigurations = new DeviceConfigurations();
    private final Map<MmioDevice, Map<String, Object>> devices = new ConcurrentHashMap<>();

    private BundleContext context;
    private Thread setup;
    private volatile Vm vm;
    private volatile ServiceRegistration<VirtualMachine> registration;
    private volatile boolean deactivated;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindHypervisor")
    void bindHypervisor(Hypervisor h) {
        hypervisor = h;
        hypervisorArrived.countDown();
    }

    void unbindHypervisor(Hypervisor h) {
        if (hypervisor == h) {
            hypervisor = null;
        }
    }

    /** Dynamic: Config Admin arriving after the VM started must not re-create this component (and stop the VM). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindConfigurationAdmin")
    void bindConfigurationAdmin(ConfigurationAdmin admin) {
        configurationAdmin = admin;
        configurationAdminArrived.countDown();
    }

    void unbindConfigurationAdmin(ConfigurationAdmin admin) {
        if (configurationAdmin == admin) {
            configurationAdmin = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindDevice")
    void bindDevice(MmioDevice device, Map<String, Object> properties) {
        devices.put(device, properties);
    }

    void unbindDevice(MmioDevice device) {
        devices.remove(device);
    }

    @Activate
    void activate(BundleContext ctx) {
        this.context = ctx;
        Map<String, List<String>> o = options;
        if (o == null) {
            return; // no launcher
        }
        List<String> sub = o.get(LaunchContract.SUBCOMMAND_KEY);
        if (sub != null && !sub.isEmpty()) {
            return; // another bundle serves the subcommand
        }
        synchronized (LAUNCHED) {
            if (!LAUNCHED.add(o)) {
                return;
            }
        }
        setup = new Thread(() -> launch(o), "ppc440vm-vm-setup");
        setup.start();
    }

    private void launch(Map<String, List<String>> o) {
        PrintStream err = System.err;
        IntConsumer done = exit != null ? exit : status -> { };
        VmOptions vo;
        try {
            vo = VmOptions.parse(o);
        } catch (UsageException e) {
            err.println("ppc440vm: " + e.getMessage());
            err.println("Try './ppc440vm --help'.");
            done.accept(2);
            return;
        }
        if (vo.listMachines) {
            PrintStream out = new PrintStream(stdout != null ? stdout : System.out, true);
            out.println("Supported machines are:");
            out.println("bamboo               AMCC 440EP bamboo-compatible board: one PowerPC 440EP core, UIC0,"
                    + " 16550 UART (default)");
            out.println("none                 empty machine: the runtime only (Gogo shell, hot-deploy folder), no VM");
            done.accept(0);
            return;
        }
        if (vo.noMachine) {
            err.println("ppc440vm: -M none: runtime up with no VM; hot-deploy folder and shell are live. Ctrl-C stops it.");
            return; // the launcher waits until the framework stops
        }
        Hypervisor h = awaitHypervisor();
        if (h == null) {
            if (!deactivated) {
                err.println("ppc440vm: no hypervisor: the kvm-core bundle's Hypervisor service did not appear in "
                        + HYPERVISOR_WAIT_MS / 1000 + " s");
                done.accept(1);
            }
            return;
        }
        String name = "vm" + NEXT_VM.getAndIncrement();
        Vm created;
        try {
            if (!vo.devices.isEmpty()) {
                plugDevices(vo);
            }
            if (vo.kernel == null) {
                err.println("ppc440vm: no -kernel given: booting the built-in guest");
            }
            VmFactory.Host host = new VmFactory.Host(stdout != null ? stdout : System.out,
                    stdin != null ? stdin : System.in, stdin != null, err, () -> monitor, status -> ended(status, done));
            created = VmFactory.create(name, vo, h, plugged(), host);
        } catch (LoadException | BoardException | java.io.IOException e) {
            deleteDeviceConfigurations();
            err.println("ppc440vm: " + e.getMessage());
            done.accept(1);
            return;
        } catch (RuntimeException e) {
            deleteDeviceConfigurations();
            err.println("ppc440vm: cannot build the VM: " + e);
            e.printStackTrace(err);
            done.accept(1);
            return;
        }
        synchronized (this) {
            if (deactivated) {
                created.stop();
                deleteDeviceConfigurations();
                return;
            }
            vm = created;
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(VirtualMachine.NAME_PROPERTY, name);
            registration = context.registerService(VirtualMachine.class, created, props);
        }
        created.start();
    }

    private void ended(int status, IntConsumer done) {
        unregister();
        deleteDeviceConfigurations();
        done.accept(status);
    }

    /**
     * Makes the command line's devices through Config Admin and waits until each virtio device's service is bound
     * here, so that the board built next has them in its address map and device tree.
     */
    private void plugDevices(VmOptions vo) throws LoadException, BoardException {
        DeviceConfigurations.checkImages(vo.devices);
        ConfigurationAdmin admin = awaitConfigurationAdmin();
        if (admin == null) {
            throw new BoardException("-drive/-netdev/-device need Config Admin (org.apache.felix.configadmin), and its"
                    + " service did not appear in " + DeviceConfigurations.DEFAULT_WAIT_MS / 1000 + " s");
        }
        deviceConfigurations.create(admin, vo.devices);
        DeviceConfigurations.await(vo.devices, this::present, DeviceConfigurations.DEFAULT_WAIT_MS,
                this::activationFailure);
    }

    /** A virtio device is present when its service is bound here, a backend when its service is registered. */
    private boolean present(DeviceSpec spec) {
        if (spec.mmio()) {
            return deviceConfigurations.served(spec, devices);
        }
        try {
            return !context.getServiceReferences(NetworkBackend.class,
                    "(" + NetworkBackend.ID_PROPERTY + "=" + spec.properties.get("id") + ")").isEmpty();
        } catch (InvalidSyntaxException e) {
            return false; // an id with filter characters: the wait ends in a clear timeout
        }
    }

    private ConfigurationAdmin awaitConfigurationAdmin() {
        try {
            configurationAdminArrived.await(DeviceConfigurations.DEFAULT_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return configurationAdmin;
    }

    /** SCR's account of why the component configured for {@code spec} failed to activate, or null. */
    private String activationFailure(DeviceSpec spec) {
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
                if (d.configurationPid == null || !java.util.Arrays.asList(d.configurationPid).contains(spec.pid)) {
                    continue;
                }
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION && c.properties != null
                            && value.equals(c.properties.get(key))) {
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

    private void deleteDeviceConfigurations() {
        for (String problem : deviceConfigurations.deleteAll()) {
            System.err.println("ppc440vm: warning: removing a device configuration: " + problem);
        }
    }

    private Hypervisor awaitHypervisor() {
        try {
            hypervisorArrived.await(HYPERVISOR_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return hypervisor;
    }

    /** Every MMIO device service present now, with the UIC source its "interrupt" property names. */
    private List<Board.Plugged> plugged() {
        List<Board.Plugged> list = new ArrayList<>();
        for (Map.Entry<MmioDevice, Map<String, Object>> e : devices.entrySet()) {
            if (deviceConfigurations.foreign(e.getValue())) {
                continue; // a device of a killed run's configuration, on its way out
            }
            Map<String, String> opts = new java.util.HashMap<>();
            int interrupt = -1;
            for (Map.Entry<String, Object> p : e.getValue().entrySet()) {
                opts.put(p.getKey(), String.valueOf(p.getValue()));
            }
            Object irq = e.getValue().get("interrupt");
            if (irq != null) {
                try {
                    interrupt = Integer.decode(String.valueOf(irq).trim());
                } catch (NumberFormatException ignored) {
                    interrupt = -1;
                }
            }
            list.add(new Board.Plugged(e.getKey(), interrupt, opts));
        }
        return list;
    }

    private synchronized void unregister() {
        ServiceRegistration<VirtualMachine> r = registration;
        registration = null;
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
    }

    @Deactivate
    void deactivate() {
        Vm v;
        synchronized (this) {
            deactivated = true;
            v = vm;
        }
        hypervisorArrived.countDown();
        configurationAdminArrived.countDown();
        if (v != null) {
            v.stop();
        }
        unregister();
        deleteDeviceConfigurations();
    }
}
