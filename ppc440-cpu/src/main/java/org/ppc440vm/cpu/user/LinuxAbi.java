package org.ppc440vm.cpu.user;

/**
 * Numbers of the 32-bit PowerPC Linux user ABI (from the kernel's uapi headers for ppc32: unistd_32.h, errno,
 * signal, auxvec, cputable): what a static glibc program and the kernel agree on.
 */
final class LinuxAbi {
    private LinuxAbi() {
    }

    // ---- system call numbers (arch/powerpc/kernel/syscalls/syscall.tbl, 32-bit column) ----
    static final int SYS_EXIT = 1;
    static final int SYS_READ = 3;
    static final int SYS_WRITE = 4;
    static final int SYS_OPEN = 5;
    static final int SYS_CLOSE = 6;
    static final int SYS_UNLINK = 10;
    static final int SYS_CHDIR = 12;
    static final int SYS_TIME = 13;
    static final int SYS_LSEEK = 19;
    static final int SYS_GETPID = 20;
    static final int SYS_GETUID = 24;
    static final int SYS_ACCESS = 33;
    static final int SYS_KILL = 37;
    static final int SYS_RENAME = 38;
    static final int SYS_MKDIR = 39;
    static final int SYS_RMDIR = 40;
    static final int SYS_DUP = 41;
    static final int SYS_PIPE = 42;
    static final int SYS_TIMES = 43;
    static final int SYS_BRK = 45;
    static final int SYS_GETGID = 47;
    static final int SYS_GETEUID = 49;
    static final int SYS_GETEGID = 50;
    static final int SYS_IOCTL = 54;
    static final int SYS_FCNTL = 55;
    static final int SYS_UMASK = 60;
    static final int SYS_DUP2 = 63;
    static final int SYS_GETPPID = 64;
    static final int SYS_GETRUSAGE = 77;
    static final int SYS_GETTIMEOFDAY = 78;
    static final int SYS_READLINK = 85;
    static final int SYS_MMAP = 90;
    static final int SYS_MUNMAP = 91;
    static final int SYS_FTRUNCATE = 93;
    static final int SYS_SYSINFO = 116;
    static final int SYS_FSYNC = 118;
    static final int SYS_SIGRETURN = 119;
    static final int SYS_UNAME = 122;
    static final int SYS_MPROTECT = 125;
    static final int SYS_FCHDIR = 133;
    static final int SYS_PERSONALITY = 136;
    static final int SYS_LLSEEK = 140;
    static final int SYS_READV = 145;
    static final int SYS_WRITEV = 146;
    static final int SYS_FDATASYNC = 148;
    static final int SYS_SCHED_YIELD = 158;
    static final int SYS_NANOSLEEP = 162;
    static final int SYS_MREMAP = 163;
    static final int SYS_RT_SIGRETURN = 172;
    static final int SYS_RT_SIGACTION = 173;
    static final int SYS_RT_SIGPROCMASK = 174;
    static final int SYS_PREAD64 = 179;
    static final int SYS_PWRITE64 = 180;
    static final int SYS_GETCWD = 182;
    static final int SYS_SIGALTSTACK = 185;
    static final int SYS_UGETRLIMIT = 190;
    static final int SYS_MMAP2 = 192;
    static final int SYS_FTRUNCATE64 = 194;
    static final int SYS_STAT64 = 195;
    static final int SYS_LSTAT64 = 196;
    static final int SYS_FSTAT64 = 197;
    static final int SYS_GETDENTS64 = 202;
    static final int SYS_FCNTL64 = 204;
    static final int SYS_MADVISE = 205;
    static final int SYS_GETTID = 207;
    static final int SYS_TKILL = 208;
    static final int SYS_FUTEX = 221;
    static final int SYS_SCHED_GETAFFINITY = 223;
    static final int SYS_SET_TID_ADDRESS = 232;
    static final int SYS_EXIT_GROUP = 234;
    static final int SYS_CLOCK_GETTIME = 246;
    static final int SYS_CLOCK_GETRES = 247;
    static final int SYS_CLOCK_NANOSLEEP = 248;
    static final int SYS_TGKILL = 250;
    static final int SYS_OPENAT = 286;
    static final int SYS_MKDIRAT = 287;
    static final int SYS_FSTATAT64 = 291;
    static final int SYS_UNLINKAT = 292;
    static final int SYS_RENAMEAT = 293;
    static final int SYS_READLINKAT = 296;
    static final int SYS_FACCESSAT = 298;
    static final int SYS_SET_ROBUST_LIST = 300;
    static final int SYS_DUP3 = 316;
    static final int SYS_PIPE2 = 317;
    static final int SYS_PRLIMIT64 = 325;
    static final int SYS_RENAMEAT2 = 357;
    static final int SYS_GETRANDOM = 359;
    static final int SYS_STATX = 383;
    static final int SYS_RSEQ = 387;
    static final int SYS_CLOCK_GETTIME64 = 403;
    static final int SYS_CLOCK_GETRES_TIME64 = 406;
    static final int SYS_CLOCK_NANOSLEEP_TIME64 = 407;
    static final int SYS_FUTEX_TIME64 = 422;
    static final int SYS_FACCESSAT2 = 439;

    // ---- errno (asm-generic/errno-base.h, errno.h; powerpc differs only in EDEADLOCK) ----
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EEXIST = 17;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int EMFILE = 24;
    static final int ENOTTY = 25;
    static final int ESPIPE = 29;
    static final int ERANGE = 34;
    static final int ENAMETOOLONG = 36;
    static final int EPIPE = 32;
    static final int ENOSYS = 38;
    static final int ELOOP = 40;
    static final int ETIMEDOUT = 110;

    // ---- signals ----
    static final int SIGILL = 4;
    static final int SIGTRAP = 5;
    static final int SIGABRT = 6;
    static final int SIGBUS = 7;
    static final int SIGFPE = 8;
    static final int SIGKILL = 9;
    static final int SIGSEGV = 11;
    static final int SIGPIPE = 13;
    static final int SIGSTOP = 19;
    static final int NSIG = 64;

    static String signalName(int sig) {
        switch (sig) {
            case 1: return "SIGHUP";
            case 2: return "SIGINT";
            case 3: return "SIGQUIT";
            case SIGILL: return "SIGILL";
            case SIGTRAP: return "SIGTRAP";
            case SIGABRT: return "SIGABRT";
            case SIGBUS: return "SIGBUS";
            case SIGFPE: return "SIGFPE";
            case SIGKILL: return "SIGKILL";
            case 10: return "SIGUSR1";
            case SIGSEGV: return "SIGSEGV";
            case 12: return "SIGUSR2";
            case SIGPIPE: return "SIGPIPE";
            case 14: return "SIGALRM";
            case 15: return "SIGTERM";
            case 24: return "SIGXCPU";
            case 31: return "SIGSYS";
            default: return "signal " + sig;
        }
    }

    /** Signals whose default action is to be ignored (everything else in 1..64 terminates, for our purposes). */
    static boolean ignoredByDefault(int sig) {
        return sig == 17 /* SIGCHLD */ || sig == 23 /* SIGURG */ || sig == 28 /* SIGWINCH */
                || sig == 18 /* SIGCONT */;
    }

    // ---- auxiliary vector (include/uapi/linux/auxvec.h, arch/powerpc/include/uapi/asm/auxvec.h) ----
    static final int AT_NULL = 0;
    static final int AT_PHDR = 3;
    static final int AT_PHENT = 4;
    static final int AT_PHNUM = 5;
    static final int AT_PAGESZ = 6;
    static final int AT_BASE = 7;
    static final int AT_FLAGS = 8;
    static final int AT_ENTRY = 9;
    static final int AT_UID = 11;
    static final int AT_EUID = 12;
    static final int AT_GID = 13;
    static final int AT_EGID = 14;
    static final int AT_PLATFORM = 15;
    static final int AT_HWCAP = 16;
    static final int AT_CLKTCK = 17;
    static final int AT_DCACHEBSIZE = 19;
    static final int AT_ICACHEBSIZE = 20;
    static final int AT_UCACHEBSIZE = 21;
    static final int AT_IGNOREPPC = 22;
    static final int AT_SECURE = 23;
    static final int AT_RANDOM = 25;
    static final int AT_HWCAP2 = 26;
    static final int AT_EXECFN = 31;

    // ---- AT_HWCAP bits (arch/powerpc/include/uapi/asm/cputable.h) ----
    static final int PPC_FEATURE_32 = 0x8000_0000;
    static final int PPC_FEATURE_HAS_FPU = 0x0800_0000;
    static final int PPC_FEATURE_HAS_MMU = 0x0400_0000;
    static final int PPC_FEATURE_BOOKE = 0x0000_8000;
    /**
     * What Linux reports for a 440EPx (cpu_specs_44x.h: COMMON_USER_BOOKE | PPC_FEATURE_HAS_FPU): a 32-bit Book E
     * core with an MMU and the FPU; no AltiVec, no SPE.
     */
    static final int HWCAP_440EPX = PPC_FEATURE_32 | PPC_FEATURE_HAS_MMU | PPC_FEATURE_BOOKE | PPC_FEATURE_HAS_FPU;
    /** The 440's L1 cache lines (32 bytes, split I and D caches: no unified cache). */
    static final int CACHE_LINE = 32;
    static final String PLATFORM = "ppc440";

    // ---- clocks ----
    static final int CLOCK_REALTIME = 0;
    static final int CLOCK_MONOTONIC = 1;
    static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    static final int CLOCK_THREAD_CPUTIME_ID = 3;
    static final int CLOCK_MONOTONIC_RAW = 4;
    static final int CLOCK_REALTIME_COARSE = 5;
    static final int CLOCK_MONOTONIC_COARSE = 6;
    static final int CLOCK_BOOTTIME = 7;

    // ---- mmap ----
    static final int MAP_SHARED = 0x01;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_TYPE = 0x0f;
    static final int MAP_FIXED = 0x10;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_FIXED_NOREPLACE = 0x100000;
    static final int MREMAP_MAYMOVE = 1;
    static final int MREMAP_FIXED = 2;

    // ---- open flags (powerpc values: O_DIRECTORY and O_NOFOLLOW differ from asm-generic) ----
    static final int O_ACCMODE = 3;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;
    static final int O_DIRECTORY = 040000;
    static final int O_CLOEXEC = 02000000;
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EMPTY_PATH = 0x1000;

    // ---- ioctl (powerpc encodings: the size is in bits 16-28 and direction in 29-31) ----
    static final int TCGETS = 0x403c7413;
    static final int TIOCGWINSZ = 0x40087468;

    // ---- file types (st_mode) ----
    static final int S_IFIFO = 0010000;
    static final int S_IFCHR = 0020000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;
}
