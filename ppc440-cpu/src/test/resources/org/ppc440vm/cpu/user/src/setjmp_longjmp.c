/*
 * setjmp_longjmp: setjmp/longjmp through several frames, longjmp(env, 0)
 * (setjmp must then return 1), volatile locals, callee-saved integer and
 * floating-point registers restored, re-using a jmp_buf, sigsetjmp /
 * siglongjmp (with and without saving the signal mask).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static jmp_buf env1, env2;
static sigjmp_buf senv;
static int depth_reached;

static void __attribute__((noinline)) deep(int n, int val)
{
    volatile char pad[64];
    memset((char *)pad, n, sizeof(pad));
    if (n < 0)
        return;
    if (n == 0) {
        depth_reached = 1;
        longjmp(env1, val);
    }
    deep(n - 1, val);
    pad[0]++;
}

static double __attribute__((noinline)) fp_work(double x)
{
    return x * 1.5 + 0.25;
}

static void __attribute__((noinline)) jumper2(int v)
{
    longjmp(env2, v);
}

int main(void)
{
    volatile int counter = 0;
    int r;

    /* basic: returns 0 first, then the longjmp value */
    r = setjmp(env1);
    printf("setjmp returned %d (counter=%d)\n", r, counter);
    if (r == 0) {
        counter++;
        deep(20, 42);
    }
    printf("after deep: depth_reached=%d counter=%d\n", depth_reached, counter);

    /* longjmp with 0 makes setjmp return 1 */
    r = setjmp(env1);
    if (r == 0)
        deep(3, 0);
    printf("longjmp(env, 0) -> setjmp returned %d\n", r);

    /* repeated jumps to the same buffer */
    volatile int loops = 0;
    r = setjmp(env2);
    loops++;
    if (r < 5)
        jumper2(r + 1);
    printf("re-used jmp_buf: final r=%d loops=%d\n", r, loops);

    /* callee-saved registers: values held in registers across the jump */
    register long a asm("r25") = 0x25252525;
    register double d asm("fr20") = 20.5;
    __asm__ volatile("" : "+r"(a), "+f"(d));
    r = setjmp(env2);
    __asm__ volatile("" : "+r"(a), "+f"(d));
    if (r == 0) {
        /* clobber them, then jump back: setjmp restores the saved values */
        __asm__ volatile("lis 25,0x1111\n\tfmr 20,1" ::: "r25", "fr20");
        jumper2(7);
    }
    printf("callee-saved: r=%d r25=%08lx f20=%g\n", r, (unsigned long)a, d);

    volatile double acc = 1.0;
    volatile double vacc = 0;
    for (int i = 0; i < 3; i++) {
        if (setjmp(env2) == 0) {
            acc = fp_work(acc);
            vacc = acc;
            jumper2(1);
        }
    }
    printf("fp across jumps: %.17g\n", (double)vacc);

    /* sigsetjmp / siglongjmp, with and without mask saving */
    sigset_t set, cur;
    for (int save = 0; save < 2; save++) {
        sigemptyset(&set);
        sigprocmask(SIG_SETMASK, &set, NULL);
        if (sigsetjmp(senv, save) == 0) {
            sigaddset(&set, SIGUSR1);
            sigprocmask(SIG_BLOCK, &set, NULL);
            siglongjmp(senv, 3);
        }
        sigprocmask(SIG_SETMASK, NULL, &cur);
        printf("sigsetjmp(savemask=%d): SIGUSR1 blocked after siglongjmp = %d\n",
               save, sigismember(&cur, SIGUSR1));
    }
    printf("done\n");
    return 0;
}
