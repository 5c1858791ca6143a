package org.ppc440vm.netdev.user;

/**
 * One {@code hostfwd=tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT} rule (QEMU's syntax): connections to
 * HOSTADDR:HOSTPORT on the host become connections from 10.0.2.2 to GUESTADDR:GUESTPORT in the guest.
 *
 * <p>Unlike QEMU, an empty HOSTADDR means 127.0.0.1, not every interface, and only loopback host addresses are
 * accepted: the stack never opens a socket beyond the host's loopback. An empty GUESTADDR means 10.0.2.15, the first
 * DHCP lease. HOSTPORT 0 takes an ephemeral port ({@link UserStack#describe()} tells which). Only TCP is forwarded.
 */
final class HostForward {
    final int hostAddress;
    final int hostPort;
    final int guestAddress;
    final int guestPort;

    HostForward(int hostAddress, int hostPort, int guestAddress, int guestPort) {
        this.hostAddress = hostAddress;
        this.hostPort = hostPort;
        this.guestAddress = guestAddress;
        this.guestPort = guestPort;
    }

    /** Parses one rule; throws IllegalArgumentException saying what is wrong. */
    static HostForward parse(String rule) {
        String r = rule.trim();
        int colon = r.indexOf(':');
        String proto = colon < 0 ? "" : r.substring(0, colon);
        if (!proto.equals("tcp") && !proto.isEmpty()) {
            throw new IllegalArgumentException("hostfwd '" + rule + "': only tcp is forwarded, not " + proto);
        }
        String rest = r.substring(colon + 1);
        int dash = rest.indexOf('-');
        if (colon < 0 || dash < 0) {
            throw new IllegalArgumentException(
                    "hostfwd '" + rule + "' is not tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT");
        }
        String host = rest.substring(0, dash);
        String guest = rest.substring(dash + 1);
        int hostAddress = address(rule, host, VirtualNetwork.HOST_LOOPBACK);
        if ((hostAddress >>> 24) != 127) {
            throw new IllegalArgumentException("hostfwd '" + rule + "': the host address must be a loopback address "
                    + "(127.x.x.x); this stack listens on nothing else");
        }
        int guestAddress = address(rule, guest, VirtualNetwork.FIRST_LEASE);
        if (!VirtualNetwork.inNetwork(guestAddress) || VirtualNetwork.isRouterAddress(guestAddress)) {
            throw new IllegalArgumentException("hostfwd '" + rule + "': the guest address must be a guest's address "
                    + "in 10.0.2.0/24");
        }
        int hostPort = port(rule, host, true);
        int guestPort = port(rule, guest, false);
        return new HostForward(hostAddress, hostPort, guestAddress, guestPort);
    }

    private static int address(String rule, String hostAndPort, int dflt) {
        int colon = hostAndPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("hostfwd '" + rule + "': '" + hostAndPort + "' is not [ADDR]:PORT");
        }
        String a = hostAndPort.substring(0, colon);
        if (a.isEmpty()) {
            return dflt;
        }
        if (a.equals("localhost")) {
            return VirtualNetwork.HOST_LOOPBACK;
        }
        String[] parts = a.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("hostfwd '" + rule + "': '" + a + "' is not an IPv4 address");
        }
        int v = 0;
        for (String part : parts) {
            int b;
            try {
                b = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                b = -1;
            }
            if (b < 0 || b > 255) {
                throw new IllegalArgumentException("hostfwd '" + rule + "': '" + a + "' is not an IPv4 address");
            }
            v = v << 8 | b;
        }
        return v;
    }

    private static int port(String rule, String hostAndPort, boolean zeroAllowed) {
        String p = hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1);
        int v;
        try {
            v = Integer.parseInt(p);
        } catch (NumberFormatException e) {
            v = -1;
        }
        if (v < (zeroAllowed ? 0 : 1) || v > 65535) {
            throw new IllegalArgumentException("hostfwd '" + rule + "': '" + p + "' is not a port number");
        }
        return v;
    }

    /** Same addresses and ports: a live update keeps such a rule's listener (and its ephemeral port). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof HostForward)) {
            return false;
        }
        HostForward f = (HostForward) o;
        return f.hostAddress == hostAddress && f.hostPort == hostPort && f.guestAddress == guestAddress
                && f.guestPort == guestPort;
    }

    @Override
    public int hashCode() {
        return ((hostAddress * 31 + hostPort) * 31 + guestAddress) * 31 + guestPort;
    }

    @Override
    public String toString() {
        return "tcp:" + Wire.ip(hostAddress) + ":" + hostPort + "-" + Wire.ip(guestAddress) + ":" + guestPort;
    }
}
