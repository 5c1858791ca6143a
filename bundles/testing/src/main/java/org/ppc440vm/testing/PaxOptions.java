package org.ppc440vm.testing;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import org.ops4j.pax.exam.Option;

/**
 * The Pax Exam configuration every bundle's integration test starts from: a real Felix with Declarative Services
 * and Config Admin, the API bundle and the bundle under test, all taken from the jars this very build produced
 * (never from ~/.m2, where they could be stale).
 *
 * <p>The failsafe configuration in the root pom sets {@code ppc440vm.bundle} (the module's jar),
 * {@code ppc440vm.root} and {@code ppc440vm.version}.
 */
public final class PaxOptions {

    private PaxOptions() {
    }

    /** The runtime (SCR, Config Admin, JUnit), the API bundle, the given reactor modules and the bundle under test. */
    public static Option[] bundleUnderTest(String... reactorModules) {
        List<Option> o = new ArrayList<>();
        o.add(junitBundles());
        o.add(cleanCaches(true));
        o.add(frameworkProperty("org.osgi.framework.storage").value(
                new File(System.getProperty("user.dir"), "target/paxexam-felix").getAbsolutePath()));
        o.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        for (String prefix : new String[] {"org.osgi.util.function-", "org.osgi.util.promise-",
                "org.osgi.service.component-", "org.apache.felix.scr-", "org.apache.felix.configadmin-"}) {
            o.add(bundle(classpathJar(prefix).toURI().toString()));
        }
        o.add(bundle(reactorJar("bundles/api", "api").toURI().toString()));
        o.add(bundle(reactorJar("bundles/testing", "testing").toURI().toString()));
        for (String module : reactorModules) {
            String artifact = module.substring(module.lastIndexOf('/') + 1);
            o.add(bundle(reactorJar(module, artifact).toURI().toString()));
        }
        o.add(bundle(new File(require("ppc440vm.bundle")).toURI().toString()));
        return options(o.toArray(new Option[0]));
    }

    /** The jar a reactor module produced in this build, e.g. {@code reactorJar("ppc440-cpu", "ppc440-cpu")}. */
    public static File reactorJar(String modulePath, String artifactId) {
        File jar = new File(require("ppc440vm.root"),
                modulePath + "/target/" + artifactId + "-" + require("ppc440vm.version") + ".jar");
        if (!jar.isFile()) {
            throw new IllegalStateException("reactor bundle " + jar + " is missing: build the reactor with 'mvn verify' "
                    + "from the project root so that it is packaged before the integration tests run");
        }
        return jar;
    }

    /** A jar on the test class path whose file name starts with {@code prefix} (runtime bundles Maven resolved). */
    public static File classpathJar(String prefix) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : cp.split(File.pathSeparator)) {
            File f = new File(entry);
            if (f.getName().startsWith(prefix) && f.getName().endsWith(".jar")) {
                return f;
            }
        }
        throw new IllegalStateException("no " + prefix + "*.jar on the test class path; is it a dependency of "
                + "org.ppc440vm:testing?");
    }

    private static String require(String property) {
        String v = System.getProperty(property);
        if (v == null) {
            throw new IllegalStateException("system property " + property + " is not set: run integration tests "
                    + "through Maven failsafe (mvn verify), which sets it");
        }
        return v;
    }
}
