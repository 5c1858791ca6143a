package org.ppc440vm.board.vm;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.vm.VirtualMachine;
import org.ppc440vm.api.vm.VmState;
import org.ppc440vm.api.vm.VmStatistics;
import org.ppc440vm.board.console.Console;
import org.ppc440vm.board.machine.AddressMap;
import org.ppc440vm.board.machine.Board;
import org.ppc440vm.board.machine.DcrMap;
import org.ppc440vm.kvm.spi.VirtualCpu;

/**
 * One running guest: the board, its vCPU, the console, and the loop that completes the vCPU's exits on a thread of
 * its own (MMIO to the address map, DCR to the DCR map; power-off and reset end or restart the run).
 *
 * <p>The run ends exactly once, with a status: 0 for a power-off, for a reset under {@code -no-reboot}, for Ctrl-A x
 * and for {@link #stop()}; 1 for an internal error. At the end the console is flushed and closed (the terminal comes
 * back), the statistics are printed when asked for, the devices are detached, and the end listener gets the status.
 */
public final class Vm implements VirtualMachine {

    /** Puts the images back and gives the vCPU its boot state (at start and after a reset). */
    @FunctionalInterface
    public interface Bootstrap {
        void boot() throws Exception;
    }

    /** How long {@link #pause()} and a quit wait for the vCPU to reach an exit boundary. */
    static final long STOP_TIMEOUT_MS = 5000;

    private final String name;
    private final Board board;
    private final VirtualCpu vcpu;
    private final Console console;
    private final Bootstrap reboot;
    private final boolean noReboot;
    private final boolean printStats;
    private final PrintStream err;
    private final IntConsumer onEnd;
    private final BoardStatistics statistics;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Object lock = new Object();

    private volatile VmState state = VmState.CREATED;
    private volatile boolean stopRequested;
    private volatile int stopStatus;
    private volatile boolean pauseRequested;
    private volatile long startNanos;
    private volatile long resets;
    private Thread thread;
    private Runnable afterEnd = () -> { };

    public Vm(String name, Board board, VirtualCpu vcpu, Console console, Bootstrap reboot, boolean noReboot,
            boolean printStats, PrintStream err, IntConsumer onEnd) {
        this.name = name;
        this.board = board;
        this.vcpu = vcpu;
        this.console = console;
        this.reboot = reboot;
        this.noReboot = noReboot;
        this.printStats = printStats;
        this.err = err;
        this.onEnd = onEnd;
        this.statistics = new BoardStatistics(vcpu, board);
    }

    /** Runs before the end listener, after the console is closed (the built-in guest's hint). */
    void setAfterEnd(Runnable r) {
        afterEnd = r;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public VmState state() {
        return state;
    }

    public Board board() {
        return board;
    }

    public VirtualCpu vcpu() {
        return vcpu;
    }

    public Console console() {
        return console;
    }

    /** Seconds since {@link #start()} (0 before it). */
    public double uptimeSeconds() {
        long t = startNanos;
        return t == 0 ? 0 : (System.nanoTime() - t) / 1e9;
    }

    /** Machine resets so far (guest reboots). */
    public long resets() {
        return resets;
    }

    @Override
    public void start() {
        synchronized (lock) {
            if (state != VmState.CREATED) {
                return;
            }
            try {
                console.start();
            } catch (Exception e) {
                err.println("ppc440vm: " + e.getMessage());
                state = VmState.STOPPED;
                end(1);
                return;
            }
            state = VmState.RUNNING;
            startNanos = System.nanoTime();
            thread = new Thread(this::runLoop, "ppc440vm-" + name + "-vcpu0");
            thread.start();
        }
    }

    private void runLoop() {
        int status;
        try {
            status = loop();
        } catch (Throwable t) {
            err.println("ppc440vm: internal error in the VM loop: " + t);
            t.printStackTrace(err);
            status = 1;
        }
        end(status);
    }

    private int loop() throws Exception {
        StartupTrace.phase("vCPU thread running");
        AddressMap mmio = board.mmio();
        DcrMap dcrs = board.dcrs();
        while (true) {
            if (stopRequested) {
                return stopStatus;
            }
            if (pauseRequested) {
                waitWhilePaused();
                continue;
            }
            Exit exit = vcpu.run();
            switch (exit.reason()) {
                case MMIO:
                    if (!mmio.access(exit)) {
                        // strict bus: nobody answers, the bus times out into a machine check
                        vcpu.deliverInterrupt(ExitReason.MACHINE_CHECK, 0, (int) exit.address());
                    }
                    break;
                case DCR:
                    dcrs.access(exit);
                    break;
                case TIMESLICE:
                case HALT:
                    break;
                case SHUTDOWN:
                    return 0;
                case RESET:
                    if (noReboot) {
                        return 0;
                    }
                    resets++;
                    reboot.boot();
                    break;
                case INTERNAL_ERROR:
                    console.flush();
                    err.println("ppc440vm: the guest stopped on an internal error: " + exit.describe());
                    return 1;
                default:
                    console.flush();
                    err.println("ppc440vm: unexpected exit " + exit.reason() + ": " + exit.describe());
                    return 1;
            }
        }
    }

    private void waitWhilePaused() throws InterruptedException {
        synchronized (lock) {
            state = VmState.PAUSED;
            lock.notifyAll();
            while (pauseRequested && !stopRequested) {
                lock.wait();
            }
            if (!stopRequested) {
                state = VmState.RUNNING;
            }
            lock.notifyAll();
        }
    }

    @Override
    public void pause() {
        synchronized (lock) {
            if (state != VmState.RUNNING) {
                return;
            }
            pauseRequested = true;
            vcpu.requestStop();
            long deadline = System.currentTimeMillis() + STOP_TIMEOUT_MS;
            while (state == VmState.RUNNING && !ended.get()) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new IllegalStateException(name + ": the vCPU did not reach an exit boundary in "
                            + STOP_TIMEOUT_MS + " ms");
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void resume() {
        synchronized (lock) {
            pauseRequested = false;
            lock.notifyAll();
        }
    }

    @Override
    public void stop() {
        quit(0);
    }

    /**
     * Ends the run with {@code status} (Ctrl-A x, the monitor, runtime shutdown): the vCPU is asked to stop at its
     * next exit boundary and the loop ends the run; if it does not get there in time, the run is ended from here.
     */
    public void quit(int status) {
        Thread t;
        synchronized (lock) {
            if (state == VmState.CREATED) {
                state = VmState.STOPPED;
                end(status);
                return;
            }
            stopStatus = status;
            stopRequested = true;
            pauseRequested = false;
            lock.notifyAll();
            t = thread;
        }
        vcpu.requestStop();
        board.abortWaits(); // a vCPU blocked on a device whose implementation is away must see the stop too
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(STOP_TIMEOUT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                err.println("ppc440vm: the vCPU did not stop in " + STOP_TIMEOUT_MS + " ms; ending the run anyway");
            }
        }
        end(status);
    }

    private void end(int status) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        state = VmState.STOPPED;
        synchronized (lock) {
            lock.notifyAll();
        }
        console.flush();
        console.close();
        if (printStats) {
            StatsReport.print(err, name, statistics, vcpu, board, (System.nanoTime() - startNanos) / 1e9);
        }
        board.detach();
        try {
            afterEnd.run();
        } catch (RuntimeException e) {
            err.println("ppc440vm: " + e);
        }
        err.flush();
        onEnd.accept(status);
    }

    @Override
    public VmStatistics statistics() {
        return statistics;
    }
}
