#include "kafkastop.h"
#include "sig.h"

static int level, first;

int
kafka_stop_level(void)
{
	if (sig_caught) {
		if (!first)
			first = sig_caught;
		sig_caught = 0;	/* so that the next signal is seen as a second one */
		if (level < STOP_NOW)
			level++;
	}
	return level;
}

int
kafka_stop_signal(void)
{
	return first;
}
