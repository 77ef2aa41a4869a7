/* kmock: a librdkafka mock cluster that injects protocol faults on command (tests/faults/run).
 *
 *	kmock [-n brokers] [-p partitions] topic...
 *
 * Creates a mock cluster of n brokers (default 3) on loopback, creates each topic with p
 * partitions (default 4), prints the bootstrap list as the first line of standard output, then
 * reads commands from standard input, one a line, and answers each with "ok" or "error: why":
 *
 *	err API N CODE...	the next requests of API (a number: 0 Produce, 1 Fetch, 3 Metadata,
 *				8 OffsetCommit, 10 FindCoordinator, 22 InitProducerId ...) fail with
 *				the CODEs in turn (names as librdkafka's, without RD_KAFKA_RESP_ERR_,
 *				e.g. NOT_LEADER_FOR_PARTITION, or numbers; _TRANSPORT disconnects)
 *	berr BROKER API CODE RTT_MS	one request of API on BROKER answered after RTT_MS with CODE
 *				(NO_ERROR and a long RTT: a request the client times out on)
 *	clear API		drop the cluster's queued errors of API
 *	down BROKER | up BROKER	disconnect a broker and refuse connections / accept them again
 *				(-1: every broker)
 *	leader TOPIC PARTITION BROKER	move a partition's leader (-1: none)
 *	rtt BROKER MS		delay every answer of BROKER
 *	quit			end (so does end of input, SIGINT and SIGTERM)
 *
 * Remember the mock's limits (shared/facts/kafka.md): it keeps only the newest 5 MiB of each
 * partition and everything is gone when it ends: small data only.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static const char *argv0 = "kmock";

static void
die(const char *msg)
{
	fprintf(stderr, "%s: %s\n", argv0, msg);
	exit(2);
}

static int
number(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0';
}

/* an error code by librdkafka's name (with or without the RD_KAFKA_RESP_ERR_ prefix) or number */
static int
errcode(const char *s, rd_kafka_resp_err_t *code)
{
	const struct rd_kafka_err_desc *d;
	size_t n, i;
	long v;

	if (strncmp(s, "RD_KAFKA_RESP_ERR_", 18) == 0)
		s += 18;
	if (number(s, &v)) {
		*code = (rd_kafka_resp_err_t)v;
		return 0;
	}
	rd_kafka_get_err_descs(&d, &n);
	for (i = 0; i < n; i++)
		if (d[i].name && strcmp(d[i].name, s) == 0) {
			*code = d[i].code;
			return 0;
		}
	return -1;
}

#define MAXWORDS 64

static int
split(char *line, char **w)
{
	int n = 0;
	char *p;

	for (p = strtok(line, " \t\r\n"); p && n < MAXWORDS; p = strtok(NULL, " \t\r\n"))
		w[n++] = p;
	return n;
}

/* one command; NULL when done, else the answer */
static const char *
command(rd_kafka_mock_cluster_t *mc, char *line, char *msg, size_t msglen)
{
	char *w[MAXWORDS];
	rd_kafka_resp_err_t codes[MAXWORDS], e = RD_KAFKA_RESP_ERR_NO_ERROR;
	long a, b, c;
	int n = split(line, w), i;

	if (n == 0)
		return "ok";
	if (strcmp(w[0], "quit") == 0)
		return NULL;
	if (strcmp(w[0], "err") == 0 && n >= 4 && number(w[1], &a) && number(w[2], &b) && b == n - 3) {
		for (i = 3; i < n; i++)
			if (errcode(w[i], &codes[i - 3]) < 0) {
				snprintf(msg, msglen, "error: unknown error code %s", w[i]);
				return msg;
			}
		rd_kafka_mock_push_request_errors_array(mc, (int16_t)a, (size_t)b, codes);
	} else if (strcmp(w[0], "berr") == 0 && n == 5 && number(w[1], &a) && number(w[2], &b) &&
	    number(w[4], &c)) {
		if (errcode(w[3], &codes[0]) < 0) {
			snprintf(msg, msglen, "error: unknown error code %s", w[3]);
			return msg;
		}
		e = rd_kafka_mock_broker_push_request_error_rtts(mc, (int32_t)a, (int16_t)b, 1, codes[0], (int)c);
	} else if (strcmp(w[0], "clear") == 0 && n == 2 && number(w[1], &a)) {
		rd_kafka_mock_clear_request_errors(mc, (int16_t)a);
	} else if (strcmp(w[0], "down") == 0 && n == 2 && number(w[1], &a)) {
		e = rd_kafka_mock_broker_set_down(mc, (int32_t)a);
	} else if (strcmp(w[0], "up") == 0 && n == 2 && number(w[1], &a)) {
		e = rd_kafka_mock_broker_set_up(mc, (int32_t)a);
	} else if (strcmp(w[0], "leader") == 0 && n == 4 && number(w[2], &a) && number(w[3], &b)) {
		e = rd_kafka_mock_partition_set_leader(mc, w[1], (int32_t)a, (int32_t)b);
	} else if (strcmp(w[0], "rtt") == 0 && n == 3 && number(w[1], &a) && number(w[2], &b)) {
		e = rd_kafka_mock_broker_set_rtt(mc, (int32_t)a, (int)b);
	} else {
		snprintf(msg, msglen, "error: unknown command or wrong arguments");
		return msg;
	}
	if (e) {
		snprintf(msg, msglen, "error: %s", rd_kafka_err2str(e));
		return msg;
	}
	return "ok";
}

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char **argv)
{
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;
	rd_kafka_mock_cluster_t *mc;
	rd_kafka_resp_err_t e;
	char errstr[512], *line = NULL, msg[256];
	const char *answer;
	size_t cap = 0;
	long brokers = 3, parts = 4;
	struct sigaction sa;
	int opt, i;

	while ((opt = getopt(argc, argv, "n:p:")) != -1) {
		switch (opt) {
		case 'n':
			if (!number(optarg, &brokers) || brokers < 1 || brokers > 16)
				die("-n: 1 to 16 brokers");
			break;
		case 'p':
			if (!number(optarg, &parts) || parts < 1 || parts > 256)
				die("-p: 1 to 256 partitions");
			break;
		default:
			fprintf(stderr, "usage: %s [-n brokers] [-p partitions] topic...\n", argv0);
			return 2;
		}
	}
	if (optind == argc)
		die("no topic");

	conf = rd_kafka_conf_new();
	/* the handle only hosts the cluster: keep its own log quiet */
	if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
		die(errstr);
	if (!(rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr)))
		die(errstr);
	if (!(mc = rd_kafka_mock_cluster_new(rk, (int)brokers)))
		die("cannot create the mock cluster");
	for (i = optind; i < argc; i++)
		if ((e = rd_kafka_mock_topic_create(mc, argv[i], (int)parts, (int)brokers)))
			die(rd_kafka_err2str(e));

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;	/* no SA_RESTART: getline returns and the loop ends */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);
	while (!stop && getline(&line, &cap, stdin) > 0) {
		if (!(answer = command(mc, line, msg, sizeof msg)))
			break;
		printf("%s\n", answer);
		fflush(stdout);
	}
	free(line);
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
