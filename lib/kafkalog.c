#include <stdio.h>
#include <string.h>

#include "err.h"
#include "kafkalog.h"

static int verbose;
static int fatal_seen;
static char last_error[512];

static void
on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	/* syslog levels: errors and warnings at -v, notices and debug at -vv */
	if ((level <= 4 && verbose >= 2) || verbose >= 3)
		fprintf(stderr, "%s: kafka: %s: %s\n", argv0, fac, buf);
}

static void
on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	char why[400];

	(void)opaque;
	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		rd_kafka_fatal_error(rk, why, sizeof why);
		fatal_seen = 1;
		snprintf(last_error, sizeof last_error, "fatal: %s", why);
		fprintf(stderr, "%s: kafka: %s\n", argv0, last_error);
		return;
	}
	/* the same transport error every second while a broker is down: say it once */
	if (strcmp(last_error, reason) == 0)
		return;
	snprintf(last_error, sizeof last_error, "%s", reason);
	if (verbose >= 1)
		fprintf(stderr, "%s: kafka: %s\n", argv0, reason);
}

void
kafkalog_setup(rd_kafka_conf_t *conf, int verbosity)
{
	char err[256];

	verbose = verbosity;
	rd_kafka_conf_set_log_cb(conf, on_log);
	rd_kafka_conf_set_error_cb(conf, on_error);
	if (verbosity >= 3)
		rd_kafka_conf_set(conf, "debug", "broker,topic,msg,cgrp,fetch", err, sizeof err);
}

const char *
kafkalog_last_error(void)
{
	return last_error;
}

void
kafkalog_forget(void)
{
	last_error[0] = 0;
}

int
kafkalog_fatal(void)
{
	return fatal_seen;
}
