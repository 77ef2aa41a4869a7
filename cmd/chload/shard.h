/* shard.h: chload --shards: each row goes to the shard its key hashes to, straight into that
 * shard's own (Replicated) table, in rounds: every round of input lines (cut by -n rows or
 * -B bytes, counted over all shards, never by time) makes one block per shard, so the blocks
 * are a pure function of the input and the options, and a resent block is one ClickHouse
 * already has.  Each shard's block is sent by a thread of its own, failing over between the
 * shard's replicas, while the main thread reads the next round. */
#ifndef SHARD_H
#define SHARD_H
#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "chcluster.h"
#include "conf.h"
#include "tsvrow.h"

struct sender;

struct shardload {
	struct loader *ld;	/* table, query, gzip, retries, rejects and the counters */
	struct chcluster cl;
	size_t keycol;		/* column the shard is chosen by */
	uint64_t maxrows;	/* -n: rows per round, over all shards */
	size_t maxbytes;	/* -B: bytes per round */
	struct sender *snd;	/* one per shard */
	struct batch round[2];	/* rows, bytes, rejects and lines of a round: [cur] being read, the other in flight */
	int cur;
	char *line;		/* one canonical line */
	size_t linecap;
	void (*committed)(void);	/* after each round is in: state file, progress */
};

/* Reads the nodes file and opens a connection per replica (cc gives user and password). */
int shard_open(struct shardload *sl, struct loader *ld, const struct chconf *cc, const char *nodes,
    long timeout, char *err, size_t errlen);
/* Runs a query on the first replica that answers, going round all of them up to --retries
 * times; 0 with the answer in (*ch)->resp, or the exit status (message printed). */
int shard_query(struct shardload *sl, const char *q, struct chclient **ch);
/* Starts the sender threads, once keycol, maxrows and maxbytes are set. */
void shard_start(struct shardload *sl);
/* The round being read, where rejects go. */
struct batch *shard_round(struct shardload *sl);
/* One input line: canonicalised into its shard's block, or a reject of the round.  0, or the
 * exit status to end with. */
int shard_take(struct shardload *sl, struct tsvrow *tr, const char *src, uint64_t srcline, uint64_t lineno,
    const char *line, size_t len);
/* st 0 (end of input): sends the last round and waits for it.  Otherwise (a signal, a read
 * error) waits for the round in flight and drops the one being read, whose end was not
 * decided by the input.  Returns the exit status. */
int shard_end(struct shardload *sl, int st);
void shard_close(struct shardload *sl);

#endif
