package org.ppc440vm.board.console;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The launcher's {@code -monitor} value: {@code stdio}, {@code none}, or {@code tcp:HOST:PORT[,server=on][,wait=off]}
 * (QEMU's spelling; {@code server}, {@code nowait} are accepted too). {@link #parse} answers the TCP address, or null
 * for stdio and none.
 *
 * <p>The monitor is the whole runtime's shell (it can install bundles and stop VMs), so it listens on loopback
 * addresses only; an empty HOST means 127.0.0.1. PORT 0 takes an ephemeral port, which the runtime names on stderr.
 */
public final class MonitorAddress {
    public final String host;
    public final int port;

    public MonitorAddress(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Null for {@code stdio} and {@code none}; throws IllegalArgumentException saying what is wrong. */
    public static MonitorAddress parse(String spec) {
        String s = spec.trim();
        if (s.equals("stdio") || s.equals("none")) {
            return null;
        }
        if (!s.startsWith("tcp:")) {
            throw new IllegalArgumentException("-monitor " + spec + ": expected stdio, none or tcp:127.0.0.1:PORT");
        }
        MonitorAddress a = parseServer("-monitor", spec, s.substring(4), "the runtime");
        String host = a.host.isEmpty() ? "127.0.0.1" : a.host;
        if (!isLoopback(host)) {
            throw new IllegalArgumentException("-monitor " + spec + ": the monitor listens on loopback addresses only"
                    + " (such as 127.0.0.1): it is the runtime's whole shell");
        }
        return new MonitorAddress(host, a.port);
    }

    /**
     * The part after {@code tcp:} of a listening address as QEMU writes it for -monitor and -serial:
     * {@code HOST:PORT[,server[=on]][,nowait|wait=off]} ({@code [v6]} brackets are taken off; HOST may be empty, for
     * the caller's default). Throws IllegalArgumentException starting with "OPTION SPEC: ".
     *
     * @param startsAtOnce what does not wait for a client ("the runtime", "the guest"), for the wait=on refusal
     */
    public static MonitorAddress parseServer(String option, String spec, String afterTcp, String startsAtOnce) {
        String[] parts = afterTcp.split(",");
        String hostPort = parts[0];
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(option + " " + spec + ": expected tcp:HOST:PORT");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + spec + ": bad port '" + hostPort.substring(colon + 1) + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " " + spec + ": port " + port + " is outside 0-65535");
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            switch (p) {
                case "server": case "server=on": case "nowait": case "wait=off":
                    break;
                case "server=off":
                    throw new IllegalArgumentException(option + " " + spec + ": only a listening server is supported");
                case "wait": case "wait=on":
                    throw new IllegalArgumentException(option + " " + spec + ": wait=on is not supported (" + startsAtOnce
                            + " starts at once and a client may connect at any time)");
                default:
                    throw new IllegalArgumentException(option + " " + spec + ": unknown option '" + p + "'");
            }
        }
        return new MonitorAddress(host, port);
    }

    /** Literal loopback addresses and "localhost"; no name lookups beyond that. */
    private static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            return false; // a host name: we do not resolve names for a listening address
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
