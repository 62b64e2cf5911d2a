#!/usr/bin/env bash
# Installs what is missing, builds and installs ar_credit, then runs a short
# demo in a throwaway PostgreSQL cluster (pg_virtualenv).
#   AR_CREDIT_STAGING=1 tools/demo.sh   install into ./tmp_install instead of the system
#   PGVERSION=17 tools/demo.sh          the PostgreSQL major (default: the newest
#                                       installed, else the one Debian ships)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/common.sh
ar_env
echo "# PostgreSQL $PGVERSION, locale $LC_ALL"

tools/setup-debian.sh
ar_build_install
ar_with_cluster_lock pg_virtualenv "${venv_opts[@]}" psql -X -q -v ON_ERROR_STOP=1 -P pager=off -f tools/demo.sql
