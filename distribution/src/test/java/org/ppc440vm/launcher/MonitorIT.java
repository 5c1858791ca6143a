package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -monitor tcp:}: the runtime's Gogo shell on a loopback port, one session per connection, with the VM
 * commands: VMs made from the monitor (vm:create/vm:start) and from a Config Admin configuration in the hot-deploy
 * folder, whose hostfwd change applies at once while the rest waits for the next start.
 */
class MonitorIT {

    static void waitUntil(BooleanSupplier condition, long seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within " + seconds + " s");
            Thread.sleep(100);
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void theMonitorServesGogoAndVmsCreatedFromIt(@TempDir File work) throws Exception {
        try (RuntimeIT.Launched l = new RuntimeIT.Launched(System.getProperty("java.home"), work, "-M", "none",
                "-monitor", "tcp:127.0.0.1:0,server=on,wait=off")) {
            int port = MonitorClient.port(l, 60);
            try (MonitorClient m = new MonitorClient(port); MonitorClient second = new MonitorClient(port)) {
                assertTrue(m.run("vm:list").contains("no virtual machine"));
                String lb = m.run("lb");
                assertTrue(lb.contains("ppc440vm board") && lb.contains("Active"), lb);
                String pause = second.run("vm:pause");
                assertTrue(pause.contains("no virtual machine"), "a second session of its own: " + pause);
                String created = m.run("vm:create t1 m=32");
                assertTrue(created.contains("t1 created"), created);
                assertTrue(m.run("vm:list").matches("(?s).*t1\\s+CREATED\\s+vm:create.*"), m.run("vm:list"));
                assertTrue(m.run("vm:start").contains("t1 RUNNING"), "with one VM, the VM name may be left out");
                // The built-in guest prints its banner and powers off: the VM stops by itself.
                waitUntil(() -> {
                    try {
                        return m.run("vm:list").contains("STOPPED");
                    } catch (IOException e) {
                        return false;
                    }
                }, 60, "t1 stopped");
                assertTrue(m.run("vm:stats t1").contains("guest instructions"));
                assertTrue(m.run("vm:create t2 m=1").contains("32 MiB to 2047 MiB"), "errors come back as text");
                assertTrue(m.run("vm:create t2 m=32").contains("t2 created"));
                assertTrue(m.run("vm:stop").contains("several VMs (t1, t2)"));
                assertTrue(m.run("vm:stop t2").contains("t2 STOPPED"));
            }
            assertEquals("", l.out(), "VMs without a console print nothing on stdout");
        }
    }

    @Test
    void aConfiguredVmTakesHostfwdChangesLiveAndTheRestAtItsNextStart(@TempDir File work) throws Exception {
        File images = GuestImages.require("vmlinux", "initramfs.cpio.gz");
        File deploy = new File(work, "deploy");
        Files.createDirectories(deploy.toPath());
        int first = freePort();
        int second = freePort();
        File cfg = new File(deploy, "org.ppc440vm.vm-web.cfg");
        String common = "name=web\nm=64\nkernel=" + new File(images, "vmlinux").getAbsolutePath() + "\ninitrd="
                + new File(images, "initramfs.cpio.gz").getAbsolutePath()
                + "\nappend=console=ttyS0 rdinit=/init guestexit=spin\ndevice=virtio-net,netdev=n0\n";
        try (RuntimeIT.Launched l = new RuntimeIT.Launched(System.getProperty("java.home"), work, "-M", "none",
                "-monitor", "tcp:127.0.0.1:0", "-deploy", deploy.getPath())) {
            int port = MonitorClient.port(l, 60);
            try (MonitorClient m = new MonitorClient(port)) {
                Files.writeString(cfg.toPath(), common + "netdev=user,id=n0,hostfwd=tcp:127.0.0.1:" + first + "-:22\n",
                        StandardCharsets.UTF_8);
                waitUntil(() -> {
                    try {
                        return m.run("vm:list").matches("(?s).*web\\s+RUNNING\\s+configuration.*");
                    } catch (IOException e) {
                        return false;
                    }
                }, 60, "the configured VM runs");
                waitUntil(() -> listening(first), 30, "the first hostfwd port listens");

                Files.writeString(cfg.toPath(), common.replace("m=64", "m=96") + "netdev=user,id=n0,hostfwd=tcp:"
                        + "127.0.0.1:" + second + "-:22\n", StandardCharsets.UTF_8);
                waitUntil(() -> listening(second), 30, "the new hostfwd port listens without a restart");
                waitUntil(() -> !listening(first), 30, "the old hostfwd port closes");
                String list = m.run("vm:list");
                assertTrue(list.contains("RUNNING*") && list.contains("next vm:start"), list);
                assertTrue(l.err().contains("hostfwd of n0 applied now"), l.err());

                assertTrue(m.run("vm:stop web").contains("STOPPED"));
                waitUntil(() -> !listening(second), 30, "the VM's backend goes with it");
                assertTrue(m.run("vm:start web").contains("web RUNNING"), "built anew from the new definition");
                assertTrue(m.run("vm:list").matches("(?s).*web\\s+RUNNING\\s+configuration.*"));
                waitUntil(() -> listening(second), 30, "the new definition's hostfwd listens");

                Files.delete(cfg.toPath());
                waitUntil(() -> {
                    try {
                        return m.run("vm:list").contains("no virtual machine");
                    } catch (IOException e) {
                        return false;
                    }
                }, 30, "deleting the configuration removes the VM");
            }
        }
    }
}
