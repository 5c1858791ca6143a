package org.ppc440vm.cpu.interp;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Compiles blocks ({@link BlockCompiler}) on a thread of its own, so that the vCPU thread neither waits for class
 * generation nor allocates for it: once its hot code is compiled the interpreter's steady state allocates nothing.
 *
 * <p>Two single-producer single-consumer rings of {@link #CAPACITY} preallocated slots connect the threads. The vCPU
 * thread {@link #offer offers} a block entry with a copy of the decoded words it may hold (the page itself keeps
 * changing under the vCPU: decoding, invalidation), and {@link #drain drains} finished blocks back into its pages;
 * a result whose page was dropped since the request (its generation moved on) is thrown away. At most
 * {@code CAPACITY} requests are outstanding, so the compiler never waits for room for a result.
 *
 * <p>The same thread makes the interpreter's per-page arrays ahead (a decoded-code page and a block page for each
 * physical page the guest runs for the first time), kept in two {@link SpareRing}s: the vCPU thread takes them
 * instead of allocating.
 *
 * <p>The thread starts at the first request and ends after {@link #IDLE_NANOS} without work (a VM that stops
 * leaves no thread behind).
 */
final class BackgroundCompiler implements Runnable {
    static final int CAPACITY = 16;
    private static final int MASK = CAPACITY - 1;
    private static final long IDLE_NANOS = 10_000_000_000L;

    /** Where finished blocks go: called on the vCPU thread from {@link #drain}. */
    interface Installer {
        void install(int page, int index, int generation, CompiledBlock block);
    }

    // requests (vCPU -> compiler); the words of slot s are at their page positions in words[s]
    private final long[][] words = new long[CAPACITY][BlockCompiler.WORDS_PER_PAGE];
    private final int[] requestPage = new int[CAPACITY];
    private final int[] requestIndex = new int[CAPACITY];
    private final int[] requestGeneration = new int[CAPACITY];
    /** Requests offered (written by the vCPU thread only). */
    private volatile int requested;
    /** Requests taken and answered (written by the compiler thread only). */
    private volatile int answered;
    // results (compiler -> vCPU), in the request's slot
    private final CompiledBlock[] resultBlock = new CompiledBlock[CAPACITY];
    /** Results installed (written by the vCPU thread only). */
    private int drained;

    // spare per-page arrays (compiler -> vCPU)
    private final SpareRing<long[]> spareCode = new SpareRing<>(() -> new long[BlockCompiler.WORDS_PER_PAGE]);
    private final SpareRing<Object> spareBlocks;

    private final String threadName;
    /**
     * The compiler thread while it runs, null when there is none (the vCPU thread then starts one). Set and
     * cleared under this object's lock, so that there is never more than one consumer of the requests.
     */
    private volatile Thread thread;

    /** @param blockPages makes the interpreter's per-page block table (its JitPage) */
    BackgroundCompiler(String threadName, Supplier<Object> blockPages) {
        this.threadName = threadName;
        this.spareBlocks = new SpareRing<>(blockPages);
    }

    /** A zero-filled decoded-code page made ahead, or null if none is ready (the caller allocates). vCPU thread. */
    long[] takeCodePage() {
        long[] a = spareCode.take();
        wake();
        return a;
    }

    /** A fresh block page (the interpreter's JitPage) made ahead, or null if none is ready. vCPU thread. */
    Object takeBlockPage() {
        Object p = spareBlocks.take();
        wake();
        return p;
    }

    private void wake() {
        Thread t = thread;
        if (t == null) {
            startThread();
        } else {
            LockSupport.unpark(t);
        }
    }

    /** Tops up the spare rings (compiler thread); true if it made any. */
    private boolean makeSpares() {
        boolean code = spareCode.fill();
        boolean blocks = spareBlocks.fill();
        return code || blocks;
    }

    /**
     * Asks for the block at word {@code from} of physical page {@code page} (generation {@code generation}),
     * copying the words from {@code code} it may hold (they must be decoded). False if too many are outstanding:
     * the caller asks again later.
     */
    boolean offer(long[] code, int from, int page, int generation) {
        int r = requested;
        if (r - drained >= CAPACITY) {
            return false;
        }
        int slot = r & MASK;
        int end = Math.min(BlockCompiler.WORDS_PER_PAGE, from + BlockCompiler.WINDOW);
        System.arraycopy(code, from, words[slot], from, end - from);
        requestPage[slot] = page;
        requestIndex[slot] = from;
        requestGeneration[slot] = generation;
        requested = r + 1; // publishes the slot
        Thread t = thread;
        if (t == null) {
            startThread();
        } else {
            LockSupport.unpark(t);
        }
        return true;
    }

    /** Installs every block compiled since the last call (vCPU thread). */
    void drain(Installer into) {
        int a = answered;
        while (drained != a) {
            int slot = drained & MASK;
            CompiledBlock b = resultBlock[slot];
            resultBlock[slot] = null;
            into.install(requestPage[slot], requestIndex[slot], requestGeneration[slot], b);
            drained++;
        }
    }

    /** Whether requests are waiting for an answer (tests). */
    boolean working() {
        return answered != requested;
    }

    private synchronized void startThread() {
        if (thread == null) {
            Thread t = new Thread(this, threadName);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    /**
     * The idle compiler thread ends: true if it may, false if a request came meanwhile and no other thread was
     * started for it (then this one goes on). The vCPU thread publishes a request before it looks at
     * {@link #thread}, and this thread clears {@link #thread} before it looks at the requests: a request is
     * never left without a thread.
     */
    private boolean end() {
        synchronized (this) {
            thread = null;
        }
        if (answered == requested) {
            return true;
        }
        synchronized (this) {
            if (thread == null) {
                thread = Thread.currentThread();
                return false;
            }
            return true; // the vCPU thread already started another
        }
    }

    @Override
    public void run() {
        long idleSince = System.nanoTime();
        while (true) {
            if (makeSpares()) {
                idleSince = System.nanoTime();
            }
            int a = answered;
            if (a == requested) {
                if (System.nanoTime() - idleSince > IDLE_NANOS) {
                    if (end()) {
                        return;
                    }
                    idleSince = System.nanoTime();
                    continue;
                }
                LockSupport.parkNanos(this, 100_000_000L);
                continue;
            }
            int slot = a & MASK;
            CompiledBlock b;
            try {
                b = BlockCompiler.compile(words[slot], requestIndex[slot]);
            } catch (RuntimeException | LinkageError e) {
                // a block the compiler cannot make stays interpreted (the tests hold the compiler to the oracle)
                b = null;
            }
            resultBlock[slot] = b == null ? CompiledBlock.NONE : b;
            answered = a + 1; // publishes the result
            idleSince = System.nanoTime();
        }
    }
}
