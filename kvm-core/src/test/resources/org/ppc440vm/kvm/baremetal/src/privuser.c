/*
 * Privileged instructions from user mode: the program drops to user mode (rfi with MSR[PR]) into a page mapped
 * user-executable, where every privileged instruction is a Program interrupt with ESR[PPR] and SRR1[PR] set, while
 * SPRG4 is readable through SPR 260 and the time base through mftb. A system call brings it back to supervisor.
 */
#include "ppc440.h"

extern char user_code[], user_sc[];

void exception(int ivor, unsigned int *frame)
{
    unsigned int srr0 = mfspr(SPRN_SRR0);
    unsigned int srr1 = mfspr(SPRN_SRR1);
    unsigned int offset = srr0 - USER_EA - ((unsigned int) user_code & 0xFFF);
    if (ivor == 6) {
        unsigned int esr = mfspr(SPRN_ESR);
        printf("  program at user_code+%u: esr=%08x%s srr1=%08x%s\n", offset, esr, esr & ESR_PPR ? " PPR" : "",
               srr1, srr1 & MSR_PR ? " PR" : "");
        mtspr(SPRN_SRR0, srr0 + 4);
        return;
    }
    if (ivor == 8 && (srr1 & MSR_PR)) {
        printf("  system call from user_code+%u: srr1=%08x, r4 (SPRG4 read via 260)=%08x\n", offset - 4, srr1,
               frame[4]);
        mtspr(SPRN_SRR0, (unsigned int) user_return);
        mtspr(SPRN_SRR1, MSR_CE | MSR_ME);
        return;
    }
    printf("unexpected interrupt %d at %08x\n", ivor, srr0);
    reset_system();
}

int main(void)
{
    unsigned int page = (unsigned int) __usertext;
    tlbwe(5, USER_EA | TLB0_V | TLB_4K, page, TLB2_UX | TLB2_UR | TLB2_SX | TLB2_SR);
    mtspr(276, 0x44444444); /* SPRG4 */
    puts("privuser: privileged instructions in user mode\n");
    enter_user(USER_EA + ((unsigned int) user_code & 0xFFF), MSR_PR | MSR_CE | MSR_ME);
    printf("privuser: back in supervisor state, msr=%08x\n", mfmsr());
    return 0;
}

/* The user-mode code, in its own page. */
__asm__(
    ".section .usertext, \"ax\"\n"
    ".globl user_code\n"
    "user_code:\n"
    "   li 3,1\n"
    "   mfmsr 4\n"          /* +4 */
    "   mtspr 272,3\n"      /* +8  SPRG0 */
    "   mfspr 4,287\n"      /* +12 PVR */
    "   wrteei 1\n"         /* +16 */
    "   tlbsx 4,0,3\n"      /* +20 */
    "   mtspr 48,3\n"       /* +24 PID */
    "   rfi\n"              /* +28 */
    "   mfspr 4,260\n"      /* +32 SPRG4, user-readable */
    "   mftb 5\n"           /* +36 */
    ".globl user_sc\n"
    "user_sc:\n"
    "   sc\n"               /* +40 */
    "   b .\n"
    ".text\n");
