package org.ppc440vm.board.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.vm.VirtualMachine;
import org.ppc440vm.api.vm.VmState;

/** VM names, definitions and (re)builds, with the real board and a scripted vCPU that runs until stopped. */
class VmManagerTest {
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    /** The options each build got, in order. */
    final List<VmOptions> built = new ArrayList<>();

    VmManager manager(boolean launcherVm) {
        return new VmManager((name, options, host) -> {
            built.add(options);
            FakeVcpu v = new FakeVcpu();
            v.runForever = true;
            return VmFactory.create(name, options, (ram, vo) -> v, List.of(), host);
        }, launcherVm, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    static Map<String, List<String>> def(String... kv) {
        return VmOptionsTest.opts(kv);
    }

    @Test
    void namesDefaultToTheNextFreeVmNAndKeepVm0ForTheLauncher() throws Exception {
        VmManager m = manager(true);
        assertEquals("vm1", m.create(null, def("m", "32"), "vm:create"));
        assertEquals("vm2", m.create(null, def("m", "32"), "vm:create"));
        assertEquals("web", m.create("web", def("m", "32"), "vm:create"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.create("web", def("m", "32"), "vm:create"))
                .getMessage().contains("exists already"));
        assertEquals("vm0", manager(false).create(null, def("m", "32"), "vm:create"), "-M none: vm0 is free");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.create("1x", def(), "vm:create")).getMessage()
                .contains("not a VM name"));
    }

    @Test
    void commandsDefaultToTheOnlyVmAndAskForANameWhenThereAreSeveral() throws Exception {
        VmManager m = manager(false);
        assertEquals("no virtual machine", assertThrows(IllegalStateException.class, () -> m.find(null)).getMessage());
        m.create("a", def("m", "32"), "vm:create");
        assertEquals("a", m.find(null).name());
        assertEquals(VmState.CREATED, m.find(null).state());
        m.create("b", def("m", "32"), "vm:create");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.find(null)).getMessage()
                .contains("several VMs (a, b)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.find("c")).getMessage()
                .contains("no virtual machine named c"));
        String list = m.list();
        assertTrue(list.contains("a ") && list.contains("CREATED") && list.contains("vm:create"), list);
    }

    @Test
    void aBadDefinitionFailsBeforeTheNameIsTaken() throws Exception {
        VmManager m = manager(false);
        assertTrue(assertThrows(UsageException.class, () -> m.create("x", def("m", "5"), "vm:create")).getMessage()
                .contains("32 MiB to 2047 MiB"));
        assertTrue(assertThrows(UsageException.class, () -> m.create("x", def("M", "none"), "vm:create")).getMessage()
                .contains("needs a machine"));
        assertTrue(!m.has("x"));
        assertEquals(0, built.size());
    }

    @Test
    void aChangedDefinitionAppliesAtTheNextStart() throws Exception {
        VmManager m = manager(false);
        assertTrue(!m.define("cfg", def("m", "32"), "configuration"));
        assertTrue(m.list().contains("DEFINED"), m.list());
        m.start("cfg");
        VirtualMachine first = m.find("cfg");
        assertEquals(VmState.RUNNING, first.state());
        assertEquals(32L << 20, built.get(0).ramBytes());
        assertEquals(VmOptions.SerialKind.NONE, built.get(0).serial, "a managed VM's console defaults to none");

        assertTrue(m.define("cfg", def("m", "64"), "configuration"));
        assertSame(first, m.find("cfg"), "the running VM goes on as it is");
        assertTrue(m.list().contains("RUNNING*"), m.list());
        assertTrue(assertThrows(IllegalStateException.class, () -> m.start("cfg")).getMessage().contains("running"));

        m.find("cfg").stop();
        assertEquals(VmState.STOPPED, first.state());
        m.start("cfg");
        VirtualMachine second = m.find("cfg");
        assertNotSame(first, second, "a stopped VM is built anew");
        assertEquals(VmState.RUNNING, second.state());
        assertEquals(64L << 20, built.get(1).ramBytes(), "with the new definition");
        m.remove("cfg");
        assertEquals(VmState.STOPPED, second.state(), "removing the definition stops the VM");
        assertTrue(!m.has("cfg"));
    }

    @Test
    void aCreatedVmWhoseDefinitionChangedIsRebuiltAtStart() throws Exception {
        VmManager m = manager(false);
        m.create("a", def("m", "32"), "vm:create");
        VirtualMachine first = m.find("a");
        m.define("a", def("m", "48"), "vm:create");
        m.start("a");
        assertEquals(VmState.STOPPED, first.state(), "the stale build is discarded");
        assertEquals(VmState.RUNNING, m.find("a").state());
        assertEquals(48L << 20, built.get(1).ramBytes());
        m.find("a").stop();
    }

    @Test
    void theCommandLinesVmIsTrackedAndCannotBeRedefined() throws Exception {
        VmManager m = manager(true);
        VmManager other = manager(false);
        Vm launched = (Vm) other.find(other.create("vm0", def("m", "32"), "test"));
        m.bindMachine(launched);
        assertSame(launched, m.find(null));
        assertTrue(m.list().contains("command line"), m.list());
        assertThrows(IllegalArgumentException.class, () -> m.define("vm0", def("m", "32"), "configuration"));
        m.unbindMachine(launched);
        assertTrue(!m.has("vm0"));
        launched.stop();
    }
}
