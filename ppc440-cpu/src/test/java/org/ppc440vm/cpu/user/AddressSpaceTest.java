package org.ppc440vm.cpu.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.MissHandler;
import org.ppc440vm.cpu.spi.TranslationCache;

class AddressSpaceTest {
    private static final int RW = AddressSpace.PROT_READ | AddressSpace.PROT_WRITE;
    private GuestRam ram;
    private AddressSpace space;
    private ScriptedCpu cpu;

    @BeforeEach
    void setUp() {
        ram = new GuestRam(1 << 20); // 256 frames
        space = new AddressSpace(ram);
        cpu = new ScriptedCpu(ram, space, 64);
        space.attach(cpu);
        cpu.state.msr = CpuState.MSR_PR;
        cpu.state.updateContexts();
    }

    @Test
    void mappedPagesGetAFrameOnlyWhenTouched() {
        space.map(0x2000_0000L, 16 * 4096, RW);
        assertEquals(0, space.framesInUse());
        assertTrue(cpu.store(0x2000_5004, 0x12345678));
        assertEquals(1, space.framesInUse());
        assertEquals(0x12345678, cpu.load(0x2000_5004));
        assertEquals(0, cpu.load(0x2000_5000), "a fresh page reads as zeros");
        assertEquals(1, space.framesInUse());
    }

    @Test
    void aMissInstallsTheTranslationWithThePagesPermissions() {
        space.map(0x3000_0000L, 4096, AddressSpace.PROT_READ | AddressSpace.PROT_EXEC);
        assertEquals(MissHandler.REFILLED, space.miss(cpu.state, 0x3000_0010, MissHandler.LOAD));
        TranslationCache t = cpu.tlb;
        int i = t.index(0x3000_0010);
        int tag = TranslationCache.tag(0x3000_0000, cpu.state.dataContext);
        assertEquals(tag, t.readTag[i]);
        assertEquals(tag, t.execTag[i]);
        assertEquals(TranslationCache.INVALID, t.writeTag[i], "read-only: no write tag");
        assertTrue((cpu.state.dataContext & (1 << 9)) != 0, "user-mode context carries PR");
    }

    @Test
    void unmappedAndProtectedAccessesFault() {
        assertNull(cpu.load(0));
        assertEquals(ExitReason.DATA_STORAGE, cpu.state.trap);
        assertEquals(0, cpu.state.trapAddress);
        assertEquals(AddressSpace.FaultCause.UNMAPPED, space.lastFaultCause());

        space.map(0x1000_0000L, 4096, AddressSpace.PROT_READ | AddressSpace.PROT_EXEC);
        assertFalse(cpu.store(0x1000_0008, 1));
        assertEquals(ExitReason.DATA_STORAGE, cpu.state.trap);
        assertEquals(CpuState.ESR_ST, cpu.state.trapEsr);
        assertEquals(0x1000_0008, cpu.state.trapAddress);
        assertEquals(AddressSpace.FaultCause.PROTECTION, space.lastFaultCause());

        space.map(0x1001_0000L, 4096, RW);
        assertNull(cpu.fetch(0x1001_0000));
        assertEquals(ExitReason.INSTRUCTION_STORAGE, cpu.state.trap, "data pages do not execute");
    }

    @Test
    void writeOnlyPagesAreReadableAsOnPowerPcLinux() {
        space.map(0x2000_0000L, 4096, AddressSpace.PROT_WRITE);
        assertTrue(cpu.store(0x2000_0000, 5));
        assertEquals(5, cpu.load(0x2000_0000));
    }

    @Test
    void unmapFreesFramesFlushesTranslationsAndDropsDecodedCode() {
        space.map(0x2000_0000L, 4096, RW);
        assertTrue(cpu.store(0x2000_0000, 0xdeadbeef));
        int i = cpu.tlb.index(0x2000_0000);
        int offset = cpu.tlb.ramOffset[i];
        cpu.invalidated.clear();
        space.unmap(0x2000_0000L, 4096);
        assertEquals(0, space.framesInUse());
        assertEquals(TranslationCache.INVALID, cpu.tlb.readTag[i]);
        assertEquals(1, cpu.invalidated.size());
        assertEquals(offset, cpu.invalidated.get(0)[0]);
        assertNull(cpu.load(0x2000_0000));

        // The freed frame is handed out again, zeroed.
        space.map(0x5000_0000L, 4096, RW);
        assertEquals(0, cpu.load(0x5000_0000));
        assertEquals(offset, cpu.tlb.ramOffset[cpu.tlb.index(0x5000_0000)]);
    }

    @Test
    void protectChangesPermissionsOfMappedPagesOnly() {
        space.map(0x2000_0000L, 2 * 4096, RW);
        assertTrue(cpu.store(0x2000_0000, 7));
        assertTrue(space.protect(0x2000_0000L, 4096, AddressSpace.PROT_READ));
        assertFalse(cpu.store(0x2000_0000, 8), "the cached write translation was flushed");
        assertEquals(7, cpu.load(0x2000_0000));
        assertFalse(space.protect(0x2000_1000L, 2 * 4096, AddressSpace.PROT_READ), "a page of it is unmapped");
        assertEquals(RW, space.protection(0x2000_1000L), "and nothing changed");
    }

    @Test
    void findFreeSearchesTopDown() {
        long ceiling = 0x4000_0000L;
        assertEquals(ceiling - 0x3000, space.findFree(0x3000, ceiling));
        space.map(ceiling - 0x2000, 0x1000, RW);
        assertEquals(ceiling - 0x5000, space.findFree(0x3000, ceiling), "below the mapping in the way");
        assertEquals(ceiling - 0x1000, space.findFree(0x1000, ceiling), "a one-page hole above it");
    }

    @Test
    void moveCarriesFramesAndContents() {
        space.map(0x2000_0000L, 2 * 4096, RW);
        assertTrue(cpu.store(0x2000_1ffc, 0xcafe));
        int frames = space.framesInUse();
        space.move(0x2000_0000L, 0x2000_1000L, 2 * 4096); // overlapping, upwards
        assertEquals(frames, space.framesInUse());
        assertEquals(0xcafe, cpu.load(0x2000_2ffc));
        assertFalse(space.isMapped(0x2000_0000L));
        assertTrue(space.isMapped(0x2000_2000L));
    }

    @Test
    void kernelCopiesCrossPagesCheckPermissionsAndInvalidateCode() {
        space.map(0x2000_0000L, 2 * 4096, RW);
        byte[] data = new byte[100];
        for (int k = 0; k < data.length; k++) {
            data[k] = (byte) k;
        }
        cpu.invalidated.clear();
        assertTrue(space.write(0x2000_0fd0L, data, 0, data.length));
        assertEquals(2, cpu.invalidated.size(), "one invalidation per page touched");
        byte[] back = new byte[100];
        assertTrue(space.read(0x2000_0fd0L, back, 0, 100));
        assertArrayEquals(data, back);
        assertFalse(space.read(0x2000_1fd0L, back, 0, 100), "runs into an unmapped page");

        space.map(0x3000_0000L, 4096, AddressSpace.PROT_READ);
        assertFalse(space.write(0x3000_0000L, data, 0, 4), "read-only for the kernel too");
        assertTrue(space.load(0x3000_0000L, data, 0, 4), "but the loader may fill it");
        assertEquals(0x00010203, space.readWord(0x3000_0000L));
    }

    @Test
    void readsCStrings() {
        space.map(0x2000_0000L, 4096, RW);
        byte[] s = "hello\0".getBytes();
        assertTrue(space.write(0x2000_0ffcL, s, 0, 4));
        assertNull(space.readCString(0x2000_0ffcL, 100), "the NUL would be on the unmapped next page");
        space.write(0x2000_0010L, s, 0, s.length);
        assertEquals("hello", new String(space.readCString(0x2000_0010L, 100)));
        assertNull(space.readCString(0x2000_0010L, 3), "longer than allowed");
    }

    @Test
    void runningOutOfRamIsAFaultNamingTheCause() {
        space.map(0x2000_0000L, 257 * 4096L, RW);
        for (int p = 0; p < 256; p++) {
            assertTrue(cpu.store(0x2000_0000 + p * 4096, p));
        }
        assertFalse(cpu.store(0x2000_0000 + 256 * 4096, 1));
        assertEquals(AddressSpace.FaultCause.OUT_OF_MEMORY, space.lastFaultCause());
        space.discard(0x2000_0000L, 2 * 4096);
        assertEquals(254, space.framesInUse());
        assertTrue(cpu.store(0x2000_0000 + 256 * 4096, 1), "a discarded page's frame is reused");
        assertEquals(0, cpu.load(0x2000_0000), "a discarded page stays mapped and reads zero");
        assertEquals(256, space.framesInUse());
        assertNotEquals(0, space.peakFramesInUse());
    }
}
