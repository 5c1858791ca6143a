/* Shared declarations for mac440.c (driver) and mac440_model.c (host reference model). */
#ifndef MAC440_H
#define MAC440_H
#include <stdint.h>

typedef struct { uint32_t rt, xer, cr; } mac_res_t;

/* the 18 base instructions of the 440 multiply-accumulate family */
#define MAC440_BASES(X) \
    X(macchw) X(macchws) X(macchwsu) X(macchwu) \
    X(machhw) X(machhws) X(machhwsu) X(machhwu) \
    X(maclhw) X(maclhws) X(maclhwsu) X(maclhwu) \
    X(nmacchw) X(nmacchws) X(nmachhw) X(nmachhws) X(nmaclhw) X(nmaclhws)

#define MAC440_NBASES 18
extern const char *const mac440_names[MAC440_NBASES];

/* form: 0 = plain, 1 = "." (Rc=1), 2 = "o" (OE=1), 3 = "o." (OE=1, Rc=1).
 * Executes the instruction with RT=rt, RA=ra, RB=rb, XER=xer and CR=0 on entry. */
mac_res_t mac440_exec(int base, int form, uint32_t rt, uint32_t ra, uint32_t rb, uint32_t xer);

#endif
