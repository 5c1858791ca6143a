package org.ppc440vm.board.fdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppc440vm.api.device.DeviceTreeNode;
import org.ppc440vm.board.uart.Uart16550;
import org.ppc440vm.board.uic.Uic;

class FdtTest {
    /** The reference tree for our board, from the shared guest images (tests that need it skip without it). */
    static final Path REFERENCE_DTB = Path.of("../../../shared/guest/ppc440-virt.dtb");

    @TempDir
    Path tmp;

    static FdtNode boardTree(String bootargs, long initrdStart, long initrdEnd, List<DeviceTreeNode> extra) {
        List<DeviceTreeNode> devices = new ArrayList<>();
        devices.add(new Uart16550().deviceTreeNode());
        devices.addAll(extra);
        return BoardDeviceTree.build(256L << 20, new Uic().deviceTreeNode(), devices,
                new BoardDeviceTree.Chosen(bootargs, initrdStart, initrdEnd, null));
    }

    static FdtNode boardTree() {
        return boardTree("console=ttyS0 rdinit=/init", 0x01900000L, 0x019fc75bL, List.of());
    }

    /** Every node by path, for comparisons. */
    static Map<String, FdtNode> byPath(FdtNode root) {
        Map<String, FdtNode> m = new TreeMap<>();
        collect(root, "", m);
        return m;
    }

    private static void collect(FdtNode n, String parent, Map<String, FdtNode> out) {
        String path = n.name().isEmpty() ? "/" : (parent.equals("/") ? "" : parent) + "/" + n.name();
        out.put(path, n);
        for (FdtNode c : n.children()) {
            collect(c, path, out);
        }
    }

    static void assertSameTree(FdtNode expected, FdtNode actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(List.copyOf(expected.properties().keySet()), List.copyOf(actual.properties().keySet()),
                "properties of " + expected);
        for (String k : expected.properties().keySet()) {
            assertArrayEquals(expected.get(k), actual.get(k), expected + " " + k);
        }
        assertEquals(expected.children().size(), actual.children().size(), "children of " + expected);
        for (int i = 0; i < expected.children().size(); i++) {
            assertSameTree(expected.children().get(i), actual.children().get(i));
        }
    }

    @Test
    void writerOutputHasAValidHeaderAndReadsBackIdentically() throws Exception {
        FdtNode root = boardTree();
        byte[] blob = FdtWriter.write(new Fdt(root, List.of(new long[] {0x1000, 0x2000}), 0));
        ByteBuffer b = ByteBuffer.wrap(blob);
        assertEquals(Fdt.MAGIC, b.getInt(0));
        assertEquals(blob.length, b.getInt(4));
        assertEquals(17, b.getInt(20));
        assertEquals(16, b.getInt(24));
        assertEquals(0, b.getInt(8) % 4, "structure block aligned");
        assertEquals(0, b.getInt(16) % 8, "reservation map aligned");
        Fdt back = FdtReader.read(blob);
        assertSameTree(root, back.root());
        assertEquals(1, back.reservations().size());
        assertEquals(0x1000, back.reservations().get(0)[0]);
        assertEquals(0x2000, back.reservations().get(0)[1]);
        assertArrayEquals(blob, back.toBlob(), "read + write is the identity");
    }

    @Test
    void propertyNamesAreStoredOnce() {
        byte[] blob = FdtWriter.write(boardTree());
        ByteBuffer b = ByteBuffer.wrap(blob);
        String strings = new String(blob, b.getInt(12), b.getInt(32), StandardCharsets.US_ASCII);
        int first = strings.indexOf("compatible\0");
        assertTrue(first >= 0);
        assertEquals(-1, strings.indexOf("compatible\0", first + 1));
    }

    @Test
    void boardTreeHasWhatThe44xKernelNeeds() {
        FdtNode root = boardTree();
        assertEquals("amcc,bamboo", root.getString("compatible"));
        FdtNode cpu = root.find("/cpus/cpu@0");
        assertEquals("PowerPC,440EP", cpu.getString("model"));
        assertEquals(400_000_000, cpu.getCell("clock-frequency", 0));
        assertEquals(400_000_000, cpu.getCell("timebase-frequency", 0));
        assertEquals(32768, cpu.getCell("d-cache-size", 0));
        assertTrue(cpu.has("dcr-controller"));
        assertEquals("native", cpu.getString("dcr-access-method"));
        assertEquals(cpu.getCell("phandle", -1), root.getCell("dcr-parent", -2), "dcr-parent is the cpu");

        assertArrayEquals(new int[] {0, 0, 256 << 20}, root.find("/memory").getCells("reg"));

        FdtNode uic = root.find("/interrupt-controller0");
        assertEquals(List.of("ibm,uic-440ep", "ibm,uic"), uic.getStrings("compatible"));
        assertEquals(0, uic.getCell("cell-index", -1));
        assertArrayEquals(new int[] {0xC0, 9}, uic.getCells("dcr-reg"));
        assertEquals(2, uic.getCell("#interrupt-cells", -1));
        assertFalse(uic.has("interrupts"), "the primary UIC has no interrupts property");

        FdtNode serial = root.find("/plb/opb/serial@ef600300");
        assertNotNull(serial, "devices sit under plb/opb, where ppc44x_simple probes");
        assertArrayEquals(new int[] {0xef600300, 8}, serial.getCells("reg"));
        assertEquals(11059200, serial.getCell("clock-frequency", 0));
        assertEquals(uic.getCell("phandle", -1), serial.getCell("interrupt-parent", -2));
        assertArrayEquals(new int[] {0, 4}, serial.getCells("interrupts"));

        FdtNode chosen = root.find("/chosen");
        assertEquals("console=ttyS0 rdinit=/init", chosen.getString("bootargs"));
        assertEquals(0x01900000, chosen.getCell("linux,initrd-start", 0));
        assertEquals(0x019fc75b, chosen.getCell("linux,initrd-end", 0));
        assertEquals("/plb/opb/serial@ef600300", chosen.getString("stdout-path"));
        assertEquals("/plb/opb/serial@ef600300", chosen.getString("linux,stdout-path"));
        assertEquals("/plb/opb/serial@ef600300", root.find("/aliases").getString("serial0"));
    }

    @Test
    void deviceNodesAreContributedUnderOpbWithTheUicAsParent() {
        DeviceTreeNode virtio = new DeviceTreeNode("virtio@ef602000").property("compatible", "virtio,mmio")
                .cells("reg", 0xef602000, 0x200).cells("interrupts", 20, 4);
        FdtNode root = boardTree("", 0, 0, List.of(virtio));
        FdtNode n = root.find("/plb/opb/virtio@ef602000");
        assertNotNull(n);
        assertEquals(root.find("/interrupt-controller0").getCell("phandle", -1), n.getCell("interrupt-parent", -2));
        assertNull(root.find("/chosen").get("linux,initrd-start"), "no initrd, no initrd properties");
        assertEquals("", root.find("/chosen").getString("bootargs"));
        assertThrows(IllegalArgumentException.class, () -> boardTree("", 0, 0, List.of(virtio, virtio)),
                "two nodes of one name");
    }

    @Test
    void structureMatchesTheReferenceDeviceTree() throws Exception {
        assumeTrue(Files.isRegularFile(REFERENCE_DTB), "no reference tree at " + REFERENCE_DTB.toAbsolutePath());
        FdtNode reference = FdtReader.read(Files.readAllBytes(REFERENCE_DTB)).root();
        FdtNode ours = boardTree();
        Map<String, FdtNode> refNodes = byPath(reference);
        Map<String, FdtNode> ourNodes = byPath(ours);
        for (Map.Entry<String, FdtNode> e : refNodes.entrySet()) {
            String path = e.getKey();
            if (path.contains("virtio")) {
                continue; // devices that are not on this board unless configured
            }
            FdtNode mine = ourNodes.get(path);
            assertNotNull(mine, "our tree lacks " + path);
            for (Map.Entry<String, byte[]> p : e.getValue().properties().entrySet()) {
                String name = p.getKey();
                assertTrue(mine.has(name), path + " lacks " + name);
                if (name.equals("phandle") || name.equals("interrupt-parent") || name.equals("dcr-parent")
                        || (path.equals("/chosen") && name.equals("bootargs"))) {
                    continue; // phandle numbers may differ; references are checked below; bootargs are ours
                }
                assertArrayEquals(p.getValue(), mine.get(name), path + " " + name);
            }
        }
        for (String path : ourNodes.keySet()) {
            assertTrue(refNodes.containsKey(path), "we have a node the reference lacks: " + path);
        }
        // references resolve to the same nodes
        assertEquals(phandleOwner(reference, reference.getCell("dcr-parent", 0)),
                phandleOwner(ours, ours.getCell("dcr-parent", 0)));
        FdtNode refSerial = reference.find("/plb/opb/serial@ef600300");
        FdtNode ourSerial = ours.find("/plb/opb/serial@ef600300");
        assertEquals(phandleOwner(reference, refSerial.getCell("interrupt-parent", 0)),
                phandleOwner(ours, ourSerial.getCell("interrupt-parent", 0)));
    }

    private static String phandleOwner(FdtNode root, int phandle) {
        for (Map.Entry<String, FdtNode> e : byPath(root).entrySet()) {
            if (e.getValue().getCell("phandle", -1) == phandle) {
                return e.getKey();
            }
        }
        return null;
    }

    @Test
    void dtcDecompilesOurBlobAndRecompilesItToTheSameTree() throws Exception {
        assumeTrue(dtcAvailable(), "dtc (Debian's device-tree-compiler) is not installed");
        Path dtb = tmp.resolve("board.dtb");
        Path dts = tmp.resolve("board.dts");
        Path back = tmp.resolve("back.dtb");
        FdtNode root = boardTree();
        Files.write(dtb, FdtWriter.write(root));
        Result r = run("dtc", "-I", "dtb", "-O", "dts", "-o", dts.toString(), dtb.toString());
        assertEquals(0, r.status, r.err);
        String text = Files.readString(dts);
        // dtc 1.6 prints a string list as one string with embedded NULs
        assertTrue(text.contains("compatible = \"ibm,uic-440ep\\0ibm,uic\";")
                || text.contains("compatible = \"ibm,uic-440ep\", \"ibm,uic\";"), text);
        assertTrue(text.contains("serial@ef600300 {"), text);
        assertTrue(text.contains("model = \"PowerPC,440EP\";"), text);
        assertTrue(text.contains("linux,initrd-start = <0x1900000>;"), text);
        // only the benign warnings the reference tree (and bamboo.dts) also gets
        for (String line : r.err.split("\n")) {
            if (line.contains("Warning")) {
                assertTrue(line.contains("unit_address_vs_reg"), "unexpected dtc warning: " + line);
            }
        }
        Result c = run("dtc", "-I", "dts", "-O", "dtb", "-o", back.toString(), dts.toString());
        assertEquals(0, c.status, c.err);
        assertSameTree(root, FdtReader.read(Files.readAllBytes(back)).root());
    }

    @Test
    void readerParsesDtcOutput() throws Exception {
        assumeTrue(dtcAvailable(), "dtc is not installed");
        Path dts = tmp.resolve("t.dts");
        Path dtb = tmp.resolve("t.dtb");
        Files.writeString(dts, "/dts-v1/;\n/memreserve/ 0x1000 0x1000;\n/ { #address-cells = <1>; #size-cells = <1>;"
                + " a { s = \"x\", \"yz\"; c = <1 2>; e; b@10 { reg = <0x10 4>; }; }; };\n");
        Result c = run("dtc", "-I", "dts", "-O", "dtb", "-o", dtb.toString(), dts.toString());
        assertEquals(0, c.status, c.err);
        Fdt fdt = FdtReader.read(Files.readAllBytes(dtb));
        FdtNode a = fdt.root().find("/a");
        assertEquals(List.of("x", "yz"), a.getStrings("s"));
        assertArrayEquals(new int[] {1, 2}, a.getCells("c"));
        assertEquals(0, a.get("e").length);
        assertArrayEquals(new int[] {0x10, 4}, fdt.root().find("/a/b@10").getCells("reg"));
        assertEquals(1, fdt.reservations().size());
    }

    @Test
    void patchMakesAGivenTreeMatchTheCommandLine() throws Exception {
        FdtNode root = boardTree("old args", 0x01900000L, 0x01910000L, List.of());
        root.add(new FdtNode("memory@10000000").string("device_type", "memory").cells("reg", 0, 0x10000000, 0x100));
        BoardDeviceTree.patch(root, 128L << 20, new BoardDeviceTree.Chosen("new args", 0x01900000L, 0x01a00000L, null));
        assertArrayEquals(new int[] {0, 0, 128 << 20}, root.find("/memory").getCells("reg"));
        assertNull(root.find("/memory@10000000"), "one bank of RAM: other memory nodes go");
        FdtNode chosen = root.find("/chosen");
        assertEquals("new args", chosen.getString("bootargs"));
        assertEquals(0x01a00000, chosen.getCell("linux,initrd-end", 0));
        assertEquals("/plb/opb/serial@ef600300", chosen.getString("stdout-path"), "kept");

        BoardDeviceTree.patch(root, 64L << 20, new BoardDeviceTree.Chosen(null, 0, 0, null));
        assertEquals("new args", chosen.getString("bootargs"), "no -append keeps the blob's bootargs");
        assertFalse(chosen.has("linux,initrd-start"), "no -initrd drops the blob's initrd");

        FdtNode bare = new FdtNode("").cells("#address-cells", 1).cells("#size-cells", 1);
        BoardDeviceTree.patch(bare, 32L << 20, new BoardDeviceTree.Chosen("x", 0, 0, null));
        assertArrayEquals(new int[] {0, 32 << 20}, bare.find("/memory").getCells("reg"), "#address-cells 1");
        assertEquals("x", bare.find("/chosen").getString("bootargs"));
    }

    @Test
    void patchedReferenceTreeKeepsItsOwnDevices() throws Exception {
        assumeTrue(Files.isRegularFile(REFERENCE_DTB), "no reference tree");
        Fdt ref = FdtReader.read(Files.readAllBytes(REFERENCE_DTB));
        FdtNode root = ref.root().copy();
        BoardDeviceTree.patch(root, 64L << 20, new BoardDeviceTree.Chosen("console=ttyS0", 0, 0, null));
        Fdt back = FdtReader.read(new Fdt(root, ref.reservations(), ref.bootCpu()).toBlob());
        assertNotNull(back.root().find("/plb/opb/virtio@ef602000"));
        assertArrayEquals(new int[] {0, 0, 64 << 20}, back.root().find("/memory").getCells("reg"));
        assertEquals("console=ttyS0", back.root().find("/chosen").getString("bootargs"));
        assertEquals(400_000_000L, BoardDeviceTree.timebaseHz(back.root(), 0));
    }

    @Test
    void readerRejectsBrokenBlobs() {
        byte[] blob = FdtWriter.write(boardTree());
        FdtFormatException e = assertThrows(FdtFormatException.class, () -> FdtReader.read(new byte[10]));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        byte[] badMagic = blob.clone();
        badMagic[0] = 0;
        e = assertThrows(FdtFormatException.class, () -> FdtReader.read(badMagic));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        byte[] shortBlob = java.util.Arrays.copyOf(blob, blob.length - 50);
        e = assertThrows(FdtFormatException.class, () -> FdtReader.read(shortBlob));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        byte[] badToken = blob.clone();
        int structOffset = ByteBuffer.wrap(blob).getInt(8);
        badToken[structOffset + 3] = 7;
        e = assertThrows(FdtFormatException.class, () -> FdtReader.read(badToken));
        assertTrue(e.getMessage().contains("token"), e.getMessage());
    }

    private static boolean dtcAvailable() {
        try {
            return run("dtc", "--version").status == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static final class Result {
        int status;
        String err;
    }

    private static Result run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Result r = new Result();
        try {
            r.err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("dtc hung");
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        r.status = p.exitValue();
        return r;
    }
}
