package org.ppc440vm.kvm.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Hashtable;
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
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.ppc440vm.api.exit.ExitAction;
import org.ppc440vm.api.exit.ExitHandler;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.kvm.spi.ExitHandlerRegistry;
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.testing.PaxOptions;

/** kvm-core inside a real Felix: its services come up, its SPI is exported with a version, handlers swap live. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KvmCoreBundleIT {

    @Inject
    BundleContext context;

    @Inject
    ExitHandlerRegistry registry;

    @Configuration
    public Option[] config() {
        return PaxOptions.bundleUnderTest("ppc440-cpu", "tlb");
    }

    @Test
    public void bundleIsActiveAndExportsOnlyItsVersionedSpi() {
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.kvm-core", Map.of("org.ppc440vm.kvm.spi", "1.0.0"));
    }

    @Test
    public void aRegisteredHandlerJoinsTheTableAndItsRemovalFallsBack() {
        long before = registry.generation();
        assertTrue(registry.handlers(ExitReason.SYSTEM_CALL).isEmpty());

        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ExitHandler.REASON_PROPERTY, "SYSTEM_CALL");
        props.put(Constants.SERVICE_RANKING, 10);
        ServiceRegistration<ExitHandler> reg =
                context.registerService(ExitHandler.class, (vcpu, exit) -> ExitAction.RESUME, props);
        try {
            List<String> handlers = registry.handlers(ExitReason.SYSTEM_CALL);
            assertEquals(1, handlers.size());
            assertTrue(handlers.get(0), handlers.get(0).contains("ranking 10"));
            assertTrue(registry.generation() > before);
            assertTrue(registry.handlers(ExitReason.MMIO).isEmpty());
        } finally {
            reg.unregister();
        }
        assertTrue("removing the handler falls back to the built-in one",
                registry.handlers(ExitReason.SYSTEM_CALL).isEmpty());
    }

}
