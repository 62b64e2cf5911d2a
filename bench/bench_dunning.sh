#!/usr/bin/env bash
# Dunning (issue 6):
#  1. bulk INSERT then UPDATE (mark paid) of 100k invoices on a tracked table,
#     against (a) the untracked table and (b) the floor: the untracked table
#     plus the same receivable and queue rows written set-based into bare
#     copies of ar_credit.receivable and ar_credit.dunning_queue (same
#     indexes, no trigger);
#  2. pgbench, 4 clients claiming and completing batches of reminders;
#     duplicates checked afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${BENCH_DUNNING_ROWS:-100000}
Q=${BENCH_DUNNING_QUEUE:-50000}

psql -X -q <<SQL
CREATE EXTENSION ar_credit;
CREATE TABLE src AS
  SELECT 'INV-' || i AS no, (i % 500) AS cust, current_date + (i % 90) - 30 AS due,
         round((100 + (i % 1000) * 7.31)::numeric, 2) AS amount, 'open'::text AS status
    FROM generate_series(1, $N) AS i;
CREATE TABLE inv_plain (no text PRIMARY KEY, cust int, due date, amount numeric(12,2), status text);
CREATE TABLE inv_tracked (LIKE inv_plain INCLUDING ALL);
SELECT ar_credit.track('inv_tracked', 'no', 'due', 'amount', 'status', 'cust');
CREATE TABLE queue_copy (LIKE ar_credit.dunning_queue INCLUDING ALL);
CREATE TABLE receivable_copy (LIKE ar_credit.receivable INCLUDING ALL);
VACUUM ANALYZE src;
SQL

# Rounds interleave the three statements, so load from elsewhere on the
# machine hits them alike; each runs in BEGIN ... ROLLBACK after a VACUUM (not
# timed) of what the round before left behind and a CHECKPOINT, so none
# inherits another's WAL or full-page writes. Best and median of R rounds.
R=${BENCH_DUNNING_ROUNDS:-15}
# the queue rows the tracked INSERT writes, kept aside to be copied set-based
psql -X -q -c "INSERT INTO inv_tracked SELECT * FROM src" \
     -c "CREATE TABLE queue_rows AS SELECT * FROM ar_credit.dunning_queue" \
     -c "CREATE TABLE receivable_rows AS SELECT * FROM ar_credit.receivable" \
     -c "TRUNCATE inv_tracked" -c "TRUNCATE ar_credit.dunning_queue" -c "TRUNCATE ar_credit.receivable"
queued=$(psql -X -q -At -c "SELECT count(*) FROM queue_rows")
ins_log=$(mktemp); upd_log=$(mktemp)
vac="VACUUM inv_plain, inv_tracked, queue_copy, receivable_copy, ar_credit.dunning_queue, ar_credit.receivable"
for _ in $(seq "$R"); do
    psql -X -q -c "$vac"
    psql -X -q -c CHECKPOINT
    echo "plain $(bench_tx_ms "" "INSERT INTO inv_plain SELECT * FROM src" 1)" >> "$ins_log"
    psql -X -q -c CHECKPOINT
    echo "tracked $(bench_tx_ms "" "INSERT INTO inv_tracked SELECT * FROM src" 1)" >> "$ins_log"
    psql -X -q -c CHECKPOINT
    echo "copy $(bench_tx_ms "" "INSERT INTO queue_copy OVERRIDING SYSTEM VALUE SELECT * FROM queue_rows" 1)" >> "$ins_log"
    psql -X -q -c CHECKPOINT
    echo "rcopy $(bench_tx_ms "" "INSERT INTO receivable_copy OVERRIDING SYSTEM VALUE SELECT * FROM receivable_rows" 1)" >> "$ins_log"
done
psql -X -q -c "INSERT INTO inv_plain SELECT * FROM src" -c "INSERT INTO inv_tracked SELECT * FROM src" \
     -c "INSERT INTO queue_copy OVERRIDING SYSTEM VALUE SELECT * FROM queue_rows" \
     -c "INSERT INTO receivable_copy OVERRIDING SYSTEM VALUE SELECT * FROM receivable_rows" -c "VACUUM ANALYZE"
for _ in $(seq "$R"); do
    psql -X -q -c "$vac"
    psql -X -q -c CHECKPOINT
    echo "plain $(bench_tx_ms "" "UPDATE inv_plain SET status = 'paid'" 1)" >> "$upd_log"
    psql -X -q -c CHECKPOINT
    echo "tracked $(bench_tx_ms "" "UPDATE inv_tracked SET status = 'paid'" 1)" >> "$upd_log"
    psql -X -q -c CHECKPOINT
    echo "copy $(bench_tx_ms "" "UPDATE queue_copy SET state = 'cancelled', claimed_until = NULL, updated_at = now() WHERE state IN ('pending', 'claimed', 'suspended')" 1)" >> "$upd_log"
    psql -X -q -c CHECKPOINT
    echo "rcopy $(bench_tx_ms "" "UPDATE receivable_copy SET status = 'paid', class = 'paid', paid_on = current_date, updated_at = now()" 1)" >> "$upd_log"
done
stat() { awk -v k="$2" '$1 == k {print $2}' "$1" | sort -n \
           | awk -v w="$3" '{v[NR] = $1} END {print (w == "min" ? v[1] : v[int((NR + 1) / 2)])}'; }
t_ins_plain=$(stat "$ins_log" plain min); t_ins_tracked=$(stat "$ins_log" tracked min)
t_ins_copy=$(awk -v a="$(stat "$ins_log" copy min)" -v b="$(stat "$ins_log" rcopy min)" 'BEGIN{print a+b}')
t_upd_plain=$(stat "$upd_log" plain min); t_upd_tracked=$(stat "$upd_log" tracked min)
t_upd_copy=$(awk -v a="$(stat "$upd_log" copy min)" -v b="$(stat "$upd_log" rcopy min)" 'BEGIN{print a+b}')
# the ratio of each round (its three statements ran under the same load),
# then the median and the range of those: a sum of best-of-R minima taken
# from different rounds would bias the floor low
per_round() { awk '{v[$1, ++n[$1]] = $2} END {
                for (i = 1; i <= n["tracked"]; i++) printf "%.4f\n", v["tracked", i] / (v["plain", i] + v["copy", i] + v["rcopy", i]) }' "$1" \
              | sort -n | awk '{r[NR] = $1} END {printf "%.2f (rounds %.2f-%.2f)", r[int((NR + 1) / 2)], r[1], r[NR]}'; }
m_ins=$(per_round "$ins_log")
m_upd=$(per_round "$upd_log")
rm -f "$ins_log" "$upd_log"
floor_ins=$(awk -v a="$t_ins_plain" -v b="$t_ins_copy" 'BEGIN{print a+b}')
floor_upd=$(awk -v a="$t_upd_plain" -v b="$t_upd_copy" 'BEGIN{print a+b}')

echo "rows: $N invoices, $queued reminders queued (best of $R interleaved rounds, ms)"
echo "INSERT: untracked $t_ins_plain | tracked $t_ins_tracked | floor $floor_ins (untracked + $t_ins_copy receivable and queue rows copied)"
echo "UPDATE: untracked $t_upd_plain | tracked $t_upd_tracked | floor $floor_upd (untracked + $t_upd_copy receivable and queue rows updated)"
echo "ratio of the best times, tracked / untracked INSERT: $(ratio "$t_ins_tracked" "$t_ins_plain")   tracked / floor INSERT: $(ratio "$t_ins_tracked" "$floor_ins")"
echo "ratio of the best times, tracked / untracked UPDATE: $(ratio "$t_upd_tracked" "$t_upd_plain")   tracked / floor UPDATE: $(ratio "$t_upd_tracked" "$floor_upd")"
echo "per-round tracked / floor, median: INSERT $m_ins   UPDATE $m_upd  (target <= 1.25)"

# 2. workers: Q reminders due today, 4 clients claiming and completing 100 at a time
psql -X -q <<SQL
SELECT ar_credit.untrack('inv_tracked');
TRUNCATE ar_credit.dunning_queue;
CREATE TABLE inv_work (no text PRIMARY KEY, due date, amount numeric);
SELECT ar_credit.track('inv_work', 'no', 'due', 'amount');
INSERT INTO inv_work SELECT 'W-' || i, current_date - 3, 100 FROM generate_series(1, $Q) AS i;
VACUUM ANALYZE ar_credit.dunning_queue;
SQL
script=$(mktemp)
echo "SELECT count(ar_credit.complete_reminder(c.id)) FROM ar_credit.claim_reminders(100, 'w' || :client_id) AS c;" > "$script"
tx=$(( Q / 100 / 4 ))
start=$(date +%s.%N)
pgbench -n -c 4 -j 4 -t "$tx" -f "$script" >/dev/null
end=$(date +%s.%N)
rm -f "$script"
read -r sent dups left <<<"$(psql -X -q -At -F ' ' -c "
  SELECT count(*) FILTER (WHERE state = 'sent'),
         (SELECT count(*) FROM (SELECT invoice_key, level FROM ar_credit.dunning_queue
                                 WHERE state IN ('sent', 'claimed') GROUP BY 1, 2 HAVING count(*) > 1) AS d),
         count(*) FILTER (WHERE state IN ('pending', 'claimed') AND remind_on <= current_date)
    FROM ar_credit.dunning_queue")"
rate=$(awk -v n="$sent" -v s="$start" -v e="$end" 'BEGIN{printf "%.0f", n/(e-s)}')
echo "workers: 4 pgbench clients, batches of 100: $sent reminders sent in $(awk -v s="$start" -v e="$end" 'BEGIN{printf "%.2f", e-s}') s = $rate reminders/s (target >= 5000); duplicates: $dups; due but unsent: $left"
