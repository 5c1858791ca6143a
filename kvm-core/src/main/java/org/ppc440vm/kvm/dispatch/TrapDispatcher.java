package org.ppc440vm.kvm.dispatch;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitAction;
import org.ppc440vm.api.exit.ExitHandler;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.exit.Vcpu;
import org.ppc440vm.kvm.spi.ExitHandlerRegistry;

/**
 * Chooses the exit handler for each trap: the whiteboard of {@link ExitHandler} services, keyed by their
 * {@value ExitHandler#REASON_PROPERTY} property and ordered by {@code service.ranking}, in front of the built-in
 * handler. References are dynamic and greedy, so a bundle that registers a better-ranked handler takes over at the
 * next exit and its removal falls back, while a guest runs.
 */
@Component(service = {TrapDispatcher.class, ExitHandlerRegistry.class})
public final class TrapDispatcher implements ExitHandlerRegistry {
    private static final Logger LOG = Logger.getLogger(TrapDispatcher.class.getName());

    private final Map<ServiceReference<?>, List<HandlerTable.Entry>> registered = new LinkedHashMap<>();
    private volatile HandlerTable table = HandlerTable.EMPTY;
    private long generation;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addHandler(ExitHandler handler, ServiceReference<ExitHandler> ref) {
        List<HandlerTable.Entry> entries = new ArrayList<>();
        for (String name : reasons(ref)) {
            String description = handler.getClass().getName() + " (bundle " + ref.getBundle().getSymbolicName()
                    + ", ranking " + ranking(ref) + ")";
            entries.add(new HandlerTable.Entry(handler, ranking(ref), (Long) ref.getProperty(Constants.SERVICE_ID),
                    description, HandlerCounts.register(ExitReason.valueOf(name), description)));
        }
        synchronized (registered) {
            registered.put(ref, entries);
            rebuild();
        }
    }

    void removeHandler(ExitHandler handler, ServiceReference<ExitHandler> ref) {
        synchronized (registered) {
            registered.remove(ref);
            rebuild();
        }
    }

    void updatedHandler(ExitHandler handler, ServiceReference<ExitHandler> ref) {
        addHandler(handler, ref); // a changed ranking or reason: rebuild with the new properties
    }

    /** Builds a fresh table from the registrations; the only writer of {@link #table}. */
    private void rebuild() {
        Map<ExitReason, List<HandlerTable.Entry>> rows = new EnumMap<>(ExitReason.class);
        registered.forEach((ref, entries) -> {
            List<String> names = reasons(ref);
            for (int i = 0; i < entries.size(); i++) {
                rows.computeIfAbsent(ExitReason.valueOf(names.get(i)), r -> new ArrayList<>()).add(entries.get(i));
            }
        });
        table = HandlerTable.of(rows, ++generation);
    }

    /** The reasons a handler service names; unknown names are logged and ignored, so one typo cannot break others. */
    private static List<String> reasons(ServiceReference<?> ref) {
        Object v = ref.getProperty(ExitHandler.REASON_PROPERTY);
        List<String> names = new ArrayList<>();
        Object[] values = v instanceof String[] ? (Object[]) v : v == null ? new Object[0] : new Object[] {v};
        for (Object o : values) {
            try {
                ExitReason.valueOf(String.valueOf(o));
                names.add(String.valueOf(o));
            } catch (IllegalArgumentException e) {
                LOG.warning("exit handler from bundle " + ref.getBundle().getSymbolicName() + " names unknown exit reason '"
                        + o + "'; known: " + java.util.Arrays.toString(ExitReason.values()));
            }
        }
        return names;
    }

    private static int ranking(ServiceReference<?> ref) {
        Object r = ref.getProperty(Constants.SERVICE_RANKING);
        return r instanceof Integer ? (Integer) r : 0;
    }

    /**
     * Dispatches one exit: the registered handlers for its reason, highest ranking first, until one does not
     * {@link ExitAction#PASS}; then {@code builtIn}. Reads one volatile field; allocates nothing.
     */
    public ExitAction dispatch(Vcpu vcpu, Exit exit, ExitHandler builtIn) {
        ExitHandler[] row = table.byReason[exit.reason().ordinal()];
        for (ExitHandler h : row) {
            ExitAction a = h.handle(vcpu, exit);
            if (a != ExitAction.PASS) {
                return a;
            }
        }
        return builtIn.handle(vcpu, exit);
    }

    /**
     * {@link #dispatch(Vcpu, Exit, ExitHandler)}, counting in {@code counts} (the vCPU's) which handler served: the
     * entry of the table that was asked, or the built-in handler of the exit's reason. Allocates nothing.
     */
    public ExitAction dispatch(Vcpu vcpu, Exit exit, ExitHandler builtIn, HandlerCounts counts) {
        int reason = exit.reason().ordinal();
        HandlerTable t = table; // one read: the row and its ids belong to the same table
        ExitHandler[] row = t.byReason[reason];
        for (int i = 0; i < row.length; i++) {
            ExitAction a = row[i].handle(vcpu, exit);
            if (a != ExitAction.PASS) {
                counts.served(t.ids[reason][i]);
                return a;
            }
        }
        counts.builtIn(reason);
        return builtIn.handle(vcpu, exit);
    }

    @Override
    public List<String> handlers(ExitReason reason) {
        return table.describe(reason);
    }

    @Override
    public long generation() {
        return table.generation;
    }
}
