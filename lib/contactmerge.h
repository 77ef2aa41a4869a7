/* contactmerge.h: contacts gathered per uid, duplicates of (uid, contact) left out, written
 * as one row per uid: uid TAB phones TAB addresses, each list comma-joined in the order first
 * seen.  Hash mode keeps every uid until the end; sorted mode writes and resets per group. */
#ifndef CONTACTMERGE_H
#define CONTACTMERGE_H
#include <stddef.h>
#include <stdint.h>

#include "contactmap.h"
#include "outbuf.h"

struct cm_contact {
	size_t off;		/* the contact's text at pairs.arena + off */
	uint32_t len;
	uint32_t next;		/* the uid's next contact + 1; 0: none */
	int phone;
};

struct cm_uid {
	size_t off;		/* the uid's text at uids.arena + off */
	uint32_t len;
	uint32_t head, tail;	/* its contacts + 1; 0: none yet */
};

struct cmerge {
	struct cmap uids;	/* uid -> index + 1 into uid[] */
	struct cmap pairs;	/* uid index (4 bytes) + contact -> index + 1 into con[] */
	struct cm_uid *uid;
	size_t nuid, uidcap;
	struct cm_contact *con;
	size_t ncon, concap;
	char *key;		/* scratch for pair keys */
	size_t keycap;
};

void cmerge_init(struct cmerge *m);
/* The uid's index, adding it (in first-seen order) when new. */
uint32_t cmerge_uid(struct cmerge *m, const char *uid, size_t n);
/* Adds a contact of the uid (by index); 0 when the uid had this contact already. */
int cmerge_add(struct cmerge *m, uint32_t uid, const char *contact, size_t n, int phone);
/* Writes one row per uid in first-seen order: uids left without a contact only when
 * keep_empty.  Returns the rows written, or -1 on a write error. */
long cmerge_write(struct cmerge *m, struct outbuf *ob, int keep_empty);
void cmerge_reset(struct cmerge *m);
void cmerge_free(struct cmerge *m);

#endif
