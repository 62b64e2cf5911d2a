#!/usr/bin/env bash
# Runs every ar_credit test:
#   C unit tests of the pure core, the runner's own tally, META.json and, with
#   AR_CREDIT_TEST_DEBIAN=1 (CI), the Debian package; then in a throwaway
#   cluster (pg_virtualenv, tools/run-cluster-tests.sh) pg_regress (sql/ +
#   expected/), isolation specs (specs/), pgTAP (test/*.sql), the shell tests
#   (test/*.sh: dump/restore, upgrade, worker), the documentation (examples
#   and coverage).
#
#   tools/test.sh              install into the system PostgreSQL (root or sudo)
#   AR_CREDIT_STAGING=1 tools/test.sh
#                              install into ./tmp_install instead and point the
#                              throwaway cluster at it (Debian's extension_destdir),
#                              so several work trees can test side by side
#   PGVERSION=17 tools/test.sh the PostgreSQL major to use (default: the newest
#                              installed, else the one the Debian release ships)
#
# Any locale, or none: the scripts and the cluster run in C.UTF-8.  Every step
# is counted, including one that cannot run; the last line is
# "tests: N passed, M failed" and the exit status is 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
source tools/common.sh
ar_env || { echo "tests: 0 passed, 1 failed"; exit 1; }
tools/setup-debian.sh || { echo "tools/setup-debian.sh failed"; echo "tests: 0 passed, 1 failed"; exit 1; }
echo "# PostgreSQL $PGVERSION, locale $LC_ALL"
ar_results_init
trap 'rm -f "$AR_RESULTS" "$AR_RESULTS.done"' EXIT

ar_step "C unit tests (make unittest)" make -s unittest
ar_step "runner self-test (tools/runner-selftest.sh)" tools/runner-selftest.sh
# META.json against the PGXN spec and the tree (and the checker against itself)
ar_step "META.json (tools/check-meta.py)" python3 tools/check-meta.py
ar_step "META.json checker self-test" python3 tools/check-meta.py --self-test
# the Debian package: built, inspected, installed, tested and purged (root;
# CI sets AR_CREDIT_TEST_DEBIAN=1, a developer's run leaves dpkg alone)
if [ "${AR_CREDIT_TEST_DEBIAN:-0}" = 1 ]; then
    ar_step "Debian package (tools/test-debian.sh)" tools/test-debian.sh
fi

if ! ar_build_install; then
    ar_step_failed "build and install" "make failed: no cluster test could run"
else
    rc=0
    ar_with_cluster_lock pg_virtualenv "${venv_opts[@]}" tools/run-cluster-tests.sh || rc=$?
    if [ ! -f "$AR_RESULTS.done" ]; then
        ar_step_failed "cluster tests (pg_virtualenv)" \
            "stopped before the end (exit status $rc): the steps not listed above did not run"
    fi
fi
echo
ar_summary
