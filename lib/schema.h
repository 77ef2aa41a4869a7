/* schema.h: a table's columns, read from what ClickHouse prints for
 * `DESCRIBE TABLE t FORMAT TabSeparated` (name TAB type [TAB ...]) or from a -c list. */
#ifndef SCHEMA_H
#define SCHEMA_H
#include <stddef.h>

enum coltype { CT_STRING, CT_FIXEDSTRING, CT_INT, CT_UINT, CT_FLOAT, CT_DECIMAL, CT_DATE, CT_DATETIME };

struct column {
	char *name;
	size_t namelen;
	char *typename;		/* as given, for messages */
	enum coltype type;
	int nullable;
	int bits;		/* Int/UInt width */
	int prec, scale;	/* Decimal; FixedString length in prec */
};

struct schema {
	struct column *col;
	size_t ncol;
	int *slot;		/* open-addressing index of columns by name: -1 empty */
	size_t nslot;		/* a power of two */
};

/* Each returns 0, or -1 with a message "file:line: reason" in err. */
int schema_load(struct schema *sc, const char *path, char *err, size_t errlen);
int schema_parse(struct schema *sc, const char *text, size_t len, const char *name, char *err, size_t errlen);
/* "a,b,c" (String) or "a:Int32,b:Nullable(Decimal(18,2))"; commas inside parentheses belong to the type. */
int schema_from_list(struct schema *sc, const char *list, char *err, size_t errlen);
int schema_parse_type(const char *s, size_t n, struct column *c);
/* Index of the column called name[0, n), or -1. */
int schema_find(const struct schema *sc, const char *name, size_t n);
void schema_free(struct schema *sc);

#endif
