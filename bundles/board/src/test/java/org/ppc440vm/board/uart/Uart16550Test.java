package org.ppc440vm.board.uart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.board.uart.Uart16550.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.InterruptLine;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.api.memory.GuestMemory;

class Uart16550Test {
    private Uart16550 uart;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final AtomicBoolean irq = new AtomicBoolean();

    @BeforeEach
    void setUp() {
        uart = new Uart16550();
        uart.setBackend(b -> sent.write(b));
        InterruptLine line = new InterruptLine() {
            @Override
            public void set(boolean asserted) {
                irq.set(asserted);
            }

            @Override
            public int number() {
                return 0;
            }
        };
        uart.attach(new DeviceContext() {
            @Override
            public GuestMemory memory() {
                return null;
            }

            @Override
            public InterruptLine interruptLine() {
                return line;
            }

            @Override
            public Map<String, String> options() {
                return Map.of();
            }

            @Override
            public void log(String message) {
            }
        });
    }

    private int rd(int reg) {
        return (int) uart.read(reg, 1, Endian.BIG);
    }

    private void wr(int reg, int v) {
        uart.write(reg, 1, v, Endian.BIG);
    }

    private void type(String s) throws InterruptedException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        uart.receive(b, 0, b.length);
    }

    @Test
    void windowIsEightBytesAtTheBambooAddress() {
        assertEquals(0xEF600300L, uart.base());
        assertEquals(8, uart.windowSize());
    }

    @Test
    void powerOnState() {
        assertEquals(0, rd(IER));
        assertEquals(IIR_NO_INT, rd(IIR));
        assertEquals(0, rd(LCR));
        assertEquals(0, rd(MCR));
        assertEquals(LSR_THRE | LSR_TEMT, rd(LSR));
        assertEquals(MSR_CTS | MSR_DSR | MSR_DCD, rd(MSR));
        assertFalse(irq.get());
    }

    @Test
    void transmitGoesToTheBackendAndTheTransmitterIsAlwaysEmpty() {
        for (char c : "hi\n".toCharArray()) {
            assertTrue((rd(LSR) & LSR_THRE) != 0);
            wr(THR, c);
        }
        assertEquals("hi\n", sent.toString());
        assertEquals(LSR_THRE | LSR_TEMT, rd(LSR) & (LSR_THRE | LSR_TEMT));
        assertEquals(3, uart.bytesTransmitted());
    }

    @Test
    void divisorLatchIsBehindDlab() {
        wr(LCR, LCR_DLAB | 0x03);
        wr(DLL, 6);
        wr(DLM, 0);
        assertEquals(6, rd(DLL));
        assertEquals(0, rd(DLM));
        assertEquals(6, uart.divisor());
        wr(DLM, 0x12);
        assertEquals(0x1206, uart.divisor());
        assertEquals("", sent.toString(), "a DLL write transmits nothing");
        wr(LCR, 0x03);
        assertEquals(0x03, rd(LCR));
        assertEquals(0, rd(IER), "IER is visible again and was not changed by DLM");
        wr(IER, IER_ERBFI);
        assertEquals(IER_ERBFI, rd(IER));
        wr(LCR, LCR_DLAB);
        assertEquals(0x12, rd(DLM), "DLM unchanged by the IER write");
    }

    @Test
    void scratchRegisterHoldsAByte() {
        wr(SCR, 0xA5);
        assertEquals(0xA5, rd(SCR));
    }

    @Test
    void thrEmptyInterruptBehavesAsThe8250DriverTestsIt() {
        // serial8250_startup: IER=THRI, read IIR (THRE pending), IER=0, IER=THRI, read IIR again: still THRE.
        wr(IER, IER_ETBEI);
        assertTrue(irq.get(), "enabling ETBEI with the THR empty raises THRE at once");
        int iir1 = rd(IIR);
        assertEquals(IIR_THRI, iir1 & 0x0F);
        assertFalse(irq.get(), "reading IIR while it reports THRE acknowledges it");
        assertEquals(IIR_NO_INT, rd(IIR) & 0x0F);
        wr(IER, 0);
        wr(IER, IER_ETBEI);
        int iir2 = rd(IIR);
        assertEquals(IIR_THRI, iir2 & 0x0F, "THRE re-asserts when ETBEI is enabled again");
        wr(IER, 0);
        assertFalse(irq.get());
    }

    @Test
    void writingThrRearmsThreBecauseTheByteLeavesAtOnce() {
        wr(IER, IER_ETBEI);
        rd(IIR); // ack
        assertFalse(irq.get());
        wr(THR, 'x');
        assertTrue(irq.get());
        assertEquals(IIR_THRI, rd(IIR) & 0x0F);
        assertFalse(irq.get());
        // rewriting IER with ETBEI still set is not a new enable
        wr(IER, IER_ETBEI | IER_ERBFI);
        assertFalse(irq.get());
    }

    @Test
    void receivedDataSetsDrAndInterruptsUntilRead() throws Exception {
        wr(IER, IER_ERBFI);
        assertFalse(irq.get());
        type("a");
        assertTrue(irq.get());
        assertEquals(IIR_RDI, rd(IIR) & 0x0F);
        assertEquals(LSR_DR, rd(LSR) & LSR_DR);
        assertEquals('a', rd(RBR));
        assertEquals(0, rd(LSR) & LSR_DR);
        assertFalse(irq.get());
        assertEquals(IIR_NO_INT, rd(IIR));
        assertEquals(1, uart.bytesReceived());
    }

    @Test
    void withoutFifoTheReceiverHoldsOneByteAndTheRestWaits() throws Exception {
        type("abc");
        assertEquals(3, uart.pendingInput());
        assertEquals('a', rd(RBR));
        assertEquals('b', rd(RBR));
        assertEquals('c', rd(RBR));
        assertEquals(0, rd(LSR) & LSR_DR);
        assertEquals(0, rd(LSR) & LSR_OE, "backend input is never overrun: it waits in the backlog");
    }

    @Test
    void fifoTriggerLevelAndCharacterTimeout() throws Exception {
        wr(FCR, FCR_ENABLE | 0x80); // trigger level 8
        wr(IER, IER_ERBFI);
        assertEquals(IIR_FIFOS_ENABLED | IIR_NO_INT, rd(IIR));
        type("1234");
        assertEquals(IIR_FIFOS_ENABLED | IIR_TIMEOUT, rd(IIR), "below the trigger level: character timeout");
        type("5678");
        assertEquals(IIR_FIFOS_ENABLED | IIR_RDI, rd(IIR), "at the trigger level: data available");
        type("abcdefghijkl"); // 20 in all; the FIFO holds 16
        StringBuilder got = new StringBuilder();
        while ((rd(LSR) & LSR_DR) != 0) {
            got.append((char) rd(RBR));
        }
        assertEquals("12345678abcdefghijkl", got.toString());
        assertFalse(irq.get());
    }

    @Test
    void fcrClearsTheReceiveFifo() throws Exception {
        wr(FCR, FCR_ENABLE);
        type("xyz");
        wr(FCR, FCR_ENABLE | FCR_CLEAR_RX);
        assertEquals(0, rd(LSR) & LSR_DR);
    }

    @Test
    void interruptPrioritiesFollowThe16550() throws Exception {
        wr(FCR, FCR_ENABLE);
        wr(MCR, MCR_LOOP);
        rd(MSR); // clear deltas from entering loopback
        wr(IER, IER_ERBFI | IER_ETBEI | IER_ELSI | IER_EDSSI);
        assertEquals(IIR_THRI, rd(IIR) & 0x0F, "only THRE pending");
        wr(MCR, MCR_LOOP | MCR_RTS); // CTS changes: modem status pending, THRE was acked by the IIR read
        assertEquals(IIR_MSI, rd(IIR) & 0x0F);
        assertTrue(irq.get());
        // overrun the 16-byte FIFO in loopback: line status outranks everything
        for (int i = 0; i < 17; i++) {
            wr(THR, 'A' + i);
        }
        assertEquals(IIR_RLSI, rd(IIR) & 0x0F);
        int lsr = rd(LSR);
        assertEquals(LSR_OE, lsr & LSR_OE);
        assertEquals(LSR_FIFO_ERROR, lsr & LSR_FIFO_ERROR);
        assertEquals(0, rd(LSR) & LSR_OE, "reading LSR clears the error");
        assertEquals(IIR_RDI, rd(IIR) & 0x0F, "then received data (16 bytes >= trigger 1)");
        for (int i = 0; i < 16; i++) {
            assertEquals('A' + i, rd(RBR));
        }
        assertEquals(IIR_THRI, rd(IIR) & 0x0F, "then THRE");
        assertEquals(IIR_MSI, rd(IIR) & 0x0F, "then modem status");
        assertEquals(MSR_DCTS | MSR_CTS, rd(MSR));
        assertEquals(IIR_NO_INT, rd(IIR) & 0x0F);
        assertFalse(irq.get());
    }

    @Test
    void loopbackConnectsTransmitterAndModemLines() {
        wr(MCR, MCR_LOOP | MCR_OUT2 | MCR_RTS); // what 8250 autoconfig writes
        assertEquals(MSR_CTS | MSR_DCD, rd(MSR) & 0xF0);
        wr(MCR, MCR_LOOP | MCR_DTR | MCR_OUT1);
        assertEquals(MSR_DSR | MSR_RI, rd(MSR) & 0xF0);
        wr(MCR, MCR_LOOP);
        assertEquals(MSR_TERI, rd(MSR) & MSR_TERI, "RI falling is a trailing edge");
        wr(THR, 'L');
        assertEquals("", sent.toString(), "loopback transmits nothing outside");
        assertEquals(LSR_DR, rd(LSR) & LSR_DR);
        assertEquals('L', rd(RBR));
        wr(MCR, 0);
        assertEquals(MSR_CTS | MSR_DSR | MSR_DCD, rd(MSR) & 0xF0);
    }

    @Test
    void loopbackHoldsBackendInputUntilItEnds() throws Exception {
        wr(MCR, MCR_LOOP);
        type("q");
        assertEquals(0, rd(LSR) & LSR_DR);
        wr(MCR, 0);
        assertEquals('q', rd(RBR));
    }

    @Test
    void aFullBacklogBlocksTheBackendUntilTheGuestReads() throws Exception {
        byte[] lots = new byte[Uart16550.BACKLOG_SIZE + 100];
        java.util.Arrays.fill(lots, (byte) 'z');
        Thread t = new Thread(() -> {
            try {
                uart.receive(lots, 0, lots.length);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        t.join(300);
        assertTrue(t.isAlive(), "the backend waits while the guest does not read");
        int read = 0;
        // read while the backend still hands bytes over; once it returned, whatever it gave is in the chip
        // (checking "data ready" and then "still alive" in one condition missed the last bytes when the backend
        // finished in between)
        while (t.isAlive()) {
            if ((rd(LSR) & LSR_DR) != 0) {
                assertEquals('z', rd(RBR));
                read++;
            }
        }
        t.join();
        while ((rd(LSR) & LSR_DR) != 0) {
            assertEquals('z', rd(RBR));
            read++;
        }
        assertEquals(lots.length, read);
    }

    @Test
    void resetKeepsTheBacklogButClearsTheChip() throws Exception {
        wr(IER, IER_ERBFI);
        wr(LCR, 0x03);
        type("k");
        uart.reset();
        assertEquals(0, rd(IER));
        assertEquals(0, rd(LCR));
        assertEquals('k', rd(RBR));
    }

    @Test
    void deviceTreeNodeDescribesNs16550OnSourceZero() {
        var n = uart.deviceTreeNode();
        assertEquals("serial@ef600300", n.name());
        assertEquals("ns16550\0", new String(n.properties().get("compatible")));
        byte[] irqCells = n.properties().get("interrupts");
        assertEquals(8, irqCells.length);
        assertEquals(0, irqCells[3]);
        assertEquals(4, irqCells[7]);
    }
}
