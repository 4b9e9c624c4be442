#include "hv/cmdline.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/printf.h"

static const char *bad(struct hv_options *o, const char *word, size_t len, const char *why)
{
	fmt_snprintf(o->error, sizeof(o->error), "%s in '%.*s'", why, (int)len, word);
	return o->error;
}

/* A number with an optional K/M/G suffix, filling the whole [s, end). */
static bool parse_size(const char *s, const char *end, uint64_t *out)
{
	char *p;
	uint64_t v = strtoul(s, &p, 0);
	unsigned shift = 0;
	if (p == s)
		return false;
	if (p < end && (*p == 'K' || *p == 'k'))
		shift = 10, p++;
	else if (p < end && (*p == 'M' || *p == 'm'))
		shift = 20, p++;
	else if (p < end && (*p == 'G' || *p == 'g'))
		shift = 30, p++;
	if (p != end || v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

/* ADDR,SIZE filling [s, end). */
static bool parse_range(const char *s, const char *end, uint64_t *addr, uint64_t *size)
{
	const char *comma = memchr(s, ',', (size_t)(end - s));
	return comma && parse_size(s, comma, addr) && parse_size(comma + 1, end, size);
}

static bool key_is(const char *w, size_t key, const char *name)
{
	return strlen(name) == key && !strncmp(w, name, key);
}

static const char *hv_option(struct hv_options *o, const char *w, size_t len)
{
	struct hv_guest_options *g = &o->guest[o->nguests - 1];
	const char *end = w + len;
	const char *eq = memchr(w, '=', len);
	if (!eq)
		return bad(o, w, len, "hypervisor option without a value");
	size_t key = (size_t)(eq - w);
	const char *val = eq + 1;
	uint64_t n;
	if (key_is(w, key, "hv.mem")) {
		if (!parse_size(val, end, &g->mem) || !g->mem)
			return bad(o, w, len, "bad size");
	} else if (key_is(w, key, "hv.cpus")) {
		if (!parse_size(val, end, &n) || n < 1 || n > 8)
			return bad(o, w, len, "expected 1 to 8 harts");
		g->cpus = (unsigned)n;
	} else if (key_is(w, key, "hv.image")) {
		if (!parse_range(val, end, &g->image_addr, &g->image_size) || !g->image_size)
			return bad(o, w, len, "expected hv.image=ADDR,SIZE");
	} else if (key_is(w, key, "hv.initrd")) {
		if (!parse_range(val, end, &g->initrd_addr, &g->initrd_size))
			return bad(o, w, len, "expected hv.initrd=ADDR,SIZE");
	} else if (key_is(w, key, "hv.disk")) {
		if ((size_t)(end - val) == 4 && !strncmp(val, "none", 4))
			g->disk = CMDLINE_DISK_NONE;
		else if (parse_size(val, end, &n) && n < 64)
			g->disk = (int)n;
		else
			return bad(o, w, len, "expected hv.disk=N or none");
	} else {
		return bad(o, w, len, "unknown hypervisor option");
	}
	return NULL;
}

static void new_guest(struct hv_options *o)
{
	struct hv_guest_options *g = &o->guest[o->nguests++];
	memset(g, 0, sizeof(*g));
	g->disk = CMDLINE_DISK_DEFAULT;
}

const char *cmdline_parse(const char *args, struct hv_options *o)
{
	o->nguests = 0;
	new_guest(o);
	size_t n = 0;
	for (const char *p = args; *p;) {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		size_t len = (size_t)(p - w);
		if (len == 8 && !strncmp(w, "hv.guest", 8)) {
			if (o->nguests == CMDLINE_MAX_GUESTS)
				return bad(o, w, len, "more than 4 guests");
			new_guest(o);
			n = 0;
			continue;
		}
		if (len > 3 && !strncmp(w, "hv.", 3)) {
			const char *err = hv_option(o, w, len);
			if (err)
				return err;
			continue;
		}
		char *args_out = o->guest[o->nguests - 1].bootargs;
		if (n + (n ? 1 : 0) + len + 1 > CMDLINE_ARGS_SIZE)
			return bad(o, w, len, "guest command line too long");
		if (n)
			args_out[n++] = ' ';
		memcpy(args_out + n, w, len);
		n += len;
		args_out[n] = '\0';
	}
	return NULL;
}
