#include "tsv.h"
#include "tap.h"

int
main(void)
{
	const char in[] = "a\tb\nc\\d\re\0f\bg\fh";
	char out[64], back[64];
	size_t n = tsv_escape(out, in, sizeof in - 1);
	long m;

	is_str(out, n, "a\\tb\\nc\\\\d\\re\\0f\\bg\\fh", "escape every special byte");
	m = tsv_unescape(back, out, n);
	ok(m == (long)(sizeof in - 1) && memcmp(back, in, sizeof in - 1) == 0, "unescape round-trips");
	ok(tsv_unescape(back, "a\\", 2) < 0, "dangling backslash refused");
	ok(tsv_unescape(back, "\\q", 2) < 0, "unknown escape refused");
	ok(!tsv_needs_escape("plain text", 10) && tsv_needs_escape("a\tb", 3), "needs_escape");
	return tap_done();
}
