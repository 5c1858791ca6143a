package org.ppc440vm.netdev.user;

import java.io.IOException;
import java.nio.ByteBuffer;
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
import org.ppc440vm.api.net.FrameReceiver;
import org.ppc440vm.api.net.NetworkBackend;

/**
 * {@code -netdev user,id=ID[,hostfwd=tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...}: one {@link UserStack} per
 * factory configuration of PID {@value #PID}, with the properties {@code id} (required) and {@code hostfwd} (a String
 * or a String[], one rule each).
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

    @Activate
    void activate(BundleContext context, Map<String, Object> config) throws IOException {
        id = requireId(config);
        List<HostForward> forwards = new ArrayList<>();
        for (String rule : strings(config.get("hostfwd"))) {
            forwards.add(HostForward.parse(rule));
        }
        stack = new UserStack(id, forwards);
        stack.start();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(ID_PROPERTY, id);
        props.put(TYPE_PROPERTY, TYPE);
        registration = context.registerService(NetworkBackend.class, this, props);
    }

    @Deactivate
    void deactivate() {
        // Sockets first, then the service: whoever sees the backend gone may rely on its host ports being closed.
        stack.stop();
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
        return stack.send(frame);
    }

    @Override
    public void attach(FrameReceiver receiver) {
        stack.attach(receiver);
    }

    @Override
    public void detach(FrameReceiver receiver) {
        stack.detach(receiver);
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
