#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "schema.h"
#include "tsv.h"

/* Called once per key of every event: the first and last 8 bytes and the length are enough
 * to tell column names apart, and cost two loads instead of a loop over every byte. */
static uint32_t
name_hash(const char *s, size_t n)
{
	uint64_t a = 0, b = 0;

	if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
	} else {
		memcpy(&a, s, n);
	}
	a = (a ^ (b * 0x9E3779B97F4A7C15u) ^ n) * 0xFF51AFD7ED558CCDu;
	return (uint32_t)(a >> 32);
}

int
schema_find(const struct schema *sc, const char *name, size_t n)
{
	size_t i, mask = sc->nslot - 1;
	int c;

	if (!sc->nslot)
		return -1;
	for (i = name_hash(name, n) & mask; (c = sc->slot[i]) >= 0; i = (i + 1) & mask)
		if (sc->col[c].namelen == n && memcmp(sc->col[c].name, name, n) == 0)
			return c;
	return -1;
}

static int
schema_index(struct schema *sc, char *err, size_t errlen)
{
	size_t i, j;

	for (sc->nslot = 8; sc->nslot < sc->ncol * 4; sc->nslot *= 2)
		;
	sc->slot = xmalloc(sc->nslot * sizeof *sc->slot);
	for (i = 0; i < sc->nslot; i++)
		sc->slot[i] = -1;
	for (i = 0; i < sc->ncol; i++) {
		if (schema_find(sc, sc->col[i].name, sc->col[i].namelen) >= 0) {
			snprintf(err, errlen, "column %s given twice", sc->col[i].name);
			return -1;
		}
		for (j = name_hash(sc->col[i].name, sc->col[i].namelen) & (sc->nslot - 1); sc->slot[j] >= 0;
		     j = (j + 1) & (sc->nslot - 1))
			;
		sc->slot[j] = (int)i;
	}
	return 0;
}

/* Strip one "Word(" ... ")" wrapper: returns the inside, or NULL when s is not word(...). */
static const char *
unwrap(const char *s, size_t n, const char *word, size_t *in)
{
	size_t w = strlen(word);

	if (n < w + 2 || memcmp(s, word, w) != 0 || s[w] != '(' || s[n - 1] != ')')
		return NULL;
	*in = n - w - 2;
	return s + w + 1;
}

/* "18, 2" or "18,2" → two bounded numbers; -1 when malformed */
static int
two_numbers(const char *s, size_t n, int *a, int *b)
{
	char buf[32], *e1, *e2;
	long x, y;

	if (n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	x = strtol(buf, &e1, 10);
	if (e1 == buf || *e1 != ',')
		return -1;
	y = strtol(e1 + 1, &e2, 10);
	if (e2 == e1 + 1 || !memchr("0123456789", e2[-1], 10))
		return -1;
	while (*e2 == ' ')
		e2++;
	if (e2 == e1 + 1 || *e2 || x < 1 || x > 38 || y < 0 || y > x)
		return -1;
	*a = (int)x, *b = (int)y;
	return 0;
}

static int
one_number(const char *s, size_t n, int lo, int hi, int *v)
{
	char buf[16], *e;
	long x;

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	x = strtol(buf, &e, 10);
	if (*e || x < lo || x > hi)
		return -1;
	*v = (int)x;
	return 0;
}

int
schema_parse_type(const char *s, size_t n, struct column *c)
{
	static const struct { const char *name; enum coltype t; int bits; } simple[] = {
		{ "String", CT_STRING, 0 }, { "Int8", CT_INT, 8 }, { "Int16", CT_INT, 16 },
		{ "Int32", CT_INT, 32 }, { "Int64", CT_INT, 64 }, { "UInt8", CT_UINT, 8 },
		{ "UInt16", CT_UINT, 16 }, { "UInt32", CT_UINT, 32 }, { "UInt64", CT_UINT, 64 },
		{ "Float32", CT_FLOAT, 32 }, { "Float64", CT_FLOAT, 64 }, { "Date", CT_DATE, 0 },
		{ "DateTime", CT_DATETIME, 0 },
	};
	const char *in;
	size_t i, inn;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (!c->nullable && (in = unwrap(s, n, "Nullable", &inn))) {
		c->nullable = 1;
		return schema_parse_type(in, inn, c);
	}
	for (i = 0; i < sizeof simple / sizeof *simple; i++)
		if (strlen(simple[i].name) == n && memcmp(simple[i].name, s, n) == 0) {
			c->type = simple[i].t;
			c->bits = simple[i].bits;
			return 0;
		}
	c->type = CT_DECIMAL;
	if ((in = unwrap(s, n, "Decimal", &inn)))
		return two_numbers(in, inn, &c->prec, &c->scale);
	if ((in = unwrap(s, n, "Decimal32", &inn)))
		return c->prec = 9, one_number(in, inn, 0, 9, &c->scale);
	if ((in = unwrap(s, n, "Decimal64", &inn)))
		return c->prec = 18, one_number(in, inn, 0, 18, &c->scale);
	if ((in = unwrap(s, n, "Decimal128", &inn)))
		return c->prec = 38, one_number(in, inn, 0, 38, &c->scale);
	c->type = CT_FIXEDSTRING;
	if ((in = unwrap(s, n, "FixedString", &inn)))
		return one_number(in, inn, 1, 1 << 20, &c->prec);
	return -1;
}

static int
valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == '\t' || s[i] == '\n' || s[i] == '\0')
			return 0;
	return 1;
}

static int
schema_add(struct schema *sc, const char *name, size_t nn, const char *type, size_t tn,
    char *err, size_t errlen)
{
	struct column *c;

	if (!valid_name(name, nn)) {
		snprintf(err, errlen, "empty or invalid column name");
		return -1;
	}
	sc->col = xrealloc(sc->col, (sc->ncol + 1) * sizeof *sc->col);
	c = &sc->col[sc->ncol];
	memset(c, 0, sizeof *c);
	c->name = memcpy(xmalloc(nn + 1), name, nn);
	c->name[nn] = 0;
	c->namelen = nn;
	c->typename = memcpy(xmalloc(tn + 1), type, tn);
	c->typename[tn] = 0;
	sc->ncol++;
	if (schema_parse_type(type, tn, c) < 0) {
		snprintf(err, errlen, "column %s: unsupported type '%s'", c->name, c->typename);
		return -1;
	}
	return 0;
}

static int
schema_fail(struct schema *sc)
{
	schema_free(sc);
	return -1;
}

int
schema_parse(struct schema *sc, const char *text, size_t len, const char *name, char *err, size_t errlen)
{
	const char *p = text, *end = text + len, *nl, *tab, *tend;
	char msg[256];
	size_t lineno = 0;

	memset(sc, 0, sizeof *sc);
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		lineno++;
		if (nl == p || (nl - p == 1 && *p == '\r'))
			continue;
		tab = memchr(p, '\t', (size_t)(nl - p));
		if (!tab) {
			snprintf(err, errlen, "%s:%zu: expected name<TAB>type (DESCRIBE TABLE ... FORMAT TabSeparated)",
			    name, lineno);
			return schema_fail(sc);
		}
		tend = memchr(tab + 1, '\t', (size_t)(nl - tab - 1));
		if (!tend)
			tend = nl;
		if (schema_add(sc, p, (size_t)(tab - p), tab + 1, (size_t)(tend - tab - 1), msg, sizeof msg) < 0) {
			snprintf(err, errlen, "%s:%zu: %s", name, lineno, msg);
			return schema_fail(sc);
		}
	}
	if (sc->ncol == 0) {
		snprintf(err, errlen, "%s: no columns", name);
		return schema_fail(sc);
	}
	if (schema_index(sc, msg, sizeof msg) < 0) {
		snprintf(err, errlen, "%s: %s", name, msg);
		return schema_fail(sc);
	}
	return 0;
}

int
schema_load(struct schema *sc, const char *path, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, r;

	memset(sc, 0, sizeof *sc);	/* schema_free is safe after any failure */

	if ((fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= (16u << 20)) {
				snprintf(err, errlen, "%s: larger than 16 MiB: not a schema", path);
				r = -1;
				goto out;
			}
			text = xrealloc(text, cap = cap ? cap * 2 : 8192);
		}
		n = read(fd, text + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			r = -1;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "%s: NUL byte: not a schema", path);
		r = -1;
		goto out;
	}
	r = schema_parse(sc, text, len, path, err, errlen);
out:
	if (fd > 0)
		close(fd);
	free(text);
	return r;
}

int
schema_from_list(struct schema *sc, const char *list, char *err, size_t errlen)
{
	const char *p = list, *q, *colon;
	int depth;

	memset(sc, 0, sizeof *sc);
	while (*p) {
		for (q = p, depth = 0, colon = NULL; *q && (depth > 0 || *q != ','); q++) {
			depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
			if (*q == ':' && !colon)
				colon = q;
		}
		if (colon ? schema_add(sc, p, (size_t)(colon - p), colon + 1, (size_t)(q - colon - 1), err, errlen)
		          : schema_add(sc, p, (size_t)(q - p), "String", 6, err, errlen))
			return schema_fail(sc);
		p = *q ? q + 1 : q;
	}
	if (sc->ncol == 0) {
		snprintf(err, errlen, "empty column list");
		return schema_fail(sc);
	}
	return schema_index(sc, err, errlen) < 0 ? schema_fail(sc) : 0;
}

void
schema_free(struct schema *sc)
{
	size_t i;

	for (i = 0; i < sc->ncol; i++) {
		free(sc->col[i].name);
		free(sc->col[i].typename);
	}
	free(sc->col);
	free(sc->slot);
	memset(sc, 0, sizeof *sc);
}
