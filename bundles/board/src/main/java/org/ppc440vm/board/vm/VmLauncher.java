package org.ppc440vm.board.vm;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Collections;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.ppc440vm.api.launch.LaunchContract;
import org.ppc440vm.api.vm.VirtualMachine;
import org.ppc440vm.board.console.MonitorShell;
import org.ppc440vm.board.loader.LoadException;
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
    /** Follows the device services; builds boards from them and hot-swaps their implementations. */
    @Reference
    DeviceTracker tracker;
    /** The assembly that built this launch's VM: its device configurations go when the VM ends or this stops. */
    private volatile VmAssembly assembly;

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
        StartupTrace.phase("VM setup thread");
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
        StartupTrace.phase("hypervisor found");
        String name = "vm" + NEXT_VM.getAndIncrement();
        VmAssembly a = new VmAssembly(context, tracker, h, this::awaitConfigurationAdmin);
        assembly = a;
        Vm created;
        try {
            VmFactory.Host host = new VmFactory.Host(stdout != null ? stdout : System.out,
                    stdin != null ? stdin : System.in, stdin != null, err, () -> monitor, status -> ended(status, done));
            created = a.create(name, vo, host);
        } catch (LoadException | BoardException | java.io.IOException e) {
            err.println("ppc440vm: " + e.getMessage());
            done.accept(1);
            return;
        } catch (RuntimeException e) {
            err.println("ppc440vm: cannot build the VM: " + e);
            e.printStackTrace(err);
            done.accept(1);
            return;
        }
        if (vo.loadVm() != null) {
            // -loadvm (H3): the machine built from the other options takes the snapshot's state instead of booting.
            try {
                Snapshots.restore(created, java.nio.file.Path.of(vo.loadVm()));
            } catch (Exception e) {
                err.println("ppc440vm: -loadvm " + vo.loadVm() + ": " + e.getMessage());
                created.quit(1); // ends the run: its devices go, the launcher exits with 1
                return;
            }
        }
        synchronized (this) {
            if (deactivated) {
                created.stop(); // its end deletes its device configurations
                return;
            }
            vm = created;
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(VirtualMachine.NAME_PROPERTY, name);
            registration = context.registerService(VirtualMachine.class, created, props);
        }
        StartupTrace.phase("VM built, starting the vCPU");
        created.start();
    }

    /** The VM ended; its assembly already released its devices and deleted their configurations. */
    private void ended(int status, IntConsumer done) {
        unregister();
        done.accept(status);
    }

    private ConfigurationAdmin awaitConfigurationAdmin() {
        try {
            configurationAdminArrived.await(DeviceConfigurations.DEFAULT_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return configurationAdmin;
    }

    private void deleteDeviceConfigurations() {
        VmAssembly a = assembly;
        if (a != null) {
            a.abort();
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
