/*
 * Host-side check of expected/fp_fused.stdout: recomputes every non-NaN
 * result of fmadd/fmsub/fnmadd/fnmsub (and the single forms) with the
 * host's correctly rounded fma()/fmaf() and compares the bits.
 * Also checks the "arithmetic in each rounding mode" lines of
 * expected/fp_fpscr.stdout with fesetround().
 * Usage: check_fp_fused expected/fp_fused.stdout expected/fp_fpscr.stdout
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static double bd(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }
static uint64_t db(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }

static int check_fused(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return 1; }
    char line[512], op[16];
    unsigned long long a, c, b, r;
    unsigned fs;
    int n = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%15s %llx %llx %llx : %llx %x", op, &a, &c, &b, &r, &fs) != 6)
            continue;
        double A = bd(a), C = bd(c), B = bd(b), e;
        if (isnan(A) || isnan(B) || isnan(C))
            continue;
        if (op[strlen(op) - 1] != 's') {
            if (!strcmp(op, "fmadd")) e = fma(A, C, B);
            else if (!strcmp(op, "fmsub")) e = fma(A, C, -B);
            else if (!strcmp(op, "fnmadd")) e = -fma(A, C, B);
            else e = -fma(A, C, -B);
        } else {
            float fa = (float)A, fc = (float)C, fb = (float)B, x;
            if (!strcmp(op, "fmadds")) x = fmaf(fa, fc, fb);
            else if (!strcmp(op, "fmsubs")) x = fmaf(fa, fc, -fb);
            else if (!strcmp(op, "fnmadds")) x = -fmaf(fa, fc, fb);
            else x = -fmaf(fa, fc, -fb);
            e = x;
        }
        n++;
        if (isnan(e) ? !isnan(bd(r)) : db(e) != r) {
            bad++;
            printf("MISMATCH %s", line);
        }
    }
    fclose(f);
    printf("%s: checked %d results, %d mismatches\n", path, n, bad);
    return bad;
}

static int check_rounding(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return 1; }
    char line[1024], rn[3];
    unsigned long long a, b, r[5];
    unsigned fs[5];
    int n = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%2s a=%llx b=%llx add=%llx/%x div=%llx/%x mul=%llx/%x frsp(a)=%llx/%x madd(a*b+a)=%llx/%x",
                   rn, &a, &b, &r[0], &fs[0], &r[1], &fs[1], &r[2], &fs[2], &r[3], &fs[3], &r[4], &fs[4]) != 13)
            continue;
        int m = !strcmp(rn, "RN") ? FE_TONEAREST : !strcmp(rn, "RZ") ? FE_TOWARDZERO
              : !strcmp(rn, "RP") ? FE_UPWARD : FE_DOWNWARD;
        fesetround(m);
        volatile double A = bd(a), B = bd(b);
        double e[5];
        e[0] = A + B; e[1] = A / B; e[2] = A * B; e[3] = (float)A; e[4] = fma(A, B, A);
        fesetround(FE_TONEAREST);
        for (int k = 0; k < 5; k++) {
            n++;
            if (db(e[k]) != r[k]) {
                bad++;
                printf("MISMATCH k=%d %s", k, line);
            }
        }
    }
    fclose(f);
    printf("%s: checked %d rounding-mode results, %d mismatches\n", path, n, bad);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s fp_fused.stdout fp_fpscr.stdout\n", argv[0]);
        return 2;
    }
    int bad = check_fused(argv[1]) + check_rounding(argv[2]);
    return bad ? 1 : 0;
}
