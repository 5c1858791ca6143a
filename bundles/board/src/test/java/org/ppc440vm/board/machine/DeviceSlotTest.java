package org.ppc440vm.board.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.device.InterruptLine;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.device.StatefulDevice;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.board.uart.Uart16550;

class DeviceSlotTest {
    static final long BASE = 0xEF602000L;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Line line = new Line();

    /** A UIC input that records its level. */
    static final class Line implements InterruptLine {
        volatile boolean level;
        final AtomicInteger changes = new AtomicInteger();

        @Override
        public void set(boolean asserted) {
            level = asserted;
            changes.incrementAndGet();
        }

        @Override
        public int number() {
            return 20;
        }
    }

    /**
     * One register at offset 0 (its value is the state) and an "interrupt pending" bit the guest sets by writing 1
     * at offset 4 (raising the line) and clears by writing 0. Reads versions 1..maxVersion.
     */
    static final class Fake implements MmioDevice, StatefulDevice {
        final String tag;
        final int maxVersion;
        final int exportVersion;
        volatile long register;
        volatile boolean pending;
        volatile CountDownLatch writeGate;
        final CountDownLatch inWrite = new CountDownLatch(1);
        InterruptLine line;
        int attaches;
        int detaches;
        int quiesces;
        int resumes;
        boolean quiesced;

        Fake(String tag) {
            this(tag, 1, 1);
        }

        Fake(String tag, int maxVersion, int exportVersion) {
            this.tag = tag;
            this.maxVersion = maxVersion;
            this.exportVersion = exportVersion;
        }

        @Override
        public String name() {
            return "fake@ef602000";
        }

        @Override
        public long base() {
            return BASE;
        }

        @Override
        public long windowSize() {
            return 0x200;
        }

        @Override
        public void attach(DeviceContext context) {
            attaches++;
            line = context.interruptLine();
            // Like the virtio transport of old: a fresh instance drives its line to its reset level at attach.
            if (line != null) {
                line.set(pending);
            }
        }

        @Override
        public void detach() {
            detaches++;
            if (line != null) {
                line.lower();
            }
        }

        @Override
        public long read(long offset, int size, Endian order) {
            return offset == 0 ? register : pending ? 1 : 0;
        }

        @Override
        public void write(long offset, int size, long value, Endian order) {
            inWrite.countDown();
            CountDownLatch g = writeGate;
            if (g != null) {
                try {
                    g.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (quiesced) {
                throw new IllegalStateException(tag + ": a guest write reached a quiesced device");
            }
            if (offset == 0) {
                register = value;
            } else {
                pending = value != 0;
                line.set(pending);
            }
        }

        @Override
        public void quiesce() {
            quiesces++;
            quiesced = true;
        }

        @Override
        public DeviceState exportState() {
            return DeviceState.builder("fake", exportVersion).put("register", register).put("pending", pending ? 1 : 0)
                    .build();
        }

        @Override
        public void importState(DeviceState state) throws IncompatibleStateException {
            if (state.version() > maxVersion) {
                throw new IncompatibleStateException(tag + ": fake state version " + state.version()
                        + " is unknown here; this implementation reads version 1");
            }
            register = state.getLong("register");
            pending = state.getLong("pending") != 0;
            if (line != null) {
                line.set(pending);
            }
        }

        @Override
        public void resume() {
            resumes++;
            quiesced = false;
        }
    }

    /** An implementation that counts its releases (the service instance given back). */
    static DeviceSlot.Implementation impl(MmioDevice d, String provider, AtomicInteger releases) {
        return new DeviceSlot.Implementation(d, provider, provider, releases::incrementAndGet);
    }

    private DeviceSlot slot(Fake first, AtomicInteger releases) {
        DeviceSlot s = new DeviceSlot(impl(first, "org.example.fake 0.1.0", releases), "fake", 20, Map.of(), null,
                line, log::add);
        s.attach();
        return s;
    }

    @Test
    void swapCarriesTheStateToTheNewInstanceAndRetiresTheOld() throws Exception {
        AtomicInteger released = new AtomicInteger();
        Fake a = new Fake("a");
        DeviceSlot s = slot(a, released);
        s.write(0, 4, 0x1234, Endian.BIG);
        Fake b = new Fake("b");
        AtomicInteger releasedB = new AtomicInteger();
        s.swap(impl(b, "org.example.fake 0.2.0", releasedB));

        assertSame(b, s.device());
        assertEquals(0x1234, s.read(0, 4, Endian.BIG), "the new instance answers with the old one's state");
        assertEquals("org.example.fake 0.2.0", s.provider());
        assertEquals(DeviceSlot.RUNNING, s.state());
        assertEquals(1, a.quiesces);
        assertEquals(1, a.detaches);
        assertEquals(0, a.resumes);
        assertEquals(1, released.get(), "the old instance is given back");
        assertEquals(0, releasedB.get());
        assertEquals(1, s.swaps());
        s.write(0, 4, 7, Endian.BIG);
        assertEquals(0x1234, a.register, "the retired instance gets no more accesses");
        assertEquals(7, b.register);
    }

    @Test
    void aPendingInterruptSurvivesTheSwap() throws Exception {
        Fake a = new Fake("a");
        DeviceSlot s = slot(a, new AtomicInteger());
        s.write(4, 4, 1, Endian.BIG);
        assertTrue(line.level);
        s.swap(impl(new Fake("b"), "b", new AtomicInteger()));
        // b's attach lowered its (gated) line and the old instance's detach lowered its own: neither reached UIC0.
        assertTrue(line.level, "the level the imported state asserts is on the line after the swap");
        s.write(4, 4, 0, Endian.BIG);
        assertFalse(line.level, "the new instance drives the line");
    }

    @Test
    void aRefusedSwapLeavesTheOldInstanceRunning() throws Exception {
        AtomicInteger released = new AtomicInteger();
        Fake a = new Fake("a", 2, 2); // exports version 2
        DeviceSlot s = slot(a, released);
        s.write(0, 4, 99, Endian.BIG);
        s.write(4, 4, 1, Endian.BIG);
        Fake old = new Fake("b"); // reads only version 1
        AtomicInteger releasedB = new AtomicInteger();
        SwapRefusedException e = assertThrows(SwapRefusedException.class,
                () -> s.swap(impl(old, "org.example.fake 0.0.9", releasedB)));
        assertTrue(e.getMessage().contains("fake state version 2 is unknown here"), e.getMessage());
        assertSame(a, s.device());
        assertEquals("org.example.fake 0.1.0", s.provider());
        assertEquals(1, a.resumes, "the old instance resumes after its quiesce");
        assertEquals(0, a.detaches);
        assertEquals(1, old.detaches, "the refused instance is detached");
        assertEquals(1, releasedB.get(), "and given back");
        assertEquals(0, released.get());
        assertTrue(line.level, "the refused instance did not disturb the line");
        s.write(0, 4, 100, Endian.BIG);
        assertEquals(100, a.register);
        assertEquals(1, s.refusals());
        assertEquals(0, s.swaps());
    }

    @Test
    void aDeviceWithoutStateCannotSwap() {
        MmioDevice plain = new AddressMapTest.Window("plain@ef602000", BASE, 0x200);
        DeviceSlot s = new DeviceSlot(impl(plain, "p", new AtomicInteger()), null, -1, Map.of(), null, null, log::add);
        SwapRefusedException e = assertThrows(SwapRefusedException.class,
                () -> s.swap(impl(new Fake("b"), "b", new AtomicInteger())));
        assertTrue(e.getMessage().contains("cannot export its state (it is not a StatefulDevice)"), e.getMessage());
        assertSame(plain, s.device());
        assertEquals("plain", s.type());
    }

    @Test
    void aSingletonServiceGivingTheSameInstanceIsRefused() {
        Fake a = new Fake("a");
        AtomicInteger released = new AtomicInteger();
        DeviceSlot s = slot(a, released);
        SwapRefusedException e = assertThrows(SwapRefusedException.class,
                () -> s.swap(impl(a, "org.example.fake 0.1.0", released)));
        assertTrue(e.getMessage().contains("singleton"), e.getMessage());
        assertEquals(1, released.get(), "the second use of the singleton is given back");
        assertEquals(0, a.quiesces);
        assertSame(a, s.device());
    }

    @Test
    void aVcpuTouchingAWaitingSlotBlocksUntilAnImplementationReturns() throws Exception {
        AtomicInteger released = new AtomicInteger();
        Fake a = new Fake("a");
        DeviceSlot s = slot(a, released);
        s.write(0, 4, 0xCAFE, Endian.BIG);
        s.write(4, 4, 1, Endian.BIG);
        assertTrue(s.park("org.example.fake 0.1.0"));
        assertEquals(DeviceSlot.WAITING, s.state());
        assertNull(s.device());
        assertEquals(1, a.detaches);
        assertEquals(1, released.get());
        assertTrue(line.level, "the kept state's pending interrupt stays asserted while nobody drives the line");

        AtomicLong result = new AtomicLong(-1);
        Thread vcpu = new Thread(() -> result.set(s.read(0, 4, Endian.BIG)), "fake-vcpu");
        vcpu.start();
        vcpu.join(400);
        assertTrue(vcpu.isAlive(), "the access waits");
        assertEquals(-1, result.get());
        // A second access of the same absence does not log again.
        Thread second = new Thread(() -> s.read(0, 4, Endian.BIG), "fake-vcpu2");
        second.start();
        second.join(300);

        Fake b = new Fake("b");
        s.install(impl(b, "org.example.fake 0.1.1", new AtomicInteger()));
        vcpu.join(2000);
        second.join(2000);
        assertFalse(vcpu.isAlive());
        assertEquals(0xCAFE, result.get(), "it picks up where it stopped");
        assertEquals(DeviceSlot.RUNNING, s.state());
        assertEquals("org.example.fake 0.1.1", s.provider());
        assertEquals(1, s.parks());
        assertEquals(1, s.installs());
        assertEquals(1, log.stream().filter(m -> m.contains("waiting for an implementation")).count(), log.toString());
        assertEquals(1, log.stream().filter(m -> m.contains("it waits until one returns")).count(), log.toString());
        assertTrue(log.contains("fake@ef602000: resumed with org.example.fake 0.1.1"), log.toString());
        assertTrue(line.level);
    }

    @Test
    void parkWaitsForAWriteInProgress() throws Exception {
        Fake a = new Fake("a");
        DeviceSlot s = slot(a, new AtomicInteger());
        a.writeGate = new CountDownLatch(1);
        Thread vcpu = new Thread(() -> s.write(0, 4, 42, Endian.BIG), "fake-vcpu");
        vcpu.start();
        assertTrue(a.inWrite.await(2, TimeUnit.SECONDS));
        Thread unregister = new Thread(() -> s.park("org.example.fake 0.1.0"), "unregister");
        unregister.start();
        unregister.join(300);
        assertTrue(unregister.isAlive(), "the park waits for the guest's access to finish");
        assertEquals(0, a.quiesces);
        a.writeGate.countDown();
        unregister.join(2000);
        vcpu.join(2000);
        assertFalse(unregister.isAlive());
        assertEquals(DeviceSlot.WAITING, s.state());
        assertEquals(42, s.saveState().getLong("register"), "the kept state has the write");
        Fake b = new Fake("b");
        s.install(impl(b, "b", new AtomicInteger()));
        assertEquals(42, s.read(0, 4, Endian.BIG));
    }

    @Test
    void anInstallThatCannotTakeTheStateKeepsWaiting() throws Exception {
        Fake a = new Fake("a", 2, 2);
        DeviceSlot s = slot(a, new AtomicInteger());
        s.park(null);
        AtomicInteger releasedB = new AtomicInteger();
        Fake b = new Fake("b");
        assertThrows(SwapRefusedException.class, () -> s.install(impl(b, "b", releasedB)));
        assertEquals(DeviceSlot.WAITING, s.state());
        assertEquals(1, releasedB.get());
        assertTrue(log.stream().anyMatch(m -> m.contains("refused the kept state") && m.contains("still waiting")),
                log.toString());
        s.install(impl(new Fake("c", 2, 2), "c", new AtomicInteger()));
        assertEquals(DeviceSlot.RUNNING, s.state());
    }

    @Test
    void detachIsForGoodAndReleasesAWaitingVcpu() throws Exception {
        AtomicInteger released = new AtomicInteger();
        Fake a = new Fake("a");
        List<String> warnings = new CopyOnWriteArrayList<>();
        DeviceSlot s = slot(a, released);
        AddressMap map = AddressMap.of(256L << 20, List.of(s), false, warnings::add);
        s.park(null);
        AtomicLong result = new AtomicLong(-1);
        Thread vcpu = new Thread(() -> result.set(s.read(0, 4, Endian.BIG)), "fake-vcpu");
        vcpu.start();
        vcpu.join(200);
        assertTrue(vcpu.isAlive());
        assertTrue(s.detach());
        vcpu.join(2000);
        assertFalse(vcpu.isAlive(), "a detach lets the waiting access go on");
        assertEquals(0, result.get());
        assertEquals(DeviceSlot.DETACHED, s.state());
        assertFalse(s.detach(), "already detached");
        assertEquals(0, map.read(BASE, 4, Endian.BIG));
        assertTrue(map.write(BASE, 4, 5, Endian.BIG, 0));
        assertEquals(1, map.unassignedWrites(), "a detached window is unassigned bus space");
        assertEquals(1, warnings.size());
        assertThrows(SwapRefusedException.class, () -> s.install(impl(new Fake("b"), "b", new AtomicInteger())));
    }

    @Test
    void detachingARunningDeviceLowersItsLine() {
        Fake a = new Fake("a");
        AtomicInteger released = new AtomicInteger();
        DeviceSlot s = slot(a, released);
        s.write(4, 4, 1, Endian.BIG);
        assertTrue(s.detach());
        assertFalse(line.level);
        assertEquals(1, a.detaches);
        assertEquals(1, released.get());
    }

    @Test
    void abortWaitsReleasesTheVcpuWhenTheVmStops() throws Exception {
        Fake a = new Fake("a");
        DeviceSlot s = slot(a, new AtomicInteger());
        s.park(null);
        Thread vcpu = new Thread(() -> s.write(0, 4, 1, Endian.BIG), "fake-vcpu");
        vcpu.start();
        vcpu.join(200);
        assertTrue(vcpu.isAlive());
        s.abortWaits();
        vcpu.join(2000);
        assertFalse(vcpu.isAlive());
    }

    @Test
    void saveAndLoadStateForSnapshots() throws Exception {
        Fake a = new Fake("a");
        DeviceSlot s = slot(a, new AtomicInteger());
        s.write(0, 4, 11, Endian.BIG);
        DeviceState saved = s.saveState();
        assertEquals(1, a.quiesces);
        assertEquals(1, a.resumes, "a save resumes the device");
        s.write(0, 4, 12, Endian.BIG);
        s.loadState(saved);
        assertEquals(11, s.read(0, 4, Endian.BIG));
        IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
                () -> s.loadState(DeviceState.builder("fake", 3).put("register", 1L).build()));
        assertTrue(e.getMessage().contains("version 3"), e.getMessage());
        assertEquals(11, s.read(0, 4, Endian.BIG), "a refused load leaves the device as it was");
        assertEquals(2, a.resumes);
    }

    @Test
    void theBoardShowsItsSlotsAndDetachesThemAtTheEnd() throws Exception {
        AtomicInteger released = new AtomicInteger();
        Fake a = new Fake("a");
        Board board = new Board(16L << 20, false, new Uart16550(),
                List.of(new Board.Plugged(impl(a, "org.example.fake 0.1.0", released), "fake", 20, Map.of())),
                log::add, log::add);
        board.attach();
        assertEquals(2, board.slots().size());
        DeviceSlot uart = board.slots().get(0);
        assertEquals(Board.BUILT_IN, uart.provider());
        assertEquals("uart16550", uart.type());
        DeviceSlot fake = board.slots().get(1);
        assertEquals("fake", fake.type());
        assertEquals(20, fake.interrupt());
        assertEquals(1, a.attaches);
        board.detach();
        assertEquals(1, a.detaches);
        assertEquals(1, released.get(), "the board gives its instances back when the VM is over");
    }
}
