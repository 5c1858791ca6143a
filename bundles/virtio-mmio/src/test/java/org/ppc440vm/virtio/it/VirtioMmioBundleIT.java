package org.ppc440vm.virtio.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.api.memory.GuestMemory;
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.virtio.spi.InterruptNotifier;
import org.ppc440vm.virtio.spi.VirtQueue;
import org.ppc440vm.virtio.spi.VirtioDevice;
import org.ppc440vm.virtio.spi.VirtioFeatures;
import org.ppc440vm.virtio.spi.VirtioMmioTransport;

/**
 * virtio-mmio inside a real Felix: active, exporting exactly its versioned SPI, and the exported transport class
 * (whose implementation lives in a private package) works for a device defined in another bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class VirtioMmioBundleIT {

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return org.ppc440vm.testing.PaxOptions.bundleUnderTest();
    }

    @Test
    public void activeAndExportsOnlyTheVersionedSpi() {
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.virtio-mmio",
                Map.of("org.ppc440vm.virtio.spi", "1.0.0"));
    }

    @Test
    public void aTransportAroundAForeignDeviceIdentifiesItself() {
        VirtioDevice device = new VirtioDevice() {
            @Override public int deviceId() { return 2; }
            @Override public long deviceFeatures() { return VirtioFeatures.RING_EVENT_IDX; }
            @Override public int queueCount() { return 1; }
            @Override public int queueMaxSize(int q) { return 128; }
            @Override public int configSize() { return 8; }
            @Override public void readConfig(int offset, byte[] dst) { dst[0] = 0x5a; }
            @Override public void activate(long f, List<VirtQueue> q, GuestMemory m, InterruptNotifier n) { }
            @Override public void queueNotify(int q) { }
            @Override public void deactivate() { }
            @Override public String stateType() { return "virtio-test"; }
        };
        VirtioMmioTransport t = new VirtioMmioTransport("virtio-test@ef602000", 0xef602000L, 20, device);
        Bundle from = FrameworkUtil.getBundle(VirtioMmioTransport.class);
        assertEquals("the SPI class comes from the virtio-mmio bundle", "org.ppc440vm.virtio-mmio",
                from.getSymbolicName());
        assertEquals(0x74726976L, t.read(0x000, 4, Endian.LITTLE));
        assertEquals(2L, t.read(0x008, 4, Endian.LITTLE));
        assertEquals(128L, t.read(0x034, 4, Endian.LITTLE));
        assertEquals(0x5aL, t.read(0x100, 1, Endian.LITTLE));
        t.write(0x014, 4, 1, Endian.LITTLE);
        assertTrue("VERSION_1 offered", (t.read(0x010, 4, Endian.LITTLE) & 1) == 1);
    }
}
