/* split.h: -j N --split-by COL: one table read by N processes, each over its own range of an
 * integer column (as Sqoop's mappers do), their rows merged into one output. */
#ifndef SPLIT_H
#define SPLIT_H
#include <sql.h>

#include "outbuf.h"
#include "progress.h"

struct split {
	const char *table, *where, *col;
	int jobs;
	long long lo, hi;	/* MIN and MAX of col */
};

/* MIN and MAX of sp->col over the rows --where keeps: 1; 0 when there is no non-NULL value;
 * -1 with the reason printed. */
int split_bounds(SQLHDBC dbc, struct split *sp);
/* --where of reader k: its part of [lo, hi], and for reader 0 also the NULLs and anything below
 * lo, for the last anything above hi (rows added since the bounds were read); malloc'd. */
char *split_where(const struct split *sp, int k);
/* Runs read_part(k, arg) in sp->jobs child processes, each writing to its own pipe, and writes
 * their whole lines to out (reader 0's first line first, when header).  Returns the exit
 * status: the first failing reader's, 2 if one ended mid-line, 128+signal when interrupted. */
int split_run(const struct split *sp, int (*read_part)(int k, void *arg), void *arg,
    struct outbuf *out, struct progress *prog, int header, unsigned long long *rows);

#endif
