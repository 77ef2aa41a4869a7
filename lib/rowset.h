/* rowset.h: an exact set of rows (byte strings) too big to keep in memory.  Each new row goes to
 * a spool file (unlinked at once, mode 0600); memory holds a 64-bit hash and the spool offset a
 * row, 16 bytes a slot, at most 3/4 of the slots full.  A hash that matches is checked against
 * the spooled bytes, so two different rows are never taken for one. */
#ifndef ROWSET_H
#define ROWSET_H
#include <stddef.h>
#include <stdint.h>

struct rowset_slot {
	uint64_t hash;
	uint64_t off;		/* 1 + the row's offset in the spool; 0: empty slot */
};

struct rowset {
	struct rowset_slot *slot;
	size_t nslot, count;	/* nslot a power of two */
	uint64_t hash_mask;	/* all ones; tests make hashes collide by narrowing it */
	int fd;			/* the spool: records of a 4-byte length, then the row */
	char *wbuf;		/* spool bytes not yet written, from offset wbase */
	size_t wlen, wcap;
	uint64_t wbase;
	char *rbuf;		/* for reading a record back */
	size_t rcap;
	const char *dir;	/* where the spool is made, for messages */
};

#define ROWSET_MAXROW ((size_t)UINT32_MAX)

/* Makes the spool in dir (NULL: $TMPDIR, else /tmp).  -1 with errno set on failure. */
int rowset_open(struct rowset *s, const char *dir);
/* 1: row[0, n) was not in the set and now is; 0: it was; -1: spool I/O error (errno set), or n
 * over ROWSET_MAXROW (EFBIG). */
int rowset_add(struct rowset *s, const char *row, size_t n);
void rowset_close(struct rowset *s);

#endif
