/* jansson_diff.h: our JSON parsers against jansson 2.14, with exactly the documented differences
 * left out (fuzz_json_oracle.c and fuzz_route.c; the list, D1-D5, is in fuzz_json_oracle.c).
 *
 * jdiff(in, n, flags, ours, &jv) runs ours(in, n) and json_loadb(in, n, flags) and returns
 *   JD_BOTH_OK    both accept, no exclusion: *jv is jansson's value (json_decref it);
 *   JD_BOTH_BAD   both refuse;
 *   JD_EXCLUDED   they differ only by D1-D5 (counted in jd_stats);
 * and aborts on any other difference.  flags: JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL and, for
 * a parser of any value, JSON_DECODE_ANY. */
#ifndef JANSSON_DIFF_H
#define JANSSON_DIFF_H
#include <jansson.h>
#include <string.h>

#include "json.h"

#include "fuzz.h"

enum { JD_BOTH_BAD, JD_BOTH_OK, JD_EXCLUDED };

/* returns nonzero when the parser accepts; *err its reason otherwise */
typedef int (*jd_parser)(const char *s, size_t n, const char **err);

static struct {
	unsigned long long runs, both_ok, both_bad, d1, d2, d3int, d3real, d4, d5;
} jd_stats;

static void
jd_print_stats(const char *who)
{
	fprintf(stderr, "%s: %llu inputs: %llu both accept, %llu both refuse; excluded: D1 duplicate key %llu, "
	    "D2 NUL in a key %llu, D3 integer overflow %llu, D3 real overflow %llu, D4 nesting %llu, "
	    "D5 NUL after a token %llu\n", who, jd_stats.runs, jd_stats.both_ok, jd_stats.both_bad, jd_stats.d1,
	    jd_stats.d2, jd_stats.d3int, jd_stats.d3real, jd_stats.d4, jd_stats.d5);
}

/* The deepest nesting of arrays and objects, outside strings. */
static size_t
jd_max_nesting(const char *s, size_t n)
{
	size_t i, d = 0, max = 0;
	int in_str = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++d > max)
				max = d;
		} else if ((c == ']' || c == '}') && d > 0) {
			d--;
		}
	}
	return max;
}

/* D5: the input without the NUL bytes that directly follow a letter or digit outside strings;
 * NULL when there are none. */
static char *
jd_strip_nul_after_token(const char *s, size_t n, size_t *dn)
{
	char *d = malloc(n ? n : 1);
	size_t i, o = 0;
	int in_str = 0, dropped = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\' && i + 1 < n)
				d[o++] = c, c = s[++i];
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == 0 && i > 0 && ((s[i - 1] >= '0' && s[i - 1] <= '9') || (s[i - 1] >= 'a' && s[i - 1] <= 'z') ||
		    (s[i - 1] >= 'A' && s[i - 1] <= 'Z'))) {
			dropped = 1;
			continue;
		}
		d[o++] = c;
	}
	if (!dropped) {
		free(d);
		return NULL;
	}
	*dn = o;
	return d;
}

/* D2: every \u0000 escape becomes \u0001 (valid for both parsers exactly when it was). */
static char *
jd_nul_escapes_to_one(const char *s, size_t n)
{
	char *d = fuzz_dup(s, n);
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		if (d[i] != '\\')
			continue;
		if (d[i + 1] == 'u' && i + 5 < n && memcmp(d + i + 2, "0000", 4) == 0)
			d[i + 5] = '1';
		i++;	/* the escaped character is no backslash of its own */
	}
	return d;
}

static void
jd_show(const char *in, size_t n)
{
	fprintf(stderr, "input: ");
	fuzz_show(stderr, in, n, 400);
	fputc('\n', stderr);
}

static int
jdiff(const char *in, size_t n, size_t flags, jd_parser ours, json_t **jv)
{
	const char *err = NULL;
	int ok = ours(in, n, &err), excluded = 0;
	json_error_t je;
	json_t *j = json_loadb(in, n, flags, &je);
	char *rewritten = NULL;

	jd_stats.runs++;
	*jv = NULL;
	if (ok && j) {
		jd_stats.both_ok++;
		*jv = j;
		return JD_BOTH_OK;
	}
	if (!ok && !j) {
		jd_stats.both_bad++;
		return JD_BOTH_BAD;
	}
	if (!ok) {	/* jansson accepts, ours refuses: D5, D4 */
		size_t d, sn = n;
		char *stripped = jd_strip_nul_after_token(in, n, &sn);
		const char *s = stripped ? stripped : in;

		json_decref(j);
		if (stripped) {
			jd_stats.d5++;
			if (ours(s, sn, &err)) {
				free(stripped);
				return JD_EXCLUDED;
			}
		}
		d = jd_max_nesting(s, sn);
		if (strcmp(err, "nesting too deep") != 0 || d < 513) {
			jd_show(in, n);
			FUZZ_CHECK(0, "jansson accepts, ours refuses%s: %s (nesting %zu)", stripped ? " (after D5)" : "", err, d);
		}
		jd_stats.d4++;
		free(stripped);
		return JD_EXCLUDED;
	}
	/* ours accepts, jansson refuses: D1, D2, D3 */
	FUZZ_CHECK(jd_max_nesting(in, n) <= 513, "ours accepts nesting %zu", jd_max_nesting(in, n));
	for (;;) {
		enum json_error_code code = json_error_code(&je);
		const char *buf = rewritten ? rewritten : in;

		if (code == json_error_duplicate_key && (flags & JSON_REJECT_DUPLICATES)) {
			jd_stats.d1 += !(excluded & 1);
			excluded |= 1;
			flags &= ~(size_t)JSON_REJECT_DUPLICATES;
		} else if (code == json_error_null_byte_in_key && !rewritten) {
			jd_stats.d2++;
			excluded |= 2;
			buf = rewritten = jd_nul_escapes_to_one(in, n);
			flags &= ~(size_t)JSON_REJECT_DUPLICATES;
		} else if (code == json_error_numeric_overflow && !(flags & JSON_DECODE_INT_AS_REAL) &&
		    strstr(je.text, "too big") && strstr(je.text, "integer")) {
			jd_stats.d3int += !(excluded & 4);
			excluded |= 4;
			flags |= JSON_DECODE_INT_AS_REAL;
		} else if (code == json_error_numeric_overflow && strstr(je.text, "real number overflow")) {
			jd_stats.d3real++;
			break;	/* jansson cannot go on: the rest is unchecked */
		} else {
			jd_show(in, n);
			FUZZ_CHECK(0, "ours accepts, jansson refuses (after exclusions %d): %s at byte %d (code %d)", excluded,
			    je.text, je.position, (int)code);
		}
		if ((j = json_loadb(buf, n, flags, &je))) {
			json_decref(j);
			break;
		}
	}
	free(rewritten);
	return JD_EXCLUDED;
}

#endif
