#include <stdio.h>
#include <string.h>

#include "numconv.h"
#include "tsvrow.h"

size_t
tsvrow_bound(const struct tsvrow *tr, size_t n)
{
	return n + tr->sc->ncol * NUM_MAXTEXT + 2;
}

static long
reject(struct tsvrow *tr, const struct column *col, const char *why)
{
	if (col)
		snprintf(tr->reason, sizeof tr->reason, "column '%s' (%s): %s", col->name, col->typename, why);
	else
		snprintf(tr->reason, sizeof tr->reason, "%s", why);
	return -1;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* A String field: every backslash must start an escape ClickHouse knows, or the field's
 * bytes (and even where it ends) would be read differently from what was meant. */
static const char *
check_string(const char *s, size_t n, const struct column *col)
{
	size_t i = 0, decoded = n;
	const char *bs;

	while ((bs = memchr(s + i, '\\', n - i))) {
		i = (size_t)(bs - s) + 1;
		if (i >= n)
			return "backslash at the end of a field";
		if (s[i] == 'x') {
			if (i + 2 >= n || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
				return "bad \\x escape";
			i += 3;
			decoded -= 3;
		} else if (strchr("tnr0bfav\\'\"", s[i]) && s[i]) {
			i++;
			decoded -= 1;
		} else {
			return "unknown escape sequence";
		}
	}
	if (col->type == CT_FIXEDSTRING && decoded > (size_t)col->prec)
		return "longer than the FixedString";
	return NULL;
}

static long
canon_field(struct tsvrow *tr, const struct column *col, const char *s, size_t n, char *d)
{
	const char *why = NULL;
	size_t w = 0;
	int is_null = n == 2 && s[0] == '\\' && s[1] == 'N';

	if (is_null && col->nullable) {
		memcpy(d, s, 2);
		return 2;
	}
	/* what 18.16 itself reads there, asked for: no row is lost over a source's NULL text */
	if (is_null && tr->null_as_empty && col->type == CT_STRING)
		return 0;
	if (!tr->check_values) {
		memcpy(d, s, n);
		return (long)n;
	}
	if (n == 0 && col->type != CT_STRING && col->type != CT_FIXEDSTRING) {
		if (!col->nullable)
			return reject(tr, col, "empty value");
		memcpy(d, "\\N", 2);	/* as ev2tsv does: no value is NULL, never a silent 0 */
		return 2;
	}
	if (is_null)
		return reject(tr, col, "NULL (\\N) in a non-Nullable column");
	switch (col->type) {
	case CT_STRING:
	case CT_FIXEDSTRING:
		if ((why = check_string(s, n, col)))
			return reject(tr, col, why);
		memcpy(d, s, n);
		return (long)n;
	case CT_INT:
	case CT_UINT:
		why = conv_int(s, n, col->bits, col->type == CT_UINT, d, &w);
		break;
	case CT_DECIMAL:
		why = conv_decimal(s, n, col->prec, col->scale, d, &w);
		break;
	case CT_FLOAT:
		why = conv_float(s, n, d, &w);
		break;
	case CT_DATE:
		why = conv_date(s, n, d, &w);
		break;
	case CT_DATETIME:
		why = conv_datetime(s, n, d, &w);
		break;
	}
	if (why)
		return reject(tr, col, why);
	return (long)w;
}

long
tsvrow_canon(struct tsvrow *tr, const char *line, size_t n, char *dst)
{
	const struct schema *sc = tr->sc;
	const char *p = line, *end = line + n, *tab;
	char *d = dst;
	size_t i;
	long w;

	if (n == 0)
		return reject(tr, NULL, "empty line");
	if (line[n - 1] == '\r')
		return reject(tr, NULL, "line ends in CR (CRLF input?)");
	for (i = 0; i < sc->ncol; i++) {
		tab = memchr(p, '\t', (size_t)(end - p));
		if (!tab)
			tab = end;
		if (tab == end && i + 1 < sc->ncol) {
			snprintf(tr->reason, sizeof tr->reason, "%zu fields, the table has %zu columns", i + 1, sc->ncol);
			return -1;
		}
		if (tab != end && i + 1 == sc->ncol) {
			size_t extra = 1;
			for (p = tab + 1; (p = memchr(p, '\t', (size_t)(end - p))); p++)
				extra++;
			snprintf(tr->reason, sizeof tr->reason, "%zu fields, the table has %zu columns",
			    sc->ncol + extra, sc->ncol);
			return -1;
		}
		if ((w = canon_field(tr, &sc->col[i], p, (size_t)(tab - p), d)) < 0)
			return -1;
		d += w;
		*d++ = i + 1 < sc->ncol ? '\t' : '\n';
		p = tab + 1;
	}
	return (long)(d - dst);
}
