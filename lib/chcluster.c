#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chcluster.h"
#include "err.h"
#include "numconv.h"

static struct chshard *
shard_of(struct chcluster *cl, long number)
{
	size_t i, j;

	for (i = 0; i < cl->nshard && cl->shard[i].number < number; i++)
		;
	if (i < cl->nshard && cl->shard[i].number == number)
		return &cl->shard[i];
	cl->shard = xrealloc(cl->shard, (cl->nshard + 1) * sizeof *cl->shard);
	for (j = cl->nshard; j > i; j--)	/* keep them sorted by number */
		cl->shard[j] = cl->shard[j - 1];
	cl->nshard++;
	memset(&cl->shard[i], 0, sizeof cl->shard[i]);
	cl->shard[i].number = number;
	return &cl->shard[i];
}

static int
add_line(struct chcluster *cl, char *line, const char *where, char *err, size_t errlen)
{
	char *f[4], *save = NULL, *tok;
	const char *why;
	long num[2];
	struct chshard *sh;
	size_t n = 0, k;

	for (tok = strtok_r(line, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save))
		if (n < 4)
			f[n++] = tok;
		else
			n++;
	if (n == 0 || f[0][0] == '#')
		return 0;
	if (n != 3) {
		snprintf(err, errlen, "%s: expected 'shard replica url'", where);
		return -1;
	}
	for (k = 0; k < 2; k++) {
		num[k] = (long)parse_count(f[k], 1, 1000000, &why);
		if (why) {
			snprintf(err, errlen, "%s: %s '%s': %s", where, k ? "replica" : "shard", f[k], why);
			return -1;
		}
	}
	if (strncmp(f[2], "http://", 7) != 0 && strncmp(f[2], "https://", 8) != 0) {
		snprintf(err, errlen, "%s: '%s' is not an http:// or https:// URL", where, f[2]);
		return -1;
	}
	sh = shard_of(cl, num[0]);
	for (k = 0; k < sh->nrep; k++)
		if (sh->replica[k] == num[1]) {
			snprintf(err, errlen, "%s: shard %ld replica %ld given twice", where, num[0], num[1]);
			return -1;
		}
	sh->replica = xrealloc(sh->replica, (sh->nrep + 1) * sizeof *sh->replica);
	sh->url = xrealloc(sh->url, (sh->nrep + 1) * sizeof *sh->url);
	sh->replica[sh->nrep] = num[1];
	sh->url[sh->nrep++] = xstrdup(f[2]);
	return 0;
}

int
chcluster_load(struct chcluster *cl, const char *path, char *err, size_t errlen)
{
	FILE *fp;
	char *line = NULL, where[512];
	size_t cap = 0, lineno = 0;
	int r = 0;

	memset(cl, 0, sizeof *cl);
	if (!(fp = fopen(path, "r"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (r == 0 && getline(&line, &cap, fp) >= 0) {
		snprintf(where, sizeof where, "%s:%zu", path, ++lineno);
		r = add_line(cl, line, where, err, errlen);
	}
	if (r == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		r = -1;
	}
	if (r == 0 && cl->nshard == 0) {
		snprintf(err, errlen, "%s: no nodes in it", path);
		r = -1;
	}
	free(line);
	fclose(fp);
	if (r < 0)
		chcluster_free(cl);
	return r;
}

void
chcluster_free(struct chcluster *cl)
{
	size_t i, k;

	for (i = 0; i < cl->nshard; i++) {
		for (k = 0; k < cl->shard[i].nrep; k++)
			free(cl->shard[i].url[k]);
		free(cl->shard[i].url);
		free(cl->shard[i].replica);
	}
	free(cl->shard);
	memset(cl, 0, sizeof *cl);
}

uint64_t
fnv1a64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ULL;

	while (n--) {
		h ^= *s++;
		h *= 1099511628211ULL;
	}
	return h;
}

size_t
chcluster_place(const struct chcluster *cl, const char *key, size_t n)
{
	return (size_t)(fnv1a64(key, n) % cl->nshard);
}

int
tsv_field(const char *line, size_t n, size_t i, const char **f, size_t *flen)
{
	const char *p = line, *end = line + n, *tab;

	for (;;) {
		tab = memchr(p, '\t', (size_t)(end - p));
		if (i == 0) {
			*f = p;
			*flen = (size_t)((tab ? tab : end) - p);
			return 0;
		}
		if (!tab)
			return -1;
		p = tab + 1;
		i--;
	}
}
