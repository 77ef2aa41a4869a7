#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "lineread.h"
#include "sig.h"

void
lr_init_fd(struct linereader *lr, int fd, const char *name, size_t maxline)
{
	memset(lr, 0, sizeof *lr);
	lr->fd = fd;
	lr->name = name;
	lr->maxline = maxline ? maxline : LR_MAXLINE;
	lr->cap = lr->maxline < LR_BUFSIZE ? lr->maxline + 1 : LR_BUFSIZE;
	lr->buf = xmalloc(lr->cap);
}

int
lr_open(struct linereader *lr, const char *path, size_t maxline)
{
	int fd;

	if (!path || strcmp(path, "-") == 0) {
		lr_init_fd(lr, 0, "<stdin>", maxline);
		return 0;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	lr_init_fd(lr, fd, path, maxline);
	lr->owned = 1;
	return 0;
}

void
lr_close(struct linereader *lr)
{
	if (lr->owned)
		close(lr->fd);
	free(lr->buf);
	lr->buf = NULL;
}

/* Make room after end, keeping buf[beg, end); grow only while a line is shorter than maxline. */
static int
lr_fill(struct linereader *lr)
{
	ssize_t n;

	if (lr->beg > 0) {
		memmove(lr->buf, lr->buf + lr->beg, lr->end - lr->beg);
		lr->end -= lr->beg;
		lr->scanned -= lr->beg;
		lr->beg = 0;
	}
	if (lr->end == lr->cap) {
		size_t ncap = lr->cap * 2;

		if (ncap > lr->maxline + 1)
			ncap = lr->maxline + 1;
		lr->buf = xrealloc(lr->buf, ncap);
		lr->cap = ncap;
	}
	if (lr->idle) {	/* a read that would wait: what was made of the input so far goes out first */
		struct pollfd pfd = { .fd = lr->fd, .events = POLLIN };

		if (poll(&pfd, 1, 0) == 0)
			lr->idle(lr->idle_ctx);
	}
	if (lr->timeout_ms > 0) {
		struct pollfd pfd = { .fd = lr->fd, .events = POLLIN };
		int pr = poll(&pfd, 1, lr->timeout_ms);

		if (pr == 0)
			return LR_TIMEOUT;
		if (pr < 0 && errno == EINTR && sig_caught)
			return LR_INTR;
	}
	for (;;) {
		n = read(lr->fd, lr->buf + lr->end, lr->cap - lr->end);
		if (n >= 0)
			break;
		if (errno != EINTR)
			return LR_ERROR;
		if (sig_caught)
			return LR_INTR;
	}
	if (n == 0)
		lr->eof = 1;
	lr->end += (size_t)n;
	lr->bytes += (uint64_t)n;
	return LR_LINE;
}

int
lr_next(struct linereader *lr, char **line, size_t *len)
{
	char *nl;
	int r;

	if (lr->line_done)
		lr->pieces = lr->line_done = 0;
	if (lr->scanned < lr->beg)
		lr->scanned = lr->beg;
	for (;;) {
		nl = memchr(lr->buf + lr->scanned, '\n', lr->end - lr->scanned);
		if (nl || (lr->eof && lr->beg < lr->end)) {
			size_t stop = nl ? (size_t)(nl - lr->buf) : lr->end;

			if (!lr->pieces)
				lr->lineno++;
			*line = lr->buf + lr->beg;
			*len = stop - lr->beg;
			lr->beg = lr->scanned = nl ? stop + 1 : stop;
			lr->unterminated = !nl;
			lr->line_done = 1;
			return LR_LINE;
		}
		if (lr->eof && lr->pieces) {	/* a long last line ended with its last piece */
			*line = lr->buf + lr->beg;
			*len = 0;
			lr->line_done = 1;
			return LR_LINE;
		}
		if (lr->eof)
			return LR_EOF;
		if (lr->end - lr->beg > lr->maxline) {
			if (!lr->pieces++)
				lr->lineno++;
			*line = lr->buf + lr->beg;
			*len = lr->end - lr->beg;
			lr->beg = lr->scanned = lr->end;
			return LR_CHUNK;
		}
		lr->scanned = lr->end;
		if ((r = lr_fill(lr)) != LR_LINE)
			return r;
	}
}

int
lr_each(char *const *paths, int n, size_t maxline, int (*each)(struct linereader *, void *), void *ctx)
{
	struct linereader lr;
	int i, r, status = 0;

	for (i = 0; i == 0 || i < n; i++) {
		const char *path = i < n ? paths[i] : "-";

		if (lr_open(&lr, path, maxline) < 0) {
			warnf("%s:", path);
			status = -1;
			continue;
		}
		if ((r = each(&lr, ctx)) < 0) {
			warnf("%s: read error:", lr.name);
			status = -1;
		}
		lr_close(&lr);
		if (r > 0)
			break;
	}
	return status;
}
