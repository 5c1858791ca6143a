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
        String[] parts = s.substring(4).split(",");
        String hostPort = parts[0];
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("-monitor " + spec + ": expected tcp:HOST:PORT");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            host = "127.0.0.1";
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-monitor " + spec + ": bad port '" + hostPort.substring(colon + 1) + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("-monitor " + spec + ": port " + port + " is outside 0-65535");
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            switch (p) {
                case "server": case "server=on": case "nowait": case "wait=off":
                    break;
                case "server=off":
                    throw new IllegalArgumentException("-monitor " + spec + ": only a listening server is supported");
                case "wait": case "wait=on":
                    throw new IllegalArgumentException("-monitor " + spec + ": wait=on is not supported (the runtime"
                            + " starts at once and a client may connect at any time)");
                default:
                    throw new IllegalArgumentException("-monitor " + spec + ": unknown option '" + p + "'");
            }
        }
        if (!isLoopback(host)) {
            throw new IllegalArgumentException("-monitor " + spec + ": the monitor listens on loopback addresses only"
                    + " (such as 127.0.0.1): it is the runtime's whole shell");
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
