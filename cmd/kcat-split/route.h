/* route.h: event messages to one output per eventType (a file appended to, or a named FIFO), and
 * the ones that are no event to the rejects.  Nothing is acknowledged to Kafka before route_sync. */
#ifndef ROUTE_H
#define ROUTE_H
#include <stddef.h>
#include <stdint.h>

#include "outbuf.h"

#define ROUTE_UNKNOWN "_unknown"	/* the %s of the output for types not in -T */
#define ROUTE_MAX 256			/* outputs at most without -T (each holds a descriptor) */

struct output {
	char *type;
	char *path;
	struct outbuf ob;
	int open;
	uint64_t count;
};

struct router {
	const char *template;	/* a path with one %s */
	const char *unknown_path;	/* --unknown, else the template with _unknown */
	size_t nknown;		/* -T: the first nknown outputs are the known types; 0: all are */
	int body;		/* --body: write only the eventBody object */
	struct output *out;
	size_t nout;
	size_t unknown;		/* 1 + the index of the unknown output; 0: not made yet */
	struct outbuf rej;
	int have_rejfile;
	int broken;		/* an output failed: nothing more may be acknowledged */
	size_t bufsize;		/* of each output's buffer; 0: OB_BUFSIZE */
	uint64_t routed, unknowns, rejects;
};

/* types: "a,b,c" or NULL.  -1 with a reason in err. */
int route_init(struct router *rt, const char *template, const char *types, const char *unknown_path,
    int body, const char *rejects, char *err, size_t errlen);
/* Opens the output of every -T type now: a FIFO's reader gets its writer (and its end of file). */
int route_open_known(struct router *rt);
/* One message: 0 when written, 1 when it is no event (why says so), -1 when an output failed. */
int route_put(struct router *rt, const char *msg, size_t n, char *why, size_t whylen);
/* A reject record: head (where TAB reason TAB, or more fields) then the message on one line. */
int route_reject(struct router *rt, const char *head, size_t headlen, const char *msg, size_t n);
/* Everything written so far handed to the kernel, and to the disk for regular files. */
int route_sync(struct router *rt);
int route_close(struct router *rt);	/* syncs and closes; the counts stay for the summary */
void route_free(struct router *rt);

#endif
