#include <string.h>

#include "pace.h"
#include "progress.h"

void
pace_init(struct pace *p, double rate, long long every, long long sleep_ms)
{
	memset(p, 0, sizeof *p);
	p->rate = rate;
	p->burst = rate > 100 ? rate / 100 : 1;	/* 10 ms worth: smooth, yet few wake-ups */
	p->every = every;
	p->sleep_ms = sleep_ms;
}

double
pace_next(struct pace *p)
{
	double t = now_seconds();

	if (p->every && p->count > 0 && p->count % p->every == 0)
		t += (double)p->sleep_ms / 1000;
	p->count++;
	if (p->rate > 0) {
		double early;

		if (p->tat < t)	/* a quiet spell earns no more than burst */
			p->tat = t;
		early = p->tat - p->burst / p->rate;	/* up to burst messages may go ahead of time */
		if (early > t)
			t = early;
		p->tat += 1 / p->rate;
	}
	return t;
}
