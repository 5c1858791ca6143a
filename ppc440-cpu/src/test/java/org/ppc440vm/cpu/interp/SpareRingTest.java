package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SpareRingTest {

    @Test
    void takesWhatWasMadeOnceAndNothingMore() {
        AtomicInteger made = new AtomicInteger();
        SpareRing<int[]> ring = new SpareRing<>(() -> new int[] {made.incrementAndGet()});
        assertNull(ring.take(), "nothing before the first fill");
        assertTrue(ring.fill());
        assertFalse(ring.fill(), "a full ring makes nothing");
        assertEquals(SpareRing.CAPACITY, made.get());
        Set<Integer> seen = new HashSet<>();
        for (int k = 0; k < SpareRing.CAPACITY; k++) {
            int[] a = ring.take();
            assertNotNull(a);
            assertTrue(seen.add(a[0]), "each spare is handed out once");
        }
        assertNull(ring.take(), "empty again");
        assertTrue(ring.fill());
        assertEquals(2 * SpareRing.CAPACITY, made.get(), "refilled exactly the slots taken");
    }

    @Test
    void aFillerAndATakerOnTwoThreadsNeverShareAnObject() throws InterruptedException {
        SpareRing<Object> ring = new SpareRing<>(Object::new);
        int wanted = 20_000;
        Thread filler = new Thread(() -> {
            long end = System.nanoTime() + 20_000_000_000L;
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() < end) {
                ring.fill();
            }
        });
        filler.start();
        Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (seen.size() < wanted && System.nanoTime() < deadline) {
            Object o = ring.take();
            if (o != null) {
                assertTrue(seen.add(o), "an object handed out twice");
            }
        }
        filler.interrupt();
        filler.join();
        assertEquals(wanted, seen.size());
    }
}
