# shellcheck shell=sh
# tests/tap.sh: the TAP helpers every shell test shares (POSIX sh: bash,
# dash and the guest's busybox sh).  Source it, then write one stream:
#
#   tap_begin                  "TAP version 13"; the counters start at zero
#   ok DESCRIPTION             a passing test: "ok N - DESCRIPTION"
#   not_ok DESCRIPTION         a failing test: "not ok N - DESCRIPTION"
#   skip DESCRIPTION WHY       a skipped test: "ok N - DESCRIPTION # SKIP WHY"
#   check DESCRIPTION CMD...   ok if CMD succeeds, not_ok if it fails
#   tap_relay FILE             the results in FILE ("ok - D", "not ok - D",
#                              "ok - D # SKIP WHY": another run's, as
#                              tests/packages/autopkgtest-tap prints them)
#                              as tests of this stream
#   diag TEXT                  a diagnostic line, "# TEXT"
#   ... | diag                 what a failing test saw: each line as "#   LINE"
#   plan                       the plan, "1..N", after the last test
#   tap_end                    plan; fails (status 1) if a test failed
#   tap_summary                "N passed, N failed[, N skipped]"; fails if
#                              a test failed
#
# Counting results belongs to automake's tap-driver.sh wherever a stream is
# graded by it (tests/grade-tap): such scripts end with plan or tap_end and
# never print a summary of their own.  tap_summary is for the few streams
# nothing grades (the autopkgtests, a runner that stops before its tests).
# Every function returns 0 under set -eu except tap_end and tap_summary.

tap_n=0
tap_failed=0
tap_skipped=0

tap_begin() {
	tap_n=0 tap_failed=0 tap_skipped=0
	echo "TAP version 13"
}

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

skip() {
	tap_n=$((tap_n + 1))
	tap_skipped=$((tap_skipped + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

check() {
	tap_what=$1
	shift
	if "$@"; then ok "$tap_what"; else not_ok "$tap_what"; fi
}

tap_relay() {
	while IFS= read -r tap_line; do
		case $tap_line in
		"not ok - "*) not_ok "${tap_line#not ok - }" ;;
		"ok - "*" # SKIP "*)
			tap_line=${tap_line#ok - }
			skip "${tap_line%% # SKIP *}" "${tap_line#* # SKIP }" ;;
		"ok - "*) ok "${tap_line#ok - }" ;;
		esac
	done < "$1"
}

diag() {
	if [ $# -gt 0 ]; then
		echo "# $*"
	else
		sed 's/^/#   /'
	fi
}

plan() {
	echo "1..$tap_n"
}

tap_end() {
	plan
	[ "$tap_failed" -eq 0 ]
}

tap_summary() {
	if [ "$tap_skipped" -gt 0 ]; then
		echo "$((tap_n - tap_failed - tap_skipped)) passed, $tap_failed failed, $tap_skipped skipped"
	else
		echo "$((tap_n - tap_failed)) passed, $tap_failed failed"
	fi
	[ "$tap_failed" -eq 0 ]
}
