package org.ppc440vm.board.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.api.vm.VmState;
import org.ppc440vm.board.fdt.Fdt;
import org.ppc440vm.board.fdt.FdtNode;
import org.ppc440vm.board.fdt.FdtReader;
import org.ppc440vm.board.loader.LoadException;
import org.ppc440vm.board.machine.TestExit;
import org.ppc440vm.board.uart.Uart16550;
import org.ppc440vm.board.uic.Uic;
import org.ppc440vm.kvm.spi.VcpuOptions;

/** The VM's run loop, with a scripted vCPU standing in for kvm-core. */
class VmTest {
    static final long UART = 0xEF600300L;
    static final int UIC = 0xC0;

    @TempDir
    Path tmp;

    final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    final CompletableFuture<Integer> status = new CompletableFuture<>();
    VcpuOptions lastOptions;

    Vm boot(FakeVcpu vcpu, Map<String, List<String>> options, InputStream in) throws Exception {
        VmOptions o = VmOptions.parse(options);
        VmFactory.Host host = new VmFactory.Host(stdout, in, false,
                new PrintStream(stderr, true, StandardCharsets.UTF_8), () -> null, status::complete);
        return VmFactory.create("vmtest", o, (ram, vo) -> {
            lastOptions = vo;
            return vcpu;
        }, List.of(), host);
    }

    Vm boot(FakeVcpu vcpu) throws Exception {
        return boot(vcpu, Map.of("m", List.of("32")), new ByteArrayInputStream(new byte[0]));
    }

    int run(Vm vm) throws Exception {
        vm.start();
        return status.get(10, TimeUnit.SECONDS);
    }

    static TestExit out(char c) {
        return TestExit.mmioWrite(UART, 1, c);
    }

    @Test
    void theBuiltInGuestIsLoadedWithTheBootStateTheKernelExpects() throws Exception {
        FakeVcpu v = new FakeVcpu();
        Vm vm = boot(v);
        assertEquals(0x00100000, v.state.pc);
        assertEquals(0x01800000, v.state.gpr[3]);
        assertEquals((16 << 20) - 8, v.state.gpr[1]);
        assertEquals(0, v.state.msr);
        assertTrue(v.mmuCalls.contains("tlbwe[0, 0, 656]"), v.mmuCalls.toString());
        assertEquals("contextChanged", v.mmuCalls.get(v.mmuCalls.size() - 1));
        // the FDT in RAM is our board's
        byte[] blob = new byte[4096];
        vm.board().ram().read(0x01800000, blob, 0, blob.length);
        Fdt fdt = FdtReader.read(blob);
        assertNotNull(fdt.root().find("/plb/opb/serial@ef600300"));
        assertArrayEqualsInt(new int[] {0, 0, 32 << 20}, fdt.root().find("/memory").getCells("reg"));
        assertEquals(400_000_000L, lastOptions.timebaseHz());
        assertEquals(0, run(vm));
        assertTrue(stderr.toString().contains("To boot Linux"), stderr.toString());
        assertEquals(VmState.STOPPED, vm.state());
    }

    private static void assertArrayEqualsInt(int[] a, int[] b) {
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
    }

    @Test
    void uartOutputReachesStdoutAndPowerOffEndsWithStatusZero() throws Exception {
        FakeVcpu v = new FakeVcpu();
        for (char c : "Linux version 6.1\r\n".toCharArray()) {
            v.then(out(c));
        }
        v.then(TestExit.of(ExitReason.SHUTDOWN));
        v.then(out('!')); // never reached
        assertEquals(0, run(boot(v)));
        assertEquals("Linux version 6.1\r\n", stdout.toString());
    }

    @Test
    void theUartInterruptReachesTheVcpuThroughTheUic() throws Exception {
        FakeVcpu v = new FakeVcpu();
        v.then(TestExit.dcrWrite(UIC + Uic.TR, 0))
                .then(TestExit.dcrWrite(UIC + Uic.PR, 0xFFFF_FFFF))
                .then(TestExit.dcrWrite(UIC + Uic.ER, Uic.bit(0)))
                .then(TestExit.mmioWrite(UART + Uart16550.IER, 1, Uart16550.IER_ETBEI))
                .then(x -> {
                    assertTrue(x.externalInput, "THRE -> UIC0 source 0 -> external input");
                    return TestExit.dcrRead(UIC + Uic.MSR);
                })
                .then(x -> {
                    assertEquals(Uic.bit(0) & 0xFFFF_FFFFL, ((TestExit) x.done.get(x.done.size() - 1)).data);
                    return TestExit.mmioRead(UART + Uart16550.IIR, 1); // the driver acks THRE
                })
                .then(x -> {
                    assertEquals(Uart16550.IIR_THRI, ((TestExit) x.done.get(x.done.size() - 1)).data);
                    assertTrue(x.externalInput, "level source still latched until the UIC is acked");
                    return TestExit.dcrWrite(UIC + Uic.SR, Uic.bit(0));
                })
                .then(x -> {
                    assertFalse(x.externalInput);
                    return TestExit.of(ExitReason.SHUTDOWN);
                });
        assertEquals(0, run(boot(v)), stderr.toString());
        assertEquals(List.of("ext=false", "ext=true", "ext=false"),
                v.events.stream().filter(e -> e.startsWith("ext=")).collect(java.util.stream.Collectors.toList()));
    }

    @Test
    void typedInputReachesTheGuest() throws Exception {
        FakeVcpu v = new FakeVcpu();
        v.runForever = true;
        Vm vm = boot(v, Map.of(), new ByteArrayInputStream("ls\r".getBytes(StandardCharsets.US_ASCII)));
        Uart16550 uart = vm.board().uart();
        vm.start();
        long deadline = System.currentTimeMillis() + 5000;
        while (uart.pendingInput() < 3 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            assertEquals(Uart16550.LSR_DR, uart.read(Uart16550.LSR, 1, Endian.BIG) & Uart16550.LSR_DR);
            got.append((char) uart.read(Uart16550.RBR, 1, Endian.BIG));
        }
        assertEquals("ls\r", got.toString());
        vm.stop();
        assertEquals(0, status.get(10, TimeUnit.SECONDS));
    }

    @Test
    void resetRebootsTheMachineAndNoRebootEndsTheRun() throws Exception {
        FakeVcpu v = new FakeVcpu();
        v.then(x -> {
            x.state.pc = 0x1234; // the guest ran somewhere
            return TestExit.mmioWrite(UART + Uart16550.SCR, 1, 0x5A);
        }).then(TestExit.of(ExitReason.RESET)).then(x -> {
            assertEquals(0x00100000, x.state.pc, "boot state again after the reset");
            return TestExit.mmioRead(UART + Uart16550.SCR, 1);
        }).then(TestExit.of(ExitReason.SHUTDOWN));
        Vm vm = boot(v);
        assertEquals(0, run(vm));
        assertEquals(1, v.resets);
        assertEquals(1, vm.resets());
        assertEquals(0L, ((TestExit) v.done.get(3)).data, "the UART was reset with the machine");

        FakeVcpu w = new FakeVcpu();
        w.then(TestExit.of(ExitReason.RESET)).then(out('x'));
        VmTest other = new VmTest();
        other.tmp = tmp;
        Vm vm2 = other.boot(w, Map.of("no-reboot", List.of("")), new ByteArrayInputStream(new byte[0]));
        assertEquals(0, other.run(vm2));
        assertEquals(0, w.resets);
        assertEquals("", other.stdout.toString());
    }

    @Test
    void internalErrorEndsWithStatusOneAndTheDescription() throws Exception {
        FakeVcpu v = new FakeVcpu();
        v.then(TestExit.of(ExitReason.INTERNAL_ERROR));
        assertEquals(1, run(boot(v)));
        assertTrue(stderr.toString().contains("INTERNAL_ERROR at pc 0xc0001234"), stderr.toString());
    }

    @Test
    void strictBusGivesTheGuestAMachineCheck() throws Exception {
        FakeVcpu v = new FakeVcpu();
        TestExit probe = TestExit.mmioRead(0xEF602000L, 4);
        v.then(probe).then(TestExit.of(ExitReason.SHUTDOWN));
        assertEquals(0, run(boot(v, Map.of("M", List.of("bamboo,strict-bus=on")), new ByteArrayInputStream(new byte[0]))));
        assertTrue(v.events.contains("deliver MACHINE_CHECK dear=0xef602000"), v.events.toString());
        assertFalse(probe.completed);
    }

    @Test
    void unassignedAccessReadsZeroWithOneWarning() throws Exception {
        FakeVcpu v = new FakeVcpu();
        TestExit a = TestExit.mmioRead(0xEF602000L, 4);
        a.data = 99;
        v.then(a).then(TestExit.mmioRead(0xEF602000L, 4)).then(TestExit.of(ExitReason.SHUTDOWN));
        assertEquals(0, run(boot(v)));
        assertTrue(a.completed);
        assertEquals(0, a.data);
        String err = stderr.toString();
        assertEquals(1, err.split("unassigned address 0xef602000", -1).length - 1, err);
    }

    @Test
    void statsAreprintedToStderrAtTheEnd() throws Exception {
        FakeVcpu v = new FakeVcpu();
        v.then(out('a')).then(TestExit.of(ExitReason.SHUTDOWN));
        assertEquals(0, run(boot(v, Map.of("stats", List.of("")), new ByteArrayInputStream(new byte[0]))));
        String err = stderr.toString();
        assertTrue(err.contains("ppc440vm statistics"), err);
        assertTrue(err.contains("MMIO"), err);
        assertTrue(err.contains("mmio_writes.uart0"), err);
        assertTrue(err.contains("mtspr 272,r3"), err);
    }

    @Test
    void pauseResumeAndStopFromAnotherThread() throws Exception {
        FakeVcpu v = new FakeVcpu();
        v.runForever = true;
        Vm vm = boot(v);
        vm.start();
        assertEquals(VmState.RUNNING, vm.state());
        vm.pause();
        assertEquals(VmState.PAUSED, vm.state());
        vm.resume();
        long deadline = System.currentTimeMillis() + 5000;
        while (vm.state() != VmState.RUNNING && System.currentTimeMillis() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(VmState.RUNNING, vm.state());
        vm.stop();
        assertEquals(0, status.get(5, TimeUnit.SECONDS));
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(1234, vm.statistics().instructions());
    }

    @Test
    void ctrlAxQuitsWithStatusZero() throws Exception {
        FakeVcpu v = new FakeVcpu();
        v.runForever = true;
        Vm vm = boot(v, Map.of(), new ByteArrayInputStream(new byte[] {'a', 0x01, 'x'}));
        assertEquals(0, run(vm));
        assertTrue(stdout.toString().contains("terminated"), stdout.toString());
        assertFalse(stderr.toString().contains("did not stop"), "the loop ended the run itself: " + stderr);
    }

    @Test
    void kernelInitrdAndAppendGoWhereTheKernelLooks() throws Exception {
        Path kernel = tmp.resolve("vmlinux");
        Files.write(kernel, org.ppc440vm.board.loader.LoaderTestAccess.vmlinuxLike());
        Path initrd = tmp.resolve("initrd");
        Files.write(initrd, new byte[1000]);
        FakeVcpu v = new FakeVcpu();
        Map<String, List<String>> o = new HashMap<>();
        o.put("kernel", List.of(kernel.toString()));
        o.put("initrd", List.of(initrd.toString()));
        o.put("append", List.of("console=ttyS0 rdinit=/init"));
        o.put("m", List.of("64"));
        Vm vm = boot(v, o, new ByteArrayInputStream(new byte[0]));
        assertEquals(0, v.state.pc, "e_entry 0xc0000000 - p_vaddr + p_paddr");
        byte[] blob = new byte[4096];
        vm.board().ram().read(0x01800000, blob, 0, blob.length);
        FdtNode chosen = FdtReader.read(blob).root().find("/chosen");
        assertEquals("console=ttyS0 rdinit=/init", chosen.getString("bootargs"));
        assertEquals(0x01900000, chosen.getCell("linux,initrd-start", 0));
        assertEquals(0x01900000 + 1000, chosen.getCell("linux,initrd-end", 0));
        assertArrayEqualsInt(new int[] {0, 0, 64 << 20}, FdtReader.read(blob).root().find("/memory").getCells("reg"));
    }

    @Test
    void aGivenDtbIsPatchedToMatchTheCommandLine() throws Exception {
        Path kernel = tmp.resolve("vmlinux");
        Files.write(kernel, org.ppc440vm.board.loader.LoaderTestAccess.vmlinuxLike());
        FdtNode root = new FdtNode("").cells("#address-cells", 1).cells("#size-cells", 1);
        root.add(new FdtNode("cpus").add(new FdtNode("cpu@0").string("device_type", "cpu")
                .cells("timebase-frequency", 33_000_000)));
        root.add(new FdtNode("chosen").string("bootargs", "from the blob"));
        Path dtb = tmp.resolve("given.dtb");
        Files.write(dtb, new Fdt(root).toBlob());
        Map<String, List<String>> o = new HashMap<>();
        o.put("kernel", List.of(kernel.toString()));
        o.put("dtb", List.of(dtb.toString()));
        o.put("append", List.of("root=/dev/vda"));
        Vm vm = boot(new FakeVcpu(), o, new ByteArrayInputStream(new byte[0]));
        byte[] blob = new byte[4096];
        vm.board().ram().read(0x01800000, blob, 0, blob.length);
        FdtNode got = FdtReader.read(blob).root();
        assertEquals("root=/dev/vda", got.find("/chosen").getString("bootargs"));
        assertArrayEqualsInt(new int[] {0, 256 << 20}, got.find("/memory").getCells("reg"));
        assertEquals(33_000_000L, lastOptions.timebaseHz(), "the vCPU's time base follows the given tree");
    }

    @Test
    void badImagesAndFilesFailClearly() throws Exception {
        Path notPpc = tmp.resolve("x86.elf");
        byte[] x86 = org.ppc440vm.board.loader.LoaderTestAccess.vmlinuxLike();
        x86[19] = 62; // e_machine x86-64
        Files.write(notPpc, x86);
        LoadException e = org.junit.jupiter.api.Assertions.assertThrows(LoadException.class,
                () -> boot(new FakeVcpu(), Map.of("kernel", List.of(notPpc.toString())), null));
        assertTrue(e.getMessage().contains("not PowerPC"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(LoadException.class,
                () -> boot(new FakeVcpu(), Map.of("kernel", List.of(tmp.resolve("missing").toString())), null));
        assertTrue(e.getMessage().endsWith("no such file"), e.getMessage());
        Path dtb = tmp.resolve("junk.dtb");
        Files.write(dtb, new byte[64]);
        Path kernel = tmp.resolve("vmlinux");
        Files.write(kernel, org.ppc440vm.board.loader.LoaderTestAccess.vmlinuxLike());
        e = org.junit.jupiter.api.Assertions.assertThrows(LoadException.class, () -> boot(new FakeVcpu(),
                Map.of("kernel", List.of(kernel.toString()), "dtb", List.of(dtb.toString())), null));
        assertTrue(e.getMessage().contains("-dtb") && e.getMessage().contains("magic"), e.getMessage());
    }
}
