/* SPR numbers, bits and accessors of the PPC440 for the bare-metal test programs. */
#ifndef PPC440_H
#define PPC440_H

#define SPRN_DEC    22
#define SPRN_SRR0   26
#define SPRN_SRR1   27
#define SPRN_PID    48
#define SPRN_DECAR  54
#define SPRN_CSRR0  58
#define SPRN_CSRR1  59
#define SPRN_DEAR   61
#define SPRN_ESR    62
#define SPRN_IVPR   63
#define SPRN_SPRG0  272
#define SPRN_PVR    287
#define SPRN_DBCR0  308
#define SPRN_TSR    336
#define SPRN_TCR    340
#define SPRN_IVOR0  400
#define SPRN_MMUCR  946

#define MSR_WE  0x00040000
#define MSR_CE  0x00020000
#define MSR_EE  0x00008000
#define MSR_PR  0x00004000
#define MSR_FP  0x00002000
#define MSR_ME  0x00001000
#define MSR_DE  0x00000200
#define MSR_IS  0x00000020
#define MSR_DS  0x00000010

#define ESR_PIL 0x08000000
#define ESR_PPR 0x04000000
#define ESR_PTR 0x02000000
#define ESR_ST  0x00800000

#define TCR_DIE 0x04000000
#define TCR_ARE 0x00400000
#define TSR_DIS 0x08000000

/* TLB words */
#define TLB0_V      0x00000200
#define TLB_4K      0x00000010
#define TLB_256M    0x00000090
#define TLB2_I      0x00000400
#define TLB2_G      0x00000100
#define TLB2_UX     0x00000020
#define TLB2_UW     0x00000010
#define TLB2_UR     0x00000008
#define TLB2_SX     0x00000004
#define TLB2_SW     0x00000002
#define TLB2_SR     0x00000001

#define STR2(x) #x
#define STR(x) STR2(x)
#define mfspr(n) ({ unsigned int v_; __asm__ volatile("mfspr %0," STR(n) : "=r"(v_)); v_; })
#define mtspr(n, v) __asm__ volatile("mtspr " STR(n) ",%0" : : "r"((unsigned int)(v)) : "memory")

static inline unsigned int mfmsr(void) { unsigned int v; __asm__ volatile("mfmsr %0" : "=r"(v)); return v; }
static inline void mtmsr(unsigned int v) { __asm__ volatile("mtmsr %0; isync" : : "r"(v) : "memory"); }
static inline void tlbwe(unsigned int index, unsigned int word0, unsigned int word1, unsigned int word2)
{
    __asm__ volatile("tlbwe %1,%0,0; tlbwe %2,%0,1; tlbwe %3,%0,2; isync"
                     : : "r"(index), "r"(word0), "r"(word1), "r"(word2) : "memory");
}

/* console.c */
void putc(char c);
void puts(const char *s);
void printf(const char *fmt, ...);

/* crt0.S */
void enter_user(unsigned int ea, unsigned int msr);
void reset_system(void) __attribute__((noreturn));
extern char __usertext[];

/* the program's interrupt handler, called by the vectors with the IVOR number and the saved registers */
void exception(int ivor, unsigned int *frame);
extern char user_return[];

/* The effective address user-mode code runs at: a 4 KiB alias of .usertext outside the 256 MiB RAM mapping. */
#define USER_EA 0x10000000u

#endif
