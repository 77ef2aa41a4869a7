#!/usr/bin/env python3
"""odbc-fixture: the table hive2tsv is tested on, written three ways from one list of rows.

usage: odbc-fixture.py sqlite FILE | csv | expected

  sqlite FILE  creates table odbc_t in the SQLite file (decimals as TEXT, as the Hive stand-in)
  csv          the rows as CSV for psql's \\copy (NULL unquoted and empty, strings quoted)
  expected     what hive2tsv must print: ClickHouse TabSeparated, NULL as \\N, by id
Values: NULL next to the empty string, every byte TabSeparated escapes, a literal backslash-N,
CJK text and U+2F46, exact decimals, values just under, at and over the 128-byte bound buffer
and 100 kB ones, placed across the 256-row blocks (first, middle and last row of a block).
"""
import sys

COLUMNS = [("id", "INTEGER", "integer"), ("name", "TEXT", "text"), ("amount", "TEXT", "numeric(18,2)"),
           ("note", "TEXT", "text")]


def rows():
    special = [None, "", "a\tb", "line1\nline2", "cr\rlf", "back\\slash", "\\N", "nul-free \b\f",
               "中文地址", "⽆", "无", "-", "'quoted' \"double\"", " lead and trail ", "x" * 126, "y" * 127,
               "z" * 128, "w" * 129, "中" * 60]
    amounts = [None, "0.00", "12.50", "-0.01", "123456789012345.67", "1.00", "999999.99"]
    out = []
    for i in range(1, 601):
        note = special[i % len(special)]
        if i in (1, 5, 256, 257, 300, 511, 512, 600):		# long ones at block edges and inside
            note = ("%d:" % i) + ("長文\t\\\n" if i % 2 else "long text ") * (100000 // 10)
        name = "name %d" % i if i % 7 else None
        out.append((i, name, amounts[i % len(amounts)], note))
    return out


def tsv(v):
    if v is None:
        return "\\N"
    if isinstance(v, int):
        return str(v)
    return (v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
            .replace("\0", "\\0").replace("\b", "\\b").replace("\f", "\\f"))


def csvfield(v):
    if v is None:
        return ""
    if isinstance(v, int):
        return str(v)
    return '"' + v.replace('"', '""') + '"'


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    out = sys.stdout
    if what == "sqlite" and len(sys.argv) == 3:
        import sqlite3
        db = sqlite3.connect(sys.argv[2])
        db.execute("CREATE TABLE odbc_t (%s)" % ", ".join("%s %s" % (c, t) for c, t, _ in COLUMNS))
        db.executemany("INSERT INTO odbc_t VALUES (?, ?, ?, ?)", rows())
        db.commit()
    elif what == "pgddl":
        out.write("CREATE TABLE odbc_t (%s);\n" % ", ".join("%s %s" % (c, t) for c, _, t in COLUMNS))
    elif what == "csv":
        for r in rows():
            out.write(",".join(csvfield(v) for v in r) + "\n")
    elif what == "expected":
        for r in rows():
            out.write("\t".join(tsv(v) for v in r) + "\n")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
