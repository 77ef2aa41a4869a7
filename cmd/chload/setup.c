/* setup.c: what chload does before the first line: connect, learn the table's columns (and
 * with --shards its engine and the shard key), and read the state file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chload.h"
#include "err.h"
#include "sig.h"

/* A query on the server, or on the first node of the cluster that answers; the answer in *resp. */
static int
query(const char *q, const char **resp, size_t *len)
{
	struct chclient *ch = &ld.ch;
	struct chresult r;
	int attempt, st;

	if (opt.shards) {
		if ((st = shard_query(&sl, q, &ch)) != 0)
			return st;
	} else {
		for (attempt = 0; ch_post(&ld.ch, q, "", 0, 0, &r) < 0; attempt++) {
			if (!r.transient || attempt >= opt.retries || sig_caught) {
				warnf("%s: %s", cc.url, r.msg);
				return r.transient ? EXIT_RETRYLATER : EXIT_TROUBLE;
			}
			warnf("%s: %s: retry %d of %lld in 1 s", cc.url, r.msg, attempt + 1, opt.retries);
			sleep(1);
		}
	}
	*resp = ch->resp ? ch->resp : "";
	*len = ch->resplen;
	return 0;
}

/* The table's columns, from a file or from the server itself (DESCRIBE). */
static void
load_schema(struct schema *sc, const char *quoted)
{
	char err[512], q[600];
	const char *resp;
	size_t len;
	int st;

	if (opt.schema) {
		if (schema_load(sc, opt.schema, err, sizeof err) < 0)
			fatal(EXIT_TROUBLE, "%s", err);
		return;
	}
	snprintf(q, sizeof q, "DESCRIBE TABLE %s FORMAT TabSeparated", quoted);
	if ((st = query(q, &resp, &len)) != 0)
		fatal(st, "%s: cannot read the table's columns", opt.table);
	if (schema_parse(sc, resp, len, opt.table, err, sizeof err) < 0)
		fatal(EXIT_TROUBLE, "%s", err);
}

/* --shards writes into each shard's own table: a Distributed one would shard the rows again,
 * and only a Replicated one drops a block it already has. */
static void
check_engine(void)
{
	const char *dot = strchr(opt.table, '.'), *resp;
	char q[700];
	size_t len;
	int st;

	if (dot)
		snprintf(q, sizeof q, "SELECT engine FROM system.tables WHERE database = '%.*s' AND name = '%s'",
		    (int)(dot - opt.table), opt.table, dot + 1);
	else
		snprintf(q, sizeof q, "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = '%s'",
		    opt.table);
	if ((st = query(q, &resp, &len)) != 0)
		fatal(st, "%s: cannot read the table's engine", opt.table);
	if (strncmp(resp, "Distributed", 11) == 0)
		fatal(EXIT_TROUBLE, "%s is a Distributed table: with --shards name each shard's own table "
		    "(%s_local with scripts/ddl --cluster)", opt.table, opt.table);
	if (strncmp(resp, "Replicated", 10) != 0)
		warnf("%s: engine %.*s is not Replicated: a block sent again after a lost answer is not "
		    "deduplicated", opt.table, (int)strcspn(resp, "\n"), resp);
}

/* The options that decide where batches end: a rerun with --state must have the same. */
void
open_state(int argc, char *argv[])
{
	char err[1024], v[64], *files = NULL;
	size_t n = 0;
	uint64_t done;
	FILE *m;
	int i;

	if (!opt.state)
		return;
	state_init(&state, opt.state);
	state_param(&state, "table", opt.table);
	snprintf(v, sizeof v, "%lld", opt.rows);
	state_param(&state, "rows", v);
	snprintf(v, sizeof v, "%lld", opt.bytes);
	state_param(&state, "bytes", v);
	snprintf(v, sizeof v, "%zu", opt.shards ? sl.cl.nshard : 0);
	state_param(&state, "shards", v);
	state_param(&state, "shard_key", opt.shards ? opt.key : "-");
	state_param(&state, "check", opt.check ? "values" : "fields");
	if (!(m = open_memstream(&files, &n)))
		fatal(EXIT_TROUBLE, "out of memory");
	for (i = optind; i == optind || i < argc; i++)
		fprintf(m, "%s%s", i > optind ? " " : "", i < argc ? argv[i] : "-");
	fclose(m);
	state_param(&state, "inputs", files);
	free(files);
	switch (state_read(&state, &done, err, sizeof err)) {
	case -1:
		fatal(EXIT_TROUBLE, "--state %s", err);
	case 1:
		opt.skip = (long long)done;
		if (!opt.quiet)
			warnf("%s: going on after input line %llu", opt.state, (unsigned long long)done);
	}
	ld.state = opt.state;
}

void
setup(struct schema *sc)
{
	char err[512], quoted[512], *url;
	static char query_text[600];
	int k;

	if (ch_quote_table(opt.table, quoted, sizeof quoted) < 0)
		fatal(EXIT_TROUBLE, "-t %s: not a table name (letters, digits and _ as db.table)", opt.table);
	if (chconf_load(&cc, opt.pwfile, err, sizeof err) < 0)
		fatal(EXIT_TROUBLE, "%s", err);
	if (opt.sync) {	/* a setting in the URL: the Distributed table waits for every shard */
		url = xmalloc(strlen(cc.url) + 32);
		sprintf(url, "%s%sinsert_distributed_sync=1", cc.url, strchr(cc.url, '?') ? "&" : "?");
		free(cc.url);
		cc.url = url;
	}
	if (opt.shards) {
		if (shard_open(&sl, &ld, &cc, opt.shards, (long)opt.timeout, err, sizeof err) < 0)
			fatal(EXIT_TROUBLE, "%s", err);
	} else if (ch_open(&ld.ch, &cc, opt.timeout, err, sizeof err) < 0) {
		fatal(EXIT_TROUBLE, "%s", err);
	}
	sig_install();
	load_schema(sc, quoted);
	snprintf(query_text, sizeof query_text, "INSERT INTO %s FORMAT TabSeparated", quoted);
	ld.table = opt.table, ld.query = query_text, ld.gzip = opt.gzip, ld.retries = (int)opt.retries;
	tr.sc = sc, tr.check_values = opt.check, tr.null_as_empty = opt.null_as_empty;
	if (!opt.shards)
		return;
	check_engine();
	if (!opt.key)
		opt.key = "uid";
	if ((k = schema_find(sc, opt.key, strlen(opt.key))) < 0)
		fatal(EXIT_TROUBLE, "--shard-key %s: %s has no such column", opt.key, opt.table);
	sl.keycol = (size_t)k;
	sl.maxrows = (uint64_t)opt.rows;
	sl.maxbytes = (size_t)opt.bytes;
}

