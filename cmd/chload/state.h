/* state.h: chload --state FILE: the last input line that is loaded or rejected, rewritten
 * atomically after every commit, with the options that decide where batches are cut.  A rerun
 * with the same FILE starts after that line, which is where a batch of the first run started,
 * so it makes the same batches (and a Replicated table drops the ones it already has). */
#ifndef STATE_H
#define STATE_H
#include <stddef.h>
#include <stdint.h>

#define STATE_MAXPARAM 8

struct state {
	const char *path;
	char *tmp;		/* path.tmp, renamed over path */
	size_t n;
	char *key[STATE_MAXPARAM], *val[STATE_MAXPARAM];	/* must be the same on a rerun */
};

void state_init(struct state *s, const char *path);
void state_param(struct state *s, const char *key, const char *val);
/* 0: no file (start at the beginning); 1: *done is the line to go on after;
 * -1: unreadable, or written with other parameters (err says which). */
int state_read(struct state *s, uint64_t *done, char *err, size_t errlen);
/* Write, fsync, rename: after a crash the file is the old or the new one, never a torn one. */
int state_write(struct state *s, uint64_t done, char *err, size_t errlen);
void state_free(struct state *s);

#endif
