/* chload: TabSeparated rows into one ClickHouse table over HTTP, in batches. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chload.h"
#include "err.h"
#include "lineread.h"
#include "numconv.h"
#include "progress.h"
#include "sig.h"

struct options opt = { .rows = 100000, .bytes = 16 << 20, .retries = 8, .timeout = 300, .interval = -1,
	.maxline = LR_MAXLINE, .check = 1 };
struct chconf cc;
struct loader ld;
struct shardload sl;
struct state state;
struct tsvrow tr;
static struct sending snd;	/* plain mode: snd.fill fills while snd.out is sent */
static struct progress prog;
static uint64_t lineno;		/* over all inputs */

static void
usage(void)
{
	fprintf(stderr, "usage: %s -t db.table [-r rejects] [-n rows] [-B bytes] [-T seconds] [-z] [--skip N]\n"
	    "       [--state F] [--shards nodes [--shard-key col]] [--sync] [--retries N] [--timeout S]\n"
	    "       [-s schema.tsv] [--no-check] [--null-as-empty] [--url URL] [--user U] [--password-file F] [-P seconds]\n"
	    "       [--stats-json F] [-q] [file ...]\n", argv0);
	exit(EXIT_TROUBLE);
}

static void
parse_options(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "table", 1, NULL, 't' }, { "rejects", 1, NULL, 'r' }, { "rows", 1, NULL, 'n' },
		{ "bytes", 1, NULL, 'B' }, { "seconds", 1, NULL, 'T' }, { "gzip", 0, NULL, 'z' },
		{ "skip", 1, NULL, 'k' }, { "retries", 1, NULL, 'R' }, { "timeout", 1, NULL, 'O' },
		{ "schema", 1, NULL, 's' }, { "no-check", 0, NULL, 'C' }, { "null-as-empty", 0, NULL, 'E' }, { "url", 1, NULL, 'U' },
		{ "user", 1, NULL, 'u' }, { "password-file", 1, NULL, 'W' }, { "progress", 1, NULL, 'P' },
		{ "stats-json", 1, NULL, 'J' }, { "max-line", 1, NULL, 'L' }, { "quiet", 0, NULL, 'q' },
		{ "shards", 1, NULL, 'S' }, { "cluster-nodes", 1, NULL, 'S' }, { "shard-key", 1, NULL, 'K' },
		{ "sync", 0, NULL, 'Y' }, { "state", 1, NULL, 'F' }, { "help", 0, NULL, 'h' }, { 0, 0, 0, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "t:r:n:B:T:zs:P:qh", lo, NULL)) != -1) {
		switch (c) {
		case 't': opt.table = optarg; break;
		case 'r': opt.rejects = optarg; break;
		case 'n': opt.rows = flag_number("-n", optarg, 1, 1 << 30); break;
		case 'B': opt.bytes = flag_number("-B", optarg, 1024, 1LL << 34); break;
		case 'T': opt.seconds = flag_number("-T", optarg, 0, 86400); break;
		case 'z': opt.gzip = 1; break;
		case 'k': opt.skip = flag_number("--skip", optarg, 0, 1LL << 62); break;
		case 'R': opt.retries = flag_number("--retries", optarg, 0, 1000); break;
		case 'O': opt.timeout = flag_number("--timeout", optarg, 1, 86400); break;
		case 's': opt.schema = optarg; break;
		case 'C': opt.check = 0; break;
		case 'E': opt.null_as_empty = 1; break;
		case 'U': free(cc.url); cc.url = xstrdup(optarg); break;
		case 'u': free(cc.user); cc.user = xstrdup(optarg); break;
		case 'W': opt.pwfile = optarg; break;
		case 'P': opt.interval = flag_number("-P", optarg, 0, 86400); break;
		case 'J': opt.stats = optarg; break;
		case 'L': opt.maxline = flag_number("--max-line", optarg, 64, 1LL << 40); break;
		case 'q': opt.quiet = 1; break;
		case 'S': opt.shards = optarg; break;
		case 'K': opt.key = optarg; break;
		case 'Y': opt.sync = 1; break;
		case 'F': opt.state = optarg; break;
		default: usage();
		}
	}
	if (!opt.table)
		usage();
	if (opt.key && !opt.shards)
		fatal(EXIT_TROUBLE, "--shard-key goes with --shards");
	if (opt.shards && (opt.sync || opt.seconds))
		fatal(EXIT_TROUBLE, "--shards sends to each shard's own table: %s does not apply",
		    opt.sync ? "--sync (a Distributed table's setting)" : "-T (batches must not depend on time)");
	if (opt.state && opt.skip)
		fatal(EXIT_TROUBLE, "--state and --skip: the state file says where to go on");
}

static void
open_outputs(struct outbuf *rej)
{
	if (!opt.rejects)
		ob_init(rej, 2, "<stderr>", 0);
	else if (ob_open(rej, opt.rejects, O_APPEND, 0600) < 0)
		fatal(EXIT_TROUBLE, "%s:", opt.rejects);
}

static void
report(void)
{
	char extra[160], js[200];

	snprintf(extra, sizeof extra, "%llu rows loaded, %llu rejects", (unsigned long long)ld.rows,
	    (unsigned long long)ld.nrej);
	snprintf(js, sizeof js, "\"table\":\"%s\",\"loaded\":%llu,\"rejects\":%llu,\"done_line\":%llu", opt.table,
	    (unsigned long long)ld.rows, (unsigned long long)ld.nrej, (unsigned long long)ld.done_line);
	progress_report(&prog, lineno, extra, js);
}

/* After each commit: the state file (the lines up to done_line are in), progress. */
static void
committed(void)
{
	char err[1024];

	/* never backwards: lines the state file already counts stay counted */
	if (opt.state && state_write(&state, ld.done_line > (uint64_t)opt.skip ? ld.done_line :
	    (uint64_t)opt.skip, err, sizeof err) < 0)
		fatal(EXIT_TROUBLE, "--state %s", err);
	if (progress_due(&prog))
		report();
}

/* Waits for the batch under way, if any: 0 once it is committed, else the exit status. */
static int
collect(void)
{
	int done, st = sending_wait(&snd, &done);

	if (st == 0 && done)
		committed();
	return st;
}

/* The batch filled so far goes out (after the one before is in); the next fills meanwhile. */
static int
commit(void)
{
	int st = collect();

	if (st == 0)
		sending_start(&snd);
	return st;
}

static int
due(void)
{
	const struct batch *b = snd.fill;

	/* rejects count too: held until their batch is committed, they must not pile up */
	return b->rows >= (uint64_t)opt.rows || b->len >= (size_t)opt.bytes || b->rejlen >= (size_t)opt.bytes ||
	    (opt.seconds > 0 && (b->rows || b->nrej) && now_seconds() - b->t0 >= (double)opt.seconds);
}

/* One input line into the batch (canonicalised) or into its rejects. */
static int
take_line(const struct linereader *lr, const char *line, size_t len)
{
	size_t need = tsvrow_bound(&tr, len);
	struct batch *b;
	long w;
	int st;

	if (opt.shards)
		return shard_take(&sl, &tr, lr->name, lr->lineno, lineno, line, len);
	if (snd.fill->len + need > snd.fill->cap && snd.fill->rows > 0 && (st = commit()) != 0)
		return st;
	b = snd.fill;
	if (need > b->cap) {
		b->cap = need;
		b->buf = xrealloc(b->buf, b->cap);
	}
	if (!b->first_line)
		b->first_line = lineno, b->t0 = now_seconds();
	if ((w = tsvrow_canon(&tr, line, len, b->buf + b->len)) < 0) {
		batch_reject(b, lr->name, lr->lineno, tr.reason, line, len);
	} else {
		b->len += (size_t)w;
		b->rows++;
	}
	b->last_line = lineno;
	return due() ? commit() : 0;
}

/* Returns 0 at end of input, else the exit status to end with. */
static int
load_stream(struct linereader *lr)
{
	struct batch *rb = opt.shards ? shard_round(&sl) : snd.fill;	/* where rejects go */
	char *line, why[96];
	size_t len;
	int r, st;

	lr->timeout_ms = opt.seconds > 0 ? 250 : 0;
	while ((r = lr_next(lr, &line, &len)) != LR_EOF) {
		if (sig_caught)	/* a file never blocks, so its read is never interrupted */
			return 128 + sig_caught;
		if (r == LR_TIMEOUT) {
			if (due() && (st = commit()) != 0)
				return st;
			continue;
		}
		if (r < 0)
			break;
		if (!opt.shards)	/* the batch filling now: a commit may have swapped it */
			rb = snd.fill;
		if (lr->pieces > 1 || (r == LR_LINE && lr->pieces == 1)) {	/* the rest of a long line */
			batch_reject_more(rb, line, len, r == LR_LINE);
			continue;
		}
		if (opt.state && r == LR_LINE && lr->unterminated && !lr->pieces) {
			/* a writer cut off mid-line looks just like this: the rest may come on the rerun */
			warnf("%s: line %llu has no newline at the end of the input: not loaded, not counted "
			    "done (--state)", lr->name, (unsigned long long)lineno + 1);
			return EXIT_TROUBLE;
		}
		if (++lineno <= (uint64_t)opt.skip) {
			ld.done_line = lineno;
			continue;
		}
		if (opt.shards)
			rb = shard_round(&sl);
		if (r == LR_CHUNK) {
			if (!rb->first_line)
				rb->first_line = lineno, rb->t0 = now_seconds();
			snprintf(why, sizeof why, "line longer than --max-line %lld bytes", opt.maxline);
			batch_reject(rb, lr->name, lr->lineno, why, line, len);
			rb->rejlen--;	/* the rest follows */
			rb->last_line = lineno;
			continue;
		}
		if ((st = take_line(lr, line, len)) != 0)
			return st;
	}
	if (r == LR_ERROR) {
		warnf("%s: read error:", lr->name);
		return EXIT_TROUBLE;
	}
	return r == LR_INTR ? 128 + sig_caught : 0;
}

int
main(int argc, char *argv[])
{
	struct schema sc;
	struct outbuf rej;
	struct linereader lr;
	int i, st = 0, fin;

	setprogname(argv[0]);
	parse_options(argc, argv);
	setup(&sc);
	sl.committed = committed;
	open_state(argc, argv);
	open_outputs(&rej);
	ld.rejects = &rej;
	sending_init(&snd, &ld, (size_t)opt.bytes + (1u << 20));
	progress_init(&prog, "lines", opt.interval >= 0 ? (double)opt.interval : isatty(2) ? 1.0 : 10.0, opt.stats);
	if (opt.shards)
		shard_start(&sl);
	for (i = optind; st == 0 && (i == optind || i < argc); i++) {
		if (lr_open(&lr, i < argc ? argv[i] : "-", (size_t)opt.maxline) < 0) {
			warnf("%s:", argv[i]);
			st = EXIT_TROUBLE;
			break;
		}
		st = load_stream(&lr);
		lr_close(&lr);
	}
	if (opt.state && lineno < (uint64_t)opt.skip && st == 0) {
		warnf("%s: the input has %llu lines, fewer than the %lld the state file says are done: "
		    "not the input of that run?", opt.state, (unsigned long long)lineno, opt.skip);
		st = EXIT_TROUBLE;
	}
	if (opt.shards)
		st = shard_end(&sl, st);
	/* what was read is sent, also after a signal or a bad input: upstream cannot give it again
	 * (unless the batch before failed: the lines after it are not done either way) */
	else if ((fin = collect()) != 0)
		st = fin;
	else if ((st == 0 || st > 128 || (st == EXIT_TROUBLE && !ld.batches && snd.fill->rows)) &&
	    ((fin = commit()) != 0 || (fin = collect()) != 0))
		st = fin;
	if (ob_close(&rej) < 0) {
		warnf("%s: write error:", rej.name);
		st = EXIT_TROUBLE;
	}
	if (opt.stats)
		report();
	progress_end(&prog);
	if (!opt.quiet || st)
		fprintf(stderr, "%s: %s: %llu lines, %llu rows loaded in %llu batches (%llu bytes sent), %llu rejects, %.1f s%s\n",
		    argv0, opt.table, (unsigned long long)lineno, (unsigned long long)ld.rows,
		    (unsigned long long)ld.batches, (unsigned long long)ld.bytes, (unsigned long long)ld.nrej,
		    now_seconds() - prog.t0, sig_caught ? " (interrupted)" : "");
	if (st == 0 && ld.nrej)
		st = EXIT_SOMEREJECT;
	if (opt.shards)
		shard_close(&sl);
	else
		ch_close(&ld.ch);
	if (opt.state)
		state_free(&state);
	schema_free(&sc);
	return st;
}
