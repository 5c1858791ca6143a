package org.ppc440vm.kvm.dispatch;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.ppc440vm.api.exit.ExitHandler;

/**
 * Registers exit handlers with a {@link TrapDispatcher} outside a framework, the way SCR would (a service reference
 * with the reason and ranking properties), for the vCPU tests in other packages.
 */
public final class TestRegistrations {
    private static final AtomicLong IDS = new AtomicLong(1000);

    private TestRegistrations() {
    }

    /** Registers {@code handler} for {@code reasons}; the returned runnable unregisters it. */
    public static Runnable register(TrapDispatcher dispatcher, ExitHandler handler, int ranking, String... reasons) {
        ServiceReference<ExitHandler> ref = reference(reasons.length == 1 ? reasons[0] : reasons, ranking);
        dispatcher.addHandler(handler, ref);
        return () -> dispatcher.removeHandler(handler, ref);
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<ExitHandler> reference(Object reason, int ranking) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(ExitHandler.REASON_PROPERTY, reason);
        p.put(Constants.SERVICE_RANKING, ranking);
        p.put(Constants.SERVICE_ID, IDS.incrementAndGet());
        Bundle bundle = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, m, args) -> m.getName().equals("getSymbolicName") ? "test.bundle" : null);
        return (ServiceReference<ExitHandler>) Proxy.newProxyInstance(ServiceReference.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "getProperty": return p.get(args[0]);
                        case "getBundle": return bundle;
                        case "hashCode": return System.identityHashCode(proxy);
                        case "equals": return proxy == args[0];
                        default: return null;
                    }
                });
    }
}
