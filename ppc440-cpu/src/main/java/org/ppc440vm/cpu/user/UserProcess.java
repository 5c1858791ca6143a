package org.ppc440vm.cpu.user;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.disasm.Disassembler;
import org.ppc440vm.cpu.spi.Cpu;
import org.ppc440vm.cpu.spi.CpuFactory;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;

/**
 * One emulated Linux process running a static PowerPC program, as qemu-ppc runs one: the program is loaded into an
 * {@link AddressSpace} of its own over a fresh {@link GuestRam}, started on a Linux-style initial stack at user
 * privilege, and run until it exits or a fault kills it; its system calls are {@link Syscalls}.
 *
 * <p>The exit status is what a shell would see: the program's own status, or 128 + the signal that killed it (a
 * fault message naming the pc, the instruction word and its disassembly goes to the program's stderr first).
 */
public final class UserProcess {
    /** The stack ends where user space ends, like Linux's STACK_TOP without randomization. */
    public static final long STACK_TOP = AddressSpace.TASK_SIZE;
    /** RLIMIT_STACK's usual 8 MiB, reserved at once (populated as it is touched). */
    public static final long STACK_SIZE = 8L << 20;
    /** mmap places mappings top-down from here: Linux's mmap_base, 128 MiB (its minimum stack gap) below the stack. */
    public static final long MMAP_CEILING = STACK_TOP - (128L << 20);

    /** How to run a program. */
    public static final class Config {
        /** Guest RAM backing the process's pages. */
        public int ramBytes = defaultRamBytes();
        /** The environment ("NAME=value"); null passes the host's, as qemu-ppc does. */
        public List<String> environment;
        /** argv[0]; null uses the program's path as given. */
        public String argv0;
        /** Trace every system call on stderr (qemu-ppc -strace). */
        public boolean strace;
        /** Seed for AT_RANDOM and getrandom; null draws from the host's secure random source. */
        public Long randomSeed;
        /**
         * How argument and environment strings become the program's bytes: by default the charset the JVM decoded
         * its own command line and environment with (sun.jnu.encoding), so that the bytes the user typed arrive
         * unchanged.
         */
        public Charset stringEncoding = hostCharset();
        /** Whether the standard streams are terminals (TCGETS succeeds, fstat says character device). */
        public boolean stdinTerminal;
        public boolean stdoutTerminal;
        public boolean stderrTerminal;
        /** Translation cache entries (a power of two). */
        public int translationCacheEntries = 4096;
        /** Instructions per {@link Cpu#run(long)}; between slices a stop request is noticed. */
        public long sliceInstructions = 20_000_000L;
    }

    /** The charset of the JVM's command line and environment, or UTF-8 if the JVM does not say. */
    static Charset hostCharset() {
        try {
            String name = System.getProperty("sun.jnu.encoding");
            return name != null && Charset.isSupported(name) ? Charset.forName(name) : StandardCharsets.UTF_8;
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** The default guest RAM, in MiB (see {@link #defaultRamBytes()}). */
    public static final int DEFAULT_RAM_MIB = 256;

    /**
     * {@value #DEFAULT_RAM_MIB} MiB, or less when the Java heap could not hold that beside everything else: half of
     * what the heap may grow to beyond a 256 MiB reserve, in whole MiB, at least 16 MiB. Pages take frames only when
     * touched, but the JVM zeroes the whole array when it creates it, so the size is paid at every start (about
     * 0.3 ms per MiB on an idle machine): a program that needs more asks with {@code -m}.
     */
    static int defaultRamBytes() {
        long max = Runtime.getRuntime().maxMemory();
        long fits = max == Long.MAX_VALUE ? Long.MAX_VALUE : (max - (256L << 20)) / 2;
        long mib = Math.max(16, Math.min(DEFAULT_RAM_MIB, fits >> 20));
        return (int) (mib << 20);
    }

    /** The process's user and group ids (as the host's, like qemu-ppc). */
    static final class Ids {
        int uid;
        int euid;
        int gid;
        int egid;
    }

    final Config config;
    final AddressSpace memory;
    final Cpu cpu;
    final CpuState state;
    final FileTable files = new FileTable();
    final Signals signals = new Signals(this);
    final Syscalls syscalls;
    final Path executable;
    final Random random;
    final Ids ids = hostIds();
    /** The file-mode creation mask (umask). */
    int umask = 022;
    final int pid = (int) ProcessHandle.current().pid();
    final int parentPid = ProcessHandle.current().parent().map(p -> (int) p.pid()).orElse(1);
    private final OutputStream diagnostics;
    private final StaticElf elf;
    private InitialStack.Layout stack;

    private long brkStart;
    private long brk;

    private volatile boolean stopRequested;
    private boolean finished;
    private int status;
    private int killSignal;

    private UserProcess(Config config, StaticElf elf, Path executable, CpuFactory cpus, InputStream in,
            OutputStream out, OutputStream err) {
        this.config = config;
        this.elf = elf;
        this.executable = realPath(executable);
        this.diagnostics = err;
        this.random = config.randomSeed != null ? new Random(config.randomSeed) : new SecureRandom();
        GuestRam ram = new GuestRam(config.ramBytes);
        this.memory = new AddressSpace(ram);
        this.cpu = cpus.create(ram, memory, config.translationCacheEntries);
        this.memory.attach(cpu);
        this.state = cpu.state();
        this.syscalls = new Syscalls(this);
        files.add(new OpenFile.Input(in, config.stdinTerminal), 0);
        files.add(new OpenFile.Output(out, config.stdoutTerminal), 1);
        files.add(new OpenFile.Output(err, config.stderrTerminal), 2);
    }

    /**
     * Loads {@code program} (the bytes of {@code path}) and prepares it to run with arguments {@code args} (argv[1]
     * onwards).
     *
     * @throws ElfFormatException if the bytes are not a static 32-bit big-endian PowerPC executable
     */
    public static UserProcess load(byte[] program, Path path, List<String> args, Config config, CpuFactory cpus,
            InputStream in, OutputStream out, OutputStream err) throws ElfFormatException {
        StaticElf elf = StaticElf.parse(program);
        UserProcess p = new UserProcess(config, elf, path, cpus, in, out, err);
        List<String> argv = new ArrayList<>();
        argv.add(config.argv0 != null ? config.argv0 : path.toString());
        argv.addAll(args);
        p.start(argv, config.environment != null ? config.environment : hostEnvironment());
        return p;
    }

    /** What /proc/self/exe names: the program's file with symbolic links resolved, as the kernel reports it. */
    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | SecurityException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static List<String> hostEnvironment() {
        List<String> env = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(System.getenv()).entrySet()) {
            env.add(e.getKey() + "=" + e.getValue());
        }
        return env;
    }

    /** Maps the segments, the heap's start and the stack, and sets the registers as Linux's exec leaves them. */
    private void start(List<String> argv, List<String> envp) {
        // Pages shared by two segments get the union of their permissions, so map all before filling any.
        TreeMap<Long, Integer> pages = new TreeMap<>();
        for (StaticElf.Segment s : elf.loadSegments()) {
            if (s.memSize == 0) {
                continue;
            }
            int prot = (s.readable() ? AddressSpace.PROT_READ : 0) | (s.writable() ? AddressSpace.PROT_WRITE : 0)
                    | (s.executable() ? AddressSpace.PROT_EXEC : 0);
            for (long a = s.vaddr & ~(long) AddressSpace.PAGE_MASK; a < s.vaddr + s.memSize; a += AddressSpace.PAGE_SIZE) {
                pages.merge(a, prot, (x, y) -> x | y);
            }
        }
        pages.forEach((page, prot) -> memory.map(page, AddressSpace.PAGE_SIZE, prot));
        byte[] image = elf.image();
        for (StaticElf.Segment s : elf.loadSegments()) {
            if (s.fileSize > 0) {
                memory.load(s.vaddr, image, (int) s.offset, (int) s.fileSize);
            }
        }
        brkStart = (elf.end() + AddressSpace.PAGE_MASK) & ~(long) AddressSpace.PAGE_MASK;
        brk = brkStart;

        StaticElf.Segment gnuStack = elf.find(StaticElf.PT_GNU_STACK);
        int stackProt = AddressSpace.PROT_READ | AddressSpace.PROT_WRITE
                | (gnuStack == null || gnuStack.executable() ? AddressSpace.PROT_EXEC : 0);
        memory.map(STACK_TOP - STACK_SIZE, STACK_SIZE, stackProt);
        mapSignalTrampoline();

        byte[] random16 = new byte[16];
        random.nextBytes(random16);
        InitialStack.Auxiliary aux = new InitialStack.Auxiliary();
        aux.phdr = elf.programHeaderAddress();
        aux.phnum = elf.phnum;
        aux.entry = elf.entry;
        aux.uid = ids.uid;
        aux.euid = ids.euid;
        aux.gid = ids.gid;
        aux.egid = ids.egid;
        stack = InitialStack.build(memory, STACK_TOP, argv, envp, argv.get(0), random16, aux, config.stringEncoding);

        state.pc = elf.entry;
        state.gpr[1] = stack.sp;
        state.gpr[3] = stack.argc;
        state.gpr[4] = stack.argv;
        state.gpr[5] = stack.envp;
        state.gpr[6] = stack.auxv;
        state.gpr[7] = 0; // no function for atexit: there is no dynamic linker to finalize
        // A user process on a 440 Linux: problem state, FP available (the kernel enables it lazily), interrupts on.
        state.msr = CpuState.MSR_PR | CpuState.MSR_FP | CpuState.MSR_EE | CpuState.MSR_ME | CpuState.MSR_CE;
        state.updateContexts();
        long origin = System.nanoTime();
        // A 400 MHz time base, as on a 440EPx clocked at 400 MHz: ticks = ns * 2 / 5.
        state.timeBase = () -> (System.nanoTime() - origin) * 2 / 5;
    }

    /**
     * The page signal handlers return to (Linux has this code in the vDSO): read-only, executable, above the mmap
     * area so that no mapping of the program ever lands on it.
     */
    static final long SIGNAL_TRAMPOLINE = STACK_TOP - STACK_SIZE - 16 * AddressSpace.PAGE_SIZE;

    private void mapSignalTrampoline() {
        memory.map(SIGNAL_TRAMPOLINE, AddressSpace.PAGE_SIZE, AddressSpace.PROT_READ | AddressSpace.PROT_EXEC);
        java.nio.ByteBuffer code = java.nio.ByteBuffer.allocate(4 * Signals.TRAMPOLINE_CODE.length);
        for (int word : Signals.TRAMPOLINE_CODE) {
            code.putInt(word);
        }
        memory.load(SIGNAL_TRAMPOLINE, code.array(), 0, code.capacity());
        signals.setTrampoline((int) SIGNAL_TRAMPOLINE);
    }

    /** Runs the program to its end and answers its exit status as a shell reports it. */
    public int run() {
        long slice = config.sliceInstructions;
        while (!finished) {
            ExitReason r = cpu.run(slice);
            switch (r) {
                case SYSTEM_CALL:
                    syscalls.handle(state);
                    break;
                case TIMESLICE:
                    if (stopRequested) {
                        killBySignal(LinuxAbi.SIGKILL, "stopped by the host");
                    }
                    break;
                case PRIVILEGED_INSTRUCTION:
                case PROGRAM:
                    if (!emulateInstruction()) {
                        fault(r);
                    }
                    break;
                default:
                    fault(r);
            }
        }
        files.closeAll();
        return status;
    }

    /** The processor version register of a 440EPx (Linux's cpu_specs_44x.h, QEMU's 440EPx model). */
    static final int PVR_440EPX = 0x2000_08D0;
    private static final int MFSPR_PVR_MASK = 0xFC1F_FFFF;
    private static final int MFSPR_PVR = 0x7C1F_42A6; // mfspr rD, 287

    /**
     * What Linux does for a user program's privileged instruction before it sends SIGILL: it emulates the few that
     * user space is allowed to rely on (arch/powerpc/kernel/traps.c, emulate_instruction). On a 440 that is
     * {@code mfspr rD, PVR}, which glibc executes at start-up. Answers true if the instruction was emulated.
     */
    private boolean emulateInstruction() {
        Integer word = memory.peekInstruction(state.pc);
        if (word == null) {
            return false;
        }
        if ((word & MFSPR_PVR_MASK) == MFSPR_PVR) {
            state.gpr[(word >>> 21) & 31] = PVR_440EPX;
            state.pc += 4;
            return true;
        }
        return false;
    }

    /** Asks a running program to stop (from another thread); {@link #run()} then answers 128 + SIGKILL. */
    public void requestStop() {
        stopRequested = true;
        state.stopRequest = true;
    }

    /** The program called exit or exit_group. */
    void exit(int code) {
        if (!finished) {
            finished = true;
            status = code;
        }
    }

    /** The program dies of {@code sig}; {@code detail} (if any) explains a fault on stderr. */
    void killBySignal(int sig, String detail) {
        if (finished) {
            return;
        }
        finished = true;
        killSignal = sig;
        status = 128 + sig;
        message("program terminated by " + LinuxAbi.signalName(sig) + (detail != null ? ": " + detail : ""));
    }

    boolean finished() {
        return finished;
    }

    /** The signal that ended the program, or 0 if it exited. */
    public int killSignal() {
        return killSignal;
    }

    /** Turns a trap the CPU could not go on from into the signal Linux would send, with a report. */
    private void fault(ExitReason r) {
        int pc = state.pc;
        int sig;
        String what;
        switch (r) {
            case DATA_STORAGE:
            case INSTRUCTION_STORAGE:
            case DATA_TLB_MISS:
            case INSTRUCTION_TLB_MISS: {
                boolean fetch = r == ExitReason.INSTRUCTION_STORAGE || r == ExitReason.INSTRUCTION_TLB_MISS;
                int address = fetch ? pc : state.trapAddress;
                AddressSpace.FaultCause cause = memory.lastFaultCause();
                if (cause == null || memory.lastFaultAddress() != address) {
                    cause = memory.isMapped(address & 0xFFFF_FFFFL) ? AddressSpace.FaultCause.PROTECTION
                            : AddressSpace.FaultCause.UNMAPPED;
                }
                String access = fetch ? "instruction fetch from"
                        : (state.trapEsr & CpuState.ESR_ST) != 0 ? "store to" : "load from";
                if (cause == AddressSpace.FaultCause.OUT_OF_MEMORY) {
                    sig = LinuxAbi.SIGKILL;
                    what = String.format("out of memory: the %d MiB of guest RAM are all in use (%s 0x%08x); "
                            + "give the program more with -m", config.ramBytes >> 20, access, address);
                } else {
                    sig = LinuxAbi.SIGSEGV;
                    String where = cause == AddressSpace.FaultCause.UNMAPPED ? "unmapped address"
                            : fetch ? "non-executable address"
                            : (state.trapEsr & CpuState.ESR_ST) != 0 ? "write-protected address" : "unreadable address";
                    what = String.format("%s %s 0x%08x", access, where, address);
                }
                break;
            }
            case ALIGNMENT:
                sig = LinuxAbi.SIGBUS;
                what = String.format("unaligned access to 0x%08x", state.trapAddress);
                break;
            case PROGRAM: {
                int esr = state.trapEsr;
                if ((esr & CpuState.ESR_PTR) != 0) {
                    sig = LinuxAbi.SIGTRAP;
                    what = "trap instruction";
                } else if ((esr & CpuState.ESR_FP) != 0) {
                    sig = LinuxAbi.SIGFPE;
                    what = "floating-point enabled exception";
                } else if ((esr & CpuState.ESR_PPR) != 0) {
                    sig = LinuxAbi.SIGILL;
                    what = "privileged instruction";
                } else {
                    sig = LinuxAbi.SIGILL;
                    what = (esr & CpuState.ESR_PUO) != 0 ? "unimplemented operation" : "illegal instruction";
                }
                break;
            }
            case PRIVILEGED_INSTRUCTION:
                sig = LinuxAbi.SIGILL;
                what = "privileged instruction";
                break;
            case FP_UNAVAILABLE:
            case AUX_UNAVAILABLE:
                sig = LinuxAbi.SIGILL;
                what = r == ExitReason.FP_UNAVAILABLE ? "floating point unavailable" : "auxiliary processor unavailable";
                break;
            case DEBUG:
                sig = LinuxAbi.SIGTRAP;
                what = "debug event";
                break;
            default:
                // Not something a user program can cause: the emulator itself is stuck.
                message(String.format("internal error: the CPU stopped with %s at pc 0x%08x%s", r, pc,
                        describeInstructionAt(pc)));
                finished = true;
                status = 70; // EX_SOFTWARE
                return;
        }
        int faultAddress = r == ExitReason.DATA_STORAGE || r == ExitReason.DATA_TLB_MISS || r == ExitReason.ALIGNMENT
                ? state.trapAddress : pc;
        if (sig != LinuxAbi.SIGKILL && signals.deliverFault(state, sig, faultAddress)) {
            return; // the program's handler runs (and may longjmp out, or return to retry the instruction)
        }
        killBySignal(sig, String.format("%s at pc 0x%08x%s", what, pc, describeInstructionAt(pc)));
    }

    /** ": 0x7c0002a6  mfmsr r0" for the instruction at {@code pc}, or a note that there is none. */
    private String describeInstructionAt(int pc) {
        Integer word = memory.peekInstruction(pc);
        if (word == null) {
            return " (no instruction there)";
        }
        String text;
        try {
            text = Disassembler.disassemble(word, pc);
        } catch (RuntimeException e) {
            text = "(cannot disassemble: " + e + ")";
        }
        return String.format(": 0x%08x  %s", word, text);
    }

    /** Writes "ppc440vm: TEXT" as a line on the program's stderr. */
    void message(String text) {
        byte[] b = ("ppc440vm: " + text + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            diagnostics.write(b);
            diagnostics.flush();
        } catch (IOException ignored) {
            // stderr is gone: nowhere left to report to
        }
    }

    // ================================================================ the heap

    /** brk: moves the program break, answering the new break, or the old one if it cannot move there. */
    long setBreak(long requested) {
        if (requested < brkStart) {
            return brk;
        }
        long newTop = pageUp(requested);
        long oldTop = pageUp(brk);
        if (newTop > oldTop) {
            if (!memory.isFree(oldTop, newTop - oldTop)) {
                return brk;
            }
            memory.map(oldTop, newTop - oldTop, AddressSpace.PROT_READ | AddressSpace.PROT_WRITE);
        } else if (newTop < oldTop) {
            memory.unmap(newTop, oldTop - newTop);
        }
        brk = requested;
        return brk;
    }

    private static long pageUp(long v) {
        return (v + AddressSpace.PAGE_MASK) & ~(long) AddressSpace.PAGE_MASK;
    }

    // ================================================================ for tests and tools

    public AddressSpace memory() {
        return memory;
    }

    public CpuState state() {
        return state;
    }

    InitialStack.Layout stack() {
        return stack;
    }

    long breakStart() {
        return brkStart;
    }

    // ================================================================ host facts passed through

    private static Ids hostIds() {
        Ids ids = new Ids();
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("Uid:") || line.startsWith("Gid:")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    int real = Integer.parseInt(f[0]);
                    int effective = Integer.parseInt(f[1]);
                    if (line.startsWith("Uid:")) {
                        ids.uid = real;
                        ids.euid = effective;
                    } else {
                        ids.gid = real;
                        ids.egid = effective;
                    }
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // ids stay 0
        }
        return ids;
    }

    String hostName() {
        return procFile("/proc/sys/kernel/hostname", "localhost");
    }

    String kernelRelease() {
        return procFile("/proc/sys/kernel/osrelease", "6.1.0");
    }

    private static String procFile(String path, String otherwise) {
        try {
            String s = Files.readString(Paths.get(path)).trim();
            return s.isEmpty() ? otherwise : s;
        } catch (IOException | RuntimeException e) {
            return otherwise;
        }
    }
}
