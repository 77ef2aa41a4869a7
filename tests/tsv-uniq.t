#!/bin/bash
# tsv-uniq against an oracle in python3: the lines sort -u keeps, in input order, byte for byte;
# rows with NUL, CR, invalid UTF-8, no final newline, rows longer than its buffers, duplicates
# across files; the spool leaves nothing behind; errors, rejects and signals as documented.
. "$(dirname "$0")/lib.sh"

# oracle FILE...: the first occurrence of each line, in order, each with a newline
oracle() {
	python3 -c '
import sys
seen, out = set(), sys.stdout.buffer
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for l in lines:
        if l not in seen:
            seen.add(l)
            out.write(l + b"\n")' "$@"
}

# 300,000 rows, about a third repeats of earlier ones (near or far back), odd bytes among them
python3 -c '
import random, sys
r = random.Random(7)
rows, out = [], []
odd = [b"", b"\\N", b"a\x00b", b"crlf\r", b"\xff\xfe bad utf-8", b"\t\t", b"x" * 3000]
for i in range(300000):
    if rows and r.random() < 0.35:
        out.append(rows[r.randrange(len(rows))] if r.random() < 0.5 else rows[-1 - r.randrange(min(50, len(rows)))])
        continue
    if r.random() < 0.01:
        row = r.choice(odd) + str(r.randrange(100)).encode()
    else:
        row = b"\t".join(str(r.randrange(10**r.randrange(1, 12))).encode() for _ in range(r.randrange(1, 20)))
    rows.append(row)
    out.append(row)
sys.stdout.buffer.write(b"\n".join(out))' >"$T/in.tsv"	# no final newline
oracle "$T/in.tsv" >"$T/want"
mkdir "$T/spool"
tsv-uniq -T "$T/spool" "$T/in.tsv" >"$T/got" 2>"$T/err"
is "$?" 0 "exit 0"
same_file "$T/got" "$T/want" "the rows sort -u keeps, in input order"
is "$(wc -l <"$T/got")" "$(LC_ALL=C sort -u "$T/in.tsv" | wc -l)" "as many as sort -u keeps"
n_in=$(($(wc -l <"$T/in.tsv") + 1)) n_out=$(wc -l <"$T/want")
is "$(cat "$T/err")" "tsv-uniq: $n_in lines, 0 rejects, $((n_in - n_out)) duplicates, $n_out rows" "the summary counts them"
is "$(ls -A "$T/spool")" "" "no spool file left behind"

# the same rows split over two files and standard input: duplicates across all of them
head -n 100000 "$T/in.tsv" >"$T/a"
sed -n '100001,200000p' "$T/in.tsv" >"$T/b"
tail -n +200001 "$T/in.tsv" >"$T/c"
tsv-uniq -q -T "$T/spool" "$T/a" - "$T/b" <"$T/c" >"$T/got2"
oracle "$T/a" "$T/c" "$T/b" >"$T/want2"
same_file "$T/got2" "$T/want2" "files and - are one input"

# rows of 2 MiB and 3 MiB, longer than the spool's write buffer, repeated after it was flushed
python3 -c '
import sys
big1, big2 = b"A" * (2 << 20), b"B" * (3 << 20)
sys.stdout.buffer.write(b"\n".join([big1, b"s", big2, big1 + b"x", b"s", big1, big2[:-1], big2]) + b"\n")' >"$T/big"
tsv-uniq -q -T "$T/spool" "$T/big" >"$T/got3"
oracle "$T/big" >"$T/want3"
same_file "$T/got3" "$T/want3" "long rows"

# TMPDIR when no -T; a spool that cannot be made is exit 2 with the reason
printf 'x\nx\n' | TMPDIR=$T/spool tsv-uniq -q >"$T/got4"
is "$(cat "$T/got4")" x "TMPDIR is used"
printf 'x\n' | tsv-uniq -T "$T/nonexistent" >/dev/null 2>"$T/err"
is "$?" 2 "no spool directory: exit 2"
grep -q "^tsv-uniq: cannot make a spool file in $T/nonexistent: No such file or directory" "$T/err"; ok $? "says why"

# a full disk for the output: exit 2, said; a reader that goes away: quiet SIGPIPE
tsv-uniq -q "$T/in.tsv" >/dev/full 2>"$T/err"
is "$?" 2 "output on a full disk: exit 2"
grep -q '^tsv-uniq: <stdout>: write error: No space left on device' "$T/err"; ok $? "says so"
tsv-uniq -q "$T/in.tsv" 2>"$T/err" | head -1 >/dev/null
is "${PIPESTATUS[0]}" 141 "tsv-uniq | head: ended by SIGPIPE"
is "$(cat "$T/err")" "" "tsv-uniq | head: no message"

# a line over 64 MiB is a reject with its reason, the rows around it pass
{ echo before; head -c $((65 << 20)) /dev/zero | tr '\0' z; echo; echo after; echo before; } >"$T/huge"
tsv-uniq -q -r "$T/rej" "$T/huge" >"$T/got5"
is "$?" 1 "a line over 64 MiB: exit 1"
is "$(cat "$T/got5" | tr '\n' ' ')" "before after " "the other rows pass, once"
is "$(cut -f1,2 "$T/rej" | head -c 200)" "$T/huge:2	line longer than 64 MiB" "the reject says where and why"
is "$(stat -c %a "$T/rej")" 600 "the reject file is 0600"
is "$(wc -c <"$T/rej")" $((${#T} + 7 + 1 + 23 + 1 + (65 << 20) + 1)) "and holds the whole line"

# rows go on while the input is still open (a pipe with nothing more for now), and SIGTERM
# ends the run with the rows written and the summary: 143
mkfifo "$T/fifo"
( head -n 1000 "$T/in.tsv"; sleep 30 ) >"$T/fifo" &
feeder=$!
tsv-uniq "$T/fifo" >"$T/part" 2>"$T/err" &
pid=$!
want_n=$(head -n 1000 "$T/in.tsv" | oracle /dev/stdin | wc -l)
have_rows() { [ "$(wc -l <"$T/part")" -ge "$want_n" ]; }
wait_for 10 have_rows
ok $? "rows are written before the input ends"
kill -TERM $pid; wait $pid; st=$?
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
is "$st" 143 "SIGTERM: exit 143"
same_file "$T/part" <(head -n 1000 "$T/in.tsv" | oracle /dev/stdin) "SIGTERM: the rows read so far, whole"
grep -q '1000 lines.*(interrupted)' "$T/err"; ok $? "SIGTERM: summary printed"
done_testing
