package org.ppc440vm.board.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.board.loader.LoadException;
import org.ppc440vm.board.machine.BoardException;

/**
 * The Config Admin factory configurations that make the command line's devices: created before the machine is
 * built, awaited until each virtio device's {@link MmioDevice} service is there (so that it is in the address map and
 * the device tree at boot), and deleted when the VM ends (which takes the devices and backends down again).
 */
final class DeviceConfigurations {
    static final long DEFAULT_WAIT_MS = 10_000;
    private static final long POLL_MS = 20;
    /** Binds the configuration to whichever bundle has the factory component (the device bundles may be updated). */
    static final String ANY_LOCATION = "?";
    static final String SERVICE_PID = "service.pid";

    private final List<Configuration> created = new ArrayList<>();
    /** The configuration PID made for each spec: the service.pid its component's service carries. */
    private final Map<DeviceSpec, String> pids = new ConcurrentHashMap<>();

    /**
     * Checks the disk images before anything is configured, so that the common mistakes (a wrong path, an image that
     * is not whole sectors) fail at once with a message naming the image.
     */
    static void checkImages(List<DeviceSpec> specs) throws LoadException {
        for (DeviceSpec s : specs) {
            String image = s.image();
            if (image == null) {
                continue;
            }
            Path p = Path.of(image);
            if (!Files.exists(p)) {
                throw new LoadException(s.option + ": " + image + ": no such file");
            }
            if (!Files.isRegularFile(p)) {
                throw new LoadException(s.option + ": " + image + " is not a regular file");
            }
            long size;
            try {
                size = Files.size(p);
            } catch (IOException e) {
                throw new LoadException(s.option + ": " + image + ": cannot read: " + e.getMessage(), e);
            }
            if (size % 512 != 0) {
                throw new LoadException(s.option + ": " + image + " is " + size
                        + " bytes, not a whole number of 512-byte sectors");
            }
            if (!Files.isReadable(p)) {
                throw new LoadException(s.option + ": " + image + ": not readable");
            }
            if (!s.readOnly() && !Files.isWritable(p)) {
                throw new LoadException(s.option + ": " + image + ": not writable (add readonly=on)");
            }
        }
    }

    /**
     * Creates one factory configuration per spec, backends first; on a failure the ones made so far are deleted.
     * Command-line configurations left by an earlier run that was killed are deleted first.
     */
    void create(ConfigurationAdmin admin, List<DeviceSpec> specs) throws BoardException {
        create(admin, specs, null);
    }

    /**
     * As {@link #create(ConfigurationAdmin, List)}, for VM {@code vm} (null: the only VM): each configuration carries
     * {@value MmioDevice#VM_PROPERTY}={@code vm}, and only the stale configurations of that VM name (or of none) are
     * deleted first, so that building a second VM leaves the first one's devices alone.
     */
    void create(ConfigurationAdmin admin, List<DeviceSpec> specs, String vm) throws BoardException {
        String origin = "(" + DeviceSpec.ORIGIN_PROPERTY + "=" + DeviceSpec.ORIGIN_COMMAND_LINE + ")";
        String filter = vm == null ? origin
                : "(&" + origin + "(|(" + MmioDevice.VM_PROPERTY + "=" + vm + ")(!(" + MmioDevice.VM_PROPERTY + "=*))))";
        try {
            Configuration[] stale = admin.listConfigurations(filter);
            if (stale != null) {
                for (Configuration c : stale) {
                    c.delete();
                }
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            throw new BoardException("cannot clear the device configurations of an earlier run: " + e.getMessage());
        }
        for (DeviceSpec s : specs) {
            try {
                Configuration c = admin.createFactoryConfiguration(s.pid, ANY_LOCATION);
                synchronized (created) {
                    created.add(c);
                }
                pids.put(s, c.getPid());
                c.update(s.dictionary(vm));
            } catch (IOException | RuntimeException e) {
                deleteAll();
                throw new BoardException(s.option + ": cannot configure " + s.pid + ": " + e.getMessage());
            }
        }
    }

    /**
     * Waits until every spec is {@code present} (a virtio device's service bound, a backend's service registered).
     *
     * @param whyMissing a diagnosis of a device that did not come (such as the component's activation failure), or
     *        null when there is none
     */
    static void await(List<DeviceSpec> specs, Predicate<DeviceSpec> present, long timeoutMs,
            Function<DeviceSpec, String> whyMissing) throws BoardException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            DeviceSpec missing = firstMissing(specs, present);
            if (missing == null) {
                return;
            }
            String why = whyMissing.apply(missing);
            if (why != null) {
                throw new BoardException(missing.option + ": the " + (missing.mmio() ? "device" : "backend")
                        + " did not start: " + why);
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new BoardException(missing.option + ": the " + (missing.mmio() ? "device" : "backend")
                        + " did not appear within " + (timeoutMs >= 1000 ? timeoutMs / 1000 + " s" : timeoutMs + " ms")
                        + " (is the bundle for " + missing.pid + " installed and active?)");
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BoardException(missing.option + ": interrupted while waiting for the device");
            }
        }
    }

    static DeviceSpec firstMissing(List<DeviceSpec> specs, Predicate<DeviceSpec> present) {
        for (DeviceSpec s : specs) {
            if (!present.test(s)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Whether the virtio device configured for {@code s} is among {@code devices} (device services and their
     * properties): the one whose service.pid is our configuration's, serving the assigned window. Backends count as
     * present.
     */
    boolean served(DeviceSpec s, Map<MmioDevice, Map<String, Object>> devices) {
        if (!s.mmio()) {
            return true;
        }
        String pid = pids.get(s);
        for (Map.Entry<MmioDevice, Map<String, Object>> e : devices.entrySet()) {
            if (pid != null && pid.equals(e.getValue().get(SERVICE_PID)) && e.getKey().base() == s.base) {
                return true;
            }
        }
        return false;
    }

    /** Whether a virtio device's window is served by one of {@code devices}; backends count as present. */
    static boolean windowServed(DeviceSpec s, Collection<MmioDevice> devices) {
        if (!s.mmio()) {
            return true;
        }
        for (MmioDevice d : devices) {
            if (d.base() == s.base) {
                return true;
            }
        }
        return false;
    }

    /** The PID of the configuration made for {@code spec}, or null. */
    String pidOf(DeviceSpec spec) {
        return pids.get(spec);
    }

    /**
     * Whether a device service with these properties is one this launch must not plug: a command-line device whose
     * configuration is not one of ours (left by a killed run and being taken down now).
     */
    boolean foreign(Map<String, Object> serviceProperties) {
        if (!DeviceSpec.ORIGIN_COMMAND_LINE.equals(serviceProperties.get(DeviceSpec.ORIGIN_PROPERTY))) {
            return false; // a device deployed by hand: plugged as before
        }
        return !pids.containsValue(String.valueOf(serviceProperties.get(SERVICE_PID)));
    }

    /** Deletes every configuration made here (idempotent); failures are reported, not thrown. */
    List<String> deleteAll() {
        List<Configuration> list;
        synchronized (created) {
            list = new ArrayList<>(created);
            created.clear();
            pids.clear();
        }
        List<String> problems = new ArrayList<>();
        for (int i = list.size() - 1; i >= 0; i--) {
            Configuration c = list.get(i);
            try {
                c.delete();
            } catch (IOException | IllegalStateException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    int size() {
        synchronized (created) {
            return created.size();
        }
    }
}
