package org.ppc440vm.board.uic;

import org.ppc440vm.api.device.DcrDevice;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.DeviceTreeNode;
import org.ppc440vm.api.device.InterruptController;
import org.ppc440vm.api.device.InterruptLine;

/**
 * The 440's Universal Interrupt Controller (UIC0): 32 sources on nine DCRs from {@link #dcrBase()}.
 *
 * <p>Registers (DCR offset): SR 0 (status: write 1 to clear), SRS 1 (write 1 to set, for software), ER 2 (enable),
 * CR 3 (1 = critical), PR 4 (polarity: 1 = active high / rising edge), TR 5 (trigger: 1 = edge, 0 = level), MSR 6
 * (masked status = SR &amp; ER, read-only), VR 7 (vector, read-only), VCR 8 (vector configuration). IBM bit order:
 * source {@code n} is bit {@code 31 - n}, so its mask is {@code 0x80000000 >>> n}.
 *
 * <p>Status latching: an edge source sets its SR bit on the transition into its active state; a level source sets it
 * whenever it is active, so clearing the bit while the line is still active has no lasting effect (it is set again at
 * once). This is what Linux's uic.c relies on when it acknowledges level interrupts only after the handler, in unmask.
 * A bit stays set after its line goes inactive until the guest clears it.
 *
 * <p>Outputs: the non-critical output is asserted while {@code SR & ER & ~CR} is non-zero, the critical one while
 * {@code SR & ER & CR} is; they drive the core's External Input and Critical Input. Devices set their lines from any
 * thread; every method is synchronized on this controller (never on the vCPU's instruction path: the vCPU reaches
 * the UIC only through DCR exits).
 */
public final class Uic implements DcrDevice, InterruptController {
    public static final int DCR_BASE = 0xC0;
    public static final int SR = 0;
    public static final int SRS = 1;
    public static final int ER = 2;
    public static final int CR = 3;
    public static final int PR = 4;
    public static final int TR = 5;
    public static final int MSR = 6;
    public static final int VR = 7;
    public static final int VCR = 8;
    public static final int REGISTERS = 9;
    public static final int SOURCES = 32;

    /** Where the controller's two outputs go (the vCPU's input pins, or a test's recorder). */
    public interface Outputs {
        void external(boolean asserted);

        void critical(boolean asserted);
    }

    private static final Outputs UNCONNECTED = new Outputs() {
        @Override
        public void external(boolean asserted) {
        }

        @Override
        public void critical(boolean asserted) {
        }
    };

    private final String name;
    private final int dcrBase;
    private final InterruptLine[] lines = new InterruptLine[SOURCES];
    private Outputs outputs = UNCONNECTED;

    /** Raw levels of the 32 input lines, source n at bit 31 - n. */
    private int levels;
    private int sr;
    private int er;
    private int cr;
    private int pr;
    private int tr;
    private int vcr;
    private boolean externalOut;
    private boolean criticalOut;

    public Uic(String name, int dcrBase) {
        this.name = name;
        this.dcrBase = dcrBase;
        for (int n = 0; n < SOURCES; n++) {
            lines[n] = new Line(n);
        }
        reset();
    }

    /** UIC0 of the 440EP at DCR 0xC0. */
    public Uic() {
        this("uic0", DCR_BASE);
    }

    /** The mask of source {@code n} in every register. */
    public static int bit(int n) {
        return 0x80000000 >>> n;
    }

    /** Connects the outputs and drives them with the current state. */
    public synchronized void connect(Outputs to) {
        outputs = to == null ? UNCONNECTED : to;
        outputs.external(externalOut);
        outputs.critical(criticalOut);
    }

    /**
     * The power-on state: everything disabled and non-critical, level-triggered, active high (our board's lines
     * idle low, so active-high is the polarity that keeps an unconnected source quiet). Input levels are kept: they
     * belong to the devices.
     */
    public synchronized void reset() {
        sr = 0;
        er = 0;
        cr = 0;
        pr = 0xFFFF_FFFF;
        tr = 0;
        vcr = 0;
        relatchLevels();
        updateOutputs();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dcrBase() {
        return dcrBase;
    }

    @Override
    public int dcrCount() {
        return REGISTERS;
    }

    @Override
    public InterruptLine line(int n) {
        if (n < 0 || n >= SOURCES) {
            throw new IllegalArgumentException(name + " has sources 0-31, not " + n);
        }
        return lines[n];
    }

    @Override
    public int sources() {
        return SOURCES;
    }

    /** Bits of the sources whose input is in its active state (level equal to polarity). */
    private int active() {
        return ~(levels ^ pr);
    }

    synchronized void setLine(int n, boolean asserted) {
        int m = bit(n);
        boolean wasActive = (active() & m) != 0;
        levels = asserted ? levels | m : levels & ~m;
        boolean isActive = (active() & m) != 0;
        if (isActive && ((tr & m) == 0 || !wasActive)) {
            sr |= m;
        }
        updateOutputs();
    }

    /** Level sources set their status bit again while they are active. */
    private void relatchLevels() {
        sr |= active() & ~tr;
    }

    @Override
    public synchronized int readDcr(int index) {
        switch (index) {
            case SR:
            case SRS:
                return sr;
            case ER:
                return er;
            case CR:
                return cr;
            case PR:
                return pr;
            case TR:
                return tr;
            case MSR:
                return sr & er;
            case VR:
                return vector();
            case VCR:
                return vcr;
            default:
                return 0;
        }
    }

    @Override
    public synchronized void writeDcr(int index, int value) {
        switch (index) {
            case SR:
                sr &= ~value;
                relatchLevels();
                break;
            case SRS:
                sr |= value;
                break;
            case ER:
                er = value;
                break;
            case CR:
                cr = value;
                break;
            case PR:
                pr = value;
                relatchLevels();
                break;
            case TR:
                tr = value;
                relatchLevels();
                break;
            case VCR:
                vcr = value & 0xFFFF_FFFD; // bit 30 is reserved
                break;
            default:
                return; // MSR and VR are read-only
        }
        updateOutputs();
    }

    /**
     * VR: the critical vector. VCR[VCBA] (bits 0:29) plus 512 bytes per priority position of the highest-priority
     * pending critical source; VCR[PRO] (bit 31) = 0 makes source 0 the highest priority, 1 makes source 31 the
     * highest. Zero while no critical source is pending. (Linux does not use it.)
     */
    private int vector() {
        int pending = sr & er & cr;
        if (pending == 0) {
            return 0;
        }
        int position = (vcr & 1) == 0 ? Integer.numberOfLeadingZeros(pending) : Integer.numberOfTrailingZeros(pending);
        return (vcr & 0xFFFF_FFFC) + 512 * position;
    }

    private void updateOutputs() {
        int pending = sr & er;
        boolean ext = (pending & ~cr) != 0;
        boolean crit = (pending & cr) != 0;
        if (ext != externalOut) {
            externalOut = ext;
            outputs.external(ext);
        }
        if (crit != criticalOut) {
            criticalOut = crit;
            outputs.critical(crit);
        }
    }

    // ---- snapshots ----

    /** The device type and format version of {@link #saveState()}. */
    public static final String STATE_TYPE = "uic";
    public static final int STATE_VERSION = 1;

    /**
     * The registers and the input levels as the controller last saw them, for a snapshot. The levels are saved too,
     * so that a level source whose device re-drives its line only on change still reads as active after a restore.
     */
    public synchronized DeviceState saveState() {
        return DeviceState.builder(STATE_TYPE, STATE_VERSION).put("sr", sr & 0xFFFF_FFFFL).put("er", er & 0xFFFF_FFFFL)
                .put("cr", cr & 0xFFFF_FFFFL).put("pr", pr & 0xFFFF_FFFFL).put("tr", tr & 0xFFFF_FFFFL)
                .put("vcr", vcr & 0xFFFF_FFFFL).put("levels", levels & 0xFFFF_FFFFL).build();
    }

    /**
     * Takes a state made by {@link #saveState()} and drives both outputs with the result (unconditionally: the core
     * that receives them may have been restored with other input levels).
     *
     * @throws IllegalArgumentException the state is not a UIC state this controller reads
     */
    public synchronized void loadState(DeviceState s) {
        if (!STATE_TYPE.equals(s.deviceType()) || s.version() != STATE_VERSION) {
            throw new IllegalArgumentException(name + " reads " + STATE_TYPE + " state v" + STATE_VERSION + ", not "
                    + s.deviceType() + " v" + s.version());
        }
        sr = (int) s.getLong("sr");
        er = (int) s.getLong("er");
        cr = (int) s.getLong("cr");
        pr = (int) s.getLong("pr");
        tr = (int) s.getLong("tr");
        vcr = (int) s.getLong("vcr");
        levels = (int) s.getLong("levels");
        relatchLevels();
        updateOutputs();
        outputs.external(externalOut);
        outputs.critical(criticalOut);
    }

    /** Current level of the non-critical output. */
    public synchronized boolean externalOutput() {
        return externalOut;
    }

    /** Current level of the critical output. */
    public synchronized boolean criticalOutput() {
        return criticalOut;
    }

    @Override
    public DeviceTreeNode deviceTreeNode() {
        return new DeviceTreeNode("interrupt-controller0")
                .property("compatible", "ibm,uic-440ep", "ibm,uic")
                .property("interrupt-controller")
                .cells("cell-index", 0)
                .cells("dcr-reg", dcrBase, REGISTERS)
                .cells("#address-cells", 0)
                .cells("#size-cells", 0)
                .cells("#interrupt-cells", 2);
    }

    @Override
    public String toString() {
        synchronized (this) {
            return String.format("%s: SR=%08x ER=%08x CR=%08x PR=%08x TR=%08x lines=%08x ext=%b crit=%b", name, sr, er,
                    cr, pr, tr, levels, externalOut, criticalOut);
        }
    }

    private final class Line implements InterruptLine {
        private final int number;

        Line(int number) {
            this.number = number;
        }

        @Override
        public void set(boolean asserted) {
            setLine(number, asserted);
        }

        @Override
        public int number() {
            return number;
        }
    }
}
