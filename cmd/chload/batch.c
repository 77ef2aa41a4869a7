#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "batch.h"
#include "err.h"
#include "progress.h"
#include "sig.h"

void
batch_init(struct batch *b, size_t cap)
{
	memset(b, 0, sizeof *b);
	b->cap = cap;
	b->buf = xmalloc(cap);
}

static void
rej_append(struct batch *b, const char *s, size_t n)
{
	if (b->rejlen + n > b->rejcap) {
		b->rejcap = (b->rejlen + n) * 2;
		b->rej = xrealloc(b->rej, b->rejcap);
	}
	memcpy(b->rej + b->rejlen, s, n);
	b->rejlen += n;
}

void
batch_reject(struct batch *b, const char *src, uint64_t lineno, const char *why, const char *line, size_t n)
{
	char head[512];
	int h = snprintf(head, sizeof head, "%s:%llu\t%s\t", src, (unsigned long long)lineno, why);

	rej_append(b, head, (size_t)h);
	b->nrej++;
	batch_reject_more(b, line, n, 1);
}

void
batch_reject_more(struct batch *b, const char *piece, size_t n, int last)
{
	rej_append(b, piece, n);
	if (last)
		rej_append(b, "\n", 1);
}

int
batch_gzip(char **zbuf, size_t *zcap, const char *src, size_t n, size_t *zn)
{
	z_stream z;
	int r;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	if (deflateBound(&z, n) > *zcap) {
		*zcap = deflateBound(&z, n);
		*zbuf = xrealloc(*zbuf, *zcap);
	}
	z.next_in = (unsigned char *)(uintptr_t)src;
	z.avail_in = (unsigned)n;
	z.next_out = (unsigned char *)*zbuf;
	z.avail_out = (unsigned)*zcap;
	r = deflate(&z, Z_FINISH);
	*zn = z.total_out;
	deflateEnd(&z);
	return r == Z_STREAM_END ? 0 : -1;
}

/* In slices of 0.1 s: a sending thread blocks the signals, so no EINTR would cut it short. */
void
batch_sleep(double s)
{
	struct timespec ts;
	double d;

	for (; s > 0 && !sig_caught; s -= d) {
		d = s < 0.1 ? s : 0.1;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(d * 1e9);
		nanosleep(&ts, NULL);
	}
}

static int
give_up(struct loader *ld, const struct batch *b, int status, const char *why, const struct chresult *r)
{
	warnf("%s: batch of %llu rows (input lines %llu-%llu) not loaded: %s%s%s", ld->table,
	    (unsigned long long)b->rows, (unsigned long long)b->first_line, (unsigned long long)b->last_line,
	    why, r->msg[0] ? ": " : "", r->msg);
	batch_resume_hint(ld);
	return status;
}

void
batch_resume_hint(const struct loader *ld)
{
	if (ld->state)
		warnf("%llu rows loaded; every input line up to %llu is loaded or rejected; "
		    "to go on, run the same command again (%s holds the line)", (unsigned long long)ld->rows,
		    (unsigned long long)ld->done_line, ld->state);
	else
		warnf("%llu rows loaded; every input line up to %llu is loaded or rejected; "
		    "to go on, run the same command with --skip %llu", (unsigned long long)ld->rows,
		    (unsigned long long)ld->done_line, (unsigned long long)ld->done_line);
}

static int
post_with_retries(struct loader *ld, const struct batch *b)
{
	struct chresult r;
	const char *body = b->buf;
	size_t n = b->len;
	double wait = 0.5;
	int attempt;
	char why[64];

	if (ld->gzip) {
		if (batch_gzip(&ld->zbuf, &ld->zcap, b->buf, b->len, &n) < 0)
			fatal(EXIT_TROUBLE, "gzip failed");
		body = ld->zbuf;
	}
	for (attempt = 0;; attempt++) {
		if (ch_post(&ld->ch, ld->query, body, n, ld->gzip, &r) == 0) {
			ld->bytes += n;
			return 0;
		}
		if (!r.transient) {
			snprintf(why, sizeof why, "HTTP %ld", r.status);
			return give_up(ld, b, EXIT_TROUBLE, why, &r);
		}
		if (attempt >= ld->retries || sig_caught) {
			snprintf(why, sizeof why, "%s after %d attempts", sig_caught ? "interrupted" : "gave up",
			    attempt + 1);
			return give_up(ld, b, EXIT_RETRYLATER, why, &r);
		}
		warnf("%s: lines %llu-%llu: %s%s%ld%s: retry %d of %d in %.1f s", ld->table,
		    (unsigned long long)b->first_line, (unsigned long long)b->last_line, r.msg,
		    r.status ? " (HTTP " : "", r.status, r.status ? ")" : "", attempt + 1, ld->retries, wait);
		batch_sleep(wait);
		wait = wait * 2 > 30 ? 30 : wait * 2;
	}
}

/* After the rows of b are in ClickHouse: its rejects written, counted, b emptied. */
static int
batch_done(struct loader *ld, struct batch *b)
{
	if (b->rejlen && (ob_write(ld->rejects, b->rej, b->rejlen) < 0 || ob_flush(ld->rejects) < 0)) {
		errno = ld->rejects->err;
		warnf("%s: write error:", ld->rejects->name);
		return EXIT_TROUBLE;
	}
	ld->rows += b->rows;
	ld->batches += b->rows > 0;
	ld->nrej += b->nrej;
	if (b->last_line > ld->done_line)
		ld->done_line = b->last_line;
	b->len = b->rejlen = 0;
	b->rows = b->nrej = 0;
	b->first_line = 0;
	return 0;
}

void
sending_init(struct sending *s, struct loader *ld, size_t cap)
{
	memset(s, 0, sizeof *s);
	s->ld = ld;
	batch_init(&s->bufs[0], cap);
	batch_init(&s->bufs[1], cap);
	s->fill = &s->bufs[0];
}

static void *
send_thread(void *arg)
{
	struct sending *s = arg;

	s->status = s->out->rows > 0 ? post_with_retries(s->ld, s->out) : 0;
	return NULL;
}

void
sending_start(struct sending *s)
{
	sigset_t all, old;
	int e;

	s->out = s->fill;
	s->fill = s->out == &s->bufs[0] ? &s->bufs[1] : &s->bufs[0];
	/* signals go to the reading thread, whose blocked read they must interrupt */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	e = pthread_create(&s->thread, NULL, send_thread, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e)
		errno = e, fatal(EXIT_TROUBLE, "cannot start a sending thread:");
	s->busy = 1;
}

int
sending_wait(struct sending *s, int *committed)
{
	*committed = 0;
	if (!s->busy)
		return 0;
	pthread_join(s->thread, NULL);
	s->busy = 0;
	if (s->status)
		return s->status;
	*committed = 1;
	return batch_done(s->ld, s->out);
}
