/* fuzz_rowset: tsv-uniq's row set (lib/rowset.c) against a model (every row kept, linear search),
 * under ASan and UBSan.
 *
 * Byte 0 narrows the hash to 0 to 7 bits, so that most rows share a hash and the set must tell
 * them apart by their bytes; byte 1 shrinks the spool's write buffer to 1 to 64 bytes, so that
 * rows are read back from the file (pread) as well as from the buffer, and rows straddle or
 * outgrow it.  The rest is rows, one a line (the last may lack its '\n'): rowset_add must say
 * "new" exactly when the model has not seen the row. */
#include "rowset.h"

#include "fuzz.h"

struct mrow {
	const uint8_t *s;
	size_t n;
};

static struct mrow *seen;
static size_t nseen, capseen;

static int
model_add(const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < nseen; i++)
		if (seen[i].n == n && (n == 0 || memcmp(seen[i].s, s, n) == 0))
			return 0;
	if (nseen == capseen) {
		capseen = capseen ? 2 * capseen : 64;
		seen = realloc(seen, capseen * sizeof *seen);
		FUZZ_CHECK(seen != NULL, "out of memory");
	}
	seen[nseen].s = s;
	seen[nseen++].n = n;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rowset set;
	const uint8_t *p, *end, *nl;
	size_t n;
	int got, want;

	if (size < 2)
		return 0;
	FUZZ_CHECK(rowset_open(&set, NULL) == 0, "rowset_open failed");
	set.hash_mask = (1ULL << (data[0] % 8)) - 1;
	set.wcap = 1 + data[1] % 64;	/* within the buffer rowset_open allocated */
	nseen = 0;
	for (p = data + 2, end = data + size; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		n = (size_t)(nl - p);
		got = rowset_add(&set, (const char *)p, n);
		want = model_add(p, n);
		FUZZ_CHECK(got == want, "row %zu (%zu bytes): rowset_add says %d, the model %d", nseen, n, got, want);
	}
	FUZZ_CHECK(set.count == nseen, "count %zu, the model %zu", set.count, nseen);
	rowset_close(&set);
	return 0;
}
