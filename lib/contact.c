#include <string.h>

#include "contact.h"

static int
is(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

int
contact_is_null(const char *s, size_t n)
{
	return is(s, n, "\\N");
}

int
contact_is_junk(const char *s, size_t n)
{
	return n == 0 || contact_is_null(s, n) || is(s, n, "-") || is(s, n, "\xe6\x97\xa0") /* 无 */ ||
	    is(s, n, "\xe2\xbd\x86") /* ⽆ U+2F46 */;
}

int
contact_is_phone(const char *type, size_t n)
{
	return is(type, n, "TEL") || is(type, n, "OTH") || is(type, n, "MOB");
}
