/* fuzz_json_oracle: lib/json.c's json_document against jansson 2.14, then evrow_convert's values
 * against jansson's decoded ones.
 *
 * Level 1, the whole input as one document: json_document must accept exactly what
 *   json_loadb(input, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY)
 * accepts.  JSON_DECODE_ANY because json_document takes any value, as RFC 8259 does; without it
 * jansson refuses every top-level scalar ("'[' or '{' expected") and so says nothing about them.
 * (evrow_convert and kevent_scan are the "objects only" callers; level 2 and fuzz_route test
 * those.)  White space is the same set in both (space, tab, LF, CR).
 *
 * The documented differences, and how the comparison leaves out exactly them:
 *  D1 duplicate keys.  jansson with JSON_REJECT_DUPLICATES refuses a repeated key in any object
 *     (json_error_duplicate_key); json.c is a scanner that keeps no keys (evrow rejects a repeated
 *     schema key, kevent_scan a repeated eventType/eventBody; others are legal JSON).  When ours
 *     accepts and jansson says duplicate_key, jansson parses again without the flag and the
 *     comparison goes on.
 *  D2 NUL in a key.  jansson 2.14 cannot hold "\u0000" inside a key even with JSON_ALLOW_NUL
 *     (json_error_null_byte_in_key); json.c takes it (evrow then finds no column of that name).
 *     When ours accepts and jansson says null_byte_in_key, every \u0000 escape in the input is
 *     made \u0001 (the same validity for both) and jansson parses again, duplicates allowed.
 *  D3 numbers jansson cannot hold: integers outside long long ("too big integer", "too big
 *     negative integer") and reals that overflow a double ("real number overflow": 1e999999999,
 *     400 digits), all json_error_numeric_overflow.  json.c checks the grammar only (numconv
 *     decides per column).  When ours accepts and jansson says numeric_overflow, an integer is
 *     retried with JSON_DECODE_INT_AS_REAL; a real overflow ends the comparison as agreed
 *     (jansson stops there, so the rest of that input goes unchecked: counted as D3-real).
 *     Underflow (1e-999999999) is accepted by both.
 *  D4 nesting depth.  jansson refuses more than 2048 nested arrays/objects
 *     (JSON_PARSER_MAX_DEPTH, json_error_stack_overflow), json.c a value more than JSON_MAXDEPTH
 *     (512) containers deep.  When jansson accepts and ours says "nesting too deep", the input
 *     must nest at least 513 containers (counted here); with 514 or more ours must refuse.
 *  D5 a NUL byte after a number or a word.  jansson 2.14 drops one raw NUL byte that directly
 *     follows a number or true/false/null (its lexer reads the byte after the token and "ungets"
 *     it into a NUL-terminated buffer, where it reads as nothing): it accepts "9\0", "[1\0]",
 *     "{\"a\":true\0}"; json.c refuses the byte, as it must.  When jansson accepts and ours
 *     refuses, such NUL bytes (outside strings, after a letter or digit) are taken out and ours
 *     must then accept.
 * Anything else on which they disagree aborts, with both reasons.
 *
 * Level 2, when both accept the document as it is (no D1-D5) and it is an object: evrow_convert
 * with the sa table's schema (loose, as ev2tsv runs by default) against what jansson decoded:
 * the envelope ("eventBody" at the top, after key unescaping) or the body alone; a non-object
 * eventBody a reject; per column the value jansson has for that key:
 *   String: absent or null -> empty; a string -> the field, tsv_unescape'd, is the same bytes
 *     (NULs included); true/false -> the word; a number -> the same number when jansson reads
 *     the field back; an object or array -> the row is rejected for that column;
 *   Int32: absent, null or "" -> 0 (a default); a JSON integer -> itself if in range, else a
 *     reject; a real (1.0, 1e2) -> reject; a string -> numconv's business (fuzz_numconv), only
 *     the range is checked here; true/false/object/array -> reject;
 *   Nullable(Decimal(18,2)): absent, null or "" -> \N; a JSON integer -> itself with ".00" when
 *     it has at most 16 digits, else a reject; reals and strings -> numconv's business;
 *     true/false/object/array -> reject.
 * A reject must name a column whose value may be rejected, and none before it (columns are
 * converted in order) may be a certain reject; ev.unknown must count the keys of the data
 * object not in the schema and ev.defaults the non-Nullable columns left without a value.
 *
 * FUZZ_STATS=1 in the environment prints how often each exclusion was taken, at exit. */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "evrow.h"
#include "json.h"
#include "schema.h"
#include "tsv.h"

#include "fuzz.h"
#include "jansson_diff.h"
#include "sa_describe.h"

static struct schema sa;
static unsigned long long n_level2, n_level2_ok;

static void
stats(void)
{
	jd_print_stats("fuzz_json_oracle");
	fprintf(stderr, "fuzz_json_oracle: level 2 on %llu objects, %llu rows accepted\n", n_level2, n_level2_ok);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc, (void)argv;
	if (schema_parse(&sa, SA_DESCRIBE, strlen(SA_DESCRIBE), "sa.describe.tsv", err, sizeof err) < 0) {
		fprintf(stderr, "fuzz_json_oracle: schema: %s\n", err);
		abort();
	}
	if (getenv("FUZZ_STATS"))
		atexit(stats);
	return 0;
}

/* --- level 2 -------------------------------------------------------------------------------- */

enum expect { E_OK, E_MAYBE, E_REJECT };	/* what the column's value must do */

static const json_t *
member(const json_t *obj, const struct column *c)
{
	return json_object_getn(obj, c->name, c->namelen);
}

static int
is_empty_string(const json_t *v)
{
	return json_is_string(v) && json_string_length(v) == 0;
}

static enum expect
expect_col(const struct column *c, const json_t *v)
{
	if (!v || json_is_null(v))
		return E_OK;
	switch (c->type) {
	case CT_STRING:
		return json_is_object(v) || json_is_array(v) ? E_REJECT : E_OK;
	case CT_INT:
		if (is_empty_string(v))
			return E_OK;
		if (json_is_integer(v))
			return json_integer_value(v) >= INT32_MIN && json_integer_value(v) <= INT32_MAX ? E_OK : E_REJECT;
		return json_is_string(v) ? E_MAYBE : E_REJECT;
	case CT_DECIMAL:
		if (is_empty_string(v))
			return E_OK;
		if (json_is_integer(v)) {
			json_int_t x = json_integer_value(v);
			return x > -10000000000000000LL && x < 10000000000000000LL ? E_OK : E_REJECT;
		}
		return json_is_string(v) || json_is_real(v) ? E_MAYBE : E_REJECT;
	default:
		FUZZ_CHECK(0, "the sa schema has a column of an unexpected type");
	}
	return E_MAYBE;
}

static void
check_string_field(const struct column *c, const json_t *v, const char *f, size_t fn)
{
	char *tmp = malloc(fn + 1);
	long u;

	if (!v || json_is_null(v)) {
		FUZZ_CHECK(fn == 0, "column %s: no value but a field of %zu bytes", c->name, fn);
	} else if (json_is_string(v)) {
		u = tsv_unescape(tmp, f, fn);
		FUZZ_CHECK(u >= 0, "column %s: no valid TabSeparated escape sequence", c->name);
		FUZZ_CHECK((size_t)u == json_string_length(v) && memcmp(tmp, json_string_value(v), (size_t)u) == 0,
		    "column %s: field decodes to %ld bytes, jansson's string has %zu", c->name, u,
		    json_string_length(v));
	} else if (json_is_true(v) || json_is_false(v)) {
		const char *w = json_is_true(v) ? "true" : "false";
		FUZZ_CHECK(fn == strlen(w) && memcmp(f, w, fn) == 0, "column %s: boolean written as another word", c->name);
	} else if (json_is_number(v)) {
		json_error_t je;
		json_t *back = json_loadb(f, fn, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &je), *vr;
		FUZZ_CHECK(back && json_is_number(back), "column %s: a number written as no number", c->name);
		vr = json_real(json_number_value(v));
		FUZZ_CHECK(json_number_value(back) == json_number_value(vr), "column %s: another number", c->name);
		json_decref(vr);
		json_decref(back);
	}
	free(tmp);
}

static void
check_int_field(const struct column *c, const json_t *v, const char *f, size_t fn)
{
	char buf[32], *e;
	long long x;

	FUZZ_CHECK(fn > 0 && fn < sizeof buf, "column %s: Int32 field of %zu bytes", c->name, fn);
	memcpy(buf, f, fn);
	buf[fn] = 0;
	errno = 0;
	x = strtoll(buf, &e, 10);
	FUZZ_CHECK(!*e && !errno && x >= INT32_MIN && x <= INT32_MAX, "column %s: field %s", c->name, buf);
	if (!v || json_is_null(v) || is_empty_string(v))
		FUZZ_CHECK(x == 0 && fn == 1, "column %s: default %s", c->name, buf);
	else if (json_is_integer(v))
		FUZZ_CHECK(x == json_integer_value(v), "column %s: %s for %" JSON_INTEGER_FORMAT, c->name, buf,
		    json_integer_value(v));
}

static void
check_decimal_field(const struct column *c, const json_t *v, const char *f, size_t fn)
{
	char want[48];

	if (!v || json_is_null(v) || is_empty_string(v)) {
		FUZZ_CHECK(fn == 2 && f[0] == '\\' && f[1] == 'N', "column %s: no value but no \\N", c->name);
		return;
	}
	if (json_is_integer(v)) {
		snprintf(want, sizeof want, "%" JSON_INTEGER_FORMAT ".00", json_integer_value(v));
		if (json_integer_value(v) == 0)
			strcpy(want, "0.00");
		FUZZ_CHECK(fn == strlen(want) && memcmp(f, want, fn) == 0, "column %s: %.*s for %s", c->name, (int)fn, f,
		    want);
	}
}

static void
level2(const char *in, size_t n, const json_t *top)
{
	struct evrow ev;
	const json_t *data = top, *body = json_object_get(top, "eventBody");
	const char *key;
	const json_t *val;
	char *out, *rej;
	long w;
	size_t i, unknown = 0, defaults = 0, rejcol = SIZE_MAX;
	enum expect e[64];

	evrow_init(&ev, &sa, 0);
	out = malloc(evrow_bound(&ev, n));
	n_level2++;
	w = evrow_convert(&ev, in, n, out);
	if (body && !json_is_object(body)) {
		FUZZ_CHECK(w < 0 && strcmp(ev.reason, "eventBody is not an object") == 0,
		    "eventBody is no object, but: %s", w < 0 ? ev.reason : "accepted");
		free(out);
		evrow_free(&ev);
		return;
	}
	if (body)
		data = body;
	FUZZ_CHECK(sa.ncol <= 64, "schema too wide for this harness");
	for (i = 0; i < sa.ncol; i++)
		e[i] = expect_col(&sa.col[i], member(data, &sa.col[i]));
	if (w < 0) {
		FUZZ_CHECK(strncmp(ev.reason, "column '", 8) == 0, "a valid object rejected: %s", ev.reason);
		rej = ev.reason + 8;
		for (i = 0; i < sa.ncol; i++)
			if (strncmp(rej, sa.col[i].name, sa.col[i].namelen) == 0 && rej[sa.col[i].namelen] == '\'') {
				rejcol = i;
				break;
			}
		FUZZ_CHECK(rejcol != SIZE_MAX, "reject names no column: %s", ev.reason);
		FUZZ_CHECK(e[rejcol] != E_OK, "column %s rejected, jansson's value is fine: %s", sa.col[rejcol].name,
		    ev.reason);
		for (i = 0; i < rejcol; i++)
			FUZZ_CHECK(e[i] != E_REJECT, "column %s should have been rejected before %s", sa.col[i].name,
			    ev.reason);
		free(out);
		evrow_free(&ev);
		return;
	}
	n_level2_ok++;
	{
		const char *p = out, *end = out + w - 1, *tab;

		for (i = 0; i < sa.ncol; i++, p = tab + 1) {
			const struct column *c = &sa.col[i];
			const json_t *v = member(data, c);

			FUZZ_CHECK(e[i] != E_REJECT, "column %s should have been rejected", c->name);
			tab = memchr(p, '\t', (size_t)(end - p));
			if (!tab)
				tab = end;
			if (!c->nullable && (!v || json_is_null(v) || (c->type != CT_STRING && is_empty_string(v))))
				defaults++;
			if (c->type == CT_STRING)
				check_string_field(c, v, p, (size_t)(tab - p));
			else if (c->type == CT_INT)
				check_int_field(c, v, p, (size_t)(tab - p));
			else
				check_decimal_field(c, v, p, (size_t)(tab - p));
		}
	}
	json_object_foreach((json_t *)data, key, val) {
		size_t kn = strlen(key);	/* jansson holds no NUL in a key (D2) */
		if (schema_find(&sa, key, kn) < 0)
			unknown++;
	}
	FUZZ_CHECK(ev.unknown == unknown, "ev.unknown %u, jansson counts %zu keys not in the schema", ev.unknown,
	    unknown);
	FUZZ_CHECK(ev.defaults == defaults, "ev.defaults %u, expected %zu", ev.defaults, defaults);
	free(out);
	evrow_free(&ev);
}

/* --- level 1 -------------------------------------------------------------------------------- */

static enum jkind doc_kind;
static const char *doc_start;

static int
ours(const char *s, size_t n, const char **err)
{
	struct jparse jp = { 0 };
	struct jval v;

	if (!json_document(&jp, s, s + n, &v)) {
		*err = jp.err;
		return 0;
	}
	doc_kind = v.kind;
	doc_start = v.s;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	json_t *j;

	if (jdiff(in, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, ours, &j) != JD_BOTH_OK)
		return 0;
	FUZZ_CHECK((doc_kind == J_OBJECT) == json_is_object(j) && (doc_kind == J_ARRAY) == json_is_array(j) &&
	    (doc_kind == J_STRING) == json_is_string(j) && (doc_kind == J_NUMBER) == json_is_number(j),
	    "different kinds of value");
	FUZZ_CHECK(doc_start == json_ws(in, in + size) + (doc_kind == J_STRING),
	    "the value does not start after the white space");
	if (json_is_object(j))
		level2(in, size, j);
	json_decref(j);
	return 0;
}
