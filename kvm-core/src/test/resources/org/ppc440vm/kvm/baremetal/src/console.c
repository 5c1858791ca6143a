/* Polled output on the 16550 UART at physical 0xEF600300 (THR at +0, LSR at +5, LSR bit 0x20 = THR empty). */
#include <stdarg.h>
#include "ppc440.h"

#define UART ((volatile unsigned char *) 0xEF600300)

void putc(char c)
{
    if (c == '\n') {
        putc('\r');
    }
    while ((UART[5] & 0x20) == 0) {
    }
    UART[0] = c;
}

void puts(const char *s)
{
    while (*s) {
        putc(*s++);
    }
}

static void put_unsigned(unsigned int v, unsigned int base, int width, char pad)
{
    char buf[12];
    int n = 0;
    do {
        unsigned int d = v % base;
        buf[n++] = d < 10 ? '0' + d : 'a' + d - 10;
        v /= base;
    } while (v);
    while (n < width) {
        buf[n++] = pad;
    }
    while (n) {
        putc(buf[--n]);
    }
}

/* %s %c %d %u %x with an optional zero-padded width (%08x): all the programs need. */
void printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putc(*fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        switch (*fmt) {
        case 's': puts(va_arg(ap, const char *)); break;
        case 'c': putc((char) va_arg(ap, int)); break;
        case 'u': put_unsigned(va_arg(ap, unsigned int), 10, width, pad); break;
        case 'x': put_unsigned(va_arg(ap, unsigned int), 16, width, pad); break;
        case 'd': {
            int v = va_arg(ap, int);
            if (v < 0) {
                putc('-');
                v = -v;
            }
            put_unsigned((unsigned int) v, 10, width, pad);
            break;
        }
        default: putc(*fmt); break;
        }
    }
    va_end(ap);
}
