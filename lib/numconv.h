/* numconv.h: numbers as exact text, checked and canonicalised before ClickHouse sees them.
 * ClickHouse 18.16 wraps Int32 overflow and reads "1..2" as 1.20 without a word, so every
 * number is parsed here with explicit bounds and written back in one canonical form.
 * Each function returns NULL on success or a static reason for the reject. */
#ifndef NUMCONV_H
#define NUMCONV_H
#include <stddef.h>

#define NUM_MAXTEXT 48	/* room for any canonical number written here (Decimal(38,S): 40 chars) */

/* Integer text [+-]?[0-9]+ into Int<bits> or UInt<bits>; no fraction, exponent or spaces. */
const char *conv_int(const char *s, size_t n, int bits, int is_unsigned, char *dst, size_t *dlen);
/* Decimal text [+-]?(d+[.d*]|.d+)([eE][+-]?d+)? to exactly `scale` fraction digits, rounding half
 * away from zero; more than prec-scale integer digits is a reject.  Never goes through a double. */
const char *conv_decimal(const char *s, size_t n, int prec, int scale, char *dst, size_t *dlen);
/* Float text (the same grammar, or inf/nan); written back unchanged. */
const char *conv_float(const char *s, size_t n, char *dst, size_t *dlen);
const char *conv_date(const char *s, size_t n, char *dst, size_t *dlen);	/* YYYY-MM-DD */
const char *conv_datetime(const char *s, size_t n, char *dst, size_t *dlen);	/* YYYY-MM-DD hh:mm:ss */

/* Bounded parse of a command-line number, in the spirit of strtonum(3). */
long long parse_count(const char *s, long long min, long long max, const char **why);

/* The same for an option's argument: exits 2 with "flag arg: why" when it is not in range. */
long long flag_number(const char *flag, const char *arg, long long min, long long max);

#endif
