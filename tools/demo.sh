#!/usr/bin/env bash
# Installs what is missing, builds and installs ar_credit, then runs a short
# demo in a throwaway PostgreSQL cluster (pg_virtualenv).
#   AR_CREDIT_STAGING=1 tools/demo.sh   install into ./tmp_install instead of the system
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup-debian.sh
export PG_CONFIG=${PG_CONFIG:-pg_config}
PGV=$($PG_CONFIG --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
make -s all

venv_opts=(-v "$PGV" -t)
if [ -n "${AR_CREDIT_STAGING:-}" ]; then
    rm -rf tmp_install
    make -s install DESTDIR="$PWD/tmp_install" >/dev/null
    venv_opts+=(-o "extension_destdir=$PWD/tmp_install")
else
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO make -s install >/dev/null
fi

# pg_virtualenv clusters run by root share a name and a socket directory:
# one at a time on this machine
exec 9>/tmp/ar_credit-pg_virtualenv.lock
flock 9
pg_virtualenv "${venv_opts[@]}" psql -X -q -v ON_ERROR_STOP=1 -P pager=off -f tools/demo.sql
