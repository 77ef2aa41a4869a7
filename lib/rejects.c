#include <fcntl.h>
#include <stdio.h>

#include "err.h"
#include "rejects.h"

void
rejects_open(struct rejects *rj, const char *path)
{
	rj->count = 0;
	rj->to_stderr = !path;
	if (!path)
		ob_init(&rj->ob, 2, "<stderr>", 0);
	else if (ob_open(&rj->ob, path, O_APPEND, 0600) < 0)
		fatal(EXIT_TROUBLE, "%s:", path);
}

void
rejects_begin(struct rejects *rj, const char *where, const char *reason)
{
	char head[1024];
	int n = snprintf(head, sizeof head, "%s\t%s\t", where, reason);

	if (n < 0 || (size_t)n >= sizeof head)
		n = (int)sizeof head - 1;
	if (ob_write(&rj->ob, head, (size_t)n) < 0)
		ob_fatal(&rj->ob);
	rj->count++;
}

void
rejects_piece(struct rejects *rj, const char *s, size_t n, int last)
{
	if (ob_write(&rj->ob, s, n) < 0 || (last && ob_putc(&rj->ob, '\n') < 0))
		ob_fatal(&rj->ob);
	if (last && rj->to_stderr && ob_flush(&rj->ob) < 0)
		ob_fatal(&rj->ob);
}

void
rejects_line(struct rejects *rj, const char *where, const char *reason, const char *s, size_t n)
{
	rejects_begin(rj, where, reason);
	rejects_piece(rj, s, n, 1);
}

const char *
rejects_at(const char *name, uint64_t line)
{
	static char buf[4200];

	snprintf(buf, sizeof buf, "%s:%llu", name, (unsigned long long)line);
	return buf;
}

void
rejects_close(struct rejects *rj)
{
	if (ob_close(&rj->ob) < 0)
		ob_fatal(&rj->ob);
}

int
rejects_next_short(struct rejects *rj, struct linereader *lr, const char *reason, char **line, size_t *len,
    uint64_t *nlong)
{
	int r;

	while ((r = lr_next(lr, line, len)) > 0) {
		if (r == LR_LINE && !lr->pieces)
			return r;
		if (r == LR_CHUNK && lr->pieces == 1) {
			(*nlong)++;
			rejects_begin(rj, rejects_at(lr->name, lr->lineno), reason);
		}
		rejects_piece(rj, *line, *len, r == LR_LINE);
	}
	return r;
}
