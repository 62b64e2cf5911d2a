#!/usr/bin/env bash
# Runs the cluster test suite (tools/run-cluster-tests.sh: pg_regress,
# isolation, pgTAP, dump/restore, doc examples) against the module built with
# ASan+UBSan (make SANITIZE=1), in a throwaway cluster.
#
#   tools/sanitize-check.sh        (root or any user; root runs the server as postgres)
#
# PostgreSQL itself is not instrumented, so the ASan runtime is put in front
# of it with LD_PRELOAD (ASan must be the first library of the process to
# load an instrumented module), followed by tools/asan_preload_init.c, without
# which the preloaded runtime makes postgres hang at start on Debian 12 (see
# that file); the UBSan runtime comes in with the module.  Only the server
# gets them: the clients
# (psql, pg_regress, pg_dump) run as usual.  Leak detection is off: backends
# leave their memory contexts to process exit by design, so every exiting
# process would report.  ASan stops the backend at the first error (the test
# that ran it fails); UBSan reports and goes on.  All reports are written to
# files, one per process, which this script prints and counts at the end.
#
# The build happens in a private copy of the tree, so the sanitized objects
# never mix with the normal build (tools/test.sh, CI) of this work tree.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source tools/common.sh
ar_env
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PGVERSION/bin/pg_config}
bindir=$($PG_CONFIG --bindir)

tools/setup-debian.sh

work=$(mktemp -d /tmp/ar_credit-sanitize.XXXXXX)
chmod 755 "$work"
server_user=""
[ "$(id -u)" -eq 0 ] && server_user=postgres
as_server() { if [ -n "$server_user" ]; then runuser -u "$server_user" -- "$@"; else "$@"; fi; }
cleanup() {
    as_server "$bindir/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
    [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

# ---- build and install the sanitized module into $work/install ----------
mkdir "$work/tree"
tar -C "$root" --exclude=./.git --exclude=./tmp_install --exclude=./fuzz/work \
    --exclude='*.o' --exclude='*.so' --exclude='*.bc' --exclude='*.bin' -cf - . |
    tar -C "$work/tree" -xf -
make -s -C "$work/tree" SANITIZE=1 all
make -s -C "$work/tree" SANITIZE=1 install DESTDIR="$work/install" >/dev/null
so=$(find "$work/install" -name ar_credit.so)
if ! nm -D "$so" | grep -c __asan_init >/dev/null; then
    echo "sanitize-check: $so is not instrumented" >&2
    exit 1
fi

# the runtimes the module was linked against (gcc's, as PGXS builds with gcc)
cc=$($PG_CONFIG --cc | awk '{print $1}')
asan_rt=$(readlink -f "$($cc -print-file-name=libasan.so)")
$cc -shared -fPIC -O1 -o "$work/asan_preload_init.so" tools/asan_preload_init.c "$asan_rt" -ldl

# ---- a throwaway cluster on a private socket --------------------------------
mkdir "$work/sock" "$work/reports" "$work/data"
chmod 700 "$work/data"
[ -z "$server_user" ] || chown "$server_user" "$work/sock" "$work/reports" "$work/data"
as_server "$bindir/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
cat >> "$work/data/postgresql.conf" <<EOF
listen_addresses = ''
port = $port
unix_socket_directories = '$work/sock'
extension_destdir = '$work/install'
EOF
as_server env \
    LD_PRELOAD="$asan_rt $work/asan_preload_init.so" \
    ASAN_OPTIONS="detect_leaks=0:log_path=$work/reports/asan:print_summary=1:detect_odr_violation=0" \
    UBSAN_OPTIONS="print_stacktrace=1:log_path=$work/reports/ubsan" \
    "$bindir/pg_ctl" -D "$work/data" -l "$work/reports/server.log" -w start >/dev/null
as_server env LD_PRELOAD= "$bindir/psql" -X -q -h "$work/sock" -p "$port" -U postgres -d postgres \
    -Atc "SELECT 'server ' || current_setting('server_version') || ' up, sanitizer runtime preloaded'"

# ---- the suite ---------------------------------------------------------------
export PGHOST="$work/sock" PGPORT=$port PGUSER=postgres PGDATABASE=postgres
rc=0
(cd "$work/tree" && tools/run-cluster-tests.sh 0) || rc=$?

# a quick extra load on the C paths the suite exercises least: many rows
# through the due-date memo, long formulas through max_term_days; and proof
# that the backend runs the instrumented module from $work/install
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || rc=1
CREATE EXTENSION IF NOT EXISTS ar_credit;
WITH t AS MATERIALIZED (
  SELECT x::ar_credit.payment_terms AS terms
    FROM unnest(ARRAY['30D', '45D+CM', '45 jours fin de mois le 10', 'CW+1W', '2/10 net 30',
                      '30% 15D, 70% 45D', 'CQ+1M-10D', '-4Y+CW']) x)
SELECT count(ar_credit.due_date(terms, date '2000-01-01' + g))
  FROM t, generate_series(1, 20000) g;
SELECT ar_credit.max_term_days(x::ar_credit.payment_terms)
  FROM unnest(ARRAY['100Y', '9999Y+9999Y-9999Y', 'CW+CM+CQ+CY+D31']) x;
SQL
if psql -X -At -c "SELECT ar_credit.max_term_days('30D'); SELECT pg_read_file('/proc/self/maps')" |
        grep -c "$work/install/.*ar_credit.so" >/dev/null; then
    echo "backend maps the sanitized module from $work/install"
else
    echo "sanitize-check: the backend did not load the sanitized module" >&2
    rc=1
fi

as_server "$bindir/pg_ctl" -D "$work/data" -m fast stop >/dev/null || rc=1

# ---- reports -----------------------------------------------------------------
nasan=$(cat "$work"/reports/asan.* 2>/dev/null | grep -c 'ERROR: AddressSanitizer' || true)
nubsan=$(cat "$work"/reports/ubsan.* "$work"/reports/asan.* 2>/dev/null | grep -c 'runtime error' || true)
for f in "$work"/reports/asan.* "$work"/reports/ubsan.*; do
    [ -e "$f" ] || continue
    echo "---- $f"; head -60 "$f"
done
crashes=$(grep -cE 'terminated by signal|server process .* was terminated' "$work/reports/server.log" || true)
echo "sanitize-check: ASan errors: $nasan, UBSan reports: $nubsan, backend crashes: $crashes, suite rc: $rc"
[ "$rc" -eq 0 ] && [ "$nasan" -eq 0 ] && [ "$nubsan" -eq 0 ] && [ "$crashes" -eq 0 ]
