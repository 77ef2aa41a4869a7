#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "err.h"
#include "numconv.h"
#include "state.h"

void
state_init(struct state *s, const char *path)
{
	memset(s, 0, sizeof *s);
	s->path = path;
	s->tmp = xmalloc(strlen(path) + 5);
	sprintf(s->tmp, "%s.tmp", path);
}

void
state_param(struct state *s, const char *key, const char *val)
{
	if (s->n == STATE_MAXPARAM)
		fatal(EXIT_TROUBLE, "state: too many parameters");
	s->key[s->n] = xstrdup(key);
	s->val[s->n++] = xstrdup(val);
}

struct reading {
	struct state *s;
	uint64_t done;
	int have_done;
	unsigned seen;		/* bit i: key[i] was in the file */
};

static int
on_key(void *ctx, const char *key, const char *val, const char *where, char *err, size_t errlen)
{
	struct reading *rd = ctx;
	struct state *s = rd->s;
	const char *why;
	size_t i;

	if (strcmp(key, "done_line") == 0) {
		rd->done = (uint64_t)parse_count(val, 0, 1LL << 62, &why);
		if (why) {
			snprintf(err, errlen, "%s: done_line %s: %s", where, val, why);
			return -1;
		}
		rd->have_done = 1;
		return 0;
	}
	for (i = 0; i < s->n; i++)
		if (strcmp(key, s->key[i]) == 0)
			break;
	if (i == s->n) {
		snprintf(err, errlen, "%s: unknown key '%s'", where, key);
		return -1;
	}
	if (strcmp(val, s->val[i]) != 0) {
		snprintf(err, errlen, "%s: the interrupted run had %s = %s, this one has %s: batches would not "
		    "line up; run with the same options, or remove %s to start over", where, key, val, s->val[i], s->path);
		return -1;
	}
	rd->seen |= 1u << i;
	return 0;
}

int
state_read(struct state *s, uint64_t *done, char *err, size_t errlen)
{
	struct reading rd = { s, 0, 0, 0 };
	size_t i;

	if (access(s->path, F_OK) < 0 && errno == ENOENT)
		return 0;
	if (conf_read(s->path, on_key, &rd, err, errlen) < 0)
		return -1;
	if (!rd.have_done) {
		snprintf(err, errlen, "%s: no done_line", s->path);
		return -1;
	}
	for (i = 0; i < s->n; i++)
		if (!(rd.seen & (1u << i))) {
			snprintf(err, errlen, "%s: no %s (written by another version?)", s->path, s->key[i]);
			return -1;
		}
	*done = rd.done;
	return 1;
}

int
state_write(struct state *s, uint64_t done, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	size_t i;
	int fd, ok;

	if (!m)
		fatal(EXIT_TROUBLE, "out of memory");
	fprintf(m, "# chload --state: every input line up to done_line is loaded or rejected.\n"
	    "# Run the same command again to go on; remove this file to start from the first line.\n"
	    "done_line = %llu\n", (unsigned long long)done);
	for (i = 0; i < s->n; i++)
		fprintf(m, "%s = %s\n", s->key[i], s->val[i]);
	fclose(m);
	fd = open(s->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok = fd >= 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	if (ok && rename(s->tmp, s->path) < 0)
		ok = 0;
	if (!ok)
		snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
	free(text);
	return ok ? 0 : -1;
}

void
state_free(struct state *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->key[i]);
		free(s->val[i]);
	}
	free(s->tmp);
	memset(s, 0, sizeof *s);
}
