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

    /**
     * The swap seen through the statistics: the built-in handler serves, a better-ranked handler takes over at the
     * next exit, one that passes is not credited, and after the removal the built-in serves again while the removed
     * handler keeps its count under its own name.
     */
    @Test
    void theCountsSayWhichHandlerServedEachExit() {
        TrapDispatcher d = new TrapDispatcher();
        HandlerCounts counts = new HandlerCounts();
        ExitHandler builtIn = (v, e) -> ExitAction.RESUME;
        Exit sc = exit(ExitReason.SYSTEM_CALL);
        d.dispatch(null, sc, builtIn, counts);
        d.dispatch(null, sc, builtIn, counts);
        assertEquals(2, counts.builtIn(ExitReason.SYSTEM_CALL));

        ExitHandler replacement = (v, e) -> ExitAction.RESUME;
        ExitHandler passer = (v, e) -> ExitAction.PASS;
        ServiceReference<ExitHandler> r = ref("SYSTEM_CALL", 10);
        ServiceReference<ExitHandler> p = ref("SYSTEM_CALL", 20);
        d.addHandler(replacement, r);
        d.addHandler(passer, p); // asked first, passes: the replacement serves
        for (int i = 0; i < 3; i++) {
            d.dispatch(null, sc, builtIn, counts);
        }
        String name = HandlerCounts.counterName(ExitReason.SYSTEM_CALL, d.handlers(ExitReason.SYSTEM_CALL).get(1));
        assertTrue(name.contains("ranking 10"), name);
        assertEquals(Long.valueOf(3), counts.counters().get(name));
        assertEquals(2, counts.builtIn(ExitReason.SYSTEM_CALL), "the built-in served none while replaced");
        assertTrue(counts.counters().keySet().stream().noneMatch(k -> k.contains("ranking 20")),
                "a handler that passed served nothing: " + counts.counters());

        d.removeHandler(replacement, r);
        d.removeHandler(passer, p);
        d.dispatch(null, sc, builtIn, counts);
        assertEquals(3, counts.builtIn(ExitReason.SYSTEM_CALL));
        assertEquals(Long.valueOf(3), counts.counters().get(name), "the removed handler keeps its count");
        assertEquals(Long.valueOf(3), counts.counters().get("handler.system_call.built-in"));
    }

    /** Handlers registered after a vCPU's counts were sized are counted too (the array grows, off the usual path). */
    @Test
    void manyRegistrationsGrowTheCounts() {
        TrapDispatcher d = new TrapDispatcher();
        HandlerCounts counts = new HandlerCounts();
        Exit halt = exit(ExitReason.HALT);
        for (int i = 0; i < 40; i++) {
            ServiceReference<ExitHandler> r = ref("HALT", i);
            ExitHandler h = (v, e) -> ExitAction.RESUME;
            d.addHandler(h, r);
            d.dispatch(null, halt, (v, e) -> ExitAction.PASS, counts);
            d.removeHandler(h, r);
        }
        long total = counts.counters().entrySet().stream().filter(e -> e.getKey().startsWith("handler.halt."))
                .mapToLong(e -> e.getValue()).sum();
        assertEquals(40, total);
        assertEquals(0, counts.builtIn(ExitReason.HALT));
    }
}
