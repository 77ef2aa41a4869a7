#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "inputs.h"

static void
add(struct inputs *in, char *path)
{
	struct input *i;

	in->v = xrealloc(in->v, (in->n + 1) * sizeof *in->v);
	i = &in->v[in->n++];
	i->path = path;
	i->name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	i->first = 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);	/* bytes, not the locale: the same order everywhere */
}

/* The regular files of dir, sorted; dot files are left out as ls does (a writer's temporaries). */
static int
add_dir(struct inputs *in, const char *dir)
{
	struct dirent **ents;
	struct stat st;
	int n, i;

	if ((n = scandir(dir, &ents, NULL, by_name)) < 0) {
		warnf("%s:", dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(dir) + strlen(ents[i]->d_name) + 2;
		char *path = xmalloc(len);

		snprintf(path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			add(in, path);
		else
			free(path);
		free(ents[i]);
	}
	free(ents);
	return 0;
}

int
inputs_expand(struct inputs *in, char *const *operands, int n)
{
	struct stat st;
	int i, r = 0;

	memset(in, 0, sizeof *in);
	if (n == 0)
		add(in, xstrdup("-"));
	for (i = 0; i < n; i++) {
		if (strcmp(operands[i], "-") != 0 && stat(operands[i], &st) == 0 && S_ISDIR(st.st_mode))
			r |= add_dir(in, operands[i]);
		else
			add(in, xstrdup(operands[i]));	/* a missing file is reported when it is opened */
	}
	return r;
}

const struct input *
inputs_where(const struct inputs *in, uint64_t seq, uint64_t *line)
{
	const struct input *hit = NULL;
	size_t i;

	for (i = 0; i < in->n && in->v[i].first && in->v[i].first <= seq; i++)
		hit = &in->v[i];
	*line = hit ? seq - hit->first + 1 : 0;
	return hit;
}

const struct input *
inputs_find(const struct inputs *in, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		const char *s = len == 1 && *name == '-' ? "-" : name;

		if ((strlen(in->v[i].path) == len && memcmp(in->v[i].path, s, len) == 0) ||
		    (strlen(in->v[i].name) == len && memcmp(in->v[i].name, s, len) == 0))
			return &in->v[i];
	}
	return NULL;
}

void
inputs_free(struct inputs *in)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		free(in->v[i].path);
	free(in->v);
}
