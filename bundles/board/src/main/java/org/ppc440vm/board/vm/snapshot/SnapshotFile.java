package org.ppc440vm.board.vm.snapshot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

import org.ppc440vm.api.device.DeviceState;

/**
 * The snapshot file format, version 1. A plain header, then one deflated body:
 *
 * <pre>
 *   "P440SNAP"  int version
 *   deflate {
 *     string  description ("vm0 at 2026-11-25T04:00:00Z")
 *     long    RAM bytes
 *     int n;  n x device { string name, string type, long base, long window size, int interrupt }
 *     bytes   vCPU state (VirtualCpu.saveState)
 *     state   UIC0
 *     n x     { boolean present; state }        the devices' states, in the order above
 *     int     page size (4096), int pages;  pages x { int page number, page bytes }   RAM pages that are not all 0
 *     int     END
 *     long    CRC-32 of the body up to here
 *   }
 * </pre>
 * A state is {@code string type, int version, int fields, fields x {string name, byte tag, value}} with tags
 * {@code J} long, {@code S} string, {@code B} bytes, {@code A} long[]; strings and byte arrays are length-prefixed.
 * All numbers are big-endian ({@link DataOutputStream}).
 *
 * <p>Reading is all or nothing: {@link #read} parses the whole body and checks the CRC, skipping over the RAM pages
 * (only counting them), and {@link #readRam} reads the pages into RAM in a second pass once everything is known to be
 * intact and to fit the VM.
 */
final class SnapshotFile {
    static final byte[] MAGIC = "P440SNAP".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int PAGE = 4096;
    static final int END = 0x454E_4421; // "END!"
    private static final int MAX_STRING = 1 << 20;
    private static final int MAX_BLOB = 1 << 30;

    /** One device window of the machine, as the snapshot describes it. */
    static final class Device {
        final String name;
        final String type;
        final long base;
        final long windowSize;
        final int interrupt;

        Device(String name, String type, long base, long windowSize, int interrupt) {
            this.name = name;
            this.type = type;
            this.base = base;
            this.windowSize = windowSize;
            this.interrupt = interrupt;
        }

        @Override
        public String toString() {
            return String.format("%s (%s at 0x%08x, 0x%x bytes, UIC0 source %d)", name, type, base, windowSize,
                    interrupt);
        }
    }

    /** Everything but the RAM pages. */
    static final class Contents {
        String description;
        long ramBytes;
        final List<Device> devices = new ArrayList<>();
        byte[] vcpu;
        DeviceState uic;
        /** One per device; null where the device had no state (detached). */
        final List<DeviceState> deviceStates = new ArrayList<>();
        int ramPages;
    }

    /** Where the RAM pages come from when writing. */
    interface RamSource {
        long size();

        /** The page at {@code offset}, into {@code page}. */
        void read(long offset, byte[] page);
    }

    private SnapshotFile() {
    }

    // ---- writing ----

    static void write(OutputStream raw, Contents c, RamSource ram) throws IOException {
        raw.write(MAGIC);
        new DataOutputStream(raw).writeInt(VERSION);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            DeflaterOutputStream z = new DeflaterOutputStream(raw, deflater, 1 << 16);
            CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(z, 1 << 16), new CRC32());
            DataOutputStream out = new DataOutputStream(checked);
            writeString(out, c.description);
            out.writeLong(c.ramBytes);
            out.writeInt(c.devices.size());
            for (Device d : c.devices) {
                writeString(out, d.name);
                writeString(out, d.type);
                out.writeLong(d.base);
                out.writeLong(d.windowSize);
                out.writeInt(d.interrupt);
            }
            writeBytes(out, c.vcpu);
            writeState(out, c.uic);
            for (DeviceState s : c.deviceStates) {
                out.writeBoolean(s != null);
                if (s != null) {
                    writeState(out, s);
                }
            }
            writeRam(out, ram);
            out.writeInt(END);
            out.flush();
            long crc = checked.getChecksum().getValue();
            out.writeLong(crc);
            out.flush();
            z.finish();
        } finally {
            deflater.end();
        }
    }

    /** Only the pages that are not all zero: a booted Linux leaves most of a 256 MiB guest untouched. */
    private static void writeRam(DataOutputStream out, RamSource ram) throws IOException {
        long pages = ram.size() / PAGE;
        byte[] page = new byte[PAGE];
        byte[] zero = new byte[PAGE];
        int used = 0;
        for (long p = 0; p < pages; p++) {
            ram.read(p * PAGE, page);
            if (Arrays.mismatch(page, zero) >= 0) {
                used++;
            }
        }
        out.writeInt(PAGE);
        out.writeInt(used);
        for (long p = 0; p < pages; p++) {
            ram.read(p * PAGE, page);
            if (Arrays.mismatch(page, zero) >= 0) {
                out.writeInt((int) p);
                out.write(page);
            }
        }
    }

    static void writeState(DataOutputStream out, DeviceState s) throws IOException {
        writeString(out, s.deviceType());
        out.writeInt(s.version());
        List<String> names = new ArrayList<>();
        s.fieldNames().forEach(names::add);
        out.writeInt(names.size());
        for (String f : names) {
            writeString(out, f);
            Object v = value(s, f);
            if (v instanceof Long) {
                out.writeByte('J');
                out.writeLong((Long) v);
            } else if (v instanceof String) {
                out.writeByte('S');
                writeString(out, (String) v);
            } else if (v instanceof byte[]) {
                out.writeByte('B');
                writeBytes(out, (byte[]) v);
            } else {
                long[] a = (long[]) v;
                out.writeByte('A');
                out.writeInt(a.length);
                for (long x : a) {
                    out.writeLong(x);
                }
            }
        }
    }

    /**
     * A field's value. DeviceState keeps its map private and offers typed getters only, which cast: the first getter
     * that does not fail says the type (one of the four the class allows).
     */
    private static Object value(DeviceState s, String field) {
        try {
            return s.getLong(field);
        } catch (ClassCastException e) {
            // not a Long
        }
        try {
            return s.getString(field);
        } catch (ClassCastException e) {
            // not a String
        }
        try {
            return s.getBytes(field);
        } catch (ClassCastException e) {
            return s.getLongs(field);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    // ---- reading ----

    /** The body of an open file: the data, and the checksum of what has been read of it. */
    private static final class Body {
        final CheckedInputStream checked;
        final DataInputStream in;

        Body(InputStream inflated) {
            checked = new CheckedInputStream(inflated, new CRC32());
            in = new DataInputStream(checked);
        }
    }

    /** Opens the body of {@code file} after checking the header. */
    private static Body open(Path file, InputStream raw) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        int n = raw.readNBytes(magic, 0, magic.length);
        if (n < magic.length || !Arrays.equals(magic, MAGIC)) {
            throw new SnapshotException(file + " is not a ppc440vm snapshot (it does not start with "
                    + new String(MAGIC, StandardCharsets.US_ASCII) + ")");
        }
        int version = new DataInputStream(raw).readInt();
        if (version != VERSION) {
            throw new SnapshotException(file + " is a snapshot in format version " + version
                    + "; this ppc440vm reads format version " + VERSION);
        }
        return new Body(new BufferedInputStream(new InflaterInputStream(raw), 1 << 16));
    }

    /** Reads and checks the whole file, RAM pages only counted. */
    static Contents read(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            Body body = open(file, raw);
            Contents c = readHead(body.in);
            c.ramPages = readPages(file, body.in, c.ramBytes, (offset, p) -> { });
            finish(file, body);
            return c;
        } catch (NoSuchFileException e) {
            throw new SnapshotException(file + ": no such file");
        } catch (EOFException e) {
            throw new SnapshotException(file + " is truncated (it ends before the snapshot does)");
        } catch (ZipException e) {
            throw new SnapshotException(file + " is damaged (" + e.getMessage() + ")");
        }
    }

    /** Where pages go when reading. */
    interface PageSink {
        void page(long offset, byte[] page);
    }

    /** The second pass: the RAM pages into {@code sink} (the file was checked by {@link #read}). */
    static void readRam(Path file, PageSink sink) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            Body body = open(file, raw);
            Contents c = readHead(body.in);
            readPages(file, body.in, c.ramBytes, sink);
        } catch (EOFException e) {
            throw new SnapshotException(file + " is truncated (it changed since it was checked)");
        }
    }

    private static Contents readHead(DataInputStream in) throws IOException {
        Contents c = new Contents();
        c.description = readString(in);
        c.ramBytes = in.readLong();
        int n = in.readInt();
        if (n < 0 || n > 4096) {
            throw new SnapshotException("corrupt snapshot: " + n + " devices");
        }
        for (int i = 0; i < n; i++) {
            c.devices.add(new Device(readString(in), readString(in), in.readLong(), in.readLong(), in.readInt()));
        }
        c.vcpu = readBytes(in);
        c.uic = readState(in);
        for (int i = 0; i < n; i++) {
            c.deviceStates.add(in.readBoolean() ? readState(in) : null);
        }
        return c;
    }

    private static int readPages(Path file, DataInputStream in, long ramBytes, PageSink sink) throws IOException {
        int pageSize = in.readInt();
        int pages = in.readInt();
        if (pageSize != PAGE || pages < 0 || (long) pages * PAGE > ramBytes) {
            throw new SnapshotException(file + " is damaged (RAM section: " + pages + " pages of " + pageSize
                    + " bytes for " + ramBytes + " bytes of RAM)");
        }
        byte[] page = new byte[PAGE];
        long last = -1;
        for (int i = 0; i < pages; i++) {
            long p = in.readInt() & 0xFFFF_FFFFL;
            if (p <= last || (p + 1) * PAGE > ramBytes) {
                throw new SnapshotException(file + " is damaged (RAM page " + p + " out of order or range)");
            }
            last = p;
            in.readFully(page);
            sink.page(p * PAGE, page);
        }
        return pages;
    }

    private static void finish(Path file, Body body) throws IOException {
        if (body.in.readInt() != END) {
            throw new SnapshotException(file + " is damaged (no end marker after the RAM)");
        }
        long computed = body.checked.getChecksum().getValue();
        long stored = body.in.readLong();
        if (computed != stored) {
            throw new SnapshotException(file + " is damaged (checksum mismatch)");
        }
    }

    static DeviceState readState(DataInputStream in) throws IOException {
        String type = readString(in);
        int version = in.readInt();
        int n = in.readInt();
        if (version < 1 || n < 0 || n > 65536) {
            throw new SnapshotException("corrupt snapshot: device state " + type + " v" + version + " with " + n
                    + " fields");
        }
        DeviceState.Builder b = DeviceState.builder(type, version);
        for (int i = 0; i < n; i++) {
            String name = readString(in);
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 'J':
                    b.put(name, in.readLong());
                    break;
                case 'S':
                    b.put(name, readString(in));
                    break;
                case 'B':
                    b.put(name, readBytes(in));
                    break;
                case 'A': {
                    int len = in.readInt();
                    if (len < 0 || len > MAX_BLOB / 8) {
                        throw new SnapshotException("corrupt snapshot: " + type + "." + name + " has " + len
                                + " values");
                    }
                    long[] a = new long[len];
                    for (int k = 0; k < len; k++) {
                        a[k] = in.readLong();
                    }
                    b.put(name, a);
                    break;
                }
                default:
                    throw new SnapshotException("corrupt snapshot: " + type + "." + name + " has unknown type tag "
                            + tag);
            }
        }
        return b.build();
    }

    private static String readString(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_STRING) {
            throw new SnapshotException("corrupt snapshot: a string of " + len + " bytes");
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_BLOB) {
            throw new SnapshotException("corrupt snapshot: a block of " + len + " bytes");
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }
}
