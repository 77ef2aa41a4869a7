#include "numconv.h"
#include "tap.h"

static void
dec(const char *in, int p, int s, const char *want)
{
	char buf[NUM_MAXTEXT];
	size_t n = 0;
	const char *why = conv_decimal(in, strlen(in), p, s, buf, &n);

	if (!want) {
		ok(why != NULL, "decimal '%s' (%d,%d) rejected (%s)", in, p, s, why ? why : "accepted");
		return;
	}
	if (why) {
		ok(0, "decimal '%s' (%d,%d) -> %s: rejected: %s", in, p, s, want, why);
		return;
	}
	is_str(buf, n, want, in);
}

static void
integer(const char *in, int bits, int u, const char *want)
{
	char buf[NUM_MAXTEXT];
	size_t n = 0;
	const char *why = conv_int(in, strlen(in), bits, u, buf, &n);

	if (!want)
		ok(why != NULL, "int '%s' (%d%s) rejected", in, bits, u ? "u" : "");
	else if (why)
		ok(0, "int '%s' -> %s: rejected: %s", in, want, why);
	else
		is_str(buf, n, want, in);
}

static void
int_reason(const char *in, int bits, const char *want)
{
	char buf[NUM_MAXTEXT];
	size_t n = 0;
	const char *why = conv_int(in, strlen(in), bits, 0, buf, &n);

	ok(why && strcmp(why, want) == 0, "int '%s': %s (got %s)", in, want, why ? why : "accepted");
}

int
main(void)
{
	dec("12.50", 18, 2, "12.50");
	dec("12.5", 18, 2, "12.50");
	dec("12", 18, 2, "12.00");
	dec("1.505", 18, 2, "1.51");
	dec("1.504", 18, 2, "1.50");
	dec("-1.505", 18, 2, "-1.51");
	dec("-0.005", 18, 2, "-0.01");
	dec("-0.004", 18, 2, "0.00");
	dec("0.995", 18, 2, "1.00");
	dec("9.995", 3, 2, NULL);
	dec("9.994", 3, 2, "9.99");
	dec("6225665.51", 18, 2, "6225665.51");
	dec("1e3", 18, 2, "1000.00");
	dec("1.5E-1", 18, 2, "0.15");
	dec("+.5", 18, 2, "0.50");
	dec("5.", 18, 2, "5.00");
	dec("00012.30", 18, 2, "12.30");
	dec("0", 18, 0, "0");
	dec("2.5", 18, 0, "3");
	dec("9999999999999999.99", 18, 2, "9999999999999999.99");
	dec("99999999999999999.99", 18, 2, NULL);
	dec("9999999999999999.995", 18, 2, NULL);
	dec("123456789012345678901.0123456789", 31, 10, "123456789012345678901.0123456789");
	dec("1e100000000000", 18, 2, NULL);
	dec("1e-100000000000", 18, 2, "0.00");
	dec("0e999999", 18, 2, "0.00");
	dec("1..2", 18, 2, NULL);
	dec("1.2.3", 18, 2, NULL);
	dec("-", 18, 2, NULL);
	dec("1e", 18, 2, NULL);
	dec("", 18, 2, NULL);
	dec(" 1", 18, 2, NULL);
	dec("1,5", 18, 2, NULL);
	dec("NULL", 18, 2, NULL);
	dec("inf", 18, 2, NULL);
	integer("42", 32, 0, "42");
	integer("-2147483648", 32, 0, "-2147483648");
	integer("2147483647", 32, 0, "2147483647");
	integer("2147483648", 32, 0, NULL);
	integer("3000000000", 32, 0, NULL);
	integer("-2147483649", 32, 0, NULL);
	integer("+007", 32, 0, "7");
	integer("-0", 32, 0, "0");
	integer("18446744073709551615", 64, 1, "18446744073709551615");
	integer("18446744073709551616", 64, 1, NULL);
	integer("-1", 8, 1, NULL);
	integer("1.5", 32, 0, NULL);
	integer("1e2", 32, 0, NULL);
	integer("", 32, 0, NULL);
	integer(" 5", 32, 0, NULL);
	integer("99999999999999999999999", 64, 0, NULL);
	int_reason("12345678901x", 32, "not an integer");
	int_reason("12345678901", 32, "integer out of range");
	return tap_done();
}
