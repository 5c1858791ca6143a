package org.ppc440vm.netdev.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

public class PcapWriterTest {

    /** One parsed record: seconds, microseconds, original length and the stored bytes. */
    public static final class Record {
        public long seconds;
        public int micros;
        public int originalLength;
        public byte[] data;
    }

    /** Reads a big-endian classic pcap file back, checking its global header. */
    public static List<Record> parse(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        assertEquals(0xa1b2c3d4, b.getInt(), "magic, big-endian");
        assertEquals(2, b.getShort());
        assertEquals(4, b.getShort());
        assertEquals(0, b.getInt(), "thiszone");
        assertEquals(0, b.getInt(), "sigfigs");
        assertEquals(65535, b.getInt(), "snaplen");
        assertEquals(1, b.getInt(), "Ethernet");
        List<Record> out = new ArrayList<>();
        while (b.hasRemaining()) {
            Record r = new Record();
            r.seconds = b.getInt() & 0xFFFFFFFFL;
            r.micros = b.getInt();
            int stored = b.getInt();
            r.originalLength = b.getInt();
            r.data = new byte[stored];
            b.get(r.data);
            out.add(r);
        }
        return out;
    }

    @Test
    void headerBytesAreTheClassicBigEndianForm() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        new PcapWriter(sink).close();
        assertArrayEquals(new byte[] {(byte) 0xa1, (byte) 0xb2, (byte) 0xc3, (byte) 0xd4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 1}, sink.toByteArray());
    }

    @Test
    void aRecordIsWrittenAndParsesBack() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PcapWriter w = new PcapWriter(sink);
        byte[] frame = new byte[60];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) (i * 7);
        }
        ByteBuffer buf = ByteBuffer.wrap(frame, 0, 60);
        buf.position(4); // only the remaining bytes count
        w.append(buf, 1_700_000_000L, 123_456);
        assertEquals(4, buf.position(), "the frame is left as it was");
        w.append(ByteBuffer.allocateDirect(70_000), 1_700_000_001L, 5);
        w.close();
        byte[] file = sink.toByteArray();
        assertEquals(24 + 16 + 56 + 16 + 65535, file.length);
        assertArrayEquals(new byte[] {0x65, 0x53, (byte) 0xf1, 0x00, 0x00, 0x01, (byte) 0xe2, 0x40, 0, 0, 0, 56, 0, 0,
                0, 56}, Arrays.copyOfRange(file, 24, 40), "record header");
        List<Record> records = parse(file);
        assertEquals(2, records.size());
        assertEquals(1_700_000_000L, records.get(0).seconds);
        assertEquals(123_456, records.get(0).micros);
        assertEquals(56, records.get(0).originalLength);
        assertArrayEquals(Arrays.copyOfRange(frame, 4, 60), records.get(0).data);
        assertEquals(70_000, records.get(1).originalLength, "the wire length is kept");
        assertEquals(65535, records.get(1).data.length, "the stored bytes stop at the snap length");
    }
}
