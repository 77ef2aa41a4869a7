/* rejects.h: the reject file every tool writes: one record per refused line,
 *	where TAB reason TAB the line as it came
 * appended (an earlier run's records stay) and created with mode 0600, since the lines are
 * customer data.  Without a file the records go to standard error: never nowhere. */
#ifndef REJECTS_H
#define REJECTS_H
#include <stddef.h>
#include <stdint.h>

#include "lineread.h"
#include "outbuf.h"

struct rejects {
	struct outbuf ob;
	int to_stderr;		/* flushed at each record, so messages and records stay in order */
	uint64_t count;
};

/* path NULL: standard error.  Exits 2 when the file cannot be opened. */
void rejects_open(struct rejects *rj, const char *path);
/* A record in one go, or in pieces for a line too long to hold: begin, piece..., last piece. */
void rejects_line(struct rejects *rj, const char *where, const char *reason, const char *s, size_t n);
void rejects_begin(struct rejects *rj, const char *where, const char *reason);
void rejects_piece(struct rejects *rj, const char *s, size_t n, int last);
/* "name:line" for the where of a record */
const char *rejects_at(const char *name, uint64_t line);
void rejects_close(struct rejects *rj);
/* lr_next less the lines longer than lr's maxline: each of those goes to rj whole, as it comes,
 * with reason, and counts in *nlong.  Returns what lr_next returns (never LR_CHUNK). */
int rejects_next_short(struct rejects *rj, struct linereader *lr, const char *reason, char **line, size_t *len,
    uint64_t *nlong);

#endif
