#include <stdint.h>
#include <string.h>

#include "json.h"

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

const char *
json_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static const char *
fail(struct jparse *jp, const char *p, const char *why)
{
	jp->err = why;
	jp->errat = p;
	return NULL;
}

static int
hex4(const char *p, unsigned *v)
{
	unsigned i, c, x = 0;

	for (i = 0; i < 4; i++) {
		c = (unsigned char)p[i];
		if (c - '0' < 10)
			c -= '0';
		else if ((c | 0x20) - 'a' < 6)
			c = (c | 0x20) - 'a' + 10;
		else
			return -1;
		x = x * 16 + c;
	}
	*v = x;
	return 0;
}

/* The first byte at or after p that a string cannot just pass over: '"', '\\', a control
 * byte or a non-ASCII byte (the UTF-8 check).  Most of a line is plain ASCII inside strings,
 * so this scan is the parser's hot loop: 16 bytes a step with SSE2, 8 with plain words. */
#if defined(__SSE2__)
#include <emmintrin.h>
static inline const char *
skip_plain(const char *p, const char *end)
{
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
	__m128i v, m;
	unsigned mask;

	while (end - p >= 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)p);
		m = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
		mask = (unsigned)_mm_movemask_epi8(m) | (unsigned)_mm_movemask_epi8(v);
		if (mask)
			return p + __builtin_ctz(mask);
		p += 16;
	}
	while (p < end && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80 && *p != '"' && *p != '\\')
		p++;
	return p;
}
#else
/* High bit set in each byte that is '"', '\\', below 0x20 or above 0x7f; exact for the lowest
 * such byte, which is all the caller uses. */
static inline uint64_t
word_special(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');

	return (((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) | ((b - ONES) & ~b) | w) & HIGHS;
}

static inline const char *
skip_plain(const char *p, const char *end)
{
	uint64_t w, m;

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		if ((m = word_special(w)))
			return p + __builtin_ctzll(m) / 8;
		p += 8;
	}
	while (p < end && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80 && *p != '"' && *p != '\\')
		p++;
	return p;
}
#endif

/* Validates one escape at p (just past the backslash); returns the byte after it. */
static const char *
string_escape(struct jparse *jp, const char *p, const char *end)
{
	unsigned u, lo;

	if (p >= end)
		return fail(jp, p, "unterminated string");
	switch (*p) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
		return p + 1;
	case 'u':
		break;
	default:
		return fail(jp, p, "invalid escape in string");
	}
	if (end - p < 5 || hex4(p + 1, &u) < 0)
		return fail(jp, p, "invalid \\u escape");
	p += 5;
	if (u >= 0xDC00 && u <= 0xDFFF)
		return fail(jp, p, "lone low surrogate in \\u escape");
	if (u >= 0xD800 && u <= 0xDBFF) {
		if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) < 0 ||
		    lo < 0xDC00 || lo > 0xDFFF)
			return fail(jp, p, "high surrogate not followed by a low one");
		p += 6;
	}
	return p;
}

/* Validates one UTF-8 sequence whose lead byte is at p (>= 0x80); returns the byte after it. */
static const char *
string_utf8(struct jparse *jp, const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	unsigned c = u[0], lo = 0x80, hi = 0xBF;
	int k;

	if (c >= 0xC2 && c <= 0xDF)
		k = 1;
	else if (c >= 0xE0 && c <= 0xEF)
		k = 2, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		k = 3, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		return fail(jp, p, "invalid UTF-8");
	if (end - p <= k || u[1] < lo || u[1] > hi)
		return fail(jp, p, "invalid UTF-8");
	if (k >= 2 && (u[2] & 0xC0) != 0x80)
		return fail(jp, p, "invalid UTF-8");
	if (k == 3 && (u[3] & 0xC0) != 0x80)
		return fail(jp, p, "invalid UTF-8");
	return p + k + 1;
}

/* p just past the opening quote */
static const char *
json_string(struct jparse *jp, const char *p, const char *end, struct jval *v)
{
	const char *s = p;
	unsigned char c;

	v->kind = J_STRING;
	v->esc = 0;
	for (;;) {
		p = skip_plain(p, end);
		if (p >= end)
			return fail(jp, p, "unterminated string");
		c = (unsigned char)*p;
		if (c == '"') {
			v->s = s;
			v->n = (size_t)(p - s);
			return p + 1;
		}
		if (c == '\\') {
			v->esc = 1;
			if (!(p = string_escape(jp, p + 1, end)))
				return NULL;
		} else if (c >= 0x80) {
			do	/* runs of non-ASCII text (Chinese names) stay in this loop */
				if (!(p = string_utf8(jp, p, end)))
					return NULL;
			while (p < end && (unsigned char)*p >= 0x80);
		} else {
			return fail(jp, p, c ? "control character in string" : "NUL byte in string");
		}
	}
}

static const char *
json_number(struct jparse *jp, const char *p, const char *end, struct jval *v)
{
	const char *s = p;

	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		while (++p < end && (unsigned)(*p - '0') < 10)
			;
	else
		return fail(jp, s, "invalid number");
	if (p < end && *p == '.') {
		if (++p >= end || (unsigned)(*p - '0') >= 10)
			return fail(jp, s, "invalid number");
		while (++p < end && (unsigned)(*p - '0') < 10)
			;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || (unsigned)(*p - '0') >= 10)
			return fail(jp, s, "invalid number");
		while (++p < end && (unsigned)(*p - '0') < 10)
			;
	}
	v->kind = J_NUMBER;
	v->s = s;
	v->n = (size_t)(p - s);
	return p;
}

static const char *
json_word(struct jparse *jp, const char *p, const char *end, const char *w, size_t n, enum jkind k,
    struct jval *v)
{
	if ((size_t)(end - p) < n || memcmp(p, w, n) != 0)
		return fail(jp, p, "invalid literal");
	v->kind = k;
	v->s = p;
	v->n = n;
	return p + n;
}

static const char *
json_array(struct jparse *jp, const char *p, const char *end, int depth)
{
	struct jval item;

	p = json_ws(p, end);
	if (p < end && *p == ']')
		return p + 1;
	for (;;) {
		if (!(p = json_value(jp, p, end, &item, depth + 1)))
			return NULL;
		p = json_ws(p, end);
		if (p < end && *p == ']')
			return p + 1;
		if (p >= end || *p != ',')
			return fail(jp, p, "expected ',' or ']' in array");
		p = json_ws(p + 1, end);
	}
}

int
json_member_key(struct jparse *jp, const char **pp, const char *end, struct jval *key, int *first)
{
	const char *p = json_ws(*pp, end);

	if (p < end && *p == '}') {
		*pp = p + 1;
		return 0;
	}
	if (!*first) {
		if (p >= end || *p != ',')
			return fail(jp, p, "expected ',' or '}' in object"), -1;
		p = json_ws(p + 1, end);
	}
	*first = 0;
	if (p >= end || *p != '"')
		return fail(jp, p, "expected a string key in object"), -1;
	if (!(p = json_string(jp, p + 1, end, key)))
		return -1;
	p = json_ws(p, end);
	if (p >= end || *p != ':')
		return fail(jp, p, "expected ':' after key"), -1;
	*pp = json_ws(p + 1, end);
	return 1;
}

int
json_member(struct jparse *jp, const char **pp, const char *end, struct jval *key, struct jval *val,
    int depth, int *first)
{
	int r = json_member_key(jp, pp, end, key, first);

	if (r == 1 && !(*pp = json_value(jp, *pp, end, val, depth + 1)))
		return -1;
	return r;
}

static const char *
json_object(struct jparse *jp, const char *p, const char *end, int depth)
{
	struct jval k, v;
	int first = 1, r;

	while ((r = json_member(jp, &p, end, &k, &v, depth, &first)) == 1)
		;
	return r < 0 ? NULL : p;
}

const char *
json_value(struct jparse *jp, const char *p, const char *end, struct jval *v, int depth)
{
	const char *s = p, *q;

	if (p >= end)
		return fail(jp, p, "unexpected end of input");
	if (depth > (jp->maxdepth ? jp->maxdepth : JSON_MAXDEPTH))
		return fail(jp, p, "nesting too deep");
	switch (*p) {
	case '"':
		return json_string(jp, p + 1, end, v);
	case '{':
	case '[':
		q = *p == '{' ? json_object(jp, p + 1, end, depth) : json_array(jp, p + 1, end, depth);
		if (!q)
			return NULL;
		v->kind = *p == '{' ? J_OBJECT : J_ARRAY;
		v->s = s;
		v->n = (size_t)(q - s);
		v->esc = 0;
		return q;
	case 't':
		return json_word(jp, p, end, "true", 4, J_TRUE, v);
	case 'f':
		return json_word(jp, p, end, "false", 5, J_FALSE, v);
	case 'n':
		return json_word(jp, p, end, "null", 4, J_NULL, v);
	default:
		return json_number(jp, p, end, v);
	}
}

const char *
json_document(struct jparse *jp, const char *p, const char *end, struct jval *v)
{
	p = json_ws(p, end);
	if (!(p = json_value(jp, p, end, v, 0)))
		return NULL;
	p = json_ws(p, end);
	if (p != end)
		return fail(jp, p, "trailing characters after the JSON value");
	return p;
}

static size_t
put_utf8(char *d, unsigned u)
{
	if (u < 0x80) {
		d[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		d[0] = (char)(0xC0 | u >> 6);
		d[1] = (char)(0x80 | (u & 0x3F));
		return 2;
	}
	if (u < 0x10000) {
		d[0] = (char)(0xE0 | u >> 12);
		d[1] = (char)(0x80 | ((u >> 6) & 0x3F));
		d[2] = (char)(0x80 | (u & 0x3F));
		return 3;
	}
	d[0] = (char)(0xF0 | u >> 18);
	d[1] = (char)(0x80 | ((u >> 12) & 0x3F));
	d[2] = (char)(0x80 | ((u >> 6) & 0x3F));
	d[3] = (char)(0x80 | (u & 0x3F));
	return 4;
}

/* Decodes the escape at s[i] (just past '\\'), a validated one; returns its code point, moves *i. */
static unsigned
escape_codepoint(const char *s, size_t *i)
{
	unsigned u = 0, lo = 0xDC00;
	char c = s[(*i)++];

	switch (c) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'u':
		hex4(s + *i, &u);
		*i += 4;
		if (u >= 0xD800 && u <= 0xDBFF) {
			hex4(s + *i + 2, &lo);
			*i += 6;
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
		}
		return u;
	default:
		return (unsigned char)c;
	}
}

size_t
json_unescape(char *dst, const char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		if (s[i] != '\\') {
			dst[o++] = s[i++];
			continue;
		}
		i++;
		o += put_utf8(dst + o, escape_codepoint(s, &i));
	}
	return o;
}

size_t
json_string_to_tsv(char *dst, const char *s, size_t n)
{
	size_t i = 0, o = 0, run;
	unsigned u;
	const char *bs;

	while (i < n) {
		bs = memchr(s + i, '\\', n - i);
		run = bs ? (size_t)(bs - s) - i : n - i;
		memcpy(dst + o, s + i, run);
		o += run;
		i += run;
		if (i >= n)
			break;
		i++;
		u = escape_codepoint(s, &i);
		switch (u) {
		case '\\': dst[o++] = '\\', dst[o++] = '\\'; break;
		case '\t': dst[o++] = '\\', dst[o++] = 't'; break;
		case '\n': dst[o++] = '\\', dst[o++] = 'n'; break;
		case '\r': dst[o++] = '\\', dst[o++] = 'r'; break;
		case '\0': dst[o++] = '\\', dst[o++] = '0'; break;
		case '\b': dst[o++] = '\\', dst[o++] = 'b'; break;
		case '\f': dst[o++] = '\\', dst[o++] = 'f'; break;
		default: o += put_utf8(dst + o, u);
		}
	}
	return o;
}

int
json_key_is(const struct jval *key, const char *word, size_t wn)
{
	char buf[64];

	if (!key->esc)
		return key->n == wn && memcmp(key->s, word, wn) == 0;
	if (key->n > sizeof buf)
		return 0;
	return json_unescape(buf, key->s, key->n) == wn && memcmp(buf, word, wn) == 0;
}
