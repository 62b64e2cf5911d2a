#!/usr/bin/env bash
# Runs inside a throwaway cluster (pg_virtualenv, started by tools/test.sh;
# tools/sanitize-check.sh runs it against its own server): every test that
# needs a server, each a step of tools/common.sh's tally:
#   pg_regress (sql/*.sql + expected/), the isolation specs (specs/*.spec),
#   each pgTAP file test/*.sql (pg_prove), each shell test test/*.sh (TAP),
#   the BI drivers (test/drivers/run.sh),
#   the documentation's examples and its coverage of the extension's objects.
# New files in sql/, specs/ and test/ are picked up without being listed.
#
# With $AR_RESULTS set (tools/test.sh) the steps are appended to that file and
# the caller prints the tally; run on its own, this script prints it: one line
# per step, then "tests: N passed, M failed".  Exits 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
source tools/common.sh
ar_locale
own_results=
[ -n "${AR_RESULTS:-}" ] || own_results=1
ar_results_init

# pg_regress's report of failures
show_diffs() {
    local f
    for f in regression.diffs output_iso/regression.diffs; do
        [ -s "$f" ] && head -200 "$f"
    done
    return 0
}

# pg_regress and the isolation tester, driven by PGXS installcheck; each runs
# on its own so that a failure of one does not hide the other
rm -f regression.diffs output_iso/regression.diffs
if ls sql/*.sql >/dev/null 2>&1; then
    ar_step "pg_regress (sql/)" make -s installcheck ISOLATION= PGUSER="${PGUSER:-postgres}"
fi
if ls specs/*.spec >/dev/null 2>&1; then
    ar_step "isolation (specs/)" make -s installcheck REGRESS= PGUSER="${PGUSER:-postgres}"
fi
show_diffs

# pgTAP: one step per file, so that a file stopping half-way shows its name
# and the tests it never ran
if ls test/*.sql >/dev/null 2>&1; then
    if psql -X -q -c 'CREATE EXTENSION IF NOT EXISTS pgtap' postgres >/dev/null; then
        for f in test/*.sql; do
            ar_step "pgTAP $f" pg_prove --verbose -d postgres "$f"
        done
    else
        ar_step_failed "pgTAP (test/*.sql)" "CREATE EXTENSION pgtap failed"
    fi
fi

# shell tests (dump/restore, upgrade, worker, ...): each prints TAP
for f in test/*.sh; do
    [ -e "$f" ] || continue
    ar_step "$f" bash "$f"
done

# the BI drivers (pgjdbc, SQLAlchemy/psycopg2, psycopg 3, node-postgres, the
# aging chart) as a reader with ar_credit off the search_path
if [ -f test/drivers/run.sh ]; then
    ar_step "test/drivers/run.sh" bash test/drivers/run.sh
fi

# documentation examples (doc/*.md and the README's tour): each SQL block's
# output must match; coverage: every object, column, role and GUC of the
# extension is named in doc/*.md
if ls doc/*.md >/dev/null 2>&1; then
    ar_step "doc examples (tools/doc-examples.pl)" perl tools/doc-examples.pl doc/*.md README.md
    ar_step "doc coverage (tools/doc-coverage.pl)" perl tools/doc-coverage.pl doc/*.md
fi

if [ -n "$own_results" ]; then
    rc=0
    ar_summary || rc=1
    rm -f "$AR_RESULTS"
    exit $rc
fi
# tools/test.sh checks that the cluster steps got to the end
printf 'cluster steps done\n' > "$AR_RESULTS.done"
