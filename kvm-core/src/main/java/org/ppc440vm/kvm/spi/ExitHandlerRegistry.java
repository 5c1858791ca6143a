package org.ppc440vm.kvm.spi;

import java.util.List;

import org.ppc440vm.api.exit.ExitReason;

/**
 * A read-only view of the trap dispatcher's handler table, for the shell, statistics and tests: which exit handler
 * services serve a reason, in the order they are asked (the built-in handler, always last, is not listed).
 */
public interface ExitHandlerRegistry {

    /** Descriptions ({@code "<class> (bundle <bsn>, ranking <n>)"}) of the registered handlers for {@code reason}. */
    List<String> handlers(ExitReason reason);

    /** How many times the handler table has been replaced (each service arrival or departure swaps it once). */
    long generation();
}
