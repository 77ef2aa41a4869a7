/* json.h: a strict single-pass JSON scanner over one line in memory, with no allocation.
 * Values are returned as spans of the input; every byte is validated (grammar, UTF-8,
 * escapes, surrogate pairs) whether or not the caller uses it. */
#ifndef JSON_H
#define JSON_H
#include <stddef.h>

enum jkind { J_NONE, J_STRING, J_NUMBER, J_TRUE, J_FALSE, J_NULL, J_OBJECT, J_ARRAY };

struct jval {
	const char *s;	/* string: the bytes between the quotes; other kinds: the whole token */
	size_t n;
	enum jkind kind;
	int esc;	/* string holds at least one backslash escape */
};

struct jparse {
	const char *err;	/* static reason when a call fails */
	const char *errat;	/* where */
	int maxdepth;
};

#define JSON_MAXDEPTH 512

const char *json_ws(const char *p, const char *end);
/* One value at p (no leading space); returns the byte after it, or NULL with jp->err set. */
const char *json_value(struct jparse *jp, const char *p, const char *end, struct jval *v, int depth);
/* Members of an object: call with *pp just past '{' and *first = 1.  Returns 1 with key and value
 * (*pp past the value), 0 at the closing '}' (*pp past it), -1 on error. */
int json_member(struct jparse *jp, const char **pp, const char *end, struct jval *key, struct jval *val,
    int depth, int *first);
/* Only the key: returns 1 with *pp at the value (past ':' and space), for callers that descend
 * into the value themselves; 0 at '}'; -1 on error. */
int json_member_key(struct jparse *jp, const char **pp, const char *end, struct jval *key, int *first);
/* A whole document: value with optional surrounding white space and nothing else. */
const char *json_document(struct jparse *jp, const char *p, const char *end, struct jval *v);

/* Decodes a validated string's escapes to UTF-8; dst room: n bytes.  Returns bytes written. */
size_t json_unescape(char *dst, const char *s, size_t n);
/* Decodes a validated string and escapes it for TabSeparated in one pass; dst room: 2*n bytes. */
size_t json_string_to_tsv(char *dst, const char *s, size_t n);
/* Nonzero when key equals the literal word (handles escaped keys). */
int json_key_is(const struct jval *key, const char *word, size_t wn);

#endif
