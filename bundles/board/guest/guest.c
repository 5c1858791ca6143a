/*
 * The built-in guest of ppc440vm: a bare-metal program (no C library) that shows the board works without any
 * download. It maps the UART with a TLB entry of its own (the loader's boot entry covers RAM only), prints a banner,
 * walks the flattened device tree the loader passed in r3 and lists every node with a "compatible" property, then
 * powers off (or, with "guestexit=reboot" in /chosen/bootargs, asks for a system reset, so that -no-reboot ends the
 * run the way the reference Linux guest does).
 *
 * Build: ./build.sh (powerpc-linux-gnu-gcc from Debian's gcc-powerpc-linux-gnu).
 */
typedef unsigned int u32;
typedef unsigned char u8;

#define UART_BASE	0xEF600300u
#define UART_PAGE	0xEF600000u
#define UART_THR	0
#define UART_LCR	3
#define UART_LSR	5
#define LSR_THRE	0x20

/* 440 TLB words */
#define TLB0_V		0x00000200u
#define TLB0_SIZE_4K	(1u << 4)
#define TLB2_I		0x00000400u
#define TLB2_G		0x00000100u
#define TLB2_SW		0x00000002u
#define TLB2_SR		0x00000001u
#define UART_TLB_INDEX	1

#define FDT_MAGIC	0xD00DFEEDu
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

void power_off(void) __attribute__((noreturn));
void system_reset(void) __attribute__((noreturn));

static volatile u8 *const uart = (volatile u8 *) UART_BASE;

static void tlbwe(u32 index, u32 word, u32 value)
{
	switch (word) {
	case 0: __asm__ volatile("tlbwe %0,%1,0" : : "r"(value), "r"(index) : "memory"); break;
	case 1: __asm__ volatile("tlbwe %0,%1,1" : : "r"(value), "r"(index) : "memory"); break;
	default: __asm__ volatile("tlbwe %0,%1,2" : : "r"(value), "r"(index) : "memory"); break;
	}
}

static void map_uart(void)
{
	/* MMUCR[STID] = 0: the entry gets TID 0 and matches any PID. */
	__asm__ volatile("mtspr 946,%0" : : "r"(0));
	tlbwe(UART_TLB_INDEX, 0, UART_PAGE | TLB0_V | TLB0_SIZE_4K);
	tlbwe(UART_TLB_INDEX, 1, UART_PAGE);			/* RPN, ERPN 0 */
	tlbwe(UART_TLB_INDEX, 2, TLB2_I | TLB2_G | TLB2_SR | TLB2_SW);	/* uncached, guarded, supervisor RW */
	__asm__ volatile("isync" : : : "memory");
	uart[UART_LCR] = 0x03;	/* 8 data bits, no parity, 1 stop bit */
}

static void putc_raw(char c)
{
	while (!(uart[UART_LSR] & LSR_THRE))
		;
	uart[UART_THR] = (u8) c;
}

static void put(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc_raw('\r');
		putc_raw(*s);
	}
}

static void put_n(const char *s, u32 n)
{
	for (u32 i = 0; i < n && s[i]; i++)
		putc_raw(s[i]);
}

static void put_hex(u32 v)
{
	static const char digits[] = "0123456789abcdef";
	put("0x");
	for (int shift = 28; shift >= 0; shift -= 4)
		putc_raw(digits[(v >> shift) & 0xF]);
}

static void put_dec(u32 v)
{
	char buf[11];
	int i = 10;
	buf[i] = 0;
	do {
		buf[--i] = (char) ('0' + v % 10);
		v /= 10;
	} while (v);
	put(&buf[i]);
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static int starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

static int contains(const char *s, u32 len, const char *word)
{
	for (u32 i = 0; i < len && s[i]; i++)
		if (starts_with(s + i, word))
			return 1;
	return 0;
}

static u32 align4(u32 v)
{
	return (v + 3) & ~3u;
}

#define MAX_DEPTH 16

struct fdt_facts {
	u32 ram_bytes;
	int reboot;
	int nodes;
	int with_compatible;
};

/* Prints "/path/of/node" for the node stack. */
static void put_path(const char *const *names, int depth)
{
	if (depth <= 1) {
		put("/");
		return;
	}
	for (int i = 1; i < depth; i++) {
		put("/");
		put(names[i]);
	}
}

/* A string-list property as "a, b, c". */
static void put_strings(const char *s, u32 len)
{
	u32 i = 0;
	int first = 1;
	while (i < len) {
		if (!first)
			put(", ");
		first = 0;
		u32 start = i;
		while (i < len && s[i])
			i++;
		put_n(s + start, i - start);
		i++;
	}
}

static int walk_fdt(const u8 *fdt, struct fdt_facts *facts)
{
	const u32 *h = (const u32 *) fdt;
	if (h[0] != FDT_MAGIC) {
		put("  no device tree at r3 (magic ");
		put_hex(h[0]);
		put(")\n");
		return -1;
	}
	u32 total = h[1];
	const u8 *structure = fdt + h[2];
	const char *strings = (const char *) fdt + h[3];
	put("  device tree at ");
	put_hex((u32) fdt);
	put(": ");
	put_dec(total);
	put(" bytes, version ");
	put_dec(h[5]);
	put("\n  devices (nodes with a compatible property):\n");

	const char *names[MAX_DEPTH];
	int depth = 0;
	u32 p = 0;
	for (;;) {
		u32 token = *(const u32 *) (structure + p);
		p += 4;
		if (token == FDT_BEGIN_NODE) {
			const char *name = (const char *) structure + p;
			u32 n = 0;
			while (name[n])
				n++;
			p = align4(p + n + 1);
			if (depth < MAX_DEPTH)
				names[depth] = name;
			depth++;
			facts->nodes++;
		} else if (token == FDT_END_NODE) {
			depth--;
		} else if (token == FDT_PROP) {
			u32 len = *(const u32 *) (structure + p);
			u32 nameoff = *(const u32 *) (structure + p + 4);
			const char *value = (const char *) structure + p + 8;
			const char *pname = strings + nameoff;
			p = align4(p + 8 + len);
			if (depth > MAX_DEPTH)
				continue;
			const char *node = names[depth - 1];
			if (streq(pname, "compatible")) {
				facts->with_compatible++;
				put("    ");
				put_path(names, depth);
				put("  ");
				put_strings(value, len);
				put("\n");
			} else if (depth == 2 && (streq(node, "memory") || starts_with(node, "memory@"))
				   && streq(pname, "reg") && len >= 4) {
				facts->ram_bytes = *(const u32 *) (value + len - 4);
			} else if (depth == 3 && starts_with(node, "cpu") && streq(pname, "model")) {
				put("    cpu: ");
				put_n(value, len);
				put("\n");
			} else if (depth == 2 && streq(node, "chosen") && streq(pname, "bootargs")) {
				put("    bootargs: \"");
				put_n(value, len);
				put("\"\n");
				facts->reboot = contains(value, len, "guestexit=reboot");
			}
		} else if (token == FDT_NOP) {
			continue;
		} else if (token == FDT_END) {
			return 0;
		} else {
			put("  bad device-tree token ");
			put_hex(token);
			put("\n");
			return -1;
		}
	}
}

void guest_main(const u8 *fdt)
{
	struct fdt_facts facts = {0, 0, 0, 0};
	u32 pvr;

	map_uart();
	__asm__ volatile("mfspr %0,287" : "=r"(pvr));
	put("\nppc440vm built-in guest: a bare-metal PowerPC 440 program, no Linux\n");
	put("  PVR ");
	put_hex(pvr);
	put(", UART0 at ");
	put_hex(UART_BASE);
	put("\n");
	if (walk_fdt(fdt, &facts) == 0) {
		put("  ");
		put_dec(facts.nodes);
		put(" nodes, ");
		put_dec(facts.with_compatible);
		put(" with compatible; RAM ");
		put_dec(facts.ram_bytes >> 20);
		put(" MiB\n");
	}
	if (facts.reboot) {
		put("built-in guest done: system reset (guestexit=reboot)\n");
		system_reset();
	}
	put("built-in guest done: powering off\n");
	power_off();
}
