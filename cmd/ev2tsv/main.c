/* ev2tsv: JSON event lines to ClickHouse TabSeparated rows typed by a table schema. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "err.h"
#include "evrow.h"
#include "lineread.h"
#include "numconv.h"
#include "outbuf.h"
#include "progress.h"
#include "rejects.h"
#include "sig.h"

static struct {
	uint64_t lines, rows, defaults, unknown;
} tally;

static struct outbuf out;
static struct rejects rej;
static long long max_rejects = -1;
static struct progress prog;

static void
usage(void)
{
	fprintf(stderr, "usage: %s (-s schema.tsv | -c col[:Type],...) [--strict] [-r rejects] [--max-rejects N]\n"
	    "       [--max-line BYTES] [-P seconds] [--stats-json FILE] [-q] [file ...]\n", argv0);
	exit(EXIT_TROUBLE);
}

static void
reject_done(void)
{
	if (max_rejects >= 0 && rej.count > (unsigned long long)max_rejects) {
		ob_flush(&out);
		rejects_close(&rej);
		fatal(EXIT_TROUBLE, "more than %lld rejects: giving up after line %llu", max_rejects,
		    (unsigned long long)tally.lines);
	}
}

/* lr.idle: the rows so far go to the loader before we wait for more input */
static void
flush_rows(void *ctx)
{
	(void)ctx;
	if (ob_flush(&out) < 0)
		ob_fatal(&out);
}

static void
convert_line(struct evrow *ev, const struct linereader *lr, const char *line, size_t len)
{
	size_t need = evrow_bound(ev, len);
	char *dst = ob_reserve(&out, need);
	long w;

	if (!dst)
		ob_fatal(&out);
	if ((w = evrow_convert(ev, line, len, dst)) < 0) {
		rejects_line(&rej, rejects_at(lr->name, lr->lineno), ev->reason, line, len);
		reject_done();
		return;
	}
	out.len += (size_t)w;
	tally.rows++;
	tally.defaults += ev->defaults;
	tally.unknown += ev->unknown;
}

static void
report(void)
{
	char extra[128];

	snprintf(extra, sizeof extra, "%llu rejects", (unsigned long long)rej.count);
	progress_report(&prog, tally.lines, extra, NULL);
}

/* Returns -1 on a read error, 1 when a signal stopped it, 0 at end of input. */
static int
convert_stream(struct linereader *lr, void *ctx)
{
	struct evrow *ev = ctx;
	char *line;
	size_t len;
	int r;

	lr->idle = flush_rows;

	while ((r = lr_next(lr, &line, &len)) > 0) {
		if (r == LR_CHUNK) {	/* too long to hold: straight to the rejects, piece by piece */
			if (lr->pieces == 1) {
				char why[96];
				snprintf(why, sizeof why, "line longer than --max-line %zu bytes", lr->maxline);
				tally.lines++;
				rejects_begin(&rej, rejects_at(lr->name, lr->lineno), why);
			}
			rejects_piece(&rej, line, len, 0);
			continue;
		}
		if (lr->pieces) {
			rejects_piece(&rej, line, len, 1);
			reject_done();
			continue;
		}
		tally.lines++;
		convert_line(ev, lr, line, len);
		if ((tally.lines & 0x3fff) == 0 && progress_due(&prog))
			report();
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
		{ "schema", required_argument, NULL, 's' }, { "columns", required_argument, NULL, 'c' },
		{ "rejects", required_argument, NULL, 'r' }, { "strict", no_argument, NULL, 'S' },
		{ "max-rejects", required_argument, NULL, 'M' }, { "max-line", required_argument, NULL, 'L' },
		{ "progress", required_argument, NULL, 'P' }, { "stats-json", required_argument, NULL, 'J' },
		{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 }
	};
	const char *schema_path = NULL, *cols = NULL, *rej_path = NULL, *stats = NULL;
	struct schema sc;
	struct evrow ev;
	char err[512];
	long long maxline = LR_MAXLINE, interval = -1;
	int c, quiet = 0, strict = 0, status = EXIT_ALLGOOD;

	setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "s:c:r:P:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': schema_path = optarg; break;
		case 'c': cols = optarg; break;
		case 'r': rej_path = optarg; break;
		case 'S': strict = 1; break;
		case 'q': quiet = 1; break;
		case 'J': stats = optarg; break;
		case 'M': max_rejects = flag_number("--max-rejects", optarg, 0, 1LL << 62); break;
		case 'L': maxline = flag_number("--max-line", optarg, 64, 1LL << 40); break;
		case 'P': interval = flag_number("-P", optarg, 0, 86400); break;
		default: usage();
		}
	}
	if (!schema_path == !cols)
		usage();
	if ((schema_path ? schema_load(&sc, schema_path, err, sizeof err) :
	    schema_from_list(&sc, cols, err, sizeof err)) < 0)
		fatal(EXIT_TROUBLE, "%s", err);
	sig_install();
	ob_init(&out, 1, "<stdout>", 0);
	rejects_open(&rej, rej_path);
	evrow_init(&ev, &sc, strict);
	progress_init(&prog, "lines", interval >= 0 ? (double)interval : isatty(2) ? 1.0 : 10.0, stats);
	if (lr_each(argv + optind, argc - optind, (size_t)maxline, convert_stream, &ev) < 0)
		status = EXIT_TROUBLE;
	if (ob_close(&out) < 0)
		ob_fatal(&out);
	rejects_close(&rej);
	if (stats)
		report();
	progress_end(&prog);
	if (!quiet || sig_caught)
		fprintf(stderr, "%s: %llu lines, %llu rows, %llu rejects, %llu defaults filled, %llu unknown fields%s\n",
		    argv0, (unsigned long long)tally.lines, (unsigned long long)tally.rows,
		    (unsigned long long)rej.count, (unsigned long long)tally.defaults,
		    (unsigned long long)tally.unknown, sig_caught ? " (interrupted)" : "");
	evrow_free(&ev);
	schema_free(&sc);
	if (sig_caught)
		return 128 + sig_caught;
	if (status == EXIT_ALLGOOD && rej.count)
		status = EXIT_SOMEREJECT;
	return status;
}
