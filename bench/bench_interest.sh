#!/usr/bin/env bash
# Late interest: ar_credit.late_interest() over 1M late invoices against the
# same FR_B2B computation in plain SQL, a range join over reference_rate
# (issue 3).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${BENCH_INTEREST_ROWS:-1000000}

psql -X -q <<SQL
CREATE EXTENSION ar_credit;
CREATE TABLE inv AS
  SELECT i AS id, round((100 + random() * 20000)::numeric, 2) AS amount, due, due + (1 + random() * 400)::int AS paid
    FROM (SELECT i, date '2016-01-01' + (random() * 3300)::int AS due FROM generate_series(1, $N) AS i) AS g;
VACUUM ANALYZE inv;
SQL

fn="SELECT sum(ar_credit.late_interest(amount, due, paid, 'FR_B2B')) FROM inv"
# the same rule by hand: cut (due, paid] at 1 Jan / 1 Jul, take the ECB rate in
# force on each half-year's first day (a range join), + 10 points, act/365,
# each segment rounded to cents
sql="WITH rates AS (
       SELECT daterange(valid_from, lead(valid_from) OVER (ORDER BY valid_from)) AS valid, rate
         FROM ar_credit.reference_rate WHERE rate_index = 'ECB_MRO'),
     halves AS (
       SELECT i.id, i.amount, i.due, i.paid, h::date AS h_start, (h + interval '6 months')::date - 1 AS h_end
         FROM inv AS i,
              generate_series(date_trunc('year', i.due + 1)
                                + CASE WHEN extract(month FROM i.due + 1) > 6 THEN interval '6 months' ELSE interval '0' END,
                              i.paid, interval '6 months') AS h
        WHERE i.paid > i.due)
     SELECT sum(round(x.amount * (r.rate + 10) * (least(x.h_end, x.paid) - greatest(x.h_start, x.due + 1) + 1) / 36500, 2))
       FROM halves AS x JOIN rates AS r ON r.valid @> x.h_start"

check=$(psql -X -q -At -c "SELECT ($fn) = ($sql)")
echo "check: late_interest() equals the plain SQL: $check"
t_fn=$(bench_ms "$fn" 3)
t_sql=$(bench_ms "$sql" 3)
echo "rows: $N (best of 3, ms): late_interest $t_fn | plain SQL range join $t_sql"
echo "speed-up of late_interest over plain SQL:     $(ratio "$t_sql" "$t_fn")x  (target >= 20)"
