package org.ppc440vm.virtio.blk.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.util.Collection;
import java.util.Hashtable;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.InterruptLine;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.device.StatefulDevice;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.testing.PaxOptions;

/**
 * virtio-blk inside a real Felix with the virtio-mmio bundle: no configuration, no device; a factory configuration
 * (what the board makes from -drive) brings up an MmioDevice and StatefulDevice service at the configured window
 * that serves a real read from the image through its registers and rings; a bad image brings up nothing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class VirtioBlkBundleIT {
    static final String PID = "org.ppc440vm.virtio.blk";

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return PaxOptions.bundleUnderTest("bundles/virtio-mmio");
    }

    @Test
    public void activeAndExportsNothing() {
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.virtio-blk", Map.of());
    }

    @Test
    public void aFactoryConfigurationCreatesADiskThatReadsTheImage() throws Exception {
        assertTrue(devices().isEmpty());
        File img = File.createTempFile("ppc440vm-it", ".img");
        img.deleteOnExit();
        byte[] disk = new byte[8 * 512];
        for (int i = 0; i < disk.length; i++) {
            disk[i] = (byte) (i / 512 + 1);
        }
        Files.write(img.toPath(), disk);
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration(PID, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("base", "0xef602200");
        props.put("interrupt", "21");
        props.put("file", img.getAbsolutePath());
        props.put(MmioDevice.VM_PROPERTY, "vm7");
        c.update(props);
        try {
            Collection<ServiceReference<MmioDevice>> refs = awaitDevices(1);
            assertEquals(1, refs.size());
            ServiceReference<MmioDevice> ref = refs.iterator().next();
            assertEquals("the board wires the line from this property", "21", String.valueOf(ref.getProperty("interrupt")));
            assertEquals("virtio-blk", ref.getProperty(MmioDevice.TYPE_PROPERTY));
            assertEquals("configuration properties are service properties", "vm7",
                    ref.getProperty(MmioDevice.VM_PROPERTY));
            assertEquals("prototype scope: the board can make a second instance for a hot-swap",
                    Constants.SCOPE_PROTOTYPE, ref.getProperty(Constants.SERVICE_SCOPE));
            ServiceObjects<MmioDevice> objects = context.getServiceObjects(ref);
            MmioDevice d = objects.getService();
            assertNotNull(d);
            MmioDevice other = objects.getService();
            assertTrue("every getService is an independent instance", other != d);
            objects.ungetService(other);
            assertTrue("also a StatefulDevice service", d instanceof StatefulDevice
                    && !context.getServiceReferences(StatefulDevice.class, null).isEmpty());
            assertEquals(0xef602200L, d.base());
            assertEquals(0x74726976L, d.read(0, 4, Endian.LITTLE));
            assertEquals(2, d.read(8, 4, Endian.LITTLE));
            assertEquals("capacity in sectors", 8, d.read(0x100, 8, Endian.LITTLE));
            readSectorThreeThroughTheRings(d);
        } finally {
            c.delete();
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (!devices().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue("deleting the configuration removes the disk", devices().isEmpty());
    }

    /** The driver's part, by hand: status, features, one queue of 4, DRIVER_OK, one IN request for sector 3. */
    private void readSectorThreeThroughTheRings(MmioDevice d) throws Exception {
        ArrayGuestMemory ram = new ArrayGuestMemory(1 << 16);
        boolean[] line = new boolean[1];
        d.attach(new DeviceContext() {
            @Override public org.ppc440vm.api.memory.GuestMemory memory() { return ram; }
            @Override public InterruptLine interruptLine() {
                return new InterruptLine() {
                    @Override public void set(boolean asserted) { line[0] = asserted; }
                    @Override public int number() { return 21; }
                };
            }
            @Override public Map<String, String> options() { return Map.of(); }
            @Override public void log(String message) { System.err.println(message); }
        });
        try {
            w(d, 0x070, 0);
            w(d, 0x070, 1 | 2);
            w(d, 0x024, 1);
            w(d, 0x020, 1); // VERSION_1
            w(d, 0x024, 0);
            w(d, 0x020, 0);
            w(d, 0x070, 1 | 2 | 8);
            assertEquals(8, d.read(0x070, 4, Endian.LITTLE) & 8);
            long desc = 0x1000, avail = 0x2000, used = 0x3000, hdr = 0x4000, data = 0x5000, status = 0x6000;
            w(d, 0x030, 0);
            w(d, 0x038, 4);
            w(d, 0x080, (int) desc);
            w(d, 0x090, (int) avail);
            w(d, 0x0a0, (int) used);
            w(d, 0x044, 1);
            w(d, 0x070, 1 | 2 | 8 | 4);
            ram.writeInt(hdr, 0, Endian.LITTLE); // VIRTIO_BLK_T_IN
            ram.writeLong(hdr + 8, 3, Endian.LITTLE);
            descriptor(ram, desc, 0, hdr, 16, 1, 1);
            descriptor(ram, desc, 1, data, 512, 1 | 2, 2);
            descriptor(ram, desc, 2, status, 1, 2, 0);
            ram.writeByte(status, (byte) 0x55);
            ram.writeShort(avail + 4, (short) 0, Endian.LITTLE);
            ram.writeShort(avail + 2, (short) 1, Endian.LITTLE);
            w(d, 0x050, 0);
            long deadline = System.currentTimeMillis() + 10_000;
            while (ram.readShort(used + 2, Endian.LITTLE) != 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertEquals("used index", 1, ram.readShort(used + 2, Endian.LITTLE));
            assertEquals("used length", 513, ram.readInt(used + 8, Endian.LITTLE));
            assertEquals("status OK", 0, ram.readByte(status));
            assertEquals(4, ram.readByte(data));
            assertEquals(4, ram.readByte(data + 511));
            assertTrue("interrupt raised", line[0]);
            assertEquals(1, d.read(0x060, 4, Endian.LITTLE));
            w(d, 0x064, 1);
            assertTrue("interrupt acknowledged", !line[0]);
        } finally {
            d.detach();
        }
        assertEquals("inert after detach: a write changes nothing", 0xF, d.read(0x070, 4, Endian.LITTLE));
        w(d, 0x070, 0);
        assertEquals(0xF, d.read(0x070, 4, Endian.LITTLE));
    }

    private static void descriptor(ArrayGuestMemory ram, long table, int i, long addr, int len, int flags, int next) {
        long at = table + 16L * i;
        ram.writeLong(at, addr, Endian.LITTLE);
        ram.writeInt(at + 8, len, Endian.LITTLE);
        ram.writeShort(at + 12, (short) flags, Endian.LITTLE);
        ram.writeShort(at + 14, (short) next, Endian.LITTLE);
    }

    private static void w(MmioDevice d, int offset, int value) {
        d.write(offset, 4, value & 0xFFFF_FFFFL, Endian.LITTLE);
    }

    @Test
    public void anImageOfPartialSectorsBringsNoDevice() throws Exception {
        File img = File.createTempFile("ppc440vm-it-bad", ".img");
        img.deleteOnExit();
        Files.write(img.toPath(), new byte[1000]);
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration(PID, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("base", "0xef602000");
        props.put("interrupt", "20");
        props.put("file", img.getAbsolutePath());
        c.update(props);
        try {
            // A delayed (prototype) component registers its service before anything is opened; asking for an
            // instance activates one, which fails: getService gives null, and SCR's runtime says why (what the
            // board reports).
            Collection<ServiceReference<MmioDevice>> refs = awaitDevices(1);
            assertEquals(1, refs.size());
            ServiceObjects<MmioDevice> objects = context.getServiceObjects(refs.iterator().next());
            assertNull("no device object for a bad image", objects.getService());
            String failure = null;
            long deadline = System.currentTimeMillis() + 10_000;
            while (failure == null && System.currentTimeMillis() < deadline) {
                failure = activationFailure();
                Thread.sleep(20);
            }
            assertNotNull("SCR reports the failed activation", failure);
            assertTrue(failure, failure.contains(img.getAbsolutePath()) && failure.contains("not a multiple of 512"));
        } finally {
            c.delete();
        }
    }

    /** The failure text of a virtio-blk configuration in FAILED_ACTIVATION, or null. */
    private String activationFailure() {
        ServiceComponentRuntime scr = context.getService(context.getServiceReference(ServiceComponentRuntime.class));
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (PID.equals(d.configurationPid[0])) {
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        return c.failure;
                    }
                }
            }
        }
        return null;
    }

    private Collection<ServiceReference<MmioDevice>> awaitDevices(int n) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (devices().size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return devices();
    }

    private Collection<ServiceReference<MmioDevice>> devices() throws Exception {
        return context.getServiceReferences(MmioDevice.class, null);
    }
}
