#!/usr/bin/env bash
# Tracking (issues 6 and 12), counted in instructions instead of seconds.
#
# The same bulk INSERT and UPDATE (mark paid) of 100k invoices as
# bench_dunning.sh: tracked table against the floor (untracked table + the
# same rows the trigger writes, written set-based into bare copies of
# ar_credit.receivable and ar_credit.dunning_queue); also the 0.2.0 floor
# (the queue rows only), an expression mapping with a filter (mapped as the
# table's owner first), and a related table (100k payments, each
# re-evaluating its invoice) against the untracked payments table.
# The copies hold what the mirror and the queue hold when each statement
# runs (this bench tracks three tables: 100k rows before the INSERT, 300k
# before the UPDATE), so that both write into indexes of the same size; the
# floor's UPDATE finds the measured table's rows by source, as the trigger
# must.  (Until 2026-12-05 the copies held only the measured table's rows.)
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
CREATE TABLE inv_expr (LIKE inv_plain INCLUDING ALL)
SELECT ar_credit.track('inv_expr', 'no', 'coalesce(due, current_date)', 'amount * 1', 'status', 'cust', filter => 'status IS DISTINCT FROM ''proforma''')
CREATE TABLE queue_copy (LIKE ar_credit.dunning_queue INCLUDING ALL)
CREATE TABLE receivable_copy (LIKE ar_credit.receivable INCLUDING ALL)
CREATE TABLE payment_copy (LIKE ar_credit.payment_event INCLUDING ALL)
INSERT INTO inv_tracked SELECT * FROM src
CREATE TABLE queue_rows AS SELECT * FROM ar_credit.dunning_queue
CREATE TABLE receivable_rows AS SELECT * FROM ar_credit.receivable
CREATE TABLE payment_rows AS SELECT r.id AS receivable_id, r.source, r.item_key AS invoice_key, r.customer_key, r.amount, r.due_date, current_date AS paid_on, current_date - r.due_date AS days_late, r.currency FROM ar_credit.receivable AS r
TRUNCATE inv_tracked
TRUNCATE ar_credit.dunning_queue
TRUNCATE ar_credit.receivable
CREATE TABLE pay_plain (id int PRIMARY KEY, inv text, amt numeric(12,2))
CREATE INDEX ON pay_plain (inv)
CREATE TABLE pay_rel (LIKE pay_plain INCLUDING ALL)
CREATE TABLE inv_rel (LIKE inv_plain INCLUDING ALL)
SELECT ar_credit.track('inv_rel', 'no', 'due', 'amount - coalesce((SELECT sum(p.amt) FROM pay_rel AS p WHERE p.inv = inv_rel.no), 0)', 'status', 'cust')
SELECT ar_credit.track_related('pay_rel', 'inv_rel', 'inv')
INSERT INTO inv_rel SELECT * FROM src
CREATE TABLE pay_src AS SELECT i AS id, 'INV-' || i AS inv, 10.00 AS amt FROM generate_series(1, $N) AS i
INSERT INTO queue_copy OVERRIDING SYSTEM VALUE SELECT * FROM ar_credit.dunning_queue
INSERT INTO receivable_copy OVERRIDING SYSTEM VALUE SELECT * FROM ar_credit.receivable
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
i_expr=$(net "INSERT INTO inv_expr SELECT * FROM src")
i_qcopy=$(net "INSERT INTO queue_copy OVERRIDING SYSTEM VALUE SELECT * FROM queue_rows")
i_rcopy=$(net "INSERT INTO receivable_copy OVERRIDING SYSTEM VALUE SELECT * FROM receivable_rows")
i_copy=$((i_qcopy + i_rcopy))
p_plain=$(net "INSERT INTO pay_plain SELECT * FROM pay_src")
p_rel=$(net "INSERT INTO pay_rel SELECT * FROM pay_src")
single >/dev/null <<SQL
INSERT INTO inv_plain SELECT * FROM src
INSERT INTO inv_tracked SELECT * FROM src
INSERT INTO inv_expr SELECT * FROM src
INSERT INTO queue_copy OVERRIDING SYSTEM VALUE SELECT * FROM queue_rows
INSERT INTO receivable_copy OVERRIDING SYSTEM VALUE SELECT * FROM receivable_rows
INSERT INTO queue_copy OVERRIDING SYSTEM VALUE SELECT * FROM ar_credit.dunning_queue WHERE source = 'inv_expr'::regclass
INSERT INTO receivable_copy OVERRIDING SYSTEM VALUE SELECT * FROM ar_credit.receivable WHERE source = 'inv_expr'::regclass
VACUUM ANALYZE
SQL
u_plain=$(net "UPDATE inv_plain SET status = 'paid'")
u_tracked=$(net "UPDATE inv_tracked SET status = 'paid'")
u_expr=$(net "UPDATE inv_expr SET status = 'paid'")
u_qcopy=$(net "UPDATE queue_copy SET state = 'cancelled', claimed_until = NULL, updated_at = now() WHERE state IN ('pending', 'claimed', 'suspended') AND source = 'inv_tracked'::regclass")
u_rcopy=$(net "UPDATE receivable_copy SET status = 'paid', class = 'paid', paid_on = current_date, prev_class = class, prev_due = due_date, updated_at = now() WHERE source = 'inv_tracked'::regclass")
u_pcopy=$(net "INSERT INTO payment_copy (receivable_id, source, invoice_key, customer_key, amount, due_date, paid_on, days_late, currency) SELECT * FROM payment_rows")
u_copy=$((u_qcopy + u_rcopy + u_pcopy))

m() { awk -v a="$1" 'BEGIN{printf "%.0f", a / 1e6}'; }
r() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; }
echo "instructions (callgrind, millions; $N invoices, each statement alone in a single-user backend)"
echo "INSERT: untracked $(m "$i_plain") | tracked $(m "$i_tracked") | floor $(m $((i_plain + i_copy))) (untracked + $(m "$i_rcopy") receivables + $(m "$i_qcopy") queue rows copied)"
echo "UPDATE: untracked $(m "$u_plain") | tracked $(m "$u_tracked") | floor $(m $((u_plain + u_copy))) (untracked + $(m "$u_rcopy") receivables + $(m "$u_qcopy") queue rows updated + $(m "$u_pcopy") payments recorded)"
echo "instruction ratio tracked / floor INSERT: $(r "$i_tracked" $((i_plain + i_copy)))   UPDATE: $(r "$u_tracked" $((u_plain + u_copy)))  (target <= 1.25)"
echo "  against the 0.2.0 floor (queue rows only) INSERT: $(r "$i_tracked" $((i_plain + i_qcopy)))   UPDATE: $(r "$u_tracked" $((u_plain + u_qcopy)))"
echo "  UPDATE against the floor without the payments recorded: $(r "$u_tracked" $((u_plain + u_qcopy + u_rcopy)))"
echo "  tracked / untracked INSERT: $(r "$i_tracked" "$i_plain")   UPDATE: $(r "$u_tracked" "$u_plain")"
echo "expression mapping + filter / floor INSERT: $(r "$i_expr" $((i_plain + i_copy)))   UPDATE: $(r "$u_expr" $((u_plain + u_copy)))   (/ plain column mapping: $(r "$i_expr" "$i_tracked"), $(r "$u_expr" "$u_tracked"))"
echo "related table: $N payments re-evaluating their invoices $(m "$p_rel") | untracked payments $(m "$p_plain") | ratio $(r "$p_rel" "$p_plain")"
