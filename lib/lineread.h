/* lineread.h: lines from a file descriptor through one reused buffer, without copying them.
 * A returned line points into the buffer and stays valid until the next call. */
#ifndef LINEREAD_H
#define LINEREAD_H
#include <stddef.h>
#include <stdint.h>

enum {
	LR_TIMEOUT = -3,	/* no byte came within timeout_ms */
	LR_INTR = -2,	/* a signal arrived (sig_caught is set) */
	LR_ERROR = -1,	/* read error; errno is set */
	LR_EOF = 0,
	LR_LINE = 1,	/* a whole line, or the last piece of a long one */
	LR_CHUNK = 2	/* a piece of a line longer than maxline; more follows */
};

struct linereader {
	int fd;
	int owned;		/* close fd in lr_close */
	const char *name;	/* for messages: a path or "<stdin>" */
	char *buf;
	size_t cap, maxline;
	size_t beg, end, scanned;	/* unread bytes are buf[beg, end); no '\n' in [beg, scanned) */
	int eof;
	unsigned pieces;	/* LR_CHUNK pieces of the current line returned so far */
	int unterminated;	/* the line just returned is the last and has no '\n' */
	int line_done;		/* the last call ended a line: the next starts a new one */
	uint64_t lineno;	/* number of the current line, from 1 */
	uint64_t bytes;		/* bytes read so far */
	int timeout_ms;		/* > 0: wait at most this long for input, then LR_TIMEOUT */
	/* called before a read that would have to wait (a pipe or FIFO with nothing in it yet), so
	 * that a filter can pass on what it holds: a trickle of input is not kept back */
	void (*idle)(void *ctx);
	void *idle_ctx;
};

#define LR_BUFSIZE (1u << 20)
#define LR_MAXLINE ((size_t)64 << 20)

/* path "-" or NULL means standard input. Returns -1 with errno set when open fails. */
int lr_open(struct linereader *lr, const char *path, size_t maxline);
void lr_init_fd(struct linereader *lr, int fd, const char *name, size_t maxline);
/* Line without its '\n'; a missing final newline still gives the last line. */
int lr_next(struct linereader *lr, char **line, size_t *len);
void lr_close(struct linereader *lr);
/* each(lr, ctx) over the files paths[0, n) in turn (none: standard input; "-" is it too), each
 * opened with maxline; each returns 0 at the end of the file, -1 on a read error, 1 to stop
 * (a signal).  A file that cannot be opened or read is reported and skipped: -1 then, else 0. */
int lr_each(char *const *paths, int n, size_t maxline, int (*each)(struct linereader *, void *), void *ctx);

#endif
