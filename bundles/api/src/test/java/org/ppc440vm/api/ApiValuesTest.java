package org.ppc440vm.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.device.DeviceState;
import org.ppc440vm.api.device.DeviceTreeNode;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.memory.Endian;

class ApiValuesTest {

    @Test
    void endianReverseSwapsExactlyTheAccessSize() {
        assertEquals(0x3412L, Endian.reverse(0x1234, 2));
        assertEquals(0x78563412L, Endian.reverse(0x12345678, 4));
        assertEquals(0x0807060504030201L, Endian.reverse(0x0102030405060708L, 8));
        assertEquals(0x12L, Endian.reverse(0xAB12, 1));
        assertEquals(0x12345678L, Endian.BIG.toBig(0x12345678, 4));
        assertEquals(0x78563412L, Endian.LITTLE.toBig(0x12345678, 4));
        assertThrows(IllegalArgumentException.class, () -> Endian.reverse(1, 3));
    }

    @Test
    void deviceStateIsAnImmutableValue() {
        byte[] regs = {1, 2, 3};
        DeviceState s = DeviceState.builder("virtio-blk", 1).put("status", 0xFL).put("regs", regs)
                .put("avail", new long[] {5, 6}).put("file", "disk.img").build();
        regs[0] = 99; // the state took a copy
        assertEquals(1, s.getBytes("regs")[0]);
        s.getBytes("regs")[1] = 99; // and hands out copies
        assertEquals(2, s.getBytes("regs")[1]);
        assertEquals(0xF, s.getLong("status"));
        assertArrayEquals(new long[] {5, 6}, s.getLongs("avail"));
        assertEquals("disk.img", s.getString("file"));
        DeviceState same = DeviceState.builder("virtio-blk", 1).put("status", 0xFL).put("regs", new byte[] {1, 2, 3})
                .put("avail", new long[] {5, 6}).put("file", "disk.img").build();
        assertEquals(s, same);
        assertNotEquals(s, DeviceState.builder("virtio-blk", 2).put("status", 0xFL).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.getLong("missing"));
        assertTrue(e.getMessage().contains("missing"));
        assertThrows(IllegalArgumentException.class, () -> DeviceState.builder("", 1));
    }

    @Test
    void deviceTreeNodeEncodesStringsAndCellsAsTheBlobWillHoldThem() {
        DeviceTreeNode n = new DeviceTreeNode("serial@ef600300").property("compatible", "ns16550", "x")
                .cells("reg", 0xef600300, 8).property("interrupt-controller");
        assertArrayEquals("ns16550\0x\0".getBytes(), n.properties().get("compatible"));
        assertArrayEquals(new byte[] {(byte) 0xef, 0x60, 0x03, 0x00, 0, 0, 0, 8}, n.properties().get("reg"));
        assertEquals(0, n.properties().get("interrupt-controller").length);
        assertThrows(IllegalArgumentException.class, () -> new DeviceTreeNode("a/b"));
    }

    @Test
    void exitReasonsMapToTheIvorsOfThe440() {
        assertEquals(8, ExitReason.SYSTEM_CALL.ivor());
        assertEquals(13, ExitReason.DATA_TLB_MISS.ivor());
        assertEquals(6, ExitReason.PRIVILEGED_INSTRUCTION.ivor());
        assertTrue(ExitReason.MMIO.isUserspaceExit());
        assertFalse(ExitReason.DECREMENTER.isUserspaceExit());
        Set<Integer> ivors = new HashSet<>();
        for (ExitReason r : ExitReason.values()) {
            if (!r.isUserspaceExit() && r != ExitReason.PRIVILEGED_INSTRUCTION) {
                assertTrue(ivors.add(r.ivor()), "one interrupt class per IVOR: " + r);
            }
            assertEquals(r, ExitReason.ofOrdinal(r.ordinal()));
        }
        assertEquals(16, ivors.size());
    }
}
