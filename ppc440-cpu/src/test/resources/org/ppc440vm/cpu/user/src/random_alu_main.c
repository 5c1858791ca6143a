/*
 * Driver for the generated random straight-line sequences (random_alu_NN.S,
 * produced by tools/gen_random_alu.py).  For every sequence it prints the
 * seeded state and the final GPRs, CR, XER, CTR and LR.  r1, r2 and r13
 * (stack pointer and ABI-reserved registers) are not used by the sequences
 * and are printed as "--------".
 */
#include <stdint.h>
#include <stdio.h>

extern void random_seq_0(uint32_t *out);
extern void random_seq_1(uint32_t *out);
extern void random_seq_2(uint32_t *out);
extern const uint32_t random_seeds_0[36], random_seeds_1[36], random_seeds_2[36];
extern const uint32_t random_nseq;

static void dump(const char *what, const uint32_t *v)
{
    printf("  %s:\n", what);
    for (int i = 0; i < 32; i++) {
        if (i == 1 || i == 2 || i == 13)
            printf("   r%-2d=--------", i);
        else
            printf("   r%-2d=%08x", i, v[i]);
        if (i % 8 == 7)
            printf("\n");
    }
    printf("   cr=%08x xer=%08x ctr=%08x lr=%08x\n", v[32], v[33], v[34], v[35]);
}

int main(void)
{
    void (*const fns[3])(uint32_t *) = { random_seq_0, random_seq_1, random_seq_2 };
    const uint32_t *seeds[3] = { random_seeds_0, random_seeds_1, random_seeds_2 };
    for (uint32_t s = 0; s < random_nseq && s < 3; s++) {
        uint32_t out[36] = { 0 };
        printf("sequence %u\n", s);
        dump("initial", seeds[s]);
        fns[s](out);
        dump("final", out);
    }
    printf("done\n");
    return 0;
}
