/*
 * reservation: lwarx / stwcx. in the cases where the architecture, the 440
 * and QEMU agree:
 *   - lwarx followed by stwcx. to the same word succeeds (CR0 = 0b001 || SO)
 *   - stwcx. with no reservation outstanding fails (CR0 = 0b000 || SO) and
 *     does not store (every successful stwcx. clears the reservation, so a
 *     second stwcx. right after it has no reservation)
 *   - CR0[SO] is a copy of XER[SO]
 *   - an atomic increment / compare-and-swap loop
 * Cases whose outcome is implementation dependent (stwcx. to a different
 * address than the lwarx, reservation lost through other stores) are not
 * tested.
 */
#include "common.h"

#define CLOB "cr0","cr1","cr2","cr3","cr4","cr5","cr6","cr7","xer","memory"

static uint32_t words[8] __attribute__((aligned(64)));

static void pair(uint32_t *p, uint32_t newval, uint32_t xer)
{
    uint32_t old, cr;
    __asm__ volatile("mtxer %4\n\tmtcrf 0xff,%5\n\tlwarx %0,0,%2\n\tstwcx. %3,0,%2\n\tmfcr %1"
                     : "=&r"(old), "=&r"(cr) : "r"(p), "r"(newval), "r"(xer), "r"(0) : CLOB);
    printf("lwarx/stwcx. xer=%08x: loaded=%08x cr=%08x mem=%08x\n", xer, old, cr, *p);
}

static void lone_stwcx(uint32_t *p, uint32_t newval, uint32_t xer)
{
    uint32_t cr;
    __asm__ volatile("mtxer %3\n\tmtcrf 0xff,%4\n\tstwcx. %2,0,%1\n\tmfcr %0"
                     : "=&r"(cr) : "r"(p), "r"(newval), "r"(xer), "r"(0) : CLOB);
    printf("stwcx. without reservation xer=%08x: cr=%08x mem=%08x\n", xer, cr, *p);
}

static void pair_then_second(uint32_t *p)
{
    uint32_t cr1, cr2;
    __asm__ volatile("mtxer %3\n\tmtcrf 0xff,%4\n\t"
                     "lwarx 0,0,%2\n\taddi 0,0,1\n\tstwcx. 0,0,%2\n\tmfcr %0\n\t"
                     "mtcrf 0xff,%4\n\taddi 0,0,100\n\tstwcx. 0,0,%2\n\tmfcr %1"
                     : "=&r"(cr1), "=&r"(cr2) : "r"(p), "r"(0), "r"(0) : "r0", CLOB);
    printf("pair then second stwcx.: cr1=%08x cr2=%08x mem=%08x\n", cr1, cr2, *p);
}

static uint32_t atomic_add(uint32_t *p, uint32_t v)
{
    uint32_t t;
    __asm__ volatile("1:\tlwarx %0,0,%1\n\tadd %0,%0,%2\n\tstwcx. %0,0,%1\n\tbne- 1b"
                     : "=&r"(t) : "r"(p), "r"(v) : "cr0", "memory");
    return t;
}

static int cas(uint32_t *p, uint32_t expect, uint32_t desired)
{
    uint32_t t;
    int ok;
    __asm__ volatile("1:\tlwarx %0,0,%2\n\tcmpw %0,%3\n\tbne- 2f\n\tstwcx. %4,0,%2\n\tbne- 1b\n"
                     "2:"
                     : "=&r"(t), "+m"(*p) : "r"(p), "r"(expect), "r"(desired) : "cr0", "memory");
    ok = (t == expect);
    /* clear any reservation left by a failed compare */
    if (!ok) {
        uint32_t dummy = 0, scratch;
        __asm__ volatile("lwarx %0,0,%1\n\tstwcx. %0,0,%1" : "=&r"(scratch) : "r"(&dummy) : "cr0", "memory");
    }
    return ok;
}

int main(void)
{
    words[0] = 0x11111111;
    pair(&words[0], 0x22222222, 0);
    pair(&words[0], 0x33333333, XER_SO);
    pair(&words[0], 0x44444444, XER_CA | XER_OV);
    lone_stwcx(&words[0], 0x55555555, 0);
    lone_stwcx(&words[0], 0x66666666, XER_SO);
    words[1] = 7;
    pair_then_second(&words[1]);

    words[2] = 0;
    uint32_t last = 0;
    for (int i = 1; i <= 1000; i++)
        last = atomic_add(&words[2], (uint32_t)i);
    printf("atomic_add: final=%u last_old=%u\n", words[2], last);

    words[3] = 5;
    int c1 = cas(&words[3], 5, 9);
    int c2 = cas(&words[3], 5, 10);
    int c3 = cas(&words[3], 9, 0xfffffff0);
    printf("cas: %d %d %d final=%08x\n", c1, c2, c3, words[3]);

    /* after a failed CAS we cleared the reservation: lone stwcx. fails */
    lone_stwcx(&words[4], 0x77777777, 0);
    printf("done\n");
    return 0;
}
