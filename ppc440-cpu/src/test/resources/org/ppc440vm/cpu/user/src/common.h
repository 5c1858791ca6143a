/*
 * Shared helpers for the ppc440vm user-mode oracle programs.
 * Every program prints its results with printf so that any divergence
 * between the emulator under test and the reference shows up in a diff.
 */
#ifndef PPC440VM_ORACLE_COMMON_H
#define PPC440VM_ORACLE_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define XER_SO 0x80000000u
#define XER_OV 0x40000000u
#define XER_CA 0x20000000u

/* Prevent the compiler from constant-folding a value (forces it into a register). */
static inline uint32_t opaque32(uint32_t v)
{
    __asm__ volatile("" : "+r"(v));
    return v;
}

static inline uint32_t read_xer(void)
{
    uint32_t x;
    __asm__ volatile("mfxer %0" : "=r"(x));
    return x;
}

static inline void write_xer(uint32_t x)
{
    __asm__ volatile("mtxer %0" : : "r"(x));
}

#endif
