#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "numconv.h"

#define ISDIGIT(c) ((unsigned)(c) - '0' < 10)

const char *
conv_int(const char *s, size_t n, int bits, int is_unsigned, char *dst, size_t *dlen)
{
	uint64_t v = 0, limit;
	size_t i = 0;
	int neg = 0;
	char tmp[24], *t = tmp + sizeof tmp;

	if (n > 0 && (s[0] == '-' || s[0] == '+'))
		neg = s[i++] == '-';
	if (i == n)
		return "not an integer";
	if (is_unsigned)
		limit = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
	else
		limit = (UINT64_C(1) << (bits - 1)) - (neg ? 0 : 1);
	for (; i < n; i++) {
		if (!ISDIGIT(s[i]))
			return "not an integer";
		if (v > (limit - (uint64_t)(s[i] - '0')) / 10) {
			while (++i < n)	/* "12345678901x" is no integer at all, not a big one */
				if (!ISDIGIT(s[i]))
					return "not an integer";
			return "integer out of range";
		}
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (neg && is_unsigned && v != 0)
		return "integer out of range";
	do
		*--t = (char)('0' + v % 10);
	while (v /= 10);
	if (neg && (tmp + sizeof tmp - t > 1 || *t != '0'))
		*--t = '-';
	*dlen = (size_t)(tmp + sizeof tmp - t);
	memcpy(dst, t, *dlen);
	return NULL;
}

/* The digits of a number split into mantissa digits and a power of ten. */
struct decparts {
	const char *ip, *fp;	/* integer and fraction digits */
	size_t in, fn;
	long long exp;
	int neg;
};

static const char *
decimal_split(const char *s, size_t n, struct decparts *d)
{
	size_t i = 0;

	memset(d, 0, sizeof *d);
	if (i < n && (s[i] == '-' || s[i] == '+'))
		d->neg = s[i++] == '-';
	d->ip = s + i;
	while (i < n && ISDIGIT(s[i]))
		i++, d->in++;
	if (i < n && s[i] == '.') {
		d->fp = s + ++i;
		while (i < n && ISDIGIT(s[i]))
			i++, d->fn++;
	}
	if (d->in + d->fn == 0)
		return "not a number";
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0;
		size_t e0;

		if (++i < n && (s[i] == '-' || s[i] == '+'))
			eneg = s[i++] == '-';
		for (e0 = i; i < n && ISDIGIT(s[i]); i++)
			if (d->exp < 1000000000000000L)	/* far beyond any line's digit count */
				d->exp = d->exp * 10 + (s[i] - '0');
		if (i == e0)
			return "not a number";
		if (eneg)
			d->exp = -d->exp;
	}
	return i == n ? NULL : "not a number";
}

/* The k-th mantissa digit (integer digits then fraction digits). */
static int
decimal_digit(const struct decparts *d, size_t k)
{
	return k < d->in ? d->ip[k] - '0' : d->fp[k - d->in] - '0';
}

const char *
conv_decimal(const char *s, size_t n, int prec, int scale, char *dst, size_t *dlen)
{
	struct decparts d;
	const char *why;
	size_t total, lead = 0, keep, k;
	long long shift;
	char digits[48];
	size_t nd = 0;
	int carry;

	if ((why = decimal_split(s, n, &d)))
		return why;
	total = d.in + d.fn;
	while (lead < total && decimal_digit(&d, lead) == 0)
		lead++;
	/* value = mantissa digits[lead..total) * 10^(exp - fn); scaled by 10^scale */
	shift = d.exp - (long long)d.fn + scale;
	if (lead == total) {
		keep = 0;
	} else if (shift >= 0) {
		if ((long long)(total - lead) + shift > prec)
			return "too many integer digits for the Decimal";
		for (k = lead; k < total; k++)
			digits[nd++] = (char)('0' + decimal_digit(&d, k));
		while (shift-- > 0)
			digits[nd++] = '0';
		keep = nd;
	} else {
		long long drop = -shift;
		size_t sig = total - lead;

		keep = (long long)sig > drop ? sig - (size_t)drop : 0;
		if (keep > (size_t)prec + 1)
			return "too many integer digits for the Decimal";
		for (k = 0; k < keep; k++)
			digits[nd++] = (char)('0' + decimal_digit(&d, lead + k));
		/* round half away from zero on the first dropped digit */
		carry = (long long)sig >= drop ? decimal_digit(&d, lead + keep) >= 5 : 0;
		for (k = nd; carry && k-- > 0;) {
			if (digits[k] == '9') {
				digits[k] = '0';
			} else {
				digits[k]++;
				carry = 0;
			}
		}
		if (carry) {
			memmove(digits + 1, digits, nd);
			digits[0] = '1';
			nd++;
		}
		keep = nd;
		if (keep > (size_t)prec)
			return "too many integer digits for the Decimal";
	}
	/* write [-]int.frac with exactly `scale` fraction digits */
	{
		char *o = dst;
		size_t intd = keep > (size_t)scale ? keep - (size_t)scale : 0;
		size_t pad = keep < (size_t)scale ? (size_t)scale - keep : 0;

		if (d.neg && keep > 0)
			*o++ = '-';
		if (intd == 0)
			*o++ = '0';
		else
			memcpy(o, digits, intd), o += intd;
		if (scale > 0) {
			*o++ = '.';
			memset(o, '0', pad), o += pad;
			memcpy(o, digits + intd, keep - intd), o += keep - intd;
		}
		*dlen = (size_t)(o - dst);
	}
	return NULL;
}

const char *
conv_float(const char *s, size_t n, char *dst, size_t *dlen)
{
	struct decparts d;
	static const char *const words[] = { "inf", "-inf", "+inf", "nan", "-nan", "+nan" };
	size_t i;

	if (n >= NUM_MAXTEXT)
		return "number text too long for a Float";
	for (i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == n && strncmp(words[i], s, n) == 0)
			goto ok;
	if (decimal_split(s, n, &d))
		return "not a number";
ok:
	memcpy(dst, s, n);
	*dlen = n;
	return NULL;
}

static int
digits_at(const char *s, size_t k, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < k; i++) {
		if (!ISDIGIT(s[i]))
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

static const char *
check_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (!digits_at(s, 4, &y) || s[4] != '-' || !digits_at(s + 5, 2, &m) || s[7] != '-' ||
	    !digits_at(s + 8, 2, &d))
		return "not a date (YYYY-MM-DD)";
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))))
		return "no such date";
	if (y < 1970 || y > 2105)
		return "date outside 1970-2105";
	return NULL;
}

const char *
conv_date(const char *s, size_t n, char *dst, size_t *dlen)
{
	const char *why;

	if (n != 10)
		return "not a date (YYYY-MM-DD)";
	if (memcmp(s, "0000-00-00", 10) == 0)	/* ClickHouse's own zero Date, the type's default */
		goto ok;
	if ((why = check_date(s)))
		return why;
ok:
	memcpy(dst, s, n);
	*dlen = n;
	return NULL;
}

const char *
conv_datetime(const char *s, size_t n, char *dst, size_t *dlen)
{
	const char *why;
	int h, mi, se;

	if (n != 19 || s[10] != ' ' || s[13] != ':' || s[16] != ':')
		return "not a date-time (YYYY-MM-DD hh:mm:ss)";
	if (memcmp(s, "0000-00-00 00:00:00", 19) == 0)	/* the zero DateTime, the type's default */
		goto ok;
	if ((why = check_date(s)))
		return why;
	if (!digits_at(s + 11, 2, &h) || !digits_at(s + 14, 2, &mi) || !digits_at(s + 17, 2, &se) ||
	    h > 23 || mi > 59 || se > 59)
		return "no such time of day";
ok:
	memcpy(dst, s, n);
	*dlen = n;
	return NULL;
}

long long
parse_count(const char *s, long long min, long long max, const char **why)
{
	char *end;
	long long v;

	errno = 0;
	*why = NULL;
	if (!s || !*s || !(ISDIGIT(*s) || *s == '-' || *s == '+')) {
		*why = "not a number";
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (*end)
		*why = "not a number";
	else if (errno == ERANGE || v < min)
		*why = v < min ? "too small" : "too large";
	else if (v > max)
		*why = "too large";
	return *why ? 0 : v;
}

long long
flag_number(const char *flag, const char *arg, long long min, long long max)
{
	const char *why;
	long long v = parse_count(arg, min, max, &why);

	if (why)
		fatal(EXIT_TROUBLE, "%s %s: %s", flag, arg, why);
	return v;
}
