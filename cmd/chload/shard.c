#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "shard.h"
#include "sig.h"

struct sender {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct shardload *sl;
	const struct chshard *sh;
	struct chclient *ch;	/* one per replica */
	size_t cur;		/* the replica in use: the last one that answered */
	struct batch fill;	/* the block of the round being read (main thread) */
	struct batch out;	/* the block being sent (this thread, while busy) */
	int busy, quit;
	int status;		/* 0, or the exit status it gave up with (sticky) */
	uint64_t blocks, bytes;	/* delivered */
	char *zbuf;
	size_t zcap;
};

/* A whole message under stderr's lock: the threads' lines must not interleave. */
static void __attribute__((format(printf, 1, 2)))
say(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	flockfile(stderr);
	warnf("%s", msg);
	funlockfile(stderr);
}

static int
give_up(struct sender *s, const struct batch *b, int status, const char *why, const struct chresult *r)
{
	say("%s: shard %ld: block of %llu rows (input lines %llu-%llu) not loaded: %s%s%s", s->sl->ld->table,
	    s->sh->number, (unsigned long long)b->rows, (unsigned long long)b->first_line,
	    (unsigned long long)b->last_line, why, r->msg[0] ? ": " : "", r->msg);
	return status;
}

/* Sends the block until a replica answers 200.  A transient failure moves on to the next
 * replica at once; only when each has failed in turn does it back off (0.5 s doubling up to
 * 30 s, --retries times).  A permanent error (the data, the table, the password) stops. */
static int
deliver(struct sender *s, const struct batch *b)
{
	struct loader *ld = s->sl->ld;
	const struct chshard *sh = s->sh;
	struct chresult r;
	const char *body = b->buf;
	size_t n = b->len, tried = 1, prev;
	double wait = 0.5;
	int attempt = 0;
	char why[64];

	if (ld->gzip) {
		if (batch_gzip(&s->zbuf, &s->zcap, b->buf, b->len, &n) < 0)
			fatal(EXIT_TROUBLE, "gzip failed");
		body = s->zbuf;
	}
	for (;;) {
		if (ch_post(&s->ch[s->cur], ld->query, body, n, ld->gzip, &r) == 0) {
			s->bytes += n;
			s->blocks++;
			return 0;
		}
		if (!r.transient) {
			snprintf(why, sizeof why, "HTTP %ld from replica %ld", r.status, sh->replica[s->cur]);
			return give_up(s, b, EXIT_TROUBLE, why, &r);
		}
		prev = s->cur;
		s->cur = (s->cur + 1) % sh->nrep;
		if (tried < sh->nrep && !sig_caught) {
			say("%s: shard %ld replica %ld (%s): lines %llu-%llu: %s: trying replica %ld", ld->table,
			    sh->number, sh->replica[prev], sh->url[prev], (unsigned long long)b->first_line,
			    (unsigned long long)b->last_line, r.msg, sh->replica[s->cur]);
			tried++;
			continue;
		}
		if (attempt >= ld->retries || sig_caught) {
			snprintf(why, sizeof why, "%s after %d rounds of %zu replicas", sig_caught ? "interrupted" : "gave up",
			    attempt + 1, sh->nrep);
			return give_up(s, b, EXIT_RETRYLATER, why, &r);
		}
		say("%s: shard %ld replica %ld (%s): lines %llu-%llu: %s: every replica failed, retry %d of %d in %.1f s",
		    ld->table, sh->number, sh->replica[prev], sh->url[prev], (unsigned long long)b->first_line,
		    (unsigned long long)b->last_line, r.msg, attempt + 1, ld->retries, wait);
		batch_sleep(wait);
		wait = wait * 2 > 30 ? 30 : wait * 2;
		attempt++;
		tried = 1;
	}
}

static void *
run(void *arg)
{
	struct sender *s = arg;
	int st;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->busy && !s->quit)
			pthread_cond_wait(&s->cv, &s->mu);
		if (!s->busy)
			break;
		pthread_mutex_unlock(&s->mu);
		st = deliver(s, &s->out);
		pthread_mutex_lock(&s->mu);
		if (st)
			s->status = st;
		s->busy = 0;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int
shard_open(struct shardload *sl, struct loader *ld, const struct chconf *cc, const char *nodes, long timeout,
    char *err, size_t errlen)
{
	struct chconf c = *cc;
	size_t i, k;

	memset(sl, 0, sizeof *sl);
	sl->ld = ld;
	if (chcluster_load(&sl->cl, nodes, err, errlen) < 0)
		return -1;
	sl->snd = xcalloc(sl->cl.nshard, sizeof *sl->snd);
	for (i = 0; i < sl->cl.nshard; i++) {
		struct sender *s = &sl->snd[i];

		s->sl = sl;
		s->sh = &sl->cl.shard[i];
		s->ch = xcalloc(s->sh->nrep, sizeof *s->ch);
		for (k = 0; k < s->sh->nrep; k++) {
			c.url = s->sh->url[k];
			if (ch_open(&s->ch[k], &c, timeout, err, errlen) < 0)
				return -1;
		}
	}
	return 0;
}

int
shard_query(struct shardload *sl, const char *q, struct chclient **chp)
{
	struct chresult r;
	size_t i, k;
	int attempt;

	for (attempt = 0;; attempt++) {
		for (i = 0; i < sl->cl.nshard; i++)
			for (k = 0; k < sl->snd[i].sh->nrep; k++) {
				if (ch_post(&sl->snd[i].ch[k], q, "", 0, 0, &r) == 0) {
					*chp = &sl->snd[i].ch[k];
					return 0;
				}
				if (!r.transient) {
					warnf("%s: %s", sl->snd[i].sh->url[k], r.msg);
					return EXIT_TROUBLE;
				}
			}
		if (attempt >= sl->ld->retries || sig_caught) {
			warnf("no node of the cluster answers; the last: %s", r.msg);
			return EXIT_RETRYLATER;
		}
		warnf("no node of the cluster answers (%s): retry %d of %d in 1 s", r.msg, attempt + 1, sl->ld->retries);
		batch_sleep(1);
	}
}

void
shard_start(struct shardload *sl)
{
	sigset_t block, old;
	size_t i;

	/* SIGINT and SIGTERM must reach the main thread, whose read they interrupt */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < sl->cl.nshard; i++) {
		struct sender *s = &sl->snd[i];

		batch_init(&s->fill, 1u << 16);
		batch_init(&s->out, 1u << 16);
		pthread_mutex_init(&s->mu, NULL);
		pthread_cond_init(&s->cv, NULL);
		if ((errno = pthread_create(&s->th, NULL, run, s)) != 0)
			fatal(EXIT_TROUBLE, "cannot start a thread:");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	memset(sl->round, 0, sizeof sl->round);
}

struct batch *
shard_round(struct shardload *sl)
{
	return &sl->round[sl->cur];
}

/* Until every sender has sent what it was given: 0, or the first status one gave up with. */
static int
wait_senders(struct shardload *sl)
{
	size_t i;
	int st = 0;

	for (i = 0; i < sl->cl.nshard; i++) {
		struct sender *s = &sl->snd[i];

		pthread_mutex_lock(&s->mu);
		while (s->busy)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->status && !st)
			st = s->status;
		pthread_mutex_unlock(&s->mu);
	}
	return st;
}

/* Every block of round r is in: write its rejects, count it, move the done line. */
static int
commit_round(struct shardload *sl, struct batch *r)
{
	struct loader *ld = sl->ld;
	size_t i;

	if (!r->first_line)
		return 0;
	if (r->rejlen && (ob_write(ld->rejects, r->rej, r->rejlen) < 0 || ob_flush(ld->rejects) < 0)) {
		errno = ld->rejects->err;
		warnf("%s: write error:", ld->rejects->name);
		return EXIT_TROUBLE;
	}
	ld->rows += r->rows;
	ld->nrej += r->nrej;
	ld->done_line = r->last_line;
	ld->batches = ld->bytes = 0;
	for (i = 0; i < sl->cl.nshard; i++) {
		ld->batches += sl->snd[i].blocks;
		ld->bytes += sl->snd[i].bytes;
	}
	r->len = r->rejlen = 0;
	r->rows = r->nrej = 0;
	r->first_line = r->last_line = 0;
	if (sl->committed)
		sl->committed();
	return 0;
}

/* The round being read is complete: once the round before it is in, hand each shard its block. */
static int
cut(struct shardload *sl)
{
	struct batch *r = &sl->round[sl->cur], tmp;
	size_t i;
	int st;

	if (!r->first_line)
		return 0;
	if ((st = wait_senders(sl)) != 0 || (st = commit_round(sl, &sl->round[!sl->cur])) != 0)
		return st;
	for (i = 0; i < sl->cl.nshard; i++) {
		struct sender *s = &sl->snd[i];

		pthread_mutex_lock(&s->mu);
		tmp = s->out;
		s->out = s->fill;
		s->fill = tmp;
		s->fill.len = 0;
		s->fill.rows = 0;
		s->out.first_line = r->first_line;
		s->out.last_line = r->last_line;
		if (s->out.rows) {
			s->busy = 1;
			pthread_cond_broadcast(&s->cv);
		}
		pthread_mutex_unlock(&s->mu);
	}
	sl->cur = !sl->cur;
	return 0;
}

int
shard_take(struct shardload *sl, struct tsvrow *tr, const char *src, uint64_t srcline, uint64_t lineno,
    const char *line, size_t len)
{
	struct batch *r = &sl->round[sl->cur], *blk;
	size_t need = tsvrow_bound(tr, len), klen;
	const char *key;
	long w;

	if (need > sl->linecap) {
		sl->linecap = need;
		sl->line = xrealloc(sl->line, need);
	}
	if (!r->first_line)
		r->first_line = lineno;
	r->last_line = lineno;
	if ((w = tsvrow_canon(tr, line, len, sl->line)) < 0) {
		batch_reject(r, src, srcline, tr->reason, line, len);
		return r->rejlen >= sl->maxbytes ? cut(sl) : 0;	/* rejects wait for the round: bounded too */
	}
	if (tsv_field(sl->line, (size_t)w - 1, sl->keycol, &key, &klen) < 0)
		fatal(EXIT_TROUBLE, "line %llu: no key field after canonicalisation", (unsigned long long)lineno);
	blk = &sl->snd[chcluster_place(&sl->cl, key, klen)].fill;
	if (blk->len + (size_t)w > blk->cap) {
		blk->cap = (blk->len + (size_t)w) * 2;
		blk->buf = xrealloc(blk->buf, blk->cap);
	}
	memcpy(blk->buf + blk->len, sl->line, (size_t)w);
	blk->len += (size_t)w;
	blk->rows++;
	r->rows++;
	r->len += (size_t)w;
	if (r->rows >= sl->maxrows || r->len >= sl->maxbytes)
		return cut(sl);
	return 0;
}

int
shard_end(struct shardload *sl, int st)
{
	struct batch *r = &sl->round[sl->cur];
	int fin;

	if (st == 0)
		st = cut(sl);
	else if (r->first_line)
		warnf("%s: input lines %llu-%llu were read but not sent", sl->ld->table,
		    (unsigned long long)r->first_line, (unsigned long long)r->last_line);
	fin = wait_senders(sl);
	if (fin == 0)
		fin = commit_round(sl, &sl->round[!sl->cur]);
	if (st == 0)
		st = fin;
	if (st != 0)
		batch_resume_hint(sl->ld);
	return st;
}

void
shard_close(struct shardload *sl)
{
	size_t i, k;

	for (i = 0; sl->snd && i < sl->cl.nshard; i++) {
		struct sender *s = &sl->snd[i];

		if (s->fill.buf) {	/* started */
			pthread_mutex_lock(&s->mu);
			s->quit = 1;
			pthread_cond_broadcast(&s->cv);
			pthread_mutex_unlock(&s->mu);
			pthread_join(s->th, NULL);
			free(s->fill.buf);
			free(s->out.buf);
		}
		for (k = 0; k < s->sh->nrep; k++)
			ch_close(&s->ch[k]);
		free(s->ch);
		free(s->zbuf);
	}
	for (i = 0; i < 2; i++)
		free(sl->round[i].rej);
	free(sl->snd);
	free(sl->line);
	chcluster_free(&sl->cl);
}
