#!/usr/bin/env bash
# Self-test of the test runner's tally (tools/common.sh: ar_count, ar_step,
# ar_step_failed, ar_summary) on made-up steps, run by tools/test.sh.  Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/.."
source tools/common.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0; failed=0
is() {  # is GOT EXPECTED DESCRIPTION
    n=$((n + 1))
    if [ "$1" = "$2" ]; then echo "ok $n - $3"
    else failed=$((failed + 1)); echo "not ok $n - $3"; echo "#   got '$1', expected '$2'"; fi
}
count() { printf '%s\n' "$@" > "$tmp/log"; ar_count "$tmp/log"; }

is "$(count '1..3' 'ok 1 - a' 'ok 2 - b' 'ok 3 - c')" "3 0 0" "TAP: all passed"
is "$(count '1..3' 'ok 1 - a' 'not ok 2 - b' 'ok 3 - c')" "2 1 0" "TAP: one failed"
is "$(count '1..5' 'ok 1 - a' 'ok 2 - b')" "2 0 3" "TAP: stopped after 2 of 5 planned: 3 not run"
is "$(count 'ok 1 - a' 'ok 2 - b' '1..2')" "2 0 0" "TAP: plan at the end"
is "$(count '1..2' 'ok 1 - a' 'ok 2 - b' '1..3' 'ok 1 - c')" "3 0 2" "TAP: two streams, the second stopped"
is "$(count 'test 00_dates                     ... ok           78 ms' \
            '     10_terms                     ... FAILED       51 ms' \
            'test 20_aging                     ... ok          155 ms')" "2 1 0" "pg_regress of PostgreSQL 15"
is "$(count 'ok 1         - 00_dates                                  12 ms' \
            'not ok 2     - 10_terms                                  20 ms' '1..2')" "1 1 0" "pg_regress of PostgreSQL 16+"

AR_RESULTS=$tmp/results
: > "$AR_RESULTS"
passing() { echo '1..2'; echo 'ok 1 - a'; echo 'ok 2 - b'; }
dying() { echo '1..4'; echo 'ok 1 - a'; echo 'ERROR: boom'; return 3; }
silent_failure() { echo 'something went wrong'; return 2; }
ar_step "passing" passing > "$tmp/out1"
ar_step "dying" dying > "$tmp/out2"
ar_step "silent failure" silent_failure > "$tmp/out3"
ar_step_failed "never ran" "could not start" > "$tmp/out4"
is "$(cut -f1-4 "$AR_RESULTS" | tr '\t\n' ' ;')" \
   "passing 2 0 0;dying 1 1 3;silent failure 0 1 0;never ran 0 1 0;" "ar_step records passed, failed, not run"
is "$(grep -c '^ok 1 - a' "$tmp/out1")" "0" "passing TAP lines are not echoed"
is "$(grep -c 'ERROR: boom' "$tmp/out2")" "1" "anything else is echoed"
is "$(grep -c '^not ok - dying did not complete (stopped before 3 planned tests, exit status 3)' "$tmp/out2")" "1" \
   "a step that stops says so"
ar_summary > "$tmp/summary"
is "$?" "1" "ar_summary fails when something failed"
is "$(tail -1 "$tmp/summary")" "tests: 3 passed, 3 failed, 3 not run" "the last line is the tally"
: > "$AR_RESULTS"
ar_step "passing" passing > /dev/null
ar_summary > "$tmp/summary"
is "$?" "0" "ar_summary passes when all passed"
is "$(tail -1 "$tmp/summary")" "tests: 2 passed, 0 failed" "the tally of a clean run"
: > "$AR_RESULTS"
ar_summary > "$tmp/summary"
is "$(tail -1 "$tmp/summary")" "tests: 0 passed, 1 failed" "no step at all is a failure"

echo "1..$n"
[ "$failed" -eq 0 ]
