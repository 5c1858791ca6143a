/*
 * TLB misses: a load and a store to unmapped pages are data TLB misses (IVOR13, DEAR = the address, ESR[ST] for
 * the store), a call into an unmapped page an instruction TLB miss (IVOR14, SRR0 = the target); each handler writes
 * the missing entry with tlbwe and returns to retry. A store to a read-only page is a data storage interrupt.
 */
#include "ppc440.h"

#define DATA_EA 0x20000000u
#define CODE_EA 0x30000000u

/* volatile: the compiler must not assume these keep their values while the program reaches them through aliases */
static volatile unsigned int page_a[1024] __attribute__((aligned(4096)));
static volatile unsigned int page_b[1024] __attribute__((aligned(4096)));
static volatile unsigned int page_c[1024] __attribute__((aligned(4096)));
static unsigned int next_entry = 10;
static volatile unsigned int misses;

extern char user_code[];

void exception(int ivor, unsigned int *frame)
{
    (void) frame;
    unsigned int srr0 = mfspr(SPRN_SRR0);
    if (ivor == 13) {
        unsigned int dear = mfspr(SPRN_DEAR);
        unsigned int esr = mfspr(SPRN_ESR);
        unsigned int page = dear & ~0xFFFu;
        unsigned int rpn = page == DATA_EA ? (unsigned int) page_a : (unsigned int) page_b;
        printf("  data TLB miss: dear=%08x esr=%08x%s -> entry %u\n", dear, esr, esr & ESR_ST ? " ST" : "", next_entry);
        tlbwe(next_entry++, page | TLB0_V | TLB_4K, rpn, TLB2_SR | TLB2_SW);
        misses++;
        return;
    }
    if (ivor == 14) {
        printf("  instruction TLB miss: srr0=%08x -> entry %u\n", srr0, next_entry);
        tlbwe(next_entry++, (srr0 & ~0xFFFu) | TLB0_V | TLB_4K, (unsigned int) __usertext, TLB2_SX | TLB2_SR);
        misses++;
        return;
    }
    if (ivor == 2) {
        unsigned int esr = mfspr(SPRN_ESR);
        printf("  data storage: dear=%08x esr=%08x%s\n", mfspr(SPRN_DEAR), esr, esr & ESR_ST ? " ST" : "");
        mtspr(SPRN_SRR0, srr0 + 4);
        return;
    }
    printf("unexpected interrupt %d at %08x\n", ivor, srr0);
    reset_system();
}

int main(void)
{
    puts("tlbmiss\n");
    page_a[4] = 0xCAFEF00D;

    unsigned int v = *(volatile unsigned int *) (DATA_EA + 0x10);
    printf("  load through the new entry: %08x\n", v);
    v = *(volatile unsigned int *) (DATA_EA + 0x20);
    printf("  second load, same page, no miss: %08x (misses=%u)\n", v, misses);

    *(volatile unsigned int *) (DATA_EA + 0x1008) = 0x12345678;
    printf("  store through the new entry reached page_b[2]=%08x\n", page_b[2]);

    int (*f)(int) = (int (*)(int)) (CODE_EA + ((unsigned int) user_code & 0xFFF));
    printf("  call through the new entry: f(20)=%d\n", f(20));

    tlbwe(next_entry++, (DATA_EA + 0x2000) | TLB0_V | TLB_4K, (unsigned int) page_c, TLB2_SR);
    *(volatile unsigned int *) (DATA_EA + 0x2004) = 1;
    printf("  read-only page unchanged: %08x; %u TLB misses\n", page_c[1], misses);
    return 0;
}

/* A function in the .usertext page, called through an unmapped alias. */
__asm__(
    ".section .usertext, \"ax\"\n"
    ".globl user_code\n"
    "user_code:\n"
    "   mulli 3,3,3\n"
    "   addi 3,3,2\n"
    "   blr\n"
    ".text\n");
