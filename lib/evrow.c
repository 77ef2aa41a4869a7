#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "evrow.h"
#include "numconv.h"

void
evrow_init(struct evrow *ev, const struct schema *sc, int strict)
{
	memset(ev, 0, sizeof *ev);
	ev->sc = sc;
	ev->strict = strict;
	ev->top = xcalloc(sc->ncol, sizeof *ev->top);
	ev->body = xcalloc(sc->ncol, sizeof *ev->body);
	ev->topgen = xcalloc(sc->ncol, sizeof *ev->topgen);
	ev->bodygen = xcalloc(sc->ncol, sizeof *ev->bodygen);
	ev->jp.maxdepth = JSON_MAXDEPTH;
}

void
evrow_free(struct evrow *ev)
{
	free(ev->top);
	free(ev->body);
	free(ev->topgen);
	free(ev->bodygen);
}

size_t
evrow_bound(const struct evrow *ev, size_t n)
{
	return n + ev->sc->ncol * (NUM_MAXTEXT + 2) + 2;
}

static long
reject(struct evrow *ev, const char *fmt, const char *a, const char *b)
{
	snprintf(ev->reason, sizeof ev->reason, fmt, a, b);
	return -1;
}

static long
reject_json(struct evrow *ev, const char *line)
{
	snprintf(ev->reason, sizeof ev->reason, "invalid JSON at byte %zu: %s",
	    (size_t)(ev->jp.errat - line) + 1, ev->jp.err);
	return -1;
}

/* Looks the key up in the schema; escaped keys are decoded first. */
static int
key_column(const struct evrow *ev, const struct jval *key)
{
	char buf[256];

	if (!key->esc)
		return schema_find(ev->sc, key->s, key->n);
	if (key->n > sizeof buf)
		return -1;
	return schema_find(ev->sc, buf, json_unescape(buf, key->s, key->n));
}

/* The members of one object into slots; p just past '{'. */
static const char *
scan_object(struct evrow *ev, const char *p, const char *end, struct jval *slot, uint32_t *gen,
    int depth, int toplevel, int *is_envelope, unsigned *unknown, const char *line)
{
	struct jval key;
	int first = 1, r, c;

	while ((r = json_member_key(&ev->jp, &p, end, &key, &first)) == 1) {
		if (toplevel && json_key_is(&key, "eventBody", 9)) {
			if (*is_envelope)
				return reject(ev, "%s%s", "duplicate key 'eventBody'", ""), NULL;
			*is_envelope = 1;
			if (p >= end || *p != '{') {
				struct jval v;
				if (!json_value(&ev->jp, p, end, &v, depth + 1))
					return reject_json(ev, line), NULL;
				return reject(ev, "%s%s", "eventBody is not an object", ""), NULL;
			}
			p = scan_object(ev, p + 1, end, ev->body, ev->bodygen, depth + 1, 0, is_envelope,
			    &ev->unknown, line);
			if (!p)
				return NULL;
			continue;
		}
		c = key_column(ev, &key);
		if (c < 0) {
			struct jval v;
			++*unknown;
			if (!(p = json_value(&ev->jp, p, end, &v, depth + 1)))
				return reject_json(ev, line), NULL;
			continue;
		}
		if (gen[c] == ev->gen)
			return reject(ev, "duplicate key '%s'%s", ev->sc->col[c].name, ""), NULL;
		gen[c] = ev->gen;
		if (!(p = json_value(&ev->jp, p, end, &slot[c], depth + 1)))
			return reject_json(ev, line), NULL;
	}
	if (r < 0)
		return reject_json(ev, line), NULL;
	return p;
}

static size_t
write_default(const struct column *col, char *d)
{
	size_t n;

	switch (col->type) {
	case CT_STRING:
	case CT_FIXEDSTRING:
		return 0;
	case CT_DECIMAL:
		d[0] = '0';
		if (col->scale == 0)
			return 1;
		d[1] = '.';
		memset(d + 2, '0', (size_t)col->scale);
		return 2 + (size_t)col->scale;
	case CT_DATE:
		n = 10;
		memcpy(d, "0000-00-00", n);
		return n;
	case CT_DATETIME:
		n = 19;
		memcpy(d, "0000-00-00 00:00:00", n);
		return n;
	default:
		d[0] = '0';
		return 1;
	}
}

/* A number-like value as plain text: number tokens as they are, strings decoded. */
static int
value_text(const struct jval *v, char *tmp, size_t tmpn, const char **s, size_t *n)
{
	if (v->kind == J_NUMBER || !v->esc) {
		*s = v->s, *n = v->n;
		return 0;
	}
	if (v->n > tmpn)
		return -1;
	*n = json_unescape(tmp, v->s, v->n);
	*s = tmp;
	return 0;
}

static long
convert_value(struct evrow *ev, const struct column *col, const struct jval *v, char *d)
{
	char tmp[NUM_MAXTEXT * 2];
	const char *why, *s;
	size_t n = 0;

	if (col->type == CT_STRING || col->type == CT_FIXEDSTRING) {
		if (v->kind == J_OBJECT || v->kind == J_ARRAY)
			return reject(ev, "column '%s': %s where a String is expected", col->name,
			    v->kind == J_OBJECT ? "an object" : "an array");
		if (col->type == CT_FIXEDSTRING && v->n > (size_t)col->prec &&
		    (!v->esc || json_unescape(d, v->s, v->n) > (size_t)col->prec))
			return reject(ev, "column '%s': longer than %s", col->name, col->typename);
		if (v->kind == J_STRING && v->esc)
			return (long)json_string_to_tsv(d, v->s, v->n);
		memcpy(d, v->s, v->n);
		return (long)v->n;
	}
	if (v->kind != J_NUMBER && v->kind != J_STRING)
		return reject(ev, "column '%s': %s where a number is expected", col->name,
		    v->kind == J_OBJECT ? "an object" : v->kind == J_ARRAY ? "an array" : "a boolean");
	if (value_text(v, tmp, sizeof tmp, &s, &n) < 0)
		return reject(ev, "column '%s': value too long for %s", col->name, col->typename);
	switch (col->type) {
	case CT_INT:
	case CT_UINT:
		why = conv_int(s, n, col->bits, col->type == CT_UINT, d, &n);
		break;
	case CT_DECIMAL:
		why = conv_decimal(s, n, col->prec, col->scale, d, &n);
		break;
	case CT_FLOAT:
		why = conv_float(s, n, d, &n);
		break;
	case CT_DATE:
		why = conv_date(s, n, d, &n);
		break;
	default:
		why = conv_datetime(s, n, d, &n);
		break;
	}
	if (why) {
		snprintf(ev->reason, sizeof ev->reason, "column '%s' (%s): %s", col->name, col->typename, why);
		return -1;
	}
	return (long)n;
}

long
evrow_convert(struct evrow *ev, const char *line, size_t n, char *dst)
{
	const char *p = line, *end = line + n;
	const struct schema *sc = ev->sc;
	const struct jval *slot;
	const uint32_t *gen;
	int envelope = 0;
	unsigned top_unknown = 0;
	char *d = dst;
	size_t i;
	long w;

	ev->defaults = ev->unknown = 0;
	if (++ev->gen == 0) {	/* wrapped: forget every old mark */
		memset(ev->topgen, 0, sc->ncol * sizeof *ev->topgen);
		memset(ev->bodygen, 0, sc->ncol * sizeof *ev->bodygen);
		ev->gen = 1;
	}
	p = json_ws(p, end);
	if (p >= end)
		return reject(ev, "%s%s", "empty line", "");
	if (*p != '{') {
		struct jval v;
		if (!json_document(&ev->jp, p, end, &v))
			return reject_json(ev, line);
		return reject(ev, "%s%s", "not a JSON object", "");
	}
	if (!(p = scan_object(ev, p + 1, end, ev->top, ev->topgen, 0, 1, &envelope, &top_unknown,
	    line)))
		return -1;
	if (json_ws(p, end) != end) {
		ev->jp.errat = json_ws(p, end);
		ev->jp.err = "trailing characters after the JSON value";
		return reject_json(ev, line);
	}
	slot = envelope ? ev->body : ev->top;
	gen = envelope ? ev->bodygen : ev->topgen;
	for (i = 0; i < sc->ncol; i++) {
		const struct column *col = &sc->col[i];
		int set = gen[i] == ev->gen && slot[i].kind != J_NULL;

		if (set && slot[i].kind == J_STRING && slot[i].n == 0 && (col->nullable ||
		    (col->type != CT_STRING && col->type != CT_FIXEDSTRING)))
			set = 0;	/* "" means no value for Nullable and for numbers */
		if (!set && col->nullable) {
			*d++ = '\\', *d++ = 'N';
		} else if (!set) {
			if (ev->strict)
				return reject(ev, "column '%s': no value for a non-Nullable %s", col->name, col->typename);
			ev->defaults++;
			d += write_default(col, d);
		} else {
			if ((w = convert_value(ev, col, &slot[i], d)) < 0)
				return -1;
			d += w;
		}
		*d++ = i + 1 < sc->ncol ? '\t' : '\n';
	}
	if (!envelope)	/* else the top level is the envelope (eventType...), not data */
		ev->unknown = top_unknown;
	return (long)(d - dst);
}
