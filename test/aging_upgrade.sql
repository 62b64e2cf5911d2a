--
-- pgTAP: updating from 0.2.0, where aging, paydex and avg_days_beyond_terms
-- kept an internal state, to aging_state (doc/scale-out.md).  The aggregates
-- are dropped and created again, so the update first names the user objects
-- that use them; between a package upgrade and ALTER EXTENSION UPDATE the
-- old aggregates say what to do instead of misbehaving.
--
BEGIN;
CREATE EXTENSION ar_credit VERSION '0.2.0';
SELECT plan(7);

CREATE VIEW public.aging_upgrade_v AS
SELECT ar_credit.aging(amount, due, date '2024-10-01') AS buckets
  FROM (VALUES (100.00, date '2024-09-20')) AS t(amount, due);

SELECT throws_ok($$SELECT * FROM public.aging_upgrade_v$$, '55000',
                 'the ar_credit aggregates in this database are older than their library',
                 '0.2.0 aggregates with this library: a clear error');
SELECT throws_ok($$SELECT ar_credit.paydex(100, 3)$$, '55000',
                 'the ar_credit aggregates in this database are older than their library',
                 '0.2.0 paydex with this library: the same error');
SELECT throws_ok($$ALTER EXTENSION ar_credit UPDATE TO '0.3.0'$$, '2BP01',
                 'cannot update ar_credit: view public.aging_upgrade_v use the aggregates aging, paydex or avg_days_beyond_terms',
                 'the update names the view that uses the aggregates and changes nothing');
SELECT is((SELECT extversion FROM pg_extension WHERE extname = 'ar_credit'), '0.2.0',
          'still at 0.2.0 after the refused update');

DROP VIEW public.aging_upgrade_v;
SELECT lives_ok($$ALTER EXTENSION ar_credit UPDATE TO '0.3.0'$$, 'without the view, the update runs');
SELECT is((SELECT aggtranstype::regtype::text FROM pg_aggregate
            WHERE aggfnoid = 'ar_credit.paydex(numeric, integer)'::regprocedure),
          'ar_credit.aging_state', 'paydex keeps its state in aging_state after the update');
SELECT is((SELECT ar_credit.aging(amount, due, date '2024-10-01')
             FROM (VALUES (100.00, date '2024-09-20'), (5, date '2025-01-01')) AS t(amount, due)),
          '{5,100.00,0,0,0}'::numeric[], 'aging works after the update');

SELECT * FROM finish();
ROLLBACK;
