# tests/lib.sh: TAP helpers for the shell tests (sourced; prove reads the output).
# Tests run with the suite's binaries first on PATH and CLICKHOUSE_URL set by scripts/with-clickhouse.
set -u
TOP=${TOP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
# A test that needs a server of its own (it looks at whole databases, or stops the server)
# sets OWN_CLICKHOUSE=1 before sourcing this file: it is run again under its own private one.
if [ "${OWN_CLICKHOUSE:-}" = 1 ] && [ "${_OWN_CLICKHOUSE_RUN:-}" != "$0" ]; then
	export _OWN_CLICKHOUSE_RUN=$0
	exec "$TOP/scripts/with-clickhouse" bash "$0" "$@"
fi
PATH=$TOP/bin:$TOP/scripts:$PATH
export PATH TOP
T=$(mktemp -d "${TMPDIR:-/tmp}/etltest.XXXXXX")
trap 'rm -rf "$T"' EXIT
_n=0 _failed=0

ok() {	# ok CONDITION-STATUS NAME: ok $? "name" after a command, or use check
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _failed=$((_failed + 1)); fi
}
wait_for() {	# wait_for SECONDS CMD...: until CMD succeeds (1 when it never did)
	_wf_n=$(($1 * 10))
	shift
	until "$@"; do
		_wf_n=$((_wf_n - 1))
		[ "$_wf_n" -le 0 ] && return 1
		sleep 0.1
	done
}
check() {	# check NAME CMD...: passes when CMD exits 0
	_name=$1; shift
	if "$@"; then ok 0 "$_name"; else ok 1 "$_name"; fi
}
is() {	# is GOT WANT NAME
	_n=$((_n + 1))
	if [ "$1" = "$2" ]; then echo "ok $_n - $3"
	else
		echo "not ok $_n - $3"; _failed=$((_failed + 1))
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2" | head -40
	fi
}
same_file() {	# same_file GOT WANT NAME: files equal, a diff on failure
	_n=$((_n + 1))
	if cmp -s "$1" "$2"; then echo "ok $_n - $3"
	else
		echo "not ok $_n - $3"; _failed=$((_failed + 1))
		diff -u "$2" "$1" | head -40 | sed 's/^/# /'
	fi
}
diag() { echo "# $*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# under_kafka BROKERS ARGS...: run this test again under a private Kafka of BROKERS brokers
# (scripts/with-kafka), unless it runs under one already; "skip" when Kafka cannot be had
under_kafka() {
	[ -n "${KAFKA_RUN_DIR:-}" ] && return 0
	_uk_n=$1
	shift
	"$TOP/scripts/with-kafka" -n "$_uk_n" bash "$0" "$@"
	_uk_rc=$?
	[ "$_uk_rc" = 3 ] && skip_all "Kafka not available (scripts/with-kafka exit 3)"
	exit "$_uk_rc"
}
done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }

# ch SQL: run a query on the test server, TabSeparated out; fails on an HTTP error
ch() {
	curl -sS --fail-with-body "${CLICKHOUSE_URL:?no ClickHouse: run under scripts/with-clickhouse}" --data-binary "$1"
}
