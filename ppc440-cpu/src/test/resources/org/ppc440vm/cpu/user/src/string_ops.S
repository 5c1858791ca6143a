/*
 * string_ops.S: test harnesses for string and multiple-word loads/stores
 * (lswi, lswx, stswi, stswx, lmw, stmw) used by string_multiple.c.
 *
 * LOADCASE builds:  void NAME(const void *src, uint32_t out[34], uint32_t xer, uint32_t rb)
 *   - every GPR except r1 is preset to ((0x5a00+n)<<16)|(0xa500+n)
 *   - register RA (if not 99) receives src, RB (if not 99) receives rb
 *   - XER is set to xer, CR cleared, then INSN executes
 *   - out[0..31] = GPRs after the instruction (out[1] = 0), out[32] = XER, out[33] = CR
 * STORECASE builds: void NAME(const uint32_t in[32], void *dst, uint32_t xer, uint32_t rb)
 *   - every GPR except r1 (and RA/RB) is loaded from in[n]
 *   - RA (if not 99) receives dst, RB (if not 99) receives rb, XER = xer, then INSN
 * Non-volatile registers (r2, r13-r31, CR) are saved and restored.
 */
	.text

#define FRAME 320

.macro PROLOGUE
	stwu	1,-FRAME(1)
	stmw	14,8(1)
	stw	2,80(1)
	stw	13,84(1)
	stw	3,88(1)
	stw	4,92(1)
	stw	5,96(1)
	stw	6,100(1)
	mfcr	0
	stw	0,104(1)
	li	0,0
	mtcrf	0xff,0
	mtxer	5
.endm

.macro EPILOGUE
	lmw	14,8(1)
	lwz	2,80(1)
	lwz	13,84(1)
	lwz	0,104(1)
	mtcrf	0xff,0
	addi	1,1,FRAME
	blr
.endm

.macro LOADCASE name, insn, ra, rb
	.globl	\name
	.type	\name,@function
\name:
	PROLOGUE
	.irp n, 0,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.if (\n != \ra) && (\n != \rb)
	lis	\n,0x5a00+\n
	ori	\n,\n,0xa500+\n
	.endif
	.endr
	.if \ra != 99
	lwz	\ra,88(1)
	.endif
	.if \rb != 99
	lwz	\rb,100(1)
	.endif
	\insn
	/* dump every GPR except r1 into the frame at 128 + 4*n */
	.irp n, 0,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	stw	\n,128+4*\n(1)
	.endr
	li	0,0
	stw	0,128+4(1)
	mfxer	0
	stw	0,128+128(1)
	mfcr	0
	stw	0,128+132(1)
	lwz	4,92(1)
	li	5,34
	mtctr	5
	addi	6,1,124
	addi	7,4,-4
1:	lwzu	0,4(6)
	stwu	0,4(7)
	bdnz	1b
	EPILOGUE
	.size	\name,.-\name
.endm

.macro STORECASE name, insn, ra, rb
	.globl	\name
	.type	\name,@function
\name:
	PROLOGUE
	.irp n, 0,2,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.if (\n != \ra) && (\n != \rb)
	lwz	\n,4*\n(3)
	.endif
	.endr
	.if (3 != \ra) && (3 != \rb)
	lwz	3,12(3)
	.endif
	.if \ra != 99
	lwz	\ra,92(1)
	.endif
	.if \rb != 99
	lwz	\rb,100(1)
	.endif
	\insn
	EPILOGUE
	.size	\name,.-\name
.endm

/* lswi: NB = 0 means 32 bytes; registers wrap from r31 to r0 */
	LOADCASE lswi_5_9_1,   "lswi 5,9,1",   9, 99
	LOADCASE lswi_5_9_2,   "lswi 5,9,2",   9, 99
	LOADCASE lswi_5_9_3,   "lswi 5,9,3",   9, 99
	LOADCASE lswi_5_9_4,   "lswi 5,9,4",   9, 99
	LOADCASE lswi_5_10_5,  "lswi 5,10,5",  10, 99
	LOADCASE lswi_5_11_13, "lswi 5,11,13", 11, 99
	LOADCASE lswi_5_14_0,  "lswi 5,14,0",  14, 99
	LOADCASE lswi_20_9_31, "lswi 20,9,31", 9, 99
	LOADCASE lswi_30_9_12, "lswi 30,9,12", 9, 99
	LOADCASE lswi_29_9_15, "lswi 29,9,15", 9, 99
	LOADCASE lswi_31_9_5,  "lswi 31,9,5",  9, 99
	LOADCASE lswi_0_9_4,   "lswi 0,9,4",   9, 99
	LOADCASE lswi_14_3_24, "lswi 14,3,24", 3, 99
/* lswx: byte count from XER[25:31], EA = (RA|0) + (RB) */
	LOADCASE lswx_5_3_4,   "lswx 5,3,4",   3, 4
	LOADCASE lswx_20_3_4,  "lswx 20,3,4",  3, 4
	LOADCASE lswx_5_0_4,   "lswx 5,0,4",   99, 4
	LOADCASE lswx_31_9_10, "lswx 31,9,10", 9, 10
/* lmw: loads RT..r31 */
	LOADCASE lmw_20_0_9,   "lmw 20,0(9)",   9, 99
	LOADCASE lmw_31_4_9,   "lmw 31,4(9)",   9, 99
	LOADCASE lmw_3_0_2,    "lmw 3,0(2)",    2, 99
	LOADCASE lmw_14_m8_9,  "lmw 14,-8(9)",  9, 99
	LOADCASE lmw_25_16_24, "lmw 25,16(24)", 24, 99

	STORECASE stswi_5_9_1,   "stswi 5,9,1",   9, 99
	STORECASE stswi_5_9_4,   "stswi 5,9,4",   9, 99
	STORECASE stswi_5_9_7,   "stswi 5,9,7",   9, 99
	STORECASE stswi_5_3_0,   "stswi 5,3,0",   3, 99
	STORECASE stswi_28_9_19, "stswi 28,9,19", 9, 99
	STORECASE stswi_31_9_6,  "stswi 31,9,6",  9, 99
	STORECASE stswi_3_9_12,  "stswi 3,9,12",  9, 99
	STORECASE stswx_5_3_4,   "stswx 5,3,4",   3, 4
	STORECASE stswx_20_0_9,  "stswx 20,0,9",  99, 9
	STORECASE stmw_20_0_9,   "stmw 20,0(9)",  9, 99
	STORECASE stmw_31_4_9,   "stmw 31,4(9)",  9, 99
	STORECASE stmw_3_0_2,    "stmw 3,0(2)",   2, 99
	STORECASE stmw_14_m8_9,  "stmw 14,-8(9)", 9, 99
	STORECASE stmw_25_16_24, "stmw 25,16(24)", 24, 99

	.section .note.GNU-stack,"",@progbits
