/* tsv.h: ClickHouse TabSeparated escaping. */
#ifndef TSV_H
#define TSV_H
#include <stddef.h>

/* Escapes src into dst (room for 2*n bytes) by ClickHouse's TabSeparated rules:
 * backslash, tab, newline, carriage return, NUL, backspace and form feed.  Returns bytes written. */
size_t tsv_escape(char *dst, const char *src, size_t n);
/* Nonzero when src holds a byte tsv_escape would change. */
int tsv_needs_escape(const char *src, size_t n);
/* Reverse of tsv_escape, also accepting \' \" \a \v and \xHH; dst room: n bytes.  -1 on a bad or
 * dangling escape.  A field of exactly \N is NULL: check that before calling. */
long tsv_unescape(char *dst, const char *src, size_t n);

#endif
