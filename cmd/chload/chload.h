/* chload.h: what chload's files share: the options, the connections, the state file. */
#ifndef CHLOAD_H
#define CHLOAD_H
#include "batch.h"
#include "conf.h"
#include "schema.h"
#include "shard.h"
#include "state.h"
#include "tsvrow.h"

struct options {
	long long rows, bytes, seconds, skip, retries, timeout, interval, maxline;
	int gzip, quiet, check, sync, null_as_empty;
	const char *table, *schema, *rejects, *stats, *pwfile, *shards, *key, *state;
};

extern struct options opt;
extern struct chconf cc;
extern struct loader ld;	/* the settings of the INSERT, and what is done so far */
extern struct shardload sl;	/* --shards */
extern struct state state;	/* --state */
extern struct tsvrow tr;

/* Connections (one server, or every replica of --shards), the table's columns into sc, and
 * with --shards its engine checked and the shard key found.  Exits on failure. */
void setup(struct schema *sc);
/* With --state: the parameters the state file must agree on, and where to go on (opt.skip). */
void open_state(int argc, char *argv[]);

#endif
