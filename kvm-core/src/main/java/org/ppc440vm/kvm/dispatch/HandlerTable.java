package org.ppc440vm.kvm.dispatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.ppc440vm.api.exit.ExitHandler;
import org.ppc440vm.api.exit.ExitReason;

/**
 * An immutable snapshot of the exit handlers, indexed by exit-reason ordinal, each row ordered highest ranking
 * first. The dispatcher reads one volatile reference per exit and never looks anything up in the registry on the
 * exit path; a new table is built off that path whenever a handler service comes or goes.
 */
final class HandlerTable {
    static final HandlerTable EMPTY = new HandlerTable(new EnumMap<>(ExitReason.class), 0);

    /** One registered handler and what ordered it. */
    static final class Entry {
        final ExitHandler handler;
        final int ranking;
        final long serviceId;
        final String description;
        /** The entry's {@link HandlerCounts} slot: unique for the life of the bundle, never reused. */
        final int id;

        Entry(ExitHandler handler, int ranking, long serviceId, String description, int id) {
            this.handler = handler;
            this.ranking = ranking;
            this.serviceId = serviceId;
            this.description = description;
            this.id = id;
        }
    }

    private static final Comparator<Entry> ORDER =
            Comparator.comparingInt((Entry e) -> -e.ranking).thenComparingLong(e -> e.serviceId);

    final ExitHandler[][] byReason;
    final String[][] descriptions;
    /** The {@link Entry#id} of each handler in {@link #byReason}, for counting who served an exit. */
    final int[][] ids;
    final long generation;

    private HandlerTable(Map<ExitReason, List<Entry>> rows, long generation) {
        int n = ExitReason.values().length;
        byReason = new ExitHandler[n][];
        descriptions = new String[n][];
        ids = new int[n][];
        for (ExitReason r : ExitReason.values()) {
            List<Entry> row = new ArrayList<>(rows.getOrDefault(r, List.of()));
            row.sort(ORDER);
            byReason[r.ordinal()] = row.stream().map(e -> e.handler).toArray(ExitHandler[]::new);
            descriptions[r.ordinal()] = row.stream().map(e -> e.description).toArray(String[]::new);
            ids[r.ordinal()] = row.stream().mapToInt(e -> e.id).toArray();
        }
        this.generation = generation;
    }

    /** A table built from every current registration. */
    static HandlerTable of(Map<ExitReason, List<Entry>> rows, long generation) {
        return new HandlerTable(rows, generation);
    }

    List<String> describe(ExitReason reason) {
        return Arrays.asList(descriptions[reason.ordinal()]);
    }
}
