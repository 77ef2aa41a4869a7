/* kcat-split: the messages of a consumer group (or the lines of files) to one output per
 * eventType.  Offsets are committed only for messages the outputs already hold durably, so a
 * crash may repeat messages but never loses one; with --spool, into chunks of offsets that are
 * committed once renamed into place, so that a crash repeats nothing either. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "err.h"
#include "group.h"
#include "kafkaconf.h"
#include "kafkalog.h"
#include "kafkastop.h"
#include "lineread.h"
#include "numconv.h"
#include "progress.h"
#include "route.h"
#include "sig.h"
#include "spool.h"

/* queued.max.messages.kbytes: librdkafka 2.0's 64 MiB fetch queue was most of our memory; with
 * group_nudge_fetchers a smaller one costs no speed.  fetch.wait.max.ms: the first fetch after an
 * assignment often holds one partition only, and the broker keeps an empty answer for that long;
 * at librdkafka's 500 ms that was half a second on every start and at every end (-e) */
static const char *const defaults[] = {
	"auto.offset.reset", "earliest", "queued.max.messages.kbytes", "16384", "fetch.wait.max.ms", "100", NULL
};
/* set here, after the user's properties: the commit protocol depends on them */
static const char *const locked[] = {
	"enable.auto.commit", "enable.auto.offset.store", "enable.partition.eof", NULL
};

static struct router rt;
static struct spool sp;
static struct group grp;
static struct progress prog;
static int verbose = 1, trouble;
static uint64_t messages;

/* the command line, once parsed */
static struct {
	const char *brokers, *group, *template, *types, *unknown, *rejects, *stats, *spool;
	long long commit_every, commit_ms, interval, chunk;
	int body, eof_exit, kafka;	/* kafka: an option that only Kafka mode takes */
	int every_set, ms_set, chunk_set;
} opt = { .commit_every = 100000, .commit_ms = 1000, .interval = -1, .chunk = 100000 };

#define SPOOL_COMMIT_MS 10000	/* --spool: the default age at which an open chunk is finished */

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-b brokers] -G group [-X prop=value] [-F file] [-e] -o template\n"
	    "       [-T type,...] [--unknown FILE] [-r rejects] [--body] [--commit-every N] [--commit-ms MS]\n"
	    "       [-P seconds] [--stats-json FILE] [-q] [-v] topic ...\n"
	    "       %s [-b brokers] -G group [-X prop=value] [-F file] [-e] --spool DIR [--chunk N]\n"
	    "       [--commit-ms MS] [-T type,...] [--body] [-P seconds] [--stats-json FILE] [-q] [-v] topic ...\n"
	    "       %s -o template [-T type,...] [--unknown FILE] [-r rejects] [--body] [file | -] ...\n",
	    argv0, argv0, argv0);
	exit(EXIT_TROUBLE);
}

static long long
count_arg(const char *opt, const char *s, long long min, long long max)
{
	const char *why;
	long long v = parse_count(s, min, max, &why);

	if (why)
		fatal(EXIT_TROUBLE, "%s %s: %s", opt, s, why);
	return v;
}

/* "sa 12, djk 3" and {"sa":12,"djk":3} */
static void
type_counts(char *buf, size_t len, char *json, size_t jlen)
{
	struct typecount *tc;
	size_t i, n, b = 0, j = 0;

	if (opt.spool) {
		n = spool_types(&sp, &tc);
	} else {
		tc = xmalloc((rt.nout + 1) * sizeof *tc);
		for (n = 0; n < rt.nout; n++)
			tc[n] = (struct typecount){ rt.out[n].type, rt.out[n].count };
	}
	buf[0] = json[0] = 0;
	for (i = 0; i < n && b < len && j < jlen; i++) {
		b += (size_t)snprintf(buf + b, len - b, "%s%s %llu", b ? ", " : "", tc[i].type,
		    (unsigned long long)tc[i].n);
		j += (size_t)snprintf(json + j, jlen - j, "%s\"%s\":%llu", j ? "," : "", tc[i].type,
		    (unsigned long long)tc[i].n);
	}
	free(tc);
}

static void
report(void)
{
	char types[2048], jtypes[2048], lag[2048], jlag[2048], extra[4400], json[4400];

	type_counts(types, sizeof types, jtypes, sizeof jtypes);
	lag[0] = jlag[0] = 0;
	if (grp.rk)
		group_lag(&grp, lag, sizeof lag, jlag, sizeof jlag);
	if (opt.spool) {
		snprintf(extra, sizeof extra, "%llu chunks; %s%s%s", (unsigned long long)sp.chunks, types,
		    *lag ? "; lag " : "", lag);
		snprintf(json, sizeof json, "\"rejects\":%llu,\"unknown\":%llu,\"commits\":%llu,\"chunks\":%llu,"
		    "\"skipped\":%llu,\"open\":%llu,\"types\":{%s},\"lag\":{%s}", (unsigned long long)sp.rejects,
		    (unsigned long long)sp.unknowns, (unsigned long long)grp.commits, (unsigned long long)sp.chunks,
		    (unsigned long long)sp.skipped, (unsigned long long)spool_open_messages(&sp), jtypes, jlag);
	} else {
		snprintf(extra, sizeof extra, "%llu rejects; %s%s%s", (unsigned long long)rt.rejects, types,
		    *lag ? "; lag " : "", lag);
		snprintf(json, sizeof json, "\"rejects\":%llu,\"unknown\":%llu,\"commits\":%llu,\"types\":{%s},\"lag\":{%s}",
		    (unsigned long long)rt.rejects, (unsigned long long)rt.unknowns, (unsigned long long)grp.commits,
		    jtypes, jlag);
	}
	progress_report(&prog, messages, extra, json);
}

static int
sync_outputs(void *ctx)
{
	return route_sync(ctx);
}

/* Reject record of a Kafka message: topic TAB partition TAB offset TAB reason TAB message. */
static void
reject_message(const rd_kafka_message_t *m, const char *why)
{
	char head[1024];
	int n = snprintf(head, sizeof head, "%s\t%d\t%lld\t%s\t", rd_kafka_topic_name(m->rkt), (int)m->partition,
	    (long long)m->offset, why);

	route_reject(&rt, head, n < (int)sizeof head ? (size_t)n : sizeof head - 1, m->payload ? m->payload : "",
	    m->len);
}

static void
consumer_error(const rd_kafka_message_t *m)
{
	if (m->rkt)
		warnf("%s [%d]: %s", rd_kafka_topic_name(m->rkt), (int)m->partition, rd_kafka_message_errstr(m));
	else
		warnf("kafka: %s", rd_kafka_message_errstr(m));
	/* no such topic, or no right to it: waiting would not help */
	if (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
	    m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
	    m->err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED)
		trouble = 1;
}

/* 1 when m was a message (written out or rejected), 0 for an event. */
static int
take_message(const rd_kafka_message_t *m)
{
	const char *topic;
	char why[512];

	if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
		if (opt.spool)	/* first: a finished chunk is a message done with, which clears eof */
			spool_eof(&sp, rd_kafka_topic_name(m->rkt), m->partition);
		group_eof(&grp, rd_kafka_topic_name(m->rkt), m->partition);
		return 0;
	}
	if (m->err) {
		consumer_error(m);
		return 0;
	}
	topic = rd_kafka_topic_name(m->rkt);
	if (opt.spool)	/* its offset is committed when its chunk is in ready/ */
		return spool_put(&sp, topic, m->partition, m->offset, m->payload ? m->payload : "", m->len) != 2 &&
		    (messages++, 1);
	messages++;
	if (route_put(&rt, m->payload ? m->payload : "", m->len, why, sizeof why) > 0)
		reject_message(m, why);
	if (!rt.broken)	/* else its offset must not be committed */
		group_done_with(&grp, topic, m->partition, m->offset);
	return 1;
}

#define NUDGE_AFTER 1000	/* a trickle of messages does not stall: no nudge for it */
#define NUDGE_POLL_MS 5

static void
consume(int eof_exit, long long commit_every, double commit_s)
{
	double next_commit = now_seconds() + commit_s;
	long long since = 0;	/* messages since the last checkpoint */
	long long burst = 0;	/* messages since the queue was last empty */

	while (kafka_stop_level() == STOP_NO && !trouble && !rt.broken && !sp.broken && !grp.broken &&
	    !kafkalog_fatal()) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(grp.rk, burst ? NUDGE_POLL_MS : 100);
		int quiet = !m || m->err || (messages & 0x3ff) == 0;	/* time to look at the clock */

		if (!m && burst >= NUDGE_AFTER)	/* drained a full queue: see group_nudge_fetchers */
			group_nudge_fetchers(&grp);
		burst = m ? burst + 1 : 0;
		if (m) {
			since += take_message(m);
			rd_kafka_message_destroy(m);
		}
		if (opt.spool) {	/* chunks are finished by size, by -e, by age: then committed */
			if (quiet)
				spool_finish_aged(&sp);
			if (sp.finished && !sp.broken) {
				group_commit(&grp);
				sp.finished = 0;
			}
		} else if (since >= commit_every || (since && quiet && now_seconds() >= next_commit)) {
			group_checkpoint(&grp);
			since = 0;
			next_commit = now_seconds() + commit_s;
		}
		if (quiet && progress_due(&prog))
			report();
		if (eof_exit && quiet && group_at_end(&grp))
			break;
	}
}

static void
subscribe(char **topics, int n)
{
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(n);
	rd_kafka_resp_err_t err;
	int i;

	for (i = 0; i < n; i++)
		rd_kafka_topic_partition_list_add(l, topics[i], RD_KAFKA_PARTITION_UA);
	if ((err = rd_kafka_subscribe(grp.rk, l)))
		fatal(EXIT_TROUBLE, "subscribe: %s", rd_kafka_err2str(err));
	rd_kafka_topic_partition_list_destroy(l);
}

static void
run_group(struct kafkaconf *kc, char **topics, int ntopics)
{
	char err[512];
	rd_kafka_conf_t *conf;

	if (opt.spool) {	/* where to start a partition that has no commit yet */
		size_t n = sizeof err;

		if (rd_kafka_topic_conf_get(kc->tconf, "auto.offset.reset", err, &n) == RD_KAFKA_CONF_OK)
			sp.reset_latest = strcmp(err, "latest") == 0 || strcmp(err, "largest") == 0 ||
			    strcmp(err, "end") == 0;
	}
	if (kconf_set(kc, "group.id", opt.group, err, sizeof err) < 0 ||
	    kconf_set(kc, "enable.auto.commit", "false", err, sizeof err) < 0 ||
	    kconf_set(kc, "enable.auto.offset.store", "false", err, sizeof err) < 0 ||
	    kconf_set(kc, "enable.partition.eof", opt.eof_exit ? "true" : "false", err, sizeof err) < 0)
		fatal(EXIT_TROUBLE, "%s", err);
	kafkalog_setup(kc->conf, verbose);
	if (opt.spool) {
		group_setup(&grp, kc->conf, spool_finish_all, &sp);
		if (spool_init(&sp, opt.spool, opt.group, &grp, err, sizeof err) < 0)
			fatal(EXIT_TROUBLE, "%s", err);
	} else {
		group_setup(&grp, kc->conf, sync_outputs, &rt);
	}
	if (!(conf = kconf_finish(kc, opt.brokers, err, sizeof err)))
		fatal(EXIT_TROUBLE, "%s", err);
	if (!(grp.rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err)))
		fatal(EXIT_TROUBLE, "%s", err);
	rd_kafka_poll_set_consumer(grp.rk);
	subscribe(topics, ntopics);
	consume(opt.eof_exit, opt.commit_every, (double)opt.commit_ms / 1000);
	group_checkpoint(&grp);
	if (group_close(&grp, 10) == 0)
		rd_kafka_destroy_flags(grp.rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
	if (kafkalog_fatal())
		trouble = 1;
}

/* A line too long to hold: its pieces go to the rejects as they come. */
static void
reject_piece(const struct linereader *lr, const char *s, size_t n, int last)
{
	char head[600];
	int h;

	if (lr->pieces == 1 && !last) {
		h = snprintf(head, sizeof head, "%s:%llu\tline longer than %zu bytes\t", lr->name,
		    (unsigned long long)lr->lineno, lr->maxline);
		rt.rejects++;
		if (ob_write(&rt.rej, head, (size_t)h) < 0)
			rt.broken = 1;
	}
	if (ob_write(&rt.rej, s, n) < 0 || (last && ob_putc(&rt.rej, '\n') < 0))
		rt.broken = 1;
	if (rt.broken)
		warnf("%s: write error", rt.rej.name);
}

/* Lines of one file: 0 at its end, 1 when told to stop, -1 on a read error. */
static int
split_stream(struct linereader *lr)
{
	char *line, why[512], head[1200];
	size_t len;
	int r, h;

	while ((r = lr_next(lr, &line, &len)) > 0 && !rt.broken) {
		if (r == LR_CHUNK || lr->pieces) {
			messages += r == LR_CHUNK && lr->pieces == 1;
			reject_piece(lr, line, len, r == LR_LINE);
			continue;
		}
		messages++;
		if (route_put(&rt, line, len, why, sizeof why) > 0) {
			h = snprintf(head, sizeof head, "%s:%llu\t%s\t", lr->name, (unsigned long long)lr->lineno, why);
			route_reject(&rt, head, (size_t)h, line, len);
		}
		if ((messages & 0x3fff) == 0 && progress_due(&prog))
			report();
		if (kafka_stop_level() != STOP_NO)
			return 1;
	}
	if (r == LR_INTR)
		return 1;
	return r == LR_ERROR ? -1 : 0;
}

static void
run_files(char **files, int n)
{
	struct linereader lr;
	int i, r = 0;

	for (i = 0; (i == 0 || i < n) && r <= 0 && !rt.broken; i++) {
		const char *path = i < n ? files[i] : "-";

		if (lr_open(&lr, path, 0) < 0) {
			warnf("%s:", path);
			trouble = 1;
			continue;
		}
		if ((r = split_stream(&lr)) < 0) {
			warnf("%s: read error:", lr.name);
			trouble = 1;
		}
		lr_close(&lr);
	}
}

static void
summary(void)
{
	char types[4096], jtypes[4096];

	type_counts(types, sizeof types, jtypes, sizeof jtypes);
	if (opt.spool)
		fprintf(stderr, "%s: %llu messages, %llu written, %llu rejects, %llu of unknown types, %llu chunks into "
		    "%s/ready (%llu found there or in done/ already), %llu commits%s\n", argv0,
		    (unsigned long long)messages, (unsigned long long)sp.routed, (unsigned long long)sp.rejects,
		    (unsigned long long)sp.unknowns, (unsigned long long)sp.chunks, opt.spool,
		    (unsigned long long)sp.skipped, (unsigned long long)grp.commits,
		    kafka_stop_signal() ? " (stopped by a signal)" : "");
	else
		fprintf(stderr, "%s: %llu messages, %llu written, %llu rejects, %llu of unknown types, %llu commits%s\n",
		    argv0, (unsigned long long)messages, (unsigned long long)rt.routed, (unsigned long long)rt.rejects,
		    (unsigned long long)rt.unknowns, (unsigned long long)grp.commits,
		    kafka_stop_signal() ? " (stopped by a signal)" : "");
	if (*types)
		fprintf(stderr, "%s: %s\n", argv0, types);
}

static void
options(int argc, char *argv[], struct kafkaconf *kc)
{
	enum { O_UNKNOWN = 256, O_BODY, O_EVERY, O_MS, O_STATS, O_SPOOL, O_CHUNK };
	static const struct option longopts[] = {
		{ "unknown", required_argument, NULL, O_UNKNOWN }, { "body", no_argument, NULL, O_BODY },
		{ "commit-every", required_argument, NULL, O_EVERY }, { "commit-ms", required_argument, NULL, O_MS },
		{ "stats-json", required_argument, NULL, O_STATS }, { "rejects", required_argument, NULL, 'r' },
		{ "types", required_argument, NULL, 'T' }, { "progress", required_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' }, { "verbose", no_argument, NULL, 'v' },
		{ "spool", required_argument, NULL, O_SPOOL }, { "chunk", required_argument, NULL, O_CHUNK },
		{ "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 }
	};
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "b:G:X:F:eo:T:r:P:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': opt.brokers = optarg; opt.kafka = 1; break;
		case 'G': opt.group = optarg; break;
		case 'X':
			if (kconf_option(kc, optarg, err, sizeof err) < 0)
				fatal(EXIT_TROUBLE, "%s", err);
			opt.kafka = 1;
			break;
		case 'F':
			if (kconf_file(kc, optarg, err, sizeof err) < 0)
				fatal(EXIT_TROUBLE, "%s", err);
			opt.kafka = 1;
			break;
		case 'e': opt.eof_exit = 1; opt.kafka = 1; break;
		case 'o': opt.template = optarg; break;
		case 'T': opt.types = optarg; break;
		case 'r': opt.rejects = optarg; break;
		case 'q': verbose = 0; break;
		case 'v': verbose++; break;
		case 'P': opt.interval = count_arg("-P", optarg, 0, 86400); break;
		case O_UNKNOWN: opt.unknown = optarg; break;
		case O_BODY: opt.body = 1; break;
		case O_EVERY: opt.commit_every = count_arg("--commit-every", optarg, 1, 1LL << 40); opt.every_set = 1; break;
		case O_MS: opt.commit_ms = count_arg("--commit-ms", optarg, 1, 86400000); opt.ms_set = 1; break;
		case O_SPOOL: opt.spool = optarg; opt.kafka = 1; break;
		case O_CHUNK: opt.chunk = count_arg("--chunk", optarg, 1, 1LL << 40); opt.chunk_set = 1; break;
		case O_STATS: opt.stats = optarg; break;
		default: usage();
		}
	}
	/* -G makes the operands topics; the Kafka options without it are a mistake, not ignored */
	if (!opt.template == !opt.spool || (opt.group && optind == argc) || (!opt.group && opt.kafka))
		usage();
	if (opt.chunk_set && !opt.spool)
		fatal(EXIT_TROUBLE, "--chunk goes with --spool");
	if (opt.spool && (opt.rejects || opt.unknown || opt.every_set))
		fatal(EXIT_TROUBLE, "--spool: %s", opt.rejects ? "rejects go into each chunk (no -r)" : opt.unknown ?
		    "unknown types go into each chunk's _unknown.jsonl (no --unknown)" :
		    "chunks are cut by --chunk (no --commit-every)");
	if (opt.spool && !opt.ms_set)
		opt.commit_ms = SPOOL_COMMIT_MS;
}

int
main(int argc, char *argv[])
{
	struct kafkaconf kc;
	char err[512];

	setprogname(argv[0]);
	kconf_init(&kc, defaults, locked);
	options(argc, argv, &kc);
	if (opt.spool) {
		struct rlimit rl;
		char probe[64];

		/* each chunk's types are open files: 15 a partition with -T */
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		if (route_init(&rt, "%s", opt.types, NULL, opt.body, NULL, probe, sizeof probe) < 0)	/* checks -T */
			fatal(EXIT_TROUBLE, "%s", probe);
		sp.types = opt.types;
		sp.body = opt.body;
		sp.max = (uint64_t)opt.chunk;
		sp.max_s = (double)opt.commit_ms / 1000;
		sp.eof_finish = opt.eof_exit;
		sp.verbose = verbose;
	} else if (route_init(&rt, opt.template, opt.types, opt.unknown, opt.body, opt.rejects, err, sizeof err) < 0) {
		fatal(EXIT_TROUBLE, "%s", err);
	}
	sig_install();
	progress_init(&prog, "messages", opt.interval >= 0 ? (double)opt.interval : verbose == 0 ? 0 :
	    isatty(2) ? 1.0 : 10.0, opt.stats);
	if (opt.spool || route_open_known(&rt) == 0) {
		if (opt.group) {
			run_group(&kc, argv + optind, argc - optind);
		} else {
			kconf_free(&kc);
			run_files(argv + optind, argc - optind);
		}
	}
	if (opt.spool ? sp.broken || grp.broken : route_close(&rt) < 0 || rt.broken)
		trouble = 1;
	if (opt.stats)
		report();
	progress_end(&prog);
	if (verbose || trouble || kafka_stop_signal())
		summary();
	route_free(&rt);
	if (opt.spool)
		spool_free(&sp);
	if (trouble)
		return EXIT_TROUBLE;
	if (!opt.group && kafka_stop_signal())	/* files: the rest of the input was not read */
		return 128 + kafka_stop_signal();
	return (opt.spool ? sp.rejects : rt.rejects) ? EXIT_SOMEREJECT : EXIT_ALLGOOD;
}
