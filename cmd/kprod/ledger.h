/* ledger.h: what became of each input line, by its sequence number (1 = the first line read),
 * so that a stop can say exactly how far every line was delivered. */
#ifndef LEDGER_H
#define LEDGER_H
#include <stdint.h>

enum { L_PENDING, L_DELIVERED, L_REJECTED, L_FAILED };

#define LEDGER_WINDOW (1u << 20)	/* lines in flight at most: one state byte each */

struct ledger {
	unsigned char *state;	/* by seq % LEDGER_WINDOW, for seqs in [lo, next) */
	uint64_t lo;		/* every line before lo is delivered, rejected or skipped */
	uint64_t next;		/* the seq after the last line sent or rejected */
	uint64_t delivered, rejected, failed, maybe_persisted;
	uint64_t first_failed;	/* 0: no failure */
	char first_reason[512];
};

void ledger_init(struct ledger *lg);
/* A line skipped by --skip or --resume: done by an earlier run. */
void ledger_skip(struct ledger *lg, uint64_t seq);
/* Nonzero when seq may be sent without overrunning the window. */
int ledger_room(const struct ledger *lg, uint64_t seq);
void ledger_sent(struct ledger *lg, uint64_t seq);
/* The line's fate; a failure records its reason if it is the first. */
void ledger_mark(struct ledger *lg, uint64_t seq, int state, const char *reason);
/* Lines at or after lo that were delivered: a rerun from lo sends them again. */
uint64_t ledger_delivered_beyond(const struct ledger *lg);

#endif
