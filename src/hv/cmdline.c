#include "hv/cmdline.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/printf.h"

/* Room for a message that quotes the offending word. */
static char error[96];

static const char *bad(const char *word, size_t len, const char *why)
{
	fmt_snprintf(error, sizeof(error), "%s in '%.*s'", why, (int)len, word);
	return error;
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

static const char *hv_option(const char *w, size_t len, struct hv_options *o)
{
	const char *end = w + len;
	const char *eq = memchr(w, '=', len);
	if (!eq)
		return bad(w, len, "hypervisor option without a value");
	size_t key = (size_t)(eq - w);
	if (key == 6 && !strncmp(w, "hv.mem", 6)) {
		if (!parse_size(eq + 1, end, &o->guest_mem))
			return bad(w, len, "bad size");
		return NULL;
	}
	if (key == 9 && !strncmp(w, "hv.initrd", 9)) {
		const char *comma = memchr(eq + 1, ',', (size_t)(end - eq - 1));
		if (!comma || !parse_size(eq + 1, comma, &o->initrd_addr) ||
		    !parse_size(comma + 1, end, &o->initrd_size))
			return bad(w, len, "expected hv.initrd=ADDR,SIZE");
		return NULL;
	}
	return bad(w, len, "unknown hypervisor option");
}

const char *cmdline_parse(const char *args, struct hv_options *o, char *guest_args,
			  size_t size)
{
	size_t n = 0;
	guest_args[0] = '\0';
	for (const char *p = args; *p;) {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		size_t len = (size_t)(p - w);
		if (len > 3 && !strncmp(w, "hv.", 3)) {
			const char *err = hv_option(w, len, o);
			if (err)
				return err;
			continue;
		}
		if (n + (n ? 1 : 0) + len + 1 > size)
			return bad(w, len, "guest command line too long");
		if (n)
			guest_args[n++] = ' ';
		memcpy(guest_args + n, w, len);
		n += len;
		guest_args[n] = '\0';
	}
	return NULL;
}
