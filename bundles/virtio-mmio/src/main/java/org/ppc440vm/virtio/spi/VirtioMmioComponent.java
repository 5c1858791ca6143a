package org.ppc440vm.virtio.spi;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;
import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.DeviceTreeNode;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.device.StatefulDevice;
import org.ppc440vm.api.memory.Endian;

/**
 * Base class of a device bundle's Declarative Services component: the component is the
 * {@link MmioDevice} and {@link StatefulDevice} service the board maps, and every call goes to the
 * {@link VirtioMmioTransport} made by {@link #plug}. A device bundle writes only its activation:
 * <pre>{@code
 * @Component(service = {MmioDevice.class, StatefulDevice.class}, configurationPid = "org.ppc440vm.virtio.blk",
 *         configurationPolicy = ConfigurationPolicy.REQUIRE, scope = ServiceScope.PROTOTYPE,
 *         property = MmioDevice.TYPE_PROPERTY + "=virtio-blk")
 * public final class VirtioBlkComponent extends VirtioMmioComponent {
 *     @Activate
 *     void activate(Map<String, Object> config) throws IOException {
 *         plug("virtio-blk", config, new VirtioBlkDevice(...));
 *     }
 * }
 * }</pre>
 * The configuration properties every virtio-mmio component reads are {@value #BASE} (window address, e.g.
 * {@code "0xef602000"}) and {@value #INTERRUPT} (UIC source, e.g. {@code "20"}); the board reads the same
 * {@code interrupt} service property to wire the line. {@code plug} must be called once, before the service is
 * registered (that is, from {@code @Activate}). Prototype scope lets the board make a second, independent instance
 * of the same configuration and hot-swap to it ({@link MmioDevice}).
 */
@ConsumerType
public abstract class VirtioMmioComponent implements MmioDevice, StatefulDevice {

    /** Configuration property: guest-physical base of the window (decimal or 0x-hex; Long or String). */
    public static final String BASE = "base";

    /** Configuration property: the UIC source of the device's interrupt line. */
    public static final String INTERRUPT = "interrupt";

    private VirtioMmioTransport transport;

    /**
     * Puts {@code device} behind a transport at the configured {@value #BASE} and {@value #INTERRUPT}; the name on
     * the board is {@code prefix@base} ("virtio-blk@ef602000").
     *
     * @throws IllegalArgumentException a property is missing or not a number (the message names it)
     */
    protected final VirtioMmioTransport plug(String prefix, Map<String, ?> config, VirtioDevice device) {
        long base = longProperty(config, BASE);
        int interrupt = (int) longProperty(config, INTERRUPT);
        if (transport != null) {
            throw new IllegalStateException(prefix + ": plug() called twice");
        }
        transport = new VirtioMmioTransport(prefix + "@" + Long.toHexString(base), base, interrupt, device);
        return transport;
    }

    /** The transport made by {@link #plug}. */
    protected final VirtioMmioTransport transport() {
        if (transport == null) {
            throw new IllegalStateException(getClass().getName() + " was not plugged: call plug() in @Activate");
        }
        return transport;
    }

    /** A required numeric property (Number, or a String in decimal or 0x-hex). */
    protected static long longProperty(Map<String, ?> config, String key) {
        Object v = config.get(key);
        if (v == null) {
            throw new IllegalArgumentException("configuration property '" + key + "' is missing");
        }
        if (v instanceof Number) {
            return ((Number) v).longValue();
        }
        try {
            return Long.decode(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("configuration property '" + key + "' is not a number: " + v);
        }
    }

    /** An optional boolean property: true for Boolean.TRUE and the strings "true", "on", "yes", "1". */
    protected static boolean booleanProperty(Map<String, ?> config, String key) {
        Object v = config.get(key);
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if (v == null) {
            return false;
        }
        String s = String.valueOf(v).trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("true") || s.equals("on") || s.equals("yes") || s.equals("1")) {
            return true;
        }
        if (s.isEmpty() || s.equals("false") || s.equals("off") || s.equals("no") || s.equals("0")) {
            return false;
        }
        throw new IllegalArgumentException("configuration property '" + key + "' is not on/off: " + v);
    }

    @Override
    public final String name() {
        return transport().name();
    }

    @Override
    public final long base() {
        return transport().base();
    }

    @Override
    public final long windowSize() {
        return transport().windowSize();
    }

    @Override
    public final void attach(DeviceContext context) {
        transport().attach(context);
    }

    @Override
    public final void detach() {
        transport().detach();
    }

    @Override
    public final long read(long offset, int size, Endian order) {
        return transport().read(offset, size, order);
    }

    @Override
    public final void write(long offset, int size, long value, Endian order) {
        transport().write(offset, size, value, order);
    }

    @Override
    public final DeviceTreeNode deviceTreeNode() {
        return transport().deviceTreeNode();
    }

    @Override
    public final void quiesce() {
        transport().quiesce();
    }

    @Override
    public final DeviceState exportState() {
        return transport().exportState();
    }

    @Override
    public final void importState(DeviceState state) throws IncompatibleStateException {
        transport().importState(state);
    }

    @Override
    public final void resume() {
        transport().resume();
    }
}
