package org.ppc440vm.cpu.user;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The stack a new process starts on, laid out as Linux's exec does (fs/exec.c, fs/binfmt_elf.c create_elf_tables):
 * from the top down, a zero word, the argument and environment strings and the program's path, the platform string
 * and 16 random bytes; then, 16-byte aligned at the stack pointer, argc, argv[], NULL, envp[], NULL and the
 * auxiliary vector. Static glibc's _start takes everything from r1 (it looks at argc there); we also pass argc,
 * argv, envp and auxv in r3-r6 as the PowerPC System V ABI describes.
 */
final class InitialStack {
    /** Where the pieces ended up. */
    static final class Layout {
        int sp;
        int argc;
        int argv;
        int envp;
        int auxv;
        int execfn;
        int platform;
        int random;
        /** Type/value pairs as written (for tests and -strace). */
        final List<int[]> auxEntries = new ArrayList<>();
    }

    /** Values of the auxiliary vector that come from outside the stack. */
    static final class Auxiliary {
        int hwcap = LinuxAbi.HWCAP_440EPX;
        int hwcap2;
        int phdr;
        int phnum;
        int entry;
        int uid;
        int euid;
        int gid;
        int egid;
    }

    private InitialStack() {
    }

    /**
     * Writes the stack into {@code memory} below {@code top} (which must be mapped writable for as far as it needs).
     *
     * @throws IllegalStateException if the stack does not fit (the arguments are larger than the stack)
     */
    static Layout build(AddressSpace memory, long top, List<String> argv, List<String> envp, String execfn,
            byte[] random16, Auxiliary aux, Charset charset) {
        Layout l = new Layout();
        long p = top - 4; // Linux leaves the top word zero (bprm->p starts one pointer below the end)

        // Strings, placed as exec copies them: the file name highest, then the environment, then the arguments.
        byte[] execfnBytes = cString(execfn, charset);
        byte[] envBlock = block(envp, charset);
        byte[] argBlock = block(argv, charset);
        long tableBytes = 4L * (3 + argv.size() + envp.size() + 2 * 24);
        if (4 + execfnBytes.length + envBlock.length + argBlock.length + 64 + tableBytes > UserProcess.STACK_SIZE) {
            throw new IllegalStateException("the arguments and environment do not fit the "
                    + (UserProcess.STACK_SIZE >> 20) + " MiB stack");
        }
        p -= execfnBytes.length;
        l.execfn = (int) p;
        put(memory, p, execfnBytes);
        p -= envBlock.length;
        long envStrings = p;
        put(memory, p, envBlock);
        p -= argBlock.length;
        long argStrings = p;
        put(memory, p, argBlock);

        // create_elf_tables: align, then the platform string and AT_RANDOM's bytes.
        p &= ~15L;
        byte[] platform = cString(LinuxAbi.PLATFORM, StandardCharsets.US_ASCII);
        p -= platform.length;
        l.platform = (int) p;
        put(memory, p, platform);
        p -= 16;
        l.random = (int) p;
        put(memory, p, random16);

        List<int[]> a = l.auxEntries;
        // The PowerPC kernel puts two AT_IGNOREPPC entries first and the cache geometry next (ARCH_DLINFO).
        a.add(new int[] {LinuxAbi.AT_IGNOREPPC, LinuxAbi.AT_IGNOREPPC});
        a.add(new int[] {LinuxAbi.AT_IGNOREPPC, LinuxAbi.AT_IGNOREPPC});
        a.add(new int[] {LinuxAbi.AT_DCACHEBSIZE, LinuxAbi.CACHE_LINE});
        a.add(new int[] {LinuxAbi.AT_ICACHEBSIZE, LinuxAbi.CACHE_LINE});
        a.add(new int[] {LinuxAbi.AT_UCACHEBSIZE, 0}); // split L1 caches: Linux reports no unified cache
        a.add(new int[] {LinuxAbi.AT_HWCAP, aux.hwcap});
        a.add(new int[] {LinuxAbi.AT_PAGESZ, AddressSpace.PAGE_SIZE});
        a.add(new int[] {LinuxAbi.AT_CLKTCK, 100});
        a.add(new int[] {LinuxAbi.AT_PHDR, aux.phdr});
        a.add(new int[] {LinuxAbi.AT_PHENT, StaticElf.PHDR_SIZE});
        a.add(new int[] {LinuxAbi.AT_PHNUM, aux.phnum});
        a.add(new int[] {LinuxAbi.AT_BASE, 0});
        a.add(new int[] {LinuxAbi.AT_FLAGS, 0});
        a.add(new int[] {LinuxAbi.AT_ENTRY, aux.entry});
        a.add(new int[] {LinuxAbi.AT_UID, aux.uid});
        a.add(new int[] {LinuxAbi.AT_EUID, aux.euid});
        a.add(new int[] {LinuxAbi.AT_GID, aux.gid});
        a.add(new int[] {LinuxAbi.AT_EGID, aux.egid});
        a.add(new int[] {LinuxAbi.AT_SECURE, 0});
        a.add(new int[] {LinuxAbi.AT_RANDOM, l.random});
        a.add(new int[] {LinuxAbi.AT_HWCAP2, aux.hwcap2});
        a.add(new int[] {LinuxAbi.AT_EXECFN, l.execfn});
        a.add(new int[] {LinuxAbi.AT_PLATFORM, l.platform});
        a.add(new int[] {LinuxAbi.AT_NULL, 0});

        int words = 1 + argv.size() + 1 + envp.size() + 1 + 2 * a.size();
        p = (p - 4L * words) & ~15L; // the ABI's 16-byte stack alignment
        if (p < top - UserProcess.STACK_SIZE) {
            throw new IllegalStateException("the arguments and environment do not fit the "
                    + (UserProcess.STACK_SIZE >> 20) + " MiB stack");
        }
        l.sp = (int) p;
        l.argc = argv.size();
        int[] table = new int[words];
        int w = 0;
        table[w++] = argv.size();
        l.argv = (int) (p + 4L * w);
        long s = argStrings;
        for (String arg : argv) {
            table[w++] = (int) s;
            s += arg.getBytes(charset).length + 1;
        }
        table[w++] = 0;
        l.envp = (int) (p + 4L * w);
        s = envStrings;
        for (String env : envp) {
            table[w++] = (int) s;
            s += env.getBytes(charset).length + 1;
        }
        table[w++] = 0;
        l.auxv = (int) (p + 4L * w);
        for (int[] e : a) {
            table[w++] = e[0];
            table[w++] = e[1];
        }
        byte[] bytes = new byte[table.length * 4];
        for (int i = 0; i < table.length; i++) {
            bytes[4 * i] = (byte) (table[i] >>> 24);
            bytes[4 * i + 1] = (byte) (table[i] >>> 16);
            bytes[4 * i + 2] = (byte) (table[i] >>> 8);
            bytes[4 * i + 3] = (byte) table[i];
        }
        put(memory, p, bytes);
        return l;
    }

    private static void put(AddressSpace memory, long address, byte[] bytes) {
        if (!memory.write(address, bytes, 0, bytes.length)) {
            throw new IllegalStateException(String.format("the initial stack at 0x%08x is not mapped writable", address));
        }
    }

    private static byte[] cString(String s, Charset charset) {
        byte[] b = s.getBytes(charset);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    private static byte[] block(List<String> strings, Charset charset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : strings) {
            byte[] b = s.getBytes(charset);
            out.write(b, 0, b.length);
            out.write(0);
        }
        return out.toByteArray();
    }
}
