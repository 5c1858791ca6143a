package org.ppc440vm.netdev.user;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.ppc440vm.api.net.FrameReceiver;
import org.ppc440vm.api.net.NetworkBackend;
import org.ppc440vm.netdev.pcap.FrameDump;

/**
 * {@code -netdev user,id=ID[,hostfwd=tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...}: one {@link UserStack} per
 * factory configuration of PID {@value #PID}, with the properties {@code id} (required) and {@code hostfwd} (a String
 * or a String[], one rule each), and {@code dump} (optional: a pcap file recording every frame the guest sends and
 * every frame delivered to it, as QEMU's {@code -object filter-dump} does).
 *
 * <p>A configuration change that touches only {@code hostfwd} applies at once, to the running stack: new rules start
 * listening, dropped ones stop, and the guest's connections stay. A new id or dump file restarts the stack in place
 * (see {@link #modified}).
 *
 * <p>The component registers its {@link NetworkBackend} service itself, so that the service carries
 * {@code ppc440vm.netdev.id} = the configured {@code id} (what devices filter on) whatever the configuration's own
 * property names are.
 */
@Component(service = {}, configurationPid = UserNetworkBackend.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.ppc440vm.api.net.NetworkBackend\"",
        uses = NetworkBackend.class)
public final class UserNetworkBackend implements NetworkBackend {
    public static final String PID = "org.ppc440vm.netdev.user";
    public static final String TYPE = "user";

    private String id;
    private UserStack stack;
    private ServiceRegistration<NetworkBackend> registration;
    /** The filter-dump capture, or null. */
    private volatile FrameDump dump;
    private String dumpFile;
    /** The device's receiver as it attached (unwrapped), carried over when {@link #modified} restarts the stack. */
    private volatile FrameReceiver receiver;

    @Activate
    void activate(BundleContext context, Map<String, Object> config) throws IOException {
        start(config);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(ID_PROPERTY, id);
        props.put(TYPE_PROPERTY, TYPE);
        registration = context.registerService(NetworkBackend.class, this, props);
    }

    /**
     * A live configuration change. A change of the hostfwd rules alone applies to the running stack; a new id or dump
     * file restarts the stack in place (the attached device stays attached, the service's properties follow).
     */
    @Modified
    synchronized void modified(Map<String, Object> config) throws IOException {
        String newId = requireId(config);
        if (newId.equals(id) && java.util.Objects.equals(dumpFile(config), dumpFile)) {
            updateForwards(config);
            return;
        }
        FrameReceiver r = receiver;
        stop();
        start(config);
        if (r != null) {
            attach(r);
        }
        if (registration != null) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(ID_PROPERTY, id);
            props.put(TYPE_PROPERTY, TYPE);
            registration.setProperties(props);
        }
    }

    private static String dumpFile(Map<String, Object> config) {
        Object file = config.get("dump");
        return file == null || String.valueOf(file).isBlank() ? null : String.valueOf(file).trim();
    }

    /** Parses the configuration's hostfwd rules and gives them to the running stack. */
    void updateForwards(Map<String, Object> config) throws IOException {
        List<HostForward> forwards = new ArrayList<>();
        for (String rule : strings(config.get("hostfwd"))) {
            forwards.add(HostForward.parse(rule));
        }
        stack.updateForwards(forwards);
    }

    /** The backend without the framework: parse the configuration, open the dump, start the stack. */
    void start(Map<String, Object> config) throws IOException {
        id = requireId(config);
        List<HostForward> forwards = new ArrayList<>();
        for (String rule : strings(config.get("hostfwd"))) {
            forwards.add(HostForward.parse(rule));
        }
        dumpFile = dumpFile(config);
        if (dumpFile != null) {
            dump = new FrameDump(id, Paths.get(dumpFile));
        } else {
            dump = null;
        }
        stack = new UserStack(id, forwards);
        try {
            stack.start();
        } catch (IOException | RuntimeException e) {
            closeDump();
            throw e;
        }
    }

    /** Stops the stack, then completes the dump (no frame can arrive after the stack stopped). */
    void stop() {
        stack.stop();
        closeDump();
    }

    /** Completes the file; the closed dump stays, recording nothing, so a late detach still finds its wrapper. */
    private void closeDump() {
        FrameDump d = dump;
        if (d != null) {
            d.close();
        }
    }

    @Deactivate
    void deactivate() {
        // Sockets first, then the service: whoever sees the backend gone may rely on its host ports being closed.
        stop();
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // the framework unregistered it already (bundle stopping)
            }
            registration = null;
        }
    }

    static String requireId(Map<String, Object> config) {
        Object v = config.get("id");
        if (v == null || String.valueOf(v).isBlank()) {
            throw new IllegalArgumentException("a -netdev needs an id");
        }
        return String.valueOf(v).trim();
    }

    /** A configuration value that may be absent, one String, a String[] or a Collection, as a list of strings. */
    static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v instanceof String[]) {
            for (String s : (String[]) v) {
                out.add(s);
            }
        } else if (v instanceof Collection) {
            for (Object o : (Collection<?>) v) {
                out.add(String.valueOf(o));
            }
        } else {
            out.add(String.valueOf(v));
        }
        out.removeIf(String::isBlank);
        return out;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean send(ByteBuffer frame) {
        FrameDump d = dump;
        if (d == null) {
            return stack.send(frame);
        }
        // Recorded before the stack sees it, as a filter in front of the netdev would: the stack answers on its own
        // thread and could otherwise deliver (and record) the reply first. A frame the stack then drops was still
        // sent by the guest.
        d.record(frame);
        return stack.send(frame);
    }

    @Override
    public void attach(FrameReceiver receiver) {
        this.receiver = receiver;
        FrameDump d = dump;
        stack.attach(d != null ? d.wrap(receiver) : receiver);
    }

    @Override
    public void detach(FrameReceiver receiver) {
        if (this.receiver == receiver) {
            this.receiver = null;
        }
        FrameDump d = dump;
        stack.detach(d != null ? d.wrapped(receiver) : receiver);
    }

    @Override
    public void receiverReady() {
        stack.receiverReady();
    }

    @Override
    public boolean linkUp() {
        return stack.running();
    }

    @Override
    public String describe() {
        return stack.describe();
    }

    @Override
    public Map<String, Long> counters() {
        return stack.counters();
    }
}
