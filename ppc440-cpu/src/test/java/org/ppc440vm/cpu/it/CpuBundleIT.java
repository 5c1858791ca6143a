package org.ppc440vm.cpu.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

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
import org.ppc440vm.cpu.spi.CpuFactory;
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.testing.PaxOptions;

/** The CPU bundle inside a real Felix: its CpuFactory service is registered and only its SPI is exported. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CpuBundleIT {

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return PaxOptions.bundleUnderTest();
    }

    @Test
    public void exportsOnlyTheVersionedSpi() {
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.ppc440-cpu", Map.of("org.ppc440vm.cpu.spi", "1.2.0"));
    }

    @Test
    public void theApiBundleExportsItsSixVersionedContractPackages() {
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.api", Map.of("org.ppc440vm.api.device", "1.1.0",
                "org.ppc440vm.api.exit", "1.0.0", "org.ppc440vm.api.launch", "1.0.0", "org.ppc440vm.api.memory", "1.0.0", "org.ppc440vm.api.net", "1.0.0",
                "org.ppc440vm.api.vm", "1.0.0"));
    }

    @Test
    public void registersTheCpuFactoryFor440Ep() {
        ServiceReference<CpuFactory> ref = context.getServiceReference(CpuFactory.class);
        assertNotNull("a CpuFactory service is registered", ref);
        assertEquals("440EP", ref.getProperty("ppc440vm.cpu.model"));
        assertNotNull(context.getService(ref));
    }
}
