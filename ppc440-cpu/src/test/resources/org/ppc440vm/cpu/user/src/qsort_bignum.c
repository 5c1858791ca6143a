/*
 * qsort_bignum: libc qsort on ints, strings and structs (with a stable
 * tie-break so the output is fully determined), bsearch, and a simple
 * base-10^9 bignum: 100!, 300!, 2^1000 and Fibonacci(1000).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t lcg_state = 12345;
static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return lcg_state >> 1;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct { int key; int seq; char tag[8]; } rec_t;

static int cmp_rec(const void *a, const void *b)
{
    const rec_t *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* ---- bignum: little-endian array of base 1e9 limbs ---- */
#define BASE 1000000000u
typedef struct { int n; uint32_t d[400]; } big_t;

static void big_set(big_t *b, uint32_t v)
{
    b->n = 1;
    b->d[0] = v % BASE;
    if (v >= BASE) {
        b->d[1] = v / BASE;
        b->n = 2;
    }
}

static void big_mul_small(big_t *b, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < b->n; i++) {
        uint64_t t = (uint64_t)b->d[i] * m + carry;
        b->d[i] = (uint32_t)(t % BASE);
        carry = t / BASE;
    }
    while (carry) {
        b->d[b->n++] = (uint32_t)(carry % BASE);
        carry /= BASE;
    }
}

static void big_add(big_t *r, const big_t *a, const big_t *b)
{
    uint32_t carry = 0;
    int n = a->n > b->n ? a->n : b->n;
    for (int i = 0; i < n; i++) {
        uint32_t t = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
        r->d[i] = t % BASE;
        carry = t / BASE;
    }
    r->n = n;
    if (carry)
        r->d[r->n++] = carry;
}

static void big_print(const char *label, const big_t *b)
{
    char buf[4000];
    int pos = sprintf(buf, "%u", b->d[b->n - 1]);
    for (int i = b->n - 2; i >= 0; i--)
        pos += sprintf(buf + pos, "%09u", b->d[i]);
    printf("%s (%d digits) = ", label, pos);
    for (int i = 0; i < pos; i += 100)
        printf("%.100s\n", buf + i);
    unsigned sum = 0;
    for (int i = 0; i < pos; i++)
        sum += (unsigned)(buf[i] - '0');
    printf("%s digit sum = %u\n", label, sum);
}

int main(void)
{
    /* ints */
    static int v[2000];
    for (int i = 0; i < 2000; i++)
        v[i] = (int)(lcg() % 100000) - 50000;
    qsort(v, 2000, sizeof(int), cmp_int);
    long long sum = 0;
    int sorted = 1;
    for (int i = 0; i < 2000; i++) {
        sum += (long long)v[i] * (i + 1);
        if (i && v[i - 1] > v[i])
            sorted = 0;
    }
    printf("ints: sorted=%d min=%d max=%d median=%d weighted=%lld\n", sorted, v[0], v[1999], v[1000], sum);
    for (int i = 0; i < 2000; i += 250)
        printf(" v[%d]=%d", i, v[i]);
    printf("\n");
    int key = v[777];
    int *hit = bsearch(&key, v, 2000, sizeof(int), cmp_int);
    printf("bsearch %d -> found=%d value=%d\n", key, hit != NULL, hit ? *hit : 0);
    key = 50001;
    printf("bsearch %d -> found=%d\n", key, bsearch(&key, v, 2000, sizeof(int), cmp_int) != NULL);

    /* strings */
    static char words[300][12];
    static char *wp[300];
    for (int i = 0; i < 300; i++) {
        int len = 1 + (int)(lcg() % 10);
        for (int k = 0; k < len; k++)
            words[i][k] = (char)('a' + lcg() % 26);
        words[i][len] = 0;
        wp[i] = words[i];
    }
    qsort(wp, 300, sizeof(char *), cmp_str);
    printf("strings:");
    for (int i = 0; i < 300; i += 20)
        printf(" %s", wp[i]);
    printf(" ... %s\n", wp[299]);

    /* structs with duplicate keys */
    static rec_t recs[500];
    for (int i = 0; i < 500; i++) {
        recs[i].key = (int)(lcg() % 50);
        recs[i].seq = i;
        snprintf(recs[i].tag, sizeof(recs[i].tag), "r%03d", i);
    }
    qsort(recs, 500, sizeof(rec_t), cmp_rec);
    printf("structs:");
    for (int i = 0; i < 500; i += 37)
        printf(" %d/%s", recs[i].key, recs[i].tag);
    printf("\n");

    /* bignums */
    static big_t b, f1, f2, f3;
    big_set(&b, 1);
    for (uint32_t i = 2; i <= 100; i++)
        big_mul_small(&b, i);
    big_print("100!", &b);
    for (uint32_t i = 101; i <= 300; i++)
        big_mul_small(&b, i);
    big_print("300!", &b);
    big_set(&b, 1);
    for (int i = 0; i < 1000; i++)
        big_mul_small(&b, 2);
    big_print("2^1000", &b);
    big_set(&f1, 0);
    big_set(&f2, 1);
    for (int i = 2; i <= 1000; i++) {
        big_add(&f3, &f1, &f2);
        f1 = f2;
        f2 = f3;
    }
    big_print("fib(1000)", &f2);
    printf("done\n");
    return 0;
}
