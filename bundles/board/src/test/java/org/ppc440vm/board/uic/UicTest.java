package org.ppc440vm.board.uic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UicTest {
    private Uic uic;
    private final List<String> events = new ArrayList<>();
    private boolean ext;
    private boolean crit;

    @BeforeEach
    void setUp() {
        uic = new Uic();
        uic.connect(new Uic.Outputs() {
            @Override
            public void external(boolean asserted) {
                ext = asserted;
                events.add("ext=" + asserted);
            }

            @Override
            public void critical(boolean asserted) {
                crit = asserted;
                events.add("crit=" + asserted);
            }
        });
        events.clear();
    }

    @Test
    void mapsNineDcrsFromC0AndThirtyTwoSources() {
        assertEquals(0xC0, uic.dcrBase());
        assertEquals(9, uic.dcrCount());
        assertEquals(32, uic.sources());
        assertEquals(5, uic.line(5).number());
        assertThrows(IllegalArgumentException.class, () -> uic.line(32));
        assertThrows(IllegalArgumentException.class, () -> uic.line(-1));
    }

    @Test
    void sourceNIsIbmBit31MinusN() {
        uic.line(0).raise();
        assertEquals(0x8000_0000, uic.readDcr(Uic.SR));
        uic.line(0).lower();
        uic.writeDcr(Uic.SR, 0xFFFF_FFFF);
        uic.line(31).raise();
        assertEquals(0x0000_0001, uic.readDcr(Uic.SR));
        uic.line(31).lower();
        uic.writeDcr(Uic.SR, 0xFFFF_FFFF);
        uic.line(20).raise();
        assertEquals(1 << 11, uic.readDcr(Uic.SR));
        assertEquals(Uic.bit(20), uic.readDcr(Uic.SR));
    }

    @Test
    void resetStateIsQuietAndActiveHigh() {
        assertEquals(0, uic.readDcr(Uic.SR));
        assertEquals(0, uic.readDcr(Uic.ER));
        assertEquals(0, uic.readDcr(Uic.CR));
        assertEquals(0xFFFF_FFFF, uic.readDcr(Uic.PR));
        assertEquals(0, uic.readDcr(Uic.TR));
        assertEquals(0, uic.readDcr(Uic.MSR));
        assertFalse(ext);
        assertFalse(crit);
    }

    @Test
    void enableRegisterGatesTheOutputAndMsrIsSrAndEr() {
        uic.line(3).raise();
        assertEquals(Uic.bit(3), uic.readDcr(Uic.SR));
        assertEquals(0, uic.readDcr(Uic.MSR), "masked status is SR & ER");
        assertFalse(ext, "a disabled source does not interrupt");
        uic.writeDcr(Uic.ER, Uic.bit(3) | Uic.bit(7));
        assertEquals(Uic.bit(3) | Uic.bit(7), uic.readDcr(Uic.ER));
        assertEquals(Uic.bit(3), uic.readDcr(Uic.MSR));
        assertTrue(ext);
        uic.writeDcr(Uic.ER, 0);
        assertFalse(ext);
        assertEquals(List.of("ext=true", "ext=false"), events);
    }

    @Test
    void msrAndVrAreReadOnly() {
        uic.writeDcr(Uic.ER, 0xFFFF_FFFF);
        uic.writeDcr(Uic.MSR, 0x1234_5678);
        uic.writeDcr(Uic.VR, 0x1234_5678);
        assertEquals(0, uic.readDcr(Uic.MSR));
        assertEquals(0, uic.readDcr(Uic.VR));
        assertFalse(ext);
    }

    @Test
    void statusIsWriteOneToClearForEdgeSources() {
        uic.writeDcr(Uic.TR, Uic.bit(4) | Uic.bit(5)); // edge
        uic.writeDcr(Uic.ER, Uic.bit(4) | Uic.bit(5));
        uic.line(4).raise();
        uic.line(5).raise();
        assertEquals(Uic.bit(4) | Uic.bit(5), uic.readDcr(Uic.SR));
        uic.writeDcr(Uic.SR, Uic.bit(4)); // clears only bit 4, although its line is still high (edge)
        assertEquals(Uic.bit(5), uic.readDcr(Uic.SR));
        assertTrue(ext);
        uic.writeDcr(Uic.SR, Uic.bit(5));
        assertEquals(0, uic.readDcr(Uic.SR));
        assertFalse(ext);
        // holding the line high makes no new edge
        uic.line(4).raise();
        assertEquals(0, uic.readDcr(Uic.SR));
        // a new rising edge does
        uic.line(4).lower();
        assertEquals(0, uic.readDcr(Uic.SR));
        uic.line(4).raise();
        assertEquals(Uic.bit(4), uic.readDcr(Uic.SR));
    }

    @Test
    void levelSourcesReassertWhileTheLineIsHigh() {
        uic.writeDcr(Uic.ER, Uic.bit(0));
        uic.line(0).raise();
        assertTrue(ext);
        // Linux acks a level interrupt after the handler: while the device still asserts, the bit comes back.
        uic.writeDcr(Uic.SR, Uic.bit(0));
        assertEquals(Uic.bit(0), uic.readDcr(Uic.SR));
        assertTrue(ext);
        // the device is serviced and lowers the line: the bit stays latched until acked
        uic.line(0).lower();
        assertEquals(Uic.bit(0), uic.readDcr(Uic.SR));
        assertTrue(ext);
        uic.writeDcr(Uic.SR, Uic.bit(0));
        assertEquals(0, uic.readDcr(Uic.SR));
        assertFalse(ext);
    }

    @Test
    void srsSetsStatusBitsForSoftware() {
        uic.writeDcr(Uic.ER, Uic.bit(9));
        uic.writeDcr(Uic.SRS, Uic.bit(9) | Uic.bit(10));
        assertEquals(Uic.bit(9) | Uic.bit(10), uic.readDcr(Uic.SR));
        assertEquals(Uic.bit(9), uic.readDcr(Uic.MSR));
        assertTrue(ext);
        uic.writeDcr(Uic.SR, 0xFFFF_FFFF);
        assertFalse(ext);
    }

    @Test
    void polarityZeroMakesALowLineActive() {
        uic.writeDcr(Uic.ER, Uic.bit(6));
        // line 6 is low; switching it to active-low makes it active at once (level source)
        uic.writeDcr(Uic.PR, ~Uic.bit(6));
        assertEquals(~Uic.bit(6), uic.readDcr(Uic.PR));
        assertEquals(Uic.bit(6), uic.readDcr(Uic.SR));
        assertTrue(ext);
        uic.line(6).raise(); // inactive now
        uic.writeDcr(Uic.SR, Uic.bit(6));
        assertEquals(0, uic.readDcr(Uic.SR));
        assertFalse(ext);
        uic.line(6).lower(); // active again
        assertEquals(Uic.bit(6), uic.readDcr(Uic.SR));
    }

    @Test
    void fallingEdgeSourceLatchesOnHighToLow() {
        uic.writeDcr(Uic.TR, Uic.bit(12));
        uic.writeDcr(Uic.PR, ~Uic.bit(12)); // falling edge
        uic.writeDcr(Uic.ER, Uic.bit(12));
        uic.line(12).raise();
        assertEquals(0, uic.readDcr(Uic.SR), "a rising edge is not the active edge");
        uic.line(12).lower();
        assertEquals(Uic.bit(12), uic.readDcr(Uic.SR));
        assertTrue(ext);
    }

    @Test
    void criticalRegisterRoutesToTheCriticalOutput() {
        uic.writeDcr(Uic.CR, Uic.bit(1));
        assertEquals(Uic.bit(1), uic.readDcr(Uic.CR));
        uic.writeDcr(Uic.ER, Uic.bit(1) | Uic.bit(2));
        uic.line(1).raise();
        assertTrue(crit);
        assertFalse(ext);
        uic.line(2).raise();
        assertTrue(ext);
        uic.line(1).lower();
        uic.writeDcr(Uic.SR, Uic.bit(1));
        assertFalse(crit);
        assertTrue(ext);
        // moving a pending source from critical to non-critical moves the output
        uic.writeDcr(Uic.CR, Uic.bit(2));
        assertTrue(crit);
        assertFalse(ext);
    }

    @Test
    void triggerRegisterSwitchesLevelAndEdge() {
        uic.writeDcr(Uic.TR, Uic.bit(8));
        assertEquals(Uic.bit(8), uic.readDcr(Uic.TR));
        uic.line(8).raise();
        uic.writeDcr(Uic.SR, Uic.bit(8));
        assertEquals(0, uic.readDcr(Uic.SR), "edge: cleared although the line is high");
        uic.writeDcr(Uic.TR, 0); // back to level: the high line is active again
        assertEquals(Uic.bit(8), uic.readDcr(Uic.SR));
    }

    @Test
    void vectorRegisterPointsAtTheHighestPriorityCriticalSource() {
        uic.writeDcr(Uic.VCR, 0x0010_0000);
        assertEquals(0x0010_0000, uic.readDcr(Uic.VCR));
        uic.writeDcr(Uic.CR, Uic.bit(3) | Uic.bit(10));
        uic.writeDcr(Uic.ER, Uic.bit(3) | Uic.bit(10));
        uic.line(10).raise();
        uic.line(3).raise();
        assertEquals(0x0010_0000 + 3 * 512, uic.readDcr(Uic.VR), "PRO=0: source 0 first");
        uic.writeDcr(Uic.VCR, 0x0010_0001);
        assertEquals(0x0010_0000 + (31 - 10) * 512, uic.readDcr(Uic.VR), "PRO=1: source 31 first");
    }

    @Test
    void outputChangesAreReportedOnlyOnEdges() {
        uic.writeDcr(Uic.ER, 0xFFFF_FFFF);
        uic.line(1).raise();
        uic.line(2).raise();
        uic.line(3).raise();
        assertEquals(List.of("ext=true"), events);
    }

    @Test
    void linesAreSafeFromManyThreads() throws Exception {
        uic.writeDcr(Uic.ER, 0xFFFF_FFFF);
        uic.writeDcr(Uic.TR, 0xFFFF_FFFF);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int n = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    uic.line(n).set(i % 2 == 0);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0xF000_0000, uic.readDcr(Uic.SR));
        uic.writeDcr(Uic.SR, 0xFFFF_FFFF);
        assertFalse(ext);
    }

    @Test
    void deviceTreeNodeIsWhatUicCNeeds() {
        var node = uic.deviceTreeNode();
        assertEquals("interrupt-controller0", node.name());
        assertTrue(node.properties().containsKey("interrupt-controller"));
        assertTrue(node.properties().containsKey("cell-index"));
        assertEquals("ibm,uic-440ep\0ibm,uic\0", new String(node.properties().get("compatible")));
    }
}
