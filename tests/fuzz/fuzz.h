/* fuzz.h: what every libFuzzer harness under tests/fuzz/ shares.
 *
 * FUZZ_CHECK(cond, ...) aborts with a message when an invariant fails: libFuzzer then saves the
 * input as a crash.  known("name") is true when the environment variable FUZZ_KNOWN (names
 * separated by commas or blanks) lists the open bug called name in tests/fuzz/known-bugs:
 * `make fuzz-run` sets it so that a bug already reported does not stop every run, while the
 * regression runs over tests/fuzz/crashers/ leave it unset and see the bug until it is fixed. */
#ifndef FUZZ_H
#define FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "\n%s:%d: invariant failed: %s\n  ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

static inline int
known(const char *name)
{
	const char *k = getenv("FUZZ_KNOWN"), *p;
	size_t n = strlen(name);

	if (!k)
		return 0;
	for (p = k; (p = strstr(p, name)); p += n)
		if ((p == k || p[-1] == ',' || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n') &&
		    (p[n] == 0 || p[n] == ',' || p[n] == ' ' || p[n] == '\t' || p[n] == '\n'))
			return 1;
	return 0;
}

/* Prints s[0, n) for a message, non-printing bytes as \xHH, at most max bytes of it. */
static inline void
fuzz_show(FILE *f, const char *s, size_t n, size_t max)
{
	size_t i;

	for (i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
	if (n > max)
		fprintf(f, "...(%zu bytes)", n);
}

/* Copies s[0, n) into its own allocation of exactly n bytes (plus none), so that ASan sees any
 * read past the end; a libFuzzer buffer is already exact, but a line cut out of it is not. */
static inline char *
fuzz_dup(const char *s, size_t n)
{
	char *d = malloc(n ? n : 1);

	if (!d)
		abort();
	memcpy(d, s, n);
	return d;
}

#endif
