#!/usr/bin/env bash
# Soak run of the dunning queue (issue 14): continuous invoice inserts,
# payments and 4 workers for a bounded time, watching the queue's size, its
# dead tuples and the workers' throughput round after round.
#
#   SOAK_SECONDS=300 bench/run soak_worker      (inside a throwaway cluster)
#
# Every SOAK_INTERVAL seconds a burst of SOAK_BURST invoices arrives (their
# first reminder due at once) and the time the 4 workers (claim_reminders +
# complete_reminders, batches of SOAK_BATCH, one transaction each) take to
# drain it gives that round's throughput; meanwhile a payer marks random
# invoices paid or part-paid (SOAK_PAY_RATE statements/s), which cancels or
# updates their live reminders.  The defaults (300 s, 20,000 invoices every
# 30 s, 50 payments/s) put 200,000 invoices, as many reminders sent and as
# many next levels queued, and 15,000 payments through the queue: the traffic
# of a large biller's hour, compressed.
#
# Reported per round: reminders/s, the queue's heap and index sizes (the
# partial indexes dunning_queue_todo and dunning_queue_live separately),
# dead tuples and autovacuum runs; at the end the sizes before and after and
# the throughput of the last rounds against the first (a bloat-driven
# slowdown shows as a ratio well below 1).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${SOAK_SECONDS:-300}
INTERVAL=${SOAK_INTERVAL:-30}
BURST=${SOAK_BURST:-20000}
BATCH=${SOAK_BATCH:-100}
PAY_RATE=${SOAK_PAY_RATE:-50}
export PGOPTIONS='-c client_min_messages=warning'
sq() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
# pg_virtualenv starts its clusters with fsync off: on, as in production
if [ "$(sq -c 'SHOW fsync')" != on ]; then
    sq -c "ALTER SYSTEM SET fsync = on" -c "SELECT pg_reload_conf()" >/dev/null
    for _ in $(seq 50); do [ "$(sq -c 'SHOW fsync')" = on ] && break; sleep 0.1; done
fi

sq >/dev/null <<'SQL'
CREATE EXTENSION IF NOT EXISTS ar_credit;
CREATE SEQUENCE soak_inv_id;
CREATE TABLE soak_inv (id bigint PRIMARY KEY, cust text, due date, amount numeric(12,2), status text);
SELECT ar_credit.track('soak_inv', 'id', 'due', 'amount', status_column => 'status', customer_column => 'cust');
SQL

dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

cat > "$dir/work.sql" <<'SQL'
BEGIN;
SELECT coalesce(array_agg(id), '{}') AS ids, count(*) AS n FROM ar_credit.claim_reminders(:batch, 'w' || :client_id) \gset
SELECT ar_credit.complete_reminders(:ids::int8[]);
COMMIT;
\if :n = 0
\sleep 20 ms
\endif
SQL
# a payment: paid in full (2 in 3) or in part, on a random invoice so far
cat > "$dir/pay.sql" <<'SQL'
UPDATE soak_inv SET status = CASE WHEN random() < 0.67 THEN 'paid' ELSE status END,
                    amount = CASE WHEN random() < 0.67 THEN amount ELSE round(amount / 2, 2) END
 WHERE id = (SELECT 1 + floor(random() * greatest(last_value, 1))::bigint FROM soak_inv_id);
SQL

stats() {   # queue heap, todo index, live index, all indexes, receivable heap+indexes (kB); dead tuples; autovacuums
    sq -F ' ' -c "
      SELECT pg_relation_size('ar_credit.dunning_queue') / 1024, pg_relation_size('ar_credit.dunning_queue_todo') / 1024,
             pg_relation_size('ar_credit.dunning_queue_live') / 1024, pg_indexes_size('ar_credit.dunning_queue') / 1024,
             pg_total_relation_size('ar_credit.receivable') / 1024,
             (SELECT n_live_tup FROM pg_stat_user_tables WHERE relid = 'ar_credit.dunning_queue'::regclass),
             (SELECT n_dead_tup FROM pg_stat_user_tables WHERE relid = 'ar_credit.dunning_queue'::regclass),
             (SELECT n_dead_tup FROM pg_stat_user_tables WHERE relid = 'ar_credit.receivable'::regclass),
             (SELECT autovacuum_count FROM pg_stat_user_tables WHERE relid = 'ar_credit.dunning_queue'::regclass),
             (SELECT autovacuum_count FROM pg_stat_user_tables WHERE relid = 'ar_credit.receivable'::regclass)"
}
# cheap probes (the machine is the workers'): is anything due (the first entry
# of dunning_queue_todo), the highest queue id, reminders sent above an id
due_now() { sq -c "SELECT count(*) FROM (SELECT 1 FROM ar_credit.dunning_queue WHERE state IN ('pending', 'claimed')
                                          AND remind_on <= current_date ORDER BY remind_on, id LIMIT 1) AS d"; }
max_id() { sq -c "SELECT coalesce(max(id), 0) FROM ar_credit.dunning_queue"; }
sent_since() { sq -c "SELECT count(*) FROM ar_credit.dunning_queue WHERE id > $1 AND state = 'sent'"; }
now_s() { date +%s.%N; }

read -r h0 todo0 live0 idx0 rcv0 _ _ _ _ _ <<<"$(stats)"
pgbench -n -M prepared -c 4 -j 4 -T $((SECONDS_TOTAL + 2)) -D batch="$BATCH" -f "$dir/work.sql" >"$dir/work.log" 2>&1 &
pids+=($!)
pgbench -n -c 1 -j 1 -R "$PAY_RATE" -P 5 -T $((SECONDS_TOTAL + 2)) -f "$dir/pay.sql" >"$dir/pay.log" 2>&1 &
pids+=($!)

echo "soak: ${SECONDS_TOTAL}s, a burst of $BURST invoices every ${INTERVAL}s, 4 workers (batches of $BATCH), $PAY_RATE payments/s, fsync $(sq -c 'SHOW fsync')"
# the payer's latest pgbench progress line: mean latency of a payment (ms)
pay_ms() { sed -nE 's/^progress: .* lat ([0-9.]+) ms.*/\1/p' "$dir/pay.log" | tail -1; }
printf '%5s %6s %8s %7s %10s | %9s %8s %8s %9s %10s | %9s %7s %7s %5s | %7s\n' round at_s sent drain_s reminder/s \
    queue_kB todo_kB live_kB idx_kB recv_kB live_tup dead_q dead_r av_q pay_ms
start=$(now_s); round=0; rates=()
while :; do
    round=$((round + 1))
    tr=$(now_s)
    elapsed=$(awk -v a="$tr" -v b="$start" 'BEGIN{print a - b}')
    awk -v e="$elapsed" -v t="$SECONDS_TOTAL" 'BEGIN{exit !(e < t)}' || break
    m0=$(max_id)
    sq -c "INSERT INTO soak_inv SELECT nextval('soak_inv_id'), 'C' || (random() * 5000)::int, current_date - 3 - (random() * 20)::int,
                  round((50 + random() * 5000)::numeric, 2), 'open' FROM generate_series(1, $BURST)"
    t0=$(now_s)     # the burst is committed: the workers' clock starts
    # drained: bounded poll (the round's length) on the reminders due
    limit=$(awk -v i="$INTERVAL" 'BEGIN{print i * 10}'); i=0
    while [ "$(due_now)" != 0 ] && [ $i -lt "$limit" ]; do sleep 0.1; i=$((i + 1)); done
    t1=$(now_s)
    n=$(sent_since "$m0")
    rate=$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", n / (b - a)}')
    [ "$(due_now)" = 0 ] || rate="$rate*"
    rates+=("${rate%\*}")
    read -r h todo live idx rcv ltup dq dr avq _ <<<"$(stats)"
    printf '%5s %6.0f %8s %7.2f %10s | %9s %8s %8s %9s %10s | %9s %7s %7s %5s | %7s\n' "$round" "$elapsed" "$n" \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')" "$rate" "$h" "$todo" "$live" "$idx" "$rcv" "$ltup" "$dq" "$dr" "$avq" "$(pay_ms)"
    # the rest of the round: workers idle on the payments' cancellations
    rest=$(awk -v i="$INTERVAL" -v a="$tr" -v b="$(now_s)" 'BEGIN{r = i - (b - a); print (r > 0 ? r : 0)}')
    sleep "$rest"
done
wait "${pids[@]}" || true     # pgbench runs as long as the rounds
pids=()

read -r h1 todo1 live1 idx1 rcv1 ltup1 _ _ avq1 avr1 <<<"$(stats)"
echo "sizes before/after (kB): queue heap $h0/$h1, dunning_queue_todo $todo0/$todo1, dunning_queue_live $live0/$live1, all queue indexes $idx0/$idx1, receivable $rcv0/$rcv1"
echo "queue rows (live tuples) at the end: $ltup1; autovacuum runs: queue $avq1, receivable $avr1"
echo "bytes per queue row at the end: heap $(awk -v h="$h1" -v n="$ltup1" 'BEGIN{printf "%.0f", h * 1024 / (n > 0 ? n : 1)}')"
k=$(( ${#rates[@]} >= 6 ? 3 : 1 ))
first=$(printf '%s\n' "${rates[@]:0:$k}" | awk '{s += $1} END {printf "%.0f", s / NR}')
last=$(printf '%s\n' "${rates[@]: -$k}" | awk '{s += $1} END {printf "%.0f", s / NR}')
echo "throughput: first $k round(s) $first reminders/s, last $k round(s) $last reminders/s, last/first $(awk -v a="$last" -v b="$first" 'BEGIN{printf "%.2f", a / b}') (a bloat-driven slowdown shows well below 1; * = burst not drained within its round)"
dups=$(sq -c "SELECT count(*) FROM (SELECT receivable_id, level FROM ar_credit.dunning_queue WHERE state = 'sent' GROUP BY 1, 2 HAVING count(*) > 1) AS d")
echo "payments: $(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$dir/pay.log") (target $((PAY_RATE * SECONDS_TOTAL))), mean latency $(sed -nE 's/^latency average = ([0-9.]+) ms.*/\1/p' "$dir/pay.log") ms; first/last 5 s: $(sed -nE 's/^progress: .* lat ([0-9.]+) ms.*/\1/p' "$dir/pay.log" | sed -n '1p;$p' | paste -sd/) ms"
echo "correctness: levels sent twice $dups"
[ "$dups" = 0 ]
