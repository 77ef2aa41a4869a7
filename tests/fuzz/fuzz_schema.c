/* fuzz_schema: schema_parse (DESCRIBE TABLE ... FORMAT TabSeparated text) and schema_from_list
 * (ev2tsv -c "a,b:Int32,c:Nullable(Decimal(18,2))") on arbitrary text, under ASan and UBSan.
 *
 * The whole input is DESCRIBE text, given to schema_parse and, in a memfd, to schema_load (the
 * same verdict, or its NUL-byte refusal); the same bytes up to the first NUL are a -c list.
 * For each:
 *   - refused: a non-empty message; schema_free is safe on what is left;
 *   - accepted: at least one column; every name non-empty without tab, newline or NUL, and
 *     schema_find finds each column by its name (and nothing else by a name it does not have);
 *     every type within its bounds (IntN/UIntN N in 8..64, Decimal 1 <= P <= 38 and S <= P,
 *     FixedString 1..2^20) and its typename parsed again (schema_parse_type) the same;
 *     written back as DESCRIBE text (name TAB typename) it parses to the same schema, and as a
 *     -c list when names and types allow it;
 *     then the converters work on it: evrow_convert of "{}" (loose: every column a default or
 *     \N) and tsvrow_canon of a line of empty fields stay within their bounds, with exactly
 *     ncol-1 tabs in the row. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "evrow.h"
#include "schema.h"
#include "tsvrow.h"

#include "fuzz.h"

static int
same_column(const struct column *a, const struct column *b)
{
	return a->namelen == b->namelen && memcmp(a->name, b->name, a->namelen) == 0 && a->type == b->type &&
	    a->nullable == b->nullable && a->bits == b->bits && a->prec == b->prec && a->scale == b->scale;
}

static void
same_schema(const struct schema *a, const struct schema *b, const char *how)
{
	size_t i;

	FUZZ_CHECK(a->ncol == b->ncol, "%s: %zu columns, then %zu", how, a->ncol, b->ncol);
	for (i = 0; i < a->ncol; i++)
		FUZZ_CHECK(same_column(&a->col[i], &b->col[i]), "%s: column %zu (%s %s) differs", how, i, a->col[i].name,
		    a->col[i].typename);
}

/* Decimal(P, S) was read: both numbers must be written, and be P and S */
static void
check_decimal_digits(const struct column *c)
{
	const char *t = c->typename, *d = NULL, *q, *close, *comma;
	char digits[2][16];
	size_t k[2] = { 0, 0 };
	int part = 0;

	for (q = t; (q = strstr(q, "Decimal(")); q++)
		d = q + 8;
	if (!d)
		return;	/* Decimal32(S) and friends */
	close = strchr(d, ')');
	comma = strchr(d, ',');
	FUZZ_CHECK(close && comma && comma < close, "%s: '%s' read as Decimal(%d, %d)", c->name, t, c->prec, c->scale);
	for (q = d; q < close; q++) {
		if (q == comma)
			part = 1;
		else if (*q >= '0' && *q <= '9' && k[part] < 15 && !(k[part] == 1 && digits[part][0] == '0'))
			digits[part][k[part]++] = *q;
		else if (*q >= '0' && *q <= '9' && k[part] == 1 && digits[part][0] == '0')
			digits[part][0] = *q;	/* leading zeros: strtol reads 007 as 7 */
	}
	digits[0][k[0]] = digits[1][k[1]] = 0;
	FUZZ_CHECK(k[0] > 0 && k[1] > 0 && atoi(digits[0]) == c->prec && atoi(digits[1]) == c->scale,
	    "%s: '%s' read as Decimal(%d, %d)", c->name, t, c->prec, c->scale);
}

static int has_nul;	/* the text given to schema_parse holds a NUL byte */

static void
check_schema(const struct schema *sc)
{
	size_t i, j, tabs;
	char probe[8];

	FUZZ_CHECK(sc->ncol > 0, "a schema of no columns");
	for (i = 0; i < sc->ncol; i++) {
		const struct column *c = &sc->col[i];
		struct column again;

		FUZZ_CHECK(c->namelen > 0 && strlen(c->name) == c->namelen, "column %zu: bad name", i);
		FUZZ_CHECK(!strpbrk(c->name, "\t\n"), "column %zu: tab or newline in the name", i);
		FUZZ_CHECK(schema_find(sc, c->name, c->namelen) == (int)i, "column %s not found by its name", c->name);
		switch (c->type) {
		case CT_INT:
		case CT_UINT:
			FUZZ_CHECK(c->bits == 8 || c->bits == 16 || c->bits == 32 || c->bits == 64, "%s: %d bits", c->name,
			    c->bits);
			break;
		case CT_DECIMAL:
			FUZZ_CHECK(c->prec >= 1 && c->prec <= 38 && c->scale >= 0 && c->scale <= c->prec,
			    "%s (%s): Decimal(%d, %d)", c->name, c->typename, c->prec, c->scale);
			break;
		case CT_FIXEDSTRING:
			FUZZ_CHECK(c->prec >= 1 && c->prec <= (1 << 20), "%s: FixedString(%d)", c->name, c->prec);
			break;
		default:
			break;
		}
		if (has_nul)	/* the typename, a C string, may end early; schema_load refuses NUL bytes */
			continue;
		if (c->type == CT_DECIMAL)
			check_decimal_digits(c);
		memset(&again, 0, sizeof again);
		again.name = c->name, again.namelen = c->namelen;
		FUZZ_CHECK(schema_parse_type(c->typename, strlen(c->typename), &again) == 0 && same_column(c, &again),
		    "%s: type '%s' reads differently the second time", c->name, c->typename);
	}
	/* names it does not have */
	for (i = 0; i < sc->ncol; i++) {
		const struct column *c = &sc->col[i];
		if (c->namelen > 1)
			FUZZ_CHECK(schema_find(sc, c->name, c->namelen - 1) < 0 ||
			    sc->col[schema_find(sc, c->name, c->namelen - 1)].namelen == c->namelen - 1, "prefix found");
	}
	memset(probe, 0x7f, sizeof probe);
	for (j = 0; j <= sizeof probe; j++) {
		int k = schema_find(sc, probe, j);
		FUZZ_CHECK(k < 0 || (sc->col[k].namelen == j && memcmp(sc->col[k].name, probe, j) == 0), "wrong column");
	}

	/* the converters on it */
	{
		struct evrow ev;
		struct tsvrow tr;
		char *out, *line;
		long w;

		evrow_init(&ev, sc, 0);
		out = malloc(evrow_bound(&ev, 2));
		w = evrow_convert(&ev, "{}", 2, out);
		FUZZ_CHECK(w > 0 && (size_t)w <= evrow_bound(&ev, 2), "evrow_convert({}): %ld (%s)", w, ev.reason);
		for (tabs = 0, j = 0; j < (size_t)w; j++)
			tabs += out[j] == '\t';
		FUZZ_CHECK(tabs == sc->ncol - 1 && out[w - 1] == '\n', "evrow row of defaults: %zu tabs", tabs);
		free(out);
		evrow_free(&ev);

		memset(&tr, 0, sizeof tr);
		tr.sc = sc;
		line = malloc(sc->ncol);
		memset(line, '\t', sc->ncol - 1);
		line[sc->ncol - 1] = 'x';	/* not empty even for one column */
		for (tr.check_values = 0; tr.check_values < 2; tr.check_values++) {
			out = malloc(tsvrow_bound(&tr, sc->ncol));
			w = tsvrow_canon(&tr, line, sc->ncol, out);
			FUZZ_CHECK(w < 0 ? tr.reason[0] != 0 : (size_t)w <= tsvrow_bound(&tr, sc->ncol),
			    "tsvrow_canon of empty fields: %ld", w);
			free(out);
		}
		free(line);
	}
}

/* name TAB typename per line; NULL when a typename holds a tab or newline, as one from a -c
 * list may: "d:Nullable(Decimal(18,2)<TAB>)" or "d:Decimal(18,<LF>2)" (strtol skips white
 * space), which DESCRIBE text cannot say */
static char *
describe_text(const struct schema *sc, size_t *len)
{
	size_t i, n = 0;
	char *t, *p;

	for (i = 0; i < sc->ncol; i++) {
		if (strpbrk(sc->col[i].typename, "\t\n"))
			return NULL;
		n += sc->col[i].namelen + strlen(sc->col[i].typename) + 2;
	}
	p = t = malloc(n + 1);
	for (i = 0; i < sc->ncol; i++)
		p += sprintf(p, "%s\t%s\n", sc->col[i].name, sc->col[i].typename);
	*len = (size_t)(p - t);
	return t;
}

/* name:typename,... when no name holds , : ( ) and no typename a comma outside parentheses */
static char *
list_text(const struct schema *sc)
{
	size_t i, n = 0;
	char *t, *p;

	for (i = 0; i < sc->ncol; i++) {
		const char *ty = sc->col[i].typename;
		int depth = 0;
		if (strpbrk(sc->col[i].name, ",:()"))
			return NULL;
		for (; *ty; ty++) {
			depth += *ty == '(' ? 1 : *ty == ')' ? -1 : 0;
			if ((*ty == ',' && depth <= 0) || depth < 0)
				return NULL;
		}
		if (depth != 0)
			return NULL;
		n += sc->col[i].namelen + strlen(sc->col[i].typename) + 2;
	}
	p = t = malloc(n + 1);
	for (i = 0; i < sc->ncol; i++)
		p += sprintf(p, "%s%s:%s", i ? "," : "", sc->col[i].name, sc->col[i].typename);
	return t;
}

static void
roundtrip(const struct schema *sc)
{
	struct schema again;
	char err[512], *t;
	size_t len;

	t = describe_text(sc, &len);
	if (!t)
		goto list;
	FUZZ_CHECK(schema_parse(&again, t, len, "again", err, sizeof err) == 0, "written back: %s", err);
	same_schema(sc, &again, "DESCRIBE text written back");
	schema_free(&again);
	free(t);
list:
	if ((t = list_text(sc))) {
		FUZZ_CHECK(schema_from_list(&again, t, err, sizeof err) == 0, "as a list (%s): %s", t, err);
		same_schema(sc, &again, "-c list written back");
		schema_free(&again);
		free(t);
	}
}

/* schema_load reads a file: the same bytes in a memfd, by its /proc/self/fd name; it must
 * agree with schema_parse, except that it refuses a NUL byte */
static void
check_load(const char *text, size_t size, int parsed_ok, const struct schema *parsed)
{
	static int fd = -1;
	char path[64], err[512];
	struct schema sc;
	int r;

	if (fd < 0 && (fd = memfd_create("fuzz_schema", MFD_CLOEXEC)) < 0)
		abort();
	FUZZ_CHECK(ftruncate(fd, 0) == 0 && pwrite(fd, text, size, 0) == (ssize_t)size, "memfd");
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	err[0] = 0;
	memset(&sc, 0, sizeof sc);	/* schema_load leaves *sc as it was when it fails before parsing */
	r = schema_load(&sc, path, err, sizeof err);
	if (memchr(text, 0, size)) {
		FUZZ_CHECK(r < 0 && strstr(err, "NUL byte"), "schema_load of a NUL byte: %d (%s)", r, err);
	} else {
		FUZZ_CHECK((r == 0) == parsed_ok, "schema_load %s what schema_parse %s (%s)", r == 0 ? "accepts" : "refuses",
		    parsed_ok ? "accepts" : "refuses", err);
		if (r == 0)
			same_schema(parsed, &sc, "schema_load");
		else
			FUZZ_CHECK(err[0] != 0, "schema_load refused without a message");
	}
	schema_free(&sc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schema sc;
	char err[512], *text = fuzz_dup((const char *)data, size), *list;

	err[0] = 0;
	has_nul = memchr(text, 0, size) != NULL;
	if (schema_parse(&sc, text, size, "fuzz", err, sizeof err) == 0) {
		check_schema(&sc);
		if (!has_nul)
			roundtrip(&sc);
		check_load(text, size, 1, &sc);
	} else {
		FUZZ_CHECK(err[0] != 0, "schema_parse refused without a message");
		check_load(text, size, 0, NULL);
	}
	schema_free(&sc);
	free(text);

	list = malloc(size + 1);
	memcpy(list, data, size);
	list[size] = 0;
	err[0] = 0;
	has_nul = 0;
	if (schema_from_list(&sc, list, err, sizeof err) == 0) {
		check_schema(&sc);
		roundtrip(&sc);
	} else {
		FUZZ_CHECK(err[0] != 0, "schema_from_list refused without a message");
	}
	schema_free(&sc);
	free(list);
	return 0;
}
