package org.ppc440vm.kvm.vcpu;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * The whole architected state of a {@link Vcpu440} as bytes, for snapshots: the user registers (GPRs, FPRs, CR,
 * XER, LR, CTR, FPSCR, PC, MSR), every supervisor SPR the guest can set (save/restore pairs, DEAR, ESR, MCSR, IVPR,
 * IVORs, SPRG0-7, USPRG0, PID, the debug registers, the core's own CCR0/CCR1 and friends), the timers, the two
 * interrupt input lines and the guest TLB with MMUCR.
 *
 * <p>Time is saved as the guest sees it, not as this vCPU's clock counts it: the time base value and the
 * decrementer's remaining ticks. A restore anchors them to the restoring vCPU's clock, so the guest's time base goes
 * on from the saved value (no jump forward over the time the snapshot sat on disk, none back either) and a running
 * decrementer fires after the ticks it had left. The decoded-code cache and the shadow TLB are not saved: both are
 * dropped on load and refill on demand.
 *
 * <p>The blob starts with a magic number and a format version; a load reads the whole blob before it changes
 * anything, so a foreign, truncated or newer blob fails with a message saying so and leaves the vCPU as it was.
 */
final class VcpuStateCodec {
    /** "P4VC". */
    static final int MAGIC = 0x5034_5643;
    static final int VERSION = 1;
    /** The core SPR numbers {@link CoreModel#hasSpr} may answer for (CCR0/1, the cache-debug registers...). */
    private static final int CORE_SPR_FIRST = 880;
    private static final int CORE_SPR_LAST = 1011;

    private VcpuStateCodec() {
    }

    /** Everything {@link #load} restores. Call on the vCPU's thread, or while it is stopped. */
    static byte[] save(Vcpu440 v, boolean externalLine, boolean criticalLine) {
        CpuState s = v.state;
        if (v.exit.finish != ExitRecord.FINISH_NONE) {
            // Paused right after userspace completed an MMIO or DCR access: finish the instruction now, as the next
            // run() would, so that the restored guest does not perform the access a second time.
            if (s.pc == v.exit.pc) {
                MmioAccess.finish(v.exit, s);
            }
            v.exit.finish = ExitRecord.FINISH_NONE;
        }
        BookeRegisters r = v.regs;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(v.core.pvr());
            writeInts(out, s.gpr);
            for (long f : s.fpr) {
                out.writeLong(f);
            }
            for (int x : new int[] {s.pc, s.cr, s.xer, s.lr, s.ctr, s.fpscr, s.msr, s.pid, s.usprg0}) {
                out.writeInt(x);
            }
            writeInts(out, s.sprg4to7);
            for (int x : new int[] {r.srr0, r.srr1, r.csrr0, r.csrr1, r.mcsrr0, r.mcsrr1, r.dear, r.esr, r.mcsr,
                r.ivpr, r.dbcr0, r.dbcr1, r.dbcr2, r.dbsr}) {
                out.writeInt(x);
            }
            writeInts(out, r.ivor);
            writeInts(out, r.sprg0to3);
            writeInts(out, r.iac);
            writeInts(out, r.dac);
            writeInts(out, r.dvc);
            // The core's own SPRs as (number, value) pairs, so that a core model with other SPRs can tell.
            int n = 0;
            for (int sprn = CORE_SPR_FIRST; sprn <= CORE_SPR_LAST; sprn++) {
                if (coreSpr(v, sprn)) {
                    n++;
                }
            }
            out.writeInt(n);
            for (int sprn = CORE_SPR_FIRST; sprn <= CORE_SPR_LAST; sprn++) {
                if (coreSpr(v, sprn)) {
                    out.writeShort(sprn);
                    out.writeInt(v.core.readSpr(sprn));
                }
            }
            long[] timers = v.timers.save(v.clock.now());
            out.writeInt(timers.length);
            for (long t : timers) {
                out.writeLong(t);
            }
            out.writeBoolean(externalLine);
            out.writeBoolean(criticalLine);
            writeInts(out, v.mmu.exportGuestTlb());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** MMUCR travels with the TLB image, whose import sets it. */
    private static boolean coreSpr(Vcpu440 v, int sprn) {
        return sprn != Spr.MMUCR && v.core.hasSpr(sprn);
    }

    /** What a blob holds, read completely before any of it is applied. */
    private static final class Image {
        final int[] gpr = new int[32];
        final long[] fpr = new long[32];
        final int[] user = new int[9];
        final int[] sprg4to7 = new int[4];
        final int[] supervisor = new int[14];
        final int[] ivor = new int[16];
        final int[] sprg0to3 = new int[4];
        final int[] iac = new int[4];
        final int[] dac = new int[2];
        final int[] dvc = new int[2];
        int[] coreSprs;
        int[] coreValues;
        long[] timers;
        boolean externalLine;
        boolean criticalLine;
        final int[] tlb = new int[Mmu440.GUEST_TLB_ENTRIES * 4 + 1];
    }

    /**
     * Loads a blob made by {@link #save}; returns the interrupt input levels it recorded (external, critical) for
     * the caller to set. The vCPU must be stopped (not inside {@code run()}).
     *
     * @throws IllegalArgumentException naming what is wrong with the blob; the vCPU is then unchanged
     */
    static boolean[] load(Vcpu440 v, byte[] blob) {
        Image m = read(v, blob);
        CpuState s = v.state;
        System.arraycopy(m.gpr, 0, s.gpr, 0, 32);
        System.arraycopy(m.fpr, 0, s.fpr, 0, 32);
        s.pc = m.user[0];
        s.cr = m.user[1];
        s.xer = m.user[2];
        s.lr = m.user[3];
        s.ctr = m.user[4];
        s.fpscr = m.user[5];
        s.msr = m.user[6] & v.core.implementedMsrBits();
        s.pid = m.user[7] & 0xFF;
        s.usprg0 = m.user[8];
        System.arraycopy(m.sprg4to7, 0, s.sprg4to7, 0, 4);
        s.reserved = false; // a reservation does not survive a snapshot: a pending stwcx. fails and retries
        BookeRegisters r = v.regs;
        int[] x = m.supervisor;
        r.srr0 = x[0];
        r.srr1 = x[1];
        r.csrr0 = x[2];
        r.csrr1 = x[3];
        r.mcsrr0 = x[4];
        r.mcsrr1 = x[5];
        r.dear = x[6];
        r.esr = x[7];
        r.mcsr = x[8];
        r.ivpr = x[9] & BookeRegisters.IVPR_MASK;
        r.dbcr0 = x[10];
        r.dbcr1 = x[11];
        r.dbcr2 = x[12];
        r.dbsr = x[13];
        for (int i = 0; i < 16; i++) {
            r.ivor[i] = m.ivor[i] & BookeRegisters.IVOR_MASK;
        }
        System.arraycopy(m.sprg0to3, 0, r.sprg0to3, 0, 4);
        System.arraycopy(m.iac, 0, r.iac, 0, 4);
        System.arraycopy(m.dac, 0, r.dac, 0, 2);
        System.arraycopy(m.dvc, 0, r.dvc, 0, 2);
        for (int i = 0; i < m.coreSprs.length; i++) {
            v.core.writeSpr(m.coreSprs[i], m.coreValues[i]); // the read-only cache-debug ones only read 0 anyway
        }
        v.mmu.importGuestTlb(m.tlb); // also MMUCR; the shadow TLB starts empty
        v.timers.load(v.clock.now(), m.timers);
        // RAM may hold other code now: no decoded instruction and no translation of the old contents may survive.
        v.cpu.invalidateCode(0, v.ram.size());
        v.mmu.flushShadow();
        v.mmu.contextChanged();
        v.exit.begin(ExitReason.TIMESLICE, s.pc, 0); // no access half done: the snapshot was taken between exits
        v.nextCheck = s.instructions; // look at the clock before the first instruction
        return new boolean[] {m.externalLine, m.criticalLine};
    }

    private static Image read(Vcpu440 v, byte[] blob) {
        if (blob == null) {
            throw new IllegalArgumentException("no vCPU state given");
        }
        Image m = new Image();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
            int magic = blob.length >= 4 ? in.readInt() : 0;
            if (magic != MAGIC) {
                throw new IllegalArgumentException("not a ppc440vm vCPU state (bad magic number 0x"
                        + Integer.toHexString(magic) + ")");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("vCPU state format version " + version
                        + " is not supported; this kvm-core reads version " + VERSION);
            }
            int pvr = in.readInt();
            if (pvr != v.core.pvr()) {
                throw new IllegalArgumentException(String.format(
                        "the vCPU state is of a core with PVR 0x%08x; this vCPU is a core with PVR 0x%08x", pvr,
                        v.core.pvr()));
            }
            readInts(in, m.gpr);
            for (int i = 0; i < 32; i++) {
                m.fpr[i] = in.readLong();
            }
            readInts(in, m.user);
            readInts(in, m.sprg4to7);
            readInts(in, m.supervisor);
            readInts(in, m.ivor);
            readInts(in, m.sprg0to3);
            readInts(in, m.iac);
            readInts(in, m.dac);
            readInts(in, m.dvc);
            int n = in.readInt();
            if (n < 0 || n > CORE_SPR_LAST - CORE_SPR_FIRST + 1) {
                throw new IllegalArgumentException("corrupt vCPU state: " + n + " core SPRs");
            }
            m.coreSprs = new int[n];
            m.coreValues = new int[n];
            for (int i = 0; i < n; i++) {
                int sprn = in.readUnsignedShort();
                if (!coreSpr(v, sprn)) {
                    throw new IllegalArgumentException("the vCPU state holds SPR " + sprn
                            + ", which this core does not have");
                }
                m.coreSprs[i] = sprn;
                m.coreValues[i] = in.readInt();
            }
            int t = in.readInt();
            if (t != BookeTimers.SAVED_WORDS) {
                throw new IllegalArgumentException("corrupt vCPU state: " + t + " timer values, not "
                        + BookeTimers.SAVED_WORDS);
            }
            m.timers = new long[t];
            for (int i = 0; i < t; i++) {
                m.timers[i] = in.readLong();
            }
            m.externalLine = in.readBoolean();
            m.criticalLine = in.readBoolean();
            readInts(in, m.tlb);
            if (in.available() > 0) {
                throw new IllegalArgumentException("corrupt vCPU state: " + in.available()
                        + " bytes after the end");
            }
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated vCPU state (" + blob.length + " bytes)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    private static void writeInts(DataOutputStream out, int[] a) throws IOException {
        for (int x : a) {
            out.writeInt(x);
        }
    }

    private static void readInts(DataInputStream in, int[] a) throws IOException {
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readInt();
        }
    }
}
