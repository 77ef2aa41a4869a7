/* fuzz_evrow: evrow_convert, ev2tsv's JSON line → TabSeparated row, under ASan and UBSan.
 *
 * The input is split at '\n' into lines as ev2tsv's reader does, and every line is converted
 * with four converters kept for the whole input (so one line's slots can leak into the next
 * only if the generation marks are wrong):
 *   A  the stream.dm_v_tr_sa_mx table (testdata/events/sa.describe.tsv, schema_parse), loose
 *   A' the same, --strict
 *   B  a -c list (schema_from_list) with every other type ev2tsv knows, loose, its generation
 *      counter started just below the wrap so the wrap path runs
 *   B' the same, --strict
 * Invariants, for every line and converter:
 *   - accepted: length <= evrow_bound, ends in '\n', no other raw newline, exactly ncol-1 raw
 *     tabs; a field of exactly \N only in a Nullable column; every String field a valid
 *     TabSeparated escape sequence (tsv_unescape), a FixedString one at most N bytes decoded;
 *     converting the same line again gives the same bytes;
 *     and chload's reader (tsvrow_canon with values checked, same schema) takes the row back
 *     unchanged, as the pipeline ev2tsv | chload needs;
 *   - rejected: a non-empty reason;
 *   - --strict (A', B') rejects what the loose converter rejects, and a line where it filled
 *     defaults ("no value for a non-Nullable"); otherwise it writes the same row.
 * The output buffer is allocated with exactly evrow_bound bytes so ASan sees any overrun. */
#include <stdint.h>
#include <string.h>

#include "evrow.h"
#include "schema.h"
#include "tsv.h"
#include "tsvrow.h"

#include "fuzz.h"
#include "sa_describe.h"	/* SA_DESCRIBE: testdata/events/sa.describe.tsv as a C string (mk/fuzz.mk) */

#define LIST_B "uid,i32:Int32,d3110:Decimal(31,10),nd3110:Nullable(Decimal(31,10)),fs:FixedString(8)," \
	"dt:Date,ndt:Nullable(Date),ts:DateTime,u8:UInt8,i8:Int8,i64:Int64,u64:UInt64,f64:Float64," \
	"f32:Nullable(Float32),ns:Nullable(String),d180:Decimal(18,0),d3838:Decimal(38,38),fs1:FixedString(1)"

static struct schema sa, lb;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc, (void)argv;
	if (schema_parse(&sa, SA_DESCRIBE, strlen(SA_DESCRIBE), "sa.describe.tsv", err, sizeof err) < 0 ||
	    schema_from_list(&lb, LIST_B, err, sizeof err) < 0) {
		fprintf(stderr, "fuzz_evrow: schema: %s\n", err);
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

/* Checks one accepted row field by field. */
static void
check_fields(const struct schema *sc, const char *row, size_t w)
{
	const char *p = row, *end = row + w - 1, *tab;
	size_t i;
	char *tmp = malloc(w);

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
			continue;	/* numbers: tsvrow_canon below checks them */
		u = tsv_unescape(tmp, p, fn);
		FUZZ_CHECK(u >= 0, "column %s: field is no valid TabSeparated escape sequence", c->name);
		if (c->type == CT_FIXEDSTRING)
			FUZZ_CHECK((size_t)u <= (size_t)c->prec, "column %s (%s): %ld bytes", c->name, c->typename, u);
	}
	free(tmp);
}

/* Returns the row (malloc'ed) with its length in *wp, or NULL when rejected. */
static char *
convert(struct evrow *ev, const char *line, size_t n, int again, long *wp)
{
	const struct schema *sc = ev->sc;
	size_t bound = evrow_bound(ev, n);
	char *out = malloc(bound), *out2, *canon;
	long w, w2, cw;
	struct tsvrow tr;

	w = *wp = evrow_convert(ev, line, n, out);
	if (w < 0) {
		FUZZ_CHECK(ev->reason[0] != 0, "rejected without a reason");
		free(out);
		return NULL;
	}
	FUZZ_CHECK(w > 0 && (size_t)w <= bound, "row of %ld bytes, bound %zu", w, bound);
	FUZZ_CHECK(out[w - 1] == '\n', "row does not end in a newline");
	FUZZ_CHECK(count(out, (size_t)w, '\n') == 1, "raw newline inside the row");
	FUZZ_CHECK(count(out, (size_t)w, '\t') == sc->ncol - 1, "%zu tabs for %zu columns",
	    count(out, (size_t)w, '\t'), sc->ncol);
	check_fields(sc, out, (size_t)w);

	if (again) {	/* the same line once more: the same row */
		out2 = malloc(bound);
		w2 = evrow_convert(ev, line, n, out2);
		FUZZ_CHECK(w2 == w && memcmp(out, out2, (size_t)w) == 0, "second conversion differs (%ld, %ld)", w, w2);
		free(out2);
	}

	/* what chload does with it */
	memset(&tr, 0, sizeof tr);
	tr.sc = sc;
	tr.check_values = 1;
	canon = malloc(tsvrow_bound(&tr, (size_t)w - 1));
	cw = tsvrow_canon(&tr, out, (size_t)w - 1, canon);
	if (cw < 0) {
		fprintf(stderr, "row: ");
		fuzz_show(stderr, out, (size_t)w, 2000);
		fputc('\n', stderr);
	}
	FUZZ_CHECK(cw >= 0, "chload's reader rejects ev2tsv's row: %s", tr.reason);
	FUZZ_CHECK(cw == w && memcmp(canon, out, (size_t)w) == 0, "chload's reader changes ev2tsv's row");
	free(canon);
	return out;
}

/* --strict differs only where a non-Nullable column has no value */
static void
loose_strict(const struct evrow *loose, const char *lrow, long lw, const struct evrow *strict, const char *srow, long sw)
{
	if (!lrow) {
		FUZZ_CHECK(!srow, "--strict accepts what the loose conversion rejects (%s)", loose->reason);
		return;
	}
	if (loose->defaults == 0) {
		FUZZ_CHECK(srow && sw == lw && memcmp(srow, lrow, (size_t)lw) == 0,
		    "no default filled, but --strict %s", srow ? "writes another row" : strict->reason);
		FUZZ_CHECK(strict->unknown == loose->unknown, "unknown fields: %u loose, %u strict", loose->unknown,
		    strict->unknown);
	} else {
		FUZZ_CHECK(!srow && strstr(strict->reason, "no value for a non-Nullable"),
		    "%u defaults filled, --strict: %s", loose->defaults, srow ? "accepted" : strict->reason);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evrow ev[4];
	const char *p = (const char *)data, *end = p + size, *nl;
	int k;

	evrow_init(&ev[0], &sa, 0);
	evrow_init(&ev[1], &sa, 1);
	evrow_init(&ev[2], &lb, 0);
	evrow_init(&ev[3], &lb, 1);
	ev[2].gen = ev[3].gen = UINT32_MAX - 1;	/* the second line wraps the counter */
	do {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		{
			char *line = fuzz_dup(p, (size_t)(nl - p));	/* exact size: ASan sees reads past it */
			char *row[4];
			long w[4];

			for (k = 0; k < 4; k++)
				row[k] = convert(&ev[k], line, (size_t)(nl - p), k == 0, &w[k]);
			loose_strict(&ev[0], row[0], w[0], &ev[1], row[1], w[1]);
			loose_strict(&ev[2], row[2], w[2], &ev[3], row[3], w[3]);
			for (k = 0; k < 4; k++)
				free(row[k]);
			free(line);
		}
		p = nl + 1;
	} while (nl < end);
	for (k = 0; k < 4; k++)
		evrow_free(&ev[k]);
	return 0;
}
