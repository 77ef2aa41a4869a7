/* pace.h: when the next message may go: a token bucket of --rate messages a second, and the old
 * producer's pause of --sleep-ms after every --sleep-every messages. */
#ifndef PACE_H
#define PACE_H

struct pace {
	double rate;		/* messages a second; 0: no limit */
	double burst;		/* messages that may go at once after a quiet spell */
	long long every, sleep_ms;
	long long count;	/* messages paced so far */
	double tat;		/* the theoretical time the next message is due */
};

void pace_init(struct pace *p, double rate, long long every, long long sleep_ms);
/* Takes the next message's place: the monotonic time (now_seconds) before which it may not go. */
double pace_next(struct pace *p);

#endif
