#!/usr/bin/env bash
# Runs every ar_credit test in a throwaway cluster:
#   C unit tests of the pure core, pg_regress (sql/ + expected/),
#   isolation specs (specs/), and pgTAP (test/*.sql via pg_prove).
#
#   tools/test.sh              install into the system PostgreSQL (root or sudo)
#   AR_CREDIT_STAGING=1 tools/test.sh
#                              install into ./tmp_install instead and point the
#                              throwaway cluster at it (Debian's extension_destdir),
#                              so several work trees can test side by side
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup-debian.sh
export PG_CONFIG=${PG_CONFIG:-pg_config}
PGV=$($PG_CONFIG --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')

make -s all
make -s unittest | tee /tmp/ar_credit-unit.$$ 
unit_pass=$(grep -c '^ok ' /tmp/ar_credit-unit.$$ || true)
rm -f /tmp/ar_credit-unit.$$

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
pg_virtualenv "${venv_opts[@]}" tools/run-cluster-tests.sh "$unit_pass"
