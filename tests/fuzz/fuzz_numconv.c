/* fuzz_numconv: lib/numconv.c against oracles written here without it.
 *
 * Input: byte 0 and 1 choose the Decimal's precision (1..38) and scale (0..prec); the rest is
 * the number text, given to every converter:
 *   conv_decimal(prec, scale)  vs a digit-string oracle: the grammar [+-]?(d+[.d*]|.d+)([eE][+-]?d+)?
 *       read here, the value mantissa x 10^exponent scaled by 10^scale, rounded half away from
 *       zero on the first dropped digit, more than prec digits a reject; written as
 *       [-]int.frac with exactly scale fraction digits, no "-" on zero; the reason is "not a
 *       number" or "too many integer digits for the Decimal" as the oracle says;
 *   conv_int for Int8..Int64 and UInt8..UInt64  vs strtoull on the digits, with the bounds;
 *   conv_float  vs the same grammar or inf/nan words, shorter than NUM_MAXTEXT;
 *   conv_date, conv_datetime  vs timegm/gmtime_r: YYYY-MM-DD[ hh:mm:ss] exactly, a day that
 *       exists in 1970-2105 and a time of day that exists (no leap second), or the zero
 *       0000-00-00[ 00:00:00] (ClickHouse's default, which ev2tsv writes);
 *   parse_count  vs a digit-by-digit accumulation with bounds.
 * Every output buffer is exactly NUM_MAXTEXT bytes, as the header promises is enough. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "numconv.h"

#include "fuzz.h"

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* --- the decimal oracle --------------------------------------------------------------------- */

struct num {
	int neg;
	char *mant;	/* mantissa digits without leading zeros (empty: zero) */
	size_t mn;
	long long exp10;	/* value = mant x 10^exp10; saturated far beyond any use */
};

/* 0, or -1 when the text is no number of the grammar */
static int
parse_num(const char *s, size_t n, struct num *x)
{
	size_t i = 0, idig = 0, fdig = 0, k;
	long long e = 0;
	int eneg = 0;

	memset(x, 0, sizeof *x);
	x->mant = malloc(n + 1);
	if (i < n && (s[i] == '+' || s[i] == '-'))
		x->neg = s[i++] == '-';
	for (; i < n && isdig(s[i]); i++, idig++)
		if (x->mn > 0 || s[i] != '0')
			x->mant[x->mn++] = s[i];
	if (i < n && s[i] == '.') {
		for (i++; i < n && isdig(s[i]); i++, fdig++)
			if (x->mn > 0 || s[i] != '0')
				x->mant[x->mn++] = s[i];
	}
	if (idig + fdig == 0)
		return -1;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		for (k = i; i < n && isdig(s[i]); i++)
			if (e < 1000000000000LL)	/* 10^12: beyond any mantissa length a test can have */
				e = e * 10 + (s[i] - '0');
		if (i == k)
			return -1;
	}
	if (i != n)
		return -1;
	x->exp10 = (eneg ? -e : e) - (long long)fdig;
	return 0;
}

/* The expected text of conv_decimal, or NULL with *why. */
static char *
oracle_decimal(const char *s, size_t n, int prec, int scale, const char **why)
{
	struct num x;
	char *intg, *out, *o;
	size_t in = 0, i, len;
	long long k;

	if (parse_num(s, n, &x) < 0) {
		free(x.mant);
		*why = "not a number";
		return NULL;
	}
	/* intg: round(mant x 10^(exp10 + scale)) as digits, at most prec of them */
	intg = malloc((size_t)prec + 2);
	k = x.exp10 + scale;
	if (x.mn == 0) {
		in = 0;
	} else if (k >= 0) {
		if ((long long)x.mn + k > prec)
			goto too_big;
		memcpy(intg, x.mant, x.mn);
		memset(intg + x.mn, '0', (size_t)k);
		in = x.mn + (size_t)k;
	} else {
		unsigned long long drop = (unsigned long long)-k;
		size_t keep = drop >= x.mn ? 0 : x.mn - (size_t)drop;
		int up = drop <= x.mn && x.mant[keep] >= '5';	/* first dropped digit; 0 beyond the mantissa */

		if (keep > (size_t)prec + 1)
			goto too_big;
		memcpy(intg + 1, x.mant, keep);
		intg[0] = '0';	/* room for a carry */
		for (i = keep + 1; up && i-- > 0;) {
			if (intg[i] == '9') {
				intg[i] = '0';
			} else {
				intg[i]++;
				up = 0;
			}
		}
		in = keep + 1;
		for (i = 0; i < in && intg[i] == '0'; i++)
			;
		memmove(intg, intg + i, in - i);
		in -= i;
		if (in > (size_t)prec)
			goto too_big;
	}
	/* [-]int.frac */
	len = in + (size_t)scale + 4;
	o = out = malloc(len);
	if (x.neg && in > 0)
		*o++ = '-';
	if (in <= (size_t)scale) {
		*o++ = '0';
	} else {
		memcpy(o, intg, in - (size_t)scale);
		o += in - (size_t)scale;
	}
	if (scale > 0) {
		*o++ = '.';
		for (i = 0; i < (size_t)scale; i++)
			*o++ = (size_t)scale - i > in ? '0' : intg[in - ((size_t)scale - i)];
	}
	*o = 0;
	free(intg);
	free(x.mant);
	*why = NULL;
	return out;
too_big:
	free(intg);
	free(x.mant);
	*why = "too many integer digits for the Decimal";
	return NULL;
}

static void
check_decimal(const char *s, size_t n, int prec, int scale)
{
	char dst[NUM_MAXTEXT];
	size_t dlen = 0;
	const char *why, *owhy;
	char *want = oracle_decimal(s, n, prec, scale, &owhy);
	why = conv_decimal(s, n, prec, scale, dst, &dlen);
	if (!!why != !!owhy || (why && strcmp(why, owhy) != 0) ||
	    (!why && (dlen != strlen(want) || memcmp(dst, want, dlen) != 0))) {
		fprintf(stderr, "conv_decimal(\"");
		fuzz_show(stderr, s, n, 300);
		fprintf(stderr, "\", %d, %d): ", prec, scale);
		if (why)
			fprintf(stderr, "rejected: %s", why);
		else
			fuzz_show(stderr, dst, dlen, 100);
		fprintf(stderr, "; oracle: %s\n", owhy ? owhy : want);
		FUZZ_CHECK(0, "conv_decimal differs from the oracle");
	}
	free(want);
}

/* --- integers ------------------------------------------------------------------------------- */

static void
check_int(const char *s, size_t n, int bits, int uns)
{
	char dst[NUM_MAXTEXT], want[32], *digits, *e;
	size_t dlen = 0, i = 0;
	const char *why;
	int neg = 0, valid;
	unsigned long long mag, limit;

	why = conv_int(s, n, bits, uns, dst, &dlen);
	if (n > 0 && (s[0] == '+' || s[0] == '-'))
		neg = s[i++] == '-';
	valid = i < n;
	for (size_t k = i; k < n; k++)
		valid &= isdig(s[k]);
	if (!valid) {
		/* conv_int checks the range digit by digit: a text whose leading digits overflow before
		 * the bad byte is called "integer out of range" (a reason less exact than it could be,
		 * but a reject all the same) */
		FUZZ_CHECK(why && (strcmp(why, "not an integer") == 0 || strcmp(why, "integer out of range") == 0), "conv_int(%.*s, %d, %d): %s", (int)(n > 60 ? 60 : n),
		    s, bits, uns, why ? why : "accepted");
		return;
	}
	digits = fuzz_dup(s + i, n - i);
	digits = realloc(digits, n - i + 1);
	digits[n - i] = 0;
	errno = 0;
	mag = strtoull(digits, &e, 10);
	FUZZ_CHECK(!*e, "strtoull stopped early");
	if (uns)
		limit = bits == 64 ? ULLONG_MAX : (1ULL << bits) - 1;
	else
		limit = (1ULL << (bits - 1)) - (neg ? 0 : 1);
	if (errno == ERANGE || mag > limit || (uns && neg && mag != 0)) {
		FUZZ_CHECK(why && strcmp(why, "integer out of range") == 0, "conv_int(%s%s, %d, %d): %s", neg ? "-" : "",
		    digits, bits, uns, why ? why : "accepted");
	} else {
		if (neg && mag != 0)
			snprintf(want, sizeof want, "-%llu", mag);
		else
			snprintf(want, sizeof want, "%llu", mag);
		FUZZ_CHECK(!why && dlen == strlen(want) && memcmp(dst, want, dlen) == 0, "conv_int(%s%s, %d, %d): %s, want %s",
		    neg ? "-" : "", digits, bits, uns, why ? why : "other text", want);
	}
	free(digits);
}

/* --- floats, dates -------------------------------------------------------------------------- */

static void
check_float(const char *s, size_t n)
{
	static const char *const words[] = { "inf", "-inf", "+inf", "nan", "-nan", "+nan" };
	char dst[NUM_MAXTEXT];
	size_t dlen = 0, i;
	struct num x;
	const char *why = conv_float(s, n, dst, &dlen);
	int ok = parse_num(s, n, &x) == 0;

	free(x.mant);
	for (i = 0; i < sizeof words / sizeof *words; i++)
		ok |= n == strlen(words[i]) && memcmp(s, words[i], n) == 0;
	ok &= n < NUM_MAXTEXT;
	FUZZ_CHECK((why == NULL) == ok, "conv_float(%.*s): %s", (int)(n > 60 ? 60 : n), s, why ? why : "accepted");
	if (!why)
		FUZZ_CHECK(dlen == n && memcmp(dst, s, n) == 0, "conv_float changed the text");
}

static int
two(const char *s, int *v)
{
	if (!isdig(s[0]) || !isdig(s[1]))
		return 0;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return 1;
}

/* 1 when s[0, n) is a date (and time) that exists and ClickHouse's Date/DateTime can hold */
static int
oracle_date(const char *s, size_t n, int with_time)
{
	int y1, y2, mo, d, h = 0, mi = 0, se = 0;
	struct tm tm = { 0 }, back;
	time_t t;

	if (n != (with_time ? 19u : 10u))
		return 0;
	if (memcmp(s, with_time ? "0000-00-00 00:00:00" : "0000-00-00", n) == 0)
		return 1;	/* ClickHouse's zero Date/DateTime, what ev2tsv writes for a missing one */
	if (!two(s, &y1) || !two(s + 2, &y2) || s[4] != '-' || !two(s + 5, &mo) || s[7] != '-' || !two(s + 8, &d))
		return 0;
	if (with_time && (s[10] != ' ' || !two(s + 11, &h) || s[13] != ':' || !two(s + 14, &mi) || s[16] != ':' ||
	    !two(s + 17, &se)))
		return 0;
	tm.tm_year = y1 * 100 + y2 - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	if (!gmtime_r(&t, &back))
		return 0;
	return back.tm_year == y1 * 100 + y2 - 1900 && back.tm_mon == mo - 1 && back.tm_mday == d && back.tm_hour == h &&
	    back.tm_min == mi && back.tm_sec == se && y1 * 100 + y2 >= 1970 && y1 * 100 + y2 <= 2105;
}

static void
check_dates(const char *s, size_t n)
{
	char dst[NUM_MAXTEXT];
	size_t dlen = 0;
	const char *why;

	why = conv_date(s, n, dst, &dlen);
	FUZZ_CHECK((why == NULL) == oracle_date(s, n, 0), "conv_date(%.*s): %s", (int)(n > 40 ? 40 : n), s, why ? why : "accepted");
	if (!why)
		FUZZ_CHECK(dlen == n && memcmp(dst, s, n) == 0, "conv_date changed the text");
	why = conv_datetime(s, n, dst, &dlen);
	FUZZ_CHECK((why == NULL) == oracle_date(s, n, 1), "conv_datetime(%.*s): %s", (int)(n > 40 ? 40 : n), s,
	    why ? why : "accepted");
	if (!why)
		FUZZ_CHECK(dlen == n && memcmp(dst, s, n) == 0, "conv_datetime changed the text");
}

/* parse_count reads a C string: the text up to its first NUL */
static void
check_count(const char *s, size_t n)
{
	static const long long bounds[][2] = { { 0, 100 }, { 1, 10000 }, { -5, 5 }, { LLONG_MIN, LLONG_MAX },
		{ 0, LLONG_MAX } };
	char *z = malloc(n + 1);
	size_t b, i;
	int neg = 0, ok, over = 0;
	unsigned long long mag = 0;
	long long want = 0;

	memcpy(z, s, n);
	z[n] = 0;
	i = 0;
	if (z[0] == '+' || z[0] == '-')
		neg = z[i++] == '-';
	ok = isdig(z[i]);
	for (; ok && z[i]; i++) {
		ok = isdig(z[i]);
		if (mag > (ULLONG_MAX - 9) / 10)
			over = 1;
		else
			mag = mag * 10 + (unsigned)(z[i] - '0');
	}
	if (neg ? mag > (unsigned long long)LLONG_MAX + 1 : mag > (unsigned long long)LLONG_MAX)
		over = 1;
	else
		want = neg ? (long long)(0 - mag) : (long long)mag;
	for (b = 0; b < sizeof bounds / sizeof *bounds; b++) {
		const char *why;
		long long v = parse_count(z, bounds[b][0], bounds[b][1], &why);

		if (ok && !over && want >= bounds[b][0] && want <= bounds[b][1])
			FUZZ_CHECK(!why && v == want, "parse_count(%s): %s", z, why ? why : "another value");
		else
			FUZZ_CHECK(why && v == 0, "parse_count(%s, %lld, %lld) accepted %lld", z, bounds[b][0], bounds[b][1], v);
	}
	free(z);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int bits[] = { 8, 16, 32, 64 };
	int prec, scale, b;
	const char *s;
	size_t n;
	char *text;

	if (size < 2)
		return 0;
	prec = 1 + data[0] % 38;
	scale = data[1] % (prec + 1);
	s = (const char *)data + 2;
	n = size - 2;
	text = fuzz_dup(s, n);	/* exact size: ASan sees any read past the end */
	check_decimal(text, n, prec, scale);
	for (b = 0; b < 8; b++)
		check_int(text, n, bits[b % 4], b >= 4);
	check_float(text, n);
	check_dates(text, n);
	check_count(text, n);
	free(text);
	return 0;
}
