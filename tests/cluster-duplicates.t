#!/bin/bash
# cluster-duplicates: when a resent batch becomes a duplicate, mode by mode, as chload(1) says.
# A proxy throws away ClickHouse's answer to one INSERT after the server committed it (a lost
# answer); chload sends that batch again.  Plain MergeTree keeps both copies; a Replicated
# table, straight (--shards) or under a Distributed table (async or --sync), drops the second;
# but not once the first is more than replicated_deduplication_window blocks back, which an
# async Distributed insert can reach by itself: a copy queued on a node while its shard was
# down arrives late.  Runs its own cluster (scripts/with-ch-cluster).
if [ -z "${CH_CLUSTER_DIR:-}" ]; then
	[ -r /usr/share/java/zookeeper.jar ] || { echo "1..0 # SKIP no ZooKeeper (scripts/deps test installs it)"; exit 0; }
	exec "$(dirname "$0")/../scripts/with-ch-cluster" "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
node() { awk -v n="$1" 'NR == n { print $3 }' "$CH_CLUSTER_DIR/nodes"; }
chn() { curl -sS --fail-with-body "$(node "$1")" --data-binary "$2"; }
on_all() { for n in 1 2 3 4; do chn $n "$1" || return 1; done; }
insert() { curl -sS --fail-with-body "$1?query=$(printf 'INSERT INTO %s FORMAT TabSeparated' "$2" | sed 's/ /%20/g')" --data-binary @"$3"; }

# lost-answer N URL...: one proxy port per URL (printed on one line); the answer to the N-th
# INSERT through any of them is thrown away once the server has given it (the connection closes).
cat >"$T/lost-answer.py" <<'EOF'
import http.client, http.server, socketserver, sys, threading, urllib.parse
drop_at, count, lock = int(sys.argv[1]), 0, threading.Lock()

def handler_for(up):
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *a): pass
        def do_POST(self):
            global count
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query", [""])[0]
            c = http.client.HTTPConnection(up.hostname, up.port, timeout=300)
            c.request("POST", self.path, body, {k: v for k, v in self.headers.items()
                                                if k.lower() not in ("host", "connection")})
            r = c.getresponse()
            data = r.read()
            c.close()
            with lock:
                count += q.upper().startswith("INSERT")
                drop = q.upper().startswith("INSERT") and count == drop_at
            if drop:
                print("dropped the answer (HTTP %d) to INSERT #%d" % (r.status, drop_at), file=sys.stderr, flush=True)
                self.close_connection = True
                return
            self.send_response(r.status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
    return H

class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

servers = [S(("127.0.0.1", 0), handler_for(urllib.parse.urlsplit(u))) for u in sys.argv[2:]]
print(" ".join(str(s.server_address[1]) for s in servers), flush=True)
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
servers[0].serve_forever()
EOF
proxy_pid=
start_proxy() {	# start_proxy N URL...: sets proxy_ports; the log is $T/proxy.log
	stop_proxy
	rm -f "$T/ports"
	python3 "$T/lost-answer.py" "$@" >"$T/ports" 2>"$T/proxy.log" &
	proxy_pid=$!
	for _ in $(seq 50); do [ -s "$T/ports" ] && break; sleep 0.1; done
	read -r -a proxy_ports <"$T/ports"
}
stop_proxy() { [ -n "$proxy_pid" ] && { kill "$proxy_pid"; wait "$proxy_pid"; } 2>/dev/null; proxy_pid=; }
trap 'stop_proxy; rm -rf "$T"' EXIT

on_all "CREATE DATABASE IF NOT EXISTS dup"
chn 1 "CREATE TABLE dup.plain (line UInt64, uid String) ENGINE = MergeTree ORDER BY line"
# a fresh table per case (TRUNCATE of a Replicated table can hang in 18.16): dup.NAME_local on
# each shard, which keeps block hashes only 3 blocks back and prunes them every second, and dup.NAME
new_table() {
	on_all "CREATE TABLE dup.$1_local (line UInt64, uid String) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/dup/$1', '{replica}') ORDER BY line SETTINGS replicated_deduplication_window = 3, cleanup_delay_period = 1, cleanup_delay_period_random_add = 0" &&
	on_all "CREATE TABLE dup.$1 AS dup.$1_local ENGINE = Distributed(bank, dup, $1_local, cityHash64(uid))"
}
seq 1 1000 | awk '{ printf "%d\tu%d\n", $1, $1 % 97 }' >"$T/in.tsv"
counts() { ch "SELECT count(), uniqExact(line) FROM $1"; }

# plain MergeTree: a lost answer after the commit duplicates the batch
start_proxy 3 "$(node 1)"
chload -q -n 100 -t dup.plain --url "http://127.0.0.1:${proxy_ports[0]}/" "$T/in.tsv"
is "$?" 0 "plain: chload gets over the lost answer"
grep -q 'dropped the answer (HTTP 200) to INSERT #3' "$T/proxy.log"; ok $? "plain: the 3rd batch's answer was lost after its commit"
is "$(counts dup.plain)" "1100	1000" "plain MergeTree: that batch of 100 rows is in twice"

# straight into the shards' Replicated tables: the resent block is dropped
start_proxy 3 "$(node 1)" "$(node 2)" "$(node 3)" "$(node 4)"
awk -v p="${proxy_ports[*]}" 'BEGIN { split(p, port, " ") } { print $1, $2, "http://127.0.0.1:" port[NR] "/" }' \
	"$CH_CLUSTER_DIR/nodes" >"$T/nodes"
new_table r1
chload -q -n 100 --shards "$T/nodes" --shard-key uid -t dup.r1_local "$T/in.tsv"
is "$?" 0 "--shards: chload gets over the lost answer"
grep -q 'dropped the answer (HTTP 200) to INSERT #3' "$T/proxy.log"; ok $? "--shards: a block's answer was lost after its commit"
ch-cluster sync "$CH_CLUSTER_DIR"
is "$(counts dup.r1)" "1000	1000" "--shards into Replicated tables: no duplicate"

# through the Distributed table: async and --sync, each with a lost answer; no duplicate
for how in async sync; do
	new_table "$how"
	start_proxy 3 "$(node 2)"
	sync=; [ "$how" = sync ] && sync=--sync
	chload -q -n 100 $sync -t "dup.$how" --url "http://127.0.0.1:${proxy_ports[0]}/" "$T/in.tsv"
	is "$?" 0 "Distributed $how: chload gets over the lost answer"
	grep -q 'dropped the answer (HTTP 200) to INSERT #3' "$T/proxy.log"; ok $? "Distributed $how: an answer was lost after the commit"
	ch-cluster sync "$CH_CLUSTER_DIR"	# async: the queues too
	is "$(counts "dup.$how")" "1000	1000" "Distributed ($how) over Replicated tables: no duplicate"
done
stop_proxy

# the window: a block resent after 3 newer blocks (and a cleanup) goes in again
new_table w
head -n 10 "$T/in.tsv" >"$T/a.tsv"
chload -q --shards "$CH_CLUSTER_DIR/nodes" -t dup.w_local "$T/a.tsv"
chload -q --shards "$CH_CLUSTER_DIR/nodes" -t dup.w_local "$T/a.tsv"
ch-cluster sync "$CH_CLUSTER_DIR"
is "$(counts dup.w)" "10	10" "--shards: the same block again at once is dropped"
for i in 1 2 3 4 5; do
	seq $((i * 1000 + 1)) $((i * 1000 + 4)) | awk '{ printf "%d\tu%d\n", $1, $1 % 97 }' >"$T/b.tsv"
	chload -q -n 1 --shards "$CH_CLUSTER_DIR/nodes" -t dup.w_local "$T/b.tsv"
done
sleep 3	# cleanup_delay_period
chload -q --shards "$CH_CLUSTER_DIR/nodes" -t dup.w_local "$T/a.tsv"
ch-cluster sync "$CH_CLUSTER_DIR"
is "$(ch "SELECT count(), uniqExact(line) FROM dup.w WHERE line <= 10")" "20	10" \
	"--shards: the same block after more than the window's blocks is a duplicate"

# async Distributed: a copy queued while its shard was down arrives after the window
new_table late
ch-cluster stop-node "$CH_CLUSTER_DIR" 3 & ch-cluster stop-node "$CH_CLUSTER_DIR" 4 & wait
insert "$(node 1)" dup.late "$T/a.tsv"	# shard 2's rows wait on node 1
insert "$(node 2)" dup.late "$T/a.tsv"	# the resend after a lost answer: they wait on node 2 too
ch-cluster kill "$CH_CLUSTER_DIR" 2	# a crash: its copy stays queued on its disk
ch-cluster resume "$CH_CLUSTER_DIR" 3 >/dev/null && ch-cluster resume "$CH_CLUSTER_DIR" 4 >/dev/null
for _ in $(seq 100); do [ "$(chn 3 "SELECT count() FROM dup.late_local")" -gt 0 ] && break; sleep 0.2; done
first=$(chn 3 "SELECT count() FROM dup.late_local")
check "node 1's queued copy reached shard 2 ($first rows)" test "$first" -gt 0
for i in 1 2 3 4 5; do
	seq $((i * 1000 + 1)) $((i * 1000 + 4)) | awk '{ printf "%d\tz%d\n", $1, $1 }' >"$T/b.tsv"
	insert "$(node 3)" dup.late_local "$T/b.tsv"
done
sleep 3
ch-cluster resume "$CH_CLUSTER_DIR" 2 >/dev/null
for _ in $(seq 100); do [ "$(chn 3 "SELECT count() FROM dup.late_local WHERE line <= 10")" -gt "$first" ] && break; sleep 0.2; done
is "$(chn 3 "SELECT count(), uniqExact(line) FROM dup.late_local WHERE line <= 10")" "$((2 * first))	$first" \
	"async Distributed: node 2's late copy went in again, a duplicate"
done_testing
