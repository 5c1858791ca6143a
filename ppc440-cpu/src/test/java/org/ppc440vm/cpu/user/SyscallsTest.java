package org.ppc440vm.cpu.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.cpu.user.TestProcess.DATA;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppc440vm.api.exit.ExitReason;

/** System calls made against a {@link ScriptedCpu}'s state, checked through guest memory and the captured streams. */
class SyscallsTest {
    private static final int RW = 3;
    private static final int ANON_PRIVATE = LinuxAbi.MAP_ANONYMOUS | LinuxAbi.MAP_PRIVATE;

    @Test
    void writeGoesToTheCapturedStreamsAndSetsTheResultConvention() throws Exception {
        TestProcess t = TestProcess.simple();
        t.putString(DATA, "hello, world\n");
        t.state.cr = Syscalls.CR0_SO | 0x0F00_0000;
        assertEquals(13, t.sys(LinuxAbi.SYS_WRITE, 1, DATA, 13));
        assertEquals(0, t.state.cr & Syscalls.CR0_SO, "success clears CR0[SO]");
        assertEquals(0x0F00_0000, t.state.cr & 0x0FFF_FFFF, "other CR fields are untouched");
        assertEquals(5, t.sys(LinuxAbi.SYS_WRITE, 2, DATA, 5));
        assertEquals("hello, world\n", t.stdout());
        assertEquals("hello", t.stderr());

        assertEquals(-LinuxAbi.EBADF, t.sys(LinuxAbi.SYS_WRITE, 7, DATA, 5));
        assertTrue((t.state.cr & Syscalls.CR0_SO) != 0, "failure sets CR0[SO]");
        assertEquals(LinuxAbi.EBADF, t.state.gpr[3], "and r3 holds the positive errno");
        assertEquals(-LinuxAbi.EFAULT, t.sys(LinuxAbi.SYS_WRITE, 1, 0x100, 5), "unmapped buffer");
    }

    @Test
    void writevGathersVectors() throws Exception {
        TestProcess t = TestProcess.simple();
        t.putString(DATA + 0x100, "abc");
        t.putString(DATA + 0x200, "defg");
        ByteBuffer iov = ByteBuffer.allocate(24).putInt(DATA + 0x100).putInt(3).putInt(DATA + 0x300).putInt(0)
                .putInt(DATA + 0x200).putInt(4);
        t.put(DATA, iov.array());
        assertEquals(7, t.sys(LinuxAbi.SYS_WRITEV, 1, DATA, 3));
        assertEquals("abcdefg", t.stdout());
    }

    @Test
    void readTakesBytesFromStdinAndAnswersZeroAtEnd() throws Exception {
        TestProcess t = new TestProcess("line one\nrest", List.of(), List.of());
        assertEquals(9, t.sys(LinuxAbi.SYS_READ, 0, DATA, 9));
        assertEquals("line one\n", new String(t.get(DATA, 9), StandardCharsets.UTF_8));
        assertEquals(4, t.sys(LinuxAbi.SYS_READ, 0, DATA, 100));
        assertEquals(0, t.sys(LinuxAbi.SYS_READ, 0, DATA, 100));
        assertEquals(-LinuxAbi.EFAULT, t.sys(LinuxAbi.SYS_READ, 0, 0x1000_0000, 4), "text is read-only");
    }

    @Test
    void brkStartsAfterTheDataAndGrowsAndShrinks() throws Exception {
        TestProcess t = TestProcess.simple();
        long start = t.sys(LinuxAbi.SYS_BRK, 0);
        assertEquals(DATA + TestProcess.DATA_SIZE, start, "page-aligned end of the bss");
        assertEquals(start + 0x1870, t.sys(LinuxAbi.SYS_BRK, (int) start + 0x1870));
        assertEquals(0, t.word(start + 0x1000), "new heap reads zero");
        assertTrue(t.process.memory.writeWord(start + 0x1800, 99));
        assertEquals(start + 0x10, t.sys(LinuxAbi.SYS_BRK, (int) start + 0x10));
        assertFalse(t.process.memory.isMapped(start + 0x1000), "shrinking unmaps");
        // It cannot grow into another mapping.
        long blocker = t.sys(LinuxAbi.SYS_MMAP, (int) start + 0x4000, 4096, RW, ANON_PRIVATE | LinuxAbi.MAP_FIXED,
                -1, 0);
        assertEquals(start + 0x4000, blocker);
        assertEquals(start + 0x10, t.sys(LinuxAbi.SYS_BRK, (int) start + 0x8000), "refused: the old break");
    }

    @Test
    void mmapPlacesAnonymousMemoryTopDownBelowTheStack() throws Exception {
        TestProcess t = TestProcess.simple();
        long a = t.sys(LinuxAbi.SYS_MMAP2, 0, 0x3000, RW, ANON_PRIVATE, -1, 0);
        assertEquals(UserProcess.MMAP_CEILING - 0x3000, a);
        long b = t.sys(LinuxAbi.SYS_MMAP2, 0, 100, RW, ANON_PRIVATE, -1, 0);
        assertEquals(a - 0x1000, b, "the next one goes below, rounded to a page");
        assertEquals(0, t.word(a + 0x2ffc));
        assertEquals(-LinuxAbi.EINVAL, t.sys(LinuxAbi.SYS_MMAP2, 0, 0, RW, ANON_PRIVATE, -1, 0), "length 0");
        assertEquals(-LinuxAbi.EINVAL, t.sys(LinuxAbi.SYS_MMAP, 0, 4096, RW, ANON_PRIVATE, -1, 12), "odd offset");
        assertEquals(-LinuxAbi.EBADF, t.sys(LinuxAbi.SYS_MMAP2, 0, 4096, RW, LinuxAbi.MAP_PRIVATE, 9, 0));
        assertEquals(-LinuxAbi.EEXIST, t.sys(LinuxAbi.SYS_MMAP2, (int) a, 4096, RW,
                ANON_PRIVATE | LinuxAbi.MAP_FIXED_NOREPLACE, -1, 0));
        // A usable hint is honoured.
        assertEquals(0x6000_0000L, t.sys(LinuxAbi.SYS_MMAP2, 0x6000_0000, 4096, RW, ANON_PRIVATE, -1, 0));
    }

    @Test
    void munmapMakesAccessesFaultAndMprotectChangesPermissions() throws Exception {
        TestProcess t = TestProcess.simple();
        long a = t.sys(LinuxAbi.SYS_MMAP2, 0, 0x2000, RW, ANON_PRIVATE, -1, 0);
        assertTrue(t.cpu.store((int) a, 1));
        assertEquals(0, t.sys(LinuxAbi.SYS_MPROTECT, (int) a, 0x1000, 1));
        assertFalse(t.cpu.store((int) a, 2));
        assertEquals(ExitReason.DATA_STORAGE, t.state.trap);
        assertEquals(1, t.cpu.load((int) a));
        assertEquals(-LinuxAbi.EINVAL, t.sys(LinuxAbi.SYS_MPROTECT, (int) a + 1, 0x1000, 1));
        assertEquals(-LinuxAbi.ENOMEM, t.sys(LinuxAbi.SYS_MPROTECT, (int) a, 0x3000, 1), "runs past the mapping");

        assertEquals(0, t.sys(LinuxAbi.SYS_MUNMAP, (int) a, 0x2000));
        assertNull(t.cpu.load((int) a));
        assertEquals(AddressSpace.FaultCause.UNMAPPED, t.process.memory.lastFaultCause());
        assertEquals(-LinuxAbi.EINVAL, t.sys(LinuxAbi.SYS_MUNMAP, (int) a + 8, 0x1000));
    }

    @Test
    void mremapGrowsInPlaceOrMovesWithItsContents() throws Exception {
        TestProcess t = TestProcess.simple();
        long a = t.sys(LinuxAbi.SYS_MMAP2, 0, 0x2000, RW, ANON_PRIVATE, -1, 0);
        assertTrue(t.process.memory.writeWord(a + 0x1ffc, 0x1234));
        // Something sits right above it, so growing must move.
        assertEquals(a + 0x2000, t.sys(LinuxAbi.SYS_MMAP2, (int) a + 0x2000, 0x1000, RW,
                ANON_PRIVATE | LinuxAbi.MAP_FIXED, -1, 0));
        long moved = t.sys(LinuxAbi.SYS_MREMAP, (int) a, 0x2000, 0x5000, LinuxAbi.MREMAP_MAYMOVE, 0);
        assertTrue(moved != a && moved > 0, Long.toHexString(moved));
        assertEquals(0x1234, t.word(moved + 0x1ffc));
        assertEquals(0, t.word(moved + 0x4ffc));
        assertFalse(t.process.memory.isMapped(a));
        assertEquals(-LinuxAbi.ENOMEM, t.sys(LinuxAbi.SYS_MREMAP, (int) moved, 0x5000, 0x9000, 0, 0),
                "cannot grow in place without MAYMOVE");
        assertEquals(moved, t.sys(LinuxAbi.SYS_MREMAP, (int) moved, 0x5000, 0x1000, 0, 0), "shrinks in place");
        assertFalse(t.process.memory.isMapped(moved + 0x1000));
    }

    @Test
    void unameSaysLinuxOnPpc() throws Exception {
        TestProcess t = TestProcess.simple();
        assertEquals(0, t.sys(LinuxAbi.SYS_UNAME, DATA));
        assertEquals("Linux", t.string(DATA));
        assertEquals("ppc", t.string(DATA + 4 * 65));
        assertFalse(t.string(DATA + 2 * 65).isEmpty(), "a release");
        assertEquals(-LinuxAbi.EFAULT, t.sys(LinuxAbi.SYS_UNAME, 0x10));
    }

    @Test
    void readlinkOfProcSelfExeNamesTheProgram() throws Exception {
        TestProcess t = TestProcess.simple();
        t.putString(DATA, "/proc/self/exe");
        long n = t.sys(LinuxAbi.SYS_READLINK, DATA, DATA + 0x100, 4096);
        assertEquals("/opt/test/prog.elf".length(), n);
        assertEquals("/opt/test/prog.elf", new String(t.get(DATA + 0x100, (int) n), StandardCharsets.UTF_8));
        assertEquals(4, t.sys(LinuxAbi.SYS_READLINK, DATA, DATA + 0x200, 4), "truncated, no NUL");
        t.putString(DATA, "/definitely/not/there");
        assertEquals(-LinuxAbi.ENOENT, t.sys(LinuxAbi.SYS_READLINK, DATA, DATA + 0x100, 4096));
    }

    @Test
    void clocksTellTheTime() throws Exception {
        TestProcess t = TestProcess.simple();
        long before = Instant.now().getEpochSecond();
        assertEquals(0, t.sys(LinuxAbi.SYS_CLOCK_GETTIME64, LinuxAbi.CLOCK_REALTIME, DATA));
        ByteBuffer ts = ByteBuffer.wrap(t.get(DATA, 16));
        long sec = ts.getLong();
        long nsec = ts.getLong();
        assertTrue(sec >= before && sec <= before + 2, "64-bit seconds " + sec);
        assertTrue(nsec >= 0 && nsec < 1_000_000_000L);

        assertEquals(0, t.sys(LinuxAbi.SYS_CLOCK_GETTIME, LinuxAbi.CLOCK_MONOTONIC, DATA));
        long m1 = t.word(DATA) * 1_000_000_000L + t.word(DATA + 4);
        Thread.sleep(3);
        assertEquals(0, t.sys(LinuxAbi.SYS_CLOCK_GETTIME, LinuxAbi.CLOCK_MONOTONIC, DATA));
        long m2 = t.word(DATA) * 1_000_000_000L + t.word(DATA + 4);
        assertTrue(m2 - m1 >= 2_000_000L, "monotonic time advances");

        assertEquals(0, t.sys(LinuxAbi.SYS_GETTIMEOFDAY, DATA, 0));
        assertTrue(Math.abs(t.word(DATA) - before) <= 2);
        assertTrue(t.word(DATA + 4) >= 0 && t.word(DATA + 4) < 1_000_000);
        assertEquals(-LinuxAbi.EINVAL, t.sys(LinuxAbi.SYS_CLOCK_GETTIME, 99, DATA));
        assertEquals(-LinuxAbi.EFAULT, t.sys(LinuxAbi.SYS_CLOCK_GETTIME, 0, 0));
        assertEquals(0, t.sys(LinuxAbi.SYS_CLOCK_GETRES_TIME64, LinuxAbi.CLOCK_MONOTONIC, DATA));
        assertEquals(1, ByteBuffer.wrap(t.get(DATA, 16)).getLong(8));
    }

    @Test
    void standardStreamsAreNotTerminals() throws Exception {
        TestProcess t = TestProcess.simple();
        assertEquals(-LinuxAbi.ENOTTY, t.sys(LinuxAbi.SYS_IOCTL, 1, LinuxAbi.TCGETS, DATA));
        assertEquals(-LinuxAbi.EBADF, t.sys(LinuxAbi.SYS_IOCTL, 55, LinuxAbi.TCGETS, DATA));
        assertEquals(0, t.sys(LinuxAbi.SYS_FSTAT64, 1, DATA));
        assertEquals(LinuxAbi.S_IFIFO, t.word(DATA + 16) & 0170000, "st_mode says pipe");
        assertEquals(4096, t.word(DATA + 56), "st_blksize");
        assertEquals(0, t.sys(LinuxAbi.SYS_STATX, 1, DATA + 0x800, LinuxAbi.AT_EMPTY_PATH, 0x7ff, DATA));
        assertEquals(LinuxAbi.S_IFIFO, ByteBuffer.wrap(t.get(DATA, 256)).getShort(28) & 0170000);
    }

    @Test
    void filesOpenReadSeekAndStat(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("data.txt");
        Files.writeString(f, "0123456789");
        TestProcess t = TestProcess.simple();
        t.putString(DATA, f.toString());
        long fd = t.sys(LinuxAbi.SYS_OPENAT, LinuxAbi.AT_FDCWD, DATA, LinuxAbi.O_RDONLY, 0);
        assertEquals(3, fd, "lowest free descriptor");
        assertEquals(4, t.sys(LinuxAbi.SYS_READ, 3, DATA + 0x100, 4));
        assertEquals("0123", new String(t.get(DATA + 0x100, 4), StandardCharsets.UTF_8));
        assertEquals(0, t.sys(LinuxAbi.SYS_LLSEEK, 3, 0, 8, DATA + 0x200, 0));
        assertEquals(8, ByteBuffer.wrap(t.get(DATA + 0x200, 8)).getLong());
        assertEquals(2, t.sys(LinuxAbi.SYS_READ, 3, DATA + 0x100, 100));
        assertEquals(7, t.sys(LinuxAbi.SYS_LSEEK, 3, -3, 2));
        assertEquals(0, t.sys(LinuxAbi.SYS_FSTAT64, 3, DATA + 0x300));
        assertEquals(LinuxAbi.S_IFREG, t.word(DATA + 0x300 + 16) & 0170000);
        assertEquals(10, ByteBuffer.wrap(t.get(DATA + 0x300, 104)).getLong(48), "st_size");
        assertEquals(-LinuxAbi.EBADF, t.sys(LinuxAbi.SYS_WRITE, 3, DATA, 1), "opened read-only");
        assertEquals(0, t.sys(LinuxAbi.SYS_CLOSE, 3));
        assertEquals(-LinuxAbi.EBADF, t.sys(LinuxAbi.SYS_CLOSE, 3));

        t.putString(DATA, dir.resolve("missing").toString());
        assertEquals(-LinuxAbi.ENOENT, t.sys(LinuxAbi.SYS_OPENAT, LinuxAbi.AT_FDCWD, DATA, 0, 0));
        t.putString(DATA, dir.resolve("new.txt").toString());
        long w = t.sys(LinuxAbi.SYS_OPENAT, LinuxAbi.AT_FDCWD, DATA,
                LinuxAbi.O_WRONLY | LinuxAbi.O_CREAT | LinuxAbi.O_TRUNC, 0644);
        assertEquals(3, w);
        t.putString(DATA + 0x100, "written");
        assertEquals(7, t.sys(LinuxAbi.SYS_WRITE, 3, DATA + 0x100, 7));
        assertEquals(0, t.sys(LinuxAbi.SYS_CLOSE, 3));
        assertEquals("written", Files.readString(dir.resolve("new.txt")));
    }

    @Test
    void directoriesAreMadeListedRenamedAndRemoved(@TempDir Path dir) throws Exception {
        TestProcess t = TestProcess.simple();
        t.putString(DATA, dir.toString());
        assertEquals(0, t.sys(LinuxAbi.SYS_CHDIR, DATA));
        assertEquals(dir.toString().length() + 1, t.sys(LinuxAbi.SYS_GETCWD, DATA + 0x800, 4096));
        assertEquals(dir.toString(), t.string(DATA + 0x800));
        t.putString(DATA, "sub");
        assertEquals(0, t.sys(LinuxAbi.SYS_MKDIR, DATA, 0755), "relative to the new working directory");
        assertTrue(Files.isDirectory(dir.resolve("sub")));
        assertEquals(-LinuxAbi.EEXIST, t.sys(LinuxAbi.SYS_MKDIR, DATA, 0755));
        Files.writeString(dir.resolve("sub/a.txt"), "abc");
        t.putString(DATA + 0x100, "sub/a.txt");
        t.putString(DATA + 0x200, "sub/b.txt");
        assertEquals(0, t.sys(LinuxAbi.SYS_RENAME, DATA + 0x100, DATA + 0x200));
        assertTrue(Files.exists(dir.resolve("sub/b.txt")) && !Files.exists(dir.resolve("sub/a.txt")));

        long fd = t.sys(LinuxAbi.SYS_OPENAT, LinuxAbi.AT_FDCWD, DATA, LinuxAbi.O_DIRECTORY, 0);
        assertEquals(3, fd);
        long n = t.sys(LinuxAbi.SYS_GETDENTS64, 3, DATA + 0x1000, 4096);
        assertTrue(n > 0);
        ByteBuffer d = ByteBuffer.wrap(t.get(DATA + 0x1000, (int) n));
        List<String> names = new java.util.ArrayList<>();
        while (d.position() < n) {
            int at = d.position();
            int reclen = d.getShort(at + 16);
            int end = at + 19;
            while (d.get(end) != 0) {
                end++;
            }
            names.add(new String(d.array(), at + 19, end - at - 19, StandardCharsets.UTF_8));
            if (names.get(names.size() - 1).equals("b.txt")) {
                assertEquals(LinuxAbi.S_IFREG >>> 12, d.get(at + 18), "d_type DT_REG");
            }
            assertEquals(0, reclen & 7, "8-byte aligned records");
            d.position(at + reclen);
        }
        assertEquals(List.of(".", "..", "b.txt"), names);
        assertEquals(0, t.sys(LinuxAbi.SYS_GETDENTS64, 3, DATA + 0x1000, 4096), "end of directory");
        assertEquals(0, t.sys(LinuxAbi.SYS_LSEEK, 3, 0, 0), "rewinddir");
        assertEquals(-LinuxAbi.EINVAL, t.sys(LinuxAbi.SYS_GETDENTS64, 3, DATA + 0x1000, 8), "8 bytes hold no entry");
        assertEquals(n, t.sys(LinuxAbi.SYS_GETDENTS64, 3, DATA + 0x1000, 4096), "the listing again");

        t.putString(DATA + 0x300, "b.txt");
        assertEquals(-LinuxAbi.EISDIR, t.sys(LinuxAbi.SYS_UNLINK, DATA));
        assertEquals(0, t.sys(LinuxAbi.SYS_UNLINKAT, 3, DATA + 0x300, 0), "relative to the directory descriptor");
        assertEquals(0, t.sys(LinuxAbi.SYS_RMDIR, DATA));
        assertFalse(Files.exists(dir.resolve("sub")));
        assertEquals(-LinuxAbi.ENOENT, t.sys(LinuxAbi.SYS_UNLINK, DATA + 0x200));
    }

    @Test
    void ftruncateResizesAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("f.bin");
        Files.write(f, new byte[100]);
        TestProcess t = TestProcess.simple();
        t.putString(DATA, f.toString());
        assertEquals(3, t.sys(LinuxAbi.SYS_OPEN, DATA, LinuxAbi.O_RDWR, 0));
        assertEquals(0, t.sys(LinuxAbi.SYS_FTRUNCATE, 3, 10));
        assertEquals(10, Files.size(f));
        assertEquals(0, t.sys(LinuxAbi.SYS_FTRUNCATE64, 3, 0, 0, 5000));
        assertEquals(5000, Files.size(f));
        assertEquals(-LinuxAbi.EINVAL, t.sys(LinuxAbi.SYS_FTRUNCATE, 1, 0), "not a regular file");
    }

    @Test
    void limitsIdsAndRandomness() throws Exception {
        TestProcess t = TestProcess.simple();
        assertEquals(0, t.sys(LinuxAbi.SYS_UGETRLIMIT, 3, DATA));
        assertEquals(8 << 20, t.word(DATA), "RLIMIT_STACK soft");
        assertEquals(-1, t.word(DATA + 4), "hard: infinity");
        assertEquals(0, t.sys(LinuxAbi.SYS_PRLIMIT64, 0, 3, 0, DATA));
        assertEquals(8L << 20, ByteBuffer.wrap(t.get(DATA, 16)).getLong());
        assertEquals(t.process.pid, t.sys(LinuxAbi.SYS_SET_TID_ADDRESS, DATA));
        assertEquals(t.process.pid, t.sys(LinuxAbi.SYS_GETTID));
        assertEquals(0, t.sys(LinuxAbi.SYS_SET_ROBUST_LIST, DATA, 12));
        assertEquals(-LinuxAbi.ENOSYS, t.sys(LinuxAbi.SYS_RSEQ, DATA, 32, 0, 0));
        assertEquals("", t.stderr(), "rseq is expected to be missing: no complaint");
        assertEquals(16, t.sys(LinuxAbi.SYS_GETRANDOM, DATA, 16, 0));
        assertFalse(java.util.Arrays.equals(new byte[16], t.get(DATA, 16)));
        assertEquals(4, t.sys(LinuxAbi.SYS_SCHED_GETAFFINITY, 0, 128, DATA));
        assertEquals(1, t.word(DATA), "one CPU");
    }

    @Test
    void anUnimplementedCallIsNamedOnceAndAnswersEnosys() throws Exception {
        TestProcess t = TestProcess.simple();
        assertEquals(-LinuxAbi.ENOSYS, t.sys(120)); // clone
        assertEquals(-LinuxAbi.ENOSYS, t.sys(120));
        assertEquals(-LinuxAbi.ENOSYS, t.sys(9999));
        String err = t.stderr();
        assertEquals(1, err.split("unimplemented system call 120", -1).length - 1, err);
        assertTrue(err.contains("unimplemented system call 9999"), err);
        assertTrue((t.state.cr & Syscalls.CR0_SO) != 0);
    }

    @Test
    void exitGroupEndsTheRunWithTheStatus() throws Exception {
        TestProcess t = TestProcess.simple();
        t.cpu.script = c -> ScriptedCpu.syscall(c, LinuxAbi.SYS_EXIT_GROUP, 0x1234);
        assertEquals(0x34, t.process.run(), "the low 8 bits, as wait() reports them");
    }

    @Test
    void raisingSigabrtKillsWithStatus134AfterTheMaskAllowsIt() throws Exception {
        TestProcess t = TestProcess.simple();
        // raise(): block everything, tgkill self, restore the mask; the signal lands when it is unblocked.
        t.put(DATA, ByteBuffer.allocate(8).putLong(-1L).array());
        assertEquals(0, t.sys(LinuxAbi.SYS_RT_SIGPROCMASK, 0, DATA, DATA + 8, 8));
        int pid = t.process.pid;
        assertEquals(0, t.sys(LinuxAbi.SYS_TGKILL, pid, pid, LinuxAbi.SIGABRT));
        assertFalse(t.process.finished(), "pending while blocked");
        assertEquals(0, t.sys(LinuxAbi.SYS_RT_SIGPROCMASK, 2, DATA + 8, 0, 8));
        assertTrue(t.process.finished());
        t.cpu.script = c -> {
            throw new AssertionError("must not run after the kill");
        };
        assertEquals(134, t.process.run());
        assertEquals(LinuxAbi.SIGABRT, t.process.killSignal());
        assertTrue(t.stderr().contains("SIGABRT"), t.stderr());
    }

    @Test
    void anIgnoredSignalDoesNothing() throws Exception {
        TestProcess t = TestProcess.simple();
        t.put(DATA, ByteBuffer.allocate(20).putInt(1).array()); // SIG_IGN
        assertEquals(0, t.sys(LinuxAbi.SYS_RT_SIGACTION, 10, DATA, DATA + 0x40, 8));
        assertEquals(0, t.word(DATA + 0x40), "the old handler was SIG_DFL");
        assertEquals(0, t.sys(LinuxAbi.SYS_KILL, t.process.pid, 10));
        assertFalse(t.process.finished());
        assertEquals(0, t.sys(LinuxAbi.SYS_RT_SIGACTION, 10, 0, DATA + 0x40, 8));
        assertEquals(1, t.word(DATA + 0x40), "and reads back as SIG_IGN");
        assertEquals(-LinuxAbi.EINVAL, t.sys(LinuxAbi.SYS_RT_SIGACTION, LinuxAbi.SIGKILL, DATA, 0, 8));
    }

    @Test
    void aHandlerRunsOnASignalFrameAndSigreturnRestoresTheInterruptedState() throws Exception {
        TestProcess t = TestProcess.simple();
        int handler = TestElf.TEXT + 0x100;
        t.put(DATA, ByteBuffer.allocate(20).putInt(handler).array()); // no SA_SIGINFO: a sigcontext frame
        assertEquals(0, t.sys(LinuxAbi.SYS_RT_SIGACTION, 10, DATA, 0, 8));
        int pc = 0x1000_0200;
        t.state.pc = pc;
        t.state.lr = 0x1000_0300;
        t.state.ctr = 77;
        t.state.gpr[31] = 0x31;
        t.state.fpr[5] = Double.doubleToRawLongBits(2.5);
        int sp = t.state.gpr[1];
        int pid = t.process.pid;
        t.sys(LinuxAbi.SYS_TGKILL, pid, pid, 10); // r3 is then the handler's first argument
        // Now in the handler: handler(sig, &sigcontext), returning to the trampoline.
        assertEquals(handler, t.state.pc);
        assertEquals(10, t.state.gpr[3]);
        assertEquals((int) UserProcess.SIGNAL_TRAMPOLINE, t.state.lr);
        int newSp = t.state.gpr[1];
        assertEquals(0, newSp & 15);
        assertTrue(Integer.compareUnsigned(newSp, sp) < 0);
        assertEquals(sp, t.word(newSp & 0xFFFF_FFFFL), "back chain to the interrupted stack");
        int sc = t.state.gpr[4];
        assertEquals(10, t.word((sc & 0xFFFF_FFFFL) + 16), "sigcontext.signal");
        assertEquals(handler, t.word((sc & 0xFFFF_FFFFL) + 20), "sigcontext.handler");
        Integer tramp = t.process.memory.readWord(UserProcess.SIGNAL_TRAMPOLINE);
        assertEquals(0x38000077, tramp, "li r0,119 (sigreturn)");
        // The handler clobbers registers, then returns through the trampoline's sigreturn.
        t.state.gpr[31] = 0;
        t.state.ctr = 0;
        t.state.fpr[5] = 0;
        t.state.gpr[0] = LinuxAbi.SYS_SIGRETURN;
        t.process.syscalls.handle(t.state);
        assertEquals(pc, t.state.pc);
        assertEquals(0x1000_0300, t.state.lr);
        assertEquals(77, t.state.ctr);
        assertEquals(0x31, t.state.gpr[31]);
        assertEquals(sp, t.state.gpr[1]);
        assertEquals(0, t.state.gpr[3], "tgkill's own result");
        assertEquals(0, t.state.cr & Syscalls.CR0_SO);
        assertEquals(2.5, Double.longBitsToDouble(t.state.fpr[5]));
        assertFalse(t.process.finished());
        assertEquals(0, t.process.signals.blocked(), "the mask is back");
    }

    @Test
    void anSaSiginfoHandlerGetsSiginfoAndUcontextAndRtSigreturns() throws Exception {
        TestProcess t = TestProcess.simple();
        int handler = TestElf.TEXT + 0x100;
        t.put(DATA, ByteBuffer.allocate(20).putInt(handler).putInt(4 /* SA_SIGINFO */).array());
        assertEquals(0, t.sys(LinuxAbi.SYS_RT_SIGACTION, 12, DATA, 0, 8));
        t.state.pc = 0x1000_0400;
        t.sys(LinuxAbi.SYS_KILL, t.process.pid, 12);
        assertEquals(handler, t.state.pc);
        assertEquals(12, t.state.gpr[3]);
        assertEquals(12, t.word(t.state.gpr[4]), "si_signo");
        assertEquals(Signals.SI_USER, t.word(t.state.gpr[4] + 8), "si_code");
        int mctx = t.word(t.state.gpr[5] + 48);
        assertEquals(0x1000_0400, t.word(mctx + 4 * 32), "uc_regs->nip");
        assertEquals((int) UserProcess.SIGNAL_TRAMPOLINE + 8, t.state.lr);
        assertTrue((t.process.signals.blocked() & (1L << 11)) != 0, "the signal is blocked in its handler");
        t.state.gpr[0] = LinuxAbi.SYS_RT_SIGRETURN;
        t.process.syscalls.handle(t.state);
        assertEquals(0x1000_0400, t.state.pc);
        assertEquals(0, t.process.signals.blocked());
    }

    @Test
    void aFaultWithAHandlerEntersTheHandlerInsteadOfKilling() throws Exception {
        TestProcess t = TestProcess.simple();
        int handler = TestElf.TEXT + 0x100;
        t.put(DATA, ByteBuffer.allocate(20).putInt(handler).array());
        assertEquals(0, t.sys(LinuxAbi.SYS_RT_SIGACTION, LinuxAbi.SIGSEGV, DATA, 0, 8));
        int[] step = {0};
        t.cpu.script = c -> {
            if (step[0]++ == 0) {
                c.state.pc = 0x1000_0104;
                return c.load(0x10) == null ? c.state.trap : ExitReason.INTERNAL_ERROR;
            }
            assertEquals(handler, c.state.pc, "the handler was entered");
            assertEquals(LinuxAbi.SIGSEGV, c.state.gpr[3]);
            return ScriptedCpu.syscall(c, LinuxAbi.SYS_EXIT_GROUP, 9);
        };
        assertEquals(9, t.process.run());
    }

    @Test
    void pipesCarryBytesAndReportEndOfFileAndEspipe() throws Exception {
        TestProcess t = TestProcess.simple();
        assertEquals(0, t.sys(LinuxAbi.SYS_PIPE2, DATA, 0));
        int r = t.word(DATA);
        int w = t.word(DATA + 4);
        assertEquals(3, r);
        assertEquals(4, w);
        t.putString(DATA + 0x100, "through the pipe");
        assertEquals(17, t.sys(LinuxAbi.SYS_WRITE, w, DATA + 0x100, 17));
        assertEquals(17, t.sys(LinuxAbi.SYS_READ, r, DATA + 0x200, 64));
        assertEquals("through the pipe", t.string(DATA + 0x200));
        assertEquals(-LinuxAbi.ESPIPE, t.sys(LinuxAbi.SYS_LLSEEK, r, 0, 0, DATA + 0x300, 0));
        assertEquals(-LinuxAbi.EAGAIN, t.sys(LinuxAbi.SYS_READ, r, DATA + 0x200, 64), "would block forever");
        assertEquals(0, t.sys(LinuxAbi.SYS_CLOSE, w));
        assertEquals(0, t.sys(LinuxAbi.SYS_READ, r, DATA + 0x200, 64), "end of file");
        assertEquals(0, t.sys(LinuxAbi.SYS_FSTAT64, r, DATA));
        assertEquals(LinuxAbi.S_IFIFO, t.word(DATA + 16) & 0170000);
    }

    @Test
    void aWriteToAPipeWithoutReadersIsSigpipe() throws Exception {
        TestProcess t = TestProcess.simple();
        assertEquals(0, t.sys(LinuxAbi.SYS_PIPE, DATA));
        assertEquals(0, t.sys(LinuxAbi.SYS_CLOSE, t.word(DATA)));
        assertEquals(-LinuxAbi.EPIPE, t.sys(LinuxAbi.SYS_WRITE, t.word(DATA + 4), DATA, 1));
        assertTrue(t.process.finished());
        assertEquals(LinuxAbi.SIGPIPE, t.process.killSignal());
    }

    @Test
    void sysinfoDescribesTheGuestRam() throws Exception {
        TestProcess t = TestProcess.simple();
        assertEquals(0, t.sys(LinuxAbi.SYS_SYSINFO, DATA));
        assertEquals((16 << 20) / 4096, t.word(DATA + 16), "totalram in pages");
        assertEquals(4096, t.word(DATA + 52), "mem_unit");
        assertTrue(t.word(DATA + 20) > 0 && t.word(DATA + 20) < t.word(DATA + 16));
    }

    @Test
    void writesByTheKernelIntoGuestMemoryDropDecodedCode() throws Exception {
        TestProcess t = new TestProcess("abcd", List.of(), List.of());
        t.cpu.invalidated.clear();
        assertEquals(4, t.sys(LinuxAbi.SYS_READ, 0, DATA + 0x10, 4));
        assertEquals(1, t.cpu.invalidated.size());
        assertEquals(4, t.cpu.invalidated.get(0)[1]);
        assertArrayEquals("abcd".getBytes(), t.get(DATA + 0x10, 4));
    }
}
