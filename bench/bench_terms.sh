#!/usr/bin/env bash
# Payment terms: due_date() over 5M invoice dates against what a user would
# otherwise write (issue 2). Runs inside a throwaway cluster (bench/run).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${BENCH_TERMS_ROWS:-5000000}

psql -X -q <<SQL
CREATE EXTENSION ar_credit;
CREATE TABLE inv AS
  SELECT date '2020-01-01' + (i % 2500)::int AS d FROM generate_series(1, $N) AS i;
-- dates spread over 1,000 years in random order: the due-date memo misses
CREATE TABLE inv_cold AS
  SELECT date '1500-01-01' + (random() * 365000)::int AS d FROM generate_series(1, $N) AS i;
VACUUM ANALYZE inv, inv_cold;
SQL

base=$(bench_ms "SELECT sum((d + 30) - d) FROM inv")
net30=$(bench_ms "SELECT sum(ar_credit.due_date('30D', d) - d) FROM inv")
eom=$(bench_ms "SELECT sum(ar_credit.due_date('45D+CM', d) - d) FROM inv")
hand=$(bench_ms "SELECT sum((date_trunc('month', d + 45) + interval '1 month - 1 day')::date - d) FROM inv")
cold_base=$(bench_ms "SELECT sum((d + 30) - d) FROM inv_cold")
cold=$(bench_ms "SELECT sum(ar_credit.due_date('45D+CM', d) - d) FROM inv_cold")
cold_hand=$(bench_ms "SELECT sum((date_trunc('month', d + 45) + interval '1 month - 1 day')::date - d) FROM inv_cold")
words=$(bench_ms "SELECT sum(ar_credit.due_date('45 jours fin de mois', d) - d) FROM inv")

# same answers, or the timing means nothing
psql -X -q -At <<'SQL'
SELECT CASE WHEN (SELECT sum(ar_credit.due_date('45D+CM', d) - d) FROM inv)
               = (SELECT sum((date_trunc('month', d + 45) + interval '1 month - 1 day')::date - d) FROM inv)
            THEN 'check: due_date(45D+CM) matches the hand-written SQL'
            ELSE 'check: MISMATCH between due_date(45D+CM) and the hand-written SQL' END;
SQL

echo "rows: $N (best of 5, ms): d+30 $base | due_date('30D') $net30 | due_date('45D+CM') $eom | hand-written 45D+CM $hand | '45 jours fin de mois' $words"
echo "ratio due_date('30D', d) / (d + 30):            $(ratio "$net30" "$base")  (target <= 1.5)"
echo "ratio due_date('45D+CM', d) / (d + 30):         $(ratio "$eom" "$base")"
echo "speed-up of due_date('45D+CM') over hand SQL:   $(ratio "$hand" "$eom")x  (target >= 5)"
echo "memo-hostile dates (1,000 years, random): due_date('45D+CM') / (d + 30) $(ratio "$cold" "$cold_base"), speed-up over hand SQL $(ratio "$cold_hand" "$cold")x"
