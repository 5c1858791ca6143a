/*
 * Program interrupts from supervisor state: trap instructions (ESR[PTR]), an illegal instruction (ESR[PIL]), each
 * delivered through IVOR6 with SRR0 = the instruction itself; the handler steps over it. A trap whose condition is
 * false does not interrupt.
 */
#include "ppc440.h"

static volatile unsigned int interrupts;

extern char trap_twi[], trap_tw[], trap_never[], illegal_word[];

static const char *where(unsigned int pc)
{
    if (pc == (unsigned int) trap_twi) return "trap_twi";
    if (pc == (unsigned int) trap_tw) return "trap_tw";
    if (pc == (unsigned int) trap_never) return "trap_never";
    if (pc == (unsigned int) illegal_word) return "illegal_word";
    return "?";
}

void exception(int ivor, unsigned int *frame)
{
    (void) frame;
    unsigned int srr0 = mfspr(SPRN_SRR0);
    if (ivor != 6) {
        printf("unexpected interrupt %d at %08x\n", ivor, srr0);
        reset_system();
    }
    interrupts++;
    unsigned int esr = mfspr(SPRN_ESR);
    printf("  program interrupt at %s: esr=%08x%s%s%s srr1=%08x\n", where(srr0), esr,
           esr & ESR_PTR ? " PTR" : "", esr & ESR_PIL ? " PIL" : "", esr & ESR_PPR ? " PPR" : "",
           mfspr(SPRN_SRR1));
    mtspr(SPRN_SRR0, srr0 + 4);
}

int main(void)
{
    puts("program: traps and illegal instructions\n");
    __asm__ volatile(".globl trap_twi\ntrap_twi: twi 31,0,0");
    __asm__ volatile("li 3,5\n.globl trap_tw\ntrap_tw: tw 4,3,3" : : : "r3");
    __asm__ volatile("li 3,5\n.globl trap_never\ntrap_never: twi 4,3,6" : : : "r3");
    __asm__ volatile(".globl illegal_word\nillegal_word: .long 0");
    printf("program: %u interrupts (the false trap made none)\n", interrupts);
    return 0;
}
