/* outbuf.h: a buffered writer on a file descriptor that notices every write error. */
#ifndef OUTBUF_H
#define OUTBUF_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

struct outbuf {
	int fd;
	int owned;
	const char *name;
	char *buf;
	size_t cap, len;
	int err;		/* errno of the first failed write, sticky */
	uint64_t bytes;		/* bytes handed to the kernel */
	int writeback;		/* start writing each flushed buffer to disk now (see ob_fsync_soon) */
};

#define OB_BUFSIZE (1u << 20)

void ob_init(struct outbuf *ob, int fd, const char *name, size_t cap);
/* Opens path for writing (O_CREAT|O_WRONLY|flags, mode); "-" is standard output. -1 and errno on failure. */
int ob_open(struct outbuf *ob, const char *path, int flags, mode_t mode);
int ob_flush(struct outbuf *ob);
int ob_fsync(struct outbuf *ob);	/* flush, then fsync when fd is a regular file */
/* For a regular file that will be fsync'd: from now on each flush starts the disk writes of what
 * it wrote, so that they overlap with the work and the fsync waits only for the last ones. */
void ob_fsync_soon(struct outbuf *ob);
int ob_close(struct outbuf *ob);	/* flush, close if owned; -1 if any write ever failed */
int ob_write(struct outbuf *ob, const void *p, size_t n);
/* Ends the program after a failed write: quietly by SIGPIPE when the reader went away (as a
 * pipeline stage should), else with "name: write error: reason" and exit status 2. */
_Noreturn void ob_fatal(struct outbuf *ob);
/* Room for n more bytes at ob->buf + ob->len (flushing or growing); NULL after a write error. */
char *ob_reserve(struct outbuf *ob, size_t n);

static inline int
ob_putc(struct outbuf *ob, char c)
{
	if (ob->len == ob->cap && !ob_reserve(ob, 1))
		return -1;
	ob->buf[ob->len++] = c;
	return 0;
}

#endif
