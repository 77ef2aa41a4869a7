/* contact.h: the rules of pri_cust_contact_info's merge, on TabSeparated field text as it
 * comes (still escaped: a field of exactly \N is NULL, a backslash and N are "\\N"). */
#ifndef CONTACT_H
#define CONTACT_H
#include <stddef.h>

/* Nonzero for a contact that says nothing: empty, NULL (\N), "-", "无" or "⽆" (U+2F46, the
 * Kangxi radical that looks like 无 and comes from input methods). */
int contact_is_junk(const char *s, size_t n);
/* Nonzero for the types that go to contact_phone: TEL, OTH and MOB; every other type is an
 * address. */
int contact_is_phone(const char *type, size_t n);
/* Nonzero when the field is the TabSeparated NULL. */
int contact_is_null(const char *s, size_t n);

#endif
