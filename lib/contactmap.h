/* contactmap.h: byte strings to numbers, for contact-merge's uids and (uid, contact) pairs.
 * Open addressing; keys are copied into one arena and referred to by offset, so that growing
 * the arena moves nothing a caller holds. */
#ifndef CONTACTMAP_H
#define CONTACTMAP_H
#include <stddef.h>
#include <stdint.h>

struct cmap_slot {
	uint64_t hash;
	size_t off;		/* key bytes at arena + off */
	uint32_t len;
	uint32_t val;		/* 0: empty slot */
};

struct cmap {
	struct cmap_slot *slot;
	size_t nslot, count;	/* nslot a power of two, at most half full */
	char *arena;
	size_t alen, acap;
};

void cmap_init(struct cmap *m);
/* The slot of key[0, n): found (*added = 0), or new with val (nonzero; *added = 1).  The
 * pointer is valid until the next cmap_put. */
struct cmap_slot *cmap_put(struct cmap *m, const char *key, size_t n, uint32_t val, int *added);
/* Empties the map, keeping its memory unless that is much more than it held. */
void cmap_clear(struct cmap *m);
void cmap_free(struct cmap *m);

#endif
