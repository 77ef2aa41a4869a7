#!/bin/bash
# Faults (tests/faults/run): the stream path (kprod -> Kafka -> stream-pipeline, and each tool by
# itself), the batch loads and kprod against librdkafka's mock cluster, with kill -9 of the
# stages, ClickHouse and the Kafka broker stopped or killed, and Kafka protocol errors, at random
# moments; each stage is run again as README.md and the man pages say.  No row may be lost or
# changed and no load may stay stuck; duplicates are counted per fault (see the diagnostics).
# The default run is part of make check (22 faults, about 5 minutes); make check-faults-long
# runs 105.
# FAULTS_SEED=N replays a run; FAULTS_SCENARIOS=stream,stages,batch,mock picks some (fifo: the
# FIFO mode, not in the default list); each run's logs, report and evidence (the rows lost or
# changed) go to FAULTS_DIR/<date>-<seed>-<pid>/ (default run/faults; FAULTS_DIR/latest is the
# newest); FAULTS_VERBOSE=1 shows the progress.
OWN_CLICKHOUSE=1
. "$(dirname "$0")/lib.sh"
if [ ! -x "$TOP/tests/bin/kmock" ] || [ "$TOP/tests/faults/kmock.c" -nt "$TOP/tests/bin/kmock" ]; then
	make -s -C "$TOP" tests/bin/kmock >&2 || { echo "Bail out! cannot build tests/bin/kmock"; exit 1; }
fi
seed=${FAULTS_SEED:-$((($RANDOM << 15 | $RANDOM) % 999999 + 1))}
long=()
case ${FAULTS_LONG:-0} in '' | 0 | no) ;; *) long=(--long) ;; esac
top=${FAULTS_DIR:-run/faults}
case $top in /*) ;; *) top=$TOP/$top ;; esac
# a directory of its own per run (two runs at once in one checkout must not share one), the
# newest one also as latest; runs older than two days are removed
dir=$top/$(date +%Y%m%d-%H%M%S)-$seed-$$
mkdir -p "$dir" && ln -sfn "${dir##*/}" "$top/latest" || { echo "Bail out! cannot make $dir"; exit 1; }
find "$top" -mindepth 1 -maxdepth 1 -type d -name '20*' -mtime +2 -exec rm -rf {} + 2>/dev/null
scen=${FAULTS_SCENARIOS:-stream,stages,batch,mock}
quiet=(--quiet)
[ "${FAULTS_VERBOSE:-0}" != 0 ] && quiet=()
diag "seed $seed${long:+ (long)}: replay with make check-faults${long:+-long} FAULTS_SEED=$seed; logs in $dir"
res=$T/results
: >"$res"

pick() { tr , '\n' <<<"$scen" | grep -xE "$1" | paste -sd, -; }
with_kafka=$(pick 'stream|stages|fifo')
without=$(pick 'batch|mock')
start=$(date +%s)
if [ -n "$without" ]; then
	diag "$(date +%T) $without"
	"$TOP/tests/faults/run" --seed "$seed" "${long[@]}" "${quiet[@]}" --scenarios "$without" --dir "$dir" \
		--results "$res" >"$dir/report.1.txt"
fi
kafka=ok
if [ -n "$with_kafka" ]; then
	diag "$(date +%T) $with_kafka, under scripts/with-kafka"
	"$TOP/scripts/with-kafka" "$TOP/tests/faults/run" --seed "$seed" "${long[@]}" "${quiet[@]}" \
		--scenarios "$with_kafka" --dir "$dir" --results "$res" >"$dir/report.2.txt" </dev/null
	[ $? = 3 ] && kafka=skip
	diag "$(date +%T) done"
fi

[ "$kafka" = skip ] && [ -z "$without" ] && skip_all "Kafka not available (scripts/with-kafka exit 3)"
# one line per scenario: name faults target lost changed dups tally stuck status note
for s in $(tr , ' ' <<<"$scen"); do
	if [ "$kafka" = skip ] && grep -qxE 'stream|stages|fifo' <<<"$s"; then
		echo "ok $((_n += 1)) # skip $s: Kafka not available (scripts/with-kafka exit 3)"
		continue
	fi
	line=$(awk -F'\t' -v s="$s" '$1 == s' "$res")
	if [ -z "$line" ]; then
		ok 1 "$s: ran (no result: see $dir/faults.log)"
		continue
	fi
	IFS=$'\t' read -r _ faults target lost changed dups tally stuck status note <<<"$line"
	[ "$status" = ERROR ] && diag "$s: the suite failed: $note"
	check "$s: $faults of $target faults injected" test "$status" != ERROR -a "$faults" -ge "$target"
	is "$lost" 0 "$s: no row lost"
	is "$changed" 0 "$s: no row loaded that is not a row of the input (a cut or changed line)"
	is "$stuck" 0 "$s: every failed load was recovered by running it again as documented"
	[ "$tally" = - ] || is "$tally" ok "$s: scripts/tally of ClickHouse (less its duplicates) equals the input's"
	diag "$s: $dups duplicate rows (by fault kind below)"
done
cat "$dir"/report.[12].txt >"$dir/report.txt" 2>/dev/null
sed 's/^/# /' "$dir/report.txt"
diag "$(($(date +%s) - start)) s in all"
done_testing
