package org.ppc440vm.api.exit;

/**
 * Handles one kind of exit. Registered as an OSGi service (whiteboard) with the service property
 * {@value #REASON_PROPERTY} set to one {@link ExitReason} constant's name (or several, as a String array);
 * {@code service.ranking} orders handlers of the same reason, highest first, and the hypervisor's built-in handler
 * comes last. The dispatcher keeps the handlers in a table it swaps atomically when services come and go: a new
 * handler takes over at the next exit, with no registry lookup per exit.
 *
 * <p>Handlers run on the vCPU thread, in the guest's time: keep them short and allocation-free.
 */
@FunctionalInterface
public interface ExitHandler {

    /** Service property naming the exit reason(s) this handler serves. */
    String REASON_PROPERTY = "ppc440vm.exit.reason";

    ExitAction handle(Vcpu vcpu, Exit exit);
}
