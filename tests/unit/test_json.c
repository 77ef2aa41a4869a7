#include "evrow.h"
#include "json.h"
#include "schema.h"
#include "tap.h"

static void
valid(const char *doc, int want)
{
	struct jparse jp = { 0 };
	struct jval v;
	const char *r = json_document(&jp, doc, doc + strlen(doc), &v);

	ok((r != NULL) == want, "%s: %s%s", want ? "valid" : "invalid", doc, r || !want ? "" : jp.err);
}

static void
row(const struct schema *sc, const char *line, const char *want)
{
	struct evrow ev;
	char out[4096];
	long n;

	evrow_init(&ev, sc, 0);
	n = evrow_convert(&ev, line, strlen(line), out);
	if (!want)
		ok(n < 0, "rejected: %s (%s)", line, n < 0 ? ev.reason : "accepted");
	else if (n < 0)
		ok(0, "converted: %s: rejected: %s", line, ev.reason);
	else
		is_str(out, (size_t)n, want, line);
	evrow_free(&ev);
}

int
main(void)
{
	struct schema sc;
	char err[256];
	char nul[] = "\"a\0b\"";
	struct jparse jp = { 0 };
	struct jval v;
	char deep[3000];

	valid("{}", 1);
	valid("[]", 1);
	valid("{\"a\":[1,2,{\"b\":null}],\"c\":true,\"d\":false}", 1);
	valid("-0.5e+10", 1);
	valid("\"\\u00e9\\ud83d\\ude00\"", 1);
	valid("\"\xe4\xb8\xad\"", 1);
	valid("{\"a\":1,}", 0);
	valid("{,}", 0);
	valid("[1,]", 0);
	valid("01", 0);
	valid("1.", 0);
	valid(".5", 0);
	valid("-", 0);
	valid("+1", 0);
	valid("tru", 0);
	valid("\"\\x\"", 0);
	valid("\"\\ud800\"", 0);
	valid("\"\\udc00\"", 0);
	valid("\"\xc0\xaf\"", 0);	/* overlong */
	valid("\"\xed\xa0\x80\"", 0);	/* UTF-8 surrogate */
	valid("\"\xf4\x90\x80\x80\"", 0);	/* above U+10FFFF */
	valid("\"\xe4\xb8\"", 0);	/* cut sequence */
	valid("\"a\tb\"", 0);
	valid("\"abc", 0);
	valid("{\"a\" 1}", 0);
	valid("1 2", 0);
	valid("", 0);
	ok(json_document(&jp, nul, nul + 5, &v) == NULL, "NUL inside a string is invalid");
	memset(deep, '[', sizeof deep);
	ok(json_document(&jp, deep, deep + sizeof deep, &v) == NULL && strstr(jp.err, "deep"),
	    "deep nesting is refused, not a crash");

	ok(schema_from_list(&sc, "uid,s,n:Int32,d:Nullable(Decimal(18, 2)),e:Decimal(18,0)", err, sizeof err) == 0,
	    "schema from a list with a spaced Decimal: %s", err);
	row(&sc, "{\"eventType\":\"sa\",\"eventBody\":{\"uid\":\"u\",\"s\":\"x\\ty\\nz\\\\\\u0000\",\"n\":\"5\",\"d\":\"1.5\",\"e\":\"2\"}}",
	    "u\tx\\ty\\nz\\\\\\0\t5\t1.50\t2\n");
	row(&sc, "{\"uid\":\"u\",\"n\":5,\"d\":null,\"e\":3.5}", "u\t\t5\t\\N\t4\n");
	row(&sc, "{\"uid\":\"u\",\"d\":\"\"}", "u\t\t0\t\\N\t0\n");
	row(&sc, "{\"uid\":12.50,\"s\":true}", "12.50\ttrue\t0\t\\N\t0\n");
	row(&sc, "{\"uid\":{\"a\":1}}", NULL);
	row(&sc, "{\"n\":\"abc\"}", NULL);
	row(&sc, "{\"n\":true}", NULL);
	row(&sc, "{\"eventBody\":5}", NULL);
	row(&sc, "{\"eventBody\":{},\"eventBody\":{}}", NULL);
	row(&sc, "{\"uid\":\"a\"} x", NULL);
	row(&sc, "  {\"uid\":\"a\"}\r", "a\t\t0\t\\N\t0\n");
	row(&sc, "{\"u\\u0069d\":\"esc key\"}", "esc key\t\t0\t\\N\t0\n");
	row(&sc, "", NULL);
	schema_free(&sc);

	const char *desc = "a\tString\t\t\t\nb\tNullable(Decimal(31, 10))\t\t\t\n";
	ok(schema_parse(&sc, desc, strlen(desc), "t", err, sizeof err) == 0 &&
	    sc.ncol == 2 && sc.col[1].nullable && sc.col[1].prec == 31 && sc.col[1].scale == 10,
	    "DESCRIBE output parses");
	schema_free(&sc);
	ok(schema_parse(&sc, "a\tMap(String)\n", 14, "t", err, sizeof err) < 0 && strstr(err, "unsupported"),
	    "unsupported type is an error: %s", err);
	ok(schema_parse(&sc, "a\tString\na\tString\n", 18, "t", err, sizeof err) < 0, "a column given twice is an error");
	ok(schema_parse(&sc, "no tab here\n", 12, "t", err, sizeof err) < 0, "a line without a tab is an error");
	return tap_done();
}
