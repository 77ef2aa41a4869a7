/* tsv-uniq: rows (lines) that repeat an earlier row are dropped, wherever they come; the others
 * pass at once, in input order.  What `sort -u` does for a load, without holding back every row
 * until the last one is read: the loader downstream works while the source is still read. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "lineread.h"
#include "outbuf.h"
#include "rejects.h"
#include "rowset.h"
#include "sig.h"

static struct {
	uint64_t lines, dups, rows;
} tally;

static struct outbuf out;
static struct rejects rej;
static struct rowset set;

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-T dir] [-r rejects] [-q] [file ...]\n", argv0);
	exit(EXIT_TROUBLE);
}

/* lr.idle: what passed so far goes on before we wait for more input */
static void
flush_rows(void *ctx)
{
	(void)ctx;
	if (ob_flush(&out) < 0)
		ob_fatal(&out);
}

static void
uniq_line(const char *line, size_t len)
{
	int r = rowset_add(&set, line, len);

	if (r < 0)
		fatal(EXIT_TROUBLE, "spool in %s:", set.dir);
	if (r == 0) {
		tally.dups++;
		return;
	}
	/* a last line without its newline gets one: a row, whatever is written after it */
	if (ob_write(&out, line, len) < 0 || ob_putc(&out, '\n') < 0)
		ob_fatal(&out);
	tally.rows++;
}

/* Returns -1 on a read error, 1 when a signal stopped it, 0 at end of input. */
static int
uniq_stream(struct linereader *lr, void *ctx)
{
	char *line;
	size_t len;
	int r;

	(void)ctx;
	lr->idle = flush_rows;
	while ((r = rejects_next_short(&rej, lr, "line longer than 64 MiB", &line, &len, &tally.lines)) > 0) {
		tally.lines++;
		uniq_line(line, len);
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
		{ "temporary-directory", required_argument, NULL, 'T' }, { "rejects", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 }
	};
	const char *rej_path = NULL, *dir = NULL;
	int c, quiet = 0, status = EXIT_ALLGOOD;

	setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "T:r:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'T': dir = optarg; break;
		case 'r': rej_path = optarg; break;
		case 'q': quiet = 1; break;
		default: usage();
		}
	}
	sig_install();
	if (rowset_open(&set, dir) < 0)
		fatal(EXIT_TROUBLE, "cannot make a spool file in %s:", set.dir);
	ob_init(&out, 1, "<stdout>", 0);
	rejects_open(&rej, rej_path);
	if (lr_each(argv + optind, argc - optind, 0, uniq_stream, NULL) < 0)
		status = EXIT_TROUBLE;
	if (ob_close(&out) < 0)
		ob_fatal(&out);
	rejects_close(&rej);
	if (!quiet || sig_caught)
		fprintf(stderr, "%s: %llu lines, %llu rejects, %llu duplicates, %llu rows%s\n", argv0,
		    (unsigned long long)tally.lines, (unsigned long long)rej.count, (unsigned long long)tally.dups,
		    (unsigned long long)tally.rows, sig_caught ? " (interrupted)" : "");
	rowset_close(&set);
	if (sig_caught)
		return 128 + sig_caught;
	if (status == EXIT_ALLGOOD && rej.count)
		status = EXIT_SOMEREJECT;
	return status;
}
