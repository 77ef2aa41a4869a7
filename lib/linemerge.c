#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "linemerge.h"

#define LM_BUFSIZE (1u << 20)

void
lm_init(struct linemerge *m, const int *fds, int n, int first_alone)
{
	int i;

	memset(m, 0, sizeof *m);
	m->src = xcalloc((size_t)n, sizeof *m->src);
	m->pfd = xcalloc((size_t)n, sizeof *m->pfd);
	m->map = xcalloc((size_t)n, sizeof *m->map);
	for (i = 0; i < n; i++) {
		m->src[i].fd = fds[i];
		m->src[i].cap = LM_BUFSIZE;
		m->src[i].buf = xmalloc(LM_BUFSIZE);
	}
	m->n = n;
	m->first_alone = first_alone;
}

static uint64_t
count_lines(const char *p, size_t n)
{
	const char *end = p + n;
	uint64_t k = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL)
		p++, k++;
	return k;
}

static int
write_upto(struct linemerge *m, struct linesrc *s, struct outbuf *out, const char *nl)
{
	size_t n = (size_t)(nl + 1 - s->buf);

	if (ob_write(out, s->buf, n) < 0)
		return -1;
	m->lines += count_lines(s->buf, n);
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
	return 0;
}

/* Writes the complete lines of s and keeps the rest at the start of its buffer. */
static int
flush_lines(struct linemerge *m, struct linesrc *s, struct outbuf *out)
{
	char *nl;

	if (m->first_alone && s == m->src) {
		if (!(nl = memchr(s->buf, '\n', s->len)))
			return 0;
		if (write_upto(m, s, out, nl) < 0)
			return -1;
		m->first_alone = 0;
	}
	if (!(nl = memrchr(s->buf, '\n', s->len)))
		return 0;
	return write_upto(m, s, out, nl);
}

/* One read from s; a full buffer without a newline grows (a line longer than it). */
static int
read_source(struct linemerge *m, struct linesrc *s, struct outbuf *out)
{
	ssize_t r;

	if (s->len == s->cap) {
		s->cap *= 2;
		s->buf = xrealloc(s->buf, s->cap);
	}
	if ((r = read(s->fd, s->buf + s->len, s->cap - s->len)) < 0)
		return -1;
	if (r == 0) {
		if (s->len)
			m->torn++;
		s->len = 0;
		close(s->fd);
		s->fd = -1;
		if (s == m->src)
			m->first_alone = 0;
		return 0;
	}
	s->len += (size_t)r;
	return flush_lines(m, s, out);
}

int
lm_step(struct linemerge *m, struct outbuf *out)
{
	int i, k = 0;

	for (i = 0; i < m->n; i++)
		if (m->src[i].fd >= 0 && (!m->first_alone || i == 0)) {
			m->pfd[k].fd = m->src[i].fd;
			m->pfd[k].events = POLLIN;
			m->map[k++] = i;
		}
	if (k == 0)
		return 0;
	if (poll(m->pfd, (nfds_t)k, -1) < 0)
		return -1;
	for (i = 0; i < k; i++)
		if (m->pfd[i].revents && read_source(m, &m->src[m->map[i]], out) < 0)
			return -1;
	return 1;
}

void
lm_free(struct linemerge *m)
{
	int i;

	for (i = 0; i < m->n; i++) {
		if (m->src[i].fd >= 0)
			close(m->src[i].fd);
		free(m->src[i].buf);
	}
	free(m->src);
	free(m->pfd);
	free(m->map);
	memset(m, 0, sizeof *m);
}
