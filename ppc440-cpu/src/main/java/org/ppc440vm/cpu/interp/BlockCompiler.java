package org.ppc440vm.cpu.interp;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.Map;

import org.ppc440vm.cpu.spi.TranslationCache;

/**
 * Compiles a region of decoded instructions (nothing that needs the pc or the instruction count; in-page relative
 * branches without LK inside it: forward ones within the region are jumps, one back to its start loops, any other
 * target leaves; see {@link #region}) into a JVM class whose {@link CompiledBlock#run} does the commonest
 * integer instructions as JVM arithmetic on the register array and calls one small helper for each other one, the
 * instruction word a constant: HotSpot folds the register numbers and immediates, so a hot block costs a few host
 * instructions per guest instruction instead of a dispatch each.
 *
 * <p>The class file is written by hand (version 49: no stack map frames needed) and defined as a hidden class in
 * this package, so it is unloaded when the block is dropped. Each instruction that can stop the block (loads,
 * stores and the interpreter's slow path: a trap, or a store into decoded code) is followed by a test that leaves
 * the block there (see {@link #classFile}).
 */
final class BlockCompiler {
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final MethodType CONSTRUCTOR = MethodType.methodType(void.class);
    private static final String PKG = "org/ppc440vm/cpu/interp/";
    private static final String INTERP = PKG + "Interpreter";

    private BlockCompiler() {
    }

    /** The longest {@code run} method a block may have (HotSpot compiles none longer than 8000 bytes). */
    static final int MAX_METHOD_BYTES = 7800;
    /** The most instructions a block holds: bounds the generated method well below HotSpot's inlining budget. */
    static final int MAX_LENGTH = 64;
    /** How far past its start a block may reach (words): forward branches inside it become jumps. */
    static final int WINDOW = 160;
    static final int WORDS_PER_PAGE = 1024;
    private static final String RUN_DESC = "(L" + INTERP + ";Lorg/ppc440vm/cpu/spi/CpuState;[II)I";
    private static final String STATE = "org/ppc440vm/cpu/spi/CpuState";

    /**
     * The words from {@code code[from]} a block holds (true at {@code k - from}), or null if fewer than two: every
     * compilable instruction reachable from {@code from} within {@link #WINDOW} words by falling through or by an
     * in-page relative branch without LK that goes forward (a branch back to {@code from} loops; any other target,
     * and any instruction a block cannot hold, is where the block leaves). Forward-only edges keep one pass over the
     * block at most {@link #MAX_LENGTH} instructions, which is what the exact instruction budget needs.
     */
    static boolean[] region(long[] code, int from) {
        return region(code, from, MAX_LENGTH);
    }

    /** {@link #region(long[], int)} holding at most {@code maxLength} instructions. */
    static boolean[] region(long[] code, int from, int maxLength) {
        int limit = Math.min(WORDS_PER_PAGE, from + WINDOW);
        boolean[] reach = new boolean[limit - from];
        boolean[] in = new boolean[limit - from];
        reach[0] = true;
        int n = 0;
        for (int k = from; k < limit && n < maxLength; k++) {
            if (!reach[k - from]) {
                continue;
            }
            long e = code[k];
            int op = (int) (e >>> 32);
            if (JitOps.helper(op) != null) {
                in[k - from] = true;
                n++;
                if (k + 1 < limit) {
                    reach[k + 1 - from] = true;
                }
                continue;
            }
            int t = branchTarget(op, (int) e, k);
            if (t >= 0) {
                in[k - from] = true;
                n++;
                if (op != Op.B && k + 1 < limit) {
                    reach[k + 1 - from] = true;
                }
                if (t > k && t < limit) {
                    reach[t - from] = true;
                }
            } else if (terminal(op, (int) e)) {
                in[k - from] = true; // the block's last word on this path
                n++;
            }
        }
        return n < 2 ? null : in;
    }

    /**
     * Whether {@code op} is an unconditional branch a block ends with, leaving to wherever it goes (another page
     * too): b/bl/ba/bla that {@link #branchTarget} does not keep in the block, blr/blrl, bctr/bctrl. Calls and
     * returns then cost one block exit instead of an exit and an interpreted branch.
     */
    static boolean terminal(int op, int w) {
        return op == Op.BLR || op == Op.BCTR || (op == Op.B && (w & 3) != 0);
    }

    /**
     * The word index a branch a block can hold goes to when taken, or -1 if a block cannot hold it: only relative
     * forms without LK whose target is in the page (the block is position-independent within its page).
     */
    private static int branchTarget(int op, int w, int index) {
        int disp;
        switch (op) {
            case Op.B:
                disp = w << 6 >> 6 & ~3;
                break;
            case Op.BC:
            case Op.BC_COND:
            case Op.BC_CTR:
                disp = (short) (w & 0xFFFC);
                break;
            default:
                return -1;
        }
        if ((w & 3) != 0) { // AA or LK
            return -1;
        }
        int target = index + (disp >> 2);
        return target >= 0 && target < WORDS_PER_PAGE ? target : -1;
    }

    /** Compiles the block starting at {@code code[from]} ({@link #region}); null if there is none worth it. */
    static CompiledBlock compile(long[] code, int from) {
        byte[] bytes = null;
        int n = 0;
        // HotSpot never compiles a method of more than 8000 bytecodes (HugeMethodLimit): such a block would run in
        // the JVM's interpreter for good. Long blocks full of loads and stores get there; they are cut shorter.
        for (int max = MAX_LENGTH; bytes == null; max /= 2) {
            boolean[] in = region(code, from, max);
            if (in == null) {
                return null;
            }
            n = 0;
            for (boolean b : in) {
                n += b ? 1 : 0;
            }
            bytes = classFile(code, from, in, n);
        }
        try {
            MethodHandles.Lookup hidden = LOOKUP.defineHiddenClass(bytes, true);
            CompiledBlock b = (CompiledBlock) hidden.findConstructor(hidden.lookupClass(), CONSTRUCTOR).invoke();
            b.length = n;
            return b;
        } catch (Throwable e) {
            throw new IllegalStateException("the interpreter's block compiler produced an invalid class", e);
        }
    }

    /**
     * The class of a block (null if its method would be longer than {@link #MAX_METHOD_BYTES}). Its {@code
     * run(interpreter, state, gpr, limit)} answers the number of instructions
     * completed and leaves in {@code interpreter.jitNext} the word index to go on at; when an instruction stopped
     * it, it answers {@code -(completed) - 1} with jitNext = that instruction. A branch back to the start loops in
     * place while the budget ({@code limit}) allows another full pass ({@code n}) and no stop is requested.
     *
     * <p>Local 5 counts the instructions completed up to the last "flush"; the compiler tracks statically how many
     * completed since ({@code pending}), and flushes before every branch and every jump target so that the count
     * is the same on every path into a word.
     *
     * <p>The guest registers the inline code uses live in JVM locals ({@code REG_LOCAL + r}) for the whole block,
     * so that HotSpot keeps them in host registers instead of loading and storing the register array around every
     * instruction (C1, which the runtime uses, does not remove those array accesses itself). The locals are loaded
     * once at entry; the registers the block writes go back to the array before every exit and before every call
     * that reads the array, and a call that writes registers is followed by reloading them. The method body is
     * generated twice: the first pass only finds which registers the inline code reads and writes.
     */
    static byte[] classFile(long[] code, int from, boolean[] in, int n) {
        Pool cp = new Pool();
        int thisClass = cp.cls(PKG + "Block");
        int superClass = cp.cls(PKG + "CompiledBlock");
        int superInit = cp.method(PKG + "CompiledBlock", "<init>", "()V");
        int initName = cp.utf8("<init>");
        int initDesc = cp.utf8("()V");
        int runName = cp.utf8("run");
        int runDesc = cp.utf8(RUN_DESC);
        int codeAttr = cp.utf8("Code");

        Code probe = new Code(0, 0);
        body(probe, cp, code, from, in, n);
        Code c = new Code(probe.reads | probe.writes, probe.writes);
        c.memory = probe.memory;
        body(c, cp, code, from, in, n);
        if (c.len > MAX_METHOD_BYTES) {
            return null;
        }
        byte[] run = c.bytes();

        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(run.length + 512);
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(0xCAFEBABE);
            d.writeShort(0);
            d.writeShort(49);
            cp.write(d);
            d.writeShort(0x0010 | 0x0020 | 0x1000); // final super synthetic
            d.writeShort(thisClass);
            d.writeShort(superClass);
            d.writeShort(0); // interfaces
            d.writeShort(0); // fields
            d.writeShort(2); // methods
            // <init>: aload_0, invokespecial super.<init>, return
            d.writeShort(0x0000);
            d.writeShort(initName);
            d.writeShort(initDesc);
            d.writeShort(1);
            d.writeShort(codeAttr);
            d.writeInt(2 + 2 + 4 + 5 + 2 + 2);
            d.writeShort(1);
            d.writeShort(1);
            d.writeInt(5);
            d.write(new byte[] {0x2A, (byte) 0xB7, (byte) (superInit >> 8), (byte) superInit, (byte) 0xB1});
            d.writeShort(0);
            d.writeShort(0);
            // run
            d.writeShort(0x0001 | 0x0010); // public final
            d.writeShort(runName);
            d.writeShort(runDesc);
            d.writeShort(1);
            d.writeShort(codeAttr);
            d.writeInt(2 + 2 + 4 + run.length + 2 + 2);
            d.writeShort(10); // max stack
            d.writeShort(MAX_LOCALS); // this, interpreter, state, gpr, limit, count, r0..r31, memory temporaries
            d.writeInt(run.length);
            d.write(run);
            d.writeShort(0);
            d.writeShort(0);
            d.writeShort(0); // class attributes
            d.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
        }
    }

    /** The bytecode of {@code run} (see {@link #classFile}) into {@code c}. */
    private static void body(Code c, Pool cp, long[] code, int from, boolean[] in, int n) {
        int jitNext = cp.field(INTERP, "jitNext", "I");
        int size = in.length;
        boolean[] isTarget = new boolean[size];
        for (int k = 0; k < size; k++) {
            if (in[k]) {
                long e = code[from + k];
                int op = (int) (e >>> 32);
                if (JitOps.helper(op) == null) {
                    int t = branchTarget(op, (int) e, from + k);
                    if (t > from + k && t - from < size && in[t - from]) {
                        isTarget[t - from] = true;
                    }
                }
            }
        }
        int[] pos = new int[size];
        int[] fixAt = new int[2 * MAX_LENGTH];
        int[] fixTo = new int[2 * MAX_LENGTH];
        int fixes = 0;

        c.u1(0x03); // iconst_0
        c.u1(0x36); // istore 5 (instructions completed)
        c.u1(5);
        reload(c, -1);
        if (c.memory) {
            memoryLocals(c, cp);
        }
        int loop = c.len;
        int pending = 0;
        boolean live = true;
        for (int k = 0; k < size; k++) {
            if (!in[k]) {
                continue;
            }
            if (isTarget[k] && live) {
                pending = flush(c, pending);
            }
            live = true;
            pos[k] = c.len;
            int index = from + k;
            long e = code[index];
            int op = (int) (e >>> 32);
            int w = (int) e;
            String h = JitOps.helper(op);
            if (h == null && terminal(op, w) && branchTarget(op, w, index) < 0) {
                // an unconditional branch that leaves: target into state.pc (LR set for the linking forms), and
                // jitNext = -1 tells the interpreter to go on there
                pending = flush(c, pending + 1);
                int pageEa = cp.field(INTERP, "jitPageEa", "I");
                if (op == Op.B) {
                    int disp = w << 6 >> 6 & ~3;
                    if ((w & 2) != 0) {
                        constant(c, cp, disp);
                    } else {
                        c.u1(0x2B); // aload_1
                        c.u1u2(0xB4, pageEa);
                        constant(c, cp, (index << 2) + disp);
                        c.u1(IADD);
                    }
                } else {
                    c.u1(0x2C); // aload_2
                    c.u1u2(0xB4, cp.field(STATE, op == Op.BLR ? "lr" : "ctr", "I"));
                    constant(c, cp, ~3);
                    c.u1(IAND);
                }
                istore(c, R);
                if ((w & 1) != 0) {
                    c.u1(0x2C); // aload_2
                    c.u1(0x2B); // aload_1
                    c.u1u2(0xB4, pageEa);
                    constant(c, cp, (index << 2) + 4);
                    c.u1(IADD);
                    c.u1u2(0xB5, cp.field(STATE, "lr", "I"));
                }
                c.u1(0x2C); // aload_2
                iload(c, R);
                c.u1u2(0xB5, cp.field(STATE, "pc", "I"));
                leave(c, jitNext, -1, 0);
                live = false;
                continue;
            }
            if (h == null) {
                // a branch: it completes, then the block jumps, loops or leaves
                pending = flush(c, pending + 1);
                int t = branchTarget(op, w, index);
                int notTaken = -1;
                if (op != Op.B) {
                    notTaken = condition(c, cp, op, w);
                }
                if (t == from) {
                    c.u1(0x15); // iload 5
                    c.u1(5);
                    sipush(c, n);
                    c.u1(0x60); // iadd
                    c.u1(0x15); // iload 4
                    c.u1(4);
                    int full = c.len;
                    c.u1u2(0xA3, 0); // if_icmpgt exit (patched)
                    c.u1(0x2C); // aload_2
                    c.u1u2(0xB4, cp.field(STATE, "stopRequest", "Z")); // getfield
                    int stop = c.len;
                    c.u1u2(0x9A, 0); // ifne exit (patched)
                    c.u1u2(0xA7, loop - c.len); // goto loop
                    c.patch(full, c.len - full);
                    c.patch(stop, c.len - stop);
                    leave(c, jitNext, from, 0);
                } else if (t > index && t - from < size && in[t - from]) {
                    fixAt[fixes] = c.len;
                    fixTo[fixes++] = t - from;
                    c.u1u2(0xA7, 0); // goto label (patched)
                } else {
                    leave(c, jitNext, t, 0);
                }
                if (notTaken >= 0) {
                    c.patch(notTaken, c.len - notTaken);
                } else {
                    live = false;
                    continue;
                }
            } else {
                int ra = (w >>> 16) & 31;
                int rb = (w >>> 11) & 31;
                int rt = (w >>> 21) & 31;
                boolean indexed = (w >>> 26) == 31;
                boolean update = !indexed && ((w >>> 26) & 1) != 0; // lwzu 33, lbzu 35, stwu 37, stbu 39
                int address = (ra == 0 ? 0 : 1 << ra) | (indexed ? 1 << rb : 0);
                switch (h) {
                    case "lwz":
                    case "lwzux":
                    case "lbz":
                    case "lh":
                    case "stw":
                    case "stwux":
                    case "stb": {
                        boolean isStore = h.startsWith("st");
                        // registers the access reads, and those it writes (loads: rT; update forms: rA)
                        int reads = address | (isStore ? 1 << rt : 0);
                        int writes = (isStore ? 0 : 1 << rt) | (update ? 1 << ra : 0);
                        // the translation cache hit inline; a miss (or a store into decoded code) goes through
                        // the interpreter's loadStore
                        int slow = memoryFastPath(c, cp, h, w, indexed, update);
                        int done = c.len;
                        c.u1u2(0xA7, 0); // goto done (patched)
                        c.patchChain(slow);
                        spill(c, reads | writes);
                        c.u1(0x2B); // aload_1 (the interpreter)
                        ldc(c, cp.integer(op));
                        ldc(c, cp.integer(w));
                        c.u1u2(0xB6, cp.method(INTERP, "jitMem", "(II)Z"));
                        reload(c, writes);
                        stopIfFalse(c, index, pending);
                        c.patch(done, c.len - done);
                        break;
                    }
                    case "mem":
                    case "slow":
                        spill(c, -1);
                        c.u1(0x2B);
                        ldc(c, cp.integer(op));
                        ldc(c, cp.integer(w));
                        c.u1u2(0xB6, cp.method(INTERP, h.equals("mem") ? "jitMem" : "jitSlow", "(II)Z"));
                        reload(c, -1);
                        stopIfFalse(c, index, pending);
                        break;
                    default: // "alu"
                        if (!emitInline(c, cp, op, w)) {
                            throw new IllegalStateException("JitOps.helper and BlockCompiler.emitInline disagree on"
                                    + " op " + op);
                        }
                        break;
                }
                pending++;
            }
            // falls through to the next word: leave there if the block does not hold it
            if (k + 1 >= size || !in[k + 1]) {
                leave(c, jitNext, index + 1, pending);
                pending = 0;
                live = false;
            }
        }
        for (int f = 0; f < fixes; f++) {
            c.patch(fixAt[f], pos[fixTo[f]] - fixAt[f]);
        }
        // the two exits every path ends in: the registers go back to the array once, here
        exit(c, c.leaves, jitNext, false);
        if (c.stops >= 0) {
            exit(c, c.stops, jitNext, true);
        }
    }

    /**
     * A shared exit, the target of the branch chain {@code chain}: the registers go back to the array,
     * interpreter.jitNext = local NEXT, and the method returns count + DONE, or for a stop -(count + DONE) - 1.
     */
    private static void exit(Code c, int chain, int jitNext, boolean stop) {
        c.patchChain(chain);
        spill(c, -1);
        c.u1(0x2B); // aload_1
        iload(c, NEXT);
        c.u1u2(0xB5, jitNext); // putfield
        iload(c, 5);
        iload(c, DONE);
        c.u1(IADD);
        if (stop) {
            c.u1(0x74); // ineg
            c.u1(0x02); // iconst_m1
            c.u1(IADD);
        }
        c.u1(0xAC); // ireturn
    }

    /** The first local that holds a guest register: local {@code REG_LOCAL + r} is rR. */
    private static final int REG_LOCAL = 6;

    // locals of the inline memory accesses
    private static final int EA = REG_LOCAL + 32;
    private static final int TI = EA + 1;
    private static final int PHYS = EA + 2;
    // where the shared exits go on and how many instructions they add
    private static final int NEXT = EA + 3;
    private static final int DONE = EA + 4;
    // operands and result of the inline carry and compare forms
    private static final int X = EA + 5;
    private static final int Y = EA + 6;
    private static final int R = EA + 7;
    // the interpreter's arrays the inline memory accesses use (see memoryLocals)
    private static final int READ_TAG = EA + 8;
    private static final int WRITE_TAG = EA + 9;
    private static final int RAM_OFFSET = EA + 10;
    private static final int MEM = EA + 11;
    private static final int HAS_CODE = EA + 12;
    private static final int MASK_LOCAL = EA + 13;
    private static final int MAX_LOCALS = EA + 14;

    /**
     * Emits the fast path of a load or store (the interpreter's {@code jitXxx} helper named {@code h}, inline): the
     * effective address, a translation cache hit for the access's kind, an access that does not cross the page,
     * and for stores a page without decoded code; then the access on the RAM array. Answers the head of the chain
     * of branches to the slow path (see {@link Code#link}), for the caller to patch.
     */
    private static int memoryFastPath(Code c, Pool cp, String h, int w, boolean indexed, boolean update) {
        int rt = (w >>> 21) & 31;
        int ra = (w >>> 16) & 31;
        int rb = (w >>> 11) & 31;
        boolean isStore = h.startsWith("st");
        int size = h.equals("lbz") || h.equals("stb") ? 1 : h.equals("lh") ? 2 : 4;
        // ea = (rA|0) + (d or rB)
        if (ra == 0) {
            if (indexed) {
                reg(c, rb);
            } else {
                constant(c, cp, (short) w);
            }
        } else {
            reg(c, ra);
            if (indexed) {
                reg(c, rb);
            } else {
                constant(c, cp, (short) w);
            }
            c.u1(IADD);
        }
        istore(c, EA);
        // ti = TranslationCache.index(ea, cacheMask)
        iload(c, EA);
        c.memory = true;
        iload(c, MASK_LOCAL);
        c.u1u2(0xB8, cp.method("org/ppc440vm/cpu/spi/TranslationCache", "index", "(II)I"));
        istore(c, TI);
        // (isStore ? writeTag : readTag)[ti] == (ea & ~PAGE_MASK | dataContext), else slow
        aload(c, isStore ? WRITE_TAG : READ_TAG);
        iload(c, TI);
        c.u1(IALOAD);
        iload(c, EA);
        constant(c, cp, ~TranslationCache.PAGE_MASK);
        c.u1(IAND);
        c.u1(0x2C); // aload_2
        c.u1u2(0xB4, cp.field(STATE, "dataContext", "I"));
        c.u1(IOR);
        int chain = c.branch(0xA0, -1); // if_icmpne slow
        // the access stays in the page, else slow
        if (size > 1) {
            iload(c, EA);
            constant(c, cp, TranslationCache.PAGE_MASK);
            c.u1(IAND);
            constant(c, cp, TranslationCache.PAGE_MASK + 1 - size);
            chain = c.branch(0xA3, chain); // if_icmpgt slow
        }
        // phys = ramOffset[ti] + (ea & PAGE_MASK)
        aload(c, RAM_OFFSET);
        iload(c, TI);
        c.u1(IALOAD);
        iload(c, EA);
        constant(c, cp, TranslationCache.PAGE_MASK);
        c.u1(IAND);
        c.u1(IADD);
        istore(c, PHYS);
        if (isStore) {
            // a page with decoded code: the helper stores and drops what the store changes
            aload(c, HAS_CODE);
            iload(c, PHYS);
            constant(c, cp, TranslationCache.PAGE_SHIFT);
            c.u1(0x7C); // iushr
            c.u1(0x33); // baload
            chain = c.branch(0x9A, chain); // ifne slow
            for (int k = 0; k < size; k++) {
                ramByte(c, cp, k);
                reg(c, rt);
                int shift = 8 * (size - 1 - k);
                if (shift > 0) {
                    constant(c, cp, shift);
                    c.u1(0x7C); // iushr
                }
                c.u1(0x54); // bastore (keeps the low byte)
            }
        } else {
            // big-endian bytes by hand: C1 compiles a byte-array-view VarHandle into calls
            for (int k = 0; k < size; k++) {
                ramByte(c, cp, k);
                c.u1(0x33); // baload (sign-extends)
                boolean top = k == 0;
                boolean signed = h.equals("lh") && (w >>> 26) == 42; // lha
                if (!(top && (size == 4 || signed))) {
                    constant(c, cp, 0xFF);
                    c.u1(IAND);
                }
                int shift = 8 * (size - 1 - k);
                if (shift > 0) {
                    constant(c, cp, shift);
                    c.u1(ISHL);
                }
                if (k > 0) {
                    c.u1(IOR);
                }
            }
            put(c, rt);
        }
        if (update) {
            iload(c, EA);
            put(c, ra);
        }
        return chain;
    }

    /** Pushes the RAM array and the index of byte {@code k} of the access (PHYS + k). */
    private static void ramByte(Code c, Pool cp, int k) {
        aload(c, MEM);
        iload(c, PHYS);
        if (k > 0) {
            constant(c, cp, k);
            c.u1(IADD);
        }
    }

    private static void aload(Code c, int local) {
        c.u1(0x19);
        c.u1(local);
    }

    /**
     * Copies the interpreter's translation cache and RAM arrays into locals (they are final fields): the inline
     * memory accesses then read locals instead of fields, shorter bytecode for HotSpot to compile.
     */
    private static void memoryLocals(Code c, Pool cp) {
        String[][] arrays = {{"readTag", "[I"}, {"writeTag", "[I"}, {"ramOffset", "[I"}, {"mem", "[B"},
            {"hasCode", "[B"}};
        int[] locals = {READ_TAG, WRITE_TAG, RAM_OFFSET, MEM, HAS_CODE};
        for (int k = 0; k < arrays.length; k++) {
            c.u1(0x2B); // aload_1
            c.u1u2(0xB4, cp.field(INTERP, arrays[k][0], arrays[k][1]));
            c.u1(0x3A); // astore
            c.u1(locals[k]);
        }
        c.u1(0x2B);
        c.u1u2(0xB4, cp.field(INTERP, "cacheMask", "I"));
        istore(c, MASK_LOCAL);
    }

    private static void iload(Code c, int local) {
        c.u1(0x15);
        c.u1(local);
    }

    private static void istore(Code c, int local) {
        c.u1(0x36);
        c.u1(local);
    }

    /** gpr[r] = local r, for each register in {@code mask} that the block writes (the others are up to date). */
    private static void spill(Code c, int mask) {
        move(c, mask & c.written, true);
    }

    /** local r = gpr[r], for each register in {@code mask} the block keeps in a local. */
    private static void reload(Code c, int mask) {
        move(c, mask & c.cached, false);
    }

    /** Copies the registers in {@code m} between their locals and the register array, either way. */
    private static void move(Code c, int m, boolean toArray) {
        for (int r = 0; r < 32; r++) {
            if ((m & (1 << r)) != 0) {
                c.u1(ALOAD_3);
                c.u1(0x10); // bipush
                c.u1(r);
                if (toArray) {
                    iload(c, REG_LOCAL + r);
                    c.u1(IASTORE);
                } else {
                    c.u1(IALOAD);
                    istore(c, REG_LOCAL + r);
                }
            }
        }
    }

    /** count += pending (iinc 5); answers 0. */
    private static int flush(Code c, int pending) {
        if (pending != 0) {
            c.u1(0x84); // iinc 5, pending
            c.u1(5);
            c.u1(pending);
        }
        return 0;
    }

    /**
     * Evaluates a conditional branch's condition and emits the jump to its not-taken path, whose offset the caller
     * patches: answers where that jump is.
     */
    private static int condition(Code c, Pool cp, int op, int w) {
        if (op == Op.BC_COND) {
            // CR bit BI against BO's expected value, without a call
            c.u1(0x2C); // aload_2
            c.u1u2(0xB4, cp.field(STATE, "cr", "I"));
            constant(c, cp, 31 - ((w >>> 16) & 31));
            c.u1(IUSHR);
            c.u1(0x04); // iconst_1
            c.u1(IAND);
            int at = c.len;
            c.u1u2(((w >>> 24) & 1) != 0 ? 0x99 : 0x9A, 0); // ifeq / ifne not-taken
            return at;
        }
        if (op == Op.BC_CTR) {
            // bdnz / bdz: ctr -= 1, then taken if ctr != 0 (or == 0 with BO's 0x02)
            c.u1(0x2C); // aload_2
            c.u1(0x2C); // aload_2
            c.u1u2(0xB4, cp.field(STATE, "ctr", "I"));
            c.u1(0x04); // iconst_1
            c.u1(ISUB);
            c.u1(0x5A); // dup_x1
            c.u1u2(0xB5, cp.field(STATE, "ctr", "I"));
            int at = c.len;
            c.u1u2(((w >>> 21) & 0x02) != 0 ? 0x9A : 0x99, 0); // bdz: ifne not-taken; bdnz: ifeq not-taken
            return at;
        }
        // bc with both a CTR and a CR test
        c.u1(0x2C); // aload_2
        ldc(c, cp.integer(w));
        c.u1u2(0xB8, cp.method(INTERP, "branchCondition", "(L" + STATE + ";I)Z"));
        int at = c.len;
        c.u1u2(0x99, 0); // ifeq not-taken
        return at;
    }

    /** Leaves the block: interpreter.jitNext = next; return count + done (through the shared exit). */
    private static void leave(Code c, int jitNext, int next, int done) {
        sipush(c, next);
        istore(c, NEXT);
        sipush(c, done);
        istore(c, DONE);
        c.leaves = c.branch(0xA7, c.leaves); // goto the exit
    }

    /**
     * After a helper's boolean (the registers it wrote already reloaded): if false, stops the block at word
     * {@code index} after {@code k} more instructions: jitNext = index; return -(count + k) - 1.
     */
    private static void stopIfFalse(Code c, int index, int k) {
        int skip = c.len;
        c.u1u2(0x9A, 0); // ifne continue (patched)
        sipush(c, index);
        istore(c, NEXT);
        sipush(c, k);
        istore(c, DONE);
        c.stops = c.branch(0xA7, c.stops); // goto the stop exit
        c.patch(skip, c.len - skip);
    }

    private static void sipush(Code c, int v) {
        c.u1(0x11);
        c.u1(v >> 8);
        c.u1(v);
    }

    private static void ldc(Code c, int index) {
        c.u1u2(0x13, index); // ldc_w
    }

    /** A growable method body with 16-bit branch patching. */
    private static final class Code {
        byte[] buf = new byte[256];
        int len;
        /** Registers kept in locals, and those of them the block writes (from the first pass). */
        final int cached;
        final int written;
        /** Whether the block has inline memory accesses (from the first pass: then the arrays go into locals). */
        boolean memory;
        /** Chains of the branches to the shared exits (see {@link #branch}), -1 if none. */
        int leaves = -1;
        int stops = -1;
        /** Registers the inline code read and wrote (what the first pass finds). */
        int reads;
        int writes;

        Code(int cached, int written) {
            this.cached = cached;
            this.written = written;
        }

        void u1(int v) {
            if (len == buf.length) {
                buf = java.util.Arrays.copyOf(buf, len * 2);
            }
            buf[len++] = (byte) v;
        }

        void u1u2(int op, int v) {
            u1(op);
            u1(v >> 8);
            u1(v);
        }

        /**
         * Emits branch {@code op} whose offset is patched later, chained to the earlier unpatched branch
         * {@code chain} (-1: none) through its offset field; answers the new head of the chain.
         */
        int branch(int op, int chain) {
            int at = len;
            u1u2(op, chain);
            return at;
        }

        /** The next branch in the chain after the one at {@code at} (-1 at the end). */
        int link(int at) {
            return (short) ((buf[at + 1] & 0xFF) << 8 | (buf[at + 2] & 0xFF));
        }

        /** Points every branch of the chain whose head is {@code head} here. */
        void patchChain(int head) {
            for (int at = head; at >= 0; ) {
                int next = link(at);
                patch(at, len - at);
                at = next;
            }
        }

        /** Sets the 16-bit offset of the branch instruction at {@code at}. */
        void patch(int at, int offset) {
            buf[at + 1] = (byte) (offset >> 8);
            buf[at + 2] = (byte) offset;
        }

        byte[] bytes() {
            return java.util.Arrays.copyOf(buf, len);
        }
    }

    // JVM opcodes used by the inline forms
    private static final int ALOAD_3 = 0x2D;
    private static final int IALOAD = 0x2E;
    private static final int IASTORE = 0x4F;
    private static final int IADD = 0x60;
    private static final int ISUB = 0x64;
    private static final int IMUL = 0x68;
    private static final int INEG = 0x74;
    private static final int ISHL = 0x78;
    private static final int IUSHR = 0x7C;
    private static final int IAND = 0x7E;
    private static final int IOR = 0x80;
    private static final int IXOR = 0x82;
    private static final int DUP = 0x59;
    private static final int SWAP = 0x5F;

    /**
     * Emits the commonest integer instructions directly as JVM arithmetic on the register array, the rest of their
     * work (carry, CR fields) through helpers of a few bytecodes that take values, not the instruction word: both
     * HotSpot compilers (also C1 alone) inline those. False if {@code op} has no inline form.
     */
    private static boolean emitInline(Code b, Pool cp, int op, int w) {
        int d = (w >>> 21) & 31; // rT, or rS for the logical forms
        int a = (w >>> 16) & 31;
        int r = (w >>> 11) & 31;
        boolean rc = (w & 1) != 0;
        String ops = PKG + "JitOps";
        switch (op) {
            case Op.LI:
                constant(b, cp, (short) w);
                put(b, d);
                return true;
            case Op.LIS:
                constant(b, cp, w << 16);
                put(b, d);
                return true;
            case Op.ADDI:
            case Op.ADDIS:
                reg(b, a);
                constant(b, cp, op == Op.ADDI ? (short) w : w << 16);
                b.u1(IADD);
                put(b, d);
                return true;
            case Op.MULLI:
                reg(b, a);
                constant(b, cp, (short) w);
                b.u1(IMUL);
                put(b, d);
                return true;
            case Op.ORI:
            case Op.ORIS:
            case Op.XORI:
            case Op.XORIS:
                reg(b, d);
                constant(b, cp, op == Op.ORI || op == Op.XORI ? w & 0xFFFF : w << 16);
                b.u1(op == Op.ORI || op == Op.ORIS ? IOR : IXOR);
                put(b, a);
                return true;
            case Op.ANDI_RC:
            case Op.ANDIS_RC:
                reg(b, d);
                constant(b, cp, op == Op.ANDI_RC ? w & 0xFFFF : w << 16);
                b.u1(IAND);
                store(b, cp, true, a);
                return true;
            case Op.RLWINM:
            case Op.RLWIMI: {
                int sh = r;
                int mask = Alu.mask((w >>> 6) & 31, (w >>> 1) & 31);
                reg(b, d);
                if (sh != 0) {
                    b.u1(DUP);
                    constant(b, cp, sh);
                    b.u1(ISHL);
                    b.u1(SWAP);
                    constant(b, cp, 32 - sh);
                    b.u1(IUSHR);
                    b.u1(IOR);
                }
                if (mask != -1) {
                    constant(b, cp, mask);
                    b.u1(IAND);
                }
                if (op == Op.RLWIMI) {
                    reg(b, a);
                    constant(b, cp, ~mask);
                    b.u1(IAND);
                    b.u1(IOR);
                }
                store(b, cp, rc, a);
                return true;
            }
            case Op.RLWNM: {
                int mask = Alu.mask((w >>> 6) & 31, (w >>> 1) & 31);
                reg(b, d);
                reg(b, r);
                b.u1u2(0xB8, cp.method("java/lang/Integer", "rotateLeft", "(II)I")); // (uses the low 5 bits)
                if (mask != -1) {
                    constant(b, cp, mask);
                    b.u1(IAND);
                }
                store(b, cp, rc, a);
                return true;
            }
            case Op.ADD:
            case Op.SUBF:
            case Op.MULLW:
                if (op == Op.SUBF) {
                    reg(b, r);
                    reg(b, a);
                } else {
                    reg(b, a);
                    reg(b, r);
                }
                b.u1(op == Op.ADD ? IADD : op == Op.SUBF ? ISUB : IMUL);
                store(b, cp, rc, d);
                return true;
            case Op.MULHW:
            case Op.MULHWU:
                reg(b, a);
                reg(b, r);
                b.u1u2(0xB8, cp.method(ops, op == Op.MULHW ? "mulhs" : "mulhu", "(II)I"));
                store(b, cp, rc, d);
                return true;
            case Op.NEG:
                reg(b, a);
                b.u1(INEG);
                store(b, cp, rc, d);
                return true;
            case Op.AND:
            case Op.OR:
            case Op.XOR:
            case Op.ANDC:
            case Op.NOR:
                reg(b, d);
                if (op == Op.OR && r == d) {
                    store(b, cp, rc, a); // mr
                    return true;
                }
                reg(b, r);
                if (op == Op.ANDC) {
                    constant(b, cp, -1);
                    b.u1(IXOR);
                }
                b.u1(op == Op.OR || op == Op.NOR ? IOR : op == Op.XOR ? IXOR : IAND);
                if (op == Op.NOR) {
                    constant(b, cp, -1);
                    b.u1(IXOR);
                }
                store(b, cp, rc, a);
                return true;
            case Op.SLW:
            case Op.SRW:
                reg(b, d);
                reg(b, r);
                b.u1u2(0xB8, cp.method(ops, op == Op.SLW ? "slw" : "srw", "(II)I"));
                store(b, cp, rc, a);
                return true;
            case Op.SRAW:
            case Op.SRAWI:
                b.u1(0x2C); // aload_2
                reg(b, d);
                if (op == Op.SRAWI) {
                    constant(b, cp, r);
                } else {
                    reg(b, r);
                    constant(b, cp, 0x3F);
                    b.u1(IAND);
                }
                b.u1u2(0xB8, cp.method(ops, "sraw", "(L" + STATE + ";II)I"));
                store(b, cp, rc, a);
                return true;
            case Op.EXTSB:
            case Op.EXTSH:
            case Op.CNTLZW: {
                int xo = (w >>> 1) & 0x3FF;
                reg(b, d);
                if (xo == 954) {
                    b.u1(0x91); // i2b
                } else if (xo == 922) {
                    b.u1(0x93); // i2s
                } else {
                    b.u1u2(0xB8, cp.method("java/lang/Integer", "numberOfLeadingZeros", "(I)I"));
                }
                store(b, cp, rc, a);
                return true;
            }
            case Op.ADDC:
            case Op.ADDE:
            case Op.ADDZE:
            case Op.ADDME:
            case Op.SUBFC:
            case Op.SUBFE:
            case Op.SUBFZE:
            case Op.SUBFME: {
                // rT = x + y + carry in, CA = carry out; the subtract-from forms add ~rA
                reg(b, a);
                boolean sub = op == Op.SUBFC || op == Op.SUBFE || op == Op.SUBFZE || op == Op.SUBFME;
                if (sub) {
                    constant(b, cp, -1);
                    b.u1(IXOR);
                }
                if (op == Op.ADDZE || op == Op.SUBFZE) {
                    constant(b, cp, 0);
                } else if (op == Op.ADDME || op == Op.SUBFME) {
                    constant(b, cp, -1);
                } else {
                    reg(b, r);
                }
                addWithCarry(b, cp, op == Op.ADDC ? 0 : op == Op.SUBFC ? 1 : -1);
                store(b, cp, rc, d);
                return true;
            }
            case Op.ADDIC:
            case Op.ADDIC_RC:
            case Op.SUBFIC:
                reg(b, a);
                if (op == Op.SUBFIC) {
                    constant(b, cp, -1);
                    b.u1(IXOR);
                }
                constant(b, cp, (short) w);
                addWithCarry(b, cp, op == Op.SUBFIC ? 1 : 0);
                store(b, cp, op == Op.ADDIC_RC, d);
                return true;
            case Op.CMPI:
            case Op.CMPLI:
            case Op.CMP:
            case Op.CMPL:
                reg(b, a);
                if (op == Op.CMPI) {
                    constant(b, cp, (short) w);
                } else if (op == Op.CMPLI) {
                    constant(b, cp, w & 0xFFFF);
                } else {
                    reg(b, r);
                }
                compare(b, cp, op == Op.CMPI || op == Op.CMP, 28 - 4 * ((w >>> 23) & 7));
                return true;
            case Op.MFLR:
            case Op.MFCTR:
            case Op.MFCR:
                b.u1(0x2C); // aload_2
                b.u1u2(0xB4, cp.field(STATE, op == Op.MFLR ? "lr" : op == Op.MFCTR ? "ctr" : "cr", "I"));
                put(b, d);
                return true;
            case Op.MTLR:
            case Op.MTCTR:
                b.u1(0x2C); // aload_2
                reg(b, d);
                b.u1u2(0xB5, cp.field(STATE, op == Op.MTLR ? "lr" : "ctr", "I"));
                return true;
            default:
                return false;
        }
    }

    /**
     * x + y + carry in (x, y on the stack; {@code carryIn} 0, 1, or -1 for XER[CA]) with XER[CA] = the carry out,
     * in int arithmetic: the carry out of bit 0 is x0 & y0 | (x0 | y0) & ~r0 (the sum bit r0 is the carry into bit
     * 0 flipped where exactly one of x0, y0 is set). Leaves the sum on the stack.
     */
    private static void addWithCarry(Code b, Pool cp, int carryIn) {
        istore(b, Y);
        istore(b, X);
        iload(b, X);
        iload(b, Y);
        b.u1(IADD);
        if (carryIn == 1) {
            b.u1(0x04); // iconst_1
            b.u1(IADD);
        } else if (carryIn < 0) {
            b.u1(0x2C); // aload_2
            b.u1u2(0xB4, cp.field(STATE, "xer", "I"));
            constant(b, cp, 29);
            b.u1(IUSHR);
            b.u1(0x04); // iconst_1
            b.u1(IAND);
            b.u1(IADD);
        }
        istore(b, R);
        b.u1(0x2C); // aload_2
        b.u1(0x2C); // aload_2
        b.u1u2(0xB4, cp.field(STATE, "xer", "I"));
        constant(b, cp, ~org.ppc440vm.cpu.spi.CpuState.XER_CA);
        b.u1(IAND);
        iload(b, X);
        iload(b, Y);
        b.u1(IAND);
        iload(b, X);
        iload(b, Y);
        b.u1(IOR);
        iload(b, R);
        constant(b, cp, -1);
        b.u1(IXOR);
        b.u1(IAND);
        b.u1(IOR);
        constant(b, cp, 31);
        b.u1(IUSHR);
        constant(b, cp, 29);
        b.u1(ISHL);
        b.u1(IOR);
        b.u1u2(0xB5, cp.field(STATE, "xer", "I"));
        iload(b, R);
    }

    /**
     * Compares a with b (on the stack; signed or unsigned) into the CR field at bit {@code shift}: LT, GT or EQ,
     * and SO copied from XER.
     */
    private static void compare(Code b, Pool cp, boolean signed, int shift) {
        if (!signed) {
            // unsigned order is the signed order of both with the top bit flipped
            constant(b, cp, Integer.MIN_VALUE);
            b.u1(IXOR);
            b.u1(SWAP);
            constant(b, cp, Integer.MIN_VALUE);
            b.u1(IXOR);
            b.u1(SWAP);
        }
        istore(b, Y);
        istore(b, X);
        iload(b, X);
        iload(b, Y);
        int notLess = b.branch(0xA2, -1); // if_icmpge
        constant(b, cp, Alu.LT);
        int end1 = b.branch(0xA7, -1); // goto end
        b.patchChain(notLess);
        iload(b, X);
        iload(b, Y);
        int notGreater = b.branch(0xA4, -1); // if_icmple
        constant(b, cp, Alu.GT);
        int end2 = b.branch(0xA7, end1); // goto end
        b.patchChain(notGreater);
        constant(b, cp, Alu.EQ);
        b.patchChain(end2);
        b.u1(0x2C); // aload_2
        b.u1u2(0xB4, cp.field(STATE, "xer", "I"));
        constant(b, cp, 31);
        b.u1(IUSHR);
        b.u1(IOR);
        istore(b, R);
        b.u1(0x2C); // aload_2
        b.u1(0x2C); // aload_2
        b.u1u2(0xB4, cp.field(STATE, "cr", "I"));
        constant(b, cp, ~(0xF << shift));
        b.u1(IAND);
        iload(b, R);
        if (shift != 0) {
            constant(b, cp, shift);
            b.u1(ISHL);
        }
        b.u1(IOR);
        b.u1u2(0xB5, cp.field(STATE, "cr", "I"));
    }

    /** Stores the value on the stack into register {@code n}; with Rc also sets CR0 from it. */
    private static void store(Code b, Pool cp, boolean rc, int n) {
        if (rc) {
            b.u1(DUP);
            put(b, n);
            b.u1(0x2C); // aload_2
            b.u1(SWAP);
            b.u1u2(0xB8, cp.method(PKG + "JitOps", "rc", "(L" + STATE + ";I)V"));
        } else {
            put(b, n);
        }
    }

    /** Stores the value on the stack into register {@code n} (its local). */
    private static void put(Code b, int n) {
        b.writes |= 1 << n;
        b.u1(0x36); // istore
        b.u1(REG_LOCAL + n);
    }

    /** Pushes register {@code n} (its local). */
    private static void reg(Code b, int n) {
        b.reads |= 1 << n;
        b.u1(0x15); // iload
        b.u1(REG_LOCAL + n);
    }

    private static void constant(Code b, Pool cp, int v) {
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            b.u1(0x11); // sipush
            b.u1(v >> 8);
            b.u1(v);
        } else {
            ldc(b, cp.integer(v));
        }
    }

    /** A minimal constant pool with deduplication. */
    private static final class Pool {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);
        private final Map<String, Integer> index = new HashMap<>();
        private int next = 1;

        int utf8(String s) {
            return entry("U" + s, () -> {
                out.writeByte(1);
                out.writeUTF(s);
            });
        }

        int integer(int v) {
            return entry("I" + v, () -> {
                out.writeByte(3);
                out.writeInt(v);
            });
        }

        int cls(String name) {
            int n = utf8(name);
            return entry("C" + name, () -> {
                out.writeByte(7);
                out.writeShort(n);
            });
        }

        int field(String owner, String name, String desc) {
            return member(9, owner, name, desc);
        }

        int method(String owner, String name, String desc) {
            return member(10, owner, name, desc);
        }

        private int member(int tag, String owner, String name, String desc) {
            int c = cls(owner);
            int nm = utf8(name);
            int ds = utf8(desc);
            int nt = entry("N" + name + desc, () -> {
                out.writeByte(12);
                out.writeShort(nm);
                out.writeShort(ds);
            });
            return entry("M" + tag + owner + "." + name + desc, () -> {
                out.writeByte(tag);
                out.writeShort(c);
                out.writeShort(nt);
            });
        }

        private interface Writer {
            void write() throws IOException;
        }

        private int entry(String key, Writer w) {
            Integer i = index.get(key);
            if (i != null) {
                return i;
            }
            try {
                w.write();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            index.put(key, next);
            return next++;
        }

        void write(DataOutputStream d) throws IOException {
            d.writeShort(next);
            d.write(bytes.toByteArray());
        }
    }
}
