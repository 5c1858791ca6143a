package org.ppc440vm.virtio.net;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

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
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.testing.PaxOptions;

/**
 * virtio-net inside a real Felix: no configuration, no device; a factory configuration (what the board makes from
 * the command line) brings an MmioDevice service up at the configured window, identifying itself as virtio.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class VirtioNetBundleIT {

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return PaxOptions.bundleUnderTest();
    }

    @Test
    public void activeAndExportsNothing() {
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.virtio-net", Map.of());
    }

    @Test
    public void aFactoryConfigurationCreatesTheDevice() throws Exception {
        assertTrue(devices().isEmpty());
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration(VirtioNetDevice.PID, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("base", "0xef602200");
        props.put("interrupt", "21");
        c.update(props);
        try {
            long deadline = System.currentTimeMillis() + 10_000;
            while (devices().isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Collection<ServiceReference<MmioDevice>> refs = devices();
            assertEquals(1, refs.size());
            MmioDevice d = context.getService(refs.iterator().next());
            assertNotNull(d);
            assertEquals(0xef602200L, d.base());
            assertEquals(0x74726976L, d.read(0, 4, Endian.LITTLE));
            assertEquals(1, d.read(8, 4, Endian.LITTLE));
        } finally {
            c.delete();
        }
    }

    private Collection<ServiceReference<MmioDevice>> devices() throws Exception {
        return context.getServiceReferences(MmioDevice.class, null);
    }
}
