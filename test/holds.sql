--
-- pgTAP behaviour tests of holds on an invoice's dunning (SPEC sections 9
-- and 12): disputes, holds, promises to pay kept or broken by their date,
-- without a scheduler (claim_reminders processes them) or with one
-- (process_holds).  Dates are relative to CURRENT_DATE.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL client_min_messages = warning;
SET LOCAL search_path = public;

SELECT plan(64);

CREATE SCHEMA hold_t;
CREATE TABLE hold_t.inv (no text PRIMARY KEY, cust text, due date, bal numeric, st text DEFAULT 'open');
SELECT ar_credit.track('hold_t.inv', 'no', 'due', 'bal', 'st', 'cust');
INSERT INTO hold_t.inv VALUES ('D', 'c1', current_date - 10, 100), ('P', 'c2', current_date - 10, 200),
                              ('K', 'c3', current_date - 10, 300), ('H', 'c4', current_date + 30, 400),
                              ('A', 'c5', current_date - 10, 500);
-- the live reminder of an invoice as 'state Llevel +days'
CREATE FUNCTION hold_t.live(k text) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(max(q.state || ' L' || q.level || ' ' || (q.remind_on - current_date)), 'none')
      FROM ar_credit.dunning_queue AS q
     WHERE q.source = 'hold_t.inv'::regclass AND q.invoice_key = k AND q.state IN ('pending', 'claimed', 'suspended')
$$;
SELECT is(hold_t.live('D'), 'pending L3 0', 'an invoice 10 days late: first reminder due today');

-- a dispute suspends the dunning until released
SELECT ok(ar_credit.hold('hold_t.inv', 'D', 'dispute', reason => 'goods damaged') > 0, 'hold: a dispute');
SELECT is(hold_t.live('D'), 'suspended L3 0', 'disputed: the reminder is suspended');
SELECT is((SELECT count(*) FROM ar_credit.dunning_due WHERE invoice_key = 'D'), 0::bigint,
          'it is not due for the workers');
UPDATE hold_t.inv SET bal = 90 WHERE no = 'D';
SELECT is(hold_t.live('D'), 'suspended L3 0', 'a write to the invoice keeps it suspended');
SELECT lives_ok($$SELECT ar_credit.release((SELECT id FROM ar_credit.dunning_hold WHERE invoice_key = 'D'))$$, 'release');
SELECT is(hold_t.live('D'), 'pending L3 0', 'released: the reminder is due again');
SELECT is((SELECT state FROM ar_credit.dunning_hold WHERE invoice_key = 'D'), 'released', 'the hold is kept, released');
SELECT is((SELECT on_hold FROM ar_credit.receivable WHERE item_key = 'D'), false, 'the receivable is no longer on hold');

-- a promise to pay, broken: the dunning resumes at once, an alert
SELECT ok(ar_credit.hold('hold_t.inv', 'P', 'promise', until => current_date, reason => 'will pay Friday') > 0,
          'hold: a promise to pay by today');
SELECT is(hold_t.live('P'), 'suspended L3 0', 'promised: suspended');
SELECT is(ar_credit.process_holds(current_date), 0, 'today the promise still runs');

-- a promise kept: paid by its date
SELECT ok(ar_credit.hold('hold_t.inv', 'K', 'promise', until => current_date) > 0, 'hold: another promise');
UPDATE hold_t.inv SET st = 'paid', bal = 0 WHERE no = 'K';
SELECT is(ar_credit.process_holds(current_date + 1), 2, 'the next day, process_holds ends it, and P''s promise, unpaid');
SELECT is((SELECT state FROM ar_credit.dunning_hold WHERE invoice_key = 'K'), 'kept', 'paid by its date: kept');
-- a promise of a part kept when that part was paid
SELECT ok(ar_credit.hold('hold_t.inv', 'A', 'promise', until => current_date, promised_amount => 200) > 0,
          'hold: a promise to pay 200 of 500');
UPDATE hold_t.inv SET bal = 250 WHERE no = 'A';
SELECT is(ar_credit.process_holds(current_date + 1), 1, 'process_holds');
SELECT is((SELECT state FROM ar_credit.dunning_hold WHERE invoice_key = 'A'), 'kept', '250 of 500 paid: kept');
SELECT is(hold_t.live('A'), 'pending L3 1', 'the dunning of what is left resumes, with the usual gap');
SELECT is((SELECT count(*) FROM ar_credit.alert WHERE kind = 'broken_promise'), 1::bigint, 'one alert (P''s), none for kept promises');

-- a hold placed while a worker holds the reminder: completed, the next level waits
SELECT is((SELECT level FROM ar_credit.claim_reminders(10, 'w2') WHERE invoice_key = 'D'), 3, 'a worker claims D');
SELECT ok(ar_credit.hold('hold_t.inv', 'D', 'hold', until => current_date + 10) > 0, 'a hold while it is claimed');
SELECT is(hold_t.live('D') || ' ' || (SELECT claimed_by FROM ar_credit.dunning_queue WHERE invoice_key = 'D' AND state = 'suspended'),
          'suspended L3 0 w2', 'suspended, the worker''s claim kept');
SELECT lives_ok($$SELECT ar_credit.complete_reminder((SELECT id FROM ar_credit.dunning_queue WHERE invoice_key = 'D' AND claimed_by = 'w2'))$$,
                'the worker completes it');
SELECT is(hold_t.live('D'), 'suspended L4 5', 'sent; the next level waits, suspended');

-- bad input
SELECT throws_ok($$SELECT ar_credit.hold('hold_t.inv', 'H', 'pause')$$, '22023', 'unknown kind of hold: "pause"', 'unknown kind');
SELECT throws_ok($$SELECT ar_credit.hold('hold_t.inv', 'H', 'promise')$$, '22023', NULL, 'a promise without a date');
SELECT throws_ok($$SELECT ar_credit.hold('hold_t.inv', 'H', 'hold', current_date - 1)$$, '22023', NULL, 'a date in the past');
SELECT throws_ok($$SELECT ar_credit.hold('hold_t.inv', 'nope', 'hold')$$, '22023', 'no tracked invoice "nope" in hold_t.inv',
                 'an unknown invoice');
SELECT throws_ok($$SELECT ar_credit.hold('hold_t.inv', 'K', 'dispute')$$, '55000', NULL, 'a paid invoice has no dunning to hold');
SELECT throws_ok($$SELECT ar_credit.release(-1)$$, '22023', 'no hold with id -1', 'release of an unknown hold');

-- a promise broken without any scheduler: the worker's claim breaks it first
UPDATE hold_t.inv SET st = 'open', bal = 700, due = current_date - 30 WHERE no = 'K';
SELECT ok(ar_credit.hold('hold_t.inv', 'K', 'promise', until => current_date) > 0, 'K reopened, promised for today');
SELECT results_eq($$SELECT invoice_key, level FROM ar_credit.claim_reminders(10, 'w', '5 minutes', current_date + 1)
                     WHERE invoice_key = 'K'$$,
                  $$VALUES ('K', 5)$$, 'the next day the worker gets its reminder: the promise broken at claim time; nothing was sent, so the level its age calls for (31 days: the formal notice), at once');
SELECT is((SELECT state FROM ar_credit.dunning_hold WHERE invoice_key = 'K' ORDER BY id DESC LIMIT 1), 'broken', 'that promise is broken');
SELECT results_eq($$SELECT kind, customer_key, (detail->>'until')::date - current_date FROM ar_credit.alert
                     WHERE kind = 'broken_promise' ORDER BY id$$,
                  $$VALUES ('broken_promise', 'c2', 0), ('broken_promise', 'c3', 0)$$, 'alerts: broken_promise, with the promised date');


-- payment plans: an overdue invoice spread over two instalments
INSERT INTO hold_t.inv VALUES ('E', 'c6', current_date - 40, 1000);
SELECT ok(ar_credit.payment_plan('hold_t.inv', 'E', '50% 30D, 50% 60D') > 0, 'payment_plan: 1000 in two instalments');
SELECT results_eq($$SELECT seq, due_date - current_date, amount, cumulative FROM ar_credit.payment_plan_line ORDER BY seq$$,
                  $$VALUES (1, 30, 500::numeric, 500::numeric), (2, 60, 500, 1000)$$, 'the instalments, from installments()');
SELECT results_eq($$SELECT level, remind_on - current_date, due_date - current_date, amount_due, state
                      FROM ar_credit.dunning_queue WHERE invoice_key = 'E' AND state IN ('pending', 'claimed', 'suspended')$$,
                  $$VALUES (1, 15, 30, 500::numeric, 'pending')$$,
                  'the normal dunning replaced by the first instalment''s courtesy reminder (D-15, for 500)');
SELECT is(ar_credit.complete_reminders(ARRAY(SELECT id FROM ar_credit.claim_reminders(10, 'w3', '5 minutes', current_date + 15)
                                              WHERE invoice_key = 'E')), 1, 'a worker sends it (claiming ahead, as a superuser)');
SELECT results_eq($$SELECT level, remind_on - current_date FROM ar_credit.dunning_queue
                     WHERE invoice_key = 'E' AND state IN ('pending', 'claimed', 'suspended')$$,
                  $$VALUES (2, 23)$$, 'then the same instalment''s second reminder (D-7)');
UPDATE hold_t.inv SET bal = 500 WHERE no = 'E';
SELECT results_eq($$SELECT l.seq, l.state FROM ar_credit.payment_plan_line AS l ORDER BY l.seq$$,
                  $$VALUES (1, 'paid'), (2, 'due')$$, 'a payment of 500: the first instalment is paid');
SELECT results_eq($$SELECT level, remind_on - current_date, due_date - current_date FROM ar_credit.dunning_queue
                     WHERE invoice_key = 'E' AND state IN ('pending', 'claimed', 'suspended')$$,
                  $$VALUES (1, 45, 60)$$, 'the second instalment''s courtesy reminder');
SELECT is(ar_credit.process_holds(current_date + 61), 0, 'the second instalment''s date passes unpaid (no hold ended)');
SELECT is((SELECT state FROM ar_credit.payment_plan), 'broken', 'the plan is broken');
SELECT results_eq($$SELECT l.seq, l.state FROM ar_credit.payment_plan_line AS l ORDER BY l.seq$$,
                  $$VALUES (1, 'paid'), (2, 'missed')$$, 'the instalment missed is marked so');
SELECT results_eq($$SELECT level, label, remind_on - current_date FROM ar_credit.dunning_queue
                     WHERE invoice_key = 'E' AND state IN ('pending', 'claimed', 'suspended')$$,
                  $$VALUES (5, 'formal notice', 61)$$, 'the invoice goes to the formal notice at once');
SELECT is((SELECT count(*) FROM ar_credit.alert WHERE kind = 'broken_promise' AND detail ? 'plan'), 1::bigint,
          'an alert names the plan and the instalment missed');
INSERT INTO hold_t.inv VALUES ('Z', 'c8', current_date - 10, 0, 'paid');
SELECT throws_ok($$SELECT ar_credit.payment_plan('hold_t.inv', 'Z', '30D')$$, '55000', NULL, 'a plan for a paid invoice');
SELECT throws_ok($$SELECT ar_credit.payment_plan('hold_t.inv', 'zz', '30D')$$, '22023', NULL, 'a plan for an unknown invoice');
INSERT INTO hold_t.inv VALUES ('F', 'c7', current_date - 10, 300);
SELECT ok(ar_credit.payment_plan('hold_t.inv', 'F', '3 months') > 0, 'a plan in one instalment');
SELECT throws_ok($$SELECT ar_credit.payment_plan('hold_t.inv', 'F', '30D')$$, '55000', NULL, 'a second plan for the same invoice');
-- a dispute on an invoice under a plan suspends the plan's reminder; released, it is due again
SELECT is(hold_t.live('F'), 'pending L1 75', 'under the plan: the instalment''s courtesy reminder');
SELECT ok(ar_credit.hold('hold_t.inv', 'F', 'dispute', reason => 'wrong quantity') > 0, 'a dispute on an invoice under a plan');
SELECT is(hold_t.live('F'), 'suspended L1 75', 'the plan''s reminder is suspended');
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(10, 'w3', '5 minutes', current_date + 80) WHERE invoice_key = 'F'),
          0::bigint, 'no worker claims it');
SELECT lives_ok($$SELECT ar_credit.release((SELECT id FROM ar_credit.dunning_hold WHERE invoice_key = 'F' AND state = 'active'))$$,
                'the dispute released');
SELECT is(hold_t.live('F'), 'pending L1 75', 'the plan''s reminder is due again');
SELECT lives_ok($$SELECT ar_credit.cancel_plan((SELECT id FROM ar_credit.payment_plan WHERE invoice_key = 'F'))$$, 'cancel_plan');
SELECT is(hold_t.live('F'), 'pending L3 0', 'the normal dunning resumes');
SELECT results_eq($$SELECT l.state FROM ar_credit.payment_plan_line AS l JOIN ar_credit.payment_plan AS p ON p.id = l.plan_id
                     WHERE p.invoice_key = 'F'$$,
                  $$VALUES ('cancelled')$$, 'the instalment of the plan cancelled is not due any more');
-- a plan broken on its first instalment: the later ones are cancelled, so
-- that process_holds (at each claim) never reads them again
INSERT INTO hold_t.inv VALUES ('G', 'c9', current_date - 40, 900);
SELECT ok(ar_credit.payment_plan('hold_t.inv', 'G', '40% 30D, 30% 60D, 30% 90D') > 0, 'a plan of three instalments');
SELECT is(ar_credit.process_holds(current_date + 35), 0, 'the first instalment''s date passes unpaid');
SELECT results_eq($$SELECT p.state, l.seq, l.state FROM ar_credit.payment_plan_line AS l
                      JOIN ar_credit.payment_plan AS p ON p.id = l.plan_id WHERE p.invoice_key = 'G' ORDER BY l.seq$$,
                  $$VALUES ('broken', 1, 'missed'), ('broken', 2, 'cancelled'), ('broken', 3, 'cancelled')$$,
                  'broken on the first: the first missed, the two after it cancelled');
SELECT is((SELECT count(*) FROM ar_credit.payment_plan_line AS l JOIN ar_credit.payment_plan AS p ON p.id = l.plan_id
            WHERE l.state = 'due' AND p.state <> 'active'), 0::bigint, 'no instalment of an ended plan is due');

SELECT * FROM finish();
ROLLBACK;
