/* ev2tsv: JSON event lines to ClickHouse TabSeparated rows typed by a table schema. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
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
#include "sig.h"

static struct {
	uint64_t lines, rows, rejects, defaults, unknown;
} tally;

static struct outbuf out, rej;
static int have_rejfile;
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
write_failed(struct outbuf *ob)
{
	if (ob->err == EPIPE) {	/* the reader went away: end as a pipe stage does, without a message */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	errno = ob->err;
	fatal(EXIT_TROUBLE, "%s: write error:", ob->name);
}

/* One reject record: source:line TAB reason TAB the line as it came (possibly in pieces). */
static void
reject_begin(const struct linereader *lr, const char *reason)
{
	char head[512];
	int n = snprintf(head, sizeof head, "%s:%llu\t%s\t", lr->name, (unsigned long long)lr->lineno, reason);

	if (ob_write(&rej, head, (size_t)n) < 0)
		write_failed(&rej);
	tally.rejects++;
	if (!have_rejfile && ob_flush(&rej) < 0)
		write_failed(&rej);
}

static void
reject_piece(const char *s, size_t n, int last)
{
	if (ob_write(&rej, s, n) < 0 || (last && ob_putc(&rej, '\n') < 0))
		write_failed(&rej);
	if (last && max_rejects >= 0 && tally.rejects > (unsigned long long)max_rejects) {
		ob_flush(&out);
		ob_flush(&rej);
		fatal(EXIT_TROUBLE, "more than %lld rejects: giving up after line %llu", max_rejects,
		    (unsigned long long)tally.lines);
	}
}

static void
convert_line(struct evrow *ev, const struct linereader *lr, const char *line, size_t len)
{
	size_t need = evrow_bound(ev, len);
	char *dst = ob_reserve(&out, need);
	long w;

	if (!dst)
		write_failed(&out);
	if ((w = evrow_convert(ev, line, len, dst)) < 0) {
		reject_begin(lr, ev->reason);
		reject_piece(line, len, 1);
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

	snprintf(extra, sizeof extra, "%llu rejects", (unsigned long long)tally.rejects);
	progress_report(&prog, tally.lines, extra, NULL);
}

/* Returns -1 on a read error, 1 when a signal stopped it, 0 at end of input. */
static int
convert_stream(struct evrow *ev, struct linereader *lr)
{
	char *line;
	size_t len;
	int r;

	while ((r = lr_next(lr, &line, &len)) > 0) {
		if (r == LR_CHUNK) {	/* too long to hold: straight to the rejects, piece by piece */
			if (lr->pieces == 1) {
				char why[96];
				snprintf(why, sizeof why, "line longer than --max-line %zu bytes", lr->maxline);
				tally.lines++;
				reject_begin(lr, why);
			}
			reject_piece(line, len, 0);
			continue;
		}
		if (lr->pieces) {
			reject_piece(line, len, 1);
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

static void
open_rejects(const char *path)
{
	if (!path) {	/* no file given: the records go to stderr, never nowhere */
		ob_init(&rej, 2, "<stderr>", 0);
		return;
	}
	/* appended, never truncated: an earlier run's rejects stay; 0600 as they hold customer data */
	if (ob_open(&rej, path, O_APPEND, 0600) < 0)
		fatal(EXIT_TROUBLE, "%s:", path);
	have_rejfile = 1;
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
	const char *schema_path = NULL, *cols = NULL, *rej_path = NULL, *stats = NULL, *why;
	struct schema sc;
	struct evrow ev;
	struct linereader lr;
	char err[512];
	long long maxline = LR_MAXLINE, interval = -1;
	int c, quiet = 0, strict = 0, i, r, status = EXIT_ALLGOOD;

	setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "s:c:r:P:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': schema_path = optarg; break;
		case 'c': cols = optarg; break;
		case 'r': rej_path = optarg; break;
		case 'S': strict = 1; break;
		case 'q': quiet = 1; break;
		case 'J': stats = optarg; break;
		case 'M':
			max_rejects = parse_count(optarg, 0, (1LL << 62), &why);
			if (why)
				fatal(EXIT_TROUBLE, "--max-rejects %s: %s", optarg, why);
			break;
		case 'L':
			maxline = parse_count(optarg, 64, (1LL << 40), &why);
			if (why)
				fatal(EXIT_TROUBLE, "--max-line %s: %s", optarg, why);
			break;
		case 'P':
			interval = parse_count(optarg, 0, 86400, &why);
			if (why)
				fatal(EXIT_TROUBLE, "-P %s: %s", optarg, why);
			break;
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
	open_rejects(rej_path);
	evrow_init(&ev, &sc, strict);
	progress_init(&prog, "lines", interval >= 0 ? (double)interval : isatty(2) ? 1.0 : 10.0, stats);
	for (i = optind; i == optind || i < argc; i++) {
		const char *path = i < argc ? argv[i] : "-";

		if (lr_open(&lr, path, (size_t)maxline) < 0) {
			warnf("%s:", path);
			status = EXIT_TROUBLE;
			continue;
		}
		r = convert_stream(&ev, &lr);
		if (r < 0) {
			warnf("%s: read error:", lr.name);
			status = EXIT_TROUBLE;
		}
		lr_close(&lr);
		if (r > 0)
			break;
	}
	if (ob_close(&out) < 0)
		write_failed(&out);
	if (ob_close(&rej) < 0)
		write_failed(&rej);
	if (stats)
		report();
	progress_end(&prog);
	if (!quiet || sig_caught)
		fprintf(stderr, "%s: %llu lines, %llu rows, %llu rejects, %llu defaults filled, %llu unknown fields%s\n",
		    argv0, (unsigned long long)tally.lines, (unsigned long long)tally.rows,
		    (unsigned long long)tally.rejects, (unsigned long long)tally.defaults,
		    (unsigned long long)tally.unknown, sig_caught ? " (interrupted)" : "");
	evrow_free(&ev);
	schema_free(&sc);
	if (sig_caught)
		return 128 + sig_caught;
	if (status == EXIT_ALLGOOD && tally.rejects)
		status = EXIT_SOMEREJECT;
	return status;
}
