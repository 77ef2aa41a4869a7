#!/bin/bash
# contact-merge: hand-written expected rows for fixtures that cover every rule (junk contacts,
# duplicate pairs, phone and address types, NULL uids, uids left with nothing, escaped text);
# hash and --sorted modes give the same rows; rejects, order violations and -f.
. "$(dirname "$0")/lib.sh"
D=$TOP/testdata/contact
TAB=$(printf '\t')

cd "$D" || exit 2
contact-merge rules.tsv >"$T/hash.tsv" 2>"$T/err"
is "$?" 0 "hash mode: exit 0"
same_file "$T/hash.tsv" rules.expected "hash mode: the expected rows, uids and contacts in first-seen order"
grep -qx "contact-merge: 22 lines, 0 rejects, 1 null uids, 6 empty contacts, 3 duplicate contacts, 5 rows" "$T/err"
ok $? "summary counts lines, NULL uids, junk contacts, duplicates and rows"

contact-merge --keep-empty rules.tsv >"$T/keep.tsv" 2>/dev/null
same_file "$T/keep.tsv" rules.keep-empty.expected "--keep-empty: uids whose contacts were all junk get empty lists"

# --sorted: the same rows from input grouped by uid (a stable sort keeps each uid's order)
LC_ALL=C sort -s -t "$TAB" -k1,1 rules.tsv >"$T/sorted-in.tsv"
contact-merge --sorted -q "$T/sorted-in.tsv" >"$T/sorted.tsv"
is "$?" 0 "sorted mode: exit 0"
LC_ALL=C sort -t "$TAB" -k1,1 rules.expected >"$T/expected-by-uid"
same_file "$T/sorted.tsv" "$T/expected-by-uid" "sorted mode: the expected rows, in uid order"
LC_ALL=C sort "$T/hash.tsv" >"$T/a"
LC_ALL=C sort "$T/sorted.tsv" >"$T/b"
same_file "$T/a" "$T/b" "hash and sorted modes give the same rows"
contact-merge --sorted --keep-empty -q - <"$T/sorted-in.tsv" | LC_ALL=C sort >"$T/a"
LC_ALL=C sort rules.keep-empty.expected >"$T/b"
same_file "$T/a" "$T/b" "sorted mode with --keep-empty, from stdin"

# --sorted refuses input that is not in uid order, naming the line
contact-merge --sorted rules.tsv >/dev/null 2>"$T/err"
is "$?" 2 "sorted mode on unsorted input: exit 2"
grep -q "rules.tsv:2: uid 'U001' comes after 'U003' (line 1)" "$T/err"
ok $? "the message names the line and both uids"

# -f: the three fields anywhere in a wider row (here: sys_source, contact, x, uid, con_type)
awk -F'\t' -v OFS='\t' '{ print $4, $3, "x", $1, $2 }' rules.tsv >"$T/wide.tsv"
contact-merge -q -f 4,5,2 "$T/wide.tsv" >"$T/wide.out"
same_file "$T/wide.out" rules.expected "-f 4,5,2 picks uid, con_type, contact from other positions"
contact-merge -f 1,1,2 rules.tsv >/dev/null 2>&1
is "$?" 2 "-f with a repeated position is a usage error"
contact-merge -f 1,2,x rules.tsv >/dev/null 2>&1
is "$?" 2 "-f with a non-number is a usage error"

# rejects: too few fields, to a private file that is appended to
contact-merge -q -r "$T/rej" short.tsv >"$T/short.out"
is "$?" 1 "exit 1 when lines were rejected"
same_file "$T/short.out" short.expected "the other lines are merged"
cut -f1,2 "$T/rej" >"$T/rej.reasons"
same_file "$T/rej.reasons" short.expected-rejects "reject records: file:line and reason"
is "$(stat -c %a "$T/rej")" 600 "reject file is private (mode 0600)"
contact-merge -q -r "$T/rej" short.tsv >/dev/null
is "$(wc -l <"$T/rej")" 4 "reject file is appended to, not truncated"
contact-merge short.tsv 2>&1 >/dev/null | grep -q "^short.tsv:2${TAB}2 fields"
ok $? "without -r the records go to stderr"

# a reader that goes away ends the run quietly, as a pipe stage should
seq 1 200000 | awk -v OFS='\t' '{ print "U" $1, "TEL", $1 }' | contact-merge -q | head -1 >/dev/null 2>"$T/err"
is "$(cat "$T/err")" "" "no error message on a closed pipe"
contact-merge -q "$T/nonexistent" >/dev/null 2>"$T/err"
is "$?" 2 "a missing input file: exit 2"

done_testing
