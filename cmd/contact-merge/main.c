/* contact-merge: contact rows (uid, con_type, contact) to one row per uid:
 * uid TAB contact_phone TAB contact_address, for dm.pri_cust_contact_info. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contact.h"
#include "contactmerge.h"
#include "err.h"
#include "lineread.h"
#include "numconv.h"
#include "outbuf.h"
#include "rejects.h"
#include "sig.h"

enum { F_UID, F_TYPE, F_CONTACT, NFIELD };

static struct {
	uint64_t lines, null_uid, junk, dups, rows;
} tally;

static struct outbuf out;
static struct rejects rej;
static int sorted, keep_empty;
static size_t pos[NFIELD] = { 0, 1, 2 };	/* 0-based field of uid, con_type, contact */
static size_t need = 3;				/* fields a line must have */
static struct cmerge cm;
static struct {			/* sorted mode: the uid of the group being gathered */
	char *p;
	size_t len, cap;
	int have;
	uint64_t line;
} group;

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-f uid,type,contact] [--sorted] [--keep-empty] [-r rejects] [-q] [file ...]\n",
	    argv0);
	exit(EXIT_TROUBLE);
}

/* -f 1,2,3: the 1-based positions of uid, con_type and contact. */
static void
parse_fields(const char *s)
{
	char buf[64], *tok, *save = NULL;
	const char *why;
	int i = 0;

	if (strlen(s) >= sizeof buf)
		fatal(EXIT_TROUBLE, "-f %s: too long", s);
	strcpy(buf, s);
	need = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (i == NFIELD)
			fatal(EXIT_TROUBLE, "-f %s: three positions: uid,con_type,contact", s);
		pos[i] = (size_t)parse_count(tok, 1, 10000, &why) - 1;
		if (why)
			fatal(EXIT_TROUBLE, "-f %s: '%s': %s", s, tok, why);
		if (pos[i] + 1 > need)
			need = pos[i] + 1;
		i++;
	}
	if (i != NFIELD || pos[0] == pos[1] || pos[0] == pos[2] || pos[1] == pos[2])
		fatal(EXIT_TROUBLE, "-f %s: three different positions: uid,con_type,contact", s);
}

/* The fields at pos[] of a line; the number of fields seen (at most need) */
static size_t
split(const char *line, size_t len, const char **f, size_t *fn)
{
	const char *p = line, *end = line + len, *tab;
	size_t i, k;

	for (i = 0; i < need; i++) {
		tab = memchr(p, '\t', (size_t)(end - p));
		for (k = 0; k < NFIELD; k++)
			if (pos[k] == i) {
				f[k] = p;
				fn[k] = (size_t)((tab ? tab : end) - p);
			}
		if (!tab)
			return i + 1;
		p = tab + 1;
	}
	return need;
}

static void
flush_merged(void)
{
	long r = cmerge_write(&cm, &out, keep_empty);

	if (r < 0)
		ob_fatal(&out);
	tally.rows += (uint64_t)r;
}

/* --sorted: a new uid ends the group before it, which must sort lower (LC_ALL=C order). */
static void
next_group(const struct linereader *lr, const char *uid, size_t n)
{
	int cmp;

	if (group.have) {
		cmp = memcmp(uid, group.p, n < group.len ? n : group.len);
		if (cmp == 0)
			cmp = (n > group.len) - (n < group.len);
		if (cmp == 0)
			return;
		if (cmp < 0)
			fatal(EXIT_TROUBLE, "%s:%llu: uid '%.*s' comes after '%.*s' (line %llu): --sorted input must be in "
			    "ascending uid order (LC_ALL=C sort -t '<TAB>' -k%zu,%zu), or leave out --sorted", lr->name,
			    (unsigned long long)lr->lineno, (int)(n > 64 ? 64 : n), uid,
			    (int)(group.len > 64 ? 64 : group.len), group.p, (unsigned long long)group.line,
			    pos[F_UID] + 1, pos[F_UID] + 1);
		flush_merged();
		cmerge_reset(&cm);
	}
	if (group.cap < n + 1) {
		group.cap = 2 * (n + 1);
		group.p = xrealloc(group.p, group.cap);
	}
	memcpy(group.p, uid, n);
	group.len = n;
	group.have = 1;
	group.line = lr->lineno;
}

static void
merge_line(const struct linereader *lr, const char *line, size_t len)
{
	const char *f[NFIELD];
	size_t fn[NFIELD], got;
	uint32_t u;
	char why[96];

	if ((got = split(line, len, f, fn)) < need) {
		snprintf(why, sizeof why, "%zu field%s, -f needs %zu", got, got == 1 ? "" : "s", need);
		rejects_line(&rej, rejects_at(lr->name, lr->lineno), why, line, len);
		return;
	}
	if (contact_is_null(f[F_UID], fn[F_UID])) {	/* no one to merge into */
		tally.null_uid++;
		return;
	}
	if (sorted)
		next_group(lr, f[F_UID], fn[F_UID]);
	u = cmerge_uid(&cm, f[F_UID], fn[F_UID]);	/* known even if all its contacts are junk */
	if (contact_is_junk(f[F_CONTACT], fn[F_CONTACT]))
		tally.junk++;
	else if (!cmerge_add(&cm, u, f[F_CONTACT], fn[F_CONTACT], contact_is_phone(f[F_TYPE], fn[F_TYPE])))
		tally.dups++;
}

/* Returns -1 on a read error, 1 when a signal stopped it, 0 at end of input. */
static int
merge_stream(struct linereader *lr, void *ctx)
{
	char *line;
	size_t len;
	int r;

	(void)ctx;
	while ((r = rejects_next_short(&rej, lr, "line longer than 64 MiB", &line, &len, &tally.lines)) > 0) {
		tally.lines++;
		merge_line(lr, line, len);
		if (sig_caught)
			return 1;
	}
	if (r == LR_INTR)
		return 1;
	return r == LR_ERROR ? -1 : 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "fields", required_argument, NULL, 'f' }, { "sorted", no_argument, NULL, 'S' },
		{ "keep-empty", no_argument, NULL, 'E' }, { "rejects", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 }
	};
	const char *rej_path = NULL;
	int c, quiet = 0, status = EXIT_ALLGOOD;

	setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "f:r:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': parse_fields(optarg); break;
		case 'S': sorted = 1; break;
		case 'E': keep_empty = 1; break;
		case 'r': rej_path = optarg; break;
		case 'q': quiet = 1; break;
		default: usage();
		}
	}
	sig_install();
	ob_init(&out, 1, "<stdout>", 0);
	rejects_open(&rej, rej_path);
	cmerge_init(&cm);
	if (lr_each(argv + optind, argc - optind, 0, merge_stream, NULL) < 0)
		status = EXIT_TROUBLE;
	/* an interrupted run writes no partial merge: a uid's row must hold all its contacts */
	if (!sig_caught && status == EXIT_ALLGOOD)
		flush_merged();
	if (ob_close(&out) < 0)
		ob_fatal(&out);
	rejects_close(&rej);
	if (!quiet || sig_caught)
		fprintf(stderr, "%s: %llu lines, %llu rejects, %llu null uids, %llu empty contacts, "
		    "%llu duplicate contacts, %llu rows%s\n", argv0, (unsigned long long)tally.lines,
		    (unsigned long long)rej.count, (unsigned long long)tally.null_uid,
		    (unsigned long long)tally.junk, (unsigned long long)tally.dups, (unsigned long long)tally.rows,
		    sig_caught ? " (interrupted)" : "");
	cmerge_free(&cm);
	free(group.p);
	if (sig_caught)
		return 128 + sig_caught;
	if (status == EXIT_ALLGOOD && rej.count)
		status = EXIT_SOMEREJECT;
	return status;
}
