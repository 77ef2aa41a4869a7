#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "outbuf.h"

void
ob_init(struct outbuf *ob, int fd, const char *name, size_t cap)
{
	memset(ob, 0, sizeof *ob);
	ob->fd = fd;
	ob->name = name;
	ob->cap = cap ? cap : OB_BUFSIZE;
	ob->buf = xmalloc(ob->cap);
}

int
ob_open(struct outbuf *ob, const char *path, int flags, mode_t mode)
{
	int fd;

	if (strcmp(path, "-") == 0) {
		ob_init(ob, 1, "<stdout>", 0);
		return 0;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, mode)) < 0)
		return -1;
	ob_init(ob, fd, path, 0);
	ob->owned = 1;
	return 0;
}

void
ob_fsync_soon(struct outbuf *ob)
{
	struct stat st;

	ob->writeback = fstat(ob->fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* Only a hint: an error here shows again, and is reported, at the fsync. */
static void
start_writeback(const struct outbuf *ob, size_t n)
{
	off_t end = lseek(ob->fd, 0, SEEK_CUR);

	if (end >= (off_t)n)
		(void)sync_file_range(ob->fd, end - (off_t)n, (off_t)n, SYNC_FILE_RANGE_WRITE);
}

int
ob_flush(struct outbuf *ob)
{
	size_t off = 0;
	ssize_t n;

	if (ob->err)
		return -1;
	while (off < ob->len) {
		n = write(ob->fd, ob->buf + off, ob->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ob->err = errno;
			return -1;
		}
		off += (size_t)n;
		ob->bytes += (uint64_t)n;
	}
	if (ob->writeback && ob->len)
		start_writeback(ob, ob->len);
	ob->len = 0;
	return 0;
}

int
ob_fsync(struct outbuf *ob)
{
	struct stat st;

	if (ob_flush(ob) < 0)
		return -1;
	if (fstat(ob->fd, &st) == 0 && S_ISREG(st.st_mode) && fsync(ob->fd) < 0) {
		ob->err = errno;
		return -1;
	}
	return 0;
}

char *
ob_reserve(struct outbuf *ob, size_t n)
{
	if (ob->cap - ob->len >= n)
		return ob->buf + ob->len;
	if (ob_flush(ob) < 0)
		return NULL;
	if (ob->cap < n) {
		ob->buf = xrealloc(ob->buf, n);
		ob->cap = n;
	}
	return ob->buf;
}

int
ob_write(struct outbuf *ob, const void *p, size_t n)
{
	if (ob->cap - ob->len < n) {
		if (ob_flush(ob) < 0)
			return -1;
		if (n >= ob->cap) {
			/* too big to buffer: hand it to write(2) straight from the caller's memory */
			const char *s = p;
			while (n > 0) {
				ssize_t w = write(ob->fd, s, n);
				if (w < 0) {
					if (errno == EINTR)
						continue;
					ob->err = errno;
					return -1;
				}
				s += w, n -= (size_t)w, ob->bytes += (uint64_t)w;
			}
			return 0;
		}
	}
	memcpy(ob->buf + ob->len, p, n);
	ob->len += n;
	return 0;
}

int
ob_close(struct outbuf *ob)
{
	int r = ob_flush(ob);

	if (ob->owned && close(ob->fd) < 0 && !ob->err) {
		ob->err = errno;
		r = -1;
	}
	free(ob->buf);
	ob->buf = NULL;
	if (ob->err)
		errno = ob->err;
	return ob->err ? -1 : r;
}

void
ob_fatal(struct outbuf *ob)
{
	if (ob->err == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	errno = ob->err;
	fatal(EXIT_TROUBLE, "%s: write error:", ob->name);
}
