package org.ppc440vm.cpu.user;

import java.nio.ByteBuffer;

import org.ppc440vm.cpu.spi.CpuState;

/**
 * Signals of the process: dispositions, the blocked mask, pending signals, and delivery to handlers with the 32-bit
 * PowerPC Linux signal frames (arch/powerpc/kernel/signal_32.c): a {@code struct sigframe} (sigcontext + mcontext)
 * for a plain handler, returning through sigreturn, or a {@code struct rt_sigframe} (siginfo + ucontext) for an
 * SA_SIGINFO handler, returning through rt_sigreturn. The handler returns to a two-instruction trampoline in a page
 * of our own (what the vDSO's sigtramp is on Linux), which makes the sigreturn system call that restores the
 * registers and the mask saved in the frame.
 *
 * <p>Signals arrive only at a system call (kill, tgkill, an unblocking sigprocmask, a write to a closed pipe) or at a
 * fault, so delivery happens when the call returns to the program, or at the faulting instruction.
 */
final class Signals {
    private static final int SIG_DFL = 0;
    private static final int SIG_IGN = 1;
    private static final int SA_SIGINFO = 4;
    private static final int SA_NODEFER = 0x4000_0000;
    private static final int SA_RESETHAND = 0x8000_0000;
    /** si_code of a signal sent by tkill/tgkill, and by kill. */
    static final int SI_TKILL = -6;
    static final int SI_USER = 0;
    /** si_code for a fault (SEGV_MAPERR, ILL_ILLOPC... are all small positive numbers; 1 is the common one). */
    static final int SI_FAULT = 1;

    /** The kernel's struct sigaction on ppc32: handler, flags, restorer, then the 64-bit mask. */
    private static final int SIGACTION_SIZE = 20;

    // ---- frame geometry (ppc32 uapi: sigcontext, mcontext, ucontext, siginfo) ----
    /** Space the handler's caller frame needs below the signal frame (__SIGNAL_FRAMESIZE). */
    static final int SIGNAL_FRAMESIZE = 64;
    private static final int ELF_NGREG = 48;
    private static final int MCONTEXT_FPREGS = ELF_NGREG * 4; // 192
    private static final int MCONTEXT_SIZE = 992; // gregs 192 + fpregs 264 + pad 8 + vregs 528 (16-aligned)
    private static final int SIGCONTEXT_SIZE = 32;
    /** struct sigframe: sigcontext, mcontext, abigap[56]. */
    private static final int SIGFRAME_SIZE = SIGCONTEXT_SIZE + MCONTEXT_SIZE + 224;
    private static final int SIGINFO_SIZE = 128;
    /** Offset of uc_mcontext in struct ucontext. */
    private static final int UC_MCONTEXT = 192;
    private static final int UCONTEXT_SIZE = UC_MCONTEXT + MCONTEXT_SIZE;
    /** struct rt_sigframe: siginfo, ucontext, abigap[56]. */
    private static final int RT_SIGFRAME_SIZE = SIGINFO_SIZE + UCONTEXT_SIZE + 224;

    // pt_regs indices in mc_gregs
    private static final int PT_NIP = 32;
    private static final int PT_MSR = 33;
    private static final int PT_ORIG_R3 = 34;
    private static final int PT_CTR = 35;
    private static final int PT_LNK = 36;
    private static final int PT_XER = 37;
    private static final int PT_CCR = 38;
    private static final int PT_TRAP = 40;
    private static final int PT_DAR = 41;

    /** The trampoline page's code: sigreturn at +0, rt_sigreturn at +8. */
    static final int[] TRAMPOLINE_CODE = {
        0x3800_0000 | LinuxAbi.SYS_SIGRETURN, 0x4400_0002, // li r0,119; sc
        0x3800_0000 | LinuxAbi.SYS_RT_SIGRETURN, 0x4400_0002, // li r0,172; sc
    };

    private final UserProcess process;
    private final int[] handler = new int[LinuxAbi.NSIG + 1];
    private final int[] flags = new int[LinuxAbi.NSIG + 1];
    private final int[] restorer = new int[LinuxAbi.NSIG + 1];
    private final long[] mask = new long[LinuxAbi.NSIG + 1];
    private final int[] code = new int[LinuxAbi.NSIG + 1];
    private long blocked;
    private long pending;
    /** Where the trampoline page is (0 until the process maps it). */
    private int trampoline;

    Signals(UserProcess process) {
        this.process = process;
    }

    void setTrampoline(int address) {
        this.trampoline = address;
    }

    private static long bit(int sig) {
        return 1L << (sig - 1);
    }

    long blocked() {
        return blocked;
    }

    long sigaction(int sig, int act, int oldAct, int setSize) {
        if (sig < 1 || sig > LinuxAbi.NSIG || setSize != 8) {
            return -LinuxAbi.EINVAL;
        }
        if (act != 0 && (sig == LinuxAbi.SIGKILL || sig == LinuxAbi.SIGSTOP)) {
            return -LinuxAbi.EINVAL;
        }
        byte[] next = null;
        if (act != 0) {
            next = new byte[SIGACTION_SIZE];
            if (!process.memory.read(act & 0xFFFF_FFFFL, next, 0, SIGACTION_SIZE)) {
                return -LinuxAbi.EFAULT;
            }
        }
        if (oldAct != 0) {
            ByteBuffer b = ByteBuffer.allocate(SIGACTION_SIZE);
            b.putInt(handler[sig]).putInt(flags[sig]).putInt(restorer[sig]).putLong(mask[sig]);
            if (!process.memory.write(oldAct & 0xFFFF_FFFFL, b.array(), 0, SIGACTION_SIZE)) {
                return -LinuxAbi.EFAULT;
            }
        }
        if (next != null) {
            ByteBuffer b = ByteBuffer.wrap(next);
            handler[sig] = b.getInt();
            flags[sig] = b.getInt();
            restorer[sig] = b.getInt();
            mask[sig] = b.getLong();
            if (ignores(sig)) {
                pending &= ~bit(sig); // POSIX: setting SIG_IGN discards a pending signal
            }
        }
        return 0;
    }

    long sigprocmask(int how, int set, int oldSet, int setSize) {
        if (setSize != 8) {
            return -LinuxAbi.EINVAL;
        }
        long requested = 0;
        if (set != 0) {
            byte[] b = new byte[8];
            if (!process.memory.read(set & 0xFFFF_FFFFL, b, 0, 8)) {
                return -LinuxAbi.EFAULT;
            }
            requested = ByteBuffer.wrap(b).getLong();
        }
        if (oldSet != 0) {
            byte[] b = ByteBuffer.allocate(8).putLong(blocked).array();
            if (!process.memory.write(oldSet & 0xFFFF_FFFFL, b, 0, 8)) {
                return -LinuxAbi.EFAULT;
            }
        }
        if (set != 0) {
            switch (how) {
                case 0: // SIG_BLOCK
                    setBlocked(blocked | requested);
                    break;
                case 1: // SIG_UNBLOCK
                    setBlocked(blocked & ~requested);
                    break;
                case 2: // SIG_SETMASK
                    setBlocked(requested);
                    break;
                default:
                    return -LinuxAbi.EINVAL;
            }
        }
        return 0;
    }

    private void setBlocked(long m) {
        blocked = m & ~(bit(LinuxAbi.SIGKILL) | bit(LinuxAbi.SIGSTOP)); // these two cannot be blocked
    }

    private boolean ignores(int sig) {
        return handler[sig] == SIG_IGN || (handler[sig] == SIG_DFL && LinuxAbi.ignoredByDefault(sig));
    }

    /** Sends {@code sig} to the process itself; it is acted on when the current system call returns. */
    long raise(int sig, int siCode) {
        if (sig == 0) {
            return 0; // only a permission check
        }
        if (sig < 1 || sig > LinuxAbi.NSIG) {
            return -LinuxAbi.EINVAL;
        }
        if (!ignores(sig)) {
            pending |= bit(sig);
            code[sig] = siCode;
        }
        return 0;
    }

    /**
     * Acts on the pending, unblocked signals as the program is about to run again (after a system call): a default
     * action kills the process, a handler gets a frame and the program continues in it.
     */
    void deliverPending(CpuState s) {
        long ready = pending & ~blocked;
        while (ready != 0 && !process.finished()) {
            int sig = Long.numberOfTrailingZeros(ready) + 1;
            pending &= ~bit(sig);
            if (handler[sig] == SIG_DFL) {
                process.killBySignal(sig, null);
            } else if (!ignores(sig)) {
                enterHandler(s, sig, code[sig], 0);
            }
            ready = pending & ~blocked;
        }
    }

    /**
     * A fault raised {@code sig} at the current pc: true if a handler will run (the CPU state now enters it), false
     * if the signal's default action applies (blocked, ignored or default: a synchronous fault kills).
     */
    boolean deliverFault(CpuState s, int sig, int address) {
        if (handler[sig] == SIG_DFL || handler[sig] == SIG_IGN || (blocked & bit(sig)) != 0) {
            return false;
        }
        return enterHandler(s, sig, SI_FAULT, address);
    }

    private boolean enterHandler(CpuState s, int sig, int siCode, int faultAddress) {
        boolean rt = (flags[sig] & SA_SIGINFO) != 0;
        int frameSize = rt ? RT_SIGFRAME_SIZE : SIGFRAME_SIZE;
        long oldSp = s.gpr[1] & 0xFFFF_FFFFL;
        long frame = (oldSp - frameSize) & ~0xFL;
        long mctx = rt ? frame + SIGINFO_SIZE + UC_MCONTEXT : frame + SIGCONTEXT_SIZE;
        ByteBuffer f = ByteBuffer.allocate(frameSize);
        int base = (int) (mctx - frame);
        saveRegisters(s, f, base, faultAddress);
        long newSp;
        if (rt) {
            f.putInt(0, sig); // siginfo: si_signo, si_errno, si_code, then si_pid/si_uid or si_addr
            f.putInt(8, siCode);
            if (siCode == SI_FAULT) {
                f.putInt(12, faultAddress);
            } else {
                f.putInt(12, process.pid);
                f.putInt(16, process.ids.uid);
            }
            int uc = SIGINFO_SIZE;
            f.putInt(uc + 12, 2); // uc_stack.ss_flags = SS_DISABLE (no alternate stack)
            f.putInt(uc + 48, (int) mctx); // uc_regs
            f.putLong(uc + 52, blocked); // uc_sigmask
            newSp = frame - (SIGNAL_FRAMESIZE + 16);
        } else {
            f.putInt(12, (int) (blocked >>> 32)); // sigcontext._unused[3]: the mask's high word
            f.putInt(16, sig);
            f.putInt(20, handler[sig]);
            f.putInt(24, (int) blocked); // oldmask
            f.putInt(28, (int) mctx); // regs
            newSp = frame - SIGNAL_FRAMESIZE;
        }
        byte[] backChain = ByteBuffer.allocate(4).putInt((int) oldSp).array();
        if (frame < AddressSpace.LOWEST_ADDRESS || !process.memory.write(frame, f.array(), 0, frameSize)
                || !process.memory.write(newSp, backChain, 0, 4)) {
            // Linux: a frame that cannot be written is force_sigsegv.
            process.killBySignal(LinuxAbi.SIGSEGV, String.format("cannot write the %s signal frame below sp 0x%08x",
                    LinuxAbi.signalName(sig), oldSp));
            return false;
        }
        s.gpr[1] = (int) newSp;
        s.gpr[3] = sig;
        if (rt) {
            s.gpr[4] = (int) frame;
            s.gpr[5] = (int) (frame + SIGINFO_SIZE);
            s.gpr[6] = (int) frame;
        } else {
            s.gpr[4] = (int) frame;
        }
        s.lr = trampoline + (rt ? 8 : 0);
        s.pc = handler[sig];
        s.reserved = false;
        long during = blocked | mask[sig] | ((flags[sig] & SA_NODEFER) == 0 ? bit(sig) : 0);
        if ((flags[sig] & SA_RESETHAND) != 0) {
            handler[sig] = SIG_DFL;
        }
        setBlocked(during);
        return true;
    }

    private static void saveRegisters(CpuState s, ByteBuffer f, int mctx, int faultAddress) {
        for (int i = 0; i < 32; i++) {
            f.putInt(mctx + 4 * i, s.gpr[i]);
        }
        f.putInt(mctx + 4 * PT_NIP, s.pc);
        f.putInt(mctx + 4 * PT_MSR, s.msr);
        f.putInt(mctx + 4 * PT_ORIG_R3, s.gpr[3]);
        f.putInt(mctx + 4 * PT_CTR, s.ctr);
        f.putInt(mctx + 4 * PT_LNK, s.lr);
        f.putInt(mctx + 4 * PT_XER, s.xer);
        f.putInt(mctx + 4 * PT_CCR, s.cr);
        f.putInt(mctx + 4 * PT_TRAP, 0xc00);
        f.putInt(mctx + 4 * PT_DAR, faultAddress);
        for (int i = 0; i < 32; i++) {
            f.putLong(mctx + MCONTEXT_FPREGS + 8 * i, s.fpr[i]);
        }
        f.putLong(mctx + MCONTEXT_FPREGS + 8 * 32, s.fpscr & 0xFFFF_FFFFL);
    }

    /**
     * sigreturn / rt_sigreturn: restores the registers and the mask from the frame above r1 (where the handler's
     * return to the trampoline left it). False if the frame cannot be read (the process then dies of SIGSEGV).
     */
    boolean sigreturn(CpuState s, boolean rt) {
        long sp = s.gpr[1] & 0xFFFF_FFFFL;
        long mctx;
        long restoredMask;
        if (rt) {
            long frame = sp + SIGNAL_FRAMESIZE + 16;
            byte[] uc = new byte[UC_MCONTEXT];
            if (!process.memory.read(frame + SIGINFO_SIZE, uc, 0, uc.length)) {
                return false;
            }
            ByteBuffer u = ByteBuffer.wrap(uc);
            mctx = u.getInt(48) & 0xFFFF_FFFFL;
            restoredMask = u.getLong(52);
        } else {
            long frame = sp + SIGNAL_FRAMESIZE;
            byte[] sc = new byte[SIGCONTEXT_SIZE];
            if (!process.memory.read(frame, sc, 0, sc.length)) {
                return false;
            }
            ByteBuffer c = ByteBuffer.wrap(sc);
            mctx = c.getInt(28) & 0xFFFF_FFFFL;
            restoredMask = ((long) c.getInt(12) << 32) | (c.getInt(24) & 0xFFFF_FFFFL);
        }
        byte[] regs = new byte[MCONTEXT_FPREGS + 33 * 8];
        if (!process.memory.read(mctx, regs, 0, regs.length)) {
            return false;
        }
        ByteBuffer r = ByteBuffer.wrap(regs);
        for (int i = 0; i < 32; i++) {
            s.gpr[i] = r.getInt(4 * i);
        }
        s.pc = r.getInt(4 * PT_NIP);
        s.ctr = r.getInt(4 * PT_CTR);
        s.lr = r.getInt(4 * PT_LNK);
        s.xer = r.getInt(4 * PT_XER);
        s.cr = r.getInt(4 * PT_CCR);
        for (int i = 0; i < 32; i++) {
            s.fpr[i] = r.getLong(MCONTEXT_FPREGS + 8 * i);
        }
        s.fpscr = (int) r.getLong(MCONTEXT_FPREGS + 8 * 32);
        s.reserved = false;
        setBlocked(restoredMask);
        return true;
    }
}
