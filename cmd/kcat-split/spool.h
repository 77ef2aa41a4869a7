/* spool.h: kcat-split --spool DIR, exactly once into a directory.  Each assigned partition's
 * messages are cut into chunks of consecutive offsets [a, b), written under
 * DIR/new/<topic>.<partition>.<a>/ (one <type>.jsonl per eventType, and "rejects"), then
 * fsync'd and renamed into DIR/ready/<topic>.<partition>.<a>-<b>/, and only then is b
 * committed.  A partition is written only by the holder of DIR/lock/<topic>.<partition>; when
 * it is assigned, the chunks already in ready/ or done/ from its committed offset on (a kill
 * between a rename and its commit) are skipped and their end committed. */
#ifndef SPOOL_H
#define SPOOL_H
#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>

#include "group.h"
#include "route.h"

struct chunk {			/* one assigned partition and its open chunk */
	char *topic;
	int32_t partition;
	int lockfd;		/* DIR/lock/<topic>.<partition>, flock'd while assigned */
	int64_t start;		/* a: where the open chunk (or the next one) starts */
	int64_t next;		/* after the last message taken; == start when none is open */
	uint64_t msgs;		/* messages in the open chunk; 0: none is open */
	int closed;		/* its router is closed (finishing it failed after that) */
	double opened;		/* when its first message came */
	char *name;		/* <topic>.<partition>.<a> */
	char *tmpl, *rejpath;	/* the router's template and reject file */
	struct router rt;
};

struct typecount {
	char *type;
	uint64_t n;
};

struct spool {
	const char *dir;
	int newfd, readyfd, donefd, lockfd;	/* DIR/new, ready, done, lock */
	const char *types;	/* -T */
	int body;		/* --body */
	uint64_t max;		/* --chunk: messages per chunk */
	double max_s;		/* --commit-ms: age at which an open chunk is finished */
	int eof_finish;		/* -e: a partition's end finishes its chunk */
	int reset_latest;	/* auto.offset.reset says the end */
	int verbose;
	struct group *g;
	struct chunk *c;
	size_t n, last;
	struct typecount *tc;	/* per type, over the finished chunks */
	size_t ntc;
	uint64_t routed, unknowns, rejects;	/* in finished chunks */
	uint64_t chunks, skipped, dropped;	/* finished; found in the spool already; not ours */
	int finished;		/* chunks finished since the last commit */
	int broken;		/* a write, fsync or rename failed: commit nothing more */
};

/* Makes DIR/{new,ready,done,lock}, claims DIR for group (DIR/group) and sets g's hooks.  -1
 * with err. */
int spool_init(struct spool *sp, const char *dir, const char *group, struct group *g, char *err, size_t errlen);
/* One message: 0 written, 1 rejected (into the chunk), 2 not ours (dropped), -1 broken. */
int spool_put(struct spool *sp, const char *topic, int32_t partition, int64_t offset, const char *msg,
    size_t len);
/* The partition reached its end: with -e its chunk is finished. */
void spool_eof(struct spool *sp, const char *topic, int32_t partition);
/* Finishes the chunks open for longer than --commit-ms; how many. */
int spool_finish_aged(struct spool *sp);
/* Finishes every open chunk (the group's sync before a commit or a revoke); -1 when broken. */
int spool_finish_all(void *sp);
/* The per-type counts, finished and open chunks together: *out is malloc'd, n returned. */
size_t spool_types(const struct spool *sp, struct typecount **out);
/* Open chunks and their messages (for the statistics). */
uint64_t spool_open_messages(const struct spool *sp);
void spool_free(struct spool *sp);

#endif
