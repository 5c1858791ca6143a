package org.ppc440vm.board.loader;

import org.ppc440vm.api.memory.GuestMemory;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * Puts a kernel, an initrd and a device tree into guest RAM where the 44x head code and QEMU's bamboo expect them,
 * and gives the core its boot state.
 *
 * <p>Layout: the kernel's segments at their physical addresses (vmlinux: 0), the device tree at
 * {@value #FDT_ADDRESS_HEX}, the initrd at {@value #INITRD_ADDRESS_HEX}. Entry: r3 = the device tree's address, r1 =
 * 16 MiB - 8, MSR = 0 (supervisor, address space 0, external interrupts off), and one TLB entry (index 0) mapping
 * 256 MiB of effective address 0 to physical 0 with TS 0, TID 0 and supervisor read/write/execute, through which the
 * kernel finds itself with {@code tlbsx} and builds its own mapping.
 */
public final class BootLoader {
    public static final long FDT_ADDRESS = 0x0180_0000L;
    public static final long INITRD_ADDRESS = 0x0190_0000L;
    static final String FDT_ADDRESS_HEX = "0x01800000";
    static final String INITRD_ADDRESS_HEX = "0x01900000";
    public static final int INITIAL_STACK = (16 << 20) - 8;
    public static final int BOOT_TLB_INDEX = 0;

    private BootLoader() {
    }

    /** Where things went, for the boot state and messages. */
    public static final class Placement {
        public final long entry;
        public final long fdtAddress;
        public final long fdtSize;
        public final long initrdStart;
        public final long initrdEnd;

        Placement(long entry, long fdtAddress, long fdtSize, long initrdStart, long initrdEnd) {
            this.entry = entry;
            this.fdtAddress = fdtAddress;
            this.fdtSize = fdtSize;
            this.initrdStart = initrdStart;
            this.initrdEnd = initrdEnd;
        }
    }

    /** The initrd's physical range {start, end} for /chosen, or {0, 0} without one. */
    public static long[] initrdRange(byte[] initrd) {
        return initrd == null ? new long[] {0, 0} : new long[] {INITRD_ADDRESS, INITRD_ADDRESS + initrd.length};
    }

    /**
     * Checks that everything fits and nothing overlaps, then writes the images into {@code ram} (the caller has
     * cleared it). Nothing is written when a check fails.
     */
    public static Placement place(GuestMemory ram, KernelImage kernel, String initrdName, byte[] initrd, byte[] fdt)
            throws LoadException {
        long ramSize = ram.size();
        String ramText = mib(ramSize);
        long fdtEnd = FDT_ADDRESS + fdt.length;
        if (fdtEnd > ramSize) {
            throw new LoadException("-m " + ramText + " is too small: the device tree goes at " + FDT_ADDRESS_HEX
                    + " (give at least 32 MiB)");
        }
        if (fdtEnd > INITRD_ADDRESS) {
            throw new LoadException("the device tree (" + fdt.length + " bytes) does not fit below the initrd at "
                    + INITRD_ADDRESS_HEX);
        }
        long initrdEnd = 0;
        if (initrd != null) {
            initrdEnd = INITRD_ADDRESS + initrd.length;
            if (initrdEnd > ramSize) {
                throw new LoadException(String.format("%s: the initrd (%d bytes at %s) does not fit in %s of RAM",
                        initrdName, initrd.length, INITRD_ADDRESS_HEX, ramText));
            }
        }
        for (KernelImage.Segment s : kernel.segments()) {
            if (s.address < 0 || s.end() > ramSize) {
                throw new LoadException(String.format(
                        "%s: does not fit in %s of RAM: it needs 0x%08x-0x%08x (give a larger -m)", kernel.name(),
                        ramText, s.address, s.end() - 1));
            }
            if (overlaps(s.address, s.end(), FDT_ADDRESS, fdtEnd)) {
                throw new LoadException(String.format(
                        "%s: overlaps the FDT at %s: the image occupies 0x%08x-0x%08x", kernel.name(),
                        FDT_ADDRESS_HEX, s.address, s.end() - 1));
            }
            if (initrd != null && overlaps(s.address, s.end(), INITRD_ADDRESS, initrdEnd)) {
                throw new LoadException(String.format(
                        "%s: overlaps the initrd at %s-0x%08x: the image occupies 0x%08x-0x%08x", kernel.name(),
                        INITRD_ADDRESS_HEX, initrdEnd - 1, s.address, s.end() - 1));
            }
        }
        if (kernel.entry() >= ramSize) {
            throw new LoadException(String.format("%s: the entry point 0x%08x is outside RAM", kernel.name(),
                    kernel.entry()));
        }
        for (KernelImage.Segment s : kernel.segments()) {
            ram.write(s.address, s.data, 0, s.data.length);
            ram.fill(s.address + s.data.length, s.memorySize - s.data.length, (byte) 0); // BSS
        }
        if (initrd != null) {
            ram.write(INITRD_ADDRESS, initrd, 0, initrd.length);
        }
        ram.write(FDT_ADDRESS, fdt, 0, fdt.length);
        return new Placement(kernel.entry(), FDT_ADDRESS, fdt.length, initrd == null ? 0 : INITRD_ADDRESS, initrdEnd);
    }

    private static boolean overlaps(long a0, long a1, long b0, long b1) {
        return a0 < b1 && b0 < a1;
    }

    static String mib(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    /**
     * The core's state at entry. Call on a freshly reset core, before its first {@code run()}: registers, MSR = 0,
     * PID = 0, then the boot TLB entry, then {@link Mmu440#contextChanged()} so that the translation contexts match.
     */
    public static void prepareCpu(CpuState state, Mmu440 mmu, Placement p) {
        state.pc = (int) p.entry;
        state.gpr[1] = INITIAL_STACK;
        state.gpr[3] = (int) p.fdtAddress;
        state.msr = 0;
        state.pid = 0;
        writeBootEntry(mmu);
        mmu.contextChanged();
    }

    /** UTLB[0]: EPN 0, 256 MiB, valid, TS 0 (TID 0 from MMUCR[STID] = 0), RPN 0, ERPN 0, SX|SW|SR, WIMGE 0. */
    public static void writeBootEntry(Mmu440 mmu) {
        mmu.setMmucr(0);
        mmu.tlbwe(BOOT_TLB_INDEX, 0, Mmu440.TLB0_V | (Mmu440.SIZE_256M << Mmu440.TLB0_SIZE_SHIFT));
        mmu.tlbwe(BOOT_TLB_INDEX, 1, 0);
        mmu.tlbwe(BOOT_TLB_INDEX, 2, Mmu440.TLB2_SX | Mmu440.TLB2_SW | Mmu440.TLB2_SR);
    }
}
