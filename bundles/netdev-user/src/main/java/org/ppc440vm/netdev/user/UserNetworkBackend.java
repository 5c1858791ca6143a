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
import org.ppc440vm.api.net.FrameReceiver;
import org.ppc440vm.api.net.NetworkBackend;

/**
 * {@code -netdev user,id=ID[,hostfwd=tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...}: one {@link UserStack} per
 * factory configuration of PID {@value #PID}, with the properties {@code id} (required) and {@code hostfwd} (a String
 * or a String[], one rule each), and {@code dump} (optional: a pcap file recording every frame the guest sends and
 * every frame delivered to it, as QEMU's {@code -object filter-dump} does).
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
    private volatile PcapWriter dump;
    private String dumpFile;
    /** The attached receiver as the stack sees it (wrapped when dumping), for {@link #detach}. */
    private FrameReceiver attached;
    private FrameReceiver attachedWrapper;

    @Activate
    void activate(BundleContext context, Map<String, Object> config) throws IOException {
        start(config);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(ID_PROPERTY, id);
        props.put(TYPE_PROPERTY, TYPE);
        registration = context.registerService(NetworkBackend.class, this, props);
    }

    /** The backend without the framework: parse the configuration, open the dump, start the stack. */
    void start(Map<String, Object> config) throws IOException {
        id = requireId(config);
        List<HostForward> forwards = new ArrayList<>();
        for (String rule : strings(config.get("hostfwd"))) {
            forwards.add(HostForward.parse(rule));
        }
        Object file = config.get("dump");
        if (file != null && !String.valueOf(file).isBlank()) {
            dumpFile = String.valueOf(file).trim();
            dump = new PcapWriter(Paths.get(dumpFile));
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

    private void closeDump() {
        PcapWriter d = dump;
        dump = null;
        if (d != null) {
            try {
                d.close();
            } catch (IOException e) {
                System.err.println("netdev " + id + ": filter-dump " + dumpFile + ": " + e.getMessage());
            }
        }
    }

    /** Appends one frame to the dump; a failing dump is reported once and dropped, never breaking the network. */
    private void record(ByteBuffer frame) {
        PcapWriter d = dump;
        if (d == null) {
            return;
        }
        try {
            d.append(frame);
        } catch (IOException e) {
            dump = null;
            System.err.println("netdev " + id + ": filter-dump " + dumpFile + " stopped: " + e.getMessage());
            try {
                d.close();
            } catch (IOException ignored) {
                // already reported the failure
            }
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
        if (dump == null) {
            return stack.send(frame);
        }
        // Recorded before the stack sees it, as a filter in front of the netdev would: the stack answers on its own
        // thread and could otherwise deliver (and record) the reply first. A frame the stack then drops was still
        // sent by the guest.
        record(frame);
        return stack.send(frame);
    }

    @Override
    public synchronized void attach(FrameReceiver receiver) {
        FrameReceiver r = receiver;
        if (dump != null) {
            r = new DumpingReceiver(receiver);
        }
        attached = receiver;
        attachedWrapper = r;
        stack.attach(r);
    }

    @Override
    public synchronized void detach(FrameReceiver receiver) {
        if (receiver == attached) {
            stack.detach(attachedWrapper);
            attached = null;
            attachedWrapper = null;
        } else {
            stack.detach(receiver);
        }
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

    /**
     * Records each frame for the guest before offering it, so the record precedes anything the guest sends in
     * answer (the guest may answer on its vCPU thread before {@code receive} returns). A refused frame is offered
     * again later, unchanged: the copy of the last refused frame tells that retry apart, so it is recorded once.
     * The stack offers frames from its one thread, so the retry state needs no lock.
     */
    private final class DumpingReceiver implements FrameReceiver {
        private final FrameReceiver guest;
        private byte[] refusedAndRecorded;

        DumpingReceiver(FrameReceiver guest) {
            this.guest = guest;
        }

        @Override
        public boolean receive(ByteBuffer frame) {
            boolean retry = refusedAndRecorded != null && frame.equals(ByteBuffer.wrap(refusedAndRecorded));
            if (!retry) {
                record(frame);
            }
            ByteBuffer offered = frame.duplicate();
            boolean taken = guest.receive(frame);
            if (taken) {
                refusedAndRecorded = null;
            } else if (!retry) {
                refusedAndRecorded = new byte[offered.remaining()];
                offered.get(refusedAndRecorded);
            }
            return taken;
        }
    }
}
