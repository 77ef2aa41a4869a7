/* err.h: messages on stderr prefixed with the tool's name, and exit statuses. */
#ifndef ERR_H
#define ERR_H
#include <stddef.h>

/* Exit statuses shared by the suite (each man page's EXIT STATUS says which it uses). */
enum {
	EXIT_ALLGOOD = 0,	/* every input line became output */
	EXIT_SOMEREJECT = 1,	/* some lines went to the reject file */
	EXIT_TROUBLE = 2,	/* usage, I/O or permanent server error */
	EXIT_RETRYLATER = 3	/* transient failure: rerun as the message says */
};

extern const char *argv0;

void setprogname(const char *argv0arg);
/* A format ending in ':' appends ": strerror(errno)", as sbase's eprintf does. */
void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void fatal(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
