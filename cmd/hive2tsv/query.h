/* query.h: the SELECT that -t, -c and --where stand for, and the names in it. */
#ifndef QUERY_H
#define QUERY_H
#include <stddef.h>

/* Nonzero when s[0, n) is [A-Za-z_][A-Za-z0-9_.]*: nothing else can ride along into SQL. */
int ident_ok(const char *s, size_t n);
/* "SELECT cols FROM table [WHERE (where)]", cols "a,b" or NULL for *; malloc'd, or NULL with
 * the reason in err when a name is not an identifier. */
char *query_build(const char *table, const char *cols, const char *where, char *err, size_t errlen);
/* "SELECT what FROM table [WHERE (where)]" of names already checked; malloc'd. */
char *query_select(const char *what, const char *table, const char *where);
/* A column label without its "table." (or "db.table.") prefix, as HiveServer2 writes them. */
const char *label_strip(const char *label);

#endif
