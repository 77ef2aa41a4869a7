/* fuzz_tsvrow: tsvrow_canon, chload's TabSeparated reader, under ASan and UBSan.
 *
 * The input is split at '\n' into lines as chload's reader does; every line goes to four
 * readers: schemas A "s:String,i:Int32,d:Nullable(Decimal(18,2))" and B (every other type, from
 * a -c list), each with values checked and without (check_values 0: only the field count, CR
 * and empty lines).  Invariants:
 *   - accepted: length <= tsvrow_bound, ends in '\n', no other raw newline, exactly ncol-1 raw
 *     tabs; fed again it gives itself (canonical output is a fixed point);
 *     with values checked, every String field is a valid escape sequence (tsv_unescape), a
 *     FixedString(N) one at most N bytes once decoded (what ClickHouse stores), a field of
 *     exactly \N only in a Nullable column, and nothing accepted becomes longer than
 *     NUM_MAXTEXT per field beyond its input;
 *   - rejected: a non-empty reason; with values checked, everything the unchecked reader
 *     rejects is rejected too.
 * Output buffers are exactly tsvrow_bound bytes so ASan sees any overrun.
 * Each line also goes through lib/tsv.c: tsv_unescape(tsv_escape(line)) is the line. */
#include <string.h>

#include "numconv.h"
#include "schema.h"
#include "tsv.h"
#include "tsvrow.h"

#include "fuzz.h"

#define LIST_A "s:String,i:Int32,d:Nullable(Decimal(18,2))"
#define LIST_B "fs:FixedString(3),u8:UInt8,i64:Int64,u64:UInt64,f:Float64,nf:Nullable(Float32),dt:Date," \
	"ts:Nullable(DateTime),ns:Nullable(String),d3110:Decimal(31,10),d0:Decimal(9,0),s:String"

static struct schema sa, sb;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc, (void)argv;
	if (schema_from_list(&sa, LIST_A, err, sizeof err) < 0 || schema_from_list(&sb, LIST_B, err, sizeof err) < 0) {
		fprintf(stderr, "fuzz_tsvrow: schema: %s\n", err);
		abort();
	}
	return 0;
}

static size_t
count(const char *s, size_t n, char c)
{
	size_t k = 0;
	const char *p = s, *end = s + n;

	while ((p = memchr(p, c, (size_t)(end - p))))
		k++, p++;
	return k;
}

static void
check_fields(const struct schema *sc, const char *row, size_t w)
{
	const char *p = row, *end = row + w - 1, *tab;
	char *tmp = malloc(w);
	size_t i;

	for (i = 0; i < sc->ncol; i++, p = tab + 1) {
		const struct column *c = &sc->col[i];
		size_t fn;
		long u;

		tab = memchr(p, '\t', (size_t)(end - p));
		if (!tab)
			tab = end;
		fn = (size_t)(tab - p);
		if (fn == 2 && p[0] == '\\' && p[1] == 'N') {
			FUZZ_CHECK(c->nullable, "column %s (%s): \\N in a non-Nullable column", c->name, c->typename);
			continue;
		}
		if (c->type != CT_STRING && c->type != CT_FIXEDSTRING)
			continue;
		u = tsv_unescape(tmp, p, fn);
		FUZZ_CHECK(u >= 0, "column %s: no valid TabSeparated escape sequence", c->name);
		if (c->type == CT_FIXEDSTRING)
			FUZZ_CHECK((size_t)u <= (size_t)c->prec, "column %s (%s): accepted with %ld bytes once decoded",
			    c->name, c->typename, u);
	}
	free(tmp);
}

/* Returns the length of the accepted row, -1 when rejected. */
static long
canon(const struct schema *sc, int check, const char *line, size_t n, int again)
{
	struct tsvrow tr;
	size_t bound;
	char *out, *in2, *out2;
	long w, w2;

	memset(&tr, 0, sizeof tr);
	tr.sc = sc;
	tr.check_values = check;
	bound = tsvrow_bound(&tr, n);
	out = malloc(bound);
	w = tsvrow_canon(&tr, line, n, out);
	if (w < 0) {
		FUZZ_CHECK(tr.reason[0] != 0, "rejected without a reason");
		free(out);
		return -1;
	}
	FUZZ_CHECK(w > 0 && (size_t)w <= bound, "row of %ld bytes, bound %zu", w, bound);
	FUZZ_CHECK(out[w - 1] == '\n', "row does not end in a newline");
	FUZZ_CHECK(count(out, (size_t)w, '\n') == 1, "raw newline inside the row");
	FUZZ_CHECK(count(out, (size_t)w, '\t') == sc->ncol - 1, "%zu tabs for %zu columns", count(out, (size_t)w, '\t'),
	    sc->ncol);
	if (check)
		check_fields(sc, out, (size_t)w);
	if (again) {	/* canonical text is a fixed point */
		in2 = fuzz_dup(out, (size_t)w - 1);
		out2 = malloc(tsvrow_bound(&tr, (size_t)w - 1));
		w2 = tsvrow_canon(&tr, in2, (size_t)w - 1, out2);
		if (w2 != w || memcmp(out, out2, (size_t)w) != 0) {
			fprintf(stderr, "first:  ");
			fuzz_show(stderr, out, (size_t)w, 500);
			fprintf(stderr, "\nsecond: ");
			if (w2 < 0)
				fprintf(stderr, "rejected: %s", tr.reason);
			else
				fuzz_show(stderr, out2, (size_t)w2, 500);
			fputc('\n', stderr);
			FUZZ_CHECK(0, "canonical output is not canonical");
		}
		free(in2);
		free(out2);
	}
	free(out);
	return w;
}

/* lib/tsv.c on the line as bytes: unescape(escape(x)) == x; needs_escape says whether escape
 * changes anything; an escaped text holds no raw tab, newline, CR or NUL. */
static void
escape_roundtrip(const char *s, size_t n)
{
	char *e = malloc(2 * n + 1), *u;
	size_t en = tsv_escape(e, s, n), i;
	long un;

	FUZZ_CHECK(en >= n && en <= 2 * n, "tsv_escape wrote %zu bytes for %zu", en, n);
	FUZZ_CHECK(tsv_needs_escape(s, n) == (en != n), "tsv_needs_escape disagrees with tsv_escape");
	for (i = 0; i < en; i++)
		FUZZ_CHECK(e[i] != '\t' && e[i] != '\n' && e[i] != '\r' && e[i] != 0, "raw byte 0x%02x escaped", e[i]);
	u = malloc(en + 1);
	un = tsv_unescape(u, e, en);
	FUZZ_CHECK(un == (long)n && memcmp(u, s, n) == 0, "tsv_unescape(tsv_escape(x)) != x");
	free(u);
	free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	long a, b;

	do {
		char *line;
		size_t n;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		n = (size_t)(nl - p);
		line = fuzz_dup(p, n);
		escape_roundtrip(line, n);
		a = canon(&sa, 1, line, n, 1);
		b = canon(&sa, 0, line, n, 1);
		FUZZ_CHECK(a < 0 || b >= 0, "values checked accept what the field count rejects");
		a = canon(&sb, 1, line, n, 1);
		b = canon(&sb, 0, line, n, 0);
		FUZZ_CHECK(a < 0 || b >= 0, "values checked accept what the field count rejects");
		free(line);
		p = nl + 1;
	} while (nl < end);
	return 0;
}
