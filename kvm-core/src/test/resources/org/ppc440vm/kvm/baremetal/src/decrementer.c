/*
 * The decrementer: without TCR[DIE] it only sets TSR[DIS] (write-1-to-clear); with DIE and MSR[EE] it interrupts
 * through IVOR10; TCR[ARE] reloads it from DECAR; with EE=0 the interrupt stays pending until wrteei 1; and MSR[WE]
 * waits for it. Prints counts only: the timing differs between emulators.
 */
#include "ppc440.h"

static volatile unsigned int interrupts;
/* The handler stops the decrementer at this count, so that the counts printed do not depend on timing. */
static volatile unsigned int limit = 1;

void exception(int ivor, unsigned int *frame)
{
    (void) frame;
    if (ivor != 10) {
        printf("unexpected interrupt %d at %08x\n", ivor, mfspr(SPRN_SRR0));
        reset_system();
    }
    interrupts++;
    if (interrupts == limit) {
        mtspr(SPRN_TCR, 0);
    }
    mtspr(SPRN_TSR, TSR_DIS);
    /* Like Linux's idle loop, return from the wait state to the code after it. */
    mtspr(SPRN_SRR1, mfspr(SPRN_SRR1) & ~MSR_WE);
}

static void wait_for(unsigned int n)
{
    while (interrupts < n) {
    }
}

int main(void)
{
    puts("decrementer\n");

    mtspr(SPRN_TCR, 0);
    mtspr(SPRN_TSR, TSR_DIS);
    mtspr(SPRN_DEC, 1000);
    while ((mfspr(SPRN_TSR) & TSR_DIS) == 0) {
    }
    printf("  one-shot without DIE: TSR[DIS]=1, interrupts=%u\n", interrupts);
    mtspr(SPRN_TSR, TSR_DIS);
    printf("  after writing 1 to TSR[DIS]: TSR[DIS]=%u\n", (mfspr(SPRN_TSR) & TSR_DIS) != 0);

    limit = 5;
    mtspr(SPRN_DECAR, 20000);
    mtspr(SPRN_TCR, TCR_DIE | TCR_ARE);
    mtspr(SPRN_DEC, 20000);
    __asm__ volatile("wrteei 1");
    wait_for(5);
    __asm__ volatile("wrteei 0");
    mtspr(SPRN_TCR, 0);
    printf("  auto-reload from DECAR: %u interrupts\n", interrupts);

    interrupts = 0;
    limit = 1;
    mtspr(SPRN_TSR, TSR_DIS);
    mtspr(SPRN_TCR, TCR_DIE);
    mtspr(SPRN_DEC, 500);
    while ((mfspr(SPRN_TSR) & TSR_DIS) == 0) {
    }
    printf("  expired with MSR[EE]=0: interrupts=%u\n", interrupts);
    __asm__ volatile("wrteei 1");
    __asm__ volatile("wrteei 0");
    printf("  after wrteei 1: interrupts=%u\n", interrupts);

    interrupts = 0;
    mtspr(SPRN_TCR, TCR_DIE);
    mtspr(SPRN_DEC, 100000);
    mtmsr(mfmsr() | MSR_WE | MSR_EE);
    wait_for(1);
    __asm__ volatile("wrteei 0");
    mtspr(SPRN_TCR, 0);
    printf("  woken from MSR[WE] by the decrementer: interrupts=%u, msr=%08x\n", interrupts, mfmsr());
    return 0;
}
