package org.ppc440vm.kvm.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitAction;
import org.ppc440vm.api.exit.ExitHandler;
import org.ppc440vm.api.exit.ExitReason;

class TrapDispatcherTest {
    private static long nextId = 1;

    @SuppressWarnings("unchecked")
    private static ServiceReference<ExitHandler> ref(Object reason, int ranking) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(ExitHandler.REASON_PROPERTY, reason);
        p.put(Constants.SERVICE_RANKING, ranking);
        p.put(Constants.SERVICE_ID, nextId++);
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

    private static Exit exit(ExitReason reason) {
        return (Exit) Proxy.newProxyInstance(Exit.class.getClassLoader(), new Class<?>[] {Exit.class},
                (proxy, m, args) -> m.getName().equals("reason") ? reason : null);
    }

    @Test
    void highestRankingAnswersFirstAndPassFallsThroughToTheBuiltIn() {
        TrapDispatcher d = new TrapDispatcher();
        List<String> calls = new ArrayList<>();
        ExitHandler low = (v, e) -> { calls.add("low"); return ExitAction.PASS; };
        ExitHandler high = (v, e) -> { calls.add("high"); return ExitAction.PASS; };
        d.addHandler(low, ref("SYSTEM_CALL", 1));
        d.addHandler(high, ref("SYSTEM_CALL", 5));
        ExitAction a = d.dispatch(null, exit(ExitReason.SYSTEM_CALL), (v, e) -> { calls.add("builtin"); return ExitAction.TO_USERSPACE; });
        assertEquals(ExitAction.TO_USERSPACE, a);
        assertEquals(List.of("high", "low", "builtin"), calls);
    }

    @Test
    void aHandlerThatDecidesStopsTheChainAndRemovalRestoresTheFallback() {
        TrapDispatcher d = new TrapDispatcher();
        ServiceReference<ExitHandler> r = ref(new String[] {"MMIO", "DCR"}, 0);
        ExitHandler h = (v, e) -> ExitAction.RESUME;
        d.addHandler(h, r);
        ExitHandler builtIn = (v, e) -> ExitAction.TO_USERSPACE;
        assertEquals(ExitAction.RESUME, d.dispatch(null, exit(ExitReason.MMIO), builtIn));
        assertEquals(ExitAction.RESUME, d.dispatch(null, exit(ExitReason.DCR), builtIn));
        assertEquals(ExitAction.TO_USERSPACE, d.dispatch(null, exit(ExitReason.HALT), builtIn));
        long g = d.generation();
        d.removeHandler(h, r);
        assertTrue(d.generation() > g);
        assertEquals(ExitAction.TO_USERSPACE, d.dispatch(null, exit(ExitReason.MMIO), builtIn));
    }

    @Test
    void anUnknownReasonNameIsIgnoredNotFatal() {
        TrapDispatcher d = new TrapDispatcher();
        d.addHandler((v, e) -> ExitAction.RESUME, ref(new String[] {"NO_SUCH_REASON", "HALT"}, 0));
        assertEquals(1, d.handlers(ExitReason.HALT).size());
        assertEquals(ExitAction.RESUME, d.dispatch(null, exit(ExitReason.HALT), (v, e) -> ExitAction.PASS));
    }
}
