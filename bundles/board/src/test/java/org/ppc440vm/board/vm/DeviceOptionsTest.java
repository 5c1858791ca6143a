package org.ppc440vm.board.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.launch.LaunchContract;

/** Window order across options ({@code @order}) and {@code -object filter-dump}. */
class DeviceOptionsTest {

    /** An options map as the launcher makes it, {@code @order} included. */
    private static Map<String, List<String>> commandLine(String... kv) {
        Map<String, List<String>> m = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.computeIfAbsent(kv[i], k -> new ArrayList<>()).add(kv[i + 1]);
            order.add(kv[i]);
        }
        m.put(LaunchContract.ORDER_KEY, order);
        return m;
    }

    private static List<DeviceSpec> windows(List<DeviceSpec> specs) {
        List<DeviceSpec> out = new ArrayList<>();
        for (DeviceSpec s : specs) {
            if (s.mmio()) {
                out.add(s);
            }
        }
        return out;
    }

    private static String usage(String... kv) {
        return assertThrows(UsageException.class, () -> VmOptions.parse(commandLine(kv))).getMessage();
    }

    @Test
    void aDeviceBeforeADriveGetsTheFirstWindow() throws Exception {
        List<DeviceSpec> w = windows(VmOptions.parse(commandLine("M", "bamboo", "netdev", "user,id=n0", "device",
                "virtio-net,netdev=n0,mac=52:54:00:12:34:56", "drive", "file=/tmp/d.img,if=virtio")).devices());
        assertEquals(2, w.size());
        assertEquals(DeviceSpec.NET_PID, w.get(0).pid);
        assertEquals(0xEF602000L, w.get(0).base);
        assertEquals(20, w.get(0).interrupt);
        assertEquals(DeviceSpec.BLK_PID, w.get(1).pid);
        assertEquals(0xEF602200L, w.get(1).base);
        assertEquals(21, w.get(1).interrupt);
    }

    @Test
    void interleavedOptionsKeepTheirOrderAndIfNoneDrivesGoWhereTheirDeviceIs() throws Exception {
        List<DeviceSpec> w = windows(VmOptions.parse(commandLine("drive", "file=/tmp/a.img", "drive",
                "file=/tmp/b.img,if=none,id=b", "netdev", "user,id=n0", "device", "virtio-net,netdev=n0", "drive",
                "file=/tmp/c.img", "device", "virtio-blk,drive=b")).devices());
        assertEquals(List.of("/tmp/a.img", "net", "/tmp/c.img", "/tmp/b.img"),
                w.stream().map(s -> s.image() == null ? "net" : s.image()).collect(java.util.stream.Collectors.toList()));
        for (int i = 0; i < w.size(); i++) {
            assertEquals(0xEF602000L + 0x200L * i, w.get(i).base);
            assertEquals(20 + i, w.get(i).interrupt);
        }
    }

    @Test
    void withoutAnOrderDrivesComeFirst() throws Exception {
        List<DeviceSpec> w = windows(VmOptions.parse(VmOptionsTest.opts("netdev", "user,id=n0", "device",
                "virtio-net,netdev=n0", "drive", "file=/tmp/d.img,if=virtio")).devices());
        assertEquals(DeviceSpec.BLK_PID, w.get(0).pid);
        assertEquals(DeviceSpec.NET_PID, w.get(1).pid);
        // An order that does not match the options (a foreign map) is ignored the same way.
        assertEquals(List.of(0, 1), List.of(DeviceOptions.places(List.of("drive"), "drive", 2, 0)[0],
                DeviceOptions.places(List.of("drive"), "drive", 2, 0)[1]));
    }

    @Test
    void filterDumpPutsTheFileIntoTheUserNetdevsConfiguration() throws Exception {
        List<DeviceSpec> specs = VmOptions.parse(commandLine("netdev", "user,id=n0", "netdev", "user,id=n1", "device",
                "virtio-net,netdev=n0", "device", "virtio-net,netdev=n1", "object",
                "filter-dump,id=f0,netdev=n1,file=n1.pcap")).devices();
        DeviceSpec n0 = specs.get(0);
        DeviceSpec n1 = specs.get(1);
        assertEquals("n0", n0.properties.get("id"));
        assertFalse(n0.properties.containsKey("dump"));
        assertEquals("n1", n1.properties.get("id"));
        assertEquals(Paths.get("n1.pcap").toAbsolutePath().toString(), n1.properties.get("dump"));
        assertEquals(DeviceSpec.ORIGIN_COMMAND_LINE, n1.properties.get(DeviceSpec.ORIGIN_PROPERTY));
        assertEquals(n1.properties.get("dump"), n1.dictionary().get("dump"));
    }

    @Test
    void filterDumpAlsoRecordsASocketNetdev() throws Exception {
        List<DeviceSpec> specs = VmOptions.parse(commandLine("netdev",
                "socket,id=s0,udp=127.0.0.1:5000,localaddr=127.0.0.1:5001", "device", "virtio-net,netdev=s0", "object",
                "filter-dump,id=f0,netdev=s0,file=s0.pcap")).devices();
        DeviceSpec s0 = specs.get(0);
        assertEquals(DeviceSpec.NETDEV_SOCKET_PID, s0.pid);
        assertEquals(Paths.get("s0.pcap").toAbsolutePath().toString(), s0.properties.get("dump"));
    }

    @Test
    void filterDumpErrorsNameTheProblem() {
        String net = "virtio-net,netdev=n0";
        assertTrue(usage("netdev", "user,id=n0", "device", net, "object", "filter-mirror,id=f0,netdev=n0")
                .contains("unknown object type 'filter-mirror'"));
        assertTrue(usage("netdev", "user,id=n0", "device", net, "object", "filter-dump,id=f0,netdev=n9,file=x.pcap")
                .contains("there is no -netdev with id 'n9'"));
        assertTrue(usage("netdev", "user,id=n0", "device", net, "object", "filter-dump,id=f0,netdev=n0")
                .contains("needs file="));
        assertTrue(usage("netdev", "user,id=n0", "device", net, "object", "filter-dump,netdev=n0,file=x.pcap")
                .contains("needs id="));
        assertTrue(usage("netdev", "user,id=n0", "device", net, "object", "filter-dump,id=f0,netdev=n0,file=x,"
                + "maxlen=64").contains("unknown property 'maxlen'"));
        assertTrue(usage("netdev", "user,id=n0", "device", net, "object", "filter-dump,id=f0,netdev=n0,file=a",
                "object", "filter-dump,id=f1,netdev=n0,file=b").contains("already dumped"));
    }
}
