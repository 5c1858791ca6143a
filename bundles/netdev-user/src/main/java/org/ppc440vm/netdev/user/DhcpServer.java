package org.ppc440vm.netdev.user;

import java.util.HashMap;
import java.util.Map;

/**
 * The DHCP server at 10.0.2.2 (RFC 2131, options RFC 2132): leases 10.0.2.15 (then .16, ... for further clients,
 * up to {@link #MAX_LEASES}) for {@link #LEASE_SECONDS}, with router 10.0.2.2, DNS 10.0.2.3 and a /24 mask. Answers
 * DISCOVER with OFFER, REQUEST with ACK (or NAK for an address that is not the client's), INFORM with ACK, and takes
 * RELEASE. Replies are broadcast, which every client accepts whatever state it is in. Used only on the stack's thread.
 */
final class DhcpServer {
    static final int SERVER_PORT = 67;
    static final int CLIENT_PORT = 68;
    static final int LEASE_SECONDS = 86400;
    static final int MAX_LEASES = 16;

    static final int DISCOVER = 1;
    static final int OFFER = 2;
    static final int REQUEST = 3;
    static final int DECLINE = 4;
    static final int ACK = 5;
    static final int NAK = 6;
    static final int RELEASE = 7;
    static final int INFORM = 8;

    private static final int OPTIONS = 240;
    private static final int MAGIC_COOKIE = 0x63825363;

    private static final int OPT_PAD = 0;
    private static final int OPT_SUBNET_MASK = 1;
    private static final int OPT_ROUTER = 3;
    private static final int OPT_DNS = 6;
    private static final int OPT_REQUESTED_IP = 50;
    private static final int OPT_LEASE_TIME = 51;
    private static final int OPT_MESSAGE_TYPE = 53;
    private static final int OPT_SERVER_ID = 54;
    private static final int OPT_END = 255;

    /** Client hardware address (as a string) to its leased address. */
    private final Map<String, Integer> leases = new HashMap<>();
    private final Counters counters;

    DhcpServer(Counters counters) {
        this.counters = counters;
    }

    /**
     * Answers one BOOTREQUEST ({@code len} bytes of UDP payload at {@code off}); returns the reply's UDP payload, or
     * null when there is nothing to send (malformed, a RELEASE, or a REQUEST meant for another server).
     */
    byte[] handle(byte[] p, int off, int len) {
        if (len < OPTIONS || Wire.u8(p, off) != 1 || Wire.u8(p, off + 1) != 1 || Wire.u8(p, off + 2) != 6
                || Wire.i32(p, off + 236) != MAGIC_COOKIE) {
            counters.increment("dhcp.malformed");
            return null;
        }
        int type = 0;
        int requested = 0;
        int serverId = 0;
        int i = off + OPTIONS;
        int end = off + len;
        while (i < end) {
            int code = Wire.u8(p, i);
            if (code == OPT_END) {
                break;
            }
            if (code == OPT_PAD) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                break;
            }
            int olen = Wire.u8(p, i + 1);
            if (i + 2 + olen > end) {
                counters.increment("dhcp.malformed");
                return null;
            }
            if (code == OPT_MESSAGE_TYPE && olen >= 1) {
                type = Wire.u8(p, i + 2);
            } else if (code == OPT_REQUESTED_IP && olen >= 4) {
                requested = Wire.i32(p, i + 2);
            } else if (code == OPT_SERVER_ID && olen >= 4) {
                serverId = Wire.i32(p, i + 2);
            }
            i += 2 + olen;
        }
        int xid = Wire.i32(p, off + 4);
        int flags = Wire.u16(p, off + 10);
        int ciaddr = Wire.i32(p, off + 12);
        byte[] chaddr = new byte[6];
        System.arraycopy(p, off + 28, chaddr, 0, 6);
        String client = Wire.mac(chaddr);
        counters.increment("dhcp.requests");
        switch (type) {
            case DISCOVER: {
                Integer ip = leaseFor(client);
                return ip == null ? null : reply(OFFER, xid, flags, 0, ip, chaddr);
            }
            case REQUEST: {
                if (serverId != 0 && serverId != VirtualNetwork.GATEWAY) {
                    leases.remove(client); // the client took another server's offer
                    return null;
                }
                int wanted = requested != 0 ? requested : ciaddr;
                Integer ip = leaseFor(client);
                if (ip == null || wanted != ip) {
                    return reply(NAK, xid, flags, 0, 0, chaddr);
                }
                return reply(ACK, xid, flags, ciaddr, ip, chaddr);
            }
            case INFORM:
                return reply(ACK, xid, flags, ciaddr, 0, chaddr);
            case RELEASE:
            case DECLINE:
                leases.remove(client);
                return null;
            default:
                counters.increment("dhcp.malformed");
                return null;
        }
    }

    /** The client's lease, a new one when it has none, or null when every address is taken. */
    private Integer leaseFor(String client) {
        Integer ip = leases.get(client);
        if (ip != null) {
            return ip;
        }
        for (int n = 0; n < MAX_LEASES; n++) {
            int candidate = VirtualNetwork.FIRST_LEASE + n;
            if (!leases.containsValue(candidate)) {
                leases.put(client, candidate);
                return candidate;
            }
        }
        counters.increment("dhcp.exhausted");
        return null;
    }

    /** The address leased to a client MAC, or 0. */
    int leasedAddress(byte[] mac) {
        Integer ip = leases.get(Wire.mac(mac));
        return ip == null ? 0 : ip;
    }

    private static byte[] reply(int type, int xid, int flags, int ciaddr, int yiaddr, byte[] chaddr) {
        byte[] r = new byte[300]; // the BOOTP minimum; some clients reject shorter messages
        r[0] = 2; // BOOTREPLY
        r[1] = 1;
        r[2] = 6;
        Wire.put32(r, 4, xid);
        Wire.put16(r, 10, flags);
        Wire.put32(r, 12, ciaddr);
        Wire.put32(r, 16, yiaddr);
        Wire.put32(r, 20, type == NAK ? 0 : VirtualNetwork.GATEWAY);
        System.arraycopy(chaddr, 0, r, 28, 6);
        Wire.put32(r, 236, MAGIC_COOKIE);
        int i = OPTIONS;
        r[i++] = OPT_MESSAGE_TYPE;
        r[i++] = 1;
        r[i++] = (byte) type;
        i = option32(r, i, OPT_SERVER_ID, VirtualNetwork.GATEWAY);
        if (type != NAK) {
            if (yiaddr != 0) {
                i = option32(r, i, OPT_LEASE_TIME, LEASE_SECONDS);
            }
            i = option32(r, i, OPT_SUBNET_MASK, VirtualNetwork.NETMASK);
            i = option32(r, i, OPT_ROUTER, VirtualNetwork.GATEWAY);
            i = option32(r, i, OPT_DNS, VirtualNetwork.DNS);
        }
        r[i] = (byte) OPT_END;
        return r;
    }

    private static int option32(byte[] r, int i, int code, int value) {
        r[i] = (byte) code;
        r[i + 1] = 4;
        Wire.put32(r, i + 2, value);
        return i + 6;
    }
}
