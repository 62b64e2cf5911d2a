--
-- pgTAP behaviour tests of the batch worker API (SPEC section 10):
-- complete_reminders(ids, outcome) and fail_reminders(ids, error) have the
-- semantics of complete_reminder and fail_reminder, one statement per batch.
--
-- Two twin tracked tables get the same invoices and the same events; the
-- reminders of table a are completed and failed one id at a time, those of
-- table b in batches, and the two histories must come out the same.  Every
-- date is relative to CURRENT_DATE (D).
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public, ar_credit;
SET LOCAL datestyle = 'ISO, YMD';

SELECT plan(75);

CREATE SCHEMA wapi;
-- ---------------------------------------------------------------------
-- a claim reads about `batch` rows, whatever the statistics: here the
-- queue was never analysed and 3,000 reminders fall due at once (the first
-- claim of the session: plpgsql plans it with these statistics)
-- ---------------------------------------------------------------------
CREATE TABLE wapi.big (no int PRIMARY KEY, due date, amount numeric);
SELECT ar_credit.track('wapi.big', 'no', 'due', 'amount');
INSERT INTO wapi.big SELECT i, current_date - 3, 10 FROM generate_series(1, 3000) AS i;
CREATE TEMP TABLE wapi_reads AS
    SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) AS n FROM pg_stat_xact_user_tables WHERE relid = 'ar_credit.dunning_queue'::regclass;
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(10, 'w4')), 10::bigint, 'ten of the 3,000 claimed');
SELECT cmp_ok((SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables
                WHERE relid = 'ar_credit.dunning_queue'::regclass) - (SELECT n FROM wapi_reads), '<', 200::bigint,
              'claiming 10 read fewer than 200 queue rows, not the 3,000 due (the ordered index scan, no sort)');
SET LOCAL enable_sort = off;
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(1, 'w4')), 1::bigint, 'one more claimed');
SELECT is(current_setting('enable_sort'), 'off', 'claim_reminders leaves the caller''s enable_sort as it was (off)');
SET LOCAL enable_sort = on;
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(1, 'w4')), 1::bigint, 'and one more');
SELECT is(current_setting('enable_sort'), 'on', 'claim_reminders leaves the caller''s enable_sort as it was (on)');
DELETE FROM wapi.big;   -- their reminders cancelled: out of the way

CREATE TABLE wapi.a (no text PRIMARY KEY, cust text, due date, amount numeric(12,2), status text);
CREATE TABLE wapi.b (LIKE wapi.a INCLUDING ALL);
-- k1, k2 open; k3 paid and k4 disputed while claimed; k5, k6 fail; k7 not due
INSERT INTO wapi.a VALUES
    ('k1', 'C1', current_date - 3, 100.00, 'open'),
    ('k2', 'C1', current_date - 5, 200.00, 'open'),
    ('k3', 'C2', current_date - 4, 300.00, 'open'),
    ('k4', 'C2', current_date - 6, 400.00, 'open'),
    ('k5', 'C3', current_date - 3, 500.00, 'open'),
    ('k6', 'C3', current_date - 3, 600.00, 'open'),
    ('k7', 'C4', current_date + 30, 700.00, 'open');
INSERT INTO wapi.b SELECT * FROM wapi.a;
SELECT ar_credit.track('wapi.a', 'no', 'due', 'amount', status_column => 'status', customer_column => 'cust');
SELECT ar_credit.track('wapi.b', 'no', 'due', 'amount', status_column => 'status', customer_column => 'cust');

-- every reminder of a table, oldest first per invoice, without ids or times:
-- 'key:state:level:days:attempts:error:outcome ...' (days = remind_on - D)
CREATE FUNCTION wapi.hist(src regclass) RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(pg_catalog.format('%s:%s:L%s:%s:%s:%s:%s', q.invoice_key, q.state, q.level,
                                        q.remind_on - current_date, q.attempts, coalesce(q.last_error, '-'),
                                        coalesce(q.outcome, '-')), ' ' ORDER BY q.invoice_key, q.id)
      FROM ar_credit.dunning_queue AS q WHERE q.source = src
$$;
CREATE FUNCTION wapi.id_of(src regclass, k text, st text DEFAULT 'claimed') RETURNS bigint
LANGUAGE sql AS $$
    SELECT max(q.id) FROM ar_credit.dunning_queue AS q WHERE q.source = src AND q.invoice_key = k AND q.state = st
$$;
CREATE FUNCTION wapi.ids_of(src regclass, ks text[], st text DEFAULT 'claimed') RETURNS bigint[]
LANGUAGE sql AS $$
    SELECT array_agg(q.id ORDER BY q.id DESC) FROM ar_credit.dunning_queue AS q
     WHERE q.source = src AND q.invoice_key = ANY (ks) AND q.state = st
$$;

SELECT is(wapi.hist('wapi.a'), replace(wapi.hist('wapi.b'), 'wapi.b', 'wapi.a'), 'the twins start the same');
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(100, 'w1')), 12::bigint,
          'the six due reminders of each twin claimed');
UPDATE wapi.a SET status = 'paid' WHERE no = 'k3';
UPDATE wapi.b SET status = 'paid' WHERE no = 'k3';
UPDATE wapi.a SET status = 'disputed' WHERE no = 'k4';
UPDATE wapi.b SET status = 'disputed' WHERE no = 'k4';

-- ---------------------------------------------------------------------
-- complete: one by one (a) and as one batch (b)
-- ---------------------------------------------------------------------
SELECT lives_ok($$SELECT ar_credit.complete_reminder(wapi.id_of('wapi.a', k)) FROM unnest(ARRAY['k1', 'k2']) AS k$$,
                'a: complete_reminder of k1 and k2');
SELECT lives_ok($$SELECT ar_credit.complete_reminder(wapi.id_of('wapi.a', 'k3', 'cancelled')),
                         ar_credit.complete_reminder(wapi.id_of('wapi.a', 'k4', 'suspended'))$$,
                'a: complete_reminder of k3 (paid meanwhile) and k4 (disputed meanwhile)');
SELECT is(ar_credit.complete_reminders(wapi.ids_of('wapi.b', ARRAY['k1', 'k2']) || wapi.id_of('wapi.b', 'k3', 'cancelled')
                                       || wapi.id_of('wapi.b', 'k4', 'suspended')),
          4, 'b: complete_reminders of k1, k2, k3 and k4 in one call returns 4');
SELECT is(wapi.hist('wapi.b'),
          'k1:sent:L3:0:0:-:- k1:pending:L4:12:0:-:- k2:sent:L3:0:0:-:- k2:pending:L4:10:0:-:- '
          'k3:sent:L3:0:0:-:- k4:sent:L3:0:0:-:- k4:suspended:L4:9:0:-:- '
          'k5:claimed:L3:0:0:-:- k6:claimed:L3:0:0:-:- k7:pending:L1:15:0:-:-',
          'b: sent; next level of the open ones (due + 15, at least 5 days on), none for the paid one, suspended for the disputed one');
SELECT is(wapi.hist('wapi.a'), wapi.hist('wapi.b'), 'a and b: the same history');
SELECT results_eq($$SELECT r.last_level, r.last_sent_on = current_date FROM ar_credit.receivable AS r
                     WHERE r.source = 'wapi.b'::regclass ORDER BY r.item_key$$,
                  $$VALUES (3, true), (3, true), (3, true), (3, true), (0, NULL::bool), (0, NULL), (0, NULL)$$,
                  'b: the receivables record the level sent');

-- a sent reminder completed again (a worker retrying) is a no-op
SELECT is(ar_credit.complete_reminders(ARRAY[wapi.id_of('wapi.b', 'k1', 'sent')]), 0,
          'complete_reminders of a sent reminder: 0, no error');
SELECT lives_ok($$SELECT ar_credit.complete_reminder(wapi.id_of('wapi.a', 'k1', 'sent'))$$,
                'complete_reminder of a sent reminder: no error');
SELECT is(wapi.hist('wapi.a'), wapi.hist('wapi.b'), 'a retried completion queues no second next level');
SELECT is(ar_credit.complete_reminders('{}'), 0, 'an empty batch: 0');

-- errors: the whole batch is refused, nothing changes
SELECT throws_ok($$SELECT ar_credit.complete_reminders(NULL)$$, '22004', 'ids must not be NULL nor contain NULL',
                 'complete_reminders(NULL): 22004');
SELECT throws_ok($$SELECT ar_credit.complete_reminder(NULL)$$, '22004', NULL, 'complete_reminder(NULL): 22004');
SELECT throws_ok($$SELECT ar_credit.complete_reminders(ARRAY[-42])$$, '22023', 'no reminder with id -42',
                 'complete_reminders of an unknown id: 22023 naming it');
SELECT throws_ok(pg_catalog.format('SELECT ar_credit.complete_reminders(ARRAY[%s])', wapi.id_of('wapi.b', 'k7', 'pending')),
                 '55000', pg_catalog.format('reminder %s is pending, not claimed', wapi.id_of('wapi.b', 'k7', 'pending')),
                 'complete_reminders of a pending reminder: 55000 naming it');
SELECT throws_ok(pg_catalog.format('SELECT ar_credit.complete_reminders(ARRAY[%s, %s])', wapi.id_of('wapi.b', 'k5'),
                                   wapi.id_of('wapi.b', 'k7', 'pending')),
                 '55000', NULL, 'a batch mixing a claimed and a pending reminder: 55000');
SELECT throws_ok(pg_catalog.format('SELECT ar_credit.complete_reminders(ARRAY[%s, -42])', wapi.id_of('wapi.b', 'k5')),
                 '22023', NULL, 'a batch mixing a claimed and an unknown id: 22023');
SELECT throws_ok(pg_catalog.format('SELECT ar_credit.complete_reminders(ARRAY[%s, NULL])', wapi.id_of('wapi.b', 'k5')),
                 '22004', NULL, 'a batch with a NULL element: 22004');
SELECT is(wapi.hist('wapi.a'), wapi.hist('wapi.b'), 'refused batches changed nothing (k5 still claimed)');

-- ---------------------------------------------------------------------
-- fail: backoff, then failed after ar_credit.max_attempts
-- ---------------------------------------------------------------------
SET LOCAL ar_credit.max_attempts = 3;
SELECT lives_ok($$SELECT ar_credit.fail_reminder(wapi.id_of('wapi.a', k), '451 try later') FROM unnest(ARRAY['k5', 'k6']) AS k$$,
                'a: fail_reminder of k5 and k6');
SELECT is(ar_credit.fail_reminders(wapi.ids_of('wapi.b', ARRAY['k5', 'k6']), '451 try later'), 2,
          'b: fail_reminders of k5 and k6 in one call returns 2');
SELECT results_eq($$SELECT state, attempts, claimed_by, next_attempt_at = now() + interval '1 minute'
                      FROM ar_credit.dunning_queue WHERE source = 'wapi.b'::regclass AND invoice_key IN ('k5', 'k6') ORDER BY invoice_key$$,
                  $$VALUES ('pending', 1, NULL::text, true), ('pending', 1, NULL, true)$$,
                  'b: pending again, lease released, retried in 1 minute');
SELECT is(wapi.hist('wapi.a'), wapi.hist('wapi.b'), 'a and b: the same history after a first failure');
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(100, 'w2')), 0::bigint, 'not claimed again before the retry time');
UPDATE ar_credit.dunning_queue SET next_attempt_at = now() - interval '1 second' WHERE invoice_key IN ('k5', 'k6');
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(100, 'w2')), 4::bigint, 'claimed again after the retry time');
SELECT lives_ok($$SELECT ar_credit.fail_reminder(wapi.id_of('wapi.a', k), '451 still') FROM unnest(ARRAY['k5', 'k6']) AS k$$,
                'a: second failures');
SELECT is(ar_credit.fail_reminders(wapi.ids_of('wapi.b', ARRAY['k5', 'k6']), '451 still'), 2, 'b: second failures in one call');
SELECT results_eq($$SELECT state, attempts, next_attempt_at = now() + interval '2 minutes'
                      FROM ar_credit.dunning_queue WHERE source = 'wapi.b'::regclass AND invoice_key IN ('k5', 'k6') ORDER BY invoice_key$$,
                  $$VALUES ('pending', 2, true), ('pending', 2, true)$$, 'b: the backoff doubles (2 minutes)');
UPDATE ar_credit.dunning_queue SET next_attempt_at = now() - interval '1 second' WHERE invoice_key IN ('k5', 'k6');
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(100, 'w3')), 4::bigint, 'claimed a third time');
-- k5 fails a third time (given up), k6 is sent: one batch of each per twin
SELECT lives_ok($$SELECT ar_credit.fail_reminder(wapi.id_of('wapi.a', 'k5'), '550 no such user'),
                         ar_credit.complete_reminder(wapi.id_of('wapi.a', 'k6'))$$, 'a: k5 fails, k6 is sent');
SELECT is(ar_credit.fail_reminders(wapi.ids_of('wapi.b', ARRAY['k5']), '550 no such user'), 1, 'b: k5 fails');
SELECT is(ar_credit.complete_reminders(wapi.ids_of('wapi.b', ARRAY['k6']), 'sent: <m6@example>'), 1, 'b: k6 is sent, with an outcome');
SELECT is(replace(wapi.hist('wapi.a'), ':-', ''), replace(replace(wapi.hist('wapi.b'), ':sent: <m6@example>', ''), ':-', ''),
          'a and b: the same history (the outcome aside)');
SELECT results_eq($$SELECT invoice_key, state, attempts, last_error, outcome FROM ar_credit.dunning_queue
                     WHERE source = 'wapi.b'::regclass AND invoice_key IN ('k5', 'k6') ORDER BY id$$,
                  $$VALUES ('k5', 'failed', 3, '550 no such user', NULL::text), ('k6', 'sent', 2, '451 still', 'sent: <m6@example>'),
                           ('k6', 'pending', 0, NULL, NULL)$$,
                  'b: k5 failed after ar_credit.max_attempts = 3; k6 sent with its outcome and its next level queued');

-- errors
SELECT throws_ok($$SELECT ar_credit.fail_reminders(NULL, 'x')$$, '22004', 'ids must not be NULL nor contain NULL', 'fail_reminders(NULL, ...): 22004');
SELECT throws_ok($$SELECT ar_credit.fail_reminder(NULL, 'x')$$, '22004', NULL, 'fail_reminder(NULL, ...): 22004');
SELECT throws_ok($$SELECT ar_credit.fail_reminders(ARRAY[-42], 'x')$$, '22023', 'no reminder with id -42',
                 'fail_reminders of an unknown id: 22023 naming it');
SELECT throws_ok(pg_catalog.format('SELECT ar_credit.fail_reminders(ARRAY[%s], %L)', wapi.id_of('wapi.b', 'k7', 'pending'), 'x'),
                 '55000', NULL, 'fail_reminders of a pending reminder: 55000');
SELECT throws_ok(pg_catalog.format('SELECT ar_credit.fail_reminders(ARRAY[%s], %L)', wapi.id_of('wapi.b', 'k1', 'sent'), 'x'),
                 '55000', NULL, 'fail_reminders of a sent reminder: 55000');
SELECT throws_ok(pg_catalog.format('SELECT ar_credit.fail_reminders(ARRAY[%s], %L)', wapi.id_of('wapi.b', 'k5', 'failed'), 'x'),
                 '55000', NULL, 'fail_reminders of a failed reminder: 55000');
SELECT is(ar_credit.fail_reminders('{}', 'x'), 0, 'fail_reminders of an empty batch: 0');

-- ---------------------------------------------------------------------
-- a lease expired and re-claimed: the first worker's late completion
-- counts, the second worker's is a no-op; one next level
-- ---------------------------------------------------------------------
INSERT INTO wapi.b VALUES ('k8', 'C5', current_date - 3, 800.00, 'open');
SELECT is((SELECT string_agg(invoice_key || ':' || claimed_by, ',') FROM ar_credit.claim_reminders(100, 'slow')), 'k8:slow',
          'k8 claimed by worker "slow"');
UPDATE ar_credit.dunning_queue SET claimed_until = now() - interval '1 second' WHERE invoice_key = 'k8';
SELECT is((SELECT string_agg(invoice_key || ':' || claimed_by, ',') FROM ar_credit.claim_reminders(100, 'fast')), 'k8:fast',
          'its lease expired: claimed again by worker "fast"');
SELECT is(ar_credit.complete_reminders(ARRAY[wapi.id_of('wapi.b', 'k8'), wapi.id_of('wapi.b', 'k8')], 'sent by slow'), 1,
          'the slow worker completes it late (a duplicated id counts once): 1');
SELECT is(ar_credit.complete_reminders(wapi.ids_of('wapi.b', ARRAY['k8'], 'sent'), 'sent by fast'), 0,
          'the fast worker''s completion: 0');
SELECT is((SELECT string_agg(pg_catalog.format('%s:L%s:%s', state, level, coalesce(outcome, '-')), ' ' ORDER BY id)
             FROM ar_credit.dunning_queue WHERE invoice_key = 'k8'),
          'sent:L3:sent by slow pending:L4:-', 'k8: sent once (first outcome kept), one next level');

-- ---------------------------------------------------------------------
-- privileges: ar_credit_worker may call them, PUBLIC may not
-- ---------------------------------------------------------------------
CREATE ROLE wapi_worker IN ROLE ar_credit_worker;
CREATE ROLE wapi_nobody;
SELECT ok(has_function_privilege('wapi_worker', 'ar_credit.complete_reminders(bigint[], text, text)', 'EXECUTE')
          AND has_function_privilege('wapi_worker', 'ar_credit.fail_reminders(bigint[], text)', 'EXECUTE'),
          'ar_credit_worker may execute complete_reminders and fail_reminders');
SET LOCAL ROLE wapi_nobody;
SELECT throws_ok($$SELECT ar_credit.complete_reminders('{}')$$, '42501', NULL, 'a role without ar_credit_worker cannot complete');
RESET ROLE;

-- ---------------------------------------------------------------------
-- workers settle their own claims (issue 18): another worker role gets
-- 42501, a member of the claiming role, a credit manager and a superuser
-- may settle them
-- ---------------------------------------------------------------------
CREATE ROLE wapi_other IN ROLE ar_credit_worker;
CREATE ROLE wapi_deputy IN ROLE wapi_worker;
CREATE ROLE wapi_manager IN ROLE ar_credit_credit_manager;
GRANT USAGE ON SCHEMA wapi TO wapi_worker, wapi_other, wapi_deputy, wapi_manager;
GRANT EXECUTE ON FUNCTION ar_credit.complete_reminders(bigint[], text, text), ar_credit.fail_reminders(bigint[], text)
   TO wapi_manager;
INSERT INTO wapi.b VALUES ('o1', 'C6', current_date - 3, 10, 'open'), ('o2', 'C6', current_date - 3, 20, 'open'),
                          ('o3', 'C6', current_date - 3, 30, 'open'), ('o4', 'C6', current_date - 3, 40, 'open');
SET LOCAL ROLE wapi_worker;
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(100, 'mine')), 4::bigint, 'wapi_worker claims the four');
RESET ROLE;
SELECT is((SELECT count(*) FROM ar_credit.dunning_queue WHERE claimed_by = 'mine' AND claimed_role = 'wapi_worker'::regrole),
          4::bigint, 'the claims record the role that made them');
-- the workers get their ids from their claim; here, from a table they may read
CREATE TABLE wapi.mine AS SELECT invoice_key AS k, id FROM ar_credit.dunning_queue WHERE claimed_by = 'mine';
GRANT SELECT ON wapi.mine TO wapi_worker, wapi_other, wapi_deputy, wapi_manager;
SET LOCAL ROLE wapi_other;
SELECT throws_ok($$SELECT ar_credit.complete_reminders(ARRAY[(SELECT id FROM wapi.mine WHERE k = 'o1')])$$,
                 '42501', NULL, 'another worker role cannot complete them');
SELECT throws_like($$SELECT ar_credit.complete_reminders(ARRAY[(SELECT id FROM wapi.mine WHERE k = 'o1')])$$,
                   '%was claimed by role "wapi_worker" (worker "mine"), not by role "wapi_other"', 'the error names both roles');
SELECT throws_ok($$SELECT ar_credit.fail_reminders(ARRAY[(SELECT id FROM wapi.mine WHERE k = 'o1')], 'x')$$,
                 '42501', NULL, 'nor fail them');
RESET ROLE;
SET LOCAL ROLE wapi_worker;
SELECT is(ar_credit.complete_reminders(ARRAY[(SELECT id FROM wapi.mine WHERE k = 'o1')]), 1,
          'the role that claimed completes its own');
RESET ROLE;
SET LOCAL ROLE wapi_deputy;
SELECT is(ar_credit.fail_reminders(ARRAY[(SELECT id FROM wapi.mine WHERE k = 'o2')], 'smtp down'), 1,
          'a member of the claiming role may fail it');
RESET ROLE;
SET LOCAL ROLE wapi_manager;
SELECT is(ar_credit.complete_reminders(ARRAY[(SELECT id FROM wapi.mine WHERE k = 'o3')]), 1,
          'a credit manager settles another role''s claim (the admin path)');
RESET ROLE;
SELECT is(ar_credit.complete_reminders(ARRAY[(SELECT id FROM wapi.mine WHERE k = 'o4')]), 1,
          'a superuser too');


-- a reminder failed back into the queue takes the level its invoice calls
-- for now: the due date moved while the worker held it (catch-up level 5 at
-- 40 days late, level 4 at 20)
INSERT INTO wapi.b VALUES ('mv', 'C8', current_date - 40, 10, 'open');
SELECT is((SELECT level FROM ar_credit.claim_reminders(100, 'mv') WHERE invoice_key = 'mv'), 5, 'mv: catch-up level 5 claimed');
UPDATE wapi.b SET due = current_date - 20 WHERE no = 'mv';
SELECT is((SELECT level FROM ar_credit.dunning_queue WHERE invoice_key = 'mv' AND state = 'claimed'), 5,
          'the due date moved while claimed: the worker''s reminder keeps its level');
SELECT is(ar_credit.fail_reminders(ARRAY(SELECT id FROM ar_credit.dunning_queue WHERE invoice_key = 'mv' AND state = 'claimed'), 'x'), 1,
          'the worker fails it');
SELECT is((SELECT level FROM ar_credit.dunning_queue WHERE invoice_key = 'mv' AND state = 'pending'),
          (ar_credit.next_reminder_rec(current_date - 20, current_date, 0, 'standard', NULL, 5, 10)).level,
          'back in the queue at the level the moved due date calls for (4)');

-- Regression (issue 18): at attempt 32 the backoff overflowed (22003); it
-- is capped at a day whatever the attempts
INSERT INTO wapi.b VALUES ('bo', 'C7', current_date - 3, 10, 'open');
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(100, 'bo')), 1::bigint, 'bo claimed');
UPDATE ar_credit.dunning_queue SET attempts = 40 WHERE invoice_key = 'bo' AND state = 'claimed';
SET LOCAL ar_credit.max_attempts = 100;
SELECT is(ar_credit.fail_reminders(ARRAY(SELECT id FROM ar_credit.dunning_queue WHERE invoice_key = 'bo' AND state = 'claimed'), 'x'), 1,
          'a 41st failure is recorded, no overflow');
SELECT is((SELECT next_attempt_at - now() FROM ar_credit.dunning_queue WHERE invoice_key = 'bo' AND state = 'pending'),
          interval '1 day', 'its backoff is capped at a day');

-- Issue 14: the worker path is planned once per session (generic plans),
-- the claim without JIT (its sorted output carries enable_sort's penalty
-- cost, which would make JIT compile it at each call), and the mirror
-- leaves room for HOT updates
SELECT ok((SELECT proconfig @> ARRAY['plan_cache_mode=force_generic_plan', 'jit=off']
             FROM pg_proc WHERE oid = 'ar_credit.claim_reminders(int, text, interval, date, text[], text)'::regprocedure),
          'claim_reminders: generic plans, no JIT');
SELECT ok((SELECT proconfig @> ARRAY['plan_cache_mode=force_generic_plan']
             FROM pg_proc WHERE oid = 'ar_credit.complete_reminders(bigint[], text, text)'::regprocedure),
          'complete_reminders: generic plans');
SELECT ok((SELECT reloptions @> ARRAY['fillfactor=90'] FROM pg_class WHERE oid = 'ar_credit.receivable'::regclass),
          'the receivables mirror is created with fillfactor 90');
-- the claim updates the rows it locked by ctid, and still returns them in
-- the order it claimed them (remind_on, id), not in the order they lie in
-- the table: ord2's reminder, moved to yesterday, now lies after ord1's
INSERT INTO wapi.b VALUES ('ord1', 'C8', current_date - 3, 10, 'open'), ('ord2', 'C8', current_date - 3, 10, 'open');
UPDATE ar_credit.dunning_queue SET remind_on = current_date - 1 WHERE invoice_key = 'ord2' AND state = 'pending';
SELECT results_eq($$SELECT invoice_key FROM ar_credit.claim_reminders(100, 'ord') WHERE invoice_key IN ('ord1', 'ord2')$$,
                  $$VALUES ('ord2'), ('ord1')$$, 'claimed rows come back in remind_on, id order, whatever their place in the table');

SELECT * FROM finish();
ROLLBACK;
