package org.ppc440vm.virtio.net;

import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.ServiceScope;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.device.StatefulDevice;
import org.ppc440vm.api.net.NetworkBackend;
import org.ppc440vm.virtio.spi.VirtioMmioComponent;

/**
 * {@code -device virtio-net,netdev=ID[,mac=52:54:00:XX:XX:XX]}: one virtio-net device on a virtio-mmio window per
 * factory configuration of PID {@value #PID}, with the properties {@code base} (window address, e.g.
 * {@code 0xef602200}), {@code interrupt} (UIC source, e.g. {@code 21}), {@code netdev} (the backend's id, required)
 * and {@code mac} (default {@value #DEFAULT_MAC}, QEMU's).
 *
 * <p>The backend is whichever {@link NetworkBackend} service has {@code ppc440vm.netdev.id} = {@code netdev}, bound
 * through a dynamic, greedy reference: the backend lives in its own bundle, so updating this bundle leaves it (and its
 * host connections) running, and the new device instance attaches where the old one left. A missing backend is not
 * an error: the device stays on the board with its link down (VIRTIO_NET_F_STATUS) until one appears. The board may
 * narrow the reference with the configuration property {@code backend.target} = {@code (ppc440vm.netdev.id=ID)}.
 *
 * <p>Prototype scope, so that a device can be hot-swapped: every {@code ServiceObjects.getService()} activates an
 * independent instance of the same configuration (own transport, own binding of the backend reference); a swap only
 * moves the receiver registration from the old instance to the new one and never touches the backend itself.
 * Configuration properties are service properties too (the board's {@code ppc440vm.vm} among them), and the service
 * carries {@code ppc440vm.device.type=virtio-net}.
 */
@Component(service = {MmioDevice.class, StatefulDevice.class}, configurationPid = VirtioNetComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, scope = ServiceScope.PROTOTYPE,
        property = MmioDevice.TYPE_PROPERTY + "=" + VirtioNetComponent.TYPE)
public final class VirtioNetComponent extends VirtioMmioComponent {
    /** The {@link MmioDevice#TYPE_PROPERTY} value, also the type named in the device's state. */
    public static final String TYPE = "virtio-net";
    public static final String PID = "org.ppc440vm.virtio.net";
    public static final String NETDEV = "netdev";
    public static final String MAC = "mac";
    public static final String DEFAULT_MAC = "52:54:00:12:34:56";

    private VirtioNetDevice device;
    /** Every bound backend and its id; the one whose id is our netdev is the device's. */
    private final Map<NetworkBackend, String> backends = new LinkedHashMap<>();

    @Activate
    void activate(Map<String, Object> config) {
        Object netdev = config.get(NETDEV);
        if (netdev == null || String.valueOf(netdev).isBlank()) {
            throw new IllegalArgumentException("-device virtio-net needs netdev=ID");
        }
        Object mac = config.get(MAC);
        byte[] address = parseMac(mac == null ? DEFAULT_MAC : String.valueOf(mac));
        VirtioNetDevice d = new VirtioNetDevice(address, String.valueOf(netdev).trim());
        plug("virtio-net", config, d);
        synchronized (this) {
            device = d;
        }
        d.setBackend(chooseBackend());
    }

    @Deactivate
    void deactivate() {
        VirtioNetDevice d;
        synchronized (this) {
            d = device;
            device = null;
        }
        if (d != null) {
            d.release();
        }
    }

    @Reference(service = NetworkBackend.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(NetworkBackend backend, Map<String, Object> properties) {
        synchronized (this) {
            backends.put(backend, String.valueOf(properties.get(NetworkBackend.ID_PROPERTY)));
        }
        rewire();
    }

    void unbindBackend(NetworkBackend backend) {
        synchronized (this) {
            backends.remove(backend);
        }
        rewire();
    }

    private void rewire() {
        VirtioNetDevice d;
        NetworkBackend b;
        synchronized (this) {
            d = device;
            b = chooseBackend();
        }
        if (d != null) {
            d.setBackend(b);
        }
    }

    private synchronized NetworkBackend chooseBackend() {
        if (device == null) {
            return null;
        }
        NetworkBackend current = device.backend();
        if (current != null && backends.containsKey(current)) {
            return current; // keep a working attachment rather than flip between two backends of one id
        }
        for (Map.Entry<NetworkBackend, String> e : backends.entrySet()) {
            if (e.getValue().equals(device.netdev())) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The device behind the transport (tests). */
    VirtioNetDevice device() {
        return device;
    }

    /** Parses {@code 52:54:00:12:34:56} (or with dashes); refuses group (multicast) addresses. */
    static byte[] parseMac(String text) {
        String[] parts = text.trim().split("[:-]", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("mac=" + text + " is not six hex octets like 52:54:00:12:34:56");
        }
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].length() != 2) {
                throw new IllegalArgumentException("mac=" + text + " is not six hex octets like 52:54:00:12:34:56");
            }
            try {
                mac[i] = (byte) Integer.parseInt(parts[i], 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("mac=" + text + " is not six hex octets like 52:54:00:12:34:56");
            }
        }
        if ((mac[0] & 1) != 0) {
            throw new IllegalArgumentException("mac=" + text + " is a multicast address; a NIC needs a unicast one");
        }
        return mac;
    }

    static String formatMac(byte[] mac) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                s.append(':');
            }
            s.append(String.format("%02x", mac[i] & 0xFF));
        }
        return s.toString();
    }
}
