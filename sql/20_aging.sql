--
-- aging buckets and collection KPIs (SPEC section 2)
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ar_credit;
RESET client_min_messages;
SET search_path = public, ar_credit;

-- bucket edges, default bounds {30,60,90} and custom bounds {15,45}
SELECT d, days_past_due('2024-01-31', date '2024-01-31' + d) AS days,
       aging_bucket_no('2024-01-31', date '2024-01-31' + d) AS no,
       aging_bucket('2024-01-31', date '2024-01-31' + d) AS bucket,
       aging_bucket('2024-01-31', date '2024-01-31' + d, '{15,45}') AS bucket_15_45
  FROM unnest('{-1,0,1,15,16,30,31,45,46,60,61,90,91}'::int[]) AS d;

-- invalid bounds and dates
SELECT aging_bucket('2024-01-01', '2024-03-01', '{}');
SELECT aging_bucket('2024-01-01', '2024-03-01', '{30,30,60}');
SELECT aging_bucket('2024-01-01', '2024-03-01', '{30,NULL}');
SELECT days_past_due('infinity', '2024-01-01');

-- a ledger at 2024-03-31 (see test/aging.sql for the arithmetic)
CREATE TABLE aging_ledger (cust text, amount numeric, due date);
INSERT INTO aging_ledger VALUES
    ('A', 1000.00, '2024-04-15'), ('A', 250.50, '2024-03-31'), ('A', 300, '2024-03-30'),
    ('B', 400, '2024-03-01'), ('B', 500, '2024-02-29'), ('B', 600, '2024-01-31'),
    ('C', 700, '2024-01-30'), ('C', 800, '2024-01-01'), ('C', 900, '2023-12-31'),
    ('C', NULL, '2023-01-01'), ('D', 50, NULL);
SELECT aging(amount, due, '2024-03-31') AS default_bounds,
       aging(amount, due, '2024-03-31', '{15,45}') AS bounds_15_45
  FROM aging_ledger;
SELECT cust, aging(amount, due, '2024-03-31') FROM aging_ledger GROUP BY cust ORDER BY cust;
SELECT aging(amount, due, '2024-03-31') IS NULL AS empty_is_null FROM aging_ledger WHERE false;

-- collection KPIs
SELECT avg_days_beyond_terms(a, d), paydex(a, d)
  FROM (VALUES (100::numeric, -10), (100, 0), (200, 30)) v(a, d);
SELECT d, paydex(1, d) FROM unnest('{-45,-30,-25,-20,-10,0,15,22,26,30,45,60,90,120,200}'::int[]) d GROUP BY d ORDER BY d;
SELECT paydex(a, d) AS seven_and_a_half_days FROM (VALUES (1::numeric, 7), (1, 8)) v(a, d);
SELECT dso(250000, 900000, 90), cei(100000, 500000, 150000, 80000);
SELECT dso(1000, 0, 30);
SELECT cei(100, 0, 0, 100);
DROP TABLE aging_ledger;

-- parallel aggregation: serial and forced parallel results are the same
CREATE TABLE aging_inv AS
SELECT i, round((i % 1000) * 1.37 + 0.01, 2)::numeric AS amount,
       date '2024-01-01' + (i % 211) - 60 AS due, (i % 181) - 40 AS days_late
  FROM generate_series(1, 20000) i;
ANALYZE aging_inv;
SET max_parallel_workers_per_gather = 0;
SELECT aging(amount, due, '2024-03-31')::text AS serial_aging,
       paydex(amount, days_late) || ' ' || avg_days_beyond_terms(amount, days_late) AS serial_kpi
  FROM aging_inv \gset
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
-- force_parallel_mode (PostgreSQL 15) was renamed debug_parallel_query in 16
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000
            THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END AS force_parallel \gset
SET :force_parallel = on;
EXPLAIN (COSTS OFF) SELECT aging(amount, due, '2024-03-31') FROM aging_inv;
SELECT aging(amount, due, '2024-03-31')::text = :'serial_aging' AS same_aging,
       paydex(amount, days_late) || ' ' || avg_days_beyond_terms(amount, days_late) = :'serial_kpi' AS same_kpi
  FROM aging_inv;
RESET :force_parallel;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
DROP TABLE aging_inv;
