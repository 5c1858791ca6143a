package org.ppc440vm.board.loader;

/** Test images for other packages' tests. */
public final class LoaderTestAccess {
    private LoaderTestAccess() {
    }

    /** A vmlinux-like ELF: one PT_LOAD at vaddr 0xc0000000, paddr 0, entry 0xc0000000. */
    public static byte[] vmlinuxLike() {
        return LoaderTest.ppcElf(0xC0000000, 0, 0xC0000000, new byte[64], 0x100);
    }
}
