#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "kafkastop.h"
#include "progress.h"
#include "spool.h"

#define LOCK_WAIT_S 60		/* a partition's lock held elsewhere this long: give up (exit 2) */
#define OFFSETS_WAIT_MS 10000	/* per try of fetching committed offsets or watermarks */
#define OFFSETS_TRIES 3
#define CHUNK_BUFSIZE (128u << 10)	/* per output: a chunk has many, one per partition and type */

/* ---------------------------------------------------------------- directories */

static int
opendir_at(const char *dir, const char *sub, char *err, size_t errlen)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, sub);
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "--spool: %s: %s", path, strerror(errno));
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		snprintf(err, errlen, "--spool: %s: %s", path, strerror(errno));
	return fd;
}

/* Removes the chunk directory name of dirfd and the files in it (a chunk holds no directory). */
static int
rm_chunk(int dirfd, const char *name)
{
	struct dirent *e;
	DIR *d;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(fd, e->d_name, 0);
	closedir(d);
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* "<topic>.<partition>." followed by what: the length of the prefix when name has it, else 0. */
static size_t
part_prefix(const char *name, const char *topic, int32_t partition)
{
	size_t tn = strlen(topic);
	char num[16];
	size_t nn;

	if (strncmp(name, topic, tn) != 0 || name[tn] != '.')
		return 0;
	nn = (size_t)snprintf(num, sizeof num, "%" PRId32 ".", partition);
	return strncmp(name + tn + 1, num, nn) == 0 ? tn + 1 + nn : 0;
}

/* Digits at s into *v (at most 19); the end, or NULL when there are none. */
static const char *
offset_at(const char *s, int64_t *v)
{
	const char *p = s;
	int64_t x = 0;

	while (*p >= '0' && *p <= '9' && p - s < 19)
		x = x * 10 + (*p++ - '0');
	*v = x;
	return p > s ? p : NULL;
}

/* ---------------------------------------------------------------- partitions */

static struct chunk *
find(struct spool *sp, const char *topic, int32_t partition)
{
	size_t i;

	if (sp->last < sp->n && sp->c[sp->last].partition == partition && strcmp(sp->c[sp->last].topic, topic) == 0)
		return &sp->c[sp->last];
	for (i = 0; i < sp->n; i++)
		if (sp->c[i].partition == partition && strcmp(sp->c[i].topic, topic) == 0)
			return &sp->c[sp->last = i];
	return NULL;
}

static void
count_types(struct spool *sp, const struct router *rt)
{
	size_t i, j;

	for (i = 0; i < rt->nout; i++) {
		for (j = 0; j < sp->ntc && strcmp(sp->tc[j].type, rt->out[i].type) != 0; j++)
			;
		if (j == sp->ntc) {
			sp->tc = xrealloc(sp->tc, (sp->ntc + 1) * sizeof *sp->tc);
			sp->tc[sp->ntc].type = xstrdup(rt->out[i].type);
			sp->tc[sp->ntc++].n = 0;
		}
		sp->tc[j].n += rt->out[i].count;
	}
	sp->routed += rt->routed;
	sp->unknowns += rt->unknowns;
	sp->rejects += rt->rejects;
}

static void
close_chunk(struct chunk *c)
{
	route_free(&c->rt);
	free(c->name);
	free(c->tmpl);
	free(c->rejpath);
	c->name = c->tmpl = c->rejpath = NULL;
	c->msgs = 0;
	c->closed = 0;
	c->next = c->start;
}

static int
broken(struct spool *sp, const char *what, const char *name)
{
	warnf("--spool %s: %s %s:", sp->dir, what, name);
	sp->broken = 1;
	return -1;
}

/* The chunk's directory in new/ and its router: at its first message. */
static int
open_chunk(struct spool *sp, struct chunk *c)
{
	char name[512], err[512];
	size_t i, j;

	snprintf(name, sizeof name, "%s.%" PRId32 ".%" PRId64, c->topic, c->partition, c->start);
	if (mkdirat(sp->newfd, name, 0700) < 0) {
		/* left by an attempt of our own that failed: it was never renamed, so it is void */
		if (errno != EEXIST || rm_chunk(sp->newfd, name) < 0 || mkdirat(sp->newfd, name, 0700) < 0)
			return broken(sp, "cannot make new/", name);
	}
	c->name = xstrdup(name);
	/* the template is a path with one %s: the spool's own % doubled */
	c->tmpl = xmalloc(2 * strlen(sp->dir) + strlen(name) + 32);
	for (i = j = 0; sp->dir[i]; i++) {
		if (sp->dir[i] == '%')
			c->tmpl[j++] = '%';
		c->tmpl[j++] = sp->dir[i];
	}
	sprintf(c->tmpl + j, "/new/%s/%%s.jsonl", name);
	c->rejpath = xmalloc(strlen(sp->dir) + strlen(name) + 32);
	sprintf(c->rejpath, "%s/new/%s/rejects", sp->dir, name);
	if (route_init(&c->rt, c->tmpl, sp->types, NULL, sp->body, c->rejpath, err, sizeof err) < 0) {
		warnf("%s", err);
		sp->broken = 1;
		free(c->name), free(c->tmpl), free(c->rejpath);
		c->name = c->tmpl = c->rejpath = NULL;
		return -1;
	}
	c->rt.bufsize = CHUNK_BUFSIZE;
	c->opened = now_seconds();
	return 0;
}

/* fsync the files, fsync the directory, rename it into ready/ as <name>-<b>, fsync both
 * directories; then b may be committed. */
static int
finish(struct spool *sp, struct chunk *c)
{
	char ready[600];
	int fd;

	if (!c->msgs || sp->broken)
		return sp->broken ? -1 : 0;
	c->closed = 1;
	if (route_close(&c->rt) < 0 || c->rt.broken) {
		sp->broken = 1;
		return -1;
	}
	if (c->rt.rejects == 0) {	/* an empty reject file says nothing */
		snprintf(ready, sizeof ready, "%s/rejects", c->name);
		unlinkat(sp->newfd, ready, 0);
	}
	fd = openat(sp->newfd, c->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		if (fd >= 0)
			close(fd);
		return broken(sp, "cannot fsync new/", c->name);
	}
	close(fd);
	snprintf(ready, sizeof ready, "%s-%" PRId64, c->name, c->next);
	if (renameat2(sp->newfd, c->name, sp->readyfd, ready, RENAME_NOREPLACE) < 0)
		return broken(sp, "cannot rename into ready/", ready);
	if (fsync(sp->readyfd) < 0 || fsync(sp->newfd) < 0)
		return broken(sp, "cannot fsync after renaming", ready);
	count_types(sp, &c->rt);
	group_done_with(sp->g, c->topic, c->partition, c->next - 1);
	if (sp->verbose > 1)
		warnf("%s/%" PRId32 ": ready/%s (%" PRIu64 " messages)", c->topic, c->partition, ready, c->msgs);
	c->start = c->next;
	close_chunk(c);
	sp->chunks++;
	sp->finished++;
	return 0;
}

/* An open chunk that must not be committed (the partition was lost): gone, as it never was. */
static void
discard(struct spool *sp, struct chunk *c)
{
	if (!c->msgs)
		return;
	if (!c->closed)
		route_close(&c->rt);
	rm_chunk(sp->newfd, c->name);
	c->next = c->start;
	close_chunk(c);
}

/* ---------------------------------------------------------------- assignment */

/* DIR/lock/<topic>.<partition>: held from the assignment to the revoke, so that two instances
 * sharing DIR never write one partition's chunks at the same time (a member the group has
 * given up on may still be running). */
static int
lock_partition(struct spool *sp, const char *topic, int32_t partition)
{
	char name[512], who[64] = "";
	double until = now_seconds() + LOCK_WAIT_S;
	struct timespec nap = { 0, 100 * 1000000 };
	int fd, told = 0;
	ssize_t n;

	snprintf(name, sizeof name, "%s.%" PRId32, topic, partition);
	if ((fd = openat(sp->lockfd, name, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		broken(sp, "cannot open lock/", name);
		return -1;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK || now_seconds() > until || kafka_stop_level() == STOP_NOW) {
			warnf("--spool %s: lock/%s is held by another kcat-split%s%s: giving up", sp->dir, name,
			    *who ? ", pid " : "", who);
			close(fd);
			sp->broken = 1;
			return -1;
		}
		if (!told++) {
			n = pread(fd, who, sizeof who - 1, 0);
			who[n > 0 ? n - (who[n - 1] == '\n') : 0] = 0;
			warnf("%s/%" PRId32 ": another kcat-split%s%s still writes it into %s: waiting up to %d s",
			    topic, partition, *who ? ", pid " : "", who, sp->dir, LOCK_WAIT_S);
		}
		nanosleep(&nap, NULL);
	}
	n = snprintf(who, sizeof who, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, who, (size_t)n, 0) < 0)
		(void)0;	/* only a hint for the operator */
	return fd;
}

/* Chunks of new/ of a partition that is ours now were left by a kill: never renamed, so
 * never committed, and read again from their first offset. */
static void
discard_stale(struct spool *sp, const char *topic, int32_t partition)
{
	int fd = dup(sp->newfd);
	struct dirent *e;
	DIR *d;
	size_t k;
	int64_t a;
	const char *end;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(d);
	while ((e = readdir(d))) {
		if (!(k = part_prefix(e->d_name, topic, partition)) || !(end = offset_at(e->d_name + k, &a)) || *end)
			continue;
		if (sp->verbose)
			warnf("%s/%" PRId32 ": discarding new/%s, left unfinished (it is read again)", topic, partition,
			    e->d_name);
		if (rm_chunk(sp->newfd, e->d_name) < 0)
			warnf("--spool %s: cannot remove new/%s:", sp->dir, e->d_name);
	}
	closedir(d);
}

struct span {
	int i;			/* index in the assignment */
	int64_t a, b;
	char where;		/* 'r' ready/, 'd' done/ */
};

/* The chunks of the assigned partitions in ready/ or done/, from their committed offset on. */
static size_t
scan_spans(int dirfd, char where, const rd_kafka_topic_partition_list_t *l, const int64_t *from,
    struct span **sp, size_t n)
{
	int fd = dup(dirfd), i;
	struct dirent *e;
	const char *p;
	DIR *d;
	size_t k;
	int64_t a, b;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return n;
	}
	rewinddir(d);
	while ((e = readdir(d))) {
		for (i = 0; i < l->cnt; i++) {
			if (!(k = part_prefix(e->d_name, l->elems[i].topic, l->elems[i].partition)))
				continue;
			if (!(p = offset_at(e->d_name + k, &a)) || *p != '-' || !(p = offset_at(p + 1, &b)) || *p ||
			    b <= a || a < from[i])
				continue;
			*sp = xrealloc(*sp, (n + 1) * sizeof **sp);
			(*sp)[n++] = (struct span){ i, a, b, where };
		}
	}
	closedir(d);
	return n;
}

/* Where each partition's next chunk starts: its committed offset (or the reset point when
 * there is none), then past every chunk the spool holds from there on. */
static int
start_offsets(struct spool *sp, rd_kafka_topic_partition_list_t *l, int64_t *committed, int64_t *start)
{
	rd_kafka_t *rk = sp->g->rk;
	rd_kafka_topic_partition_list_t *c = rd_kafka_topic_partition_list_copy(l);
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
	struct span *s = NULL;
	size_t ns = 0, j;
	int i, t, moved;

	for (t = 0; t < OFFSETS_TRIES; t++) {
		for (i = 0; i < c->cnt; i++)
			c->elems[i].offset = RD_KAFKA_OFFSET_INVALID;
		if (!(err = rd_kafka_committed(rk, c, OFFSETS_WAIT_MS)))
			for (i = 0; i < c->cnt && !err; i++)
				err = c->elems[i].err;
		if (!err || kafka_stop_level() == STOP_NOW)
			break;
		warnf("committed offsets: %s (trying again)", rd_kafka_err2str(err));
	}
	for (i = 0; !err && i < c->cnt; i++) {
		int64_t lo, hi;

		committed[i] = c->elems[i].offset >= 0 ? c->elems[i].offset : -1;
		if (committed[i] >= 0) {
			start[i] = committed[i];
			continue;
		}
		for (t = 0; t < OFFSETS_TRIES; t++)
			if (!(err = rd_kafka_query_watermark_offsets(rk, c->elems[i].topic, c->elems[i].partition, &lo, &hi,
			    OFFSETS_WAIT_MS)))
				break;
		start[i] = sp->reset_latest ? hi : lo;
	}
	rd_kafka_topic_partition_list_destroy(c);
	if (err) {
		warnf("--spool: cannot learn where the assigned partitions start: %s", rd_kafka_err2str(err));
		return -1;
	}
	ns = scan_spans(sp->readyfd, 'r', l, start, &s, 0);
	ns = scan_spans(sp->donefd, 'd', l, start, &s, ns);
	for (i = 0; i < l->cnt; i++) {
		do {
			moved = 0;
			for (j = 0; j < ns; j++) {
				if (s[j].i != i || s[j].a != start[i])
					continue;
				if (sp->verbose)
					warnf("%s/%" PRId32 ": offsets %" PRId64 "-%" PRId64 " are in the spool already (%s/%s.%" PRId32
					    ".%" PRId64 "-%" PRId64 "): going on at %" PRId64, l->elems[i].topic,
					    l->elems[i].partition, s[j].a, s[j].b, s[j].where == 'r' ? "ready" : "done",
					    l->elems[i].topic, l->elems[i].partition, s[j].a, s[j].b, s[j].b);
				start[i] = s[j].b;
				sp->skipped++;
				moved = 1;
			}
		} while (moved);
	}
	free(s);
	return 0;
}

static int
on_assign(void *ctx, rd_kafka_topic_partition_list_t *l)
{
	struct spool *sp = ctx;
	int64_t *committed = xcalloc((size_t)l->cnt + 1, sizeof *committed);
	int64_t *start = xcalloc((size_t)l->cnt + 1, sizeof *start);
	int i, first = (int)sp->n, commit = 0;
	char list[2048];
	size_t b = 0;

	sp->c = xrealloc(sp->c, (sp->n + (size_t)l->cnt) * sizeof *sp->c);
	for (i = 0; i < l->cnt; i++) {
		struct chunk *c = &sp->c[sp->n];
		int fd = lock_partition(sp, l->elems[i].topic, l->elems[i].partition);

		if (fd < 0)
			break;
		memset(c, 0, sizeof *c);
		c->topic = xstrdup(l->elems[i].topic);
		c->partition = l->elems[i].partition;
		c->lockfd = fd;
		sp->n++;
		discard_stale(sp, c->topic, c->partition);
	}
	if (i < l->cnt || start_offsets(sp, l, committed, start) < 0) {
		/* give back what we took: the main loop stops */
		while ((int)sp->n > first) {
			struct chunk *c = &sp->c[--sp->n];

			close(c->lockfd);
			free(c->topic);
		}
		sp->broken = 1;
		free(committed), free(start);
		return -1;
	}
	for (i = 0; i < l->cnt; i++) {
		struct chunk *c = &sp->c[first + i];

		c->start = c->next = start[i];
		l->elems[i].offset = start[i];
		group_start_at(sp->g, c->topic, c->partition, committed[i], start[i]);
		commit |= start[i] != committed[i];
		if (b < sizeof list)
			b += (size_t)snprintf(list + b, sizeof list - b, "%s%s/%" PRId32 "@%" PRId64, b ? " " : "",
			    c->topic, c->partition, start[i]);
	}
	sp->last = 0;
	if (sp->verbose)
		warnf("assigned %s", list);
	/* a start past the committed offset (chunks found in the spool, or no commit yet) is
	 * committed now: a failure loses nothing, the next assignment finds the same chunks */
	if (commit)
		group_commit(sp->g);
	free(committed), free(start);
	return 0;
}

static void
on_revoke(void *ctx, const rd_kafka_topic_partition_list_t *l, int lost)
{
	struct spool *sp = ctx;
	int i;

	for (i = 0; i < l->cnt; i++) {
		struct chunk *c = find(sp, l->elems[i].topic, l->elems[i].partition);

		if (!c)
			continue;
		if (c->msgs && (lost || sp->broken || finish(sp, c) < 0))
			discard(sp, c);
		close(c->lockfd);	/* after the commit: the next holder starts where we ended */
		free(c->topic);
		*c = sp->c[--sp->n];
		sp->last = 0;
	}
}

/* ---------------------------------------------------------------- messages */

/* DIR/group names the consumer group whose offsets the chunks of DIR follow: the chunks
 * found in ready/ and done/ are skipped, which is right for that group only. */
static int
own_group(const char *dir, const char *group, char *err, size_t errlen)
{
	char path[4096], tmp[4200], have[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "%s/group", dir);
	snprintf(tmp, sizeof tmp, "%s.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) >= 0) {
		n = (ssize_t)strlen(group);
		if (write(fd, group, (size_t)n) == n && write(fd, "\n", 1) == 1 && fsync(fd) == 0)
			(void)link(tmp, path);	/* atomic: the first instance's group stays */
		close(fd);
		unlink(tmp);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || (n = read(fd, have, sizeof have - 1)) < 0) {
		snprintf(err, errlen, "--spool: %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	have[n] = 0;
	have[strcspn(have, "\n")] = 0;
	if (strcmp(have, group) != 0) {
		snprintf(err, errlen, "--spool %s belongs to group %s, not %s: one spool directory per group", dir, have,
		    group);
		return -1;
	}
	return 0;
}

int
spool_init(struct spool *sp, const char *dir, const char *group, struct group *g, char *err, size_t errlen)
{
	sp->dir = dir;
	sp->g = g;
	sp->newfd = sp->readyfd = sp->donefd = sp->lockfd = -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "--spool %s: %s", dir, strerror(errno));
		return -1;
	}
	if (own_group(dir, group, err, errlen) < 0 || (sp->newfd = opendir_at(dir, "new", err, errlen)) < 0 ||
	    (sp->readyfd = opendir_at(dir, "ready", err, errlen)) < 0 ||
	    (sp->donefd = opendir_at(dir, "done", err, errlen)) < 0 ||
	    (sp->lockfd = opendir_at(dir, "lock", err, errlen)) < 0)
		return -1;
	g->on_assign = on_assign;
	g->on_revoke = on_revoke;
	g->ctx = sp;
	return 0;
}

int
spool_put(struct spool *sp, const char *topic, int32_t partition, int64_t offset, const char *msg, size_t len)
{
	struct chunk *c = find(sp, topic, partition);
	char why[512], head[1024];
	int r, h;

	if (!c) {	/* not assigned (left in a queue by a revoke): someone else's */
		sp->dropped++;
		return 2;
	}
	if (offset < c->next) {
		/* never from librdkafka after an assign, but for a reset to an offset before where
		 * the spool's chunks end (a topic made again under the same name, or a reset by
		 * auto.offset.reset): writing it would not line up with the chunks in ready/ and done/ */
		warnf("%s/%" PRId32 ": offset %" PRId64 " comes after %" PRId64 " (was the topic made again, or "
		    "reset?): stopping; its chunks in %s/ready and done/ do not fit it", topic, partition, offset,
		    c->next, sp->dir);
		sp->broken = 1;
		return -1;
	}
	if (sp->broken || (!c->msgs && open_chunk(sp, c) < 0))
		return -1;
	c->next = offset + 1;
	c->msgs++;
	if ((r = route_put(&c->rt, msg, len, why, sizeof why)) > 0) {
		h = snprintf(head, sizeof head, "%s\t%" PRId32 "\t%" PRId64 "\t%s\t", topic, partition, offset, why);
		route_reject(&c->rt, head, h < (int)sizeof head ? (size_t)h : sizeof head - 1, msg, len);
	}
	if (c->rt.broken) {
		sp->broken = 1;
		return -1;
	}
	if (c->msgs >= sp->max && finish(sp, c) < 0)
		return -1;
	return r;
}

void
spool_eof(struct spool *sp, const char *topic, int32_t partition)
{
	struct chunk *c = find(sp, topic, partition);

	if (c && sp->eof_finish)
		finish(sp, c);
}

int
spool_finish_aged(struct spool *sp)
{
	double now = now_seconds();
	size_t i;
	int n = 0;

	for (i = 0; i < sp->n && !sp->broken; i++)
		if (sp->c[i].msgs && now - sp->c[i].opened >= sp->max_s && finish(sp, &sp->c[i]) == 0)
			n++;
	return n;
}

int
spool_finish_all(void *ctx)
{
	struct spool *sp = ctx;
	size_t i;

	for (i = 0; i < sp->n && !sp->broken; i++)
		finish(sp, &sp->c[i]);
	return sp->broken ? -1 : 0;
}

size_t
spool_types(const struct spool *sp, struct typecount **out)
{
	size_t i, j, k, n = sp->ntc;
	struct typecount *t = xmalloc((n + 1) * sizeof *t);

	if (n)	/* sp->tc is NULL until a chunk is done: memcpy from NULL is undefined even for 0 */
		memcpy(t, sp->tc, n * sizeof *t);
	for (i = 0; i < sp->n; i++) {
		const struct router *rt = &sp->c[i].rt;

		for (j = 0; sp->c[i].msgs && j < rt->nout; j++) {
			for (k = 0; k < n && strcmp(t[k].type, rt->out[j].type) != 0; k++)
				;
			if (k == n) {
				t = xrealloc(t, (n + 2) * sizeof *t);
				t[n++] = (struct typecount){ rt->out[j].type, 0 };
			}
			t[k].n += rt->out[j].count;
		}
	}
	*out = t;
	return n;
}

uint64_t
spool_open_messages(const struct spool *sp)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < sp->n; i++)
		n += sp->c[i].msgs;
	return n;
}

void
spool_free(struct spool *sp)
{
	size_t i;

	for (i = 0; i < sp->n; i++) {
		discard(sp, &sp->c[i]);
		close(sp->c[i].lockfd);
		free(sp->c[i].topic);
	}
	free(sp->c);
	for (i = 0; i < sp->ntc; i++)
		free(sp->tc[i].type);
	free(sp->tc);
	if (sp->newfd >= 0)
		close(sp->newfd);
	if (sp->readyfd >= 0)
		close(sp->readyfd);
	if (sp->donefd >= 0)
		close(sp->donefd);
	if (sp->lockfd >= 0)
		close(sp->lockfd);
}
