/* batch.h: chload's unit of work: rows cut from the input by count, bytes or time, sent in
 * one INSERT, retried whole, and only then counted (with the rejects met on the way). */
#ifndef BATCH_H
#define BATCH_H
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
/* Sends b until ClickHouse says 200, retrying transient failures with backoff; then writes its
 * rejects and empties it.  Returns 0, or the exit status to end with (message printed). */
int batch_commit(struct loader *ld, struct batch *b);
/* "N rows loaded; every input line up to L is loaded or rejected; to go on, ..." */
void batch_resume_hint(const struct loader *ld);
/* Body compressed with gzip into *zbuf (grown as needed): 0, or -1. */
int batch_gzip(char **zbuf, size_t *zcap, const char *src, size_t n, size_t *zn);
/* Sleeps, cut short by a signal. */
void batch_sleep(double seconds);

#endif
