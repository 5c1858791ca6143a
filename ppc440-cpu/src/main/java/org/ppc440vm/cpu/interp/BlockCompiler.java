package org.ppc440vm.cpu.interp;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.Map;

/**
 * Compiles a straight-line run of decoded instructions (nothing that needs the pc or the instruction count; at
 * most a final in-page relative branch) into a JVM class whose {@link CompiledBlock#run} does the commonest
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

    /** The longest block (in instructions): bounds the generated method well below HotSpot's inlining budget. */
    static final int MAX_LENGTH = 64;
    private static final int WORDS_PER_PAGE = 1024;
    private static final String RUN_DESC = "(L" + INTERP + ";Lorg/ppc440vm/cpu/spi/CpuState;[II)I";

    /**
     * How many instructions from {@code code[from]} a block holds (0: none): the compilable ones, plus a relative
     * branch without LK to a target in the same page, which then ends the block.
     */
    static int blockLength(long[] code, int from) {
        int n = 0;
        while (n < MAX_LENGTH && from + n < WORDS_PER_PAGE) {
            long e = code[from + n];
            int op = (int) (e >>> 32);
            if (JitOps.helper(op) != null) {
                n++;
                continue;
            }
            if (branchTarget(op, (int) e, from + n) >= 0) {
                n++;
            }
            break;
        }
        return n;
    }

    /**
     * The word index a branch a block can end with goes to when taken, or -1 if a block cannot end with it: only
     * relative forms without LK whose target is in the page (the block is position-independent within its page).
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

    /** Compiles the {@code n} decoded entries from {@code code[from]} ({@link #blockLength}). */
    static CompiledBlock compile(long[] code, int from, int n) {
        byte[] bytes = classFile(code, from, n);
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
     * The class of a block. Its {@code run(interpreter, state, gpr, limit)} answers the number of instructions
     * completed and leaves in {@code interpreter.jitNext} the word index to go on at; when an instruction stopped
     * it, it answers {@code -(completed) - 1} with jitNext = that instruction. A block that branches back to its own
     * start loops in place while the budget ({@code limit}) allows another pass and no stop is requested.
     */
    static byte[] classFile(long[] code, int from, int n) {
        Pool cp = new Pool();
        int thisClass = cp.cls(PKG + "Block");
        int superClass = cp.cls(PKG + "CompiledBlock");
        int superInit = cp.method(PKG + "CompiledBlock", "<init>", "()V");
        int initName = cp.utf8("<init>");
        int initDesc = cp.utf8("()V");
        int runName = cp.utf8("run");
        int runDesc = cp.utf8(RUN_DESC);
        int codeAttr = cp.utf8("Code");
        int jitNext = cp.field(INTERP, "jitNext", "I");

        Code c = new Code();
        c.u1(0x03); // iconst_0
        c.u1(0x36); // istore 5 (instructions of earlier passes)
        c.u1(5);
        int loop = c.len;
        long last = code[from + n - 1];
        int lastOp = (int) (last >>> 32);
        boolean branch = JitOps.helper(lastOp) == null;
        int body = branch ? n - 1 : n;
        for (int k = 0; k < body; k++) {
            long e = code[from + k];
            int op = (int) (e >>> 32);
            int w = (int) e;
            String h = JitOps.helper(op);
            switch (h) {
                case "lwz":
                case "stw":
                case "lwzux":
                case "lbz":
                case "lh":
                case "stwux":
                case "stb":
                    c.u1(0x2B); // aload_1 (the interpreter)
                    ldc(c, cp.integer(w));
                    c.u1u2(0xB6, cp.method(INTERP, "jit" + Character.toUpperCase(h.charAt(0)) + h.substring(1),
                            "(I)Z"));
                    stopIfFalse(c, jitNext, from + k, k);
                    break;
                case "mem":
                case "slow":
                    c.u1(0x2B);
                    ldc(c, cp.integer(op));
                    ldc(c, cp.integer(w));
                    c.u1u2(0xB6, cp.method(INTERP, h.equals("mem") ? "jitMem" : "jitSlow", "(II)Z"));
                    stopIfFalse(c, jitNext, from + k, k);
                    break;
                default:
                    if (emitInline(c, cp, op, w)) {
                        break;
                    }
                    c.u1(0x2C); // aload_2 (state)
                    c.u1(0x2D); // aload_3 (gpr)
                    ldc(c, cp.integer(w));
                    c.u1u2(0xB8, cp.method(PKG + "JitOps", h, JitOps.ALU_DESC));
                    break;
            }
        }
        if (!branch) {
            leave(c, jitNext, from + n, n);
        } else {
            int w = (int) last;
            int target = branchTarget(lastOp, w, from + n - 1);
            int notTaken = -1;
            if (lastOp != Op.B) {
                c.u1(0x2C); // aload_2
                ldc(c, cp.integer(w));
                if (lastOp == Op.BC) {
                    c.u1u2(0xB8, cp.method(INTERP, "branchCondition", "(Lorg/ppc440vm/cpu/spi/CpuState;I)Z"));
                } else {
                    c.u1u2(0xB8, cp.method(PKG + "JitOps", lastOp == Op.BC_COND ? "bcCond" : "bcCtr",
                            "(Lorg/ppc440vm/cpu/spi/CpuState;I)Z"));
                }
                notTaken = c.len;
                c.u1u2(0x99, 0); // ifeq not-taken (patched)
            }
            if (target == from) {
                // a loop on itself: count the pass, go round again if the budget allows one more
                c.u1(0x84); // iinc 5, n
                c.u1(5);
                c.u1(n);
                c.u1(0x15); // iload 5
                c.u1(5);
                sipush(c, n);
                c.u1(0x60); // iadd
                c.u1(0x15); // iload 4
                c.u1(4);
                int full = c.len;
                c.u1u2(0xA3, 0); // if_icmpgt exit (patched)
                c.u1(0x2C); // aload_2
                c.u1u2(0xB4, cp.field("org/ppc440vm/cpu/spi/CpuState", "stopRequest", "Z")); // getfield
                int stop = c.len;
                c.u1u2(0x9A, 0); // ifne exit (patched)
                c.u1u2(0xA7, loop - c.len); // goto loop
                c.patch(full, c.len - full);
                c.patch(stop, c.len - stop);
                leave(c, jitNext, from, 0);
            } else {
                leave(c, jitNext, target, n);
            }
            if (notTaken >= 0) {
                c.patch(notTaken, c.len - notTaken);
                leave(c, jitNext, from + n, n);
            }
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
            d.writeShort(8); // max stack
            d.writeShort(6); // max locals: this, interpreter, state, gpr, limit, count
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

    /** interpreter.jitNext = next; return count + done. */
    private static void leave(Code c, int jitNext, int next, int done) {
        c.u1(0x2B); // aload_1
        sipush(c, next);
        c.u1u2(0xB5, jitNext); // putfield
        c.u1(0x15); // iload 5
        c.u1(5);
        if (done != 0) {
            sipush(c, done);
            c.u1(0x60); // iadd
        }
        c.u1(0xAC); // ireturn
    }

    /** After a helper's boolean: if false, jitNext = index; return -(count + k) - 1. */
    private static void stopIfFalse(Code c, int jitNext, int index, int k) {
        int skip = c.len;
        c.u1u2(0x9A, 0); // ifne continue (patched)
        c.u1(0x2B); // aload_1
        sipush(c, index);
        c.u1u2(0xB5, jitNext); // putfield
        c.u1(0x15); // iload 5
        c.u1(5);
        sipush(c, k);
        c.u1(0x60); // iadd
        c.u1(0x74); // ineg
        c.u1(0x02); // iconst_m1
        c.u1(0x60); // iadd
        c.u1(0xAC); // ireturn
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
     * Emits the commonest integer instructions (without Rc) directly as JVM arithmetic on the register array, so
     * they do not depend on HotSpot inlining a helper. False if {@code op} has no inline form.
     */
    private static boolean emitInline(Code b, Pool cp, int op, int w) {
        int d = (w >>> 21) & 31; // rT, or rS for the logical forms
        int a = (w >>> 16) & 31;
        int r = (w >>> 11) & 31;
        boolean rc = (w & 1) != 0;
        switch (op) {
            case Op.LI:
                target(b, d);
                constant(b, cp, (short) w);
                b.u1(IASTORE);
                return true;
            case Op.LIS:
                target(b, d);
                constant(b, cp, w << 16);
                b.u1(IASTORE);
                return true;
            case Op.ADDI:
            case Op.ADDIS:
                target(b, d);
                reg(b, a);
                constant(b, cp, op == Op.ADDI ? (short) w : w << 16);
                b.u1(IADD);
                b.u1(IASTORE);
                return true;
            case Op.ORI:
            case Op.ORIS:
            case Op.XORI:
            case Op.XORIS:
                target(b, a);
                reg(b, d);
                constant(b, cp, op == Op.ORI || op == Op.XORI ? w & 0xFFFF : w << 16);
                b.u1(op == Op.ORI || op == Op.ORIS ? IOR : IXOR);
                b.u1(IASTORE);
                return true;
            case Op.RLWINM: {
                if (rc) {
                    return false;
                }
                int sh = r;
                int mask = Alu.mask((w >>> 6) & 31, (w >>> 1) & 31);
                target(b, a);
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
                b.u1(IASTORE);
                return true;
            }
            case Op.ADD:
            case Op.SUBF:
            case Op.MULLW:
                if (rc) {
                    return false;
                }
                target(b, d);
                if (op == Op.SUBF) {
                    reg(b, r);
                    reg(b, a);
                } else {
                    reg(b, a);
                    reg(b, r);
                }
                b.u1(op == Op.ADD ? IADD : op == Op.SUBF ? ISUB : IMUL);
                b.u1(IASTORE);
                return true;
            case Op.NEG:
                if (rc) {
                    return false;
                }
                target(b, d);
                reg(b, a);
                b.u1(INEG);
                b.u1(IASTORE);
                return true;
            case Op.AND:
            case Op.OR:
            case Op.XOR:
            case Op.ANDC:
                if (rc) {
                    return false;
                }
                target(b, a);
                reg(b, d);
                if (op == Op.OR && r == d) {
                    b.u1(IASTORE); // mr
                    return true;
                }
                reg(b, r);
                if (op == Op.ANDC) {
                    constant(b, cp, -1);
                    b.u1(IXOR);
                }
                b.u1(op == Op.OR ? IOR : op == Op.XOR ? IXOR : IAND);
                b.u1(IASTORE);
                return true;
            default:
                return false;
        }
    }

    /** Pushes the register array and index {@code n} (for a store into gpr[n]). */
    private static void target(Code b, int n) {
        b.u1(ALOAD_3);
        b.u1(0x10); // bipush
        b.u1(n);
    }

    /** Pushes gpr[n]. */
    private static void reg(Code b, int n) {
        target(b, n);
        b.u1(IALOAD);
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
