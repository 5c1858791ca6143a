package org.ppc440vm.netdev.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Paths;
import java.util.Dictionary;
import java.util.Hashtable;
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
import org.ppc440vm.netdev.pcap.FrameDump;

/**
 * {@code -netdev socket,id=ID,udp=HOST:PORT,localaddr=HOST:PORT}: one {@link UdpTunnel} per factory configuration
 * of PID {@value #PID}, with the properties {@code id}, {@code udp} (the peer) and {@code localaddr} (where to
 * bind), both required. QEMU's other socket modes ({@code listen}, {@code connect}, {@code mcast}, {@code fd}) are not
 * implemented and are refused by name. HOST is an IPv4 address or {@code localhost}: names are not looked up, so
 * that configuring a backend never sends a DNS query.
 *
 * <p>Like the user backend, the component registers its {@link NetworkBackend} service itself, with
 * {@code ppc440vm.netdev.id} = {@code id}.
 */
@Component(service = {}, configurationPid = SocketNetworkBackend.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.ppc440vm.api.net.NetworkBackend\"",
        uses = NetworkBackend.class)
public final class SocketNetworkBackend implements NetworkBackend {
    public static final String PID = "org.ppc440vm.netdev.socket";
    public static final String TYPE = "socket";

    private String id;
    private UdpTunnel tunnel;
    private ServiceRegistration<NetworkBackend> registration;
    /** The filter-dump capture ({@code dump} = a pcap file), or null. */
    private volatile FrameDump dump;

    @Activate
    void activate(BundleContext context, Map<String, Object> config) throws IOException {
        Object idValue = config.get("id");
        if (idValue == null || String.valueOf(idValue).isBlank()) {
            throw new IllegalArgumentException("a -netdev needs an id");
        }
        id = String.valueOf(idValue).trim();
        for (String unsupported : new String[] {"listen", "connect", "mcast", "fd"}) {
            if (config.get(unsupported) != null) {
                throw new IllegalArgumentException("-netdev socket,id=" + id + ": " + unsupported
                        + "= is not supported; use udp=HOST:PORT,localaddr=HOST:PORT");
            }
        }
        InetSocketAddress peer = address(config, "udp");
        InetSocketAddress local = address(config, "localaddr");
        if (peer.getPort() == 0) {
            throw new IllegalArgumentException("-netdev socket,id=" + id + ": udp= needs a port");
        }
        Object file = config.get("dump");
        if (file != null && !String.valueOf(file).isBlank()) {
            dump = new FrameDump(id, Paths.get(String.valueOf(file).trim()));
        }
        tunnel = new UdpTunnel(id, local, peer);
        try {
            tunnel.start();
        } catch (IOException | RuntimeException e) {
            closeDump();
            throw e;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(ID_PROPERTY, id);
        props.put(TYPE_PROPERTY, TYPE);
        registration = context.registerService(NetworkBackend.class, this, props);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // the framework unregistered it already (bundle stopping)
            }
            registration = null;
        }
        tunnel.stop();
        closeDump(); // after the tunnel: no frame arrives any more
    }

    /** Completes the file; the closed dump stays, recording nothing, so a late detach still finds its wrapper. */
    private void closeDump() {
        FrameDump d = dump;
        if (d != null) {
            d.close();
        }
    }

    /** A required HOST:PORT property; HOST is an IPv4 literal or localhost (never looked up). */
    static InetSocketAddress address(Map<String, Object> config, String key) {
        Object v = config.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            throw new IllegalArgumentException("-netdev socket needs " + key + "=HOST:PORT");
        }
        String s = String.valueOf(v).trim();
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("-netdev socket: " + key + "=" + s + " is not HOST:PORT");
        }
        String host = s.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("-netdev socket: " + key + "=" + s + " has no valid port");
        }
        byte[] ip = new byte[4];
        if (host.isEmpty() || host.equals("localhost")) {
            ip = new byte[] {127, 0, 0, 1};
        } else {
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException("-netdev socket: " + key + "=" + s + ": give an IPv4 address");
            }
            for (int i = 0; i < 4; i++) {
                int b;
                try {
                    b = Integer.parseInt(parts[i]);
                } catch (NumberFormatException e) {
                    b = -1;
                }
                if (b < 0 || b > 255) {
                    throw new IllegalArgumentException("-netdev socket: " + key + "=" + s + ": give an IPv4 address");
                }
                ip[i] = (byte) b;
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // cannot happen for 4 bytes
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean send(ByteBuffer frame) {
        FrameDump d = dump;
        if (d != null) {
            d.record(frame); // what the guest sent, whether or not the tunnel then takes it
        }
        return tunnel.send(frame);
    }

    @Override
    public void attach(FrameReceiver receiver) {
        FrameDump d = dump;
        tunnel.attach(d != null ? d.wrap(receiver) : receiver);
    }

    @Override
    public void detach(FrameReceiver receiver) {
        FrameDump d = dump;
        tunnel.detach(d != null ? d.wrapped(receiver) : receiver);
    }

    @Override
    public void receiverReady() {
        tunnel.receiverReady();
    }

    @Override
    public boolean linkUp() {
        return tunnel.running();
    }

    @Override
    public String describe() {
        return tunnel.describe();
    }

    @Override
    public Map<String, Long> counters() {
        return tunnel.counters();
    }

    /** The tunnel, for tests in this package. */
    UdpTunnel tunnel() {
        return tunnel;
    }
}
