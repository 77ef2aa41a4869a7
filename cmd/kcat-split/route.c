#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "kafkaevent.h"
#include "kafkastop.h"
#include "route.h"

#define FIFO_WAIT_MS 10000	/* how long a FIFO may go without a reader before that is an error */
#define TYPE_MAX 64

static int
check_template(const char *t, char *err, size_t errlen)
{
	int n = 0;

	for (; *t; t++) {
		if (*t != '%')
			continue;
		if (t[1] == 's')
			n++;
		else if (t[1] != '%') {
			snprintf(err, errlen, "-o: only %%s (the eventType) and %%%% may follow %%");
			return -1;
		}
		t++;
	}
	if (n != 1)
		snprintf(err, errlen, "-o: the template needs exactly one %%s (the eventType)");
	return n == 1 ? 0 : -1;
}

static char *
expand(const char *t, const char *type)
{
	size_t len = strlen(t) + strlen(type) + 1, i = 0;
	char *p = xmalloc(len);

	for (; *t; t++) {
		if (*t == '%' && t[1] == 's') {
			memcpy(p + i, type, strlen(type));
			i += strlen(type);
			t++;
		} else {
			p[i++] = *t;
			t += *t == '%';
		}
	}
	p[i] = 0;
	return p;
}

static struct output *
add_output(struct router *rt, const char *type, size_t n, const char *path)
{
	struct output *o;
	char name[TYPE_MAX + 1];

	snprintf(name, sizeof name, "%.*s", (int)n, type);
	rt->out = xrealloc(rt->out, (rt->nout + 1) * sizeof *rt->out);
	o = &rt->out[rt->nout++];
	memset(o, 0, sizeof *o);
	o->type = xstrdup(name);
	o->path = path ? xstrdup(path) : expand(rt->template, name);
	return o;
}

static int
type_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > TYPE_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= 'A' && s[i] <= 'Z') && !(s[i] >= '0' && s[i] <= '9') &&
		    s[i] != '_' && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

int
route_init(struct router *rt, const char *template, const char *types, const char *unknown_path, int body,
    const char *rejects, char *err, size_t errlen)
{
	memset(rt, 0, sizeof *rt);
	rt->template = template;
	rt->unknown_path = unknown_path;
	rt->body = body;
	if (check_template(template, err, errlen) < 0)
		return -1;
	for (; types && *types; types += *types == ',') {
		size_t n = strcspn(types, ",");

		if (!type_ok(types, n)) {
			snprintf(err, errlen, "-T: '%.*s' is no usable eventType (letters, digits, _ - .)", (int)n, types);
			return -1;
		}
		add_output(rt, types, n, NULL);
		rt->nknown++;
		types += n;
	}
	if (!rejects) {	/* no file given: the records go to stderr, never nowhere */
		ob_init(&rt->rej, 2, "<stderr>", 0);
		return 0;
	}
	/* appended, never truncated; 0600, as they hold customer data */
	if (ob_open(&rt->rej, rejects, O_APPEND, 0600) < 0) {
		snprintf(err, errlen, "%s: %s", rejects, strerror(errno));
		return -1;
	}
	rt->have_rejfile = 1;
	return 0;
}

static int
broken(struct router *rt, const char *path, const char *what)
{
	warnf("%s: %s:", path, what);
	rt->broken = 1;
	return -1;
}

static int
write_failed(struct router *rt, const struct outbuf *ob)
{
	errno = ob->err;
	return broken(rt, ob->name, errno == EPIPE ? "write error (its reader has gone)" : "write error");
}

/* A reader may be starting just now: wait for one a while, without blocking in open(2). */
static int
open_fifo(const char *path)
{
	struct timespec nap = { 0, 50 * 1000000 };
	int fd, waited;

	for (waited = 0;; waited += 50) {
		if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) >= 0)
			break;
		if (errno != ENXIO || waited >= FIFO_WAIT_MS || kafka_stop_level() != STOP_NO)
			return -1;
		nanosleep(&nap, NULL);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);	/* from now on a full pipe makes us wait */
	return fd;
}

/* A crash in the middle of a write can leave a partial last line; its message was not committed
 * and comes again, so end that line here rather than glue the message to it. */
static int
end_partial_line(int fd, const char *path)
{
	struct stat st;
	char last;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	if (pread(fd, &last, 1, st.st_size - 1) != 1 || last == '\n')
		return 0;
	warnf("%s: ends in a partial line (left by a crash?): ending it; its message comes again", path);
	return write(fd, "\n", 1) == 1 ? 0 : -1;
}

static int
open_output(struct router *rt, struct output *o)
{
	struct stat st;
	int fd, fifo = stat(o->path, &st) == 0 && S_ISFIFO(st.st_mode);

	/* read and write: end_partial_line reads the last byte */
	fd = fifo ? open_fifo(o->path) : open(o->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return broken(rt, o->path, errno == ENXIO ? "no reader on this FIFO" : "cannot open");
	/* two writers would interleave their lines: one kcat-split per output */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return broken(rt, o->path, "another process writes to it (give each instance its own -o)");
	}
	if (end_partial_line(fd, o->path) < 0) {
		close(fd);
		return broken(rt, o->path, "write error");
	}
	ob_init(&o->ob, fd, o->path, rt->bufsize);
	ob_fsync_soon(&o->ob);	/* route_sync fsyncs it before every commit */
	o->ob.owned = 1;
	o->open = 1;
	return 0;
}

int
route_open_known(struct router *rt)
{
	size_t i;

	for (i = 0; i < rt->nknown; i++)
		if (open_output(rt, &rt->out[i]) < 0)
			return -1;
	return 0;
}

/* The output of type s[0, n): found, made for a type seen the first time, or the unknown one. */
static struct output *
output_for(struct router *rt, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < rt->nout; i++)
		if (strlen(rt->out[i].type) == n && memcmp(rt->out[i].type, s, n) == 0)
			return &rt->out[i];
	if (rt->nknown) {
		rt->unknowns++;
		if (!rt->unknown) {
			add_output(rt, ROUTE_UNKNOWN, strlen(ROUTE_UNKNOWN), rt->unknown_path);
			rt->unknown = rt->nout;
		}
		return &rt->out[rt->unknown - 1];
	}
	return rt->nout < ROUTE_MAX ? add_output(rt, s, n, NULL) : NULL;
}

/* Writes s[0, n) and a newline; line breaks inside become spaces.  In valid JSON they can only be
 * white space between tokens, so the event is unchanged and stays one line. */
static int
put_line(struct outbuf *ob, const char *s, size_t n)
{
	char *d = ob_reserve(ob, n + 1), *p, *end;

	if (!d)
		return -1;
	memcpy(d, s, n);
	for (p = d, end = d + n; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		*p = ' ';
	for (p = d; (p = memchr(p, '\r', (size_t)(end - p))); p++)
		*p = ' ';
	d[n] = '\n';
	ob->len += n + 1;
	return 0;
}

/* The eventType as a name for a file: unescaped, and only of the characters type_ok allows. */
static int
type_name(const struct kevent *ev, char *buf, const char **s, size_t *n)
{
	if (ev->type.kind != J_STRING)
		return 0;
	*s = ev->type.s, *n = ev->type.n;
	if (ev->type.esc) {
		if (ev->type.n > TYPE_MAX * 6)	/* \uXXXX is 6 bytes a character: decode, then judge */
			return 0;
		*n = json_unescape(buf, ev->type.s, ev->type.n);
		*s = buf;
	}
	return type_ok(*s, *n);
}

static int
classify(const struct kevent *ev, int body, char *buf, const char **s, size_t *n, char *why, size_t whylen)
{
	if (ev->type.kind == J_NONE)
		snprintf(why, whylen, "no eventType");
	else if (ev->type.kind != J_STRING)
		snprintf(why, whylen, "eventType is not a string");
	else if (!type_name(ev, buf, s, n))
		snprintf(why, whylen, "eventType \"%.*s\" is not usable in a file name (letters, digits, _ - .)",
		    ev->type.n > TYPE_MAX ? TYPE_MAX : (int)ev->type.n, ev->type.s);
	else if (body && ev->body.kind != J_OBJECT)
		snprintf(why, whylen, ev->body.kind == J_NONE ? "no eventBody (--body)" : "eventBody is not an object");
	else
		return 0;
	return 1;
}

int
route_put(struct router *rt, const char *msg, size_t n, char *why, size_t whylen)
{
	struct kevent ev;
	struct output *o;
	char buf[TYPE_MAX * 6];
	const char *type = NULL;
	size_t tn = 0;

	if (kevent_scan(&ev, msg, n) < 0) {
		if (ev.syntax)
			snprintf(why, whylen, "invalid JSON at byte %zu: %s", ev.errat, ev.err);
		else
			snprintf(why, whylen, "%s", ev.err);
		return 1;
	}
	if (classify(&ev, rt->body, buf, &type, &tn, why, whylen))
		return 1;
	if (!(o = output_for(rt, type, tn))) {
		snprintf(why, whylen, "more than %d eventTypes: give the known ones with -T", ROUTE_MAX);
		return 1;
	}
	if (!o->open && open_output(rt, o) < 0)
		return -1;
	if (rt->body ? put_line(&o->ob, ev.body.s, ev.body.n) : put_line(&o->ob, msg, n))
		return write_failed(rt, &o->ob);
	o->count++;
	rt->routed++;
	return 0;
}

int
route_reject(struct router *rt, const char *head, size_t headlen, const char *msg, size_t n)
{
	rt->rejects++;
	if (ob_write(&rt->rej, head, headlen) < 0 || put_line(&rt->rej, msg, n) < 0 ||
	    (!rt->have_rejfile && ob_flush(&rt->rej) < 0))
		return write_failed(rt, &rt->rej);
	return 0;
}

int
route_sync(struct router *rt)
{
	size_t i;

	if (rt->broken)
		return -1;
	for (i = 0; i < rt->nout; i++)
		if (rt->out[i].open && ob_fsync(&rt->out[i].ob) < 0)
			return write_failed(rt, &rt->out[i].ob);
	return ob_fsync(&rt->rej) < 0 ? write_failed(rt, &rt->rej) : 0;
}

int
route_close(struct router *rt)
{
	size_t i;
	int r = route_sync(rt);

	for (i = 0; i < rt->nout; i++) {
		if (rt->out[i].open && ob_close(&rt->out[i].ob) < 0 && r == 0)
			r = write_failed(rt, &rt->out[i].ob);
		rt->out[i].open = 0;
	}
	if (ob_close(&rt->rej) < 0 && r == 0)
		r = write_failed(rt, &rt->rej);
	return r;
}

void
route_free(struct router *rt)
{
	size_t i;

	for (i = 0; i < rt->nout; i++) {
		free(rt->out[i].type);
		free(rt->out[i].path);
	}
	free(rt->out);
}
