/* chcluster.h: a ClickHouse cluster as a client sees it: shards, each a list of replica URLs,
 * read from a nodes file ("shard replica url" lines, the DIR/nodes that scripts/ch-cluster
 * writes), and the shard a row belongs to by a hash of its key field. */
#ifndef CHCLUSTER_H
#define CHCLUSTER_H
#include <stddef.h>
#include <stdint.h>

struct chshard {
	long number;		/* as written in the file */
	size_t nrep;
	long *replica;		/* replica numbers, in file order */
	char **url;		/* their URLs */
};

struct chcluster {
	struct chshard *shard;	/* by ascending shard number */
	size_t nshard;
};

/* Lines "shard replica url" ('#' comments and blank lines allowed; numbers 1-1000000,
 * http:// or https:// URLs, no (shard, replica) twice).  0, or -1 with "path:line: reason". */
int chcluster_load(struct chcluster *cl, const char *path, char *err, size_t errlen);
void chcluster_free(struct chcluster *cl);

/* FNV-1a, 64 bits (offset basis 14695981039346656037, prime 1099511628211). */
uint64_t fnv1a64(const void *p, size_t n);
/* The index into cl->shard of the row whose key field is key[0, n):
 * fnv1a64(key) mod nshard, the bytes as they stand in the TabSeparated line. */
size_t chcluster_place(const struct chcluster *cl, const char *key, size_t n);
/* Field i (from 0) of a TabSeparated line, without its tab: 0, or -1 if it has fewer fields. */
int tsv_field(const char *line, size_t n, size_t i, const char **f, size_t *flen);

#endif
