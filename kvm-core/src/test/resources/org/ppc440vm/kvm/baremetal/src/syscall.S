/*
 * System calls, in assembly: sc from supervisor state vectors through IVPR | IVOR8 with SRR0 = the instruction
 * after sc and SRR1 = the MSR; the handler sees the caller's r3/r4, returns a result in r3 and rfi resumes after
 * the sc with the MSR restored. Also checks that a system call leaves ESR alone.
 */
    .text
    .globl main
main:
    stwu    1,-32(1)
    mflr    0
    stw     0,36(1)
    stw     31,28(1)
    stw     30,24(1)

    lis     3,banner@ha
    addi    3,3,banner@l
    bl      puts

    lis     3,0x0bad
    ori     3,3,0xf00d
    mtspr   62,3                /* ESR: a system call must not change it */

    li      31,0                /* three system calls: r3 = 0x100 + i, r4 = i */
1:  addi    3,31,0x100
    mr      4,31
    .globl  sc_site
sc_site:
    sc
    mr      4,3
    lis     3,fmt_back@ha
    addi    3,3,fmt_back@l
    mfmsr   5
    bl      printf
    addi    31,31,1
    cmpwi   31,3
    blt     1b

    lis     3,fmt_esr@ha
    addi    3,3,fmt_esr@l
    mfspr   4,62
    bl      printf

    lwz     30,24(1)
    lwz     31,28(1)
    lwz     0,36(1)
    mtlr    0
    addi    1,1,32
    blr

/* exception(ivor = r3, frame = r4): IVOR8 adds r4 * 0x10 + 1 to the caller's r3 */
    .globl exception
exception:
    stwu    1,-32(1)
    mflr    0
    stw     0,36(1)
    stw     31,28(1)
    mr      31,4
    cmpwi   3,8
    bne     unexpected
    lis     3,fmt_sc@ha
    addi    3,3,fmt_sc@l
    lwz     4,12(31)            /* the caller's r3 */
    lwz     5,16(31)            /* the caller's r4 */
    mfspr   6,26                /* SRR0 */
    lis     7,sc_site@ha
    addi    7,7,sc_site@l
    subf    6,7,6               /* SRR0 - sc_site: 4, the instruction after sc */
    mfspr   7,27                /* SRR1 */
    mfmsr   8
    bl      printf
    lwz     3,12(31)
    lwz     4,16(31)
    slwi    4,4,4
    add     3,3,4
    addi    3,3,1
    stw     3,12(31)            /* the result, in the caller's r3 */
    lwz     31,28(1)
    lwz     0,36(1)
    mtlr    0
    addi    1,1,32
    blr
unexpected:
    mr      4,3
    lis     3,fmt_unexpected@ha
    addi    3,3,fmt_unexpected@l
    mfspr   5,26
    bl      printf
    b       reset_system

    .section .rodata
banner:         .asciz "syscall: sc from supervisor state\n"
fmt_sc:         .asciz "  handler: r3=%08x r4=%x srr0=sc+%u srr1=%08x msr=%08x\n"
fmt_back:       .asciz "  returned: r3=%08x msr=%08x\n"
fmt_esr:        .asciz "syscall: ESR after 3 system calls = %08x\n"
fmt_unexpected: .asciz "unexpected interrupt %u at %08x\n"
