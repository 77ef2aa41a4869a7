#include <stdio.h>
#include <string.h>

#include "err.h"
#include "ledger.h"

#define AT(lg, seq) ((lg)->state[(seq) & (LEDGER_WINDOW - 1)])

void
ledger_init(struct ledger *lg)
{
	memset(lg, 0, sizeof *lg);
	lg->state = xcalloc(LEDGER_WINDOW, 1);
	lg->lo = lg->next = 1;
}

void
ledger_skip(struct ledger *lg, uint64_t seq)
{
	lg->lo = lg->next = seq + 1;
}

int
ledger_room(const struct ledger *lg, uint64_t seq)
{
	return seq - lg->lo < LEDGER_WINDOW;
}

void
ledger_sent(struct ledger *lg, uint64_t seq)
{
	lg->next = seq + 1;
}

void
ledger_mark(struct ledger *lg, uint64_t seq, int state, const char *reason)
{
	AT(lg, seq) = (unsigned char)state;
	if (state == L_DELIVERED)
		lg->delivered++;
	else if (state == L_REJECTED)
		lg->rejected++;
	else if (state == L_FAILED) {
		lg->failed++;
		/* reports come per partition, not in line order: keep the earliest line's reason */
		if (!lg->first_failed || seq < lg->first_failed) {
			lg->first_failed = seq;
			snprintf(lg->first_reason, sizeof lg->first_reason, "%s", reason);
		}
	}
	/* a failure stays in the window: lo stops there, which is where a rerun must begin */
	while (lg->lo < lg->next && (AT(lg, lg->lo) == L_DELIVERED || AT(lg, lg->lo) == L_REJECTED)) {
		AT(lg, lg->lo) = L_PENDING;
		lg->lo++;
	}
}

uint64_t
ledger_delivered_beyond(const struct ledger *lg)
{
	uint64_t s, n = 0;

	for (s = lg->lo; s < lg->next; s++)
		n += AT(lg, s) == L_DELIVERED;
	return n;
}
