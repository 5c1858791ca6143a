package org.ppc440vm.virtio.blk;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.ppc440vm.api.device.DeviceTreeNode;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.memory.Endian;

/**
 * A virtio-blk device on a virtio-mmio window. One instance per factory configuration (PID {@value #PID}), which the
 * board creates from the command line; properties: {@code base} (window address), {@code interrupt} (UIC source).
 *
 * <p>Skeleton: it identifies itself through the virtio-mmio identification registers (magic, version 2, device id
 * 2) and offers no features and no queues yet; the transport and the backend arrive with issue #7.
 */
@Component(service = MmioDevice.class, configurationPid = VirtioBlkDevice.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class VirtioBlkDevice implements MmioDevice {
    public static final String PID = "org.ppc440vm.virtio.blk";
    static final int MAGIC = 0x74726976; // "virt" read as a little-endian word
    static final int DEVICE_ID = 2;

    private long base;
    private int interrupt;

    @Activate
    void activate(Map<String, Object> config) {
        base = Long.decode(String.valueOf(config.getOrDefault("base", "0xef602000")));
        interrupt = Integer.decode(String.valueOf(config.getOrDefault("interrupt", "20")));
    }

    @Override
    public String name() {
        return "virtio-blk@" + Long.toHexString(base);
    }

    @Override
    public long base() {
        return base;
    }

    @Override
    public long windowSize() {
        return 0x200;
    }

    @Override
    public long read(long offset, int size, Endian order) {
        long v;
        switch ((int) offset) {
            case 0x000: v = MAGIC; break;
            case 0x004: v = 2; break;          // virtio-mmio version 2 (virtio 1.x)
            case 0x008: v = DEVICE_ID; break;
            case 0x00c: v = 0x554d4551; break; // vendor id
            default: v = 0;
        }
        // Registers are little-endian: a big-endian access sees the bytes reversed.
        return order == Endian.LITTLE ? v & ((1L << (8 * size)) - 1) | (size == 8 ? v : 0) : Endian.reverse(v, size);
    }

    @Override
    public void write(long offset, int size, long value, Endian order) {
        // No writable register yet (issue #7).
    }

    @Override
    public DeviceTreeNode deviceTreeNode() {
        return new DeviceTreeNode("virtio_mmio@" + Long.toHexString(base))
                .property("compatible", "virtio,mmio")
                .cells("reg", (int) base, 0x200)
                .cells("interrupts", interrupt, 4);
    }
}
