/* progress.h: how far a long job has got, on stderr: one line rewritten in place on a
 * terminal, plain periodic lines otherwise; optionally a JSON file for monitoring. */
#ifndef PROGRESS_H
#define PROGRESS_H
#include <stdint.h>

struct progress {
	const char *unit;	/* "lines", "rows", "messages" */
	double t0, next;	/* seconds on the monotonic clock */
	double interval;	/* seconds between reports; 0: never */
	int tty;
	int shown;		/* a live line is on the terminal */
	const char *json_path;	/* --stats-json: rewritten atomically at each report */
};

double now_seconds(void);
void progress_init(struct progress *p, const char *unit, double interval, const char *json_path);
/* Cheap when nothing is due: compares the clock with the next report time. */
int progress_due(struct progress *p);
/* Prints "argv0: N unit, R unit/s[, extra]" and writes the JSON {"count":N,"rate":R,"elapsed":S,...extra_json}. */
void progress_report(struct progress *p, uint64_t count, const char *extra, const char *extra_json);
void progress_end(struct progress *p);	/* ends a live line before the summary */

#endif
