/* linemerge.h: whole lines from several pipes into one output, in no particular order between
 * the pipes but never a line torn or two lines mixed. */
#ifndef LINEMERGE_H
#define LINEMERGE_H
#include <poll.h>
#include <stdint.h>

#include "outbuf.h"

struct linesrc {
	int fd;			/* -1 once at its end */
	char *buf;
	size_t len, cap;
};

struct linemerge {
	struct linesrc *src;
	int n;
	int first_alone;	/* source 0's first line goes out before anything else (a header) */
	uint64_t lines;		/* lines written, the first of source 0 included */
	int torn;		/* sources that ended in the middle of a line (that tail is not written) */
	struct pollfd *pfd;
	int *map;		/* pfd[k] is src[map[k]] */
};

/* Takes the read ends fds[0, n); with first_alone, nothing is read from the others until
 * source 0 has given its first line. */
void lm_init(struct linemerge *m, const int *fds, int n, int first_alone);
/* Waits for any source, then writes what it has up to its last newline.  1: more to come;
 * 0: every source at its end; -1: a read error (errno), a write error (out->err) or EINTR
 * (the caller looks at its signal flag and calls again or gives up). */
int lm_step(struct linemerge *m, struct outbuf *out);
void lm_free(struct linemerge *m);	/* closes what is still open */

#endif
