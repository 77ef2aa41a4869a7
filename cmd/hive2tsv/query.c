#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "query.h"

int
ident_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return 0;
	for (i = 1; i < n; i++) {
		char c = s[i];

		if (!(c == '_' || c == '.' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z')))
			return 0;
	}
	return 1;
}

/* Checks each name of the comma list; -1 naming the first bad one. */
static int
list_ok(const char *list, char *err, size_t errlen)
{
	const char *p = list, *comma;
	size_t n;

	for (;;) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (!ident_ok(p, n)) {
			snprintf(err, errlen, "-c: '%.*s' is not a column name ([A-Za-z_][A-Za-z0-9_.]*)", (int)n, p);
			return -1;
		}
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

char *
query_select(const char *what, const char *table, const char *where)
{
	size_t n = strlen(what) + strlen(table) + (where ? strlen(where) : 0) + 32;
	char *q = xmalloc(n);

	/* parentheses keep an OR in the filter from escaping the WHERE */
	snprintf(q, n, "SELECT %s FROM %s%s%s%s", what, table, where ? " WHERE (" : "", where ? where : "",
	    where ? ")" : "");
	return q;
}

char *
query_build(const char *table, const char *cols, const char *where, char *err, size_t errlen)
{
	char *what, *q;
	size_t n = 0;

	if (!ident_ok(table, strlen(table))) {
		snprintf(err, errlen, "-t: '%s' is not a table name ([A-Za-z_][A-Za-z0-9_.]*)", table);
		return NULL;
	}
	if (cols && list_ok(cols, err, errlen) < 0)
		return NULL;
	if (!cols)
		return query_select("*", table, where);
	what = xmalloc(2 * strlen(cols) + 1);
	for (; *cols; cols++) {	/* "a,b" becomes "a, b" */
		what[n++] = *cols;
		if (*cols == ',')
			what[n++] = ' ';
	}
	what[n] = '\0';
	q = query_select(what, table, where);
	free(what);
	return q;
}

const char *
label_strip(const char *label)
{
	const char *dot = strrchr(label, '.');

	return dot && dot[1] ? dot + 1 : label;
}
