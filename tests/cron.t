#!/bin/bash
# Cron-ready jobs: an overlapping run of the same job is refused with a clear message and
# loads nothing; the log is timestamped; the table holds every row once.
. "$(dirname "$0")/lib.sh"
export ETL_LOCK_DIR=$T/locks ETL_LOG_DIR=$T/log BATCH_DIR=$T/batch HIVE_SOURCE=$T/batch/hive-source.sqlite
make -s -C "$TOP" hive-source >/dev/null 2>&1
slow_load() { cronjob load-pri_star_info bash -c 'sleep 3; exec "$0" pri_star_info' "$TOP/scripts/batch-load"; }
slow_load &
first=$!
sleep 1
cronjob load-pri_star_info "$TOP/scripts/batch-load" pri_star_info 2>"$T/err"
is "$?" 75 "the overlapping run exits 75"
grep -q 'cronjob: load-pri_star_info: not started: another run holds the lock (pid [0-9]* since' "$T/err"
ok $? "and says which run holds the lock"
wait $first
is "$?" 0 "the first run loads"
want=$(sqlite3 -readonly "$T/batch/hive-source.sqlite" "SELECT count(*) FROM (SELECT DISTINCT * FROM pri_star_info WHERE uid IS NOT NULL)")
is "$(ch "SELECT count() FROM dm.pri_star_info")" "$want" "the table holds every row once ($want)"
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{4} batch-load: pri_star_info: .* loaded' "$T/log/load-pri_star_info.log"
ok $? "the log lines are timestamped"
is "$(grep -c 'not started' "$T/log/load-pri_star_info.log")" 1 "the refusal is in the log too"
done_testing
