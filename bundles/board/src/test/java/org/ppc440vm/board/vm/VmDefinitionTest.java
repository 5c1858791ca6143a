package org.ppc440vm.board.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.launch.LaunchContract;

/** vm:create's words and a configuration's properties read as the launcher's options. */
class VmDefinitionTest {

    @Test
    void createWordsGiveANameAndTheOptionsInOrder() throws Exception {
        VmDefinition.Parsed p = VmDefinition.fromWords(List.of("web", "kernel=/k", "append=console=ttyS0 rdinit=/init",
                "device=virtio-net,netdev=n0", "drive=file=/d.img,if=virtio", "netdev=user,id=n0", "no-reboot"));
        assertEquals("web", p.name);
        assertEquals(List.of("/k"), p.options.get("kernel"));
        assertEquals(List.of("console=ttyS0 rdinit=/init"), p.options.get("append"), "split at the first '=' only");
        assertEquals(List.of(""), p.options.get("no-reboot"));
        assertEquals(List.of("kernel", "append", "device", "drive", "netdev", "no-reboot"),
                p.options.get(LaunchContract.ORDER_KEY));
        VmOptions o = VmOptions.parse(p.options);
        assertTrue(o.noReboot());
        // The device came before the drive: it gets the first window, as on a command line.
        assertEquals(DeviceSpec.NET_PID, o.devices().get(1).pid);
        assertNull(VmDefinition.fromWords(List.of("m=64")).name);
    }

    @Test
    void unknownAndRepeatedKeysAreErrors() {
        assertTrue(assertThrows(UsageException.class, () -> VmDefinition.fromWords(List.of("kernal=/k"))).getMessage()
                .contains("unknown VM option 'kernal'"));
        assertTrue(assertThrows(UsageException.class, () -> VmDefinition.fromWords(List.of("m=32", "m=64")))
                .getMessage().contains("given twice"));
        assertTrue(assertThrows(UsageException.class, () -> VmDefinition.fromWords(List.of("monitor=stdio")))
                .getMessage().contains("unknown VM option 'monitor'"), "the monitor is the runtime's, not a VM's");
    }

    @Test
    void configurationPropertiesBecomeOptions() throws Exception {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("service.pid", "org.ppc440vm.vm~web");
        props.put("service.factoryPid", "org.ppc440vm.vm");
        props.put("felix.fileinstall.filename", "file:/x.cfg");
        props.put("name", "web");
        props.put("autostart", "false");
        props.put("m", 64);
        props.put("kernel", "/k");
        props.put("netdev", new String[] {"user,id=n0,hostfwd=tcp::0-:22", "user,id=n1"});
        props.put("device", List.of("virtio-net,netdev=n0", "virtio-net,netdev=n1"));
        props.put("no-reboot", Boolean.TRUE);
        props.put("stats", "off");
        Map<String, List<String>> d = VmDefinition.fromProperties(props);
        assertEquals(List.of("64"), d.get("m"));
        assertEquals(2, d.get("netdev").size());
        assertEquals(List.of(""), d.get("no-reboot"));
        assertFalse(d.containsKey("stats"), "a flag set to off is absent");
        assertFalse(d.containsKey("name") || d.containsKey("service.pid"));
        assertFalse(VmDefinition.autostart(props));
        VmOptions o = VmManager.managedOptions(d);
        assertEquals(64L << 20, o.ramBytes());
        assertEquals(4, o.devices().size());
        assertEquals(VmOptions.SerialKind.NONE, o.serial);
        assertTrue(VmDefinition.autostart(Map.of()));
        assertTrue(assertThrows(UsageException.class, () -> VmDefinition.fromProperties(Map.of("ram", "64")))
                .getMessage().contains("unknown VM option 'ram'"));
    }

    @Test
    void hostfwdIsComparedPerUserNetdev() {
        Map<String, Map<String, Object>> n = VmConfigurations.userNetdevs(Map.of("netdev",
                List.of("user,id=n0,hostfwd=tcp::5555-:22,hostfwd=tcp::8080-:80", "socket,id=s,udp=127.0.0.1:1,localaddr=127.0.0.1:2")));
        assertEquals(List.of("n0"), List.copyOf(n.keySet()));
        assertEquals(List.of("tcp::5555-:22", "tcp::8080-:80"), VmConfigurations.hostfwd(n.get("n0")));
    }
}
