/*
 * Entry of the built-in guest. The loader enters here (physical 0x00100000, through its 1:1 boot TLB entry) with
 * r3 = the device tree's physical address, in supervisor mode with MSR[EE] = 0.
 */
	.section .text.start, "ax"
	.globl	_start
_start:
	lis	%r1, stack_top@ha
	addi	%r1, %r1, stack_top@l
	li	%r0, 0
	stwu	%r0, -16(%r1)		/* a terminating back-chain word */
	mr	%r31, %r3

	/* clear .bss */
	lis	%r4, __bss_start@ha
	addi	%r4, %r4, __bss_start@l
	lis	%r5, __bss_end@ha
	addi	%r5, %r5, __bss_end@l
1:	cmplw	%r4, %r5
	bge	2f
	stw	%r0, 0(%r4)
	addi	%r4, %r4, 4
	b	1b
2:
	mr	%r3, %r31
	bl	guest_main
	b	power_off

/*
 * Power off as Linux's machine_hang does: external, critical, machine-check and debug interrupts all off, then a
 * branch to itself. The hypervisor recognises this as a power-off; real hardware (and QEMU) simply spins.
 */
	.globl	power_off
power_off:
	wrteei	0
	li	%r0, 0
	mtmsr	%r0
	isync
3:	b	3b

/* Reset as Linux's ppc4xx_reset_system does: DBCR0[RST] = system reset. */
	.globl	system_reset
system_reset:
	mfspr	%r0, 308		/* DBCR0 */
	oris	%r0, %r0, 0x3000
	mtspr	308, %r0
	isync
4:	b	4b

	.section .bss
	.balign	16
stack_bottom:
	.space	16384
stack_top:

	.section .note.GNU-stack, "", @progbits
