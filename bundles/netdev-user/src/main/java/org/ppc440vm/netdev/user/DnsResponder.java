package org.ppc440vm.netdev.user;

import java.util.Locale;

/**
 * The DNS server at 10.0.2.3 (RFC 1035). It never forwards a query: resolving names on the host could send traffic
 * beyond the host's loopback, which this stack never does. It answers only names that are loopback by definition
 * (RFC 6761): {@code localhost} and names under {@code .localhost} have the A record 127.0.0.1 (the guest's own
 * loopback, as on any machine) and no AAAA record; every other name gets REFUSED ("this server will not answer
 * that"), so the guest's resolver reports a failure at once instead of waiting for a timeout. A malformed query
 * gets FORMERR, another opcode NOTIMP, something that is not a query nothing. Used only on the stack's thread.
 */
final class DnsResponder {
    static final int PORT = 53;
    static final int TTL_SECONDS = 60;

    static final int NOERROR = 0;
    static final int FORMERR = 1;
    static final int NOTIMP = 4;
    static final int REFUSED = 5;

    private static final int TYPE_A = 1;
    private static final int TYPE_ANY = 255;
    private static final int CLASS_IN = 1;
    private static final int HEADER = 12;

    private final Counters counters;

    DnsResponder(Counters counters) {
        this.counters = counters;
    }

    /** Answers one query ({@code len} bytes of UDP payload at {@code off}); returns the response, or null. */
    byte[] handle(byte[] p, int off, int len) {
        if (len < HEADER || (Wire.u8(p, off + 2) & 0x80) != 0) {
            counters.increment("dns.malformed");
            return null;
        }
        int id = Wire.u16(p, off);
        int opcode = (Wire.u8(p, off + 2) >>> 3) & 0xF;
        boolean recursionDesired = (Wire.u8(p, off + 2) & 1) != 0;
        if (opcode != 0) {
            return header(id, opcode, recursionDesired, NOTIMP, 0, 0);
        }
        if (Wire.u16(p, off + 4) != 1) {
            counters.increment("dns.malformed");
            return header(id, opcode, recursionDesired, FORMERR, 0, 0);
        }
        // The question: labels up to a zero byte (no compression pointers in a question), then type and class.
        StringBuilder name = new StringBuilder();
        int i = off + HEADER;
        int end = off + len;
        while (true) {
            if (i >= end) {
                counters.increment("dns.malformed");
                return header(id, opcode, recursionDesired, FORMERR, 0, 0);
            }
            int label = Wire.u8(p, i);
            if (label == 0) {
                i++;
                break;
            }
            if (label > 63 || i + 1 + label > end || name.length() + label + 1 > 255) {
                counters.increment("dns.malformed");
                return header(id, opcode, recursionDesired, FORMERR, 0, 0);
            }
            if (name.length() > 0) {
                name.append('.');
            }
            for (int k = 0; k < label; k++) {
                name.append((char) (p[i + 1 + k] & 0xFF));
            }
            i += 1 + label;
        }
        if (i + 4 > end) {
            counters.increment("dns.malformed");
            return header(id, opcode, recursionDesired, FORMERR, 0, 0);
        }
        int qtype = Wire.u16(p, i);
        int qclass = Wire.u16(p, i + 2);
        int questionEnd = i + 4;
        String n = name.toString().toLowerCase(Locale.ROOT);
        boolean loopbackName = n.equals("localhost") || n.endsWith(".localhost");
        if (!loopbackName || qclass != CLASS_IN) {
            counters.increment("dns.refused");
            return withQuestion(header(id, opcode, recursionDesired, REFUSED, 1, 0), p, off + HEADER, questionEnd, 0);
        }
        counters.increment("dns.answered");
        boolean answerA = qtype == TYPE_A || qtype == TYPE_ANY;
        byte[] r = withQuestion(header(id, opcode, recursionDesired, NOERROR, 1, answerA ? 1 : 0), p, off + HEADER,
                questionEnd, answerA ? 16 : 0);
        if (answerA) {
            int a = r.length - 16;
            Wire.put16(r, a, 0xC000 | HEADER); // the name: a pointer to the question's
            Wire.put16(r, a + 2, TYPE_A);
            Wire.put16(r, a + 4, CLASS_IN);
            Wire.put32(r, a + 6, TTL_SECONDS);
            Wire.put16(r, a + 10, 4);
            Wire.put32(r, a + 12, VirtualNetwork.HOST_LOOPBACK);
        }
        return r;
    }

    private static byte[] header(int id, int opcode, boolean rd, int rcode, int questions, int answers) {
        byte[] r = new byte[HEADER];
        Wire.put16(r, 0, id);
        r[2] = (byte) (0x80 | opcode << 3 | 0x04 | (rd ? 1 : 0)); // a response, authoritative
        r[3] = (byte) rcode;
        Wire.put16(r, 4, questions);
        Wire.put16(r, 6, answers);
        return r;
    }

    private static byte[] withQuestion(byte[] header, byte[] p, int from, int to, int extra) {
        byte[] r = new byte[HEADER + (to - from) + extra];
        System.arraycopy(header, 0, r, 0, HEADER);
        System.arraycopy(p, from, r, HEADER, to - from);
        return r;
    }
}
