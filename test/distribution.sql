--
-- pgTAP guards of what a distributed planner (Citus, doc/scale-out.md) needs
-- from ar_credit, checked without Citus installed:
--   * no aggregate keeps its state in a pseudo-type (Citus pushes down only
--     aggregates whose state type is real, and ships the state as text);
--   * every aggregate has a combine function, and combining states that went
--     through their text form gives what the aggregate gives in one piece
--     (what Citus does with worker_partial_agg and coord_combine_agg);
--   * a state stays small whatever the number of rows;
--   * every function Citus may push down into a query on a shard is
--     PARALLEL SAFE, and the STABLE ones (those that read tables) are the
--     known list, reading only the configuration tables that doc/scale-out.md
--     makes reference tables.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL datestyle = 'ISO, YMD';

SELECT plan(34);

-- ---------------------------------------------------------------------
-- Catalogue
-- ---------------------------------------------------------------------
SELECT is(array_agg(a.aggfnoid::regprocedure::text ORDER BY a.aggfnoid::regprocedure::text COLLATE "C") FILTER (WHERE t.typtype = 'p'), NULL,
          'no ar_credit aggregate has a pseudo-type (internal) transition state')
  FROM pg_aggregate a
  JOIN pg_proc p ON p.oid = a.aggfnoid
  JOIN pg_type t ON t.oid = a.aggtranstype
 WHERE p.pronamespace = 'ar_credit'::regnamespace;
SELECT is(array_agg(a.aggfnoid::regprocedure::text ORDER BY a.aggfnoid::regprocedure::text COLLATE "C") FILTER (WHERE a.aggcombinefn = 0), NULL,
          'every ar_credit aggregate has a combine function')
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
 WHERE p.pronamespace = 'ar_credit'::regnamespace;
SELECT is(count(*), 4::bigint, 'aging (2), paydex and avg_days_beyond_terms are the aggregates of the aging area')
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
 WHERE p.pronamespace = 'ar_credit'::regnamespace AND a.aggtranstype = 'ar_credit.aging_state'::regtype;
SELECT is((SELECT concat_ws(' ', typinput, typoutput, typstorage, typalign, typlen)
             FROM pg_type WHERE oid = 'ar_credit.aging_state'::regtype),
          'ar_credit.aging_state_in ar_credit.aging_state_out p d -1',
          'aging_state: text input and output (how Citus ships it), plain storage, double alignment, varlena');
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text COLLATE "C") FILTER (WHERE p.proparallel <> 's'), NULL,
          'every IMMUTABLE or STABLE ar_credit function (Citus may push it down to the shards) is PARALLEL SAFE')
  FROM pg_proc p
 WHERE p.pronamespace = 'ar_credit'::regnamespace AND p.provolatile IN ('i', 's')
   -- the internal functions (not PUBLIC's) never appear in a user's query
   AND has_function_privilege('public', p.oid, 'EXECUTE');
SELECT is(array_agg(f::regprocedure::text ORDER BY f::regprocedure::text COLLATE "C") FILTER (WHERE pf.proparallel <> 's'), NULL,
          'every support function of the aggregates is PARALLEL SAFE')
  FROM pg_aggregate a
  JOIN pg_proc p ON p.oid = a.aggfnoid
  CROSS JOIN LATERAL unnest(ARRAY[a.aggtransfn, a.aggfinalfn, a.aggcombinefn]::oid[]) AS f
  JOIN pg_proc pf ON pf.oid = f
 WHERE p.pronamespace = 'ar_credit'::regnamespace;
-- The STABLE functions read tables.  Pushed down into a query on a shard they
-- read the worker's copy: only the configuration tables, which the Citus
-- recipe makes reference tables.  A new STABLE function must be added here
-- with the tables it reads (and to doc/scale-out.md).
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text COLLATE "C"),
          ARRAY['ar_credit.as_date(timestamp with time zone)',
                'ar_credit.late_interest(numeric,date,date,text)',
                'ar_credit.late_interest(numeric,date,date,text,numeric)',
                'ar_credit.late_interest_detail(numeric,date,date,text)',
                'ar_credit.next_reminder(date,date,integer,text,date,integer)',
                'ar_credit.next_reminder_rec(date,date,integer,text,date,integer,numeric)',
                'ar_credit.qualified_name(regclass)',
                'ar_credit.recommended_terms(text)',
                'ar_credit.recovery_indemnity(numeric,text)'],
          'the STABLE functions are the known ones (late interest, reminders, recommended terms; qualified_name reads the catalog)')
  FROM pg_proc p
 WHERE p.pronamespace = 'ar_credit'::regnamespace AND p.provolatile = 's'
   AND has_function_privilege('public', p.oid, 'EXECUTE');
SELECT is(array_agg(DISTINCT m[1]) FILTER (WHERE m[1] NOT IN ('credit_policy')), NULL,
          'recommended_terms reads no ar_credit table but credit_policy')
  FROM pg_proc p
  CROSS JOIN LATERAL regexp_matches(p.prosrc, 'ar_credit\.([a-z_]+)', 'g') AS m
  JOIN pg_class c ON c.relname = m[1] AND c.relnamespace = 'ar_credit'::regnamespace
 WHERE p.oid = 'ar_credit.recommended_terms(text)'::regprocedure;
SELECT is(array_agg(c.relname::text ORDER BY c.relname::text COLLATE "C"),
          ARRAY['credit_policy', 'dunning_step', 'interest_regime', 'reference_rate'],
          'the configuration tables (reference tables under Citus) exist, each with a primary key')
  FROM pg_class c
 WHERE c.relnamespace = 'ar_credit'::regnamespace
   AND c.relname IN ('credit_policy', 'dunning_step', 'interest_regime', 'reference_rate')
   AND EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p');

-- ---------------------------------------------------------------------
-- Two-phase aggregation through the text form, as Citus runs it: a partial
-- state per shard (worker_partial_agg = the transition function), shipped
-- as text, read back and combined (coord_combine_agg = the combine
-- function), then the final function.
-- ---------------------------------------------------------------------
CREATE SCHEMA dist_t;
CREATE AGGREGATE dist_t.aging_partial(numeric, date, date) (
    SFUNC = ar_credit.aging_transfn, STYPE = ar_credit.aging_state);
CREATE AGGREGATE dist_t.aging_partial(numeric, date, date, int[]) (
    SFUNC = ar_credit.aging_transfn, STYPE = ar_credit.aging_state);
CREATE AGGREGATE dist_t.paydex_partial(numeric, int) (
    SFUNC = ar_credit.kpi_signed_days_transfn, STYPE = ar_credit.aging_state);
CREATE AGGREGATE dist_t.beyond_partial(numeric, int) (
    SFUNC = ar_credit.kpi_beyond_terms_transfn, STYPE = ar_credit.aging_state);
CREATE AGGREGATE dist_t.aging_combine(ar_credit.aging_state) (
    SFUNC = ar_credit.aging_state_combine, STYPE = ar_credit.aging_state,
    FINALFUNC = ar_credit.aging_finalfn);
CREATE AGGREGATE dist_t.paydex_combine(ar_credit.aging_state) (
    SFUNC = ar_credit.aging_state_combine, STYPE = ar_credit.aging_state,
    FINALFUNC = ar_credit.kpi_paydex_finalfn);
CREATE AGGREGATE dist_t.beyond_combine(ar_credit.aging_state) (
    SFUNC = ar_credit.aging_state_combine, STYPE = ar_credit.aging_state,
    FINALFUNC = ar_credit.kpi_avg_days_finalfn);

-- 8 "shards" of 20,000 invoices with cents, plus rows that take the exact
-- slow path (more than 8 decimals, 10^28 and more, their negatives), NULLs,
-- and a shard whose rows all have a NULL amount
CREATE TABLE dist_t.inv AS
SELECT g % 8 AS shard, round((random() * 10000 - 500)::numeric, 2) AS amount,
       date '2024-01-01' + (random() * 365)::int AS due, (random() * 200)::int - 40 AS days_late
  FROM generate_series(1, 160000) g
UNION ALL VALUES (1, 0.000000001, date '2024-09-01', 5), (2, 1e30, date '2024-02-01', 200),
                 (3, -1e30, date '2024-02-01', -10), (4, 123.456789012345, date '2024-12-01', 1),
                 (5, NULL, date '2024-05-01', 3), (6, 10, NULL, NULL),
                 (9, NULL, date '2024-05-01', 3);

SELECT is((SELECT dist_t.aging_combine(p::text::ar_credit.aging_state)
             FROM (SELECT dist_t.aging_partial(amount, due, date '2024-10-01') AS p
                     FROM dist_t.inv GROUP BY shard) s),
          (SELECT ar_credit.aging(amount, due, date '2024-10-01') FROM dist_t.inv),
          'aging: per-shard states through text, combined = aging in one piece');
SELECT is((SELECT dist_t.aging_combine(p::text::ar_credit.aging_state)
             FROM (SELECT dist_t.aging_partial(amount, due, date '2024-10-01', '{7,14,21,28,35,42,49,56,63,70,77,84,91,98,105,112,119,126}') AS p
                     FROM dist_t.inv GROUP BY shard) s),
          (SELECT ar_credit.aging(amount, due, date '2024-10-01', '{7,14,21,28,35,42,49,56,63,70,77,84,91,98,105,112,119,126}') FROM dist_t.inv),
          'aging with 18 bounds: per-shard states through text, combined = aging in one piece');
SELECT is((SELECT dist_t.aging_combine(p::text::ar_credit.aging_state)
             FROM (SELECT dist_t.aging_partial(amount, due, date '2024-10-01') AS p
                     FROM dist_t.inv GROUP BY shard) s),
          (SELECT ARRAY[sum(amount) FILTER (WHERE date '2024-10-01' - due <= 0),
                        coalesce(sum(amount) FILTER (WHERE date '2024-10-01' - due BETWEEN 1 AND 30), 0),
                        coalesce(sum(amount) FILTER (WHERE date '2024-10-01' - due BETWEEN 31 AND 60), 0),
                        coalesce(sum(amount) FILTER (WHERE date '2024-10-01' - due BETWEEN 61 AND 90), 0),
                        coalesce(sum(amount) FILTER (WHERE date '2024-10-01' - due > 90), 0)]
             FROM dist_t.inv),
          'aging combined from shards = sum() per bucket, exact to the last decimal (1e30 and 1e-9 included)');
SELECT is((SELECT dist_t.paydex_combine(p::text::ar_credit.aging_state)
             FROM (SELECT dist_t.paydex_partial(amount, days_late) AS p FROM dist_t.inv GROUP BY shard) s),
          (SELECT ar_credit.paydex(amount, days_late) FROM dist_t.inv),
          'paydex: per-shard states through text, combined = paydex in one piece');
SELECT is((SELECT dist_t.beyond_combine(p::text::ar_credit.aging_state)
             FROM (SELECT dist_t.beyond_partial(amount, days_late) AS p FROM dist_t.inv
                    WHERE abs(amount) < 1e20 GROUP BY shard) s),
          (SELECT ar_credit.avg_days_beyond_terms(amount, days_late) FROM dist_t.inv WHERE abs(amount) < 1e20),
          'avg_days_beyond_terms: per-shard states through text, combined = in one piece');
SELECT is((SELECT dist_t.beyond_combine(p::text::ar_credit.aging_state)
             FROM (SELECT dist_t.beyond_partial(amount, days_late) AS p FROM dist_t.inv
                    WHERE abs(amount) < 1e20 GROUP BY shard) s),
          (SELECT round(sum(amount * greatest(days_late, 0)) / sum(amount), 2)
             FROM dist_t.inv WHERE amount > 0 AND days_late IS NOT NULL AND abs(amount) < 1e20),
          'avg_days_beyond_terms combined from shards = round(sum(amount x max(days, 0)) / sum(amount), 2)');
SELECT is((SELECT dist_t.aging_combine(p::text::ar_credit.aging_state)
             FROM (SELECT dist_t.aging_partial(amount, due, date '2024-10-01') AS p
                     FROM dist_t.inv WHERE shard = 9 GROUP BY shard) s),
          NULL, 'a shard whose rows all have a NULL amount: NULL, like aging over it');
SELECT is((SELECT dist_t.aging_combine(p) FROM (SELECT NULL::ar_credit.aging_state AS p) s),
          NULL, 'combining nothing but NULL states: NULL');

-- a state's size does not depend on the number of rows
SELECT cmp_ok((SELECT max(octet_length(p::text))
                 FROM (SELECT dist_t.aging_partial(amount, due, date '2024-10-01') AS p
                         FROM dist_t.inv WHERE abs(amount) < 1e20 AND amount = round(amount, 2)
                        GROUP BY shard) s), '<', 100,
              'the text of an aging state of 20,000 rows is under 100 bytes (5 totals)');
SELECT cmp_ok((SELECT max(pg_column_size(p))
                 FROM (SELECT dist_t.aging_partial(amount, due, date '2024-10-01') AS p
                         FROM dist_t.inv WHERE abs(amount) < 1e20 AND amount = round(amount, 2)
                        GROUP BY shard) s), '<=', 160,
              'an aging state of 20,000 rows takes at most 160 bytes');

-- ---------------------------------------------------------------------
-- The text form
-- ---------------------------------------------------------------------
SELECT is('aging {30,60,90} 1.00 - -3 12345678901234567890123456789012.123456789 0'::ar_credit.aging_state::text,
          'aging {30,60,90} 1.00 - -3 12345678901234567890123456789012.123456789 0',
          'aging_state text round trip (empty totals, negative, beyond 128 bits, more than 8 decimals)');
SELECT is('kpi 5.50 -'::ar_credit.aging_state::text, 'kpi 5.50 -', 'KPI state text round trip');
SELECT throws_ok($$SELECT ar_credit.aging_finalfn(NULL)$$, '0A000',
                 'aging_finalfn must be called by an aggregate', 'a final function refuses a direct call');
SELECT throws_ok($$SELECT 'kpi 5'::ar_credit.aging_state$$, '22P02',
                 'invalid input syntax for type aging_state: "kpi 5"', 'a KPI state needs two totals');
SELECT throws_ok($$SELECT 'aging {30,20} 1 2 3 4'::ar_credit.aging_state$$, '22P02',
                 'invalid input syntax for type aging_state: "aging {30,20} 1 2 3 4"', 'state bounds must increase');
SELECT throws_ok($$SELECT 'aging {30} 1 2 x'::ar_credit.aging_state$$, '22P02',
                 'invalid input syntax for type aging_state: "aging {30} 1 2 x"', 'a total must be a number');
SELECT throws_ok($$SELECT 'aging {30} 1 2 NaN'::ar_credit.aging_state$$, '22P02',
                 'invalid input syntax for type aging_state: "aging {30} 1 2 NaN"', 'a total cannot be NaN');
SELECT throws_ok($$SELECT 'sum 1 2'::ar_credit.aging_state$$, '22P02',
                 'invalid input syntax for type aging_state: "sum 1 2"', 'unknown state kind');
SELECT throws_ok($$SELECT 'aging {30} 1 2 3 '::ar_credit.aging_state$$, '22P02',
                 'invalid input syntax for type aging_state: "aging {30} 1 2 3 "', 'trailing text');
SELECT throws_ok($$SELECT dist_t.aging_combine(s) FROM (VALUES ('aging {30} 1 2 3'::ar_credit.aging_state),
                                                              ('aging {60} 1 2 3'::ar_credit.aging_state)) v(s)$$,
                 '22023', 'aging bounds must be the same for every row of a group',
                 'states with different bounds do not combine');
SELECT throws_ok($$SELECT dist_t.aging_combine(s) FROM (VALUES ('aging {30} 1 2 3'::ar_credit.aging_state),
                                                              ('kpi 1 2'::ar_credit.aging_state)) v(s)$$,
                 '22023', 'cannot combine aging states of different aggregates',
                 'an aging state and a KPI state do not combine');
SELECT throws_ok($$SELECT ar_credit.aging_state_combine('kpi 1 2', 'kpi 1 2')$$, '0A000',
                 'aging_state_combine must be called by an aggregate', 'support functions refuse a direct call');
SELECT is((SELECT dist_t.paydex_combine(s) FROM (VALUES ('aging {30} 1 2 3'::ar_credit.aging_state)) v(s)),
          NULL, 'the paydex final function of an aging state: NULL');

-- ---------------------------------------------------------------------
-- The rate cache under Citus: the setting that lets it read reference
-- tables from a query on a shard is restored after the load
-- ---------------------------------------------------------------------
SET LOCAL citus.allow_nested_distributed_execution = off;
SELECT is(ar_credit.late_interest(10000, date '2024-01-31', date '2024-06-30', 'FR_B2B'), 599.86,
          'late_interest with a citus.* setting present');
SELECT is(current_setting('citus.allow_nested_distributed_execution'), 'off',
          'citus.allow_nested_distributed_execution is back to its value after the cache load');

SELECT * FROM finish();
ROLLBACK;
