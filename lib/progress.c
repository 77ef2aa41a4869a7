#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "progress.h"

double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
progress_init(struct progress *p, const char *unit, double interval, const char *json_path)
{
	memset(p, 0, sizeof *p);
	p->unit = unit;
	p->interval = interval;
	p->tty = isatty(2);
	p->json_path = json_path;
	p->t0 = now_seconds();
	p->next = p->t0 + interval;
}

int
progress_due(struct progress *p)
{
	double t;

	if (p->interval <= 0)
		return 0;
	t = now_seconds();
	if (t < p->next)
		return 0;
	p->next = t + p->interval;
	return 1;
}

static void
progress_json(struct progress *p, uint64_t count, double el, const char *extra_json)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", p->json_path);
	if (!(f = fopen(tmp, "w")))
		return;
	fprintf(f, "{\"tool\":\"%s\",\"unit\":\"%s\",\"count\":%llu,\"elapsed\":%.3f,\"rate\":%.1f%s%s}\n",
	    argv0, p->unit, (unsigned long long)count, el, el > 0 ? (double)count / el : 0.0,
	    extra_json && *extra_json ? "," : "", extra_json ? extra_json : "");
	if (fclose(f) == 0)
		rename(tmp, p->json_path);
}

void
progress_report(struct progress *p, uint64_t count, const char *extra, const char *extra_json)
{
	double el = now_seconds() - p->t0;

	fprintf(stderr, "%s%s: %llu %s, %.0f %s/s, %.1f s%s%s%s", p->tty ? "\r\033[K" : "", argv0,
	    (unsigned long long)count, p->unit, el > 0 ? (double)count / el : 0.0, p->unit, el,
	    extra && *extra ? ", " : "", extra ? extra : "", p->tty ? "" : "\n");
	p->shown = p->tty;
	if (p->json_path)
		progress_json(p, count, el, extra_json);
}

void
progress_end(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
}
