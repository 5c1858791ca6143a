package org.ppc440vm.netdev.user;

/**
 * Builds the frames the stack sends to the guest: Ethernet from the router's MAC, IPv4 without options or
 * fragmentation (don't-fragment set, TTL 64), and the TCP, UDP and ICMP on top, all with their checksums.
 * Used only on the stack's thread.
 */
final class FrameBuilder {
    static final int ETH_HEADER = 14;
    static final int IP_HEADER = 20;
    static final int L4 = ETH_HEADER + IP_HEADER;
    static final int UDP_HEADER = 8;
    static final int TCP_HEADER = 20;

    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int PROTO_ICMP = 1;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;

    static final int TCP_FIN = 0x01;
    static final int TCP_SYN = 0x02;
    static final int TCP_RST = 0x04;
    static final int TCP_PSH = 0x08;
    static final int TCP_ACK = 0x10;

    private int ipIdentification;

    /** A frame with Ethernet and IPv4 headers filled in and room for {@code l4Length} bytes at {@link #L4}. */
    byte[] ipv4(byte[] dstMac, int src, int dst, int protocol, int l4Length) {
        byte[] f = new byte[L4 + l4Length];
        System.arraycopy(dstMac, 0, f, 0, 6);
        System.arraycopy(VirtualNetwork.ROUTER_MAC, 0, f, 6, 6);
        Wire.put16(f, 12, ETHERTYPE_IPV4);
        f[14] = 0x45;
        Wire.put16(f, 16, IP_HEADER + l4Length);
        Wire.put16(f, 18, ipIdentification++);
        Wire.put16(f, 20, 0x4000); // don't fragment
        f[22] = 64;
        f[23] = (byte) protocol;
        Wire.put32(f, 26, src);
        Wire.put32(f, 30, dst);
        Wire.put16(f, 24, Wire.checksum(f, ETH_HEADER, IP_HEADER));
        return f;
    }

    byte[] udp(byte[] dstMac, int src, int srcPort, int dst, int dstPort, byte[] data, int off, int len) {
        int l4 = UDP_HEADER + len;
        byte[] f = ipv4(dstMac, src, dst, PROTO_UDP, l4);
        Wire.put16(f, L4, srcPort);
        Wire.put16(f, L4 + 2, dstPort);
        Wire.put16(f, L4 + 4, l4);
        System.arraycopy(data, off, f, L4 + UDP_HEADER, len);
        int sum = Wire.finish(Wire.sum(f, L4, l4, Wire.pseudoHeader(src, dst, PROTO_UDP, l4)));
        Wire.put16(f, L4 + 6, sum == 0 ? 0xFFFF : sum); // 0 means "no checksum" in UDP
        return f;
    }

    /** A TCP segment; with {@code mss > 0} it carries an MSS option (on SYNs). */
    byte[] tcp(byte[] dstMac, int src, int srcPort, int dst, int dstPort, int seq, int ack, int flags, int window,
            int mss, byte[] data, int off, int len) {
        int header = mss > 0 ? TCP_HEADER + 4 : TCP_HEADER;
        int l4 = header + len;
        byte[] f = ipv4(dstMac, src, dst, PROTO_TCP, l4);
        Wire.put16(f, L4, srcPort);
        Wire.put16(f, L4 + 2, dstPort);
        Wire.put32(f, L4 + 4, seq);
        Wire.put32(f, L4 + 8, (flags & TCP_ACK) != 0 ? ack : 0);
        f[L4 + 12] = (byte) ((header / 4) << 4);
        f[L4 + 13] = (byte) flags;
        Wire.put16(f, L4 + 14, Math.min(window, 0xFFFF));
        if (mss > 0) {
            f[L4 + 20] = 2; // kind: maximum segment size
            f[L4 + 21] = 4;
            Wire.put16(f, L4 + 22, mss);
        }
        if (len > 0) {
            System.arraycopy(data, off, f, L4 + header, len);
        }
        Wire.put16(f, L4 + 16, Wire.finish(Wire.sum(f, L4, l4, Wire.pseudoHeader(src, dst, PROTO_TCP, l4))));
        return f;
    }

    /** An ICMP message: type, code, the 4 bytes after the checksum ({@code rest}) and a body. */
    byte[] icmp(byte[] dstMac, int src, int dst, int type, int code, int rest, byte[] body, int off, int len) {
        int l4 = 8 + len;
        byte[] f = ipv4(dstMac, src, dst, PROTO_ICMP, l4);
        f[L4] = (byte) type;
        f[L4 + 1] = (byte) code;
        Wire.put32(f, L4 + 4, rest);
        System.arraycopy(body, off, f, L4 + 8, len);
        Wire.put16(f, L4 + 2, Wire.checksum(f, L4, l4));
        return f;
    }

    /** An ARP packet (Ethernet/IPv4) from the router's MAC: {@code op} 1 = request, 2 = reply. */
    static byte[] arp(int op, byte[] dstMac, int senderIp, byte[] targetMac, int targetIp) {
        byte[] f = new byte[ETH_HEADER + 28];
        System.arraycopy(dstMac, 0, f, 0, 6);
        System.arraycopy(VirtualNetwork.ROUTER_MAC, 0, f, 6, 6);
        Wire.put16(f, 12, ETHERTYPE_ARP);
        Wire.put16(f, 14, 1);              // hardware: Ethernet
        Wire.put16(f, 16, ETHERTYPE_IPV4); // protocol: IPv4
        f[18] = 6;
        f[19] = 4;
        Wire.put16(f, 20, op);
        System.arraycopy(VirtualNetwork.ROUTER_MAC, 0, f, 22, 6);
        Wire.put32(f, 28, senderIp);
        System.arraycopy(targetMac, 0, f, 32, 6);
        Wire.put32(f, 38, targetIp);
        return f;
    }
}
