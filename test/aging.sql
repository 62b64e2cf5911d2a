--
-- pgTAP behaviour tests of aging buckets and collection KPIs (SPEC section 2).
--
-- Every expected value below is worked out by hand in the comments next to
-- it; the KPI formulas are those of /work/shared/reference/scores.md.  The
-- parallel-query section builds a 200,000-row table (inside this rolled-back
-- transaction) and checks that serial, partial-aggregate parallel and forced
-- single-copy parallel plans give identical results.  Tests marked "Regression"
-- assert the correct behaviour of something the implementation gets wrong;
-- they are run as TODO tests so the suite stays green until it is fixed.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public, ar_credit;
SET LOCAL datestyle = 'ISO, YMD';

SELECT plan(167);

-- helpers (rolled back with everything else)
CREATE SCHEMA aging_t;

-- the plan of q, one line per plan node
CREATE FUNCTION aging_t.plan_of(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r   text;
    res text := '';
BEGIN
    FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        res := res || r || E'\n';
    END LOOP;
    RETURN res;
END $$;

-- the executed plan of q (EXPLAIN ANALYZE), to see the workers launched
CREATE FUNCTION aging_t.analyze_of(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r   text;
    res text := '';
BEGIN
    FOR r IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
        res := res || r || E'\n';
    END LOOP;
    RETURN res;
END $$;

-- the single text value q returns.  A query run by EXECUTE ... INTO may use
-- a parallel plan, unlike one run through a cursor (pgTAP's results_eq) or
-- one nested in a query that calls a parallel-unsafe function (any pgTAP
-- assertion), so the parallel results below are all fetched through this.
CREATE FUNCTION aging_t.run(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    EXECUTE q INTO r;
    RETURN r;
END $$;

-- the pid of the backend evaluating it: in a parallel worker, the worker's.
-- Declared PARALLEL SAFE (pg_backend_pid() itself is parallel restricted) so
-- that it can run below a Gather and prove that workers did the scanning.
CREATE FUNCTION aging_t.backend_pid() RETURNS int
LANGUAGE plpgsql PARALLEL SAFE AS $$
BEGIN
    RETURN pg_backend_pid();
END $$;

-- ---------------------------------------------------------------------
-- Schema objects: existence, result types, volatility, strictness
-- ---------------------------------------------------------------------
SELECT has_function('ar_credit', 'days_past_due', ARRAY['date', 'date'], 'days_past_due(date, date)');
SELECT has_function('ar_credit', 'aging_bucket', ARRAY['date', 'date', 'integer[]'], 'aging_bucket(date, date, int[])');
SELECT has_function('ar_credit', 'aging_bucket_no', ARRAY['date', 'date', 'integer[]'], 'aging_bucket_no(date, date, int[])');
SELECT has_function('ar_credit', 'dso', ARRAY['numeric', 'numeric', 'integer'], 'dso(numeric, numeric, int)');
SELECT has_function('ar_credit', 'cei', ARRAY['numeric', 'numeric', 'numeric', 'numeric'], 'cei(numeric x 4)');

SELECT is_aggregate('ar_credit', 'aging', ARRAY['numeric', 'date', 'date'], 'aging(numeric, date, date) is an aggregate');
SELECT is_aggregate('ar_credit', 'aging', ARRAY['numeric', 'date', 'date', 'integer[]'], 'aging(numeric, date, date, int[]) is an aggregate');
SELECT is_aggregate('ar_credit', 'avg_days_beyond_terms', ARRAY['numeric', 'integer'], 'avg_days_beyond_terms(numeric, int) is an aggregate');
SELECT is_aggregate('ar_credit', 'paydex', ARRAY['numeric', 'integer'], 'paydex(numeric, int) is an aggregate');

SELECT function_returns('ar_credit', 'days_past_due', ARRAY['date', 'date'], 'integer', 'days_past_due returns integer');
SELECT function_returns('ar_credit', 'aging_bucket', ARRAY['date', 'date', 'integer[]'], 'text', 'aging_bucket returns text');
SELECT function_returns('ar_credit', 'aging_bucket_no', ARRAY['date', 'date', 'integer[]'], 'integer', 'aging_bucket_no returns integer');
SELECT function_returns('ar_credit', 'aging', ARRAY['numeric', 'date', 'date'], 'numeric[]', 'aging returns numeric[]');
SELECT function_returns('ar_credit', 'aging', ARRAY['numeric', 'date', 'date', 'integer[]'], 'numeric[]', 'aging with bounds returns numeric[]');
SELECT function_returns('ar_credit', 'avg_days_beyond_terms', ARRAY['numeric', 'integer'], 'numeric', 'avg_days_beyond_terms returns numeric');
SELECT function_returns('ar_credit', 'paydex', ARRAY['numeric', 'integer'], 'integer', 'paydex returns integer');
SELECT function_returns('ar_credit', 'dso', ARRAY['numeric', 'numeric', 'integer'], 'numeric', 'dso returns numeric');
SELECT function_returns('ar_credit', 'cei', ARRAY['numeric', 'numeric', 'numeric', 'numeric'], 'numeric', 'cei returns numeric');

-- argument names and the default bounds are part of the contract
SELECT is(pg_get_function_arguments('ar_credit.aging_bucket(date, date, int[])'::regprocedure),
          'due date, as_of date, bounds integer[] DEFAULT ''{30,60,90}''::integer[]',
          'aging_bucket(due, as_of, bounds DEFAULT ''{30,60,90}'')');
SELECT is(pg_get_function_arguments('ar_credit.aging_bucket_no(date, date, int[])'::regprocedure),
          'due date, as_of date, bounds integer[] DEFAULT ''{30,60,90}''::integer[]',
          'aging_bucket_no(due, as_of, bounds DEFAULT ''{30,60,90}'')');
SELECT is(pg_get_function_arguments('ar_credit.cei(numeric, numeric, numeric, numeric)'::regprocedure),
          'begin_receivables numeric, credit_sales numeric, end_receivables numeric, end_current_receivables numeric',
          'cei argument names and order');

SELECT volatility_is('ar_credit', 'days_past_due', ARRAY['date', 'date'], 'immutable', 'days_past_due is immutable');
SELECT volatility_is('ar_credit', 'aging_bucket', ARRAY['date', 'date', 'integer[]'], 'immutable', 'aging_bucket is immutable');
SELECT volatility_is('ar_credit', 'aging_bucket_no', ARRAY['date', 'date', 'integer[]'], 'immutable', 'aging_bucket_no is immutable');
SELECT volatility_is('ar_credit', 'dso', ARRAY['numeric', 'numeric', 'integer'], 'immutable', 'dso is immutable');
SELECT volatility_is('ar_credit', 'cei', ARRAY['numeric', 'numeric', 'numeric', 'numeric'], 'immutable', 'cei is immutable');

SELECT is_strict('ar_credit', 'days_past_due', ARRAY['date', 'date'], 'days_past_due is strict');
SELECT is_strict('ar_credit', 'aging_bucket', ARRAY['date', 'date', 'integer[]'], 'aging_bucket is strict');
SELECT is_strict('ar_credit', 'aging_bucket_no', ARRAY['date', 'date', 'integer[]'], 'aging_bucket_no is strict');
SELECT is_strict('ar_credit', 'dso', ARRAY['numeric', 'numeric', 'integer'], 'dso is strict');
SELECT is_strict('ar_credit', 'cei', ARRAY['numeric', 'numeric', 'numeric', 'numeric'], 'cei is strict');
-- transition and combine functions must see NULL states (no initial value)
SELECT isnt_strict('ar_credit', 'aging_transfn', ARRAY['aging_state', 'numeric', 'date', 'date'], 'aging_transfn is not strict');
SELECT isnt_strict('ar_credit', 'aging_state_combine', ARRAY['aging_state', 'aging_state'], 'aging_state_combine is not strict');

-- parallel safety of every aggregate and of each of its support functions
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text)
            FILTER (WHERE p.proparallel <> 's'), NULL,
          'every ar_credit aggregate is PARALLEL SAFE')
  FROM pg_proc p
 WHERE p.pronamespace = 'ar_credit'::regnamespace AND p.prokind = 'a'
   AND p.proname IN ('aging', 'avg_days_beyond_terms', 'paydex');
SELECT is(count(*), 4::bigint, 'four aging/KPI aggregates')
  FROM pg_proc p
 WHERE p.pronamespace = 'ar_credit'::regnamespace AND p.prokind = 'a'
   AND p.proname IN ('aging', 'avg_days_beyond_terms', 'paydex');
SELECT is(array_agg(f::regprocedure::text ORDER BY f::regprocedure::text) FILTER (WHERE pf.proparallel <> 's'), NULL,
          'every transition, final, combine, serial and deserial function of the aggregates is PARALLEL SAFE')
  FROM pg_aggregate a
  JOIN pg_proc p ON p.oid = a.aggfnoid
  CROSS JOIN LATERAL unnest(ARRAY[a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn]::oid[]) AS f
  JOIN pg_proc pf ON pf.oid = f
 WHERE p.pronamespace = 'ar_credit'::regnamespace AND p.proname IN ('aging', 'avg_days_beyond_terms', 'paydex');
SELECT is(count(*) FILTER (WHERE a.aggcombinefn = 'ar_credit.aging_state_combine'::regproc
                              AND a.aggtranstype = 'ar_credit.aging_state'::regtype),
          4::bigint, 'the four aggregates have a combine function and the state type aging_state (not internal)')
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
 WHERE p.pronamespace = 'ar_credit'::regnamespace AND p.proname IN ('aging', 'avg_days_beyond_terms', 'paydex');
SELECT is(count(*)::int, 0, 'days_past_due, aging_bucket(_no), dso and cei are PARALLEL SAFE')
  FROM pg_proc p
 WHERE p.pronamespace = 'ar_credit'::regnamespace
   AND p.proname IN ('days_past_due', 'aging_bucket', 'aging_bucket_no', 'dso', 'cei') AND p.proparallel <> 's';

-- ---------------------------------------------------------------------
-- days_past_due = as_of - due
-- ---------------------------------------------------------------------
SELECT is(days_past_due('2024-03-31', '2024-03-31'), 0, 'due today: 0 days');
SELECT is(days_past_due('2024-04-15', '2024-03-31'), -15, 'due in 15 days: -15');
-- 2024 is a leap year: Feb 29 to Mar 31 is 31 days
SELECT is(days_past_due('2024-02-29', '2024-03-31'), 31, 'leap year: 2024-02-29 to 2024-03-31 is 31 days');
SELECT is(days_past_due('2023-02-28', '2023-03-31'), 31, '2023-02-28 to 2023-03-31 is 31 days');
-- the widest span of the date type: JD 0 (4714-11-24 BC) to JD 2147483493
-- (5874897-12-31, the day before JULIAN_MAX = 2147483494)
SELECT is(days_past_due('4714-11-24 BC', '5874897-12-31'), 2147483493, 'the whole date range fits in an int');
SELECT is(days_past_due('5874897-12-31', '4714-11-24 BC'), -2147483493, 'and so does its negation');
SELECT throws_ok($$SELECT ar_credit.days_past_due('infinity', '2024-01-01')$$, '22008',
                 'due must be a finite date, not infinity', 'days_past_due(infinity, d): 22008');
SELECT throws_ok($$SELECT ar_credit.days_past_due('2024-01-01', '-infinity')$$, '22008',
                 'as_of must be a finite date, not -infinity', 'days_past_due(d, -infinity): 22008');

-- ---------------------------------------------------------------------
-- aging_bucket / aging_bucket_no, default bounds {30,60,90}
-- ---------------------------------------------------------------------
-- due 2024-01-31; as_of = due + d days past due
SELECT results_eq(
    $$SELECT d, aging_bucket_no('2024-01-31', date '2024-01-31' + d), aging_bucket('2024-01-31', date '2024-01-31' + d)
        FROM unnest('{-1,0,1,30,31,60,61,90,91,10000}'::int[]) WITH ORDINALITY AS u(d, o) ORDER BY o$$,
    $$VALUES (-1, 0, 'current'), (0, 0, 'current'), (1, 1, '1-30'), (30, 1, '1-30'), (31, 2, '31-60'),
             (60, 2, '31-60'), (61, 3, '61-90'), (90, 3, '61-90'), (91, 4, '>90'), (10000, 4, '>90')$$,
    'default bucket edges: -1, 0 current; 1, 30 -> 1-30; 31, 60 -> 31-60; 61, 90 -> 61-90; 91 -> >90');
SELECT is(aging_bucket('2024-01-31', '2024-01-31', '{30,60,90}'), 'current', 'explicit default bounds, day 0: current');
SELECT is(aging_bucket('2024-01-01', '2024-03-31'), '61-90', '2024-01-01 at 2024-03-31: 90 days (30+29+31), 61-90');
SELECT is(aging_bucket('2023-12-31', '2024-03-31'), '>90', '2023-12-31 at 2024-03-31: 91 days, >90');
SELECT is(aging_bucket('2024-02-29', '2024-03-31'), '31-60', '2024-02-29 at 2024-03-31: 31 days, 31-60');
SELECT is(aging_bucket_no('5874897-12-31', '4714-11-24 BC'), 0, 'far before the due date: current');
SELECT is(aging_bucket_no('4714-11-24 BC', '5874897-12-31'), 4, 'far past due: last bucket');

-- custom bounds {15,45}: current, 1-15, 16-45, >45
SELECT results_eq(
    $$SELECT d, aging_bucket_no('2024-01-31', date '2024-01-31' + d, '{15,45}'),
             aging_bucket('2024-01-31', date '2024-01-31' + d, '{15,45}')
        FROM unnest('{-1,0,1,15,16,45,46,91}'::int[]) WITH ORDINALITY AS u(d, o) ORDER BY o$$,
    $$VALUES (-1, 0, 'current'), (0, 0, 'current'), (1, 1, '1-15'), (15, 1, '1-15'), (16, 2, '16-45'),
             (45, 2, '16-45'), (46, 3, '>45'), (91, 3, '>45')$$,
    'bounds {15,45}: current, 1-15, 16-45, >45 with their edges');
-- labels of every bucket, from aging_bucket_no's numbering
SELECT results_eq(
    $$SELECT aging_bucket('2024-01-01', date '2024-01-01' + d, '{7,14,30,60,120}') FROM unnest('{0,7,8,14,15,30,31,60,61,120,121}'::int[]) WITH ORDINALITY AS u(d, o) ORDER BY o$$,
    $$VALUES ('current'), ('1-7'), ('8-14'), ('8-14'), ('15-30'), ('15-30'), ('31-60'), ('31-60'), ('61-120'), ('61-120'), ('>120')$$,
    'bounds {7,14,30,60,120}: labels current, 1-7, 8-14, 15-30, 31-60, 61-120, >120');
SELECT results_eq(
    $$SELECT aging_bucket('2024-01-01', date '2024-01-01' + d, '{1}'), aging_bucket_no('2024-01-01', date '2024-01-01' + d, '{1}')
        FROM unnest('{0,1,2}'::int[]) WITH ORDINALITY AS u(d, o) ORDER BY o$$,
    $$VALUES ('current', 0), ('1-1', 1), ('>1', 2)$$,
    'a single bound {1}: current, 1-1, >1');
SELECT is(aging_bucket('2024-01-01', '2024-06-01', '{30}'), '>30', 'a single bound {30}: 152 days -> >30');
SELECT is(aging_bucket('2024-01-01', '2024-01-02', '[0:1]={5,10}'), '1-5', 'the array lower bound does not matter');
-- 64 bounds (the maximum): 1, 2, ..., 64 -> bucket 65 beyond, label >64
SELECT is(aging_bucket_no('2024-01-01', '2024-12-31', (SELECT array_agg(i) FROM generate_series(1, 64) i)), 65,
          '64 bounds {1..64}: 365 days is bucket 65');
SELECT is(aging_bucket('2024-01-01', '2024-01-11', (SELECT array_agg(i * 2) FROM generate_series(1, 64) i)), '9-10',
          '64 bounds {2,4,..,128}: 10 days is in 9-10');
SELECT is(aging_bucket('2024-01-01', '2024-01-03', '{1,2147483647}'), '2-2147483647', 'a bound of INT_MAX in a label');
-- bounds that change from row to row (the validated bounds are cached per call
-- site); 2024-01-01 to 2024-02-10 is 40 days
SELECT results_eq(
    $$SELECT aging_bucket('2024-01-01', '2024-02-10', b::int[]) FROM (VALUES (1, '{15,45}'), (2, '{30,60,90}'), (3, '{15,45}'),
                                                                             (4, '{40}'), (5, '{40,50}'), (6, '{30,60,90}')) v(o, b) ORDER BY o$$,
    $$VALUES ('16-45'), ('31-60'), ('16-45'), ('1-40'), ('1-40'), ('31-60')$$,
    'bounds varying per row: 40 days past due under each bounds');

-- invalid bounds: 22023 naming the offending element
SELECT throws_ok($$SELECT ar_credit.aging_bucket('2024-01-01', '2024-03-01', '{}')$$, '22023',
                 'aging bounds must not be empty', 'empty bounds: 22023');
SELECT throws_ok($$SELECT ar_credit.aging_bucket('2024-01-01', '2024-03-01', '{0,30}')$$, '22023',
                 'invalid aging bounds: element 1 (0) must be positive', 'a zero bound: 22023');
SELECT throws_ok($$SELECT ar_credit.aging_bucket_no('2024-01-01', '2024-03-01', '{30,-60}')$$, '22023',
                 'invalid aging bounds: element 2 (-60) must be positive', 'a negative bound: 22023');
SELECT throws_ok($$SELECT ar_credit.aging_bucket('2024-01-01', '2024-03-01', '{30,30,60}')$$, '22023',
                 'invalid aging bounds: element 2 (30) must be greater than the element before it', 'a repeated bound: 22023');
SELECT throws_ok($$SELECT ar_credit.aging_bucket_no('2024-01-01', '2024-03-01', '{30,90,60}')$$, '22023',
                 'invalid aging bounds: element 3 (60) must be greater than the element before it', 'decreasing bounds: 22023');
SELECT throws_ok($$SELECT ar_credit.aging_bucket('2024-01-01', '2024-03-01', '{30,NULL,90}')$$, '22023',
                 'invalid aging bounds: element 2 is NULL', 'a NULL element: 22023');
SELECT throws_ok($$SELECT ar_credit.aging_bucket('2024-01-01', '2024-03-01', '{{30,60},{70,90}}')$$, '22023',
                 'aging bounds must be a one-dimensional array', 'a 2-D bounds array: 22023');
SELECT throws_ok($$SELECT ar_credit.aging_bucket('2024-01-01', '2024-03-01', (SELECT array_agg(i) FROM generate_series(1, 65) i))$$,
                 '22023', 'too many aging bounds: 65', '65 bounds: 22023');

-- infinite dates: 22008
SELECT throws_ok($$SELECT ar_credit.aging_bucket('infinity', '2024-01-01')$$, '22008',
                 'due must be a finite date, not infinity', 'aging_bucket(infinity, d): 22008');
SELECT throws_ok($$SELECT ar_credit.aging_bucket_no('2024-01-01', 'infinity')$$, '22008',
                 'as_of must be a finite date, not infinity', 'aging_bucket_no(d, infinity): 22008');
SELECT throws_ok($$SELECT ar_credit.aging_bucket_no('-infinity', '2024-01-01', '{15,45}')$$, '22008',
                 'due must be a finite date, not -infinity', 'aging_bucket_no(-infinity, d, bounds): 22008');

-- strictness: NULL in, NULL out
SELECT ok(days_past_due(NULL, '2024-01-01') IS NULL AND aging_bucket('2024-01-01', NULL) IS NULL
          AND aging_bucket_no('2024-01-01', '2024-02-01', NULL) IS NULL AND aging_bucket(NULL, '2024-01-01', '{}') IS NULL,
          'NULL arguments give NULL (even with invalid bounds)');

-- ---------------------------------------------------------------------
-- aging(amount, due, as_of [, bounds]): hand-computed totals
-- ---------------------------------------------------------------------
-- The ledger at 2024-03-31 (days past due, default bucket, {15,45} bucket):
--   A 1000.00 due 2024-04-15  -15  current  current
--   A  250.50 due 2024-03-31    0  current  current
--   A  300    due 2024-03-30    1  1-30     1-15
--   B  400    due 2024-03-01   30  1-30     16-45
--   B  500    due 2024-02-29   31  31-60    16-45
--   B  600    due 2024-01-31   60  31-60    >45
--   C  700    due 2024-01-30   61  61-90    >45
--   C  800    due 2024-01-01   90  61-90    >45
--   C  900    due 2023-12-31   91  >90      >45
--   C  NULL   due 2023-01-01              (skipped: NULL amount)
--   D   50    due NULL                    (skipped: NULL due)
-- Default buckets: current 1000.00 + 250.50 = 1250.50; 1-30 300 + 400 = 700;
--   31-60 500 + 600 = 1100; 61-90 700 + 800 = 1500; >90 900.
-- {15,45}: current 1250.50; 1-15 300; 16-45 400 + 500 = 900; >45 600+700+800+900 = 3000.
CREATE TABLE aging_t.ledger (cust text, amount numeric, due date);
INSERT INTO aging_t.ledger VALUES
    ('A', 1000.00, '2024-04-15'), ('A', 250.50, '2024-03-31'), ('A', 300, '2024-03-30'),
    ('B', 400, '2024-03-01'), ('B', 500, '2024-02-29'), ('B', 600, '2024-01-31'),
    ('C', 700, '2024-01-30'), ('C', 800, '2024-01-01'), ('C', 900, '2023-12-31'),
    ('C', NULL, '2023-01-01'), ('D', 50, NULL);

SELECT is((SELECT aging(amount, due, '2024-03-31') FROM aging_t.ledger)::text, '{1250.50,700,1100,1500,900}',
          'default bounds: {1250.50, 700, 1100, 1500, 900}');
SELECT is((SELECT aging(amount, due, '2024-03-31', '{30,60,90}') FROM aging_t.ledger)::text, '{1250.50,700,1100,1500,900}',
          'explicit {30,60,90} = default');
SELECT is((SELECT aging(amount, due, '2024-03-31', '{15,45}') FROM aging_t.ledger)::text, '{1250.50,300,900,3000}',
          'bounds {15,45}: {1250.50, 300, 900, 3000}');
SELECT is((SELECT cardinality(aging(amount, due, '2024-03-31', '{15,45}')) FROM aging_t.ledger), 4,
          'cardinality(bounds) + 2 buckets');
SELECT is((SELECT aging(amount, due, '2024-03-31', '{1000}') FROM aging_t.ledger)::text, '{1250.50,4200,0}',
          'bounds {1000}: every past-due invoice in 1-1000 (300+400+...+900 = 4200), 0 beyond');
-- the totals add up to the sum of the counted amounts: 5450.50
SELECT is((SELECT (SELECT sum(x) FROM unnest(aging(amount, due, '2024-03-31')) x) FROM aging_t.ledger), 5450.50,
          'bucket totals add up to sum(amount) of the counted rows, 5450.50');
-- per customer: A = {1250.50, 300, 0, 0, 0}, B = {0, 400, 1100, 0, 0},
-- C = {0, 0, 0, 1500, 900} (its NULL amount skipped), D only a NULL due: NULL
SELECT results_eq(
    $$SELECT cust, aging(amount, due, '2024-03-31')::text FROM aging_t.ledger GROUP BY cust ORDER BY cust$$,
    $$VALUES ('A', '{1250.50,300,0,0,0}'), ('B', '{0,400,1100,0,0}'), ('C', '{0,0,0,1500,900}'), ('D', NULL)$$,
    'GROUP BY customer, empty buckets 0, a group with no counted row NULL');
SELECT results_eq(
    $$SELECT cust, aging(amount, due, date '2024-03-31' + 30, '{30}')::text FROM aging_t.ledger GROUP BY cust ORDER BY cust$$,
    $$VALUES ('A', '{0,1250.50,300}'), ('B', '{0,0,1500}'), ('C', '{0,0,2400}'), ('D', NULL)$$,
    'GROUP BY with as_of 2024-04-30 and bounds {30}: A ages 15/30/31 days, so {0, 1000.00 + 250.50, 300}');
SELECT is((SELECT aging(amount, due, '2024-03-31') FROM aging_t.ledger WHERE false), NULL,
          'empty input: NULL');
SELECT is((SELECT aging(amount, due, '2024-03-31', '{15,45}') FROM aging_t.ledger WHERE cust = 'none'), NULL,
          'empty input with bounds: NULL');
SELECT is((SELECT aging(amount, due, as_of) FROM (VALUES (NULL::numeric, date '2024-01-01', date '2024-02-01'),
                                                        (1, NULL, '2024-02-01'), (1, '2024-01-01', NULL)) v(amount, due, as_of)),
          NULL, 'only rows with a NULL amount, due or as_of: NULL');
SELECT is((SELECT aging(amount, due, '2024-03-31')::text FROM (VALUES (0::numeric, date '2024-01-01')) v(amount, due)),
          '{0,0,0,0,0}', 'a zero amount is counted: all-zero array, not NULL');
-- negative amounts (credit notes) are summed like any amount: 100 - 30 current, -20 in 31-60 (40 days)
SELECT is((SELECT aging(amount, due, '2024-03-31')::text
             FROM (VALUES (100::numeric, date '2024-04-30'), (-30, '2024-03-31'), (-20, '2024-02-20')) v(amount, due)),
          '{70,0,-20,0,0}', 'credit notes reduce their bucket');
-- the scale is that of sum(): 0.1 + 0.25 = 0.35, 1.000 kept as 1.000
SELECT is((SELECT aging(amount, due, '2024-03-31', '{10}')::text
             FROM (VALUES (0.1::numeric, date '2024-03-31'), (0.25, '2024-03-30'), (1.000, '2023-01-01')) v(amount, due)),
          '{0.1,0.25,1.000}', 'bucket totals keep the scale of their amounts');
SELECT throws_ok($$SELECT ar_credit.aging(amount, due, '2024-03-31') FROM (VALUES (100::numeric, date 'infinity')) v(amount, due)$$,
                 '22008', 'due must be a finite date, not infinity', 'aging over an infinite due date: 22008');
SELECT throws_ok($$SELECT ar_credit.aging(amount, due, '-infinity') FROM (VALUES (100::numeric, date '2024-01-01')) v(amount, due)$$,
                 '22008', 'as_of must be a finite date, not -infinity', 'aging at as_of -infinity: 22008');
SELECT lives_ok($$SELECT ar_credit.aging(NULL::numeric, due, '2024-03-31') FROM (VALUES (date 'infinity')) v(due)$$,
                'an infinite due date on a skipped (NULL amount) row is not looked at');

-- bounds errors in the aggregate
SELECT throws_ok($$SELECT ar_credit.aging(amount, due, '2024-03-31', '{60,30}') FROM aging_t.ledger$$, '22023',
                 'invalid aging bounds: element 2 (30) must be greater than the element before it', 'aging with decreasing bounds: 22023');
SELECT throws_ok($$SELECT ar_credit.aging(amount, due, '2024-03-31', '{}') FROM aging_t.ledger$$, '22023',
                 'aging bounds must not be empty', 'aging with empty bounds: 22023');
SELECT throws_ok($$SELECT ar_credit.aging(amount, due, '2024-03-31', '{30,NULL}') FROM aging_t.ledger$$, '22023',
                 'invalid aging bounds: element 2 is NULL', 'aging with a NULL bound: 22023');
SELECT throws_ok($$SELECT ar_credit.aging(amount, due, '2024-03-31', NULL) FROM aging_t.ledger$$, '22004',
                 'aging bounds must not be NULL', 'aging with NULL bounds: 22004');
-- bounds from a column: the same within a group is fine, different is an error
SELECT results_eq(
    $$SELECT cust, aging(amount, due, '2024-03-31', CASE WHEN cust IN ('A', 'B') THEN '{15,45}' ELSE '{30,60,90}' END::int[])::text
        FROM aging_t.ledger GROUP BY cust ORDER BY cust$$,
    $$VALUES ('A', '{1250.50,300,0,0}'), ('B', '{0,0,900,600}'), ('C', '{0,0,0,1500,900}'), ('D', NULL)$$,
    'per-group bounds from a column: A and B under {15,45}, C and D under {30,60,90}');
SELECT throws_ok($$SELECT ar_credit.aging(amount, due, '2024-03-31', CASE WHEN cust = 'A' THEN '{15,45}' ELSE '{30,60,90}' END::int[])
                     FROM aging_t.ledger$$, '22023',
                 'aging bounds must be the same for every row of a group', 'bounds differing within a group: 22023');
SELECT throws_ok($$SELECT ar_credit.aging(amount, due, '2024-03-31', CASE WHEN cust = 'C' THEN '{30,60,90}' ELSE '{30,60}' END::int[])
                     FROM aging_t.ledger$$, '22023',
                 'aging bounds must be the same for every row of a group', 'a prefix of the bounds is not the same bounds: 22023');

-- ---------------------------------------------------------------------
-- avg_days_beyond_terms: sum(amount * max(days, 0)) / sum(amount), 2 decimals
-- ---------------------------------------------------------------------
-- 100 paid 10 days early (counts 0), 100 on time, 200 30 days late:
--   (0 + 0 + 200 * 30) / 400 = 6000 / 400 = 15.00
SELECT is((SELECT avg_days_beyond_terms(a, d) FROM (VALUES (100::numeric, -10), (100, 0), (200, 30)) v(a, d)), 15.00,
          'early payments count as 0 days but their amount counts: 15.00');
SELECT is((SELECT avg_days_beyond_terms(a, d)::text FROM (VALUES (100::numeric, -10), (100, 0), (200, 30)) v(a, d)), '15.00',
          'two decimals: 15.00');
-- 300 at 10 days, 700 at -5: 3000 / 1000 = 3.00 (a signed mean would be -0.5)
SELECT is((SELECT avg_days_beyond_terms(a, d) FROM (VALUES (300::numeric, 10), (700, -5)) v(a, d)), 3.00,
          'early days do not offset late ones: 3.00');
-- 1 at 1 day, 2 on time: 1 / 3 = 0.333 -> 0.33; 2 at 1, 1 on time: 2 / 3 = 0.667 -> 0.67
SELECT is((SELECT avg_days_beyond_terms(a, d)::text FROM (VALUES (1::numeric, 1), (2, 0)) v(a, d)), '0.33', '1/3 -> 0.33');
SELECT is((SELECT avg_days_beyond_terms(a, d)::text FROM (VALUES (2::numeric, 1), (1, 0)) v(a, d)), '0.67', '2/3 -> 0.67');
-- 1 at 1 day, 7 on time: 1 / 8 = 0.125 -> 0.13 (half up)
SELECT is((SELECT avg_days_beyond_terms(a, d)::text FROM (VALUES (1::numeric, 1), (7, 0)) v(a, d)), '0.13', '1/8 = 0.125 -> 0.13 (half up)');
SELECT is((SELECT avg_days_beyond_terms(a, d)::text FROM (VALUES (500::numeric, -3), (500, 0)) v(a, d)), '0.00',
          'nothing late: 0.00');
-- ignored rows: the credit note (-500), the zero amount, the NULL amount and NULL days;
-- what is left is 100 at 45 days: 45.00
SELECT is((SELECT avg_days_beyond_terms(a, d)
             FROM (VALUES (100::numeric, 45), (-500, 0), (0, 0), (NULL, 0), (900, NULL)) v(a, d)), 45.00,
          'rows with an amount <= 0 or NULL, or NULL days, are ignored: 45.00');
SELECT is((SELECT avg_days_beyond_terms(a, d) FROM (VALUES (-100::numeric, 5), (0, 5), (NULL, 5)) v(a, d)), NULL,
          'nothing counted: NULL');
SELECT is((SELECT avg_days_beyond_terms(a, d) FROM (VALUES (100::numeric, 5)) v(a, d) WHERE false), NULL, 'empty input: NULL');
SELECT throws_ok($$SELECT ar_credit.avg_days_beyond_terms(a, 5) FROM (VALUES ('NaN'::numeric)) v(a)$$, '22023',
                 'amount must be a finite number, not NaN', 'avg_days_beyond_terms(NaN): 22023');
SELECT throws_ok($$SELECT ar_credit.avg_days_beyond_terms(a, 5) FROM (VALUES ('Infinity'::numeric)) v(a)$$, '22023',
                 'amount must be a finite number, not Infinity', 'avg_days_beyond_terms(Infinity): 22023');

-- ---------------------------------------------------------------------
-- paydex: amount-weighted signed mean days, linear between the anchors
-- (-30 100, -20 90, 0 80, 15 70, 22 60, 30 50, 60 40, 90 30, 120 20), half up
-- ---------------------------------------------------------------------
SELECT results_eq(
    $$SELECT d, paydex(100, d) FROM unnest('{-30,-20,0,15,22,30,60,90,120}'::int[]) WITH ORDINALITY AS u(d, o) GROUP BY d, o ORDER BY o$$,
    $$VALUES (-30, 100), (-20, 90), (0, 80), (15, 70), (22, 60), (30, 50), (60, 40), (90, 30), (120, 20)$$,
    'paydex at each anchor point');
-- midpoints: -25 -> 95, -10 -> 85, 45 -> 45, 75 -> 35, 105 -> 25, 26 -> 55 (22..30: 60 - 10 * 4/8)
SELECT results_eq(
    $$SELECT d, paydex(100, d) FROM unnest('{-25,-10,26,45,75,105}'::int[]) WITH ORDINALITY AS u(d, o) GROUP BY d, o ORDER BY o$$,
    $$VALUES (-25, 95), (-10, 85), (26, 55), (45, 45), (75, 35), (105, 25)$$,
    'paydex at midpoints between anchors');
-- 7.5 days (1 at 7, 1 at 8): 80 - 10 * 7.5 / 15 = 75; 18.5 days: 70 - 10 * 3.5 / 7 = 65
SELECT is((SELECT paydex(a, d) FROM (VALUES (1::numeric, 7), (1, 8)) v(a, d)), 75, '7.5 days -> 75');
SELECT is((SELECT paydex(a, d) FROM (VALUES (50::numeric, 18), (50, 19)) v(a, d)), 65, '18.5 days -> 65');
-- clamping: 100 at 30 days early or earlier, 20 at 120 days late or later
SELECT results_eq(
    $$SELECT d, paydex(100, d) FROM unnest('{-10000,-45,-31,121,365,2147483647}'::int[]) WITH ORDINALITY AS u(d, o) GROUP BY d, o ORDER BY o$$,
    $$VALUES (-10000, 100), (-45, 100), (-31, 100), (121, 20), (365, 20), (2147483647, 20)$$,
    'paydex clamped to 100 and 20 outside -30 .. 120 days');
-- rounding: 1 day: 80 - 10/15 = 79.33 -> 79; 2 days: 78.67 -> 79; 23 days: 60 - 1.25 = 58.75 -> 59
SELECT results_eq(
    $$SELECT d, paydex(100, d) FROM unnest('{1,2,23,-1}'::int[]) WITH ORDINALITY AS u(d, o) GROUP BY d, o ORDER BY o$$,
    $$VALUES (1, 79), (2, 79), (23, 59), (-1, 81)$$,
    'paydex rounds to the nearest integer (1 -> 79.33 -> 79, 2 -> 78.67 -> 79, 23 -> 58.75 -> 59, -1 -> 80.5 -> 81)');
-- half up: 1 at 9, 3 at 8 -> 33 / 4 = 8.25 days -> 80 - 5.5 = 74.5 -> 75 (not 74)
SELECT is((SELECT paydex(a, d) FROM (VALUES (1::numeric, 9), (3, 8)) v(a, d)), 75, '8.25 days -> 74.5 -> 75 (half up)');
-- just below half: 3 at 9, 7 at 8 -> 8.3 days -> 74.47 -> 74
SELECT is((SELECT paydex(a, d) FROM (VALUES (3::numeric, 9), (7, 8)) v(a, d)), 74, '8.3 days -> 74.47 -> 74');
-- weighting by amount: 900 on time, 100 at 120 days -> 12 days -> 80 - 8 = 72
-- (unweighted, the mean would be 60 days, 40)
SELECT is((SELECT paydex(a, d) FROM (VALUES (900::numeric, 0), (100, 120)) v(a, d)), 72, 'amount-weighted: 900 on time + 100 at 120 days -> 12 days -> 72');
-- signed: early payments offset late ones: 1 at -20, 1 at +20 -> 0 days -> 80
SELECT is((SELECT paydex(a, d) FROM (VALUES (1::numeric, -20), (1, 20)) v(a, d)), 80, 'early and late days offset each other -> 80');
-- the weighting is done before clamping: 1 at -300, 3 at 100 -> 0 days -> 80
SELECT is((SELECT paydex(a, d) FROM (VALUES (1::numeric, -300), (3, 100)) v(a, d)), 80,
          'clamping applies to the mean, not to each row: (-300 + 300) / 4 = 0 -> 80');
-- ignored rows: credit note, zero, NULL amount, NULL days -> 100 at 15 days left -> 70
SELECT is((SELECT paydex(a, d) FROM (VALUES (100::numeric, 15), (-500, 120), (0, 120), (NULL, 120), (100, NULL)) v(a, d)), 70,
          'rows with an amount <= 0 or NULL, or NULL days, are ignored -> 70');
SELECT is((SELECT paydex(a, d) FROM (VALUES (-100::numeric, 5), (0, 5)) v(a, d)), NULL, 'nothing counted: NULL');
SELECT is((SELECT paydex(a, d) FROM (VALUES (100::numeric, 5)) v(a, d) WHERE false), NULL, 'empty input: NULL');
SELECT throws_ok($$SELECT ar_credit.paydex(a, 5) FROM (VALUES ('NaN'::numeric)) v(a)$$, '22023',
                 'amount must be a finite number, not NaN', 'paydex(NaN): 22023');
SELECT throws_ok($$SELECT ar_credit.paydex(a, 5) FROM (VALUES ('-Infinity'::numeric)) v(a)$$, '22023',
                 'amount must be a finite number, not -Infinity', 'paydex(-Infinity): 22023');
-- Regression (fixed): paydex interpolates on the mean rounded to 4 decimals first, so a mean
-- just past a half-point rounds the wrong way: 74996 at 8 days and 25004 at 9
-- days -> 8.25004 days -> 80 - 10 * 8.25004 / 15 = 74.49997 -> 74, but the mean
-- is first rounded to 8.2500 -> 74.5 -> 75.
SELECT is((SELECT paydex(a, d) FROM (VALUES (74996::numeric, 8), (25004, 9)) v(a, d)), 74,
          '8.25004 days -> 74.49997 -> 74 (no double rounding)');
-- the same and avg_days_beyond_terms on the same rows, per customer
SELECT results_eq(
    $$SELECT c, paydex(a, d), avg_days_beyond_terms(a, d) FROM (VALUES ('X', 100::numeric, -30), ('X', 100, 30),
             ('Y', 250, 15), ('Y', 750, 60), ('Z', 100, 0)) v(c, a, d) GROUP BY c ORDER BY c$$,
    -- X: signed mean 0 -> 80; beyond terms (0 + 3000) / 200 = 15.00
    -- Y: (3750 + 45000) / 1000 = 48.75 days -> 50 - 10 * 18.75 / 30 = 43.75 -> 44; beyond terms 48.75
    -- Z: on time -> 80, 0.00
    $$VALUES ('X', 80, 15.00), ('Y', 44, 48.75), ('Z', 80, 0.00)$$,
    'paydex and avg_days_beyond_terms per group');

-- ---------------------------------------------------------------------
-- dso and cei
-- ---------------------------------------------------------------------
-- 250000 / 900000 * 90 = 25; 120000 / 365000 * 365 = 120; 1000 / 3000 * 31 = 10.333 -> 10.33;
-- 200 / 300 * 1 = 0.6667 -> 0.67
SELECT is(dso(250000, 900000, 90)::text, '25.00', 'dso(250000, 900000, 90) = 25.00');
SELECT is(dso(120000, 365000, 365)::text, '120.00', 'dso(120000, 365000, 365) = 120.00');
SELECT is(dso(1000, 3000, 31)::text, '10.33', 'dso(1000, 3000, 31) = 10.33');
SELECT is(dso(200, 300, 1)::text, '0.67', 'dso(200, 300, 1) = 0.67');
SELECT is(dso(0, 100, 30)::text, '0.00', 'no receivables: 0.00');
-- 1 / 8 * 1 = 0.125 -> 0.13
SELECT is(dso(1, 8, 1)::text, '0.13', 'dso rounds half up: 0.125 -> 0.13');
SELECT throws_ok($$SELECT ar_credit.dso(1000, 0, 30)$$, '22012', 'DSO is undefined when credit_sales is zero',
                 'dso with no credit sales: 22012');
SELECT throws_ok($$SELECT ar_credit.dso(1000, 5000, 0)$$, '22023', 'period_days must be positive, not 0', 'dso over 0 days: 22023');
SELECT throws_ok($$SELECT ar_credit.dso(1000, 5000, -30)$$, '22023', 'period_days must be positive, not -30', 'dso over -30 days: 22023');
-- (100000 + 500000 - 150000) / (100000 + 500000 - 80000) * 100 = 450000 / 520000 * 100 = 86.538 -> 86.54
SELECT is(cei(100000, 500000, 150000, 80000)::text, '86.54', 'cei(100000, 500000, 150000, 80000) = 86.54');
-- (50000 + 200000 - 90000) / (250000 - 40000) * 100 = 160000 / 210000 * 100 = 76.190 -> 76.19
SELECT is(cei(50000, 200000, 90000, 40000)::text, '76.19', 'cei(50000, 200000, 90000, 40000) = 76.19');
-- everything collected: (1000 + 1000 - 0) / (2000 - 0) = 100.00
SELECT is(cei(1000, 1000, 0, 0)::text, '100.00', 'everything collected: 100.00');
-- nothing collected, all still current: (1000 + 1000 - 2000) / (2000 - 2000)?  denominator 0 -> 22012
SELECT throws_ok($$SELECT ar_credit.cei(1000, 1000, 2000, 2000)$$, '22012',
                 'CEI is undefined when begin_receivables + credit_sales - end_current_receivables is zero',
                 'cei with a zero denominator: 22012');
SELECT throws_ok($$SELECT ar_credit.cei(100, 0, 0, 100)$$, '22012', NULL, 'cei(100, 0, 0, 100): 22012');
SELECT ok(dso(NULL, 1, 30) IS NULL AND dso(1, 1, NULL) IS NULL AND cei(1, 1, NULL, 1) IS NULL,
          'dso and cei: NULL in, NULL out');

-- ---------------------------------------------------------------------
-- Parallel query: serial, partial and forced parallel plans agree
-- ---------------------------------------------------------------------
-- 200,000 invoices of 97 customers (a regular table: temporary tables are not
-- visible to parallel workers), every 1,000th amount NULL, every 1,500th due
-- date NULL, every 7th amount a credit note (negative)
CREATE TABLE aging_t.inv AS
SELECT i, i % 97 AS cust,
       CASE WHEN i % 1000 = 0 THEN NULL
            WHEN i % 7 = 0 THEN -round((i % 500) * 0.37, 2)
            ELSE round((i % 1000) * 1.37 + 0.01, 2) END::numeric AS amount,
       CASE WHEN i % 1500 = 0 THEN NULL ELSE date '2024-01-01' + (i % 211) - 60 END AS due,
       date '2024-03-31' AS as_of,
       (i % 181) - 40 AS days_late
  FROM generate_series(1, 200000) i;
ANALYZE aging_t.inv;

-- the reference results, serial and in plain SQL
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TABLE aging_t.serial AS
SELECT (SELECT aging(amount, due, as_of)::text FROM aging_t.inv) AS aging,
       (SELECT aging(amount, due, as_of, '{15,45,75,105,200}')::text FROM aging_t.inv) AS aging_custom,
       (SELECT string_agg(cust || ':' || a::text, ';' ORDER BY cust)
          FROM (SELECT cust, aging(amount, due, as_of) a FROM aging_t.inv GROUP BY cust) s) AS aging_by_cust,
       (SELECT avg_days_beyond_terms(amount, days_late)::text || ' ' || paydex(amount, days_late)::text FROM aging_t.inv) AS kpi,
       (SELECT string_agg(cust || ':' || k, ';' ORDER BY cust)
          FROM (SELECT cust, avg_days_beyond_terms(amount, days_late)::text || ' ' || paydex(amount, days_late)::text k
                  FROM aging_t.inv GROUP BY cust) s) AS kpi_by_cust;

SELECT is((SELECT aging FROM aging_t.serial),
          (SELECT ARRAY[sum(amount) FILTER (WHERE as_of - due <= 0),
                        sum(amount) FILTER (WHERE as_of - due BETWEEN 1 AND 30),
                        sum(amount) FILTER (WHERE as_of - due BETWEEN 31 AND 60),
                        sum(amount) FILTER (WHERE as_of - due BETWEEN 61 AND 90),
                        sum(amount) FILTER (WHERE as_of - due > 90)]::text FROM aging_t.inv),
          'serial aging of 200,000 rows = sum() FILTER per bucket');
SELECT is(split_part((SELECT kpi FROM aging_t.serial), ' ', 1),
          (SELECT round(sum(amount * greatest(days_late, 0)) / sum(amount), 2)::text FROM aging_t.inv WHERE amount > 0),
          'serial avg_days_beyond_terms of 200,000 rows = round(sum(amount * max(days, 0)) / sum(amount), 2) over amount > 0');

SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;   -- all rows go through a worker

SELECT matches(aging_t.plan_of('SELECT ar_credit.aging(amount, due, as_of) FROM aging_t.inv'),
               'Finalize Aggregate.*Gather.*Partial Aggregate.*Parallel Seq Scan',
               'aging: Finalize Aggregate over Gather over Partial Aggregate');
SELECT matches(aging_t.plan_of('SELECT ar_credit.avg_days_beyond_terms(amount, days_late), ar_credit.paydex(amount, days_late) FROM aging_t.inv'),
               'Finalize Aggregate.*Gather.*Partial Aggregate.*Parallel Seq Scan',
               'avg_days_beyond_terms and paydex: partial aggregation');
SELECT matches(aging_t.plan_of('SELECT cust, ar_credit.aging(amount, due, as_of) FROM aging_t.inv GROUP BY cust'),
               'Finalize .*Aggregate.*Gather.*Partial .*Aggregate.*Parallel Seq Scan',
               'aging GROUP BY: partial aggregation');
SELECT matches(aging_t.analyze_of('SELECT ar_credit.aging(amount, due, as_of) FROM aging_t.inv'),
               'Workers Launched: [12]', 'parallel workers are launched');
-- workers really evaluate rows: some row was seen by a backend other than this one
SELECT is(aging_t.run(format('SELECT bool_or(aging_t.backend_pid() <> %s) FROM aging_t.inv', pg_backend_pid())), 'true',
          'rows are aggregated in parallel workers');
SELECT is(aging_t.run('SELECT ar_credit.aging(amount, due, as_of)::text FROM aging_t.inv'),
          (SELECT aging FROM aging_t.serial), 'aging: parallel = serial');
SELECT is(aging_t.run($$SELECT ar_credit.aging(amount, due, as_of, '{15,45,75,105,200}')::text FROM aging_t.inv$$),
          (SELECT aging_custom FROM aging_t.serial), 'aging with bounds: parallel = serial');
SELECT is(aging_t.run($$SELECT string_agg(cust || ':' || a::text, ';' ORDER BY cust)
                          FROM (SELECT cust, ar_credit.aging(amount, due, as_of) a FROM aging_t.inv GROUP BY cust) s$$),
          (SELECT aging_by_cust FROM aging_t.serial), 'aging GROUP BY: parallel = serial');
SELECT is(aging_t.run($$SELECT ar_credit.avg_days_beyond_terms(amount, days_late)::text || ' '
                              || ar_credit.paydex(amount, days_late)::text FROM aging_t.inv$$),
          (SELECT kpi FROM aging_t.serial), 'avg_days_beyond_terms and paydex: parallel = serial');
SELECT is(aging_t.run($$SELECT string_agg(cust || ':' || k, ';' ORDER BY cust)
                          FROM (SELECT cust, ar_credit.avg_days_beyond_terms(amount, days_late)::text || ' '
                                             || ar_credit.paydex(amount, days_late)::text k
                                  FROM aging_t.inv GROUP BY cust) s$$),
          (SELECT kpi_by_cust FROM aging_t.serial), 'KPIs GROUP BY: parallel = serial');
-- an empty parallel scan: NULL, as serially
SELECT is(aging_t.run('SELECT coalesce(ar_credit.aging(amount, due, as_of)::text, ''NULL'') FROM aging_t.inv WHERE i < 0'),
          'NULL', 'aging over no row in parallel: NULL');
-- bounds errors surface from the workers with their SQLSTATE
SELECT throws_ok($$SELECT aging_t.run('SELECT ar_credit.aging(amount, due, as_of, ''{60,30}'')::text FROM aging_t.inv')$$,
                 '22023', 'invalid aging bounds: element 2 (30) must be greater than the element before it',
                 'invalid bounds in a parallel aggregate: 22023');
SELECT throws_ok($$SELECT aging_t.run('SELECT ar_credit.aging(amount, due, as_of, CASE WHEN i > 100000 THEN ''{30}'' ELSE ''{60}'' END::int[])::text FROM aging_t.inv')$$,
                 '22023', 'aging bounds must be the same for every row of a group',
                 'bounds differing between the rows of different workers: 22023');

-- force_parallel_mode (PostgreSQL 15's name) with the default parallel costs:
-- a single-copy Gather runs the whole aggregate in one worker
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SET LOCAL force_parallel_mode = on;
SET LOCAL max_parallel_workers_per_gather = 0;   -- no partial plan: only the forced Gather
SELECT is(aging_t.plan_of($$SELECT ar_credit.aging(amount, due, '2024-03-31') FROM aging_t.ledger$$),
          'Aggregate' || E'\n' || '  ->  Seq Scan on ledger' || E'\n',
          'force_parallel_mode needs max_parallel_workers_per_gather > 0 (no Gather otherwise)');
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT matches(aging_t.plan_of($$SELECT ar_credit.aging(amount, due, '2024-03-31') FROM aging_t.ledger$$),
               'Gather.*Single Copy: true.*Aggregate.*Seq Scan on ledger', 'forced: single-copy Gather over the aggregate');
SELECT is(aging_t.run($$SELECT ar_credit.aging(amount, due, '2024-03-31')::text FROM aging_t.ledger$$),
          '{1250.50,700,1100,1500,900}', 'forced parallel: the hand-computed ledger totals');
SELECT is(aging_t.run($$SELECT string_agg(cust || ':' || coalesce(a::text, 'NULL'), ';' ORDER BY cust)
                          FROM (SELECT cust, ar_credit.aging(amount, due, '2024-03-31', '{15,45}') a FROM aging_t.ledger GROUP BY cust) s$$),
          'A:{1250.50,300,0,0};B:{0,0,900,600};C:{0,0,0,2400};D:NULL', 'forced parallel: ledger by customer with bounds {15,45}');
SELECT is(aging_t.run('SELECT ar_credit.aging(amount, due, as_of)::text FROM aging_t.inv'),
          (SELECT aging FROM aging_t.serial), 'forced parallel: aging of 200,000 rows = serial');
SELECT is(aging_t.run($$SELECT ar_credit.avg_days_beyond_terms(amount, days_late)::text || ' '
                              || ar_credit.paydex(amount, days_late)::text FROM aging_t.inv$$),
          (SELECT kpi FROM aging_t.serial), 'forced parallel: KPIs of 200,000 rows = serial');
SELECT is(aging_t.run($$SELECT string_agg(ar_credit.aging_bucket(due, as_of, '{15,45}') || ar_credit.days_past_due(due, as_of), ',' ORDER BY i)
                          FROM aging_t.inv WHERE i <= 5$$),
          -- i = 1..5: due = 2024-01-01 + i - 60 and as_of = 2024-01-01 + 90, so 150 - i days
          '>45149,>45148,>45147,>45146,>45145', 'forced parallel: scalar functions in a worker');
-- forced and partial together: zero parallel costs again
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT matches(aging_t.plan_of('SELECT ar_credit.aging(amount, due, as_of) FROM aging_t.inv'),
               'Finalize Aggregate.*Gather.*Partial Aggregate', 'forced and cheap: partial aggregation');
SELECT is(aging_t.run($$SELECT ar_credit.aging(amount, due, as_of, '{15,45,75,105,200}')::text FROM aging_t.inv$$),
          (SELECT aging_custom FROM aging_t.serial), 'forced and cheap: aging with bounds = serial');

SELECT * FROM finish();
ROLLBACK;
