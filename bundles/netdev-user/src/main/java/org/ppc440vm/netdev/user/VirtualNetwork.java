package org.ppc440vm.netdev.user;

/**
 * The addresses of the network the guest sees, the same as QEMU's user networking: 10.0.2.0/24, the gateway (which
 * stands for the host's loopback) at 10.0.2.2, the DNS server at 10.0.2.3, DHCP leases from 10.0.2.15.
 */
final class VirtualNetwork {

    private VirtualNetwork() {
    }

    static final int NETWORK = Wire.ip(10, 0, 2, 0);
    static final int NETMASK = Wire.ip(255, 255, 255, 0);
    static final int GATEWAY = Wire.ip(10, 0, 2, 2);
    static final int DNS = Wire.ip(10, 0, 2, 3);
    static final int FIRST_LEASE = Wire.ip(10, 0, 2, 15);
    static final int SUBNET_BROADCAST = Wire.ip(10, 0, 2, 255);
    static final int BROADCAST = 0xFFFFFFFF;
    /** The host address the gateway stands for: datagrams and connections to 10.0.2.2:P go to 127.0.0.1:P. */
    static final int HOST_LOOPBACK = Wire.ip(127, 0, 0, 1);

    /** The MAC address of the gateway and the DNS server, as QEMU's (52:55 then the gateway's IPv4 address). */
    static final byte[] ROUTER_MAC = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
    static final byte[] BROADCAST_MAC = {-1, -1, -1, -1, -1, -1};

    /** Largest IPv4 packet on the virtual link (Ethernet MTU). */
    static final int MTU = 1500;
    /** Largest TCP payload per segment on that link: MTU minus 20 bytes of IPv4 and 20 of TCP header. */
    static final int MSS = MTU - 40;

    static boolean isRouterAddress(int ip) {
        return ip == GATEWAY || ip == DNS;
    }

    static boolean inNetwork(int ip) {
        return (ip & NETMASK) == NETWORK;
    }
}
