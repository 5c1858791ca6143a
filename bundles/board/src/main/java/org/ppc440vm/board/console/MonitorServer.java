package org.ppc440vm.board.console;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.ppc440vm.api.launch.LaunchContract;

/**
 * Serves the launcher's {@code -monitor tcp:HOST:PORT} for the life of the runtime (with or without a VM, -M none
 * included). The launch services are registered before any bundle starts and never change, so the static references
 * never re-create this component (which would drop the sessions); the shell is tracked dynamically.
 */
@Component(immediate = true)
public final class MonitorServer {

    @Reference(service = Map.class, cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + LaunchContract.ROLE_PROPERTY + "=" + LaunchContract.ROLE_OPTIONS + ")")
    Map<String, List<String>> options;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + LaunchContract.ROLE_PROPERTY + "=" + LaunchContract.ROLE_EXIT + ")")
    IntConsumer exit;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile MonitorShell shell;

    private TcpMonitor monitor;

    @Activate
    void activate() {
        Map<String, List<String>> o = options;
        if (o == null) {
            return; // no launcher (a test framework)
        }
        List<String> sub = o.get(LaunchContract.SUBCOMMAND_KEY);
        List<String> values = o.get("monitor");
        if ((sub != null && !sub.isEmpty()) || values == null || values.isEmpty()) {
            return;
        }
        PrintStream err = System.err;
        MonitorAddress address;
        try {
            address = MonitorAddress.parse(values.get(values.size() - 1));
        } catch (IllegalArgumentException e) {
            return; // the VM launch reports the bad option (status 2)
        }
        if (address == null) {
            return;
        }
        TcpMonitor m = new TcpMonitor(address, () -> shell, msg -> err.println("ppc440vm: " + msg));
        try {
            int port = m.start();
            monitor = m;
            err.println("ppc440vm: monitor listening on tcp:" + new MonitorAddress(address.host, port));
        } catch (IOException e) {
            err.println("ppc440vm: " + e.getMessage());
            IntConsumer x = exit;
            if (x != null) {
                x.accept(1);
            }
        }
    }

    @Deactivate
    void deactivate() {
        TcpMonitor m = monitor;
        monitor = null;
        if (m != null) {
            m.close();
        }
    }
}
