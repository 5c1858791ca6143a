package org.ppc440vm.board.vm.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.IncompatibleStateException;
import org.ppc440vm.board.uart.Uart16550;
import org.ppc440vm.board.uic.Uic;
import org.ppc440vm.board.vm.Vm;
import org.ppc440vm.board.vm.VmFactory;
import org.ppc440vm.board.vm.VmOptions;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.kvm.spi.VirtualCpu;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * Snapshots of a whole (not started) VM built by the real factory: RAM, UART, UIC and the vCPU's blob go to the file
 * and come back into another VM; a file that is foreign, truncated, damaged, of another format version or of another
 * machine is refused with a message that says so, before the VM changes.
 */
class MachineSnapshotTest {
    @TempDir
    Path tmp;

    /** A vCPU double whose state is a blob it hands out and records when it gets one back. */
    static final class Cpu {
        final CpuState state = new CpuState();
        byte[] blob = "vcpu-state-v1".getBytes(StandardCharsets.US_ASCII);
        final List<byte[]> loaded = new ArrayList<>();
        final VirtualCpu proxy;

        Cpu() {
            Mmu440 mmu = (Mmu440) Proxy.newProxyInstance(Mmu440.class.getClassLoader(), new Class<?>[] {Mmu440.class},
                    (p, m, a) -> m.getReturnType() == int.class ? 0 : null);
            proxy = (VirtualCpu) Proxy.newProxyInstance(VirtualCpu.class.getClassLoader(),
                    new Class<?>[] {VirtualCpu.class}, (p, m, a) -> {
                        switch (m.getName()) {
                            case "state": return state;
                            case "mmu": return mmu;
                            case "saveState": return blob.clone();
                            case "loadState":
                                if (!new String((byte[]) a[0], StandardCharsets.US_ASCII).startsWith("vcpu-state")) {
                                    throw new IllegalArgumentException("not a vCPU state");
                                }
                                loaded.add((byte[]) a[0]);
                                return null;
                            case "hashCode": return System.identityHashCode(p);
                            case "equals": return p == a[0];
                            case "toString": return "test vcpu";
                            default:
                                return zero(m.getReturnType());
                        }
                    });
        }
    }

    private static Object zero(Class<?> r) {
        if (r == boolean.class) {
            return false;
        }
        if (r == int.class) {
            return 0;
        }
        if (r == long.class) {
            return 0L;
        }
        return null;
    }

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Vm vm(Cpu cpu, String megabytes) throws Exception {
        VmOptions o = VmOptions.parse(Map.of("m", List.of(megabytes), "serial", List.of("none")));
        VmFactory.Host host = new VmFactory.Host(new ByteArrayOutputStream(), new ByteArrayInputStream(new byte[0]),
                false, new PrintStream(err, true, StandardCharsets.UTF_8), () -> null, status -> { });
        return VmFactory.create("snaptest", o, (ram, vo) -> cpu.proxy, List.of(), host);
    }

    @Test
    void aRestoredMachineHasTheSavedRamDevicesAndVcpu() throws Exception {
        Cpu a = new Cpu();
        Vm va = vm(a, "32");
        byte[] ram = va.board().ram().bytes;
        ram[0x1234] = 0x42;
        ram[(16 << 20) + 7] = -1;
        ram[ram.length - 1] = 9;
        Uart16550 uart = va.board().uart();
        uart.writeRegister(Uart16550.FCR, Uart16550.FCR_ENABLE); // a 16-byte FIFO: both received bytes fit
        uart.writeRegister(Uart16550.LCR, 0x83); // DLAB: divisor 6
        uart.writeRegister(Uart16550.DLL, 6);
        uart.writeRegister(Uart16550.LCR, 0x03);
        uart.writeRegister(Uart16550.IER, Uart16550.IER_ERBFI);
        uart.writeRegister(Uart16550.SCR, 0x5A);
        uart.receive(new byte[] {'o', 'k'}, 0, 2);
        Uic uic = va.board().uic();
        uic.writeDcr(Uic.ER, Uic.bit(0) | Uic.bit(20));
        uic.writeDcr(Uic.TR, Uic.bit(20));
        uic.writeDcr(Uic.SRS, Uic.bit(20));
        a.blob = "vcpu-state-of-a".getBytes(StandardCharsets.US_ASCII);
        Path file = tmp.resolve("m.snap");
        MachineSnapshot.save(va, file);
        assertFalse(Files.exists(tmp.resolve("m.snap.tmp")), "the temporary file was renamed");
        assertTrue(Files.size(file) < 64 << 10, "zero pages are not stored: " + Files.size(file) + " bytes");

        Cpu b = new Cpu();
        Vm vb = vm(b, "32");
        Arrays.fill(vb.board().ram().bytes, 0, 4096, (byte) 0x11); // the restore clears what the snapshot has as 0
        MachineSnapshot.restore(vb, file);

        assertArrayEquals(ram, vb.board().ram().bytes);
        assertTrue(b.loaded.size() >= 1);
        assertArrayEquals(a.blob, b.loaded.get(b.loaded.size() - 1));
        Uart16550 u = vb.board().uart();
        assertEquals(6, u.divisor());
        assertEquals(0x5A, u.readRegister(Uart16550.SCR));
        assertTrue(u.interruptAsserted(), "received data pending with ERBFI: the line is up again");
        assertEquals('o', u.readRegister(Uart16550.RBR));
        assertEquals('k', u.readRegister(Uart16550.RBR));
        Uic w = vb.board().uic();
        assertEquals(uic.readDcr(Uic.ER), w.readDcr(Uic.ER));
        assertEquals(uic.readDcr(Uic.TR), w.readDcr(Uic.TR));
        assertTrue((w.readDcr(Uic.SR) & Uic.bit(20)) != 0);
        assertTrue(w.externalOutput(), "the UIC drives the restored vCPU's external input");
    }

    @Test
    void aSnapshotOfAnotherMachineIsRefusedBeforeAnythingChanges() throws Exception {
        Cpu a = new Cpu();
        Vm va = vm(a, "32");
        Path file = tmp.resolve("m.snap");
        MachineSnapshot.save(va, file);

        Cpu b = new Cpu();
        Vm vb = vm(b, "64");
        vb.board().ram().bytes[100] = 7;
        SnapshotException e = assertThrows(SnapshotException.class, () -> MachineSnapshot.restore(vb, file));
        assertTrue(e.getMessage().contains("32 MiB") && e.getMessage().contains("-m 32"), e.getMessage());
        assertEquals(7, vb.board().ram().bytes[100]);
        assertTrue(b.loaded.isEmpty());
    }

    @Test
    void foreignTruncatedDamagedAndNewerFilesAreRefusedWithAClearMessage() throws Exception {
        Cpu a = new Cpu();
        Vm va = vm(a, "32");
        va.board().ram().bytes[5000] = 5;
        Path file = tmp.resolve("m.snap");
        MachineSnapshot.save(va, file);
        byte[] good = Files.readAllBytes(file);
        Cpu b = new Cpu();
        Vm vb = vm(b, "32");

        Path foreign = tmp.resolve("foreign");
        Files.writeString(foreign, "#!/bin/sh\necho not a snapshot\n");
        assertMessage(vb, foreign, "is not a ppc440vm snapshot");

        Path truncated = tmp.resolve("truncated");
        Files.write(truncated, Arrays.copyOf(good, good.length - 40));
        assertMessage(vb, truncated, "truncated");

        Path newer = tmp.resolve("newer");
        byte[] n = good.clone();
        n[11] = 2; // the format version after the 8-byte magic
        Files.write(newer, n);
        assertMessage(vb, newer, "format version 2; this ppc440vm reads format version 1");

        Path damaged = tmp.resolve("damaged");
        byte[] d = good.clone();
        d[d.length / 2] ^= 0x55;
        Files.write(damaged, d);
        SnapshotException e = assertThrows(SnapshotException.class, () -> MachineSnapshot.restore(vb, damaged));
        assertTrue(e.getMessage().contains("damaged") || e.getMessage().contains("corrupt")
                || e.getMessage().contains("truncated"), e.getMessage());

        assertMessage(vb, tmp.resolve("absent"), "no such file");
        assertEquals(0, vb.board().ram().bytes[5000], "nothing was restored");
        assertTrue(b.loaded.isEmpty());
        MachineSnapshot.restore(vb, file);
        assertEquals(5, vb.board().ram().bytes[5000]);
    }

    @Test
    void aVcpuThatRefusesItsBlobLeavesTheMachineUnchanged() throws Exception {
        Cpu a = new Cpu();
        a.blob = "something else".getBytes(StandardCharsets.US_ASCII);
        Vm va = vm(a, "32");
        va.board().ram().bytes[0] = 1;
        Path file = tmp.resolve("m.snap");
        MachineSnapshot.save(va, file);
        Cpu b = new Cpu();
        Vm vb = vm(b, "32");
        byte before = vb.board().ram().bytes[0];
        SnapshotException e = assertThrows(SnapshotException.class, () -> MachineSnapshot.restore(vb, file));
        assertTrue(e.getMessage().contains("not a vCPU state"), e.getMessage());
        assertEquals(before, vb.board().ram().bytes[0]);
    }

    @Test
    void deviceStatesOfEveryFieldTypeSurviveTheFileFormat() throws Exception {
        DeviceState s = DeviceState.builder("virtio-blk", 3).put("n", -5L).put("s", "päth")
                .put("b", new byte[] {1, 2, 3}).put("a", new long[] {Long.MIN_VALUE, 0, 7}).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SnapshotFile.writeState(new java.io.DataOutputStream(bytes), s);
        DeviceState back = SnapshotFile.readState(new java.io.DataInputStream(
                new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(s, back);
    }

    @Test
    void theUartRefusesAStateOfAnotherDevice() {
        Uart16550 u = new Uart16550();
        IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
                () -> u.importState(DeviceState.builder("virtio-net", 1).build()));
        assertTrue(e.getMessage().contains("uart16550"), e.getMessage());
    }

    private static void assertMessage(Vm vm, Path file, String expected) {
        SnapshotException e = assertThrows(SnapshotException.class, () -> MachineSnapshot.restore(vm, file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
