package org.ppc440vm.board.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class VmOptionsTest {

    static Map<String, List<String>> opts(String... kv) {
        Map<String, List<String>> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.computeIfAbsent(kv[i], k -> new java.util.ArrayList<>()).add(kv[i + 1]);
        }
        return m;
    }

    static String usage(String... kv) {
        return assertThrows(UsageException.class, () -> VmOptions.parse(opts(kv))).getMessage();
    }

    @Test
    void theReferenceCommandLineParses() throws Exception {
        VmOptions o = VmOptions.parse(opts("M", "bamboo", "m", "256", "nographic", "", "no-reboot", "", "kernel",
                "vmlinux", "initrd", "initramfs.cpio.gz", "append", "console=ttyS0 rdinit=/init guestexit=reboot"));
        assertEquals(256L << 20, o.ramBytes);
        assertFalse(o.strictBus);
        assertTrue(o.noReboot);
        assertEquals("vmlinux", o.kernel);
        assertEquals("initramfs.cpio.gz", o.initrd);
        assertEquals("console=ttyS0 rdinit=/init guestexit=reboot", o.append);
        assertEquals(VmOptions.SerialKind.STDIO, o.serial);
        assertEquals(-1, o.icountShift);
    }

    @Test
    void defaultsBootTheBuiltInGuest() throws Exception {
        VmOptions o = VmOptions.parse(Map.of());
        assertNull(o.kernel);
        assertEquals(256L << 20, o.ramBytes);
        assertFalse(o.noReboot);
    }

    @Test
    void machineAndStrictBus() throws Exception {
        assertTrue(VmOptions.parse(opts("M", "bamboo,strict-bus=on")).strictBus);
        assertFalse(VmOptions.parse(opts("M", "bamboo,strict-bus=off")).strictBus);
        assertTrue(VmOptions.parse(opts("M", "help")).listMachines);
        assertTrue(usage("M", "virt").contains("unknown machine"));
        assertTrue(usage("M", "bamboo,fast=on").contains("unknown property"));
        assertTrue(usage("M", "bamboo,strict-bus=maybe").contains("on or off"));
    }

    @Test
    void ramSizes() throws Exception {
        assertEquals(64L << 20, VmOptions.parse(opts("m", "64")).ramBytes);
        assertEquals(512L << 20, VmOptions.parse(opts("m", "512M")).ramBytes);
        assertEquals(1L << 30, VmOptions.parse(opts("m", "1G")).ramBytes);
        assertTrue(usage("m", "16").contains("32 MiB to 2047 MiB"));
        assertTrue(usage("m", "4G").contains("32 MiB to 2047 MiB"));
        assertTrue(usage("m", "lots").contains("expected a size"));
    }

    @Test
    void serialBackends() throws Exception {
        VmOptions t = VmOptions.parse(opts("serial", "tcp:127.0.0.1:4555,server=on,wait=off"));
        assertEquals(VmOptions.SerialKind.TCP, t.serial);
        assertEquals("127.0.0.1", t.serialHost);
        assertEquals(4555, t.serialPort);
        assertEquals("0.0.0.0", VmOptions.parse(opts("serial", "tcp::4555")).serialHost);
        assertEquals(VmOptions.SerialKind.NONE, VmOptions.parse(opts("serial", "none")).serial);
        assertEquals(VmOptions.SerialKind.STDIO, VmOptions.parse(opts("serial", "mon:stdio")).serial);
        assertTrue(usage("serial", "tcp:host").contains("tcp:HOST:PORT"));
        assertTrue(usage("serial", "tcp::99999").contains("outside"));
        assertTrue(usage("serial", "tcp::4555,wait=on").contains("wait=on"));
        assertTrue(usage("serial", "pty").contains("expected stdio"));
    }

    @Test
    void theVirtioCommandLineGivesWindowsInOrder() throws Exception {
        VmOptions o = VmOptions.parse(opts("M", "bamboo", "kernel", "vmlinux",
                "drive", "file=/tmp/disk.ext2,if=virtio,format=raw",
                "netdev", "user,id=n0,hostfwd=tcp::5555-:22,hostfwd=udp::6000-:6000",
                "device", "virtio-net,netdev=n0,mac=52:54:00:12:34:57"));
        List<DeviceSpec> d = o.devices();
        assertEquals(3, d.size());
        DeviceSpec backend = d.get(0);
        assertEquals(DeviceSpec.NETDEV_USER_PID, backend.pid);
        assertFalse(backend.mmio());
        assertEquals("n0", backend.properties.get("id"));
        assertArrayEquals(new String[] {"tcp::5555-:22", "udp::6000-:6000"}, (String[]) backend.properties.get("hostfwd"));
        assertFalse(backend.properties.containsKey("base"));

        DeviceSpec blk = d.get(1);
        assertEquals(DeviceSpec.BLK_PID, blk.pid);
        assertEquals("0xef602000", blk.properties.get("base"));
        assertEquals("20", blk.properties.get("interrupt"));
        assertEquals("/tmp/disk.ext2", blk.properties.get("file"));
        assertEquals("off", blk.properties.get("readonly"));
        assertEquals("/tmp/disk.ext2", blk.image());

        DeviceSpec net = d.get(2);
        assertEquals(DeviceSpec.NET_PID, net.pid);
        assertEquals("0xef602200", net.properties.get("base"));
        assertEquals("21", net.properties.get("interrupt"));
        assertEquals("n0", net.properties.get("netdev"));
        assertEquals("52:54:00:12:34:57", net.properties.get("mac"));
        assertEquals(0xEF602200L, net.base);
    }

    @Test
    void furtherDevicesTakeTheNextWindowsAndLines() throws Exception {
        VmOptions o = VmOptions.parse(opts("drive", "file=a.img,if=virtio,readonly=on,cache=none,id=d0",
                "drive", "file=b.img", "drive", "if=none,id=d2,file=c,,d.img",
                "netdev", "socket,id=s0,udp=127.0.0.1:1234,localaddr=127.0.0.1:1235",
                "device", "virtio-net-device,netdev=s0", "device", "virtio-blk,drive=d2,serial=xyz"));
        List<DeviceSpec> d = o.devices();
        assertEquals(5, d.size());
        assertEquals(DeviceSpec.NETDEV_SOCKET_PID, d.get(0).pid);
        assertEquals("127.0.0.1:1234", d.get(0).properties.get("udp"));
        assertEquals("127.0.0.1:1235", d.get(0).properties.get("localaddr"));
        assertEquals("on", d.get(1).properties.get("readonly"));
        assertTrue(d.get(1).readOnly());
        assertFalse(d.get(1).properties.containsKey("cache"));
        assertEquals("b.img", d.get(2).image());
        assertEquals(DeviceSpec.NET_PID, d.get(3).pid);
        assertEquals("0xef602400", d.get(3).properties.get("base"));
        assertEquals("22", d.get(3).properties.get("interrupt"));
        assertFalse(d.get(3).properties.containsKey("mac"));
        assertEquals("c,d.img", d.get(4).image()); // ",," is QEMU's escaped comma
        assertEquals("xyz", d.get(4).properties.get("serial"));
        assertEquals("0xef602600", d.get(4).properties.get("base"));
        assertEquals("23", d.get(4).properties.get("interrupt"));
    }

    @Test
    void badVirtioOptionsAreRejectedClearly() {
        assertTrue(usage("drive", "file=d.img,if=ide").contains("if=ide is not supported"));
        assertTrue(usage("drive", "file=d.img,format=qcow2").contains("format=qcow2 is not supported"));
        assertTrue(usage("drive", "if=virtio").contains("needs file=IMAGE"));
        assertTrue(usage("drive", "file=d.img,readonly=maybe").contains("expected on or off"));
        assertTrue(usage("drive", "file=d.img,bogus=1").contains("unknown property 'bogus'"));
        assertTrue(usage("drive", "file=d.img,if=none").contains("if=none needs id"));
        assertTrue(usage("drive", "file=d.img,if=none,id=d0").contains("not used by any -device virtio-blk"));
        assertTrue(usage("netdev", "user,id=n0").contains("netdev 'n0' has no device"));
        assertTrue(usage("netdev", "tap,id=n0").contains("unknown type 'tap'"));
        assertTrue(usage("netdev", "user").contains("needs id=ID"));
        assertTrue(usage("netdev", "user,id=n(0").contains("must start with a letter"));
        assertTrue(usage("netdev", "user,id=n0,hostfwd=bogus", "device", "virtio-net,netdev=n0")
                .contains("hostfwd=bogus is not tcp:"));
        assertTrue(usage("netdev", "socket,id=s,udp=x").contains("needs udp=HOST:PORT and localaddr"));
        assertTrue(usage("netdev", "socket,id=s,udp=h:1,localaddr=h:x").contains("expected HOST:PORT"));
        assertTrue(usage("netdev", "user,id=n0", "netdev", "user,id=n0").contains("duplicate netdev id"));
        assertTrue(usage("device", "virtio-net,netdev=n9").contains("no -netdev with id 'n9'"));
        assertTrue(usage("device", "virtio-net").contains("needs netdev=ID"));
        assertTrue(usage("netdev", "user,id=n0", "device", "virtio-net,netdev=n0,mac=01:00:00:00:00:01")
                .contains("multicast"));
        assertTrue(usage("netdev", "user,id=n0", "device", "virtio-net,netdev=n0,mac=zz").contains("six hex octets"));
        assertTrue(usage("netdev", "user,id=n0", "device", "virtio-net,netdev=n0", "device", "virtio-net,netdev=n0")
                .contains("already used"));
        assertTrue(usage("device", "e1000,netdev=n0").contains("unknown device 'e1000'"));
        assertTrue(usage("device", "virtio-blk,drive=x").contains("no unused -drive if=none with id 'x'"));
        assertTrue(usage("M", "none", "drive", "file=d.img").contains("-M none"));
    }

    @Test
    void noVirtioOptionsMeansNoDevices() throws Exception {
        assertTrue(VmOptions.parse(opts("M", "bamboo")).devices().isEmpty());
        assertTrue(VmOptions.parse(opts("M", "none")).noMachine);
    }

    @Test
    void kernelCompanionsNeedAKernel() {
        assertTrue(usage("initrd", "x").contains("-initrd needs -kernel"));
        assertTrue(usage("append", "x").contains("-append needs -kernel"));
        assertTrue(usage("dtb", "x").contains("-dtb needs -kernel"));
    }

    @Test
    void icountAndDebugItems() throws Exception {
        assertEquals(3, VmOptions.parse(opts("icount", "3")).icountShift);
        assertEquals(VmOptions.ICOUNT_AUTO_SHIFT, VmOptions.parse(opts("icount", "auto")).icountShift);
        assertEquals(1, VmOptions.parse(opts("icount", "shift=1")).icountShift);
        assertTrue(usage("icount", "99").contains("0-10"));
        assertTrue(VmOptions.parse(opts("d", "tlb-check")).tlbCheck);
        assertTrue(usage("d", "tlb-check,bogus").contains("unknown debug item"));
        assertTrue(VmOptions.parse(opts("stats", "")).stats);
        assertTrue(VmOptions.parse(opts("monitor", "stdio")).monitorOnStdio);
    }

    @Test
    void monitorAddressAndLoadvm() throws Exception {
        VmOptions o = VmOptions.parse(opts("monitor", "tcp:127.0.0.1:4444,server=on,wait=off", "loadvm", "s.snap"));
        assertEquals(4444, o.monitorTcp().port);
        assertFalse(o.monitorOnStdio);
        assertEquals("s.snap", o.loadVm());
        assertNull(VmOptions.parse(opts("monitor", "stdio")).monitorTcp());
        assertTrue(usage("monitor", "tcp:0.0.0.0:1").contains("loopback addresses only"));
        assertTrue(usage("loadvm", "").contains("-loadvm needs a file name"));
    }
}
