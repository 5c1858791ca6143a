package org.ppc440vm.board.vm;

import org.osgi.framework.BundleContext;

/** How {@link VmManager} builds VMs in the runtime: with {@link VmAssembly}, as the launcher does. */
final class VmManagerAssembly {
    /** How long a build waits for the tracker and the hypervisor, which may start after the shell is up. */
    static final long SERVICE_WAIT_MS = 15_000;

    private VmManagerAssembly() {
    }

    /** Services are looked up per build: the hypervisor or the tracker may come later than the manager. */
    static VmManager.Assembler assembler(BundleContext ctx, VmManager manager) {
        return (name, options, host) -> assembly(ctx).create(name, options, host);
    }

    private static VmAssembly assembly(BundleContext ctx) throws InterruptedException {
        long deadline = System.nanoTime() + SERVICE_WAIT_MS * 1_000_000L;
        while (true) {
            try {
                return VmAssembly.fromServices(ctx);
            } catch (IllegalStateException missing) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException(missing.getMessage() + " (waited " + SERVICE_WAIT_MS / 1000
                            + " s)", missing);
                }
                Thread.sleep(100);
            }
        }
    }
}
