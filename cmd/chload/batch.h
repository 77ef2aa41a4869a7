/* batch.h: chload's unit of work: rows cut from the input by count, bytes or time, sent in
 * one INSERT, retried whole, and only then counted (with the rejects met on the way). */
#ifndef BATCH_H
#define BATCH_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "chhttp.h"
#include "outbuf.h"

struct batch {
	char *buf;		/* the rows, canonical TSV */
	size_t len, cap;
	uint64_t rows;
	char *rej;		/* reject records waiting for this batch to be committed */
	size_t rejlen, rejcap;
	uint64_t nrej;
	uint64_t first_line, last_line;	/* input lines (counted over all inputs) it covers */
	double t0;		/* when its first row came */
};

struct loader {
	struct chclient ch;
	const char *table, *query;
	const char *state;	/* --state FILE, for the resume hint; NULL: say --skip */
	int gzip, retries;
	struct outbuf *rejects;
	/* committed: every line up to done_line is in ClickHouse or in the reject file */
	uint64_t done_line, rows, batches, bytes, nrej;
	char *zbuf;
	size_t zcap;
};

void batch_init(struct batch *b, size_t cap);
void batch_reject(struct batch *b, const char *src, uint64_t lineno, const char *why, const char *line, size_t n);
void batch_reject_more(struct batch *b, const char *piece, size_t n, int last);
/* One batch sent by a thread of its own while the next one fills, so that reading the input
 * (and whatever writes it upstream) does not stop while ClickHouse takes a batch in.  Batches
 * are committed in order, one at a time: the one under way before the next is started. */
struct sending {
	struct loader *ld;
	struct batch bufs[2];
	struct batch *fill;	/* where rows go now */
	struct batch *out;	/* the batch under way (busy) */
	pthread_t thread;
	int busy, status;
};

void sending_init(struct sending *s, struct loader *ld, size_t cap);
/* Starts sending s->fill and gives it the other buffer, empty.  The batch before must have
 * been waited for (sending_wait). */
void sending_start(struct sending *s);
/* Waits for the batch under way, sent until ClickHouse said 200 (transient failures retried
 * with backoff), and commits it (its rejects written, counted; 0), or returns the exit status
 * its failure ends the run with (message printed).  *committed: 1 if a batch was committed. */
int sending_wait(struct sending *s, int *committed);
/* "N rows loaded; every input line up to L is loaded or rejected; to go on, ..." */
void batch_resume_hint(const struct loader *ld);
/* Body compressed with gzip into *zbuf (grown as needed): 0, or -1. */
int batch_gzip(char **zbuf, size_t *zcap, const char *src, size_t n, size_t *zn);
/* Sleeps, cut short by a signal. */
void batch_sleep(double seconds);

#endif
