/*
 * Start-up and interrupt vectors of the bare-metal test programs (PPC440, Book E).
 *
 * _start makes the TLB its own, as Linux's head_44x.S does: whatever the loader or the emulator left there
 * (our VMM: one 256 MiB entry at index 0; QEMU: two 2 GiB entries), it writes entry 63 = EA 0 -> PA 0, 256 MiB,
 * supervisor RWX, invalidates entries 0..62 and maps the UART page (0xEF600000, caching-inhibited, guarded) at
 * entry 62. Both emulators then see the same TLB. It then sets IVPR/IVOR0-15, clears .bss, sets a stack and calls
 * main(); when main returns, it requests a system reset through DBCR0[RST], which ends the run (QEMU with
 * -no-reboot exits; our VMM returns a RESET exit).
 *
 * Each vector saves the volatile registers in a frame on the current stack, calls exception(ivor, frame) (frame[n]
 * is the interrupted rN for n = 0 and 3..12; frame[13..16] are LR, CTR, XER, CR) and returns with
 * rfi (rfci for critical input, watchdog and debug; rfmci for machine check). The handler changes SRR0/SRR1 (or
 * CSRR0/1) itself to skip an instruction or change mode.
 */
#define FRAME 80

    .section .vectors, "ax"
    .globl __vectors
__vectors:
    .macro VECTOR n, common
    .balign 16
vector_\n:
    stwu    1,-FRAME(1)
    stw     3,12(1)
    li      3,\n
    b       \common
    .endm

    VECTOR 0, common_critical
    VECTOR 1, common_machine_check
    VECTOR 2, common
    VECTOR 3, common
    VECTOR 4, common
    VECTOR 5, common
    VECTOR 6, common
    VECTOR 7, common
    VECTOR 8, common
    VECTOR 9, common
    VECTOR 10, common
    VECTOR 11, common
    VECTOR 12, common_critical
    VECTOR 13, common
    VECTOR 14, common
    VECTOR 15, common_critical

    .macro SAVE_AND_CALL
    stw     0,8(1)
    stw     4,16(1)
    stw     5,20(1)
    stw     6,24(1)
    stw     7,28(1)
    stw     8,32(1)
    stw     9,36(1)
    stw     10,40(1)
    stw     11,44(1)
    stw     12,48(1)
    mflr    0
    stw     0,52(1)
    mfctr   0
    stw     0,56(1)
    mfxer   0
    stw     0,60(1)
    mfcr    0
    stw     0,64(1)
    mr      4,1                 /* exception(ivor, frame): frame[n] = rN for n = 0, 3..12 */
    bl      exception
    lwz     0,64(1)
    mtcr    0
    lwz     0,60(1)
    mtxer   0
    lwz     0,56(1)
    mtctr   0
    lwz     0,52(1)
    mtlr    0
    lwz     0,8(1)
    lwz     3,12(1)
    lwz     4,16(1)
    lwz     5,20(1)
    lwz     6,24(1)
    lwz     7,28(1)
    lwz     8,32(1)
    lwz     9,36(1)
    lwz     10,40(1)
    lwz     11,44(1)
    lwz     12,48(1)
    addi    1,1,FRAME
    .endm

common:
    SAVE_AND_CALL
    rfi
common_critical:
    SAVE_AND_CALL
    rfci
common_machine_check:
    SAVE_AND_CALL
    rfmci

    .section .text.start, "ax"
    .globl _start
_start:
    /* entry 63: EA 0 -> PA 0, 256 MiB, TS 0, TID 0, supervisor RWX */
    li      3,0
    mtspr   946,3               /* MMUCR: STID 0, STS 0 */
    li      4,63
    lis     5,0
    ori     5,5,0x0290          /* EPN 0 | V | SIZE 256M */
    tlbwe   5,4,0
    li      5,0
    tlbwe   5,4,1               /* RPN 0, ERPN 0 */
    li      5,0x0007            /* SX SW SR */
    tlbwe   5,4,2
    isync
    /* invalidate entries 0..62 */
    li      4,0
    li      5,0
1:  tlbwe   5,4,0
    addi    4,4,1
    cmpwi   4,63
    blt     1b
    isync
    /* entry 62: the UART page, caching-inhibited and guarded, supervisor read/write */
    li      4,62
    lis     5,0xEF60
    ori     5,5,0x0210          /* EPN 0xEF600000 | V | SIZE 4K */
    tlbwe   5,4,0
    lis     5,0xEF60            /* RPN 0xEF600000, ERPN 0 */
    tlbwe   5,4,1
    li      5,0x0503            /* I G SR SW */
    tlbwe   5,4,2
    isync

    /* vectors: IVPR = __vectors (64 KiB aligned), IVORn = 16 * n */
    lis     3,__vectors@h
    mtspr   63,3
    li      3,0x00
    mtspr   400,3
    li      3,0x10
    mtspr   401,3
    li      3,0x20
    mtspr   402,3
    li      3,0x30
    mtspr   403,3
    li      3,0x40
    mtspr   404,3
    li      3,0x50
    mtspr   405,3
    li      3,0x60
    mtspr   406,3
    li      3,0x70
    mtspr   407,3
    li      3,0x80
    mtspr   408,3
    li      3,0x90
    mtspr   409,3
    li      3,0xa0
    mtspr   410,3
    li      3,0xb0
    mtspr   411,3
    li      3,0xc0
    mtspr   412,3
    li      3,0xd0
    mtspr   413,3
    li      3,0xe0
    mtspr   414,3
    li      3,0xf0
    mtspr   415,3

    /*
     * MSR: machine check and critical interrupts enabled, external off, supervisor, AS0. Set with rfi rather than
     * mtmsr: QEMU's mtmsr leaves MSR[ME] alone (the Book III-S rule), whereas a 440 mtmsr writes it.
     */
    lis     3,0x0002
    ori     3,3,0x1000
    mtspr   27,3
    lis     3,5f@ha
    addi    3,3,5f@l
    mtspr   26,3
    rfi
5:

    /* clear .bss, set the stack */
    lis     3,__bss_start@ha
    addi    3,3,__bss_start@l
    lis     4,__bss_end@ha
    addi    4,4,__bss_end@l
    li      5,0
2:  cmplw   3,4
    bge     3f
    stw     5,0(3)
    addi    3,3,4
    b       2b
3:  lis     1,__stack_top@ha
    addi    1,1,__stack_top@l
    li      0,0
    stwu    0,-16(1)
    bl      main
    .globl reset_system
reset_system:
    lis     3,0x3000            /* DBCR0[RST] = 0b11: system reset */
    mtspr   308,3
    isync
4:  b       4b

    /* enter_user(ea, msr): continue at ea in user mode; a system call from there returns from enter_user */
    .text
    .globl enter_user
enter_user:
    mflr    0
    lis     5,saved_lr@ha
    stw     0,saved_lr@l(5)
    lis     5,saved_sp@ha
    stw     1,saved_sp@l(5)
    mtspr   26,3
    mtspr   27,4
    rfi
    .globl user_return
user_return:
    lis     5,saved_sp@ha
    lwz     1,saved_sp@l(5)
    lis     5,saved_lr@ha
    lwz     0,saved_lr@l(5)
    mtlr    0
    blr

    .data
    .balign 4
saved_lr: .long 0
saved_sp: .long 0
