/* kafkaevent.h: what the Kafka tools read of an event line {"eventType":"sa","eventBody":{...}}:
 * the top-level eventType, the eventBody value, and a key field at the top level or in eventBody. */
#ifndef KAFKAEVENT_H
#define KAFKAEVENT_H
#include <stddef.h>

#include "json.h"

struct kevent {
	struct jval type;	/* kind J_NONE when the line has no eventType */
	struct jval body;	/* the eventBody value as written; J_NONE when absent */
	const char *err;	/* why the line is no event (static text) */
	int syntax;		/* err is a JSON syntax error ... */
	size_t errat;		/* ... at this byte offset */
};

/* Validates the whole line as one JSON object and finds eventType and eventBody (each at most
 * once).  0, or -1 with ev->err. */
int kevent_scan(struct kevent *ev, const char *line, size_t n);
/* The first member called name at the top level or directly in eventBody, scanning no further
 * than needed: 1 with *v, 0 when the line has none or is not a JSON object. */
int kevent_field(const char *line, size_t n, const char *name, size_t namelen, struct jval *v);

#endif
