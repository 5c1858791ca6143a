package org.ppc440vm.board.vm;

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
    void virtioOptionsAreNotSupportedYet() {
        assertTrue(usage("drive", "file=disk.img,if=virtio").contains("-drive is not supported yet"));
        assertTrue(usage("netdev", "user,id=n0").contains("-netdev is not supported yet"));
        assertTrue(usage("device", "virtio-net").contains("-device is not supported yet"));
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
}
