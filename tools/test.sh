#!/usr/bin/env bash
# Runs every ar_credit test in a throwaway cluster:
#   C unit tests of the pure core, pg_regress (sql/ + expected/),
#   isolation specs (specs/), pgTAP (test/*.sql via pg_prove), dump/restore,
#   the upgrade path, the documentation (examples and coverage), the worker,
#   META.json and, with AR_CREDIT_TEST_DEBIAN=1 (CI), the Debian package.
#
#   tools/test.sh              install into the system PostgreSQL (root or sudo)
#   AR_CREDIT_STAGING=1 tools/test.sh
#                              install into ./tmp_install instead and point the
#                              throwaway cluster at it (Debian's extension_destdir),
#                              so several work trees can test side by side
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/common.sh

tools/setup-debian.sh
ar_build_install

unit_log=$(mktemp)
make -s unittest | tee "$unit_log"
unit_pass=$(grep -c '^ok ' "$unit_log" || true)
# META.json against the PGXN spec and the tree (and the checker against itself)
{ python3 tools/check-meta.py && python3 tools/check-meta.py --self-test; } | tee "$unit_log"
pkg_pass=$(grep -c '^ok ' "$unit_log" || true)
# the Debian package: built, inspected, installed, tested and purged (root;
# CI sets AR_CREDIT_TEST_DEBIAN=1, a developer's run leaves dpkg alone)
if [ "${AR_CREDIT_TEST_DEBIAN:-0}" = 1 ]; then
    tools/test-debian.sh | tee "$unit_log"
    pkg_pass=$(( pkg_pass + $(grep -c '^ok ' "$unit_log" || true) ))
fi
rm -f "$unit_log"

ar_with_cluster_lock pg_virtualenv "${venv_opts[@]}" tools/run-cluster-tests.sh "$unit_pass" "$pkg_pass"
