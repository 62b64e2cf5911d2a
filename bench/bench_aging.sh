#!/usr/bin/env bash
# Aging: ar_credit.aging() over 5M invoices against the hand-written five-way
# sum(CASE ...) query, serial and with 2 parallel workers (issue 4); and
# avg_days_beyond_terms() against its formula in plain SQL (issue 16: the
# aggregates' state is ar_credit.aging_state, not internal).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${BENCH_AGING_ROWS:-5000000}

psql -X -q <<SQL
CREATE EXTENSION ar_credit;
CREATE TABLE inv AS
  SELECT round((random() * 5000)::numeric, 2) AS amount,
         date '2024-01-01' + (random() * 365)::int AS due
    FROM generate_series(1, $N);
VACUUM ANALYZE inv;
SQL

agg="SELECT ar_credit.aging(amount, due, date '2024-10-01') FROM inv"
hand="SELECT sum(CASE WHEN date '2024-10-01' - due <= 0 THEN amount END),
             sum(CASE WHEN date '2024-10-01' - due BETWEEN 1 AND 30 THEN amount END),
             sum(CASE WHEN date '2024-10-01' - due BETWEEN 31 AND 60 THEN amount END),
             sum(CASE WHEN date '2024-10-01' - due BETWEEN 61 AND 90 THEN amount END),
             sum(CASE WHEN date '2024-10-01' - due > 90 THEN amount END) FROM inv"
par="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"

check=$(psql -X -q -At -c "SELECT (SELECT ar_credit.aging(amount, due, date '2024-10-01') FROM inv)
  = (SELECT ARRAY[coalesce(a,0), coalesce(b,0), coalesce(c,0), coalesce(d,0), coalesce(e,0)]
       FROM ($hand) AS h(a, b, c, d, e))")
echo "check: aging() equals the sum(CASE) totals: $check"

t_agg=$(bench_ms "$agg")
t_hand=$(bench_ms "$hand")
t_agg2=$(bench_ms "$par $agg")
t_hand2=$(bench_ms "$par $hand")
kpi="SELECT ar_credit.avg_days_beyond_terms(amount, date '2024-10-01' - due) FROM inv"
kpi_hand="SELECT round(sum(amount * greatest(date '2024-10-01' - due, 0)) / sum(amount), 2) FROM inv WHERE amount > 0"
kpi_check=$(psql -X -q -At -c "SELECT ($kpi) = ($kpi_hand)")
t_kpi=$(bench_ms "$kpi")
t_kpi_hand=$(bench_ms "$kpi_hand")
plan=$(psql -X -q -At -c "$par" -c "EXPLAIN (COSTS OFF) $agg" | grep -c 'Partial Aggregate' || true)

echo "rows: $N (best of 5, ms): aging $t_agg | sum(CASE) x5 $t_hand | aging 2 workers $t_agg2 | sum(CASE) 2 workers $t_hand2"
echo "ratio aging / sum(CASE) x5, serial:              $(ratio "$t_agg" "$t_hand")  (target <= 1.0)"
echo "ratio aging / sum(CASE) x5, 2 workers:           $(ratio "$t_agg2" "$t_hand2")"
echo "speed-up of aging with 2 workers over serial:    $(ratio "$t_agg" "$t_agg2")x  (plan has Partial Aggregate: $plan)"
echo "check: avg_days_beyond_terms() equals its SQL formula: $kpi_check"
echo "avg_days_beyond_terms $t_kpi ms | SQL formula $t_kpi_hand ms | ratio $(ratio "$t_kpi" "$t_kpi_hand")"
