package org.ppc440vm.board.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.device.DcrDevice;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.board.uart.Uart16550;

class AddressMapTest {
    private final List<String> warnings = new ArrayList<>();

    /** A device that answers its offset + a tag and records writes. */
    static final class Window implements MmioDevice {
        final String name;
        final long base;
        final long size;
        final List<String> writes = new ArrayList<>();

        Window(String name, long base, long size) {
            this.name = name;
            this.base = base;
            this.size = size;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long base() {
            return base;
        }

        @Override
        public long windowSize() {
            return size;
        }

        @Override
        public long read(long offset, int size, Endian order) {
            return 0x1000 + offset;
        }

        @Override
        public void write(long offset, int size, long value, Endian order) {
            writes.add(offset + "=" + value + "/" + size + order);
        }
    }

    private AddressMap map(boolean strict, MmioDevice... devices) throws BoardException {
        return new AddressMap(256L << 20, List.of(devices), strict, warnings::add);
    }

    @Test
    void accessesReachTheDeviceAtTheirOffset() throws Exception {
        Window a = new Window("a", 0xEF600300L, 8);
        Window b = new Window("b", 0xEF602000L, 0x200);
        Window c = new Window("c", 0xEF602200L, 0x200);
        AddressMap m = map(false, c, a, b);
        assertSame(a, m.find(0xEF600300L).device());
        assertSame(a, m.find(0xEF600307L).device());
        assertNull(m.find(0xEF600308L));
        assertSame(b, m.find(0xEF6021FFL).device());
        assertSame(c, m.find(0xEF602200L).device());
        assertNull(m.find(0xEF600000L));
        assertNull(m.find(0xFFFF_FFFFL));

        TestExit r = TestExit.mmioRead(0xEF602010L, 4);
        assertTrue(m.access(r));
        assertTrue(r.completed);
        assertEquals(0x1010, r.data);
        TestExit w = TestExit.mmioWrite(0xEF602204L, 4, 77);
        w.endian = Endian.LITTLE;
        assertTrue(m.access(w));
        assertEquals(List.of("4=77/4LITTLE"), c.writes);
        assertEquals(1, m.find(0xEF602000L).reads());
        assertEquals(1, m.find(0xEF602200L).writes());
        assertEquals(List.of(), warnings);
    }

    @Test
    void overlappingWindowsAreAnErrorNamingBothDevices() {
        Window uart = new Window("uart0", 0xEF600300L, 8);
        Window bad = new Window("virtio-blk0", 0xEF600304L, 0x200);
        BoardException e = assertThrows(BoardException.class, () -> map(false, bad, uart));
        assertTrue(e.getMessage().contains("uart0") && e.getMessage().contains("virtio-blk0"), e.getMessage());
        assertTrue(e.getMessage().contains("0xef600300-0xef600307"), e.getMessage());
        // touching windows are fine
        assertTrue(() -> {
            try {
                map(false, uart, new Window("next", 0xEF600308L, 8));
                return true;
            } catch (BoardException x) {
                return false;
            }
        });
    }

    @Test
    void windowsInsideRamAreRejected() {
        BoardException e = assertThrows(BoardException.class, () -> map(false, new Window("low", 0x1000, 0x100)));
        assertTrue(e.getMessage().contains("overlaps RAM"), e.getMessage());
        assertThrows(BoardException.class, () -> map(false, new Window("empty", 0xEF600000L, 0)));
    }

    @Test
    void unassignedReadsZeroIgnoresWritesAndWarnsOncePerAddress() throws Exception {
        AddressMap m = map(false, new Window("a", 0xEF600300L, 8));
        for (int i = 0; i < 3; i++) {
            TestExit r = TestExit.mmioRead(0xEF602000L, 4);
            r.data = 0xDEAD;
            assertTrue(m.access(r));
            assertTrue(r.completed);
            assertEquals(0, r.data);
        }
        assertTrue(m.access(TestExit.mmioWrite(0xEF602000L, 4, 1)));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("0xef602000"), warnings.get(0));
        assertTrue(m.access(TestExit.mmioWrite(0xEF602004L, 4, 1)));
        assertEquals(2, warnings.size());
        assertEquals(3, m.unassignedReads());
        assertEquals(2, m.unassignedWrites());
    }

    @Test
    void warningsStopAfterManyAddresses() throws Exception {
        AddressMap m = map(false);
        for (int i = 0; i < 200; i++) {
            m.access(TestExit.mmioRead(0xE000_0000L + 4L * i, 4));
        }
        assertEquals(UnassignedAccessLog.MAX_ADDRESSES + 1, warnings.size());
        assertTrue(warnings.get(warnings.size() - 1).contains("no further"));
    }

    @Test
    void strictBusRefusesUnassignedAccesses() throws Exception {
        AddressMap m = map(true, new Window("a", 0xEF600300L, 8));
        TestExit r = TestExit.mmioRead(0xEF602000L, 4);
        assertFalse(m.access(r), "the caller must deliver a machine check");
        assertFalse(r.completed);
        assertFalse(m.access(TestExit.mmioWrite(0xEF602000L, 4, 5)));
        assertTrue(m.access(TestExit.mmioRead(0xEF600300L, 1)), "assigned addresses still work");
        assertTrue(warnings.get(0).contains("machine check"), warnings.toString());
    }

    @Test
    void theUartAnswersThroughTheMap() throws Exception {
        Uart16550 uart = new Uart16550();
        StringBuilder out = new StringBuilder();
        uart.setBackend(b -> out.append((char) b));
        AddressMap m = map(false, uart);
        m.access(TestExit.mmioWrite(0xEF600300L, 1, 'O'));
        m.access(TestExit.mmioWrite(0xEF600300L, 1, 'K'));
        TestExit lsr = TestExit.mmioRead(0xEF600305L, 1);
        m.access(lsr);
        assertEquals("OK", out.toString());
        assertEquals(0x60, lsr.data);
    }

    static final class Dcrs implements DcrDevice {
        final String name;
        final int base;
        final int count;
        int last = -1;

        Dcrs(String name, int base, int count) {
            this.name = name;
            this.base = base;
            this.count = count;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int dcrBase() {
            return base;
        }

        @Override
        public int dcrCount() {
            return count;
        }

        @Override
        public int readDcr(int index) {
            return 0x100 + index;
        }

        @Override
        public void writeDcr(int index, int value) {
            last = index << 16 | value;
        }
    }

    @Test
    void dcrMapRoutesAndWarnsOnceForUnknownDcrs() throws Exception {
        Dcrs uic = new Dcrs("uic0", 0xC0, 9);
        DcrMap m = new DcrMap(List.of(uic), warnings::add);
        TestExit r = TestExit.dcrRead(0xC6);
        m.access(r);
        assertEquals(0x106, r.data);
        m.access(TestExit.dcrWrite(0xC2, 0x55));
        assertEquals(2 << 16 | 0x55, uic.last);
        TestExit unknown = TestExit.dcrRead(0x81);
        unknown.data = 9;
        m.access(unknown);
        m.access(TestExit.dcrRead(0x81));
        m.access(TestExit.dcrWrite(0x81, 1));
        assertEquals(0, unknown.data);
        assertTrue(unknown.completed);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("0x081"));
        assertEquals(1, m.accesses(0xC6));
    }

    @Test
    void dcrRangesMustNotOverlap() {
        BoardException e = assertThrows(BoardException.class,
                () -> new DcrMap(List.of(new Dcrs("a", 0xC0, 9), new Dcrs("b", 0xC8, 2)), warnings::add));
        assertTrue(e.getMessage().contains("a") && e.getMessage().contains("b") && e.getMessage().contains("0x0c8"),
                e.getMessage());
        assertThrows(BoardException.class, () -> new DcrMap(List.of(new Dcrs("c", 0x3FF, 2)), warnings::add));
    }
}
