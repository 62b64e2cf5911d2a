--
-- pgTAP behaviour tests of dunning policies, the next reminder, invoice
-- tracking, the dunning queue, its worker API, views and privileges (SPEC
-- sections 5 and 6).
--
-- Reminders are computed as of CURRENT_DATE, so every date below is relative
-- to it (D = current_date).  Tests marked "Regression" pin bugs this
-- file found (fixed).  Run with pg_prove in a database where pgtap is
-- installed.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public, ar_credit;
SET LOCAL datestyle = 'ISO, YMD';

SELECT plan(320);

-- helpers (rolled back with everything else)
CREATE SCHEMA dunning_t;
GRANT USAGE ON SCHEMA dunning_t TO PUBLIC;

-- the live reminder of an invoice as 'state Llevel channel +days amount customer currency'
-- (days = remind_on - current_date), 'none' or 'many'
CREATE FUNCTION dunning_t.live_of(src regclass, k text) RETURNS text
LANGUAGE sql AS $$
    SELECT CASE count(*) WHEN 0 THEN 'none' WHEN 1 THEN
             max(pg_catalog.format('%s L%s %s %s%s %s %s %s', q.state, q.level, q.channel,
                 CASE WHEN q.remind_on >= current_date THEN '+' ELSE '' END, q.remind_on - current_date,
                 q.amount_due, coalesce(q.customer_key, '-'), coalesce(q.currency, '-')))
           ELSE 'many' END
      FROM ar_credit.dunning_queue AS q
     WHERE q.source = src AND q.invoice_key = k AND q.state IN ('pending', 'claimed', 'suspended')
$$;

-- every reminder of an invoice, oldest first: 'state:level ...' ('' when none)
CREATE FUNCTION dunning_t.hist_of(src regclass, k text) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(q.state || ':' || q.level, ' ' ORDER BY q.id), '')
      FROM ar_credit.dunning_queue AS q
     WHERE q.source = src AND q.invoice_key = k
$$;

-- invoices with more than one live reminder (must always be 0)
CREATE FUNCTION dunning_t.dup_live() RETURNS bigint
LANGUAGE sql AS $$
    SELECT count(*) FROM (SELECT 1 FROM ar_credit.dunning_queue AS q
                           WHERE q.state IN ('pending', 'claimed', 'suspended')
                           GROUP BY q.source, q.invoice_key HAVING count(*) > 1) AS d
$$;

-- the receivable of an invoice: its class, 'gone' once it left the table, 'none'
CREATE FUNCTION dunning_t.class_of(src regclass, k text) RETURNS text
LANGUAGE sql AS $$
    SELECT COALESCE((SELECT r.class FROM ar_credit.receivable AS r WHERE r.source = src AND r.item_key = k AND NOT r.gone),
                    (SELECT 'gone' FROM ar_credit.receivable AS r WHERE r.source = src AND r.item_key = k LIMIT 1),
                    'none')
$$;

-- id of the live reminder of an invoice
CREATE FUNCTION dunning_t.live_id(src regclass, k text) RETURNS bigint
LANGUAGE sql AS $$
    SELECT q.id FROM ar_credit.dunning_queue AS q
     WHERE q.source = src AND q.invoice_key = k AND q.state IN ('pending', 'claimed', 'suspended')
$$;

-- the reminder as 'Llevel +days channel' for next_reminder, or 'none'
CREATE FUNCTION dunning_t.nr(due date, last_level int DEFAULT 0, policy text DEFAULT 'standard',
                             last_sent date DEFAULT NULL, min_gap int DEFAULT 5) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(max(pg_catalog.format('L%s %s%s %s', r.level,
                        CASE WHEN r.remind_on >= current_date THEN '+' ELSE '' END,
                        r.remind_on - current_date, r.channel)), 'none')
      FROM ar_credit.next_reminder(due, current_date, last_level, policy, last_sent, min_gap) AS r
$$;

-- ---------------------------------------------------------------------
-- shipped policies (SPEC section 5)
-- ---------------------------------------------------------------------
SELECT results_eq(
    $$SELECT level, offset_days, channel, label FROM ar_credit.dunning_step WHERE policy = 'standard' ORDER BY level$$,
    $$VALUES (1, -15, 'email', 'courtesy reminder'), (2, -7, 'email', 'payment due soon'),
             (3, 1, 'email', 'first reminder'), (4, 15, 'phone', 'second reminder'),
             (5, 30, 'registered_letter', 'formal notice'), (6, 45, 'collection', 'handover to collection')$$,
    'standard policy: six levels as in SPEC section 5');
SELECT results_eq(
    $$SELECT level, offset_days, channel, label FROM ar_credit.dunning_step WHERE policy = 'strict' ORDER BY level$$,
    $$VALUES (1, -15, 'email', 'courtesy reminder'), (2, -7, 'email', 'payment due soon'),
             (3, 1, 'email', 'first reminder'), (4, 8, 'phone', 'second reminder'),
             (5, 15, 'registered_letter', 'formal notice'), (6, 30, 'collection', 'handover to collection')$$,
    'strict policy: -15, -7, +1, +8 phone, +15 formal notice, +30 collection');
SELECT is((SELECT array_agg(DISTINCT policy ORDER BY policy) FROM ar_credit.dunning_step), ARRAY['standard', 'strict'],
          'exactly the two shipped policies');
SELECT is((SELECT bool_and(shipped) AND bool_and(min_amount = 0) FROM ar_credit.dunning_step), true,
          'shipped rows are marked shipped, no minimum amount');

-- ---------------------------------------------------------------------
-- next_reminder (standard: -15, -7, +1, +15, +30, +45)
-- ---------------------------------------------------------------------
SELECT is(dunning_t.nr(current_date + 20), 'L1 +5 email', 'due in 20 days: courtesy reminder 15 days before');
SELECT is(dunning_t.nr(current_date + 15), 'L1 +0 email', 'due in 15 days: courtesy reminder today');
SELECT is(dunning_t.nr(current_date + 10), 'L2 +3 email', 'due in 10: level 1 passed, skipped; level 2 at due-7');
SELECT is(dunning_t.nr(current_date + 7), 'L2 +0 email', 'due in 7: level 2 today');
SELECT is(dunning_t.nr(current_date + 5), 'L3 +6 email', 'due in 5: both pre-due steps passed; level 3 at due+1');
SELECT is(dunning_t.nr(current_date - 1), 'L3 +0 email', 'due yesterday: level 3 today');
SELECT is(dunning_t.nr(current_date - 10), 'L3 +0 email', 'overdue 10 days: level 3 as of today');
SELECT is(dunning_t.nr(current_date - 100), 'L3 +0 email', 'overdue 100 days: still one level at a time (level 3)');
SELECT is(dunning_t.nr(current_date + 20, 1), 'L2 +13 email', 'after level 1: level 2 at due-7');
SELECT is(dunning_t.nr(current_date + 3, 1), 'L3 +4 email', 'after level 1, level 2 passed: skipped to level 3');
SELECT is(dunning_t.nr(current_date, 2), 'L3 +1 email', 'after level 2: level 3 at due+1');
SELECT is(dunning_t.nr(current_date, 3), 'L4 +15 phone', 'after level 3: level 4 at due+15 by phone');
SELECT is(dunning_t.nr(current_date, 4), 'L5 +30 registered_letter', 'after level 4: formal notice at due+30');
SELECT is(dunning_t.nr(current_date, 5), 'L6 +45 collection', 'after level 5: collection at due+45');
SELECT is(dunning_t.nr(current_date, 6), 'none', 'after the last level: no row');
SELECT is(dunning_t.nr(current_date, 9), 'none', 'beyond the last level: no row');
SELECT is(dunning_t.nr(current_date - 100, 3), 'L4 +0 phone', 'overdue 100 after level 3: level 4 today (as_of later than step)');
SELECT is(dunning_t.nr(current_date - 100, 5), 'L6 +0 collection', 'overdue 100 after level 5: level 6 today');
SELECT is(dunning_t.nr(current_date - 100, 3, 'standard', current_date - 2), 'L4 +3 phone',
          'min gap: last sent 2 days ago, 5 days gap: in 3 days');
SELECT is(dunning_t.nr(current_date - 100, 3, 'standard', current_date - 10), 'L4 +0 phone',
          'min gap already elapsed: today');
SELECT is(dunning_t.nr(current_date - 100, 3, 'standard', current_date, 0), 'L4 +0 phone', 'min gap 0: today');
SELECT is(dunning_t.nr(current_date - 100, 3, 'standard', current_date, 12), 'L4 +12 phone', 'min gap 12 from today');
SELECT is(dunning_t.nr(current_date + 20, 1, 'standard', current_date), 'L2 +13 email',
          'step date later than last_sent + gap: the step date');
SELECT is(dunning_t.nr(current_date + 20, 1, 'standard', current_date + 10), 'L2 +15 email',
          'last_sent + gap later than the step date: pushed');
SELECT is(dunning_t.nr(current_date + 8, 1, 'standard', current_date, 5), 'L2 +5 email',
          'pre-due step still ahead (due-7 = +1) pushed by the gap to +5');
-- strict
SELECT is(dunning_t.nr(current_date + 20, 0, 'strict'), 'L1 +5 email', 'strict: courtesy reminder at due-15');
SELECT is(dunning_t.nr(current_date + 10, 0, 'strict'), 'L2 +3 email', 'strict: level 2 at due-7');
SELECT is(dunning_t.nr(current_date, 2, 'strict'), 'L3 +1 email', 'strict: level 3 at due+1');
SELECT is(dunning_t.nr(current_date, 3, 'strict'), 'L4 +8 phone', 'strict: level 4 at due+8 by phone');
SELECT is(dunning_t.nr(current_date, 4, 'strict'), 'L5 +15 registered_letter', 'strict: formal notice at due+15');
SELECT is(dunning_t.nr(current_date, 5, 'strict'), 'L6 +30 collection', 'strict: collection at due+30');
SELECT is(dunning_t.nr(current_date, 6, 'strict'), 'none', 'strict: no row after level 6');
-- labels and argument handling
SELECT results_eq($$SELECT level, remind_on - current_date, channel, label FROM ar_credit.next_reminder(current_date, current_date, 4)$$,
                  $$VALUES (5, 30, 'registered_letter', 'formal notice')$$, 'next_reminder returns level, remind_on, channel, label');
SELECT is((SELECT count(*) FROM ar_credit.next_reminder(current_date - 1000, current_date)), 1::bigint,
          'defaults: last_level 0, standard, no last_sent, gap 5');
SELECT is((SELECT count(*) FROM ar_credit.next_reminder(NULL, current_date)), 0::bigint, 'NULL due: no row');
SELECT throws_ok($$SELECT * FROM ar_credit.next_reminder(current_date, current_date, 0, 'no_such_policy')$$,
                 '22023', NULL, 'unknown policy: 22023');
SELECT throws_ok($$SELECT * FROM ar_credit.next_reminder(current_date, current_date, 0, 'Standard')$$,
                 '22023', NULL, 'policy names are exact: Standard is unknown');
SELECT throws_ok($$SELECT * FROM ar_credit.next_reminder(current_date, current_date, 0, 'standard', NULL, -1)$$,
                 '22023', NULL, 'negative min gap: 22023');
SELECT throws_ok($$SELECT ar_credit.next_reminder_rec(current_date, current_date, 0, 'no_such_policy', NULL, 5, 100)$$,
                 '22023', NULL, 'next_reminder_rec: unknown policy 22023');

-- min_amount, with a user policy
INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label, min_amount) VALUES
    ('t_big', 1, 1, 'email', 'reminder', 0),
    ('t_big', 2, 10, 'phone', 'call', 1000),
    ('t_big', 3, 20, 'collection', 'collection', 0);
SELECT is((SELECT shipped FROM ar_credit.dunning_step WHERE policy = 't_big' AND level = 2), false,
          'a user row is not shipped');
SELECT is(dunning_t.nr(current_date, 1, 't_big'), 'L2 +10 phone', 'a new policy is seen at once (cache invalidated)');
SELECT is((SELECT (r).level FROM (SELECT ar_credit.next_reminder_rec(current_date, current_date, 1, 't_big', NULL, 5, 500) AS r) s),
          3, 'min_amount: level 2 (1000) skipped for 500 due');
SELECT is((SELECT (r).level FROM (SELECT ar_credit.next_reminder_rec(current_date, current_date, 1, 't_big', NULL, 5, 1000) AS r) s),
          2, 'min_amount: level 2 kept for exactly 1000 due');
SELECT is((SELECT (r).level FROM (SELECT ar_credit.next_reminder_rec(current_date, current_date, 1, 't_big', NULL, 5, NULL) AS r) s),
          2, 'min_amount: unknown amount keeps the step');
SELECT is((SELECT (r).remind_on - current_date FROM (SELECT ar_credit.next_reminder_rec(current_date, current_date, 1, 't_big', NULL, 5, 5) AS r) s),
          20, 'min_amount: level 3 date');
SELECT ok(ar_credit.next_reminder_rec(current_date, current_date, 3, 't_big', NULL, 5, 5) IS NULL,
          'next_reminder_rec: NULL after the last level');
UPDATE ar_credit.dunning_step SET offset_days = 12 WHERE policy = 't_big' AND level = 2;
SELECT is(dunning_t.nr(current_date, 1, 't_big'), 'L2 +12 phone', 'an edited policy is seen at once');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label) VALUES ('t_big', 4, 30, 'pigeon', 'x')$$,
                 '23514', NULL, 'unknown channel refused');

-- ---------------------------------------------------------------------
-- invoice_class (SPEC section 6)
-- ---------------------------------------------------------------------
SELECT is(ar_credit.invoice_class(w), c, pg_catalog.format('invoice_class(%L) = %s', w, c))
  FROM (VALUES ('open', 'open'), ('issued', 'open'), ('sent', 'open'), ('unpaid', 'open'),
               ('partially_paid', 'open'), ('overdue', 'open'),
               ('paid', 'closed'), ('cancelled', 'closed'), ('canceled', 'closed'), ('void', 'closed'),
               ('written_off', 'closed'), ('credited', 'closed'),
               ('disputed', 'suspended'), ('on_hold', 'suspended'), ('draft', 'ignored'),
               ('PAID', 'closed'), ('Cancelled', 'closed'), ('Written_Off', 'closed'), ('DISPUTED', 'suspended'),
               ('On_Hold', 'suspended'), ('Draft', 'ignored'), ('OPEN', 'open'),
               ('whatever', 'open'), ('', 'open'), ('paid_in_part', 'open'), ('unpaid ', 'open')) AS v(w, c);
SELECT is(ar_credit.invoice_class(NULL), 'open', 'invoice_class(NULL) = open');
-- Regression (was a BUG: a status longer than 63 characters was truncated
-- before comparison, so a long unknown word starting with "paid" and blanks
-- was taken for paid)
SELECT is(ar_credit.invoice_class('paid' || repeat(' ', 60) || 'later'), 'open',
          'Regression: long unknown status starting with "paid" is open, not closed');

-- ---------------------------------------------------------------------
-- track(): validation, nothing created on failure
-- ---------------------------------------------------------------------
CREATE SCHEMA "Billing";
CREATE TABLE "Billing".bad (id int, due_t text, amt_f float8, st_i int, d date, a numeric);
CREATE VIEW "Billing".bad_v AS SELECT * FROM "Billing".bad;
SELECT throws_ok($$SELECT ar_credit.track('"Billing".bad', 'nope', 'd', 'a')$$, '42703', NULL, 'track: missing key column 42703');
SELECT throws_ok($$SELECT ar_credit.track('"Billing".bad', 'id', 'nope', 'a')$$, '42703', NULL, 'track: missing due column 42703');
SELECT throws_ok($$SELECT ar_credit.track('"Billing".bad', 'id', 'd', 'a', 'nope')$$, '42703', NULL, 'track: missing status column 42703');
SELECT throws_ok($$SELECT ar_credit.track('"Billing".bad', 'id', 'due_t', 'a')$$, '42804', NULL, 'track: text due column 42804');
SELECT throws_ok($$SELECT ar_credit.track('"Billing".bad', 'id', 'd', 'amt_f')$$, '42804', NULL, 'track: float amount column 42804');
-- 0.3.0: a status of any type is read as text; a status_map says what its values mean
SELECT throws_ok($$SELECT ar_credit.track('"Billing".bad', 'id', 'd', 'a', 'st_i', status_map => '{"1": "bogus"}')$$,
                 '22023', NULL, 'track: a status_map value that is no class 22023');
SELECT throws_ok($$SELECT ar_credit.track('"Billing".bad_v', 'id', 'd', 'a')$$, '42809', NULL, 'track: a view is not a table 42809');
SELECT throws_ok($$SELECT ar_credit.track('"Billing".bad', 'id', 'd', 'a', policy => 'no_such_policy')$$, '22023', NULL,
                 'track: unknown policy 22023');
SELECT throws_ok($$SELECT ar_credit.track('"Billing".bad', NULL, 'd', 'a')$$, '22023', NULL,
                 'track: key_column NULL without a primary key 22023');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = '"Billing".bad'::regclass), 0::bigint,
          'failed track: no trigger created');
SELECT is((SELECT count(*) FROM ar_credit.tracked_table), 0::bigint, 'failed track: no tracked_table row');

-- ---------------------------------------------------------------------
-- worker API: claim, complete, fail, dunning_due
-- ---------------------------------------------------------------------
CREATE TABLE "Billing".w (id int PRIMARY KEY, due date, amt numeric, st text);
SELECT lives_ok($$SELECT ar_credit.track('"Billing".w', 'id', 'due', 'amt', 'st')$$, 'track "Billing".w');
INSERT INTO "Billing".w VALUES (1, current_date - 10, 100, 'open'), (2, current_date - 40, 200, 'open'),
                               (3, current_date + 30, 300, 'open'), (4, current_date - 5, 400, 'open');
-- as if key 2 had been queued three days ago
UPDATE ar_credit.dunning_queue SET remind_on = current_date - 3 WHERE invoice_key = '2';
SELECT set_eq($$SELECT invoice_key FROM ar_credit.dunning_due$$, ARRAY['1', '2', '4'],
              'dunning_due: the live reminders due today or earlier');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(0)$$, '22023', NULL, 'claim_reminders(0): 22023');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(-5)$$, '22023', NULL, 'claim_reminders(-5): 22023');
SELECT results_eq($$SELECT invoice_key, state, claimed_by, claimed_until = now() + interval '5 minutes'
                      FROM ar_credit.claim_reminders(1, 'wa')$$,
                  $$VALUES ('2', 'claimed', 'wa', true)$$, 'batch 1: the oldest due reminder, leased 5 minutes to wa');
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(10, 'wb', '5 minutes', current_date - 1)), 0::bigint,
          'as_of yesterday: nothing due that is not leased already');
SELECT results_eq($$SELECT invoice_key, claimed_by, claimed_until = now() + interval '10 minutes'
                      FROM ar_credit.claim_reminders(10, 'wb', '10 minutes') ORDER BY invoice_key$$,
                  $$VALUES ('1', 'wb', true), ('4', 'wb', true)$$, 'the other due reminders, not the future one, not the leased one');
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(10, 'wb')), 0::bigint, 'everything due is leased');
SELECT results_eq($$SELECT invoice_key, level FROM ar_credit.claim_reminders(10, 'wc', '5 minutes', current_date + 15)$$,
                  $$VALUES ('3', 1)$$, 'as_of in 15 days: the courtesy reminder of key 3');
UPDATE ar_credit.dunning_queue SET claimed_until = now() - interval '1 second' WHERE invoice_key = '2';
SELECT results_eq($$SELECT invoice_key, claimed_by FROM ar_credit.claim_reminders(10, 'wd')$$,
                  $$VALUES ('2', 'wd')$$, 'an expired lease is claimed again');
-- complete
SELECT lives_ok(pg_catalog.format('SELECT ar_credit.complete_reminder(%s)', dunning_t.live_id('"Billing".w', '1')),
                'complete_reminder of key 1');
SELECT is(dunning_t.hist_of('"Billing".w', '1'), 'sent:3 pending:4', 'sent, and the next level queued');
SELECT is(dunning_t.live_of('"Billing".w', '1'), 'pending L4 phone +5 100 - -', 'level 4 in 5 days (min gap from today)');
SELECT lives_ok(pg_catalog.format('SELECT ar_credit.complete_reminder(%s)',
                                  (SELECT id FROM ar_credit.dunning_queue WHERE invoice_key = '1' AND state = 'sent')),
                'complete_reminder again (a retry): no error');
SELECT is(dunning_t.hist_of('"Billing".w', '1'), 'sent:3 pending:4', 'a retried completion queues nothing more');
SELECT throws_ok(pg_catalog.format('SELECT ar_credit.complete_reminder(%s)', dunning_t.live_id('"Billing".w', '1')),
                 '55000', NULL, 'complete_reminder of a pending reminder: 55000');
SELECT throws_ok('SELECT ar_credit.complete_reminder(-42)', '22023', NULL, 'complete_reminder of no reminder: 22023');
-- paid while claimed: cancelled; the worker was sending it, so completing it
-- records it sent (0.3.0; 0.2.0 left it cancelled) and queues nothing
UPDATE "Billing".w SET st = 'paid' WHERE id = 4;
SELECT is(dunning_t.hist_of('"Billing".w', '4'), 'cancelled:3', 'paid while claimed: cancelled');
SELECT lives_ok(pg_catalog.format('SELECT ar_credit.complete_reminder(%s)',
                                  (SELECT id FROM ar_credit.dunning_queue WHERE invoice_key = '4')),
                'complete_reminder of a reminder cancelled while claimed: no error');
SELECT is(dunning_t.hist_of('"Billing".w', '4'), 'sent:3', 'completing a reminder cancelled while claimed records it sent, queues nothing');
-- fail
SET LOCAL ar_credit.max_attempts = 2;
SELECT lives_ok(pg_catalog.format('SELECT ar_credit.fail_reminder(%s, %L)', dunning_t.live_id('"Billing".w', '2'), 'smtp down'),
                'fail_reminder of key 2');
SELECT results_eq($$SELECT state, attempts, last_error, claimed_by, next_attempt_at = now() + interval '1 minute'
                      FROM ar_credit.dunning_queue WHERE invoice_key = '2'$$,
                  $$VALUES ('pending', 1, 'smtp down', NULL::text, true)$$, 'first failure: pending again, retry in 1 minute');
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(10, 'we')), 0::bigint, 'not claimed before its retry time');
UPDATE ar_credit.dunning_queue SET next_attempt_at = now() - interval '1 second' WHERE invoice_key = '2';
SELECT results_eq($$SELECT invoice_key FROM ar_credit.claim_reminders(10, 'we')$$, $$VALUES ('2')$$,
                  'claimed again after its retry time');
SELECT lives_ok(pg_catalog.format('SELECT ar_credit.fail_reminder(%s, %L)', dunning_t.live_id('"Billing".w', '2'), 'smtp still down'),
                'fail_reminder of key 2 again');
SELECT results_eq($$SELECT state, attempts, last_error, next_attempt_at = now() + interval '2 minutes'
                      FROM ar_credit.dunning_queue WHERE invoice_key = '2'$$,
                  $$VALUES ('failed', 2, 'smtp still down', true)$$, 'ar_credit.max_attempts = 2: failed, backoff doubled');
SELECT throws_ok(pg_catalog.format('SELECT ar_credit.fail_reminder(%s, %L)', dunning_t.live_id('"Billing".w', '1'), 'x'),
                 '55000', NULL, 'fail_reminder of a pending reminder: 55000');
SELECT throws_ok($$SELECT ar_credit.fail_reminder(-42, 'x')$$, '22023', NULL, 'fail_reminder of no reminder: 22023');
SELECT is(dunning_t.dup_live(), 0::bigint, 'at most one live reminder per invoice');
SELECT lives_ok($$SELECT ar_credit.untrack('"Billing".w')$$, 'untrack "Billing".w');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = '"Billing".w'::regclass), 0::bigint, 'untrack: triggers dropped');
SELECT is((SELECT count(*) FROM ar_credit.tracked_table WHERE relid = '"Billing".w'::regclass), 0::bigint,
          'untrack: tracked_table row removed');
SELECT is((SELECT count(*) FROM ar_credit.dunning_queue WHERE source = '"Billing".w'::regclass
             AND state IN ('pending', 'claimed', 'suspended')), 0::bigint, 'untrack: live reminders cancelled');
SELECT is((SELECT string_agg(state, ',' ORDER BY id) FROM ar_credit.dunning_queue WHERE invoice_key IN ('1', '3')),
          'sent,cancelled,cancelled', 'untrack: history kept, pending and claimed reminders cancelled');
INSERT INTO "Billing".w VALUES (5, current_date, 10, 'open');
SELECT is(dunning_t.hist_of('"Billing".w', '5'), '', 'untracked: new invoices are not queued');

-- ---------------------------------------------------------------------
-- transitions on a table in another schema with mixed-case quoted columns
-- ---------------------------------------------------------------------
CREATE TABLE "Billing"."Invoices" ("InvNo" int PRIMARY KEY, "DueOn" date, "Balance" numeric(12,2),
                                   "Status" text, "Cust" text, "Cur" text, "Note" text);
INSERT INTO "Billing"."Invoices" VALUES (100, current_date + 30, 900, 'issued', 'C0', 'EUR', NULL),
                                        (101, current_date + 30, 900, 'paid', 'C0', 'EUR', NULL);
SELECT lives_ok($$SELECT ar_credit.track('"Billing"."Invoices"', 'InvNo', 'DueOn', 'Balance', 'Status', 'Cust', 'Cur')$$,
                'track "Billing"."Invoices" (quoted names)');
SELECT results_eq($$SELECT key_column, due_column, amount_column, status_column, customer_column, currency_column, policy
                      FROM ar_credit.tracked_table WHERE relid = '"Billing"."Invoices"'::regclass$$,
                  $$VALUES ('"InvNo"', '"DueOn"', '"Balance"', '"Status"', '"Cust"', '"Cur"', 'standard')$$,
                  'tracked_table records the mapping as SQL (quoted identifiers)');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = '"Billing"."Invoices"'::regclass AND NOT tgisinternal), 5::bigint,
          'track: insert, update, delete and truncate triggers, and the row trigger of a replication subscriber');
SELECT is((SELECT string_agg(tgname || ':' || tgenabled::text, ' ' ORDER BY tgname) FROM pg_trigger
            WHERE tgrelid = '"Billing"."Invoices"'::regclass AND NOT tgisinternal),
          'ar_credit_dunning_del:O ar_credit_dunning_ins:O ar_credit_dunning_row:R ar_credit_dunning_trunc:A ar_credit_dunning_upd:O',
          'statement triggers fire on the origin, the row trigger on a subscriber''s apply worker only, TRUNCATE on both');
SELECT is((SELECT tgoldtable = 'ar_credit_old' AND tgnewtable = 'ar_credit_new' AND tgtype & 1 = 0 FROM pg_trigger
            WHERE tgrelid = '"Billing"."Invoices"'::regclass AND tgname = 'ar_credit_dunning_upd'), true,
          'the UPDATE trigger is statement-level with OLD and NEW TABLE (key changes are set-based too)');
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '100'), 'pending L1 email +15 900.00 C0 EUR', 'existing open invoice queued by track');
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '101'), '', 'existing paid invoice not queued');

-- reopen after a payment reversal (first, while nothing else is due)
-- (invoice 11, first seen 50 days late, catches up: its first reminder is
-- the formal notice, level 5)
INSERT INTO "Billing"."Invoices" VALUES (10, current_date - 10, 700, 'open', 'C10', 'EUR', NULL),
                                        (11, current_date - 50, 800, 'open', 'C11', 'EUR', NULL);
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(10, 'w') AS c, LATERAL ar_credit.complete_reminder(c.id) AS x), 2::bigint,
          'level 3 of invoice 10 and level 5 of invoice 11 claimed and completed');
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '10'), 'pending L4 phone +5 700.00 C10 EUR', 'invoice 10: level 4 in 5 days');
UPDATE "Billing"."Invoices" SET "Status" = 'paid' WHERE "InvNo" = 10;
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '10'), 'sent:3 cancelled:4', 'paid: live reminder cancelled');
SELECT is(dunning_t.class_of('"Billing"."Invoices"', '10'), 'paid', 'paid: the receivable is paid');
UPDATE "Billing"."Invoices" SET "Status" = 'open' WHERE "InvNo" = 10;
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '10'), 'sent:3 cancelled:4 pending:4', 'payment reversed: a new reminder');
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '10'), 'pending L4 phone +5 700.00 C10 EUR',
          'reopened: resumes after the last level sent, 5 days after it');
-- the reminder of invoice 11 was sent 20 days ago; pay, then reverse the payment
UPDATE ar_credit.dunning_queue SET sent_at = now() - interval '20 days', updated_at = now() - interval '20 days'
 WHERE invoice_key = '11' AND state = 'sent';
UPDATE ar_credit.receivable SET last_sent_on = current_date - 20 WHERE item_key = '11';
UPDATE "Billing"."Invoices" SET "Status" = 'paid' WHERE "InvNo" = 11;
UPDATE "Billing"."Invoices" SET "Status" = 'unpaid' WHERE "InvNo" = 11;
-- Regression (was a BUG: last_sent was taken from updated_at of the sent rows,
-- which settling the invoice resets to now(); since 0.3.0 the receivable keeps
-- the day it was sent); level 6 (due+45, 5 days ago) is due today
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '11'), 'pending L6 collection +0 800.00 C11 EUR',
          'Regression: reopened 20 days after the last reminder: next level today, not pushed by the gap');

-- insert
INSERT INTO "Billing"."Invoices" VALUES (1, current_date + 20, 1000, 'open', 'C1', 'EUR', 'n'),
    (2, current_date + 20, 1000, 'draft', 'C2', 'EUR', NULL), (3, current_date + 20, 1000, 'paid', 'C3', 'EUR', NULL),
    (4, current_date + 20, 0, 'open', 'C4', 'EUR', NULL), (5, current_date - 10, 500, 'OVERDUE', 'C5', 'USD', NULL),
    (6, current_date + 5, 60, 'sent', 'C6', 'EUR', NULL), (7, current_date + 40, 70, NULL, 'C7', 'EUR', NULL),
    (8, current_date + 20, 80, 'open', 'C8', 'GBP', NULL), (12, current_date - 3, -5, 'open', 'C12', 'EUR', NULL);
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '1'), 'pending L1 email +5 1000.00 C1 EUR',
          'insert open: level 1, email, due-15, amount, customer, currency');
SELECT is((SELECT due_date - current_date FROM ar_credit.dunning_queue WHERE source = '"Billing"."Invoices"'::regclass AND invoice_key = '1'), 20, 'the queue keeps the due date');
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '2'), '', 'insert draft: nothing queued');
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '3'), '', 'insert paid: nothing queued');
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '4'), '', 'insert amount 0: nothing queued');
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '12'), '', 'insert negative amount: nothing queued');
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '5'), 'pending L3 email +0 500.00 C5 USD', 'insert overdue: level 3 today');
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '6'), 'pending L3 email +6 60.00 C6 EUR', 'insert due in 5: level 3 at due+1');
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '7'), 'pending L1 email +25 70.00 C7 EUR', 'NULL status counts as open');
-- partial payment
UPDATE "Billing"."Invoices" SET "Balance" = 200, "Status" = 'partially_paid' WHERE "InvNo" = 5;
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '5'), 'pending L3 email +0 200.00 C5 USD', 'partial payment: amount_due updated');
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '5'), 'pending:3', 'partial payment: same reminder, no new row');
-- dispute and its end
UPDATE "Billing"."Invoices" SET "Status" = 'disputed' WHERE "InvNo" = 5;
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '5'), 'suspended L3 email +0 200.00 C5 USD', 'dispute: suspended');
SELECT is((SELECT count(*) FROM ar_credit.dunning_due WHERE invoice_key = '5'), 0::bigint, 'a suspended reminder is not due');
UPDATE "Billing"."Invoices" SET "Status" = 'open', "DueOn" = current_date + 10 WHERE "InvNo" = 5;
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '5'), 'pending L2 email +3 200.00 C5 USD',
          'dispute over (due date moved): pending, rescheduled');
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '5'), 'pending:2', 'dispute and its end: the same row');
UPDATE "Billing"."Invoices" SET "Status" = 'On_Hold' WHERE "InvNo" = 5;
UPDATE "Billing"."Invoices" SET "Status" = 'open' WHERE "InvNo" = 5;
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '5'), 'pending L2 email +3 200.00 C5 USD', 'on hold and back: pending again');
-- due-date change
UPDATE "Billing"."Invoices" SET "DueOn" = current_date + 40 WHERE "InvNo" = 1;
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '1'), 'pending L1 email +25 1000.00 C1 EUR', 'due date moved: rescheduled');
UPDATE "Billing"."Invoices" SET "DueOn" = current_date - 2 WHERE "InvNo" = 1;
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '1'), 'pending L3 email +0 1000.00 C1 EUR', 'due date moved back: level 3 today');
-- customer, currency change
UPDATE "Billing"."Invoices" SET "Cust" = 'C1b', "Cur" = 'CHF' WHERE "InvNo" = 1;
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '1'), 'pending L3 email +0 1000.00 C1b CHF', 'customer and currency follow');
-- payment in full
UPDATE "Billing"."Invoices" SET "Balance" = 0, "Status" = 'PAID' WHERE "InvNo" = 1;
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '1'), 'cancelled:3', 'paid: cancelled');
SELECT is(dunning_t.class_of('"Billing"."Invoices"', '1'), 'paid', 'paid: the receivable is paid');
-- cancellation, write-off, amount to zero
UPDATE "Billing"."Invoices" SET "Status" = 'cancelled' WHERE "InvNo" = 6;
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '6'), 'cancelled:3', 'invoice cancelled: reminder cancelled');
UPDATE "Billing"."Invoices" SET "Balance" = 0 WHERE "InvNo" = 8;
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '8'), 'cancelled:1', 'amount set to 0: reminder cancelled');
UPDATE "Billing"."Invoices" SET "Balance" = 80 WHERE "InvNo" = 8;
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '8'), 'pending L1 email +5 80.00 C8 GBP', 'amount back: queued again');
UPDATE "Billing"."Invoices" SET "Status" = 'draft' WHERE "InvNo" = 8;
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '8'), 'none', 'back to draft: nothing live');
-- draft issued
UPDATE "Billing"."Invoices" SET "Status" = 'issued' WHERE "InvNo" = 2;
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '2'), 'pending L1 email +5 1000.00 C2 EUR', 'draft issued: queued');
-- delete
DELETE FROM "Billing"."Invoices" WHERE "InvNo" = 7;
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '7'), 'cancelled:1', 'delete: cancelled');
-- key change
UPDATE "Billing"."Invoices" SET "InvNo" = 9 WHERE "InvNo" = 2;
-- 0.3.0: a renamed key is the same invoice: its receivable, history and live reminder follow it
SELECT is(dunning_t.hist_of('"Billing"."Invoices"', '2'), '', 'key change: nothing left under the old key');
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '9'), 'pending L1 email +5 1000.00 C2 EUR', 'key change: the live reminder follows to the new key');
-- keys swapped in one statement, and many keys changed at once
-- (a deferrable key: duplicates may exist until commit, the trigger must not assume otherwise)
CREATE TABLE dunning_t.swap (no int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED, due date, amt numeric);
SELECT ar_credit.track('dunning_t.swap', 'no', 'due', 'amt');
INSERT INTO dunning_t.swap SELECT i, current_date + 30, i FROM generate_series(1, 200) i;
UPDATE dunning_t.swap SET no = 3 - no WHERE no IN (1, 2);
SELECT is(dunning_t.live_of('dunning_t.swap', '1') || ' / ' || dunning_t.live_of('dunning_t.swap', '2'),
          'pending L1 email +15 2 - - / pending L1 email +15 1 - -', 'keys swapped: each key has one live reminder with its new amount');
UPDATE dunning_t.swap SET no = 1 WHERE no = 3;
UPDATE dunning_t.swap SET no = 3 WHERE no = 1 AND amt = 3;
SELECT is(dunning_t.dup_live(), 0::bigint, 'a deferrable key briefly duplicated: still one live reminder per invoice');
UPDATE dunning_t.swap SET no = no + 1000 WHERE no > 100;
SELECT results_eq($$SELECT count(*) FILTER (WHERE invoice_key::int > 1000), count(*) FILTER (WHERE invoice_key::int BETWEEN 101 AND 200),
                           count(*) FROM ar_credit.dunning_queue
                     WHERE source = 'dunning_t.swap'::regclass AND state = 'pending'$$,
                  $$VALUES (100::bigint, 0::bigint, 200::bigint)$$,
                  'bulk key change: the 100 old keys settled, the 100 new keys queued, nothing else');
-- one statement, many invoices
UPDATE "Billing"."Invoices" SET "Balance" = "Balance" + 1 WHERE "InvNo" IN (5, 9, 100);
SELECT results_eq($$SELECT invoice_key, amount_due FROM ar_credit.dunning_queue
                     WHERE source = '"Billing"."Invoices"'::regclass AND invoice_key IN ('5', '9', '100')
                       AND state = 'pending' ORDER BY invoice_key$$,
                  $$VALUES ('100', 901.00), ('5', 201.00), ('9', 1001.00)$$, 'multi-row update: every amount updated');
-- at most one live row
SELECT is(dunning_t.dup_live(), 0::bigint, 'at most one live reminder per invoice');
SELECT is((SELECT indisunique AND pg_get_expr(indpred, indrelid) LIKE '%pending%claimed%suspended%'
             FROM pg_index WHERE indexrelid = 'ar_credit.dunning_queue_live'::regclass), true,
          'a partial unique index on the live states');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_queue (receivable_id, source, invoice_key, level, channel, label, remind_on, due_date, state)
                   SELECT r.id, r.source, r.item_key, 2, 'email', 'x', current_date, current_date, 'suspended'
                     FROM ar_credit.receivable AS r WHERE r.source = '"Billing"."Invoices"'::regclass AND r.item_key = '9'$$,
                 '23505', NULL, 'a second live row is refused by the index');

-- unrelated DDL keeps the trigger working
ALTER TABLE "Billing"."Invoices" ADD COLUMN "Extra" int;
ALTER TABLE "Billing"."Invoices" DROP COLUMN "Note";
ALTER TABLE "Billing"."Invoices" RENAME COLUMN "Extra" TO "Extra2";
SELECT lives_ok($$INSERT INTO "Billing"."Invoices" ("InvNo", "DueOn", "Balance", "Status", "Cust", "Cur", "Extra2")
                  VALUES (20, current_date + 16, 20, 'open', 'C20', 'EUR', 1)$$, 'insert after unrelated DDL');
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '20'), 'pending L1 email +1 20.00 C20 EUR', 'queued after unrelated DDL');
UPDATE "Billing"."Invoices" SET "Balance" = 15 WHERE "InvNo" = 20;
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '20'), 'pending L1 email +1 15.00 C20 EUR', 'updated after unrelated DDL');
-- renaming a tracked column: the mapping follows (0.3.0; 0.2.0 refused it) ...
SELECT lives_ok($$ALTER TABLE "Billing"."Invoices" RENAME COLUMN "Balance" TO "Bal"$$, 'renaming a tracked column is followed');
SELECT is((SELECT amount_column FROM ar_credit.tracked_table WHERE relid = '"Billing"."Invoices"'::regclass), '"Bal"',
          'the stored mapping names the column by its new name');
UPDATE "Billing"."Invoices" SET "Bal" = 12 WHERE "InvNo" = 20;
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '20'), 'pending L1 email +1 12.00 C20 EUR', 'a write after the rename is followed');
ALTER TABLE "Billing"."Invoices" RENAME COLUMN "Bal" TO "Balance";
-- ... and with that follower disabled, the trigger itself says what is wrong
ALTER EVENT TRIGGER ar_credit_ddl_command_end DISABLE;
ALTER TABLE "Billing"."Invoices" RENAME COLUMN "Balance" TO "Bal";
SELECT throws_like($$UPDATE "Billing"."Invoices" SET "Bal" = 10 WHERE "InvNo" = 20$$,
                   '%column "Balance"%does not exist%', 'renamed tracked column: error names the column');
SELECT throws_ok($$INSERT INTO "Billing"."Invoices" ("InvNo", "DueOn", "Bal") VALUES (21, current_date, 1)$$,
                 '42703', NULL, 'renamed tracked column: 42703');
ALTER TABLE "Billing"."Invoices" RENAME COLUMN "Bal" TO "Balance";
ALTER EVENT TRIGGER ar_credit_ddl_command_end ENABLE;
SELECT lives_ok($$UPDATE "Billing"."Invoices" SET "Balance" = 10 WHERE "InvNo" = 20$$, 'renamed back: works again');
SELECT is(dunning_t.live_of('"Billing"."Invoices"', '20'), 'pending L1 email +1 10.00 C20 EUR', 'renamed back: amount followed');
-- tracking again
SELECT lives_ok($$SELECT ar_credit.track('"Billing"."Invoices"', 'InvNo', 'DueOn', 'Balance', 'Status', 'Cust', 'Cur', 'strict')$$,
                'track again with another policy');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = '"Billing"."Invoices"'::regclass AND NOT tgisinternal), 5::bigint,
          'tracking again replaces the triggers');
SELECT is((SELECT policy FROM ar_credit.tracked_table WHERE relid = '"Billing"."Invoices"'::regclass), 'strict',
          'tracking again updates the mapping');
SELECT is(dunning_t.dup_live(), 0::bigint, 'tracking again: still one live reminder per invoice');
-- untrack
SELECT lives_ok($$SELECT ar_credit.untrack('"Billing"."Invoices"')$$, 'untrack "Billing"."Invoices"');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = '"Billing"."Invoices"'::regclass AND NOT tgisinternal), 0::bigint,
          'untrack: triggers dropped');
SELECT is((SELECT count(*) FROM ar_credit.dunning_queue WHERE source = '"Billing"."Invoices"'::regclass
             AND state IN ('pending', 'claimed', 'suspended')), 0::bigint, 'untrack: live reminders cancelled');

-- ---------------------------------------------------------------------
-- keys: composite (primary key), uuid
-- ---------------------------------------------------------------------
CREATE TABLE "Billing".lines (a int, b int, due date, amt numeric, PRIMARY KEY (a, b));
SELECT lives_ok($$SELECT ar_credit.track('"Billing".lines', NULL, 'due', 'amt')$$, 'track with the primary key (two columns)');
SELECT is((SELECT key_column FROM ar_credit.tracked_table WHERE relid = '"Billing".lines'::regclass), 'ROW(a, b)',
          'key_column: the primary key columns, as a row');
INSERT INTO "Billing".lines VALUES (1, 2, current_date + 20, 10), (1, 3, current_date + 20, 20);
SELECT is(dunning_t.live_of('"Billing".lines', '(1,2)'), 'pending L1 email +5 10 - -', 'composite key (1,2) queued');
UPDATE "Billing".lines SET b = 4 WHERE b = 3;
SELECT is(dunning_t.hist_of('"Billing".lines', '(1,3)') || ' / ' || dunning_t.live_of('"Billing".lines', '(1,4)'),
          ' / pending L1 email +5 20 - -', 'composite key change: the live reminder follows to the new key');
DELETE FROM "Billing".lines WHERE b = 2;
SELECT is(dunning_t.hist_of('"Billing".lines', '(1,2)'), 'cancelled:1', 'composite key delete: cancelled');
CREATE TABLE "Billing".u (id uuid PRIMARY KEY, due timestamptz, amt bigint);
SELECT lives_ok($$SELECT ar_credit.track('"Billing".u', 'id', 'due', 'amt')$$, 'track a uuid key, timestamptz due, bigint amount');
INSERT INTO "Billing".u VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', current_date + 10, 5);
SELECT is(dunning_t.live_of('"Billing".u', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), 'pending L2 email +3 5 - -', 'uuid key queued');
DELETE FROM "Billing".u;
SELECT is(dunning_t.hist_of('"Billing".u', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), 'cancelled:2', 'uuid key delete: cancelled');

-- ---------------------------------------------------------------------
-- FOR EACH ROW attachment by hand gives the same queue
-- ---------------------------------------------------------------------
CREATE TABLE "Billing".s_inv (id int PRIMARY KEY, due date, amt numeric, st text);
CREATE TABLE "Billing".r_inv (id int PRIMARY KEY, due date, amt numeric, st text);
SELECT lives_ok($$SELECT ar_credit.track('"Billing".s_inv', 'id', 'due', 'amt', 'st')$$, 'track s_inv (statement level)');
SELECT lives_ok($$CREATE TRIGGER r_inv_dunning AFTER INSERT OR UPDATE OR DELETE ON "Billing".r_inv
                  FOR EACH ROW EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'due=due', 'amount=amt', 'status=st')$$,
                'attach the trigger FOR EACH ROW by hand');
CREATE FUNCTION dunning_t.apply_ops(t regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$INSERT INTO %s VALUES (1, current_date + 20, 100, 'open'), (2, current_date - 10, 200, 'open'),
                      (3, current_date - 5, 300, 'draft'), (4, current_date - 30, 400, 'open'), (5, current_date, 0, 'open'),
                      (6, current_date + 3, 50, 'open')$q$, t);
    EXECUTE format('UPDATE %s SET amt = amt - 50 WHERE id IN (1, 2)', t);
    EXECUTE format($q$UPDATE %s SET st = 'disputed' WHERE id = 4$q$, t);
    EXECUTE format($q$UPDATE %s SET st = 'paid' WHERE id = 6$q$, t);
    EXECUTE format('UPDATE %s SET id = 7 WHERE id = 2', t);
    EXECUTE format($q$UPDATE %s SET st = 'open' WHERE id = 3$q$, t);
    EXECUTE format('UPDATE %s SET due = due + 1', t);
    EXECUTE format('DELETE FROM %s WHERE id = 1', t);
END $$;
SELECT dunning_t.apply_ops('"Billing".s_inv');
SELECT dunning_t.apply_ops('"Billing".r_inv');
SELECT results_eq($$SELECT q.invoice_key, q.level, q.remind_on - current_date, q.amount_due, q.state, r.class NOT IN ('open', 'suspended') OR r.gone
                      FROM ar_credit.dunning_queue AS q JOIN ar_credit.receivable AS r ON r.id = q.receivable_id
                     WHERE q.source = '"Billing".r_inv'::regclass ORDER BY q.invoice_key, q.id$$,
                  $$VALUES ('1', 1, 6, 50::numeric, 'cancelled', true),
                           ('3', 3, 0, 300, 'pending', false), ('4', 4, 0, 400, 'suspended', false),
                           ('6', 3, 4, 50, 'cancelled', true), ('7', 3, 0, 150, 'pending', false)$$,
                  'FOR EACH ROW: the expected queue');
SELECT set_eq($$SELECT invoice_key, level, channel, remind_on, amount_due, state
                  FROM ar_credit.dunning_queue WHERE source = '"Billing".r_inv'::regclass$$,
              $$SELECT invoice_key, level, channel, remind_on, amount_due, state
                  FROM ar_credit.dunning_queue WHERE source = '"Billing".s_inv'::regclass$$,
              'FOR EACH ROW and FOR EACH STATEMENT give the same queue');
-- bad trigger arguments
CREATE TABLE "Billing".bad1 (id int, due date, amt numeric);
CREATE TRIGGER bad1_dunning AFTER INSERT ON "Billing".bad1
    FOR EACH ROW EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'due=due', 'amount=amt', 'colour=red');
SELECT throws_ok($$INSERT INTO "Billing".bad1 VALUES (1, current_date, 1)$$, '22023', NULL, 'unknown trigger argument: 22023');
CREATE TABLE "Billing".bad2 (id int, due date, amt numeric);
CREATE TRIGGER bad2_dunning AFTER INSERT ON "Billing".bad2
    FOR EACH ROW EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'amount=amt');
SELECT throws_ok($$INSERT INTO "Billing".bad2 VALUES (1, current_date, 1)$$, '22023', NULL, 'missing due= argument: 22023');
CREATE TABLE "Billing".bad3 (id int, due date, amt numeric);
CREATE TRIGGER bad3_dunning AFTER INSERT ON "Billing".bad3
    FOR EACH ROW EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'due', 'amount=amt');
SELECT throws_ok($$INSERT INTO "Billing".bad3 VALUES (1, current_date, 1)$$, '22023', NULL, 'argument without =: 22023');
CREATE TABLE "Billing".bad4 (id int, due date, amt numeric);
CREATE TRIGGER bad4_dunning AFTER INSERT ON "Billing".bad4
    FOR EACH ROW EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'due=due', 'amount=nope');
SELECT throws_ok($$INSERT INTO "Billing".bad4 VALUES (1, current_date, 1)$$, '42703', NULL, 'argument naming no column: 42703');

-- ---------------------------------------------------------------------
-- mapped columns changed by a BEFORE trigger, enum status, money amount
-- ---------------------------------------------------------------------
CREATE TABLE "Billing".bt (id int PRIMARY KEY, due date, amt numeric, st text, paid numeric DEFAULT 0, total numeric);
CREATE FUNCTION dunning_t.bt_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- the usual bookkeeping: the open balance and the status follow the payments
    NEW.amt := NEW.total - NEW.paid;
    IF NEW.amt <= 0 THEN
        NEW.st := 'paid';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER bt_balance BEFORE INSERT OR UPDATE ON "Billing".bt FOR EACH ROW EXECUTE FUNCTION dunning_t.bt_balance();
SELECT lives_ok($$SELECT ar_credit.track('"Billing".bt', 'id', 'due', 'amt', 'st')$$, 'track "Billing".bt');
INSERT INTO "Billing".bt (id, due, st, total) VALUES (1, current_date - 10, 'open', 100), (2, current_date - 10, 'open', 100);
SELECT is(dunning_t.live_of('"Billing".bt', '1'), 'pending L3 email +0 100 - -', 'balance set by a BEFORE trigger: queued');
UPDATE "Billing".bt SET paid = 40 WHERE id = 1;
-- Regression (was a BUG): UPDATE skipped the queue when its SET list names no mapped column, but a
-- BEFORE trigger changed the mapped amount (tg_updatedcols lists only the SET columns)
SELECT is(dunning_t.live_of('"Billing".bt', '1'), 'pending L3 email +0 60 - -',
          'partial payment through a BEFORE trigger: amount_due updated');
UPDATE "Billing".bt SET paid = 100 WHERE id = 2;
SELECT is(dunning_t.hist_of('"Billing".bt', '2'), 'cancelled:3',
          'paid in full through a BEFORE trigger (status set to paid): reminder cancelled');
CREATE TABLE "Billing".gen (id int PRIMARY KEY, due date, total numeric, paid numeric DEFAULT 0,
                            amt numeric GENERATED ALWAYS AS (total - paid) STORED);
SELECT lives_ok($$SELECT ar_credit.track('"Billing".gen', 'id', 'due', 'amt')$$, 'track a generated amount column');
INSERT INTO "Billing".gen (id, due, total) VALUES (1, current_date - 10, 100), (2, current_date - 10, 100);
UPDATE "Billing".gen SET paid = 30 WHERE id = 1;
SELECT is(dunning_t.live_of('"Billing".gen', '1'), 'pending L3 email +0 70 - -', 'generated amount: partial payment followed');
UPDATE "Billing".gen SET paid = 100 WHERE id = 2;
SELECT is(dunning_t.hist_of('"Billing".gen', '2'), 'cancelled:3', 'generated amount down to 0: cancelled');
CREATE TYPE dunning_t.inv_status AS ENUM ('draft', 'open', 'paid');
CREATE TABLE "Billing".en (id int PRIMARY KEY, due date, amt money, st dunning_t.inv_status);
SELECT lives_ok($$SELECT ar_credit.track('"Billing".en', 'id', 'due', 'amt', 'st')$$, 'track an enum status and a money amount');
INSERT INTO "Billing".en VALUES (1, current_date - 1, 12.5, 'open'), (2, current_date - 1, 12.5, 'draft');
SELECT is(dunning_t.live_of('"Billing".en', '1') || ' / ' || dunning_t.live_of('"Billing".en', '2'),
          'pending L3 email +0 12.50 - - / none', 'enum status, money amount: queued, draft ignored');
UPDATE "Billing".en SET st = 'paid' WHERE id = 1;
SELECT is(dunning_t.hist_of('"Billing".en', '1'), 'cancelled:3', 'enum status paid: cancelled');

-- ---------------------------------------------------------------------
-- views: open_invoices, aging_report
-- ---------------------------------------------------------------------
CREATE TABLE "Billing".ag (id int PRIMARY KEY, due date, amt numeric, st text, cust text, cur text);
SELECT lives_ok($$SELECT ar_credit.track('"Billing".ag', 'id', 'due', 'amt', 'st', 'cust', 'cur')$$, 'track "Billing".ag');
INSERT INTO "Billing".ag VALUES
    (1, current_date + 10, 100, 'open', 'ACME', 'EUR'), (2, current_date, 1, 'open', 'ACME', 'EUR'),
    (3, current_date - 1, 2, 'open', 'ACME', 'EUR'), (4, current_date - 30, 200, 'open', 'ACME', 'EUR'),
    (5, current_date - 31, 300, 'open', 'ACME', 'EUR'), (6, current_date - 75, 400, 'disputed', 'ACME', 'EUR'),
    (7, current_date - 100, 500, 'open', 'ACME', 'EUR'), (8, current_date - 10, 999, 'paid', 'ACME', 'EUR'),
    (9, current_date - 10, 50, 'open', 'ACME', 'USD'), (10, current_date - 91, 7, 'open', 'Beta', 'EUR'),
    (11, current_date - 5, 60, 'open', 'Beta', 'EUR');
DELETE FROM "Billing".ag WHERE id = 11;
SELECT results_eq($$SELECT invoice_key, customer_key, currency, days_past_due, amount_due, status, next_level
                      FROM ar_credit.open_invoices WHERE source = '"Billing".ag' ORDER BY invoice_key::int$$,
                  $$VALUES ('1', 'ACME', 'EUR', -10, 100::numeric, 'open', 2), ('2', 'ACME', 'EUR', 0, 1, 'open', 3),
                           ('3', 'ACME', 'EUR', 1, 2, 'open', 3), ('4', 'ACME', 'EUR', 30, 200, 'open', 5),
                           ('5', 'ACME', 'EUR', 31, 300, 'open', 5), ('6', 'ACME', 'EUR', 75, 400, 'suspended', 5),
                           ('7', 'ACME', 'EUR', 100, 500, 'open', 5), ('9', 'ACME', 'USD', 10, 50, 'open', 3),
                           ('10', 'Beta', 'EUR', 91, 7, 'open', 5)$$,
                  'open_invoices: open and disputed invoices, not paid or deleted ones');
SELECT is((SELECT array_agg(column_name::text ORDER BY ordinal_position) FROM information_schema.columns
            WHERE table_schema = 'ar_credit' AND table_name = 'aging_report'),
          ARRAY['source', 'customer_key', 'currency', 'current', 'd1_30', 'd31_60', 'd61_90', 'over_90', 'total'],
          'aging_report columns');
SELECT results_eq($$SELECT customer_key, currency, "current", d1_30, d31_60, d61_90, over_90, total
                      FROM ar_credit.aging_report WHERE source = '"Billing".ag' ORDER BY customer_key, currency$$,
                  $$VALUES ('ACME', 'EUR', 101::numeric, 202::numeric, 300::numeric, 400::numeric, 500::numeric, 1503::numeric),
                           ('ACME', 'USD', 0, 50, 0, 0, 0, 50),
                           ('Beta', 'EUR', 0, 0, 0, 0, 7, 7)$$,
                  'aging_report: bucket totals by hand (day 0 current, 30 and 31, 91 over 90)');

-- ---------------------------------------------------------------------
-- security
-- ---------------------------------------------------------------------
CREATE ROLE dunning_t_worker NOLOGIN;
GRANT ar_credit_worker TO dunning_t_worker;
CREATE ROLE dunning_t_nobody NOLOGIN;
SET LOCAL ROLE dunning_t_worker;
SELECT is((SELECT count(*) FROM ar_credit.dunning_due), 0::bigint,
          'worker without SELECT on the tracked tables: dunning_due shows none of their reminders (issue 18)');
RESET ROLE;
GRANT SELECT ON "Billing".ag TO dunning_t_worker;
SET LOCAL ROLE dunning_t_worker;
SELECT ok((SELECT count(*) FROM ar_credit.dunning_due) > 0 AND (SELECT bool_and(source = '"Billing".ag') FROM ar_credit.dunning_due),
          'worker: reads dunning_due, the reminders of the table it may read');
SELECT lives_ok($$SELECT ar_credit.complete_reminder(c.id) FROM ar_credit.claim_reminders(1, 'sec') AS c$$,
                'worker: claims and completes');
RESET ROLE;
SET SESSION AUTHORIZATION dunning_t_worker;
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(1, 'sec', '5 minutes', current_date + 60)$$, '42501', NULL,
                 'Regression (issue 18): a worker cannot claim months ahead');
RESET SESSION AUTHORIZATION;
SET LOCAL ROLE dunning_t_worker;
SELECT lives_ok($$SELECT ar_credit.fail_reminder(c.id, 'boom') FROM ar_credit.claim_reminders(1, 'sec') AS c$$,
                'worker: claims and fails');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label) VALUES ('x', 1, 1, 'email', 'x')$$,
                 '42501', NULL, 'worker: cannot insert into dunning_step');
SELECT throws_ok($$UPDATE ar_credit.dunning_step SET offset_days = 0$$, '42501', NULL, 'worker: cannot update dunning_step');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_queue (source, invoice_key, level, channel, label, remind_on, due_date)
                   VALUES ('"Billing".ag', 'x', 1, 'email', 'x', current_date, current_date)$$,
                 '42501', NULL, 'worker: cannot insert into dunning_queue');
SELECT throws_ok($$UPDATE ar_credit.dunning_queue SET state = 'sent'$$, '42501', NULL, 'worker: cannot update dunning_queue');
SELECT throws_ok($$SELECT ar_credit.track('"Billing".bad', 'id', 'd', 'a')$$, '42501', NULL, 'worker: cannot call track');
SELECT throws_ok($$SELECT ar_credit.untrack('"Billing".ag')$$, '42501', NULL, 'worker: cannot call untrack');
RESET ROLE;
SET LOCAL ROLE dunning_t_nobody;
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(1)$$, '42501', NULL, 'no grants: cannot claim');
SELECT throws_ok($$SELECT ar_credit.complete_reminder(1)$$, '42501', NULL, 'no grants: cannot complete');
SELECT throws_ok($$SELECT * FROM ar_credit.dunning_queue$$, '42501', NULL, 'no grants: cannot read the queue');
SELECT is(ar_credit.invoice_class('paid'), 'closed', 'no grants: pure functions are public');
RESET ROLE;
-- a clerk writing a tracked table needs no grant on ar_credit (0.3.0: the
-- trigger writes as the extension's owner; 0.2.0 needed ar_credit_writer)
CREATE ROLE dunning_t_clerk NOLOGIN;
GRANT USAGE ON SCHEMA "Billing" TO dunning_t_clerk;
GRANT SELECT, INSERT, UPDATE, DELETE ON "Billing".ag TO dunning_t_clerk;
SET LOCAL ROLE dunning_t_clerk;
SELECT lives_ok($$INSERT INTO "Billing".ag VALUES (20, current_date + 20, 20, 'open', 'Clerk', 'EUR')$$, 'writer: insert an invoice');
SELECT lives_ok($$UPDATE "Billing".ag SET amt = 15 WHERE id = 20$$, 'writer: update an invoice');
SELECT lives_ok($$UPDATE "Billing".ag SET id = 21 WHERE id = 20$$, 'writer: change an invoice key');
SELECT lives_ok($$DELETE FROM "Billing".ag WHERE id = 21$$, 'writer: delete an invoice');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(1)$$, '42501', NULL, 'writer: cannot claim');
RESET ROLE;
SELECT is(dunning_t.hist_of('"Billing".ag', '20') || ' / ' || dunning_t.hist_of('"Billing".ag', '21'),
          ' / cancelled:1', 'writer: the queue followed the clerk''s changes (the reminder followed the key, then was cancelled)');
SELECT is(has_table_privilege('public', 'ar_credit.dunning_queue', p), false,
          'PUBLIC has no ' || p || ' privilege on dunning_queue')
  FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p;
SELECT is(has_table_privilege('public', t, 'INSERT,UPDATE,DELETE'), false, 'PUBLIC cannot write ' || t)
  FROM unnest(ARRAY['ar_credit.dunning_step', 'ar_credit.tracked_table']) AS t;
SELECT is(has_function_privilege('public', f, 'EXECUTE'), false, 'PUBLIC cannot execute ' || f)
  FROM unnest(ARRAY['ar_credit.claim_reminders(int, text, interval, date, text[], text)', 'ar_credit.complete_reminder(bigint, text, text)',
                    'ar_credit.fail_reminder(bigint, text)', 'ar_credit.complete_reminders(bigint[], text, text)',
                    'ar_credit.fail_reminders(bigint[], text)', 'ar_credit.track_internal(regclass, regclass, jsonb)',
                    'ar_credit.dunning_resync(regclass)']) AS f;
-- track() and untrack() are the table owner's: anyone may call them, they check ownership
SELECT is(has_function_privilege('public', f, 'EXECUTE'), true, 'PUBLIC may execute ' || f || ' (ownership checked inside)')
  FROM unnest(ARRAY['ar_credit.track(regclass, text, text, text, text, text, text, text, text, jsonb, text, text, text, text)',
                    'ar_credit.untrack(regclass)']) AS f;
SELECT is((SELECT count(*) FROM pg_proc
            WHERE pronamespace = 'ar_credit'::regnamespace
              AND proname IN ('track_internal', 'untrack', 'drop_dunning_triggers', 'claim_reminders', 'complete_reminder', 'fail_reminder')
              AND NOT coalesce(proconfig::text LIKE '%search_path=%', false)), 0::bigint,
          'dunning functions that run SQL pin search_path');
SELECT is((SELECT count(*) FROM pg_proc
            WHERE pronamespace = 'ar_credit'::regnamespace
              AND proname IN ('track_internal', 'untrack', 'drop_dunning_triggers', 'claim_reminders', 'complete_reminder', 'fail_reminder')),
          6::bigint, 'the six dunning functions that run SQL exist');
SELECT is((SELECT count(*) FROM pg_proc
            WHERE pronamespace = 'ar_credit'::regnamespace AND prosecdef
              AND NOT coalesce(proconfig::text LIKE '%search_path=%', false)), 0::bigint,
          'every SECURITY DEFINER function pins search_path');
SELECT is(current_setting('ar_credit.notify'), 'off', 'ar_credit.notify is off by default');
-- Regression (issue 18): a leaky function showed rows dunning_due hides
SELECT is((SELECT count(*) FROM pg_class WHERE relnamespace = 'ar_credit'::regnamespace AND relkind = 'v'
             AND NOT coalesce(reloptions @> ARRAY['security_barrier=true'], false)), 0::bigint,
          'every view of ar_credit is a security barrier');
-- Regression (issue 18): deleting a policy in use made every write to the tracked table fail
CREATE TABLE dunning_t.strict_inv (no int PRIMARY KEY, due date, amt numeric);
SELECT ar_credit.track('dunning_t.strict_inv', 'no', 'due', 'amt', policy => 'strict');
SELECT throws_ok($$DELETE FROM ar_credit.dunning_step WHERE policy = 'strict'$$, '23503',
                 'dunning policy "strict" is used by dunning_t.strict_inv', 'a policy in use cannot be deleted, the tables named');
SELECT lives_ok($$DELETE FROM ar_credit.dunning_step WHERE policy = 'strict' AND level = 6$$,
                'one step of a policy in use can be deleted');
SELECT is(dunning_t.dup_live(), 0::bigint, 'in the end, still at most one live reminder per invoice');

-- claims by channel, one letter per customer, and what a worker may not ask
CREATE TABLE dunning_t.letters (no text PRIMARY KEY, cust text, due date, amt numeric, cur text);
SELECT ar_credit.track('dunning_t.letters', 'no', 'due', 'amt', customer_column => 'cust', currency_column => 'cur');
UPDATE ar_credit.dunning_queue SET state = 'cancelled' WHERE state IN ('pending', 'claimed');
INSERT INTO dunning_t.letters VALUES ('L1', 'zed', current_date - 2, 10, 'EUR'), ('L2', 'zed', current_date - 3, 20, 'EUR'),
                                     ('L3', 'zed', current_date - 3, 5, 'USD'), ('L4', 'yan', current_date - 20, 40, 'EUR');
UPDATE ar_credit.dunning_queue SET channel = 'letter' WHERE invoice_key = 'L4' AND state = 'pending';
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(10, 'c1', '5 minutes', current_date, ARRAY['sms'])), 0::bigint,
          'claim_reminders by channel: no sms due');
SELECT results_eq($$SELECT customer_key, channel, cardinality(ids), total_due, currency
                      FROM ar_credit.claim_customer_reminders(10, 'c2', channels => ARRAY['email']) ORDER BY 1, 2, 5$$,
                  $$VALUES ('zed', 'email', 2, 30::numeric, 'EUR'), ('zed', 'email', 1, 5::numeric, 'USD')$$,
                  'claim_customer_reminders: one letter per customer, channel and currency, with its total');
SELECT results_eq($$SELECT customer_key, channel, cardinality(ids) FROM ar_credit.claim_customer_reminders(10, 'c3')$$,
                  $$VALUES ('yan', 'letter', 1)$$, 'the other worker gets the rest');
-- Issue 14: a letter claim reads what it claims, not the whole backlog
-- (it grouped every due reminder at each call: a drain in n²).  2,000
-- reminders due for 200 customers; claiming the oldest customer's letter
-- reads a few dozen queue rows (the row counters of this transaction).
CREATE TABLE dunning_t.backlog (no int PRIMARY KEY, cust text, due date, amt numeric);
SELECT ar_credit.track('dunning_t.backlog', 'no', 'due', 'amt', customer_column => 'cust');
INSERT INTO dunning_t.backlog SELECT i, 'k' || (i % 200), current_date - 3, 1 FROM generate_series(1, 2000) AS i;
ANALYZE ar_credit.dunning_queue;
CREATE TEMP TABLE letter_reads AS
SELECT pg_stat_get_xact_tuples_returned('ar_credit.dunning_queue'::regclass)
       + pg_stat_get_xact_tuples_fetched('ar_credit.dunning_queue'::regclass) AS before;
SELECT results_eq($$SELECT customer_key, cardinality(ids) FROM ar_credit.claim_customer_reminders(1, 'bk')$$,
                  $$VALUES ('k1', 10)$$, 'the letter of the customer queued first, whole (10 reminders)');
SELECT cmp_ok((SELECT pg_stat_get_xact_tuples_returned('ar_credit.dunning_queue'::regclass)
                      + pg_stat_get_xact_tuples_fetched('ar_credit.dunning_queue'::regclass) - before FROM letter_reads),
              '<', 200::bigint, 'claiming one letter reads under 200 queue rows of the 2,000 due');
SELECT is((SELECT count(*) FROM ar_credit.dunning_queue WHERE source = 'dunning_t.backlog'::regclass AND state = 'pending'),
          1990::bigint, 'the other 199 letters are still to send');
-- claim_reminders walks dunning_queue_todo in order and stops after its
-- batch: its predicate, ar_credit.claimable(), is inlined into the claim's
-- query, where the planner matches it with the index's (not inlined, the
-- claim reads every row of the queue)
CREATE TEMP TABLE claim_reads AS
SELECT pg_stat_get_xact_tuples_returned('ar_credit.dunning_queue'::regclass)
       + pg_stat_get_xact_tuples_fetched('ar_credit.dunning_queue'::regclass) AS before;
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(10, 'bk2')), 10::bigint,
          'claim_reminders: a batch of 10 of the 1,990 due');
SELECT cmp_ok((SELECT pg_stat_get_xact_tuples_returned('ar_credit.dunning_queue'::regclass)
                      + pg_stat_get_xact_tuples_fetched('ar_credit.dunning_queue'::regclass) - before FROM claim_reads),
              '<', 200::bigint, 'claiming 10 reads under 200 queue rows of the 1,990 due');
UPDATE ar_credit.dunning_queue SET state = 'cancelled'
 WHERE source = 'dunning_t.backlog'::regclass AND state IN ('pending', 'claimed');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(1, 'w', '100000 years')$$, '22023', NULL,
                 'Regression (issue 18): a lease of 100,000 years is refused');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(1, repeat('w', 1000000))$$, '22023', NULL,
                 'Regression (issue 18): a 1,000,000-character worker name is refused');
SELECT lives_ok($$SELECT * FROM ar_credit.claim_reminders(1, 'w', '5 minutes', current_date + 30)$$,
                'a superuser''s session may claim ahead (tests, replays)');

-- TRUNCATE of a tracked table settles its reminders
CREATE TABLE dunning_t.trunc_inv (no int PRIMARY KEY, due date, amt numeric);
SELECT ar_credit.track('dunning_t.trunc_inv', 'no', 'due', 'amt');
INSERT INTO dunning_t.trunc_inv VALUES (1, current_date + 5, 10), (2, current_date - 5, 20);
TRUNCATE dunning_t.trunc_inv;
SELECT is((SELECT count(*) FROM ar_credit.dunning_queue WHERE source = 'dunning_t.trunc_inv'::regclass
                                                       AND state IN ('pending', 'claimed', 'suspended'))
          + (SELECT count(*) FROM ar_credit.receivable WHERE source = 'dunning_t.trunc_inv'::regclass AND NOT gone),
          0::bigint, 'TRUNCATE: no live reminder, every receivable of the table gone');
INSERT INTO dunning_t.trunc_inv VALUES (1, current_date + 5, 10);
SELECT is((SELECT count(*) FROM ar_credit.dunning_queue WHERE source = 'dunning_t.trunc_inv'::regclass
                                                       AND state IN ('pending', 'claimed', 'suspended')),
          1::bigint, 'a key reused after TRUNCATE is queued again');

-- The trigger under a caller's hostile search_path: look-alike operators and
-- functions earlier on the path must not change what the trigger writes.
CREATE SCHEMA dunning_hostile;
CREATE FUNCTION dunning_hostile.text_eq(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR dunning_hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = dunning_hostile.text_eq);
CREATE FUNCTION dunning_hostile.date_pl(date, integer) RETURNS date LANGUAGE sql AS 'SELECT date ''1900-01-01''';
CREATE OPERATOR dunning_hostile.+ (LEFTARG = date, RIGHTARG = integer, FUNCTION = dunning_hostile.date_pl);
CREATE FUNCTION dunning_hostile.lower(text) RETURNS text LANGUAGE sql AS 'SELECT ''paid''';
CREATE FUNCTION dunning_hostile.now() RETURNS timestamptz LANGUAGE sql AS 'SELECT timestamptz ''1900-01-01''';
CREATE TABLE dunning_t.odd_path (no int PRIMARY KEY, due date, amt numeric, st text);
SELECT ar_credit.track('dunning_t.odd_path', 'no', 'due', 'amt', 'st');
SET LOCAL search_path = dunning_hostile, pg_catalog, public;
-- (the caller's own date arithmetic must name pg_catalog's operator here)
INSERT INTO dunning_t.odd_path VALUES (1, current_date OPERATOR(pg_catalog.+) 30, 100, 'open'),
                                      (2, current_date OPERATOR(pg_catalog.-) 3, 50, 'open');
UPDATE dunning_t.odd_path SET st = 'paid' WHERE no = 2;
UPDATE dunning_t.odd_path SET due = current_date OPERATOR(pg_catalog.+) 40 WHERE no = 1;
SET LOCAL search_path = public, ar_credit;
SELECT is(dunning_t.live_of('dunning_t.odd_path', '1'), 'pending L1 email +25 100 - -',
          'hostile search_path: the trigger queues and reschedules with pg_catalog''s operators');
SELECT is(dunning_t.live_of('dunning_t.odd_path', '2'), 'none',
          'hostile search_path: payment settles only the paid invoice');
SELECT is((SELECT count(*) FROM ar_credit.dunning_queue WHERE source = 'dunning_t.odd_path'::regclass
                                                       AND (created_at < now() - interval '1 day' OR remind_on < date '2000-01-01')),
          0::bigint, 'hostile search_path: no look-alike now() or date + integer reached the queue');

-- A key column that is not unique: a reminder stays while any row still has the key,
-- also after the table's schema is renamed (the statements name the table)
CREATE SCHEMA dunning_ns;
CREATE TABLE dunning_ns.lines (id int PRIMARY KEY, ref text, due date, amt numeric);
SELECT ar_credit.track('dunning_ns.lines', 'ref', 'due', 'amt');
INSERT INTO dunning_ns.lines VALUES (1, 'R1', current_date + 30, 10), (2, 'R1', current_date + 30, 10), (3, 'R2', current_date + 30, 5);
DELETE FROM dunning_ns.lines WHERE id = 1;
SELECT is(dunning_t.live_of('dunning_ns.lines', 'R1'), 'pending L1 email +15 10 - -',
          'non-unique key: deleting one of two rows keeps the reminder');
ALTER SCHEMA dunning_ns RENAME TO dunning_ns2;
SELECT lives_ok($$DELETE FROM dunning_ns2.lines WHERE id = 3; UPDATE dunning_ns2.lines SET ref = 'R3' WHERE id = 2$$,
                'after ALTER SCHEMA ... RENAME the trigger''s statements, cached or not, still run');
SELECT is(dunning_t.live_of('dunning_ns2.lines', 'R1') || ' / ' || dunning_t.live_of('dunning_ns2.lines', 'R3'),
          'none / pending L1 email +15 10 - -', 'non-unique key: the last row leaving the key settles it');

-- Schema changes of tracked tables (event triggers, since 0.2.0; renames followed since 0.3.0)
SET LOCAL client_min_messages = warning;
CREATE TABLE dunning_t.ddl_inv ("No" int PRIMARY KEY, due date, amt numeric, st text, memo text);
SELECT ar_credit.track('dunning_t.ddl_inv', NULL, 'due', 'amt', 'st');
INSERT INTO dunning_t.ddl_inv VALUES (1, current_date + 30, 100, 'open', 'x');
SELECT lives_ok($$ALTER TABLE dunning_t.ddl_inv RENAME COLUMN memo TO note$$,
                'renaming an unmapped column of a tracked table is allowed');
SELECT lives_ok($$ALTER TABLE dunning_t.ddl_inv ADD COLUMN extra int, DROP COLUMN note$$,
                'adding and dropping unmapped columns is allowed');
-- 0.3.0: renames are followed, as a view follows them; drops and retypes that
-- break a mapping are refused, naming the mapping
SELECT lives_ok($$ALTER TABLE dunning_t.ddl_inv RENAME COLUMN due TO due_on$$, 'renaming the mapped due column is followed');
SELECT lives_ok($$ALTER TABLE dunning_t.ddl_inv RENAME COLUMN "No" TO id$$,
                'renaming a key column (taken from the primary key) is followed');
SELECT results_eq($$SELECT key_column, due_column FROM ar_credit.tracked_table WHERE relid = 'dunning_t.ddl_inv'::regclass$$,
                  $$VALUES ('id', 'due_on')$$, 'the stored mapping names the columns by their new names');
SELECT throws_ok($$ALTER TABLE dunning_t.ddl_inv DROP COLUMN st$$, '2BP01',
                 'DROP would break the ar_credit mapping of table dunning_t.ddl_inv',
                 'dropping the mapped status column is refused');
SELECT throws_ok($$ALTER TABLE dunning_t.ddl_inv ALTER COLUMN amt TYPE float8$$, '2BP01',
                 'ALTER TABLE would break the ar_credit mapping of table dunning_t.ddl_inv',
                 'retyping the mapped amount column to float is refused');
SELECT lives_ok($$ALTER TABLE dunning_t.ddl_inv ALTER COLUMN amt TYPE numeric(14,2)$$,
                'retyping the amount column to another numeric is allowed');
INSERT INTO dunning_t.ddl_inv VALUES (2, current_date + 30, 200, 'open');
SELECT is(dunning_t.live_of('dunning_t.ddl_inv', '2'), 'pending L1 email +15 200.00 - -',
          'the trigger still works after the renames and the unrelated ALTERs');
SELECT lives_ok($$SELECT ar_credit.untrack('dunning_t.ddl_inv');
                  ALTER TABLE dunning_t.ddl_inv RENAME COLUMN due_on TO due;
                  SELECT ar_credit.track('dunning_t.ddl_inv', NULL, 'due', 'amt', 'st')$$,
                'untrack, rename, track again');
SELECT is(dunning_t.live_of('dunning_t.ddl_inv', '1'), 'pending L1 email +15 100.00 - -',
          'tracking again after untrack queues the open invoices afresh');

SELECT ok(EXISTS (SELECT 1 FROM ar_credit.tracked_table WHERE relid = 'dunning_t.ddl_inv'::regclass),
          'before DROP TABLE the table is tracked');
SELECT lives_ok($$DROP TABLE dunning_t.ddl_inv$$, 'DROP TABLE of a tracked table');
SELECT is((SELECT count(*) FROM ar_credit.tracked_table t
            WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.relid)), 0::bigint,
          'DROP TABLE forgets the tracking row');
SELECT is((SELECT count(*) FROM ar_credit.dunning_queue q
            WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = q.source)), 0::bigint,
          'DROP TABLE removes the queue rows of the dropped table');

CREATE SCHEMA dunning_gone;
CREATE TABLE dunning_gone.inv (no int PRIMARY KEY, due date, amt numeric);
SELECT ar_credit.track('dunning_gone.inv', 'no', 'due', 'amt');
INSERT INTO dunning_gone.inv VALUES (1, current_date - 10, 10);
DROP SCHEMA dunning_gone CASCADE;
SELECT is((SELECT count(*) FROM ar_credit.dunning_queue q
            WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = q.source))
        + (SELECT count(*) FROM ar_credit.tracked_table t
            WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.relid)), 0::bigint,
          'DROP SCHEMA ... CASCADE forgets the tracked tables inside it');

-- the owner who drops their table needs no rights on ar_credit's tables
CREATE ROLE regress_ar_inv_owner IN ROLE ar_credit_writer;
GRANT USAGE, CREATE ON SCHEMA dunning_t TO regress_ar_inv_owner;
CREATE TABLE dunning_t.owned_inv (no int PRIMARY KEY, due date, amt numeric);
ALTER TABLE dunning_t.owned_inv OWNER TO regress_ar_inv_owner;
SELECT ar_credit.track('dunning_t.owned_inv', 'no', 'due', 'amt');
SET LOCAL ROLE regress_ar_inv_owner;
INSERT INTO dunning_t.owned_inv VALUES (1, current_date - 10, 10);
SELECT lives_ok($$DROP TABLE dunning_t.owned_inv$$, 'a non-superuser owner drops their tracked table');
RESET ROLE;
SELECT is((SELECT count(*) FROM ar_credit.dunning_queue q
            WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = q.source)), 0::bigint,
          '... and its queue rows go with it');
RESET client_min_messages;


-- ---------------------------------------------------------------------
-- catch-up: an invoice to which nothing was sent starts at the level its
-- age calls for (dunning_step.catch_up; never a collection step)
-- ---------------------------------------------------------------------
SELECT col_default_is('ar_credit', 'dunning_step', 'catch_up', 'true', 'dunning_step.catch_up defaults to true');
SELECT is((SELECT bool_and(catch_up) FROM ar_credit.dunning_step WHERE shipped), true,
          'the shipped policies catch up (their collection steps are never a starting point)');
CREATE TABLE "Billing".cu (id int PRIMARY KEY, due date, amt numeric(12,2), st text);
INSERT INTO "Billing".cu VALUES (1, current_date - 1, 100, 'open'), (2, current_date - 15, 100, 'open'),
                                (3, current_date - 30, 100, 'open'), (4, current_date - 90, 100, 'open'),
                                (5, current_date - 400, 100, 'draft'), (6, current_date + 20, 100, 'open');
SELECT lives_ok($$SELECT ar_credit.track('"Billing".cu', 'id', 'due', 'amt', 'st')$$, 'track "Billing".cu (an existing ledger)');
SELECT results_eq($$SELECT dunning_t.live_of('"Billing".cu', k::text) FROM generate_series(1, 6) AS k$$,
                  ARRAY['pending L3 email +0 100.00 - -', 'pending L4 phone +0 100.00 - -',
                        'pending L5 registered_letter +0 100.00 - -', 'pending L5 registered_letter +0 100.00 - -',
                        'none', 'pending L1 email +5 100.00 - -'],
                  'tracked late: 1 day the first reminder, 15 days the second, 30 and 90 days the formal notice (never collection), not yet due: the courtesy reminder');
UPDATE "Billing".cu SET st = 'open' WHERE id = 5;
SELECT is(dunning_t.live_of('"Billing".cu', '5'), 'pending L5 registered_letter +0 100.00 - -',
          'a draft posted 400 days late: the formal notice');
SELECT is((SELECT level FROM ar_credit.next_reminder(current_date - 90, current_date)), 3,
          'next_reminder() itself keeps the step rule (SPEC section 5): the first post-due level');
-- a step not marked catch_up is never a starting point
UPDATE ar_credit.dunning_step SET catch_up = false WHERE policy = 'standard' AND level = 5;
INSERT INTO "Billing".cu VALUES (7, current_date - 90, 100, 'open');
SELECT is(dunning_t.live_of('"Billing".cu', '7'), 'pending L4 phone +0 100.00 - -',
          'level 5 not marked: a 90-day-late invoice starts at level 4');
UPDATE ar_credit.dunning_step SET catch_up = false WHERE policy = 'standard';
INSERT INTO "Billing".cu VALUES (8, current_date - 90, 100, 'open');
SELECT is(dunning_t.live_of('"Billing".cu', '8'), 'pending L3 email +0 100.00 - -',
          'catch-up off for the whole policy: the first reminder, as in 0.2.0');
UPDATE ar_credit.dunning_step SET catch_up = true WHERE policy = 'standard';
-- a due date pushed later before anything was sent: the level of the new age
UPDATE "Billing".cu SET due = current_date - 20 WHERE id = 3;
SELECT is(dunning_t.live_of('"Billing".cu', '3'), 'pending L4 phone +0 100.00 - -',
          'due date moved from 30 to 20 days ago, nothing sent: level 4');
-- a minimum amount: the step is passed over, as when reminding in time
INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label, min_amount) VALUES
    ('cu_min', 1, 1, 'email', 'first', 0), ('cu_min', 2, 10, 'phone', 'call', 1000),
    ('cu_min', 3, 30, 'registered_letter', 'notice', 0), ('cu_min', 4, 60, 'collection', 'handover', 0);
CREATE TABLE "Billing".cu_min (id int PRIMARY KEY, due date, amt numeric(12,2));
SELECT lives_ok($$SELECT ar_credit.track('"Billing".cu_min', 'id', 'due', 'amt', policy => 'cu_min')$$, 'track "Billing".cu_min');
INSERT INTO "Billing".cu_min VALUES (1, current_date - 20, 500), (2, current_date - 20, 5000), (3, current_date - 100, 500);
SELECT results_eq($$SELECT dunning_t.live_of('"Billing".cu_min', k::text) FROM generate_series(1, 3) AS k$$,
                  ARRAY['pending L1 email +0 500.00 - -', 'pending L2 phone +0 5000.00 - -',
                        'pending L3 registered_letter +0 500.00 - -'],
                  'a user policy: the call (min 1000) passed over for 500, made for 5000; 100 days: the notice, not the handover');
-- a dispute placed before anything was sent, released: the level of the age
UPDATE "Billing".cu SET st = 'disputed' WHERE id = 1;
UPDATE "Billing".cu SET due = current_date - 35 WHERE id = 1;
UPDATE "Billing".cu SET st = 'open' WHERE id = 1;
SELECT is(dunning_t.live_of('"Billing".cu', '1'), 'pending L5 registered_letter +0 100.00 - -',
          'disputed then reopened 35 days late, nothing sent: the formal notice');
-- something sent: the levels follow on from it
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(1000, 'w') AS c, LATERAL ar_credit.complete_reminder(c.id) AS x
            WHERE c.invoice_key = '8'), 1::bigint, 'the first reminder of invoice 8 sent');
SELECT is(dunning_t.live_of('"Billing".cu', '8'), 'pending L4 phone +5 100.00 - -',
          'after a level sent no catch-up: the next level, 5 days later');
SELECT is((SELECT count(*) FROM ar_credit.dunning_queue AS q JOIN ar_credit.receivable AS r ON r.id = q.receivable_id
            WHERE r.source = '"Billing".cu'::regclass AND q.state IN ('pending', 'claimed', 'suspended')
            GROUP BY r.id ORDER BY 1 DESC LIMIT 1), 1::bigint, 'one live reminder per invoice throughout');

SELECT * FROM finish();
ROLLBACK;
