/* fuzz_contact: contact-merge's rules (lib/contact.c), its maps (lib/contactmap.c) and the merge
 * (lib/contactmerge.c) against a model written here, under ASan and UBSan.
 *
 * The input is contact rows as contact-merge reads them: uid TAB con_type TAB contact [TAB ...],
 * one a line; an empty line ends a group (what --sorted does when the uid changes: write,
 * then cmerge_reset).  For every row, as contact-merge's merge_line does: fewer than 3 fields
 * -> skipped; uid \N -> skipped; cmerge_uid; a junk contact -> not added; else cmerge_add,
 * which must say "new" exactly when the model has not seen (uid, contact) before.
 * The model: uids in first-seen order, each with its contacts (bytes, phone or not) in
 * first-seen order, a contact once per uid whatever its type; junk = "", \N, "-", "无",
 * "⽆" (U+2F46) exactly; phone = TEL, OTH, MOB exactly.
 * At the end of each group cmerge_write (keep_empty 0 and 1) into an outbuf of a 7-byte buffer
 * (64 for inputs of 1 KiB or more) on a memfd must write what the model writes: uid TAB phones TAB addresses, comma-joined. */
#include <sys/mman.h>
#include <unistd.h>

#include "contact.h"
#include "contactmerge.h"
#include "outbuf.h"

#include "fuzz.h"

struct mcon {
	const char *s;
	size_t n;
	int phone;
};

struct muid {
	const char *s;
	size_t n;
	struct mcon *c;
	size_t nc;
};

static struct muid *mu;
static size_t nmu;
static int memfd;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	memfd = memfd_create("fuzz_contact", MFD_CLOEXEC);
	return memfd < 0 ? -1 : 0;
}

static int
eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static int
model_junk(const char *s, size_t n)
{
	return n == 0 || eq(s, n, "\\N", 2) || eq(s, n, "-", 1) || eq(s, n, "\xe6\x97\xa0", 3) ||
	    eq(s, n, "\xe2\xbd\x86", 3);
}

static int
model_phone(const char *s, size_t n)
{
	return eq(s, n, "TEL", 3) || eq(s, n, "OTH", 3) || eq(s, n, "MOB", 3);
}

static size_t
model_uid(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < nmu; i++)
		if (eq(mu[i].s, mu[i].n, s, n))
			return i;
	mu = realloc(mu, (nmu + 1) * sizeof *mu);
	mu[nmu].s = s, mu[nmu].n = n, mu[nmu].c = NULL, mu[nmu].nc = 0;
	return nmu++;
}

static int
model_add(size_t u, const char *s, size_t n, int phone)
{
	struct muid *m = &mu[u];
	size_t i;

	for (i = 0; i < m->nc; i++)
		if (eq(m->c[i].s, m->c[i].n, s, n))
			return 0;
	m->c = realloc(m->c, (m->nc + 1) * sizeof *m->c);
	m->c[m->nc].s = s, m->c[m->nc].n = n, m->c[m->nc].phone = phone;
	m->nc++;
	return 1;
}

static void
put(char **o, const char *s, size_t n)
{
	memcpy(*o, s, n);
	*o += n;
}

static size_t
model_write(char *out, int keep_empty, long *rows)
{
	char *o = out;
	size_t i, k;
	int ph, first;

	*rows = 0;
	for (i = 0; i < nmu; i++) {
		if (!mu[i].nc && !keep_empty)
			continue;
		put(&o, mu[i].s, mu[i].n);
		for (ph = 1; ph >= 0; ph--) {
			*o++ = '\t';
			for (first = 1, k = 0; k < mu[i].nc; k++) {
				if (mu[i].c[k].phone != ph)
					continue;
				if (!first)
					*o++ = ',';
				put(&o, mu[i].c[k].s, mu[i].c[k].n);
				first = 0;
			}
		}
		*o++ = '\n';
		++*rows;
	}
	return (size_t)(o - out);
}

static void
model_reset(void)
{
	size_t i;

	for (i = 0; i < nmu; i++)
		free(mu[i].c);
	free(mu);
	mu = NULL;
	nmu = 0;
}

static void
compare_output(struct cmerge *cm, size_t inlen)
{
	int keep, fd;
	size_t cap = 2 * inlen + 16, wn;
	char *want = malloc(cap), *got = malloc(cap);
	long rows, wrows;
	struct outbuf ob;
	ssize_t gn;

	for (keep = 0; keep < 2; keep++) {
		fd = memfd;
		FUZZ_CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0, "ftruncate");
		ob_init(&ob, fd, "memfd", inlen < 1024 ? 7 : 64);	/* small: every path of outbuf */
		rows = cmerge_write(cm, &ob, keep);
		FUZZ_CHECK(rows >= 0 && ob_flush(&ob) == 0, "cmerge_write failed");
		gn = pread(fd, got, cap, 0);
		wn = model_write(want, keep, &wrows);
		FUZZ_CHECK(rows == wrows, "keep_empty %d: %ld rows, the model %ld", keep, rows, wrows);
		if ((size_t)gn != wn || memcmp(got, want, wn) != 0) {
			fprintf(stderr, "got:  ");
			fuzz_show(stderr, got, gn < 0 ? 0 : (size_t)gn, 1000);
			fprintf(stderr, "\nwant: ");
			fuzz_show(stderr, want, wn, 1000);
			fputc('\n', stderr);
			FUZZ_CHECK(0, "keep_empty %d: merged rows differ from the model", keep);
		}
		free(ob.buf);
	}
	free(want);
	free(got);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_dup((const char *)data, size);
	const char *p = in, *end = in + size, *nl;
	struct cmerge cm;

	cmerge_init(&cm);
	do {
		const char *f[3], *q, *tab;
		size_t fn[3], k = 0, mu_i;
		uint32_t u;
		int junk, phone, added;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl == p) {	/* the end of a group */
			compare_output(&cm, size);
			cmerge_reset(&cm);
			model_reset();
			p = nl + 1;
			continue;
		}
		for (q = p; k < 3; q = tab + 1) {
			tab = memchr(q, '\t', (size_t)(nl - q));
			f[k] = q;
			fn[k++] = (size_t)((tab ? tab : nl) - q);
			if (!tab)
				break;
		}
		p = nl + 1;
		if (k < 3)
			continue;
		FUZZ_CHECK(contact_is_null(f[0], fn[0]) == eq(f[0], fn[0], "\\N", 2), "contact_is_null");
		if (contact_is_null(f[0], fn[0]))
			continue;
		if (fn[0] == 0 && known("cmap-null-arena"))
			continue;	/* an empty uid: arena + 0 with arena NULL, see known-bugs */
		junk = contact_is_junk(f[2], fn[2]);
		phone = contact_is_phone(f[1], fn[1]);
		FUZZ_CHECK(junk == model_junk(f[2], fn[2]), "contact_is_junk: %d", junk);
		FUZZ_CHECK(phone == model_phone(f[1], fn[1]), "contact_is_phone: %d", phone);
		u = cmerge_uid(&cm, f[0], fn[0]);
		mu_i = model_uid(f[0], fn[0]);
		FUZZ_CHECK(u == mu_i, "uid index %u, the model %zu", u, mu_i);
		if (junk)
			continue;
		added = cmerge_add(&cm, u, f[2], fn[2], phone);
		FUZZ_CHECK(added == model_add(mu_i, f[2], fn[2], phone), "cmerge_add said %d", added);
	} while (nl < end);
	compare_output(&cm, size);
	cmerge_free(&cm);
	model_reset();
	free(in);
	return 0;
}
