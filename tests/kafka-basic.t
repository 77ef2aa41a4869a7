#!/bin/bash
# kprod and kcat-split on a real broker: byte-identical round trips with Debian's kcat, keys,
# size rejects, routing by eventType, reject records, secrets, and kcat-split without Kafka.
. "$(dirname "$0")/lib.sh"
under_kafka 1 "$@"	# the body runs under a private broker
B=$KAFKA_BROKERS
topic() { kafka-server topic "$KAFKA_RUN_DIR" "$@" >/dev/null; }
consume() { kcat -b "$B" -C -e -q -t "$@"; }

# ---- kprod -> kcat -C: byte for byte
{
	printf '{"eventType":"sa","eventBody":{"uid":"u1","name":"张三","amt":"1.50"}}\n'
	printf '\n'	# an empty line is an empty message
	printf 'not json at all\twith a tab\n'
	head -c 200000 /dev/zero | tr '\0' 'x'; printf '\n'
	printf 'no newline at the end'
} >"$T/mixed.txt"
topic one 1
kprod -q -t one "$T/mixed.txt"
is "$?" 0 "kprod: exit 0 when every line was delivered"
consume one >"$T/back.txt"
{ cat "$T/mixed.txt"; echo; } >"$T/want.txt"
same_file "$T/back.txt" "$T/want.txt" "kcat -C -e reads back what kprod sent, byte for byte"

# directories: their regular files in name order (dot files and subdirectories left out), and stdin
mkdir -p "$T/dir/sub"
echo b1 >"$T/dir/b"; echo a1 >"$T/dir/a"; printf 'a2\na3\n' >>"$T/dir/a"; echo hidden >"$T/dir/.tmp"; echo sub >"$T/dir/sub/c"
topic two 1
echo s1 | kprod -q -t two "$T/dir" -
is "$(consume two | tr '\n' ' ')" "a1 a2 a3 b1 s1 " "a directory is its files sorted by name, then - is stdin"

# --key-field: the uid at the top level or in eventBody is the key; one customer, one partition
topic keyed 4
for i in $(seq 1 400); do
	u=$((i % 7))
	case $((i % 3)) in
	0) printf '{"eventType":"sa","eventBody":{"uid":"c%d","n":%d}}\n' "$u" "$i" ;;
	1) printf '{"uid":"c%d","eventType":"sa","eventBody":{"n":%d}}\n' "$u" "$i" ;;
	2) printf '{"eventType":"sa","eventBody":{"n":%d,"uid":"\\u0063%d"}}\n' "$i" "$u" ;;
	esac
done >"$T/keyed.jsonl"
echo '{"eventType":"sa","eventBody":{"n":0}}' >>"$T/keyed.jsonl"
kprod -t keyed -k uid "$T/keyed.jsonl" 2>"$T/err"
is "$?" 0 "kprod --key-field: exit 0"
grep -q ', 1 without a key' "$T/err"; ok $? "the line without the field is counted as sent without a key"
kcat -b "$B" -C -e -q -t keyed -f '%k\t%p\n' | sort -u >"$T/kp"
is "$(grep -c . "$T/kp")" 8 "7 keys (escapes decoded: \\u0063 is c) and one empty key, each in one partition"
is "$(cut -f1 "$T/kp" | grep -c '^c[0-6]$')" 7 "keys are the uid values"

# a line larger than the topic takes: a reject with file:line and reason, the others delivered
{ echo '{"eventType":"sa","n":1}'; printf '{"eventType":"sa","big":"'; head -c 1100000 /dev/zero | tr '\0' y; echo '"}'
  echo '{"eventType":"sa","n":3}'; } >"$T/big.jsonl"
topic sized 1
kprod -q -t sized -r "$T/big.rej" "$T/big.jsonl" 2>"$T/err"
is "$?" 1 "kprod: exit 1 when a line was rejected"
is "$(cut -f1 "$T/big.rej")" "$T/big.jsonl:2" "the reject names file:line"
grep -q 'max.message.bytes' "$T/big.rej"; ok $? "and says why (max.message.bytes)"
is "$(cut -f3 "$T/big.rej" | wc -c)" 1100028 "the reject record holds the whole line"
is "$(stat -c %a "$T/big.rej")" 600 "the reject file is private"
is "$(consume sized | tr '\n' ' ')" '{"eventType":"sa","n":1} {"eventType":"sa","n":3} ' "the other lines are delivered, in order"
# the broker's own refusal (the client allowed more; the topic is made on first use, so its limit
# is unknown to kprod): still a reject with file:line, never a crash or a bare timeout
kprod -q -t "sized-auto" -X message.max.bytes=3000000 -r "$T/big2.rej" "$T/big.jsonl" 2>"$T/err"
is "$?" 1 "a message the broker refuses: exit 1"
is "$(cut -f1 "$T/big2.rej")" "$T/big.jsonl:2" "the broker's refusal is a reject with file:line"
grep -q 'the broker refused it: Broker: Message size too large' "$T/big2.rej"; ok $? "with the broker's reason"

# ---- kcat -P -> kcat-split: routed by eventType, the rest rejected with where it was
topic routed 2
{
	for i in $(seq 1 30); do printf '{"eventType":"%s","eventBody":{"uid":"u%d","n":%d}}\n' "$(echo sa djk etc | cut -d' ' -f$((i % 3 + 1)))" "$i" "$i"; done
	echo '{"eventType":"sa","eventBody":{"uid":"x"}'	# unbalanced
	echo '{"eventBody":{"uid":"y"}}'
	echo '{"eventType":7,"eventBody":{}}'
	echo '{"eventType":"../../etc/passwd","eventBody":{}}'
	echo '{"eventType":"sa","eventType":"djk","eventBody":{}}'
	echo '{"eventType":"zz","eventBody":{"uid":"z"}}'
} >"$T/routed.jsonl"
kcat -b "$B" -P -t routed -l "$T/routed.jsonl"
printf '{"eventType":"sa",\n "eventBody":{"uid":"multi"}}' | kcat -b "$B" -P -t routed -D '\x1e'
mkdir "$T/out"
kcat-split -q -G g1 -e -o "$T/out/%s.jsonl" -r "$T/route.rej" routed
is "$?" 1 "kcat-split: exit 1 when some messages were rejected"
is "$(ls "$T/out" | tr '\n' ' ')" "djk.jsonl etc.jsonl sa.jsonl zz.jsonl " "one output per eventType"
grep -h '"uid":"u' "$T/out"/*.jsonl | sort >"$T/got"
grep '"uid":"u' "$T/routed.jsonl" | sort >"$T/want"
same_file "$T/got" "$T/want" "every event is in its type's output, unchanged"
grep -q '"eventType":"sa",  "eventBody":{"uid":"multi"}' "$T/out/sa.jsonl"; ok $? "a message with a line break in its JSON stays one line"
is "$(wc -l <"$T/route.rej")" 5 "five rejects"
is "$(awk -F'\t' '{print $1}' "$T/route.rej" | sort -u)" routed "reject records name the topic"
kcat -b "$B" -C -e -q -t routed -f '%p %o %s\n' | grep -F '{"eventBody":{"uid":"y"}}' | cut -d' ' -f1,2 >"$T/where"
is "$(grep -F '{"eventBody":{"uid":"y"}}' "$T/route.rej" | cut -f2,3 | tr '\t' ' ')" "$(cat "$T/where")" \
	"and the partition and offset where the message is"
is "$(grep -F '{"eventBody":{"uid":"y"}}' "$T/route.rej" | cut -f4)" "no eventType" "reason: no eventType"
grep -q "	invalid JSON at byte [0-9]*: " "$T/route.rej"; ok $? "reason: invalid JSON, with the byte"
grep -q '	eventType is not a string	' "$T/route.rej"; ok $? "reason: eventType not a string"
grep -q 'not usable in a file name' "$T/route.rej"; ok $? "a type that would leave the directory is a reject"
grep -q '	duplicate key eventType	' "$T/route.rej"; ok $? "reason: duplicate eventType"
kcat-split -G g1 -e -o "$T/out/%s.jsonl" -r "$T/route.rej" routed 2>"$T/err"
is "$?" 0 "a second run of the group: exit 0"
grep -q '^kcat-split: 0 messages' "$T/err"; ok $? "and reads nothing again (offsets were committed)"

# -T and --body: known types only, the others to _unknown; only the eventBody object written
mkdir "$T/out2"
kcat-split -q -G g2 -e -o "$T/out2/%s.jsonl" -T sa,djk --body -r "$T/route2.rej" routed
is "$(ls "$T/out2" | tr '\n' ' ')" "_unknown.jsonl djk.jsonl sa.jsonl " "-T: known types, the rest in _unknown"
is "$(grep '"u1"' "$T/out2/djk.jsonl")" '{"uid":"u1","n":1}' "--body writes the eventBody object"
is "$(grep -c . "$T/out2/_unknown.jsonl")" 11 "the 10 etc events and the zz one are in _unknown"

# ---- kcat-split without Kafka: the same routing over files and stdin
mkdir "$T/out3"
tail -n 4 "$T/routed.jsonl" | kcat-split -q -o "$T/out3/%s.jsonl" -r "$T/files.rej" "$T/routed.jsonl" -
is "$?" 1 "file mode: exit 1 with rejects"
cat "$T/out/djk.jsonl" "$T/out/etc.jsonl" "$T/out/zz.jsonl" | sort >"$T/want"
cat "$T/out3/djk.jsonl" "$T/out3/etc.jsonl" "$T/out3/zz.jsonl" | sort | uniq >"$T/got"
same_file "$T/got" "$T/want" "file mode routes as the consumer does"
is "$(cut -f1 "$T/files.rej" | tr '\n' ' ')" "$T/routed.jsonl:31 $T/routed.jsonl:32 $T/routed.jsonl:33 $T/routed.jsonl:34 $T/routed.jsonl:35 <stdin>:1 <stdin>:2 <stdin>:3 " \
	"file mode rejects name file:line (<stdin> for -)"
is "$(stat -c %a "$T/out3/sa.jsonl")" 600 "outputs are private"

# an output that ends in a partial line (a crash mid-write) is ended before anything is appended
printf '{"eventType":"sa","eventBody":{"cut' >"$T/out3/sa.jsonl"
echo '{"eventType":"sa","eventBody":{"n":1}}' | kcat-split -q -o "$T/out3/%s.jsonl" - 2>"$T/err"
is "$(tail -n 1 "$T/out3/sa.jsonl")" '{"eventType":"sa","eventBody":{"n":1}}' "a partial last line is ended, the new event is whole"
grep -q 'partial line' "$T/err"; ok $? "and kcat-split says so"

# two writers on one output would interleave lines: the second is refused
mkfifo "$T/in.fifo"
exec 7<>"$T/in.fifo"
kcat-split -q -o "$T/out3/%s.jsonl" "$T/in.fifo" 7>&- &
first=$!
echo '{"eventType":"sa","eventBody":{"n":2}}' >&7
sleep 0.5
echo '{"eventType":"sa","eventBody":{"n":3}}' | kcat-split -q -o "$T/out3/%s.jsonl" - 2>"$T/err"
is "$?" 2 "a second kcat-split on the same output: exit 2"
grep -q 'another process writes to it' "$T/err"; ok $? "and says why"
exec 7>&-
wait $first

# FIFO outputs: an existing FIFO is written to, not replaced
mkfifo "$T/out3/fifo-sa.jsonl"
cat "$T/out3/fifo-sa.jsonl" >"$T/fifo.got" &
reader=$!
printf '{"eventType":"sa","eventBody":{"n":4}}\n' | kcat-split -q -o "$T/out3/fifo-%s.jsonl" -
wait $reader
is "$(cat "$T/fifo.got")" '{"eventType":"sa","eventBody":{"n":4}}' "a named FIFO output gets the events"

# ---- secrets never on the command line; a properties file holding one must be private
kprod -t one -X sasl.password=hunter2 </dev/null 2>"$T/err"
is "$?" 2 "-X sasl.password is refused"
grep -q 'put it in a -F file' "$T/err"; ok $? "and the message says where secrets go"
printf '# test\nsasl.username = etl\nsasl.password = hunter2\n' >"$T/kafka.props"
chmod 644 "$T/kafka.props"
kcat-split -G g3 -F "$T/kafka.props" -o "$T/%s" t 2>"$T/err"
is "$?" 2 "a world-readable -F file with a password is refused"
grep -q 'chmod 600' "$T/err"; ok $? "and the message says how to fix it"
chmod 600 "$T/kafka.props"
kprod -t one -F "$T/kafka.props" -X dump >"$T/dump" 2>&1
is "$?" 0 "a private -F file is accepted (-X dump)"
grep -q '^sasl.password = (secret)$' "$T/dump"; ok $? "-X dump does not print the secret"
grep -q '^enable.idempotence = true$' "$T/dump"; ok $? "kprod is idempotent by default"
kcat-split -G g3 -X enable.auto.commit=true -o "$T/%s" t 2>"$T/err"
is "$?" 2 "kcat-split refuses to let auto-commit lose messages"

# ---- pacing: --rate and the old producer's --sleep-every/--sleep-ms
seq 1 3000 >"$T/n.txt"
topic paced 1
s=$(date +%s%N); kprod -q -t paced --rate 2000 "$T/n.txt"; e=$(date +%s%N)
ms=$(((e - s) / 1000000))
check "--rate 2000: 3000 lines take at least 1.3 s ($ms ms)" test "$ms" -ge 1300
s=$(date +%s%N); kprod -q -t paced --sleep-every 1000 --sleep-ms 400 "$T/n.txt"; e=$(date +%s%N)
ms=$(((e - s) / 1000000))
check "--sleep-every 1000 --sleep-ms 400: two pauses ($ms ms)" test "$ms" -ge 800
is "$(consume paced | wc -l)" 6000 "every paced line delivered"

done_testing
