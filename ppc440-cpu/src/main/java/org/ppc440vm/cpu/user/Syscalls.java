package org.ppc440vm.cpu.user;

import static org.ppc440vm.cpu.user.LinuxAbi.*;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import org.ppc440vm.cpu.spi.CpuState;

/**
 * The Linux system calls a static glibc program makes, emulated over an {@link AddressSpace} and the host's files and
 * clocks. The 32-bit PowerPC convention: the number in r0, arguments in r3-r8, the result in r3; an error sets
 * CR0[SO] and puts the positive errno in r3, success clears CR0[SO]. 64-bit arguments come in an odd/even register
 * pair (so pread64's offset is r7:r8, r6 unused).
 *
 * <p>A call not listed here answers ENOSYS and is named once on stderr, so a program that needs more says so.
 */
final class Syscalls {
    /** CR0[SO]: bit 3 of the first CR field, i.e. bit 28 of the 32-bit CR. */
    static final int CR0_SO = 1 << 28;
    private static final long RLIM_INFINITY = 0xFFFF_FFFFL;

    private final UserProcess process;
    private final AddressSpace memory;
    private final FileTable files;
    private final HostFiles fs;
    private final Set<Integer> reportedUnimplemented = new HashSet<>();
    private final long startNanos = System.nanoTime();
    private long lastResult;

    Syscalls(UserProcess process) {
        this.process = process;
        this.memory = process.memory;
        this.files = process.files;
        this.fs = new HostFiles(process);
    }

    /** Performs the system call the CPU stopped at; the CPU has already advanced pc past the {@code sc}. */
    void handle(CpuState s) {
        int nr = s.gpr[0];
        int a0 = s.gpr[3];
        int a1 = s.gpr[4];
        int a2 = s.gpr[5];
        int a3 = s.gpr[6];
        int a4 = s.gpr[7];
        int a5 = s.gpr[8];
        long r;
        try {
            r = dispatch(nr, a0, a1, a2, a3, a4, a5);
        } catch (IOException e) {
            r = -errnoOf(e);
        }
        lastResult = r;
        if (r == REGISTERS_RESTORED) {
            if (process.config.strace) {
                process.message(String.format("%d %s() = (registers restored, pc 0x%08x)", process.pid, name(nr),
                        s.pc));
            }
            process.signals.deliverPending(s);
            return;
        }
        if (process.config.strace) {
            process.message(String.format("%d %s(0x%x, 0x%x, 0x%x, 0x%x, 0x%x, 0x%x) = %s", process.pid,
                    name(nr), a0, a1, a2, a3, a4, a5, r < 0 && r >= -4095 ? "-1 errno=" + -r
                            : "0x" + Long.toHexString(r & 0xFFFF_FFFFL)));
        }
        if (r < 0 && r >= -4095) {
            s.cr |= CR0_SO;
            s.gpr[3] = (int) -r;
        } else {
            s.cr &= ~CR0_SO;
            s.gpr[3] = (int) r;
        }
        // Back to the program: signals the call raised or unblocked are acted on now, with the result in place.
        process.signals.deliverPending(s);
    }

    /** What sigreturn answers: the registers are the frame's, r3 and CR must not be overwritten with a result. */
    private static final long REGISTERS_RESTORED = Long.MIN_VALUE;

    /** The result of the last call, as the kernel would return it (negative errno on failure); for tests. */
    long lastResult() {
        return lastResult;
    }

    private long dispatch(int nr, int a0, int a1, int a2, int a3, int a4, int a5) throws IOException {
        switch (nr) {
            case SYS_EXIT:
            case SYS_EXIT_GROUP:
                process.exit(a0 & 0xFF);
                return 0;
            case SYS_READ:
                return read(a0, a1, a2);
            case SYS_WRITE:
                return write(a0, a1, a2);
            case SYS_READV:
                return vectored(a0, a1, a2, false);
            case SYS_WRITEV:
                return vectored(a0, a1, a2, true);
            case SYS_PREAD64:
                return positioned(a0, a1, a2, pair(a4, a5), false);
            case SYS_PWRITE64:
                return positioned(a0, a1, a2, pair(a4, a5), true);
            case SYS_OPEN:
                return fs.open(AT_FDCWD, a0, a1, a2);
            case SYS_OPENAT:
                return fs.open(a0, a1, a2, a3);
            case SYS_CLOSE:
                return files.close(a0) ? 0 : -EBADF;
            case SYS_LSEEK:
                return lseek(a0, a1, a2);
            case SYS_LLSEEK:
                return llseek(a0, pair(a1, a2), a3, a4);
            case SYS_BRK:
                return brk(a0 & 0xFFFF_FFFFL);
            case SYS_MMAP:
                return mmap(a0, a1, a2, a3, a4, a5 & 0xFFFF_FFFFL);
            case SYS_MMAP2:
                return mmap(a0, a1, a2, a3, a4, (a5 & 0xFFFF_FFFFL) * AddressSpace.PAGE_SIZE);
            case SYS_MUNMAP:
                return munmap(a0, a1);
            case SYS_MPROTECT:
                return mprotect(a0, a1, a2);
            case SYS_MREMAP:
                return mremap(a0, a1, a2, a3, a4);
            case SYS_MADVISE:
                return madvise(a0, a1, a2);
            case SYS_UNAME:
                return uname(a0);
            case SYS_READLINK:
                return fs.readlink(AT_FDCWD, a0, a1, a2);
            case SYS_READLINKAT:
                return fs.readlink(a0, a1, a2, a3);
            case SYS_UGETRLIMIT:
                return getrlimit(a0, a1);
            case SYS_PRLIMIT64:
                return prlimit(a0, a1, a2, a3);
            case SYS_SET_TID_ADDRESS:
                return process.pid;
            case SYS_SET_ROBUST_LIST:
                return 0;
            case SYS_RSEQ:
                return -ENOSYS; // glibc registers restartable sequences when it can and manages without
            case SYS_GETPID:
            case SYS_GETTID:
                return process.pid;
            case SYS_GETPPID:
                return process.parentPid;
            case SYS_GETUID:
                return process.ids.uid;
            case SYS_GETEUID:
                return process.ids.euid;
            case SYS_GETGID:
                return process.ids.gid;
            case SYS_GETEGID:
                return process.ids.egid;
            case SYS_CLOCK_GETTIME:
                return clockGettime(a0, a1, false);
            case SYS_CLOCK_GETTIME64:
                return clockGettime(a0, a1, true);
            case SYS_CLOCK_GETRES:
                return clockGetres(a0, a1, false);
            case SYS_CLOCK_GETRES_TIME64:
                return clockGetres(a0, a1, true);
            case SYS_GETTIMEOFDAY:
                return gettimeofday(a0, a1);
            case SYS_TIME:
                return time(a0);
            case SYS_TIMES:
                return times(a0);
            case SYS_NANOSLEEP:
                return sleep(CLOCK_MONOTONIC, 0, a0, a1, false);
            case SYS_CLOCK_NANOSLEEP:
                return sleep(a0, a1, a2, a3, false);
            case SYS_CLOCK_NANOSLEEP_TIME64:
                return sleep(a0, a1, a2, a3, true);
            case SYS_FSTAT64:
                return fs.fstat(a0, a1);
            case SYS_STAT64:
                return fs.statPath(AT_FDCWD, a0, a1, 0);
            case SYS_LSTAT64:
                return fs.statPath(AT_FDCWD, a0, a1, AT_SYMLINK_NOFOLLOW);
            case SYS_FSTATAT64:
                return fs.statPath(a0, a1, a2, a3);
            case SYS_STATX:
                return fs.statx(a0, a1, a2, a3, a4);
            case SYS_UNLINK:
                return fs.unlink(AT_FDCWD, a0, 0);
            case SYS_RMDIR:
                return fs.unlink(AT_FDCWD, a0, 0x200 /* AT_REMOVEDIR */);
            case SYS_UNLINKAT:
                return fs.unlink(a0, a1, a2);
            case SYS_MKDIR:
                return fs.mkdir(AT_FDCWD, a0, a1);
            case SYS_MKDIRAT:
                return fs.mkdir(a0, a1, a2);
            case SYS_RENAME:
                return fs.rename(AT_FDCWD, a0, AT_FDCWD, a1, 0);
            case SYS_RENAMEAT:
                return fs.rename(a0, a1, a2, a3, 0);
            case SYS_RENAMEAT2:
                return fs.rename(a0, a1, a2, a3, a4);
            case SYS_CHDIR:
                return fs.chdir(a0);
            case SYS_FCHDIR:
                return fs.fchdir(a0);
            case SYS_GETDENTS64:
                return fs.getdents64(a0, a1, a2);
            case SYS_FTRUNCATE:
                return fs.ftruncate(a0, u(a1));
            case SYS_FTRUNCATE64:
                return fs.ftruncate(a0, pair(a2, a3));
            case SYS_FSYNC:
            case SYS_FDATASYNC:
                return files.get(a0) == null ? -EBADF : 0;
            case SYS_IOCTL:
                return ioctl(a0, a1, a2);
            case SYS_FCNTL:
            case SYS_FCNTL64:
                return fcntl(a0, a1, a2);
            case SYS_DUP:
                return dup(a0);
            case SYS_DUP2:
                return dup3(a0, a1, 0, true);
            case SYS_DUP3:
                return dup3(a0, a1, a2, false);
            case SYS_GETRANDOM:
                return getrandom(a0, a1);
            case SYS_RT_SIGACTION:
                return process.signals.sigaction(a0, a1, a2, a3);
            case SYS_RT_SIGPROCMASK:
                return process.signals.sigprocmask(a0, a1, a2, a3);
            case SYS_SIGALTSTACK:
                return sigaltstack(a1);
            case SYS_KILL:
                return kill(a0, a1);
            case SYS_TKILL:
                return a0 == process.pid ? process.signals.raise(a1, Signals.SI_TKILL) : -ESRCH;
            case SYS_TGKILL:
                return a0 == process.pid && a1 == process.pid ? process.signals.raise(a2, Signals.SI_TKILL) : -ESRCH;
            case SYS_SIGRETURN:
            case SYS_RT_SIGRETURN:
                if (!process.signals.sigreturn(process.state, nr == SYS_RT_SIGRETURN)) {
                    process.killBySignal(SIGSEGV, String.format("%s with no valid signal frame at sp 0x%08x",
                            name(nr), process.state.gpr[1]));
                }
                return REGISTERS_RESTORED;
            case SYS_PIPE:
                return pipe(a0, 0);
            case SYS_PIPE2:
                return pipe(a0, a1);
            case SYS_SYSINFO:
                return sysinfo(a0);
            case SYS_SCHED_GETAFFINITY:
                return schedGetaffinity(a0, a1, a2);
            case SYS_SCHED_YIELD:
                Thread.yield();
                return 0;
            case SYS_FUTEX:
            case SYS_FUTEX_TIME64:
                return futex(a0, a1, a2);
            case SYS_GETCWD:
                return fs.getcwd(a0, a1);
            case SYS_ACCESS:
                return fs.access(AT_FDCWD, a0, a1);
            case SYS_FACCESSAT:
            case SYS_FACCESSAT2:
                return fs.access(a0, a1, a2);
            case SYS_UMASK: {
                int old = process.umask;
                process.umask = a0 & 0777;
                return old;
            }
            case SYS_PERSONALITY:
                return 0; // PER_LINUX, whatever was asked
            case SYS_GETRUSAGE:
                return getrusage(a1);
            default:
                if (reportedUnimplemented.add(nr)) {
                    process.message("unimplemented system call " + nr + " (" + name(nr) + "): answering ENOSYS");
                }
                return -ENOSYS;
        }
    }

    private static long pair(int high, int low) {
        return ((long) high << 32) | (low & 0xFFFF_FFFFL);
    }

    private static long u(int v) {
        return v & 0xFFFF_FFFFL;
    }

    // ================================================================ IO

    private long read(int fd, int buf, int count) throws IOException {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        int n = clampCount(count);
        if (!memory.accessible(u(buf), n, AddressSpace.PROT_WRITE)) {
            return -EFAULT;
        }
        byte[] b = new byte[n];
        int got = f.read(b, 0, n);
        if (got > 0 && !memory.write(u(buf), b, 0, got)) {
            return -EFAULT;
        }
        return got;
    }

    private long write(int fd, int buf, int count) throws IOException {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        int n = clampCount(count);
        byte[] b = new byte[n];
        if (!memory.read(u(buf), b, 0, n)) {
            return -EFAULT;
        }
        return outputTo(f, b, n);
    }

    /** A write to a closed pipe kills the writer with SIGPIPE, as on Linux. */
    private long outputTo(OpenFile f, byte[] b, int n) throws IOException {
        try {
            int r = f.write(b, 0, n);
            if (r == -EPIPE) {
                process.signals.raise(SIGPIPE, Signals.SI_USER); // a pipe with no reader left
            }
            return r;
        } catch (IOException e) {
            if (f instanceof OpenFile.Output) {
                process.signals.raise(SIGPIPE, Signals.SI_USER);
                return -EPIPE; // what the program sees if it ignores SIGPIPE
            }
            throw e;
        }
    }

    private static int clampCount(int count) {
        // A count is a size_t; reading more than a few MiB at once is never needed, and 0x7ffff000 is Linux's cap.
        long c = count & 0xFFFF_FFFFL;
        return (int) Math.min(c, 64L << 20);
    }

    private long vectored(int fd, int iov, int iovcnt, boolean toFile) throws IOException {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        if (iovcnt < 0 || iovcnt > 1024) {
            return -EINVAL;
        }
        byte[] table = new byte[8 * iovcnt];
        if (!memory.read(u(iov), table, 0, table.length)) {
            return -EFAULT;
        }
        ByteBuffer t = ByteBuffer.wrap(table);
        long total = 0;
        for (int i = 0; i < iovcnt; i++) {
            long base = u(t.getInt());
            int len = clampCount(t.getInt());
            if (len == 0) {
                continue;
            }
            byte[] b = new byte[len];
            if (toFile) {
                // writev writes the vectors as one gather, so collect first: a short write must not interleave
                if (!memory.read(base, b, 0, len)) {
                    return total > 0 ? total : -EFAULT;
                }
                long n = outputTo(f, b, len);
                if (n < 0) {
                    return total > 0 ? total : n;
                }
                total += n;
                if (n < len) {
                    break;
                }
            } else {
                if (!memory.accessible(base, len, AddressSpace.PROT_WRITE)) {
                    return total > 0 ? total : -EFAULT;
                }
                int n = f.read(b, 0, len);
                if (n < 0) {
                    return total > 0 ? total : n;
                }
                memory.write(base, b, 0, n);
                total += n;
                if (n < len) {
                    break;
                }
            }
        }
        return total;
    }

    private long positioned(int fd, int buf, int count, long position, boolean toFile) throws IOException {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        if (position < 0) {
            return -EINVAL;
        }
        int n = clampCount(count);
        byte[] b = new byte[n];
        if (toFile) {
            if (!memory.read(u(buf), b, 0, n)) {
                return -EFAULT;
            }
            return f.pwrite(b, 0, n, position);
        }
        if (!memory.accessible(u(buf), n, AddressSpace.PROT_WRITE)) {
            return -EFAULT;
        }
        int got = f.pread(b, 0, n, position);
        if (got > 0) {
            memory.write(u(buf), b, 0, got);
        }
        return got;
    }

    private long lseek(int fd, int offset, int whence) throws IOException {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        long r = f.seek(offset, whence);
        if (r > Integer.MAX_VALUE) {
            return -75; // EOVERFLOW: the 32-bit lseek cannot say where it went
        }
        return r;
    }

    private long llseek(int fd, long offset, int result, int whence) throws IOException {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        long r = f.seek(offset, whence);
        if (r < 0) {
            return r;
        }
        return putLong(result, r) ? 0 : -EFAULT;
    }


    private long ioctl(int fd, int request, int arg) {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        if (!f.isTerminal()) {
            return -ENOTTY;
        }
        switch (request) {
            case TCGETS: {
                // A cooked terminal as far as isatty() and tcgetattr() care: the flags are not emulated further.
                byte[] termios = new byte[60];
                return memory.write(u(arg), termios, 0, termios.length) ? 0 : -EFAULT;
            }
            case TIOCGWINSZ: {
                byte[] winsize = {0, 24, 0, 80, 0, 0, 0, 0};
                return memory.write(u(arg), winsize, 0, winsize.length) ? 0 : -EFAULT;
            }
            default:
                return -EINVAL;
        }
    }

    private long fcntl(int fd, int cmd, int arg) {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        switch (cmd) {
            case 0: // F_DUPFD
            case 1030: { // F_DUPFD_CLOEXEC
                if (arg < 0 || arg >= FileTable.MAX_FILES) {
                    return -EINVAL;
                }
                int n = files.add(f, arg);
                if (n >= 0) {
                    f.references++;
                    files.setCloseOnExec(n, cmd == 1030);
                }
                return n;
            }
            case 1: // F_GETFD
                return files.closeOnExec(fd) ? 1 : 0;
            case 2: // F_SETFD
                files.setCloseOnExec(fd, (arg & 1) != 0);
                return 0;
            case 3: // F_GETFL
                return f.statusFlags;
            case 4: // F_SETFL: only O_APPEND and O_NONBLOCK may change
                f.statusFlags = (f.statusFlags & ~(O_APPEND | 04000)) | (arg & (O_APPEND | 04000));
                return 0;
            default:
                return -EINVAL;
        }
    }

    private long dup(int fd) {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        int n = files.add(f, 0);
        if (n >= 0) {
            f.references++;
        }
        return n;
    }

    private long dup3(int oldfd, int newfd, int flags, boolean dup2) throws IOException {
        OpenFile f = files.get(oldfd);
        if (f == null) {
            return -EBADF;
        }
        if (newfd < 0 || newfd >= FileTable.MAX_FILES) {
            return -EBADF;
        }
        if (oldfd == newfd) {
            return dup2 ? newfd : -EINVAL;
        }
        files.put(newfd, f);
        files.setCloseOnExec(newfd, (flags & O_CLOEXEC) != 0);
        return newfd;
    }

    // ================================================================ memory

    private long brk(long requested) {
        return process.setBreak(requested);
    }

    private static long pageUp(long v) {
        return (v + AddressSpace.PAGE_MASK) & ~(long) AddressSpace.PAGE_MASK;
    }

    private long mmap(int addr, int len, int prot, int flags, int fd, long offset) throws IOException {
        long start = u(addr);
        long length = pageUp(u(len));
        if (u(len) == 0 || (offset & AddressSpace.PAGE_MASK) != 0) {
            return -EINVAL;
        }
        if (length > AddressSpace.TASK_SIZE) {
            return -ENOMEM;
        }
        int type = flags & MAP_TYPE;
        if (type != MAP_SHARED && type != MAP_PRIVATE && type != 3 /* MAP_SHARED_VALIDATE */) {
            return -EINVAL;
        }
        OpenFile file = null;
        if ((flags & MAP_ANONYMOUS) == 0) {
            file = files.get(fd);
            if (file == null) {
                return -EBADF;
            }
            if (!(file instanceof OpenFile.HostFile)) {
                return -19; // ENODEV: streams cannot be mapped
            }
        }
        if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
            if ((start & AddressSpace.PAGE_MASK) != 0) {
                return -EINVAL;
            }
            if (start < AddressSpace.LOWEST_ADDRESS || start + length > AddressSpace.TASK_SIZE) {
                return (flags & MAP_FIXED) != 0 ? -EPERM : -ENOMEM;
            }
            if ((flags & MAP_FIXED) == 0 && !memory.isFree(start, length)) {
                return -EEXIST;
            }
        } else if (start == 0 || (start & AddressSpace.PAGE_MASK) != 0 || !memory.isFree(start, length)) {
            start = memory.findFree(length, UserProcess.MMAP_CEILING);
            if (start < 0) {
                return -ENOMEM;
            }
        }
        memory.map(start, length, prot & 7);
        if (file != null) {
            // A private copy of the file's pages (shared file mappings are not written back to the file).
            byte[] contents = new byte[(int) Math.min(u(len), Integer.MAX_VALUE - 8)];
            int n = file.pread(contents, 0, contents.length, offset);
            if (n > 0) {
                memory.load(start, contents, 0, n);
            }
        }
        return start;
    }

    private long munmap(int addr, int len) {
        long start = u(addr);
        long length = pageUp(u(len));
        if ((start & AddressSpace.PAGE_MASK) != 0 || u(len) == 0 || start + length > (1L << 32)) {
            return -EINVAL;
        }
        memory.unmap(start, length);
        return 0;
    }

    private long mprotect(int addr, int len, int prot) {
        long start = u(addr);
        long length = pageUp(u(len));
        if ((start & AddressSpace.PAGE_MASK) != 0 || start + length > (1L << 32) || (prot & ~7) != 0) {
            return -EINVAL;
        }
        if (length == 0) {
            return 0;
        }
        return memory.protect(start, length, prot) ? 0 : -ENOMEM;
    }

    private long mremap(int oldAddr, int oldLen, int newLen, int flags, int newAddr) {
        long old = u(oldAddr);
        long oldLength = pageUp(u(oldLen));
        long newLength = pageUp(u(newLen));
        if ((old & AddressSpace.PAGE_MASK) != 0 || newLength == 0 || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) != 0
                || (flags & MREMAP_FIXED) != 0) {
            return (flags & MREMAP_FIXED) != 0 ? -ENOSYS : -EINVAL;
        }
        if (oldLength == 0 || !memory.accessible(old, oldLength, 0)) {
            return -14; // EFAULT: not (all) mapped
        }
        int protection = memory.protection(old);
        if (newLength <= oldLength) {
            if (newLength < oldLength) {
                memory.unmap(old + newLength, oldLength - newLength);
            }
            return old;
        }
        long grow = newLength - oldLength;
        if (memory.isFree(old + oldLength, grow)) {
            memory.map(old + oldLength, grow, protection);
            return old;
        }
        if ((flags & MREMAP_MAYMOVE) == 0) {
            return -ENOMEM;
        }
        long to = memory.findFree(newLength, UserProcess.MMAP_CEILING);
        if (to < 0) {
            return -ENOMEM;
        }
        memory.move(old, to, oldLength);
        memory.map(to + oldLength, grow, protection);
        return to;
    }

    private long madvise(int addr, int len, int advice) {
        long start = u(addr);
        if ((start & AddressSpace.PAGE_MASK) != 0) {
            return -EINVAL;
        }
        long length = pageUp(u(len));
        if (advice == 4 /* MADV_DONTNEED */ && length > 0) {
            if (!memory.accessible(start, length, 0)) {
                return -ENOMEM;
            }
            // Private anonymous memory reads back as zeros afterwards: give the frames back.
            memory.discard(start, length);
        }
        return 0;
    }

    // ================================================================ identity, limits, time

    private long uname(int buf) {
        byte[] u = new byte[6 * 65];
        String[] fields = {"Linux", process.hostName(), process.kernelRelease(), "#1 SMP ppc440vm", "ppc", "(none)"};
        for (int i = 0; i < fields.length; i++) {
            byte[] f = fields[i].getBytes(StandardCharsets.UTF_8);
            System.arraycopy(f, 0, u, 65 * i, Math.min(f.length, 64));
        }
        return memory.write(u(buf), u, 0, u.length) ? 0 : -EFAULT;
    }

    /** Soft and hard limits; RLIMIT_STACK is the 8 MiB the stack really has. */
    private static long[] limit(int resource) {
        switch (resource) {
            case 3: // RLIMIT_STACK
                return new long[] {UserProcess.STACK_SIZE, -1};
            case 7: // RLIMIT_NOFILE
                return new long[] {FileTable.MAX_FILES, FileTable.MAX_FILES};
            case 4: // RLIMIT_CORE
                return new long[] {0, -1};
            default:
                return resource >= 0 && resource < 16 ? new long[] {-1, -1} : null;
        }
    }

    private long getrlimit(int resource, int buf) {
        long[] l = limit(resource);
        if (l == null) {
            return -EINVAL;
        }
        ByteBuffer b = ByteBuffer.allocate(8);
        b.putInt((int) (l[0] < 0 ? RLIM_INFINITY : Math.min(l[0], RLIM_INFINITY)));
        b.putInt((int) (l[1] < 0 ? RLIM_INFINITY : Math.min(l[1], RLIM_INFINITY)));
        return memory.write(u(buf), b.array(), 0, 8) ? 0 : -EFAULT;
    }

    private long prlimit(int pid, int resource, int newLimit, int oldLimit) {
        if (pid != 0 && pid != process.pid) {
            return -ESRCH;
        }
        long[] l = limit(resource);
        if (l == null) {
            return -EINVAL;
        }
        if (oldLimit != 0) {
            ByteBuffer b = ByteBuffer.allocate(16);
            b.putLong(l[0]);
            b.putLong(l[1]);
            if (!memory.write(u(oldLimit), b.array(), 0, 16)) {
                return -EFAULT;
            }
        }
        return 0; // new limits are accepted and not enforced
    }

    private long nanosFor(int clock) {
        switch (clock) {
            case CLOCK_REALTIME:
            case CLOCK_REALTIME_COARSE:
            case 8: // CLOCK_REALTIME_ALARM
            case 11: { // CLOCK_TAI
                Instant now = Instant.now();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }
            case CLOCK_MONOTONIC:
            case CLOCK_MONOTONIC_RAW:
            case CLOCK_MONOTONIC_COARSE:
            case CLOCK_BOOTTIME:
            case 9: // CLOCK_BOOTTIME_ALARM
                return System.nanoTime();
            case CLOCK_PROCESS_CPUTIME_ID:
            case CLOCK_THREAD_CPUTIME_ID:
                return cpuNanos();
            default:
                return -1;
        }
    }

    private long cpuNanos() {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        long n = t.isCurrentThreadCpuTimeSupported() ? t.getCurrentThreadCpuTime() : -1;
        return n >= 0 ? n : System.nanoTime() - startNanos;
    }

    private long clockGettime(int clock, int buf, boolean time64) {
        long n = nanosFor(clock);
        if (n < 0) {
            return -EINVAL;
        }
        return putTimespec(buf, n / 1_000_000_000L, n % 1_000_000_000L, time64) ? 0 : -EFAULT;
    }

    private long clockGetres(int clock, int buf, boolean time64) {
        if (nanosFor(clock) < 0) {
            return -EINVAL;
        }
        if (buf == 0) {
            return 0;
        }
        long res = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE ? 10_000_000L : 1;
        return putTimespec(buf, 0, res, time64) ? 0 : -EFAULT;
    }

    private boolean putTimespec(int buf, long seconds, long nanos, boolean time64) {
        ByteBuffer b = ByteBuffer.allocate(time64 ? 16 : 8);
        if (time64) {
            b.putLong(seconds);
            b.putLong(nanos);
        } else {
            b.putInt((int) seconds);
            b.putInt((int) nanos);
        }
        return memory.write(u(buf), b.array(), 0, b.capacity());
    }

    private long gettimeofday(int tv, int tz) {
        Instant now = Instant.now();
        if (tv != 0) {
            ByteBuffer b = ByteBuffer.allocate(8);
            b.putInt((int) now.getEpochSecond());
            b.putInt(now.getNano() / 1000);
            if (!memory.write(u(tv), b.array(), 0, 8)) {
                return -EFAULT;
            }
        }
        if (tz != 0 && !memory.write(u(tz), new byte[8], 0, 8)) {
            return -EFAULT;
        }
        return 0;
    }

    private long time(int t) {
        long now = Instant.now().getEpochSecond();
        if (t != 0 && !memory.writeWord(u(t), (int) now)) {
            return -EFAULT;
        }
        return now & 0xFFFF_FFFFL;
    }

    private long times(int buf) {
        long ticks = cpuNanos() / 10_000_000L; // clock ticks at AT_CLKTCK = 100 Hz
        if (buf != 0) {
            ByteBuffer b = ByteBuffer.allocate(16);
            b.putInt((int) ticks);
            if (!memory.write(u(buf), b.array(), 0, 16)) {
                return -EFAULT;
            }
        }
        return ((System.nanoTime() - startNanos) / 10_000_000L) & 0x7FFF_FFFFL;
    }

    private long getrusage(int buf) {
        long cpu = cpuNanos();
        ByteBuffer b = ByteBuffer.allocate(72); // struct rusage: two timevals and fourteen longs
        b.putInt((int) (cpu / 1_000_000_000L));
        b.putInt((int) (cpu % 1_000_000_000L / 1000));
        b.putInt(16, memory.peakFramesInUse() * (AddressSpace.PAGE_SIZE / 1024)); // ru_maxrss in KiB
        return memory.write(u(buf), b.array(), 0, 72) ? 0 : -EFAULT;
    }

    private long sleep(int clock, int flags, int request, int remaining, boolean time64) {
        if (nanosFor(clock) < 0 || clock == CLOCK_THREAD_CPUTIME_ID) {
            return -EINVAL;
        }
        byte[] t = new byte[time64 ? 16 : 8];
        if (!memory.read(u(request), t, 0, t.length)) {
            return -EFAULT;
        }
        ByteBuffer b = ByteBuffer.wrap(t);
        long seconds = time64 ? b.getLong() : b.getInt();
        long nanos = time64 ? b.getLong() : b.getInt();
        if (seconds < 0 || nanos < 0 || nanos >= 1_000_000_000L) {
            return -EINVAL;
        }
        long want = seconds * 1_000_000_000L + nanos;
        if ((flags & 1) != 0) { // TIMER_ABSTIME
            want -= nanosFor(clock);
        }
        if (want > 0) {
            try {
                Thread.sleep(want / 1_000_000L, (int) (want % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -EINTR;
            }
        }
        return 0;
    }

    private long pipe(int fds, int flags) throws IOException {
        if ((flags & ~(O_CLOEXEC | 04000 /* O_NONBLOCK */ | 040000 /* O_DIRECT */)) != 0) {
            return -EINVAL;
        }
        if (!memory.accessible(u(fds), 8, AddressSpace.PROT_WRITE)) {
            return -EFAULT;
        }
        OpenFile.Pipe pipe = new OpenFile.Pipe();
        long r = files.open(pipe.readEnd(), flags);
        if (r < 0) {
            return r;
        }
        long w = files.open(pipe.writeEnd(), flags);
        if (w < 0) {
            files.close((int) r);
            return w;
        }
        memory.writeWord(u(fds), (int) r);
        memory.writeWord(u(fds) + 4, (int) w);
        return 0;
    }

    /** struct sysinfo of ppc32 (64 bytes): uptime, loads, memory in units of mem_unit bytes, procs. */
    private long sysinfo(int buf) {
        ByteBuffer b = ByteBuffer.allocate(64);
        b.putInt(0, (int) ((System.nanoTime() - startNanos) / 1_000_000_000L));
        long ram = memory.ram().size();
        long free = ram - (long) memory.framesInUse() * AddressSpace.PAGE_SIZE;
        b.putInt(16, (int) (ram >>> 12)); // totalram
        b.putInt(20, (int) (free >>> 12)); // freeram
        b.putShort(40, (short) 1); // procs
        b.putInt(52, AddressSpace.PAGE_SIZE); // mem_unit
        return memory.write(u(buf), b.array(), 0, 64) ? 0 : -EFAULT;
    }

    private long getrandom(int buf, int len) {
        int n = clampCount(len);
        byte[] b = new byte[n];
        process.random.nextBytes(b);
        return memory.write(u(buf), b, 0, n) ? n : -EFAULT;
    }

    private long schedGetaffinity(int pid, int size, int mask) {
        if (pid != 0 && pid != process.pid) {
            return -ESRCH;
        }
        if (size < 4 || (size & 3) != 0) {
            return -EINVAL;
        }
        // One CPU: bit 0 of the first (big-endian) word of the cpumask.
        return memory.writeWord(u(mask), 1) ? 4 : -EFAULT;
    }

    private long futex(int uaddr, int op, int val) {
        int cmd = op & 0x7f;
        switch (cmd) {
            case 0: // FUTEX_WAIT
            case 9: { // FUTEX_WAIT_BITSET
                Integer v = memory.readWord(u(uaddr));
                if (v == null) {
                    return -EFAULT;
                }
                // One thread: nobody could ever wake it, so a wait that would block reports a timeout instead.
                return v != val ? -EAGAIN : -ETIMEDOUT;
            }
            case 1: // FUTEX_WAKE
            case 10: // FUTEX_WAKE_BITSET
                return 0;
            default:
                return -ENOSYS;
        }
    }

    private long sigaltstack(int oldStack) {
        if (oldStack != 0) {
            ByteBuffer b = ByteBuffer.allocate(12);
            b.putInt(4, 2); // SS_DISABLE: no alternate stack
            if (!memory.write(u(oldStack), b.array(), 0, 12)) {
                return -EFAULT;
            }
        }
        return 0;
    }

    private long kill(int pid, int sig) {
        if (pid != process.pid && pid != 0 && pid != -1 && pid != -process.pid) {
            return -ESRCH;
        }
        return process.signals.raise(sig, Signals.SI_USER);
    }

    // ================================================================ helpers

    private boolean putLong(int address, long value) {
        ByteBuffer b = ByteBuffer.allocate(8);
        b.putLong(value);
        return memory.write(u(address), b.array(), 0, 8);
    }

    static int errnoOf(IOException e) {
        if (e instanceof NoSuchFileException) {
            return ENOENT;
        }
        if (e instanceof FileAlreadyExistsException) {
            return EEXIST;
        }
        if (e instanceof AccessDeniedException) {
            return EACCES;
        }
        if (e instanceof NotDirectoryException) {
            return ENOTDIR;
        }
        if (e instanceof FileSystemException) {
            String reason = ((FileSystemException) e).getReason();
            if (reason != null) {
                if (reason.contains("Is a directory")) {
                    return EISDIR;
                }
                if (reason.contains("Not a directory")) {
                    return ENOTDIR;
                }
                if (reason.contains("Too many levels of symbolic links")) {
                    return ELOOP;
                }
            }
        }
        return EIO;
    }

    private static final String[] NAMES = new String[450];

    static {
        String[][] pairs = {
            {"1", "exit"}, {"3", "read"}, {"4", "write"}, {"5", "open"}, {"6", "close"}, {"10", "unlink"}, {"12", "chdir"},
            {"11", "execve"}, {"13", "time"}, {"19", "lseek"}, {"20", "getpid"}, {"24", "getuid"}, {"33", "access"},
            {"37", "kill"}, {"38", "rename"}, {"39", "mkdir"}, {"40", "rmdir"}, {"41", "dup"}, {"42", "pipe"}, {"43", "times"}, {"45", "brk"}, {"47", "getgid"},
            {"49", "geteuid"}, {"50", "getegid"}, {"54", "ioctl"}, {"55", "fcntl"}, {"60", "umask"}, {"63", "dup2"},
            {"64", "getppid"}, {"77", "getrusage"}, {"78", "gettimeofday"}, {"85", "readlink"}, {"90", "mmap"},
            {"91", "munmap"}, {"93", "ftruncate"}, {"106", "stat"}, {"108", "fstat"}, {"114", "wait4"}, {"116", "sysinfo"}, {"118", "fsync"}, {"119", "sigreturn"},
            {"120", "clone"}, {"122", "uname"}, {"125", "mprotect"}, {"133", "fchdir"}, {"136", "personality"}, {"140", "_llseek"},
            {"141", "getdents"}, {"142", "_newselect"}, {"145", "readv"}, {"146", "writev"}, {"148", "fdatasync"}, {"158", "sched_yield"},
            {"162", "nanosleep"}, {"163", "mremap"}, {"167", "poll"}, {"171", "prctl"}, {"172", "rt_sigreturn"},
            {"173", "rt_sigaction"}, {"174", "rt_sigprocmask"}, {"179", "pread64"}, {"180", "pwrite64"},
            {"182", "getcwd"}, {"185", "sigaltstack"}, {"190", "ugetrlimit"}, {"192", "mmap2"}, {"194", "ftruncate64"}, {"195", "stat64"},
            {"196", "lstat64"}, {"197", "fstat64"}, {"202", "getdents64"}, {"204", "fcntl64"}, {"205", "madvise"},
            {"207", "gettid"}, {"208", "tkill"}, {"221", "futex"}, {"223", "sched_getaffinity"},
            {"232", "set_tid_address"}, {"234", "exit_group"}, {"246", "clock_gettime"}, {"247", "clock_getres"},
            {"248", "clock_nanosleep"}, {"250", "tgkill"}, {"286", "openat"}, {"287", "mkdirat"}, {"291", "fstatat64"}, {"292", "unlinkat"}, {"293", "renameat"},
            {"296", "readlinkat"}, {"298", "faccessat"}, {"300", "set_robust_list"}, {"316", "dup3"},
            {"317", "pipe2"}, {"325", "prlimit64"}, {"326", "socket"}, {"357", "renameat2"}, {"359", "getrandom"}, {"383", "statx"},
            {"387", "rseq"}, {"403", "clock_gettime64"}, {"406", "clock_getres_time64"},
            {"407", "clock_nanosleep_time64"}, {"422", "futex_time64"}, {"439", "faccessat2"}};
        for (String[] p : pairs) {
            NAMES[Integer.parseInt(p[0])] = p[1];
        }
    }

    static String name(int nr) {
        return nr >= 0 && nr < NAMES.length && NAMES[nr] != null ? NAMES[nr] : "syscall_" + nr;
    }

}
