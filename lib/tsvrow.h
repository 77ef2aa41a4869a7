/* tsvrow.h: check one TabSeparated line against a table's schema and write it back in the
 * form ClickHouse 18.16 reads exactly.  The server silently turns "1..2" into 1.20, wraps
 * Int32 overflow and reads an empty Decimal as 0.00, so such values are rejects here. */
#ifndef TSVROW_H
#define TSVROW_H
#include <stddef.h>

#include "schema.h"

struct tsvrow {
	const struct schema *sc;
	int check_values;	/* 0: only the number of fields, CR and empty lines are checked */
	int null_as_empty;	/* \N in a String column that is not Nullable: '' (else a reject) */
	char reason[256];
};

size_t tsvrow_bound(const struct tsvrow *tr, size_t n);
/* Writes the canonical line plus '\n' at dst (room: tsvrow_bound) and returns its length,
 * or -1 with tr->reason. */
long tsvrow_canon(struct tsvrow *tr, const char *line, size_t n, char *dst);

#endif
