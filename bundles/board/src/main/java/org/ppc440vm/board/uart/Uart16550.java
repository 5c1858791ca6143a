package org.ppc440vm.board.uart;

import org.ppc440vm.api.device.DeviceContext;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.api.device.DeviceTreeNode;
import org.ppc440vm.api.device.InterruptLine;
import org.ppc440vm.api.device.MmioDevice;
import org.ppc440vm.api.device.StatefulDevice;
import org.ppc440vm.api.memory.Endian;

/**
 * A National Semiconductor 16550 UART: eight byte-wide registers (register shift 0), a 16-byte receive FIFO, and
 * an interrupt output (on the bamboo board: UIC0 source 0, level high).
 *
 * <p>Registers: 0 RBR (read) / THR (write) / DLL (when LCR[DLAB]); 1 IER / DLM (DLAB); 2 IIR (read) / FCR
 * (write); 3 LCR; 4 MCR; 5 LSR; 6 MSR; 7 SCR.
 *
 * <p>Timing is compressed: a byte written to THR leaves at once (the transmitter is always empty again when the next
 * instruction looks: LSR[THRE] and LSR[TEMT] read 1), and a received byte is in the FIFO as soon as the guest has
 * room for it. Interrupts follow the 16550's rules:
 * <ul>
 * <li>IIR reports the highest-priority pending cause: receiver line status (0x6), received data available (0x4) or
 * character timeout (0xC: data in the FIFO below the trigger level; reported at once, since there is no idle time to
 * wait for), transmitter holding register empty (0x2), modem status (0x0); bit 0 is 1 when nothing is pending, bits
 * 7:6 are 11 while the FIFOs are enabled.</li>
 * <li>THRE: the interrupt becomes pending when the THR empties with IER[ETBEI] set, and when ETBEI is switched on
 * while the THR is empty; it is cleared by writing THR or by reading IIR while IIR reports it. (Linux's 8250 driver
 * checks exactly this at startup, enabling ETBEI twice around an IIR read.)</li>
 * <li>Line status errors (overrun, in loopback only) clear on an LSR read; modem status deltas on an MSR read.</li>
 * </ul>
 * MCR[LOOP] connects the transmitter to the receiver and the modem outputs to the modem inputs (DTR→DSR, RTS→CTS,
 * OUT1→RI, OUT2→DCD); outside loopback CTS, DSR and DCD read as asserted.
 *
 * <p>Received bytes wait in a host-side backlog until the FIFO has room, so pasted input is never lost: a backend
 * delivering faster than the guest reads blocks in {@link #receive} (on its own thread, never the vCPU's).
 * Thread-safe: every access is synchronized on the UART.
 */
public final class Uart16550 implements MmioDevice, StatefulDevice {
    public static final long BAMBOO_BASE = 0xEF600300L;
    public static final int BAMBOO_INTERRUPT = 0;
    /** The input clock the device tree states: 11.0592 MHz, divisor 6 at 115200 baud. */
    public static final int CLOCK_HZ = 11_059_200;

    // register offsets
    public static final int RBR = 0;
    public static final int THR = 0;
    public static final int DLL = 0;
    public static final int IER = 1;
    public static final int DLM = 1;
    public static final int IIR = 2;
    public static final int FCR = 2;
    public static final int LCR = 3;
    public static final int MCR = 4;
    public static final int LSR = 5;
    public static final int MSR = 6;
    public static final int SCR = 7;

    // IER
    public static final int IER_ERBFI = 0x01;
    public static final int IER_ETBEI = 0x02;
    public static final int IER_ELSI = 0x04;
    public static final int IER_EDSSI = 0x08;
    // IIR
    public static final int IIR_NO_INT = 0x01;
    public static final int IIR_MSI = 0x00;
    public static final int IIR_THRI = 0x02;
    public static final int IIR_RDI = 0x04;
    public static final int IIR_RLSI = 0x06;
    public static final int IIR_TIMEOUT = 0x0C;
    public static final int IIR_FIFOS_ENABLED = 0xC0;
    // FCR
    public static final int FCR_ENABLE = 0x01;
    public static final int FCR_CLEAR_RX = 0x02;
    public static final int FCR_CLEAR_TX = 0x04;
    // LCR
    public static final int LCR_DLAB = 0x80;
    // MCR
    public static final int MCR_DTR = 0x01;
    public static final int MCR_RTS = 0x02;
    public static final int MCR_OUT1 = 0x04;
    public static final int MCR_OUT2 = 0x08;
    public static final int MCR_LOOP = 0x10;
    // LSR
    public static final int LSR_DR = 0x01;
    public static final int LSR_OE = 0x02;
    public static final int LSR_PE = 0x04;
    public static final int LSR_FE = 0x08;
    public static final int LSR_BI = 0x10;
    public static final int LSR_THRE = 0x20;
    public static final int LSR_TEMT = 0x40;
    public static final int LSR_FIFO_ERROR = 0x80;
    private static final int LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI;
    // MSR
    public static final int MSR_DCTS = 0x01;
    public static final int MSR_DDSR = 0x02;
    public static final int MSR_TERI = 0x04;
    public static final int MSR_DDCD = 0x08;
    public static final int MSR_CTS = 0x10;
    public static final int MSR_DSR = 0x20;
    public static final int MSR_RI = 0x40;
    public static final int MSR_DCD = 0x80;

    static final int FIFO_SIZE = 16;
    static final int BACKLOG_SIZE = 4096;
    private static final int[] TRIGGER_LEVELS = {1, 4, 8, 14};

    private final String name;
    private final long base;
    private final int interrupt;

    private SerialBackend backend = SerialBackend.NONE;
    private InterruptLine line;
    private boolean lineLevel;

    private int ier;
    private int lcr;
    private int mcr;
    private int scr;
    private int dll;
    private int dlm;
    private boolean fifoEnabled;
    private int triggerLevel = 1;
    private int lineErrors;
    private int modemDeltas;
    private boolean threPending;

    private final byte[] rxFifo = new byte[FIFO_SIZE];
    private int rxHead;
    private int rxCount;

    /** Bytes received from the backend that do not fit in the FIFO yet. */
    private final byte[] backlog = new byte[BACKLOG_SIZE];
    private int backlogHead;
    private int backlogCount;
    private boolean closed;

    /** Statistics: bytes the guest sent and received. */
    private long transmitted;
    private long received;

    public Uart16550(String name, long base, int interrupt) {
        this.name = name;
        this.base = base;
        this.interrupt = interrupt;
        reset();
    }

    /** UART0 of the bamboo board. */
    public Uart16550() {
        this("uart0", BAMBOO_BASE, BAMBOO_INTERRUPT);
    }

    /** Where transmitted bytes go. */
    public synchronized void setBackend(SerialBackend backend) {
        this.backend = backend == null ? SerialBackend.NONE : backend;
    }

    @Override
    public synchronized void attach(DeviceContext context) {
        line = context.interruptLine();
        lineLevel = false;
        updateInterrupt(true);
    }

    @Override
    public synchronized void detach() {
        closed = true;
        notifyAll();
    }

    /**
     * The power-on state. Input the guest has not read yet survives, back in the host backlog: it is the user's
     * typing, not the chip's state.
     */
    public synchronized void reset() {
        while (rxCount > 0 && backlogCount < BACKLOG_SIZE) {
            rxCount--;
            backlogHead = (backlogHead + BACKLOG_SIZE - 1) % BACKLOG_SIZE;
            backlog[backlogHead] = rxFifo[(rxHead + rxCount) % FIFO_SIZE];
            backlogCount++;
        }
        ier = 0;
        lcr = 0;
        mcr = 0;
        scr = 0;
        dll = 0;
        dlm = 0;
        fifoEnabled = false;
        triggerLevel = 1;
        lineErrors = 0;
        modemDeltas = 0;
        threPending = false;
        rxHead = 0;
        rxCount = 0;
        refillFromBacklog();
        updateInterrupt(false);
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
        return 8;
    }

    /** The UIC source the device tree names. */
    public int interrupt() {
        return interrupt;
    }

    @Override
    public long read(long offset, int size, Endian order) {
        // Byte registers (register shift 0): a wider access reaches the register at its offset, in the low byte.
        return readRegister((int) offset & 7) & 0xFFL;
    }

    @Override
    public void write(long offset, int size, long value, Endian order) {
        writeRegister((int) offset & 7, (int) value & 0xFF);
    }

    /** Reads register {@code reg} (0-7) with its side effects. */
    public synchronized int readRegister(int reg) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (reg) {
            case RBR:
                if (dlab) {
                    return dll;
                }
                return readReceiver();
            case IER:
                return dlab ? dlm : ier;
            case IIR: {
                int iir = interruptIdentification();
                if ((iir & 0x0F) == IIR_THRI) {
                    threPending = false; // reading IIR while it reports THRE acknowledges it
                    updateInterrupt(false);
                }
                return iir;
            }
            case LCR:
                return lcr;
            case MCR:
                return mcr;
            case LSR: {
                int lsr = lineStatus();
                lineErrors = 0;
                updateInterrupt(false);
                return lsr;
            }
            case MSR: {
                int msr = modemInputs() | modemDeltas;
                modemDeltas = 0;
                updateInterrupt(false);
                return msr;
            }
            case SCR:
                return scr;
            default:
                return 0;
        }
    }

    /** Writes register {@code reg} (0-7) with its side effects. */
    public synchronized void writeRegister(int reg, int value) {
        value &= 0xFF;
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (reg) {
            case THR:
                if (dlab) {
                    dll = value;
                } else {
                    transmit((byte) value);
                }
                break;
            case IER:
                if (dlab) {
                    dlm = value;
                } else {
                    int old = ier;
                    ier = value & 0x0F;
                    if ((ier & IER_ETBEI) == 0) {
                        threPending = false;
                    } else if ((old & IER_ETBEI) == 0) {
                        threPending = true; // enabling ETBEI with the THR empty raises THRE at once
                    }
                }
                break;
            case FCR:
                writeFifoControl(value);
                break;
            case LCR:
                lcr = value;
                break;
            case MCR:
                writeModemControl(value & 0x1F);
                break;
            case SCR:
                scr = value;
                break;
            default:
                break; // LSR and MSR writes (factory test) are ignored
        }
        updateInterrupt(false);
    }

    private void transmit(byte b) {
        threPending = false;
        transmitted++;
        if ((mcr & MCR_LOOP) != 0) {
            pushReceived(b);
        } else {
            backend.transmit(b);
        }
        // The byte left at once: the THR is empty again.
        if ((ier & IER_ETBEI) != 0) {
            threPending = true;
        }
    }

    private int readReceiver() {
        if (rxCount == 0) {
            return 0;
        }
        int b = rxFifo[rxHead] & 0xFF;
        rxHead = (rxHead + 1) % FIFO_SIZE;
        rxCount--;
        refillFromBacklog();
        updateInterrupt(false);
        return b;
    }

    private void writeFifoControl(int value) {
        boolean enable = (value & FCR_ENABLE) != 0;
        if (enable != fifoEnabled) {
            // Switching the FIFOs on or off empties them.
            rxHead = 0;
            rxCount = 0;
        }
        fifoEnabled = enable;
        if (enable) {
            if ((value & FCR_CLEAR_RX) != 0) {
                rxHead = 0;
                rxCount = 0;
            }
            triggerLevel = TRIGGER_LEVELS[(value >>> 6) & 3];
        } else {
            triggerLevel = 1;
        }
        refillFromBacklog();
    }

    private void writeModemControl(int value) {
        int before = modemInputs();
        boolean wasLoop = (mcr & MCR_LOOP) != 0;
        mcr = value;
        int after = modemInputs();
        recordModemChange(before, after);
        if (wasLoop && (mcr & MCR_LOOP) == 0) {
            refillFromBacklog(); // the serial input is connected again
        }
    }

    private void recordModemChange(int before, int after) {
        int changed = before ^ after;
        if ((changed & MSR_CTS) != 0) {
            modemDeltas |= MSR_DCTS;
        }
        if ((changed & MSR_DSR) != 0) {
            modemDeltas |= MSR_DDSR;
        }
        if ((changed & MSR_DCD) != 0) {
            modemDeltas |= MSR_DDCD;
        }
        if ((before & MSR_RI) != 0 && (after & MSR_RI) == 0) {
            modemDeltas |= MSR_TERI; // trailing edge of ring indicator
        }
    }

    /** CTS, DSR, RI, DCD as the chip sees them. */
    private int modemInputs() {
        if ((mcr & MCR_LOOP) == 0) {
            return MSR_CTS | MSR_DSR | MSR_DCD;
        }
        int m = 0;
        if ((mcr & MCR_RTS) != 0) {
            m |= MSR_CTS;
        }
        if ((mcr & MCR_DTR) != 0) {
            m |= MSR_DSR;
        }
        if ((mcr & MCR_OUT1) != 0) {
            m |= MSR_RI;
        }
        if ((mcr & MCR_OUT2) != 0) {
            m |= MSR_DCD;
        }
        return m;
    }

    private int lineStatus() {
        int lsr = LSR_THRE | LSR_TEMT | lineErrors;
        if (rxCount > 0) {
            lsr |= LSR_DR;
        }
        if (fifoEnabled && lineErrors != 0) {
            lsr |= LSR_FIFO_ERROR;
        }
        return lsr;
    }

    private int capacity() {
        return fifoEnabled ? FIFO_SIZE : 1;
    }

    /** A byte arriving at the receiver (from loopback or the backlog); a full receiver overruns. */
    private void pushReceived(byte b) {
        if (rxCount >= capacity()) {
            lineErrors |= LSR_OE;
            return;
        }
        rxFifo[(rxHead + rxCount) % FIFO_SIZE] = b;
        rxCount++;
        received++;
    }

    private void refillFromBacklog() {
        if ((mcr & MCR_LOOP) != 0) {
            return;
        }
        boolean moved = false;
        while (backlogCount > 0 && rxCount < capacity()) {
            pushReceived(backlog[backlogHead]);
            backlogHead = (backlogHead + 1) % BACKLOG_SIZE;
            backlogCount--;
            moved = true;
        }
        if (moved) {
            notifyAll(); // a backend waiting for room may go on
        }
    }

    /**
     * Bytes from the backend (a console reader thread). Blocks while the host backlog is full, that is while the
     * guest is not reading; returns early (dropping the rest) when the UART is detached.
     */
    public synchronized void receive(byte[] data, int offset, int length) throws InterruptedException {
        int i = 0;
        while (i < length && !closed) {
            while (backlogCount == BACKLOG_SIZE && !closed) {
                wait();
            }
            while (i < length && backlogCount < BACKLOG_SIZE) {
                backlog[(backlogHead + backlogCount) % BACKLOG_SIZE] = data[offset + i++];
                backlogCount++;
            }
            refillFromBacklog();
            updateInterrupt(false);
        }
    }

    /** Bytes waiting in the FIFO and the backlog (for tests and the monitor). */
    public synchronized int pendingInput() {
        return rxCount + backlogCount;
    }

    private int interruptIdentification() {
        int fifoBits = fifoEnabled ? IIR_FIFOS_ENABLED : 0;
        if ((ier & IER_ELSI) != 0 && lineErrors != 0) {
            return fifoBits | IIR_RLSI;
        }
        if ((ier & IER_ERBFI) != 0 && rxCount > 0) {
            return fifoBits | (fifoEnabled && rxCount < triggerLevel ? IIR_TIMEOUT : IIR_RDI);
        }
        if ((ier & IER_ETBEI) != 0 && threPending) {
            return fifoBits | IIR_THRI;
        }
        if ((ier & IER_EDSSI) != 0 && modemDeltas != 0) {
            return fifoBits | IIR_MSI;
        }
        return fifoBits | IIR_NO_INT;
    }

    private void updateInterrupt(boolean force) {
        boolean level = (interruptIdentification() & IIR_NO_INT) == 0;
        if ((level != lineLevel || force) && line != null) {
            line.set(level);
        }
        lineLevel = level;
    }

    // ---- state (snapshots; the board's slot calls these) ----

    /** The device type and format version of {@link #exportState()}. */
    public static final String STATE_TYPE = "uart16550";
    public static final int STATE_VERSION = 1;

    /** Nothing is ever in flight: a byte written leaves at once, so there is nothing to finish. */
    @Override
    public void quiesce() {
    }

    @Override
    public void resume() {
    }

    /**
     * The chip's registers and the bytes in its receive FIFO. The host backlog is not part of it: that is input the
     * user typed at this process's terminal, which stays here.
     */
    @Override
    public synchronized DeviceState exportState() {
        byte[] rx = new byte[rxCount];
        for (int i = 0; i < rxCount; i++) {
            rx[i] = rxFifo[(rxHead + i) % FIFO_SIZE];
        }
        return DeviceState.builder(STATE_TYPE, STATE_VERSION).put("ier", ier).put("lcr", lcr).put("mcr", mcr)
                .put("scr", scr).put("dll", dll).put("dlm", dlm).put("fifoEnabled", fifoEnabled ? 1 : 0)
                .put("triggerLevel", triggerLevel).put("lineErrors", lineErrors).put("modemDeltas", modemDeltas)
                .put("threPending", threPending ? 1 : 0).put("rx", rx).build();
    }

    /** Takes a state made by {@link #exportState()} and drives the interrupt line with the result. */
    @Override
    public synchronized void importState(DeviceState s) throws IncompatibleStateException {
        if (!STATE_TYPE.equals(s.deviceType()) || s.version() != STATE_VERSION) {
            throw new IncompatibleStateException(name + " reads " + STATE_TYPE + " state v" + STATE_VERSION
                    + ", not " + s.deviceType() + " v" + s.version());
        }
        byte[] rx;
        try {
            rx = s.getBytes("rx");
            if (rx.length > FIFO_SIZE) {
                throw new IncompatibleStateException(name + ": a saved receive FIFO of " + rx.length + " bytes");
            }
            ier = (int) s.getLong("ier") & 0x0F;
            lcr = (int) s.getLong("lcr") & 0xFF;
            mcr = (int) s.getLong("mcr") & 0x1F;
            scr = (int) s.getLong("scr") & 0xFF;
            dll = (int) s.getLong("dll") & 0xFF;
            dlm = (int) s.getLong("dlm") & 0xFF;
            fifoEnabled = s.getLong("fifoEnabled") != 0;
            triggerLevel = (int) s.getLong("triggerLevel");
            lineErrors = (int) s.getLong("lineErrors") & LSR_ERRORS;
            modemDeltas = (int) s.getLong("modemDeltas") & 0x0F;
            threPending = s.getLong("threPending") != 0;
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IncompatibleStateException(name + ": " + e.getMessage());
        }
        System.arraycopy(rx, 0, rxFifo, 0, rx.length);
        rxHead = 0;
        rxCount = rx.length;
        refillFromBacklog();
        updateInterrupt(true);
    }

    /** True while the interrupt output is asserted. */
    public synchronized boolean interruptAsserted() {
        return lineLevel;
    }

    /** The divisor latch (DLM:DLL). */
    public synchronized int divisor() {
        return dlm << 8 | dll;
    }

    public synchronized long bytesTransmitted() {
        return transmitted;
    }

    public synchronized long bytesReceived() {
        return received;
    }

    @Override
    public DeviceTreeNode deviceTreeNode() {
        return new DeviceTreeNode("serial@" + Long.toHexString(base))
                .property("device_type", "serial")
                .property("compatible", "ns16550")
                .cells("reg", (int) base, 8)
                .cells("virtual-reg", (int) base)
                .cells("clock-frequency", CLOCK_HZ)
                .cells("current-speed", 115200)
                .cells("interrupts", interrupt, 4);
    }
}
