package org.ppc440vm.cpu.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/**
 * Hand-picked examples (checked against objdump) that document the rules the
 * corpus test enforces wholesale, plus the API around them.
 */
class DisassemblerTest {

    private static String d(int word) {
        return Disassembler.disassemble(word, 0);
    }

    private static String d(int word, int address) {
        return Disassembler.disassemble(word, address);
    }

    @Test
    void extendedMnemonics() {
        assertEquals("li r3,1", d(0x38600001));
        assertEquals("lis r3,-1", d(0x3C60FFFF));
        assertEquals("addi r3,r1,-4", d(0x3861FFFC));
        assertEquals("mr r27,r2", d(0x7C5B1378));
        assertEquals("mr. r27,r3", d(0x7C7B1B79));
        assertEquals("not r3,r3", d(0x7C6318F8));
        assertEquals("nop", d(0x60000000));
        assertEquals("xnop", d(0x68000000));
        assertEquals("mflr r0", d(0x7C0802A6));
        assertEquals("mtctr r0", d(0x7C0903A6));
        assertEquals("mfsrr0 r3", d(0x7C7A02A6));
        assertEquals("mtivor5 r2", d(0x7C5563A6));
        assertEquals("mfsprg r7,4", d(0x7CE442A6));
        assertEquals("mtsprg 0,r11", d(0x7D7043A6));
        assertEquals("mfspr r0,0", d(0x7C0002A6));
        assertEquals("mtcr r3", d(0x7C6FF120));
        assertEquals("rotlwi r0,r17,4", d(0x5620203E));
        assertEquals("slwi r0,r0,5", d(0x54002834));
        assertEquals("srwi r14,r26,6", d(0x574ED1BE));
        assertEquals("clrlwi r2,r13,28", d(0x55A2073E));
        assertEquals("clrrwi r1,r14,31", d(0x55C10000));
        assertEquals("crset 4*cr1+gt", d(0x4CA52A42));
        assertEquals("crnot 4*cr3+eq,4*cr2+lt", d(0x4DC84042));
        assertEquals("cmpwi cr1,r3,-5", d(0x2C83FFFB));
        assertEquals("cmpw r10,r7", d(0x7C0A3800));
        assertEquals("cmp cr1,1,r3,r4", d(0x7CA32000));
        assertEquals("trap", d(0x7FE00008));
        assertEquals("tweqi r5,-1", d(0x0C85FFFF));
    }

    @Test
    void branchesUseAbsoluteTargetsAndStaticPredictionHints() {
        assertEquals("b 0x18", d(0x48000010, 0x8));
        assertEquals("b 0xfffffffc", d(0x4BFFFFF0, 0xC));
        assertEquals("bl 0x1010", d(0x48000011, 0x1000));
        assertEquals("ba 0x10", d(0x48000012, 0x5000));
        // y bit clear: forward branches print '-', backward ones '+'
        assertEquals("beq- 0x18", d(0x41820008, 0x10));
        assertEquals("bdnz+ 0xc", d(0x4200FFF8, 0x14));
        // y bit set reverses the hint
        assertEquals("bne+ cr1,0x108", d(0x40A60008, 0x100));
        assertEquals("bdnzf- lt,0x18", d(0x40000000, 0x18));
        assertEquals("bc 20,lt,0x1c", d(0x42800000, 0x1C));
        assertEquals("blr", d(0x4E800020));
        assertEquals("bctr", d(0x4E800420));
        assertEquals("bgelr- cr1", d(0x4C840020));
        assertEquals("blrl 3", d(0x4E801821));
        assertEquals(".long 0x42c00000", d(0x42C00000)); // BO=22 is not a valid BO value
    }

    @Test
    void ppc440Specific() {
        assertEquals("macchwso. r3,r4,r5", d(0x10642DD9));
        assertEquals("mullhwu r6,r7,r8", d(0x10C74310));
        assertEquals("dlmzb. r9,r10,r11", d(0x7D49589D));
        assertEquals("tlbwe r6,r7", d(0x7CC707A4));
        assertEquals("tlbwe", d(0x7C0007A4));
        assertEquals("tlbre r0,r0,20", d(0x7C00A764));
        assertEquals("tlbsx 0,r31", d(0x7C00FF24));
        assertEquals("wrteei 1", d(0x7C008146));
        assertEquals("wrtee r4", d(0x7C800106));
        assertEquals("rfci", d(0x4C000066));
        assertEquals("rfmci", d(0x4C00004C));
        assertEquals("icbt 8,r2,r0", d(0x7D02002C));
        assertEquals("dcbi 0,r5", d(0x7C002BAC));
        assertEquals("iccci", d(0x7C00078C));
        assertEquals("iccci r0,r29", d(0x7C00EF8C));
        assertEquals("msync", d(0x7C0004AC));
        assertEquals("mbar 1", d(0x7C2006AC));
        assertEquals("mfdcr r6,0", d(0x7CC00286));
        assertEquals("mtdcr 13,r5", d(0x7CAD0386));
        assertEquals("udi0fcm. 2,22,2", d(0x10561406));
    }

    @Test
    void floatingPoint() {
        assertEquals("fmadd f1,f2,f3,f4", d(0xFC2220FA));
        assertEquals("fmul f5,f19,f2", d(0xFCB300B2));
        assertEquals("fcmpu cr7,f1,f2", d(0xFF811000));
        assertEquals("fres f31,f27,1", d(0xEFE1D830));
        assertEquals("mtfsf 36,f2", d(0xFE49158E));
        assertEquals("mtfsfi. 0,1", d(0xFC00110D));
        assertEquals("mffs. f0", d(0xFC00048F));
    }

    @Test
    void loadStoreForms() {
        assertEquals("lwz r3,16(0)", d(0x80600010));
        assertEquals("stwu r1,-16(r1)", d(0x9421FFF0));
        assertEquals(".long 0x84630004", d(0x84630004)); // lwzu with RA = RT
        assertEquals("lwzu r0,4(r3)", d(0x84030004));
        assertEquals("lwzx r10,0,r0", d(0x7D40002E));
        assertEquals("lswi r7,r4,4", d(0x7CE424AA));
        assertEquals("stswi r23,0,32", d(0x7EE005AA));
        assertEquals("lwarx r0,0,r16,1", d(0x7C008029));
    }

    @Test
    void nonInstructionsPrintAsLong() {
        assertEquals(".long 0x0", d(0));
        assertEquals(".long 0x10000000", d(0x10000000));
        assertEquals("fnmadd. f31,f31,f31,f31", d(0xFFFFFFFF)); // all ones happens to be valid
        assertEquals(".long 0x44000000", d(0x44000000)); // sc needs bit 30 set
        assertEquals(".long 0x7c0100a6", d(0x7C0100A6));
        assertEquals(".long 0x7c00001e", d(0x7C00001E)); // isel: deliberate difference
    }

    @Test
    void instanceApiAndCustomTargetFormatter() {
        Disassembler plain = new Disassembler();
        StringBuilder sb = new StringBuilder("x: ");
        plain.append(sb, 0x48000010, 0x100);
        assertEquals("x: b 0x110", sb.toString());

        Disassembler symbolic = new Disassembler((out, addr) -> out.append(Long.toHexString(addr)).append(" <f>"));
        assertEquals("bl 10000234 <f>", symbolic.toText(0x48000015, 0x10000220));
        assertEquals("mr r27,r2", symbolic.toText(0x7C5B1378, 0));
    }

    @Test
    void staticEntryPointIsThreadSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        String a = Disassembler.disassemble(0x7C5B1378, 0);
                        String b = Disassembler.disassemble(0x41820008, 0x10);
                        if (!a.equals("mr r27,r2") || !b.equals("beq- 0x18")) {
                            return a + " / " + b;
                        }
                    }
                    return null;
                }));
            }
            for (Future<String> f : results) {
                assertNull(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sprNameTable() {
        assertEquals("mfxer", SprNames.mfName(1));
        assertEquals("mtdecar", SprNames.mtName(54));
        assertNull(SprNames.mfName(54));
        assertEquals("mftb", SprNames.mfName(268));
        assertNull(SprNames.mtName(268));
        assertEquals("mttbl", SprNames.mtName(284));
        assertNull(SprNames.mfName(1023));
    }
}
