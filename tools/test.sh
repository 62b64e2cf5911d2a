#!/usr/bin/env bash
# Runs every ar_credit test in a throwaway cluster:
#   C unit tests of the pure core, pg_regress (sql/ + expected/),
#   isolation specs (specs/), pgTAP (test/*.sql via pg_prove) and the
#   documentation examples (doc/*.md).
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
unit_pass=$(( unit_pass + $(grep -c '^ok ' "$unit_log" || true) ))
rm -f "$unit_log"

ar_with_cluster_lock pg_virtualenv "${venv_opts[@]}" tools/run-cluster-tests.sh "$unit_pass"
