package org.ppc440vm.virtio.blk;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.ServiceScope;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.device.StatefulDevice;
import org.ppc440vm.virtio.spi.VirtioMmioComponent;

/**
 * One virtio-blk disk on a virtio-mmio window per factory configuration of PID {@value #PID}, which the board makes
 * from {@code -drive file=IMG,if=virtio,format=raw[,readonly=on]}. Properties:
 * <ul>
 * <li>{@value VirtioMmioComponent#BASE}: window address, e.g. {@code "0xef602000"} (required);</li>
 * <li>{@value VirtioMmioComponent#INTERRUPT}: UIC0 source, e.g. {@code "20"} (required);</li>
 * <li>{@value #FILE}: path of the raw image (required);</li>
 * <li>{@value #READONLY}: {@code on}/{@code off} (or true/false), default off;</li>
 * <li>{@value #SERIAL}: the id GET_ID reports (at most 20 characters), default the image's file name.</li>
 * </ul>
 * Configuration properties are service properties too (the board's {@code ppc440vm.vm} among them), and the service
 * carries {@code ppc440vm.device.type=virtio-blk}.
 *
 * <p>Prototype scope, so that a device can be hot-swapped: every {@code ServiceObjects.getService()} activates an
 * independent instance of the same configuration, with its own transport and its own handle on the image; the board
 * carries the state from one to the next. The component is delayed: the image is opened when an instance is asked
 * for. A missing image, one that is not a whole number of 512-byte sectors, or one that cannot be opened as asked
 * makes that activation fail with a message naming the file (on stderr, and as SCR's failure reason), and
 * {@code getService()} returns null.
 */
@Component(service = {MmioDevice.class, StatefulDevice.class}, configurationPid = VirtioBlkComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, scope = ServiceScope.PROTOTYPE,
        property = MmioDevice.TYPE_PROPERTY + "=" + VirtioBlkComponent.TYPE)
public final class VirtioBlkComponent extends VirtioMmioComponent {
    /** The {@link MmioDevice#TYPE_PROPERTY} value, also the type named in the device's state. */
    public static final String TYPE = "virtio-blk";
    public static final String PID = "org.ppc440vm.virtio.blk";
    public static final String FILE = "file";
    public static final String READONLY = "readonly";
    public static final String SERIAL = "serial";

    private BlockImage image;

    @Activate
    void activate(Map<String, Object> config) throws IOException {
        try {
            Object file = config.get(FILE);
            if (file == null || String.valueOf(file).isBlank()) {
                throw new IllegalArgumentException("configuration property 'file' (the disk image) is missing");
            }
            boolean readOnly = booleanProperty(config, READONLY);
            long base = longProperty(config, BASE);
            Object serial = config.get(SERIAL);
            image = BlockImage.open(Path.of(String.valueOf(file)), readOnly);
            String name = "virtio-blk@" + Long.toHexString(base);
            plug("virtio-blk", config, new VirtioBlkDevice(name, image, serial == null ? null : String.valueOf(serial)));
        } catch (IOException | RuntimeException e) {
            System.err.println("ppc440vm: virtio-blk: " + e.getMessage());
            closeImage();
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        closeImage();
    }

    private void closeImage() {
        if (image != null) {
            try {
                image.close();
            } catch (IOException e) {
                System.err.println("ppc440vm: virtio-blk: closing " + image.path() + " failed: " + e);
            }
            image = null;
        }
    }
}
