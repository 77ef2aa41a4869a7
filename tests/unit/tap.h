/* tap.h: the Test Anything Protocol for unit tests, read by prove(1). */
#ifndef TAP_H
#define TAP_H
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
static void
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#include <stdarg.h>
static void
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
}

/* compare a produced span with an expected C string */
#define is_str(got, gotlen, want, name) \
	do { \
		size_t wl_ = strlen(want); \
		int p_ = (gotlen) == wl_ && memcmp((got), (want), wl_) == 0; \
		ok(p_, "%s", name); \
		if (!p_) \
			printf("#   got  '%.*s'\n#   want '%s'\n", (int)(gotlen), (got), (want)); \
	} while (0)

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
#endif
