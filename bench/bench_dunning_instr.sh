#!/usr/bin/env bash
# Dunning (issue 6), counted in instructions instead of seconds.
#
# The same bulk INSERT and UPDATE (mark paid) of 100k invoices as
# bench_dunning.sh: tracked table against the floor (untracked table + the
# same queue rows written set-based into a bare copy of dunning_queue).
# Each statement runs alone in a single-user backend under valgrind's
# callgrind, which counts the instructions it executes: the count does not
# depend on what else the machine is doing, so the ratio is repeatable on a
# shared machine where wall-clock ratios drift by +-10 %.  A backend that
# only runs "SELECT 1" is subtracted from each count (start-up and shutdown).
#
# Needs valgrind.  Runs its own throwaway data directory, not the cluster
# bench/run starts (single-user mode needs the data directory to itself).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_DUNNING_ROWS:-100000}
command -v valgrind >/dev/null || { echo "valgrind not installed: skipped"; exit 0; }
bindir=$(pg_config --bindir)
pkglib=$(pg_config --pkglibdir)
stage=${AR_CREDIT_STAGE:-$PWD/tmp_install}
work=$(mktemp -d)
runas=()
if [ "$(id -u)" = 0 ]; then chown postgres "$work"; runas=(runuser -u postgres --); fi
trap 'rm -rf "$work"' EXIT

"${runas[@]}" "$bindir/initdb" -D "$work/data" -A trust >/dev/null
cat >> "$work/data/postgresql.conf" <<CONF
shared_buffers = 1GB
work_mem = 64MB
jit = off
max_parallel_workers_per_gather = 0
max_wal_size = 8GB
CONF
# the staged install (tools/test.sh with AR_CREDIT_STAGING=1, bench/run), else the system one
if [ -f "$stage$pkglib/ar_credit.so" ]; then
    echo "extension_destdir = '$stage'" >> "$work/data/postgresql.conf"
    echo "dynamic_library_path = '$stage$pkglib:\$libdir'" >> "$work/data/postgresql.conf"
fi

single() { "${runas[@]}" "$bindir/postgres" --single -D "$work/data" postgres 2>"$work/single.log" || { cat "$work/single.log" >&2; exit 1; }; }

single >/dev/null <<SQL
CREATE EXTENSION ar_credit
CREATE TABLE src AS SELECT 'INV-' || i AS no, (i % 500) AS cust, current_date + (i % 90) - 30 AS due, round((100 + (i % 1000) * 7.31)::numeric, 2) AS amount, 'open'::text AS status FROM generate_series(1, $N) AS i
CREATE TABLE inv_plain (no text PRIMARY KEY, cust int, due date, amount numeric(12,2), status text)
CREATE TABLE inv_tracked (LIKE inv_plain INCLUDING ALL)
SELECT ar_credit.track('inv_tracked', 'no', 'due', 'amount', 'status', 'cust')
CREATE TABLE queue_copy (LIKE ar_credit.dunning_queue INCLUDING ALL)
INSERT INTO inv_tracked SELECT * FROM src
CREATE TABLE queue_rows AS SELECT * FROM ar_credit.dunning_queue
TRUNCATE inv_tracked
TRUNCATE ar_credit.dunning_queue
VACUUM ANALYZE
CHECKPOINT
SQL

# instructions of one statement, run in BEGIN ... ROLLBACK after a CHECKPOINT
count() {
    local out="$work/cg.out"
    printf 'CHECKPOINT\nBEGIN\n%s\nROLLBACK\n' "$1" > "$work/q.sql"
    "${runas[@]}" valgrind --tool=callgrind --callgrind-out-file="$out" \
        "$bindir/postgres" --single -D "$work/data" postgres < "$work/q.sql" > "$work/log" 2>&1
    if grep -q ' ERROR: ' "$work/log"; then grep ' ERROR: ' "$work/log" >&2; exit 1; fi
    sed -nE 's/^summary: ([0-9]+).*/\1/p' "$out"
}
base=$(count "SELECT 1")
net() { echo $(( $(count "$1") - base )); }

i_plain=$(net "INSERT INTO inv_plain SELECT * FROM src")
i_tracked=$(net "INSERT INTO inv_tracked SELECT * FROM src")
i_copy=$(net "INSERT INTO queue_copy OVERRIDING SYSTEM VALUE SELECT * FROM queue_rows")
single >/dev/null <<SQL
INSERT INTO inv_plain SELECT * FROM src
INSERT INTO inv_tracked SELECT * FROM src
INSERT INTO queue_copy OVERRIDING SYSTEM VALUE SELECT * FROM queue_rows
VACUUM ANALYZE
SQL
u_plain=$(net "UPDATE inv_plain SET status = 'paid'")
u_tracked=$(net "UPDATE inv_tracked SET status = 'paid'")
u_copy=$(net "UPDATE queue_copy SET state = 'cancelled', settled = true, updated_at = now() WHERE NOT settled")

m() { awk -v a="$1" 'BEGIN{printf "%.0f", a / 1e6}'; }
r() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; }
echo "instructions (callgrind, millions; $N invoices, each statement alone in a single-user backend)"
echo "INSERT: untracked $(m "$i_plain") | tracked $(m "$i_tracked") | floor $(m $((i_plain + i_copy))) (untracked + $(m "$i_copy") queue copy)"
echo "UPDATE: untracked $(m "$u_plain") | tracked $(m "$u_tracked") | floor $(m $((u_plain + u_copy))) (untracked + $(m "$u_copy") queue copy)"
echo "instruction ratio tracked / floor INSERT: $(r "$i_tracked" $((i_plain + i_copy)))   UPDATE: $(r "$u_tracked" $((u_plain + u_copy)))  (target <= 1.25)"
