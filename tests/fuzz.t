#!/bin/sh
# fuzz.t: the libFuzzer harnesses of tests/fuzz/ (mk/fuzz.mk), built with clang under ASan+UBSan:
#   1. each over its seeds (tests/fuzz/corpus/NAME, and run/fuzz/seeds/NAME made by
#      tests/fuzz/mkseeds, several-MB ones included): no crash, open bugs of
#      tests/fuzz/known-bugs passed over (FUZZ_KNOWN);
#   2. each reproducer tests/fuzz/crashers/NAME-BUG, without FUZZ_KNOWN: passes once BUG is
#      fixed; a TODO test while BUG is listed in known-bugs;
#   3. a short fuzz run of each, two at a time: FUZZ_SECONDS (30 under CI=true, else 10) each,
#      then FUZZ_BIGSECONDS (10 under CI, else 5) with lines of several MB for the line readers.
# Skipped without clang and its libFuzzer runtime, or without jansson's header.
. "$(dirname "$0")/lib.sh"

command -v clang >/dev/null 2>&1 || skip_all "no clang (apt-get install clang libclang-rt-14-dev)"
[ -f /usr/include/jansson.h ] || skip_all "no jansson.h (apt-get install libjansson-dev)"
command -v python3 >/dev/null 2>&1 || skip_all "no python3 (for the generated seeds)"
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$T/t.c"
clang -fsanitize=fuzzer,address,undefined -o "$T/t" "$T/t.c" >/dev/null 2>&1 ||
	skip_all "clang cannot link -fsanitize=fuzzer (apt-get install libclang-rt-14-dev)"

if [ "${CI:-}" = true ]; then
	secs=${FUZZ_SECONDS:-30} bigsecs=${FUZZ_BIGSECONDS:-10}
else
	secs=${FUZZ_SECONDS:-10} bigsecs=${FUZZ_BIGSECONDS:-5}
fi
names="fuzz_evrow fuzz_json_oracle fuzz_numconv fuzz_tsvrow fuzz_schema fuzz_route fuzz_contact fuzz_lineread fuzz_rowset"
big="fuzz_lineread fuzz_evrow fuzz_json_oracle fuzz_tsvrow"
fz=$TOP/tests/fuzz
known=$(sed -n 's/^\([a-z0-9-][a-z0-9-]*\)	.*/\1/p' "$fz/known-bugs" | tr '\n' ',')

make -s -C "$TOP" -f mk/fuzz.mk fuzz fuzz-seeds >"$T/build.log" 2>&1
st=$?
[ $st -eq 0 ] || sed 's/^/# /' "$T/build.log" | tail -30
ok $st "make fuzz builds the harnesses"
[ $st -eq 0 ] || { done_testing; exit 1; }

# 1. seeds
for h in $names; do
	FUZZ_KNOWN=$known "$fz/bin/$h" -runs=0 -max_len=4194304 -rss_limit_mb=4096 "$fz/corpus/$h" \
		"$TOP/run/fuzz/seeds/$h" "$TOP/run/fuzz/seeds/big/$h" >"$T/$h.seeds.log" 2>&1
	st=$?
	[ $st -eq 0 ] || grep -E 'invariant failed|runtime error|ERROR:|Running:' "$T/$h.seeds.log" | tail -8 | sed 's/^/# /'
	ok $st "$h: its seeds"
done

# 2. reproducers of bugs found
for c in "$fz"/crashers/*; do
	[ -f "$c" ] || continue
	f=${c##*/} h=${c##*/}
	h=${h%%-*}
	bug=${f#*-}
	bug=${bug%%.*}
	"$fz/bin/$h" -rss_limit_mb=4096 "$c" >"$T/crasher.log" 2>&1
	st=$?
	_n=$((_n + 1))
	case ",$known" in
	*",$bug,"*)
		if [ $st -eq 0 ]; then echo "ok $_n - $f # TODO open bug $bug: this reproducer passes (fixed? then out of known-bugs)"
		else echo "not ok $_n - $f # TODO open bug $bug (tests/fuzz/known-bugs)"; fi ;;
	*)
		if [ $st -eq 0 ]; then echo "ok $_n - $f: fixed, stays fixed"
		else
			echo "not ok $_n - $f: crashes again"
			_failed=$((_failed + 1))
			grep -E 'invariant failed|runtime error|ERROR:' -A1 "$T/crasher.log" | head -6 | sed 's/^/# /'
		fi ;;
	esac
done

# 3. a short fuzz run of each; what it finds stays in run/fuzz-t/artifacts
rm -rf "$TOP/run/fuzz-t"
mkdir -p "$TOP/run/fuzz-t"
ln -s "$TOP/run/fuzz/seeds" "$TOP/run/fuzz-t/seeds"
FUZZ_KNOWN=$known sh "$fz/run" "$TOP/run/fuzz-t" "$secs" 2 4194304 "$bigsecs" "$big" $names >"$T/run.out" 2>&1
sed 's/^/# /' "$T/run.out"
for h in $names; do
	for tag in run big; do
		s=$TOP/run/fuzz-t/log/$h.$tag.status
		[ -f "$s" ] || continue
		[ "$(cat "$s")" = 0 ]
		st=$?
		if [ $tag = run ]; then ok $st "$h: $secs s of fuzzing, no crash"
		else ok $st "$h: $bigsecs s of fuzzing with lines of several MB, no crash"; fi
	done
done
done_testing
