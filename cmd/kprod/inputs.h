/* inputs.h: the operands as a list of files to read in order (a directory stands for the regular
 * files in it, sorted by name), and where a line's sequence number comes from. */
#ifndef INPUTS_H
#define INPUTS_H
#include <stddef.h>
#include <stdint.h>

struct input {
	char *path;		/* "-" for standard input */
	const char *name;	/* for messages: path, or "<stdin>" */
	uint64_t first;		/* seq of its line 1; 0 until it is read */
};

struct inputs {
	struct input *v;
	size_t n;
};

/* Expands the operands (none: standard input).  Returns -1 after warning when one could not be
 * listed; the others are kept. */
int inputs_expand(struct inputs *in, char *const *operands, int n);
/* The input and line number of seq (which must have been read). */
const struct input *inputs_where(const struct inputs *in, uint64_t seq, uint64_t *line);
/* The input called name ("-" matches standard input), or NULL. */
const struct input *inputs_find(const struct inputs *in, const char *name, size_t len);
void inputs_free(struct inputs *in);

#endif
