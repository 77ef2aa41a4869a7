/* evrow.h: one JSON event line to one TabSeparated row in a schema's column order.
 * The line is either the envelope {"eventType":..,"eventBody":{..}} or the body alone. */
#ifndef EVROW_H
#define EVROW_H
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "schema.h"

struct evrow {
	const struct schema *sc;
	int strict;		/* a missing value for a non-Nullable column is a reject */
	struct jval *top, *body;	/* per column: the value seen at top level / inside eventBody */
	uint32_t *topgen, *bodygen;	/* a slot is set when its gen equals gen */
	uint32_t gen;
	struct jparse jp;
	char reason[256];	/* why the last line was rejected */
	/* set by the last successful evrow_convert */
	unsigned defaults;	/* non-Nullable columns filled with the type's default */
	unsigned unknown;	/* fields not in the schema */
};

void evrow_init(struct evrow *ev, const struct schema *sc, int strict);
void evrow_free(struct evrow *ev);
/* Room evrow_convert may need for a line of n bytes. */
size_t evrow_bound(const struct evrow *ev, size_t n);
/* Writes the row with its '\n' at dst and returns its length, or -1 with ev->reason. */
long evrow_convert(struct evrow *ev, const char *line, size_t n, char *dst);

#endif
