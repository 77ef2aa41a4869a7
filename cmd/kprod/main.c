/* kprod: every line of files, directories or standard input becomes one Kafka message, and
 * every message is accounted for: delivered, rejected (with its file:line and reason) or counted
 * as not delivered, with the place a rerun resumes from. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "inputs.h"
#include "kafkaconf.h"
#include "kafkaevent.h"
#include "kafkalog.h"
#include "kafkastop.h"
#include "ledger.h"
#include "lineread.h"
#include "numconv.h"
#include "outbuf.h"
#include "pace.h"
#include "progress.h"
#include "rejects.h"
#include "sig.h"
#include "topiclimit.h"

#define FRAMING 128	/* bytes a record and its batch add to a line, for the size check */

static const char *const defaults[] = {
	"enable.idempotence", "true",	/* no duplicates or reordering from the producer's own retries */
	"acks", "all",
	/* memory stays bounded whatever the input: a full queue makes kprod wait for deliveries */
	"queue.buffering.max.kbytes", "32768",
	/* fuller batches: fewer requests for the broker to handle, at 20 ms of latency */
	"linger.ms", "20",
	NULL
};

static struct inputs in;
static struct ledger lg;
static struct pace pace;
static struct progress prog;
static struct rejects rej;
static int verbose = 1;
static rd_kafka_t *rk;
static rd_kafka_topic_t *rkt;
static const char *topic, *keyfield;
static size_t keyfield_len;
static long long limit;		/* the largest line that can be a message */
static uint64_t seq;		/* the last line read, counting from 1 over all inputs */
static uint64_t skip_through;	/* lines up to here are skipped (--skip, --resume) */
static uint64_t sent, skipped, nokey;

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-b brokers] -t topic [-X prop=value] [-F file] [-z codec] [-k field]\n"
	    "       [--rate N] [--sleep-every N --sleep-ms MS] [--skip N | --resume FILE:LINE]\n"
	    "       [-r rejects] [-P seconds] [--stats-json FILE] [-q] [-v] [file | dir | -] ...\n", argv0);
	exit(EXIT_TROUBLE);
}

/* "file:line" of seq into buf */
static const char *
where(uint64_t s, char *buf, size_t len)
{
	uint64_t line;
	const struct input *i = inputs_where(&in, s, &line);

	snprintf(buf, len, "%s:%llu", i ? i->name : "?", (unsigned long long)line);
	return buf;
}

static void
reject(uint64_t s, const char *reason, const char *line, size_t len)
{
	char at[4200];

	rejects_line(&rej, where(s, at, sizeof at), reason, line, len);
	ledger_mark(&lg, s, L_REJECTED, NULL);
}

/* Why a message was not delivered, with what the brokers last said when that is the real cause. */
static void
failure_reason(rd_kafka_resp_err_t err, char *why, size_t len)
{
	const char *last = kafkalog_last_error();

	if (*last && (err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT || err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT ||
	    err == RD_KAFKA_RESP_ERR__PURGE_QUEUE))
		snprintf(why, len, "%s (last error from Kafka: %s)", rd_kafka_err2str(err), last);
	else
		snprintf(why, len, "%s", rd_kafka_err2str(err));
}

static void
on_delivery(rd_kafka_t *k, const rd_kafka_message_t *m, void *opaque)
{
	uint64_t s = (uint64_t)(uintptr_t)m->_private;
	char why[768];

	(void)k, (void)opaque;
	if (!m->err) {
		ledger_mark(&lg, s, L_DELIVERED, NULL);
	} else if (m->err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
		snprintf(why, sizeof why, "the broker refused it: %s (%zu bytes; see max.message.bytes)",
		    rd_kafka_err2str(m->err), m->len);
		reject(s, why, m->payload, m->len);
	} else {
		failure_reason(m->err, why, sizeof why);
		if (rd_kafka_message_status(m) != RD_KAFKA_MSG_STATUS_NOT_PERSISTED)
			lg.maybe_persisted++;
		ledger_mark(&lg, s, L_FAILED, why);
	}
}

static void
report(void)
{
	char extra[256], json[256];
	unsigned long long inflight = (unsigned long long)rd_kafka_outq_len(rk);

	snprintf(extra, sizeof extra, "%llu delivered, %llu in flight, %llu not delivered, %llu rejects",
	    (unsigned long long)lg.delivered, inflight, (unsigned long long)lg.failed,
	    (unsigned long long)lg.rejected);
	snprintf(json, sizeof json, "\"delivered\":%llu,\"in_flight\":%llu,\"failed\":%llu,\"rejects\":%llu,"
	    "\"skip\":%llu", (unsigned long long)lg.delivered, inflight, (unsigned long long)lg.failed,
	    (unsigned long long)lg.rejected, (unsigned long long)(lg.lo - 1));
	progress_report(&prog, sent, extra, json);
}

/* Serves delivery reports for up to ms milliseconds; 0 when asked to stop meanwhile. */
static int
wait_ms(int ms)
{
	rd_kafka_poll(rk, ms);
	if (progress_due(&prog))
		report();
	return kafka_stop_level() == STOP_NO;
}

/* The key: the field's string value (unescaped) or number text; none for null, objects, arrays. */
static int
line_key(const char *line, size_t len, const char **key, size_t *keylen, char *buf, size_t bufsz)
{
	struct jval v;

	if (!kevent_field(line, len, keyfield, keyfield_len, &v))
		return 0;
	if (v.kind == J_STRING && v.esc) {
		if (v.n > bufsz)
			return 0;
		*keylen = json_unescape(buf, v.s, v.n);
		*key = buf;
		return 1;
	}
	if (v.kind != J_STRING && v.kind != J_NUMBER && v.kind != J_TRUE && v.kind != J_FALSE)
		return 0;
	*key = v.s;
	*keylen = v.n;
	return 1;
}

/* Waits for the line's turn (window, rate); 0 when a stop came first. */
static int
wait_turn(uint64_t s)
{
	double t, left;

	while (!ledger_room(&lg, s))
		if (!wait_ms(100))
			return 0;
	t = pace_next(&pace);
	while ((left = t - now_seconds()) > 0)
		if (!wait_ms(left > 0.1 ? 100 : (int)(left * 1000) + 1))
			return 0;
	return 1;
}

static void
send_line(uint64_t s, const char *line, size_t len)
{
	const char *key = NULL;
	char keybuf[1024], why[256];
	size_t keylen = 0;
	rd_kafka_resp_err_t err;

	if ((long long)len + FRAMING > limit) {
		snprintf(why, sizeof why, "line of %zu bytes: the topic takes messages of at most %lld bytes "
		    "(max.message.bytes, less %d bytes of framing)", len, limit - FRAMING, FRAMING);
		ledger_sent(&lg, s);
		reject(s, why, line, len);
		return;
	}
	if (keyfield && !line_key(line, len, &key, &keylen, keybuf, sizeof keybuf))
		nokey++;
	if (!wait_turn(s))
		return;
	while ((err = rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
	    RD_KAFKA_V_VALUE((void *)line, len), RD_KAFKA_V_KEY(key, keylen),
	    RD_KAFKA_V_OPAQUE((void *)(uintptr_t)s), RD_KAFKA_V_END)) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
		if (!wait_ms(50))	/* the queue is full: deliveries make room */
			return;
	ledger_sent(&lg, s);
	if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
		snprintf(why, sizeof why, "line of %zu bytes: %s (message.max.bytes)", len, rd_kafka_err2str(err));
		reject(s, why, line, len);
	} else if (err) {
		snprintf(why, sizeof why, "could not be queued: %s", rd_kafka_err2str(err));
		ledger_mark(&lg, s, L_FAILED, why);
	} else {
		sent++;
		rd_kafka_poll(rk, 0);
	}
}

/* A line longer than any message may be: to the rejects piece by piece, never held whole. */
static void
send_long_line(const struct linereader *lr, uint64_t s, const char *piece, size_t len, int last)
{
	char why[256], at[4200];

	if (s <= skip_through)
		return;
	if (lr->pieces == 1 && !last) {
		snprintf(why, sizeof why, "line longer than %lld bytes, the largest message the topic takes "
		    "(max.message.bytes, less %d bytes of framing)", limit - FRAMING, FRAMING);
		ledger_sent(&lg, s);
		rejects_begin(&rej, where(s, at, sizeof at), why);
	}
	rejects_piece(&rej, piece, len, last);
	if (last)
		ledger_mark(&lg, s, L_REJECTED, NULL);
}

/* 0 at the end of the input, 1 when told to stop, -1 on a read error. */
static int
send_stream(struct linereader *lr)
{
	char *line;
	size_t len;
	int r;

	while ((r = lr_next(lr, &line, &len)) > 0) {
		if (r == LR_CHUNK || lr->pieces) {
			if (r == LR_CHUNK && lr->pieces == 1 && ++seq <= skip_through) {
				ledger_skip(&lg, seq);
				skipped++;
			}
			send_long_line(lr, seq, line, len, r == LR_LINE);
		} else if (++seq <= skip_through) {
			ledger_skip(&lg, seq);
			skipped++;
		} else {
			send_line(seq, line, len);
		}
		if (r == LR_LINE && (kafka_stop_level() != STOP_NO || lg.first_failed || kafkalog_fatal()))
			return 1;	/* between lines: a long line's reject record is never left half written */
		if ((seq & 0x3ff) == 0 && progress_due(&prog))
			report();
	}
	if (r == LR_INTR)
		return 1;
	return r == LR_ERROR ? -1 : 0;
}

/* --resume FILE:LINE: everything through that line was delivered by an earlier run. */
static const struct input *
resume_at(const char *arg, uint64_t *line)
{
	const char *colon = strrchr(arg, ':');
	const struct input *i;

	if (!colon)
		fatal(EXIT_TROUBLE, "--resume %s: expected FILE:LINE", arg);
	*line = (uint64_t)flag_number("--resume", colon + 1, 0, 1LL << 62);
	if (!(i = inputs_find(&in, arg, (size_t)(colon - arg))))
		fatal(EXIT_TROUBLE, "--resume %s: %.*s is not among the inputs", arg, (int)(colon - arg), arg);
	return i;
}

/* Reads every input in turn; returns the exit status so far. */
static int
send_inputs(const struct input *resume, uint64_t resume_line)
{
	struct linereader lr;
	size_t i;
	int r = 0, status = EXIT_ALLGOOD;

	for (i = 0; i < in.n && r <= 0; i++) {
		struct input *inp = &in.v[i];

		if (lr_open(&lr, inp->path, (size_t)(limit - FRAMING) + 1) < 0) {
			warnf("%s:", inp->path);
			status = EXIT_TROUBLE;
			continue;
		}
		inp->first = seq + 1;
		if (inp == resume)
			skip_through = seq + resume_line;
		if ((r = send_stream(&lr)) < 0) {
			warnf("%s: read error:", lr.name);
			status = EXIT_TROUBLE;
		}
		lr_close(&lr);
		if (inp == resume && r == 0 && seq < skip_through)
			fatal(EXIT_TROUBLE, "--resume: %s has only %llu lines", inp->name,
			    (unsigned long long)(seq - inp->first + 1));
	}
	return status;
}

/* Waits for every delivery report; a second signal gives up on what is still in flight (and then
 * returns 1: rd_kafka_destroy would wait for librdkafka's own timeouts). */
static int
drain(void)
{
	int purged = 0;

	while (rd_kafka_flush(rk, 100) == RD_KAFKA_RESP_ERR__TIMED_OUT) {
		if (!purged && kafka_stop_level() == STOP_NOW) {
			warnf("second signal: giving up on %d messages in flight", rd_kafka_outq_len(rk));
			rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
			purged = 1;
		}
		if (progress_due(&prog))
			report();
	}
	return purged;
}

static void
summary(int stopped)
{
	uint64_t done = lg.lo - 1, again;
	char at[600];

	fprintf(stderr, "%s: %llu lines read, %llu skipped, %llu sent, %llu delivered, %llu rejects, "
	    "%llu not delivered", argv0, (unsigned long long)seq, (unsigned long long)skipped,
	    (unsigned long long)sent, (unsigned long long)lg.delivered, (unsigned long long)lg.rejected,
	    (unsigned long long)lg.failed);
	if (keyfield)
		fprintf(stderr, ", %llu without a key", (unsigned long long)nokey);
	fprintf(stderr, "%s\n", stopped ? " (interrupted)" : "");
	if (lg.failed)
		fprintf(stderr, "%s: first not delivered: %s: %s\n", argv0, where(lg.first_failed, at, sizeof at),
		    lg.first_reason);
	if (!lg.failed && !stopped)
		return;
	if (done)
		fprintf(stderr, "%s: every line through %s was delivered or rejected: rerun with --resume %s "
		    "(or --skip %llu)\n", argv0, where(done, at, sizeof at), at, (unsigned long long)done);
	else
		fprintf(stderr, "%s: no line was delivered: rerun from the start\n", argv0);
	if ((again = ledger_delivered_beyond(&lg)))
		fprintf(stderr, "%s: %llu lines after that were delivered too: a rerun sends them again\n",
		    argv0, (unsigned long long)again);
	if (lg.maybe_persisted)
		fprintf(stderr, "%s: %llu of the lines not delivered may have reached the topic all the same "
		    "(timed out or given up in flight)\n", argv0, (unsigned long long)lg.maybe_persisted);
}

static long long
conf_number(rd_kafka_conf_t *conf, const char *name)
{
	char buf[64];
	const char *why;
	long long v = parse_count(kconf_get(conf, name, buf, sizeof buf), 0, 1LL << 31, &why);

	return why ? 0 : v;
}

/* The size limit is the topic's, when the brokers tell it: the client then never builds a batch
 * the topic refuses, and a line too large is rejected here with that reason. */
static void
apply_topic_limit(rd_kafka_conf_t *conf, int user_max)
{
	char err[512], buf[64];
	long long topic_max = topic_max_message_bytes(conf, topic, 5000, err, sizeof err);

	limit = conf_number(conf, "message.max.bytes");
	if (topic_max < 0) {
		if (verbose >= 2)
			warnf("%s: max.message.bytes unknown (%s): the limit is message.max.bytes %lld", topic, err,
			    limit);
		return;
	}
	if (!user_max || topic_max < limit) {
		limit = topic_max < 1000 ? 1000 : topic_max;
		snprintf(buf, sizeof buf, "%lld", limit);
		rd_kafka_conf_set(conf, "message.max.bytes", buf, err, sizeof err);
	}
	if (conf_number(conf, "batch.size") > limit - FRAMING) {
		snprintf(buf, sizeof buf, "%lld", limit - FRAMING);
		rd_kafka_conf_set(conf, "batch.size", buf, err, sizeof err);
	}
	if (verbose >= 2)
		warnf("%s takes messages of up to %lld bytes (max.message.bytes)", topic, limit);
}

static void
start_kafka(struct kafkaconf *kc, const char *brokers)
{
	char err[512], buf[64];
	rd_kafka_conf_t *conf;
	int user_max;

	kafkalog_setup(kc->conf, verbose);
	user_max = strcmp(kconf_get(kc->conf, "message.max.bytes", buf, sizeof buf), "1000000") != 0;
	if (!(conf = kconf_finish(kc, brokers, err, sizeof err)))
		fatal(EXIT_TROUBLE, "%s", err);
	apply_topic_limit(conf, user_max);
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	if (!(rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err)))
		fatal(EXIT_TROUBLE, "%s", err);
	if (!(rkt = rd_kafka_topic_new(rk, topic, NULL)))
		fatal(EXIT_TROUBLE, "%s: %s", topic, rd_kafka_err2str(rd_kafka_last_error()));
}

/* the command line, once parsed */
static struct {
	const char *brokers, *rejects, *stats, *resume;
	long long rate, every, sleep_ms, interval;
} opt = { .interval = -1 };

static void
options(int argc, char *argv[], struct kafkaconf *kc)
{
	enum { O_RATE = 256, O_EVERY, O_SLEEP, O_SKIP, O_RESUME, O_STATS };
	static const struct option longopts[] = {
		{ "key-field", required_argument, NULL, 'k' }, { "rate", required_argument, NULL, O_RATE },
		{ "sleep-every", required_argument, NULL, O_EVERY }, { "sleep-ms", required_argument, NULL, O_SLEEP },
		{ "skip", required_argument, NULL, O_SKIP }, { "resume", required_argument, NULL, O_RESUME },
		{ "rejects", required_argument, NULL, 'r' }, { "progress", required_argument, NULL, 'P' },
		{ "stats-json", required_argument, NULL, O_STATS }, { "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 }
	};
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "b:t:X:F:z:k:r:P:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': opt.brokers = optarg; break;
		case 't': topic = optarg; break;
		case 'X':
			if (kconf_option(kc, optarg, err, sizeof err) < 0)
				fatal(EXIT_TROUBLE, "%s", err);
			break;
		case 'F':
			if (kconf_file(kc, optarg, err, sizeof err) < 0)
				fatal(EXIT_TROUBLE, "%s", err);
			break;
		case 'z':
			if (kconf_set(kc, "compression.codec", optarg, err, sizeof err) < 0)
				fatal(EXIT_TROUBLE, "-z %s: %s", optarg, err);
			break;
		case 'k': keyfield = optarg; keyfield_len = strlen(optarg); break;
		case 'r': opt.rejects = optarg; break;
		case 'q': verbose = 0; break;
		case 'v': verbose++; break;
		case 'P': opt.interval = flag_number("-P", optarg, 0, 86400); break;
		case O_STATS: opt.stats = optarg; break;
		case O_RATE: opt.rate = flag_number("--rate", optarg, 1, 100000000); break;
		case O_EVERY: opt.every = flag_number("--sleep-every", optarg, 1, 1LL << 40); break;
		case O_SLEEP: opt.sleep_ms = flag_number("--sleep-ms", optarg, 0, 3600000); break;
		case O_SKIP: skip_through = (uint64_t)flag_number("--skip", optarg, 0, 1LL << 62); break;
		case O_RESUME: opt.resume = optarg; break;
		default: usage();
		}
	}
	if (!topic || (opt.resume && skip_through) || (!opt.every != !opt.sleep_ms))
		usage();
}

int
main(int argc, char *argv[])
{
	struct kafkaconf kc;
	const struct input *resume = NULL;
	uint64_t resume_line = 0;
	int status, stopped, purged;

	setprogname(argv[0]);
	kconf_init(&kc, defaults, NULL);
	options(argc, argv, &kc);
	if (inputs_expand(&in, argv + optind, argc - optind) < 0)
		return EXIT_TROUBLE;
	if (opt.resume) {
		resume = resume_at(opt.resume, &resume_line);
		skip_through = UINT64_MAX;	/* until that input is reached */
	}
	sig_install();
	rejects_open(&rej, opt.rejects);
	ledger_init(&lg);
	pace_init(&pace, (double)opt.rate, opt.every, opt.sleep_ms);
	start_kafka(&kc, opt.brokers);
	progress_init(&prog, "messages", opt.interval >= 0 ? (double)opt.interval : verbose == 0 ? 0 :
	    isatty(2) ? 1.0 : 10.0, opt.stats);
	status = send_inputs(resume, resume_line);
	purged = drain();
	stopped = kafka_stop_level() != STOP_NO;
	rejects_close(&rej);
	if (opt.stats)
		report();
	progress_end(&prog);
	if (verbose || stopped || lg.failed || lg.rejected)
		summary(stopped);
	rd_kafka_topic_destroy(rkt);
	if (!purged)
		rd_kafka_destroy(rk);
	inputs_free(&in);
	if (kafkalog_fatal())
		return EXIT_TROUBLE;
	if (stopped)
		return 128 + kafka_stop_signal();
	if (status == EXIT_ALLGOOD && (lg.failed || lg.rejected))
		status = EXIT_SOMEREJECT;
	return status;
}
