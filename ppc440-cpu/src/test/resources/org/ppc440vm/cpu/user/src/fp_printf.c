/*
 * fp_printf: printf/snprintf formatting of doubles and floats (%f %e %g %a
 * with various precisions and flags), including tiny, huge, denormal,
 * infinite, NaN and signed-zero values, and strtod/strtof parsing.
 * No libm functions are used.
 */
#include <float.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof(d));
    return d;
}

static uint64_t bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof(b));
    return b;
}

static uint32_t fbits(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof(b));
    return b;
}

int main(void)
{
    const double vals[] = {
        0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, -2.5, 3.14159265358979323846, 2.718281828459045,
        1e-5, 123456.789, 1e15, 1e16, 1e17, 1e21, 1e22, 1e23, 1e100, 1e300, 1.7976931348623157e308,
        2.2250738585072014e-308,               /* DBL_MIN */
        4.9406564584124654e-324,               /* smallest denormal */
        2.2250738585072009e-308,               /* largest denormal */
        1e-310, 5e-320, 0.3, 2.0 / 3.0, 1.0 / 3.0, 100.0, 1024.0, 65535.99999,
        9007199254740993.0, 0.000123456789, 123e-20,
        from_bits(0x7ff0000000000000ull), from_bits(0xfff0000000000000ull),
        from_bits(0x7ff8000000000000ull), from_bits(0xfff8000000000000ull),
        from_bits(0x7ff0000000000001ull),
    };
    const size_t n = sizeof(vals) / sizeof(vals[0]);
    for (size_t i = 0; i < n; i++) {
        volatile double d = vals[i];
        printf("[%016" PRIx64 "] %%f=%f %%e=%e %%g=%g %%a=%a\n", bits(d), d, d, d, d);
        printf("    %%.0f=%.0f %%.3f=%.3f %%.17g=%.17g %%.3e=%.3e %%.10g=%.10g %%+.2e=%+.2e %%.0e=%.0e %%#g=%#g %%.3a=%.3a\n",
               d, d, d, d, d, d, d, d, d);
        printf("    %%12.4f=[%12.4f] %%-12.3g=[%-12.3g] %%012.2f=[%012.2f] %% g=[% g] %%G=%G %%E=%E %%A=%A\n",
               d, d, d, d, d, d, d);
    }
    printf("== large %%f ==\n");
    printf("%f\n%.0f\n%.20f\n", 1e300, DBL_MAX, 0.1);
    printf("%.40f\n%.60e\n", DBL_MIN, 1.0 / 3.0);

    printf("== floats ==\n");
    const float fv[] = { 0.0f, -0.0f, 1.0f, 0.1f, 3.4028235e38f, 1.17549435e-38f, 1.4e-45f, 1e-40f,
                         16777217.0f, 0.33333334f, -2.5f, 1e10f };
    for (size_t i = 0; i < sizeof(fv) / sizeof(fv[0]); i++) {
        volatile float f = fv[i];
        printf("[%08" PRIx32 "] %%f=%f %%e=%e %%g=%g %%a=%a %%.9g=%.9g\n", fbits(f), f, f, f, f, f);
    }
    float finf = (float)from_bits(0x7ff0000000000000ull);
    float fnan = (float)from_bits(0x7ff8000000000000ull);
    printf("float inf=%f nan=%f -inf=%e\n", finf, fnan, -finf);

    printf("== rounding of halfway cases ==\n");
    const double halves[] = { 0.5, 1.5, 2.5, 3.5, -0.5, -1.5, 0.125, 0.375, 2.675, 1.005, 1.115, 0.045 };
    for (size_t i = 0; i < sizeof(halves) / sizeof(halves[0]); i++)
        printf("%.17g -> %.0f %.1f %.2f\n", halves[i], halves[i], halves[i], halves[i]);

    printf("== strtod / strtof ==\n");
    const char *const strs[] = { "0", "-0", "1e-400", "1e400", "-1e400", "0x1.8p3", "inf", "-Infinity", "nan",
        "2.2250738585072011e-308", "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
        "1.7976931348623158e308", "1.7976931348623159e308", "123.456e-2", "  42abc", "0.1", "9007199254740993",
        "3.4028235677973366e38", "1e-46", "0x1p-1074", "0x1p-1075" };
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        char *end;
        double d = strtod(strs[i], &end);
        float f = strtof(strs[i], NULL);
        printf("\"%s\" -> %016" PRIx64 " (%.17g) rest=\"%s\" float=%08" PRIx32 "\n", strs[i], bits(d), d, end, fbits(f));
    }
    printf("== snprintf truncation ==\n");
    char small[8];
    volatile size_t smallsz = sizeof(small);
    int len = snprintf(small, smallsz, "%f", 3.14159);
    printf("len=%d buf=\"%s\"\n", len, small);
    printf("done\n");
    return 0;
}
