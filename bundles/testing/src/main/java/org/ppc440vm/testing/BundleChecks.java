package org.ppc440vm.testing;

import java.util.Map;
import java.util.TreeMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWiring;

/** Assertions about bundles inside a running framework, shared by every module's integration test. */
public final class BundleChecks {

    private BundleChecks() {
    }

    /** The installed bundle with this symbolic name; fails when there is none. */
    public static Bundle bundle(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    /** Package → version of what the resolved bundle really exports. */
    public static Map<String, String> exports(Bundle bundle) {
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        if (wiring == null) {
            throw new AssertionError("bundle " + bundle.getSymbolicName() + " is not resolved");
        }
        Map<String, String> m = new TreeMap<>();
        for (BundleCapability c : wiring.getCapabilities("osgi.wiring.package")) {
            m.put(String.valueOf(c.getAttributes().get("osgi.wiring.package")),
                    String.valueOf(c.getAttributes().get("version")));
        }
        return m;
    }

    /** Fails unless the bundle is ACTIVE and exports exactly {@code expected} (package → version). */
    public static void assertActiveAndExports(BundleContext context, String symbolicName, Map<String, String> expected) {
        Bundle b = bundle(context, symbolicName);
        if (b.getState() != Bundle.ACTIVE) {
            throw new AssertionError(symbolicName + " is in state " + b.getState() + ", not ACTIVE");
        }
        Map<String, String> actual = exports(b);
        if (!actual.equals(new TreeMap<>(expected))) {
            throw new AssertionError(symbolicName + " exports " + actual + ", expected " + new TreeMap<>(expected));
        }
    }
}
