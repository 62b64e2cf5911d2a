--
-- pgTAP behaviour tests of credit control (issue 19, SPEC section 8).
--
-- The whole file is one transaction, so the guard's deferred constraint
-- trigger is fired with SET CONSTRAINTS ALL IMMEDIATE where a commit would
-- fire it; throws_ok runs that in a subtransaction, which puts the event
-- back in the queue when the check fails, as a ROLLBACK TO SAVEPOINT would.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public, ar_credit;

SELECT plan(74);

-- ---------------------------------------------------------------------
-- the contract
-- ---------------------------------------------------------------------
SELECT has_table('ar_credit', 'credit_account', 'credit_account exists');
SELECT is(ARRAY(SELECT attname::text FROM pg_attribute
                WHERE attrelid = 'ar_credit.credit_account'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum),
          ARRAY['customer_key', 'credit_limit', 'currency', 'insured_limit', 'on_hold', 'hold_reason',
                                  'policy', 'collector', 'reviewed_on', 'note', 'risk_class'],
                  'credit_account: the columns of SPEC section 8, then risk_class');
SELECT is((ARRAY(SELECT attname::text FROM pg_attribute
                 WHERE attrelid = 'ar_credit.credit_exposure'::regclass AND attnum > 0 ORDER BY attnum))[1:11],
          ARRAY['customer_key', 'currency', 'open_receivables', 'overdue', 'open_orders', 'exposure',
                                  'credit_limit', 'available', 'utilisation_pct', 'on_hold', 'risk_class'],
                  'credit_exposure: the columns of SPEC section 8 first');
SELECT is((ARRAY(SELECT attname::text FROM pg_attribute
                 WHERE attrelid = 'ar_credit.customer_risk'::regclass AND attnum > 0 ORDER BY attnum))[1:6],
          ARRAY['customer_key', 'as_of', 'financial_score', 'paydex', 'score', 'risk_class'],
                  'customer_risk: the columns of SPEC section 8 first');
SELECT has_function('ar_credit', 'exposure', ARRAY['text'], 'exposure(text)');
SELECT has_function('ar_credit', 'credit_check', ARRAY['text', 'numeric'], 'credit_check(text, numeric)');
SELECT has_function('ar_credit', 'guard', ARRAY['regclass', 'text', 'text', 'text', 'text', 'text'], 'guard(orders, customer, amount, mode, filter, currency)');
SELECT has_function('ar_credit', 'unguard', ARRAY['regclass'], 'unguard(regclass)');
SELECT has_function('ar_credit', 'refresh_risk', ARRAY['date'], 'refresh_risk(date)');
SELECT has_function('ar_credit', 'required_deposit', ARRAY['text', 'numeric'], 'required_deposit(text, numeric)');
SELECT is((SELECT array_agg(risk_class || '=' || COALESCE(dunning_policy, '-') ORDER BY risk_class) FROM credit_policy),
          ARRAY['A=-', 'B=-', 'C=-', 'D=strict', 'E=strict'], 'credit_policy.dunning_policy: D and E get the strict policy');
SELECT is((SELECT count(*)::int FROM pg_extension e, unnest(e.extconfig) AS c
            WHERE e.extname = 'ar_credit' AND c::regclass IN
                  ('ar_credit.credit_account'::regclass, 'ar_credit.credit_event'::regclass, 'ar_credit.financial_statement'::regclass,
                   'ar_credit.customer_risk'::regclass, 'ar_credit.guarded_table'::regclass)), 5,
          'accounts, events, statements, risk history and guarded tables are dumped by pg_dump');
SELECT ok(pg_has_role('ar_credit_credit_manager', 'ar_credit_credit_manager', 'MEMBER'), 'role ar_credit_credit_manager exists');

-- ---------------------------------------------------------------------
-- credit_check
-- ---------------------------------------------------------------------
CREATE TABLE t_inv (id int PRIMARY KEY, cust text, due date, amount numeric, status text DEFAULT 'open', cur text DEFAULT 'EUR');
SELECT track('t_inv', 'id', 'due', 'amount', 'status', 'cust', 'cur');
INSERT INTO credit_account (customer_key, credit_limit, currency) VALUES ('c1', 1000, 'EUR'), ('c2', 500, 'EUR'), ('c3', NULL, NULL);
INSERT INTO t_inv (id, cust, due, amount) VALUES (1, 'c1', current_date + 10, 300), (2, 'c1', current_date + 10, -50);
SELECT results_eq($$SELECT ok, exposure, available FROM credit_check('c1', 750)$$, $$VALUES (true, 250::numeric, 750.00)$$,
                  'a credit note nets: exposure 250, 750 available, 750 more fits exactly');
SELECT results_eq($$SELECT ok, reason FROM credit_check('c1', 750.01)$$,
                  $$VALUES (false, 'exposure 250 + amount 750.01 exceeds the credit limit 1000.00')$$, 'a cent more does not');
SELECT results_eq($$SELECT ok, reason, available FROM credit_check('c3', 1e12)$$, $$VALUES (true, 'no credit limit', NULL::numeric)$$,
                  'an account without a limit: ok, reason no credit limit');
SELECT results_eq($$SELECT ok, reason FROM credit_check('c9', 1e12)$$, $$VALUES (true, 'no credit account')$$,
                  'no account: ok, reason no credit account');
SELECT results_eq($$SELECT ok FROM credit_check('c1', -5000)$$, $$VALUES (true)$$, 'a negative amount (a return) is checked like any');
SELECT throws_ok($$SELECT * FROM credit_check(NULL, 1)$$, '22004', NULL, 'NULL customer: 22004');
SELECT throws_ok($$SELECT * FROM credit_check('c1', NULL)$$, '22004', NULL, 'NULL amount: 22004');
SELECT throws_ok($$SELECT * FROM credit_check('c1', 'Infinity')$$, '22023', NULL, 'an infinite amount: 22023');
UPDATE t_inv SET due = current_date - 31 WHERE id = 1;
SELECT results_eq($$SELECT ok, reason FROM credit_check('c1', 1)$$,
                  $$VALUES (false, 'an invoice is 31 days past due (ar_credit.block_overdue_days = 30)')$$,
                  'an invoice 31 days past due blocks');
UPDATE t_inv SET status = 'disputed' WHERE id = 1;
SELECT results_eq($$SELECT ok FROM credit_check('c1', 1)$$, $$VALUES (true)$$, 'a disputed invoice does not block');
UPDATE t_inv SET status = 'open', due = current_date + 10 WHERE id = 1;

-- ---------------------------------------------------------------------
-- guard(), block mode
-- ---------------------------------------------------------------------
CREATE TABLE t_order (id int PRIMARY KEY, cust text, amount numeric, state text NOT NULL DEFAULT 'open');
SELECT guard('t_order', 'cust', 'amount', filter => $$state = 'open'$$);
INSERT INTO t_order VALUES (1, 'c1', 600);
SELECT lives_ok('SET CONSTRAINTS ALL IMMEDIATE', 'an order within the limit passes');
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO t_order VALUES (2, 'c1', 200);
SELECT is(exposure('c1'), 1050::numeric, 'exposure: receivables netted plus open orders, before the check has run');
SELECT throws_ok('SET CONSTRAINTS ALL IMMEDIATE', '23514',
                 'credit limit exceeded for customer "c1": exposure 1050, credit limit 1000.00',
                 'past the limit: 23514 naming the customer, the exposure and the limit');
SELECT throws_ok('SET CONSTRAINTS ALL IMMEDIATE', '23514', NULL,
                 'a failed check rolled back to a savepoint is checked again');
DELETE FROM t_order WHERE id = 2;
SELECT lives_ok('SET CONSTRAINTS ALL IMMEDIATE', 'the order deleted, the check passes');
SET CONSTRAINTS ALL DEFERRED;
-- a savepoint rolled back takes its queued event along: the next row queues another
SAVEPOINT a;
INSERT INTO t_order VALUES (3, 'c1', 10);
ROLLBACK TO SAVEPOINT a;
INSERT INTO t_order VALUES (4, 'c1', 500);
SELECT throws_ok('SET CONSTRAINTS ALL IMMEDIATE', '23514', NULL, 'an event discarded with a savepoint is queued again');
DELETE FROM t_order WHERE id = 4;
SELECT lives_ok('SET CONSTRAINTS ALL IMMEDIATE', 'and passes once the order is gone');
-- IMMEDIATE: the constraint event fires before the statement collector, which checks at once
SELECT throws_ok($$INSERT INTO t_order VALUES (5, 'c1', 500)$$, '23514', NULL, 'IMMEDIATE: the statement itself fails');
SELECT lives_ok($$INSERT INTO t_order VALUES (5, 'c1', 100)$$, 'IMMEDIATE: an order within the limit passes');
-- several customers in one statement: the first failing is named, the others counted
SELECT throws_ok($$INSERT INTO t_order VALUES (6, 'c2', 501), (7, 'c1', 400), (8, 'c9', 1e9)$$, '23514',
                 'credit limit exceeded for customer "c1": exposure 1350, credit limit 1000.00',
                 'one statement, two customers past their limits, one without an account');
SELECT lives_ok($$INSERT INTO t_order VALUES (6, 'c2', 500), (8, 'c9', 1e9), (9, NULL, 1e9)$$,
                'each within its limit; no account, no customer: nothing to check');
-- updates: a change that adds exposure is checked, one that lowers it is not
SELECT throws_ok($$UPDATE t_order SET amount = amount + 1 WHERE id = 6$$, '23514', NULL, 'an order raised past the limit');
SELECT throws_ok($$UPDATE t_order SET cust = 'c2' WHERE id = 5$$, '23514', NULL, 'an order moved to a customer without room');
SELECT lives_ok($$UPDATE t_order SET state = 'shipped', amount = 700 WHERE id = 1$$, 'an order leaving the filter (shipped) is never refused');
SELECT throws_ok($$UPDATE t_order SET state = 'open' WHERE id = 1$$, '23514', NULL, 'an order coming back into the filter is checked');
SELECT lives_ok($$UPDATE t_order SET amount = 1 WHERE id = 6$$, 'lowering an order is never refused');
UPDATE credit_account SET on_hold = true, hold_reason = 'audit' WHERE customer_key = 'c2';
SELECT throws_ok($$INSERT INTO t_order VALUES (10, 'c2', 0.01)$$, '23514',
                 'credit account on hold for customer "c2": exposure 1.01, credit limit 500.00', 'on hold: any order is refused');
UPDATE credit_account SET on_hold = false WHERE customer_key = 'c2';
UPDATE credit_account SET credit_limit = 2000 WHERE customer_key = 'c1';
SELECT lives_ok($$INSERT INTO t_order VALUES (10, 'c1', 500)$$, 'a raised limit makes room');

-- ---------------------------------------------------------------------
-- overrides and who may
-- ---------------------------------------------------------------------
CREATE ROLE t_clerk;
CREATE ROLE t_manager IN ROLE ar_credit_credit_manager;
GRANT ALL ON t_order TO t_clerk, t_manager;
SET LOCAL ROLE t_clerk;
SELECT lives_ok($$INSERT INTO t_order VALUES (11, 'c1', 1)$$, 'a writer without any grant on ar_credit is checked');
SELECT throws_ok($$INSERT INTO t_order VALUES (12, 'c1', 1e6)$$, '23514', NULL, 'and refused like anyone');
SET LOCAL ar_credit.credit_override = 'I know best';
SELECT throws_ok($$INSERT INTO t_order VALUES (12, 'c1', 1)$$, '42501', NULL,
                 'credit_override set by a role outside ar_credit_credit_manager: 42501 (even within the limit)');
SET LOCAL ROLE t_manager;
SET LOCAL ar_credit.credit_override = 'key account, CFO approved';
SELECT lives_ok($$INSERT INTO t_order VALUES (12, 'c1', 1e6)$$, 'a credit manager overrides');
RESET ROLE;
SET LOCAL ar_credit.credit_override = '';
SELECT results_eq($$SELECT customer_key, kind, source::text, outcome, reason, amount, credit_limit, by_role FROM credit_event$$,
                  $$VALUES ('c1', 'override', 't_order', 'over_limit', 'key account, CFO approved', 1e6, 2000.00, 't_manager')$$,
                  'the override is recorded: who, how much, why');
DELETE FROM t_order WHERE id = 12;

-- ---------------------------------------------------------------------
-- warn mode, expressions, currencies
-- ---------------------------------------------------------------------
SELECT guard('t_order', 'cust', 'amount', 'warn', $$state = 'open'$$);
SET LOCAL client_min_messages = error;
SELECT lives_ok($$INSERT INTO t_order VALUES (13, 'c2', 900)$$, 'warn mode lets the order through');
RESET client_min_messages;
SELECT results_eq($$SELECT customer_key, kind, detail->>'outcome', (detail->>'added')::numeric FROM alert WHERE kind = 'limit_exceeded'$$,
                  $$VALUES ('c2', 'limit_exceeded', 'over_limit', 900::numeric)$$, 'and records a limit_exceeded alert');
SELECT is((SELECT count(*)::int FROM credit_event WHERE kind = 'warning' AND customer_key = 'c2'), 1, 'and a warning event');
DELETE FROM t_order WHERE id = 13;

CREATE TABLE t_line (id int PRIMARY KEY, code text, qty int, unit_price numeric, cur text, closed bool DEFAULT false);
SELECT guard('t_line', 'lower(code)', 'qty * unit_price', filter => 'NOT closed', currency_column => 'cur');
SELECT is(customer_column || ' | ' || amount_column || ' | ' || filter, 'lower(code) | ((qty)::numeric * unit_price) | (NOT closed)',
          'expression mappings are kept as canonical text') FROM guarded_table WHERE relid = 't_line'::regclass;
SELECT throws_ok($$INSERT INTO t_line VALUES (1, 'C2', 100, 5, 'EUR')$$, '23514', NULL, 'expressions: 100 x 5 for c2 is past 500');
SELECT lives_ok($$INSERT INTO t_line VALUES (1, 'C2', 10, 5, 'EUR')$$, 'expressions: 10 x 5 fits');
SELECT is((SELECT open_orders FROM credit_exposure WHERE customer_key = 'c2'), 51::numeric, 'open orders of both guarded tables count');
SELECT throws_ok($$INSERT INTO t_line VALUES (2, 'C2', 1, 5, 'USD')$$, '22023', NULL,
                 'an order in another currency than the account''s is refused: amounts are never added across currencies');
SELECT is(mode, 'block', 'mode defaults to block') FROM guarded_table WHERE relid = 't_line'::regclass;

-- ---------------------------------------------------------------------
-- what guard() refuses, and what follows the table
-- ---------------------------------------------------------------------
CREATE VIEW t_view AS SELECT * FROM t_order;
SELECT throws_ok($$SELECT guard('t_view', 'cust', 'amount')$$, '42809', NULL, 'a view: 42809');
CREATE TABLE t_part (id int, cust text, amount numeric) PARTITION BY RANGE (id);
SELECT throws_ok($$SELECT guard('t_part', 'cust', 'amount')$$, '0A000', NULL, 'a partitioned table: 0A000');
SET LOCAL ROLE t_clerk;
SELECT throws_ok($$SELECT guard('t_order', 'cust', 'amount')$$, '42501', NULL, 'only the owner may guard a table');
RESET ROLE;
SELECT throws_ok($$ALTER TABLE t_line RENAME COLUMN unit_price TO price$$, '2BP01', NULL,
                 'renaming a column the guard maps is refused');
SELECT throws_ok($$ALTER TABLE t_line DROP COLUMN closed$$, '2BP01', NULL, 'dropping one too');
SELECT lives_ok($$ALTER TABLE t_line RENAME COLUMN id TO line_id$$, 'a column the guard does not map may be renamed');
DROP TABLE t_line;
SELECT is((SELECT count(*)::int FROM guarded_table WHERE relid::text = 't_line'), 0, 'a guarded table dropped is forgotten');

-- ---------------------------------------------------------------------
-- risk and deposits
-- ---------------------------------------------------------------------
SELECT is(required_deposit('c1', 1000), 0.00, 'no risk row: no deposit');
INSERT INTO customer_risk (customer_key, as_of, paydex, score, risk_class) VALUES
    ('c1', '2024-01-31', 80, 70, 'B'), ('c1', '2024-02-29', 40, 20, 'E');
SELECT is(required_deposit('c1', 999.99), 500.00, 'class E of the latest row: 50 %, rounded half away from zero');
INSERT INTO financial_statement (customer_key, period_end, model, conan_r1, conan_r2, conan_r3, conan_r4, conan_r5)
VALUES ('c2', '2024-12-31', 'conan_holder', 0.2, 0.5, 0.3, 0.01, 0.5);
SELECT is(refresh_risk('2025-01-31'), 1,
          'refresh_risk writes a row for each customer it can score (a statement or payments; exposure alone says nothing)');
SELECT results_eq($$SELECT a.risk_class, k.risk_class FROM credit_account AS a
                      JOIN customer_risk AS k ON k.customer_key = a.customer_key AND k.as_of = '2025-01-31'$$,
                  $$VALUES ('B', 'B')$$,
                  'the account takes the class of its latest row (Conan-Holder 0.1473: financial 65.77; exposure 100; no paydex: 77, B)');


-- ---------------------------------------------------------------------
-- the dunning policy of a customer's invoices (policy_for)
-- ---------------------------------------------------------------------
CREATE TABLE pol_t (no text PRIMARY KEY, cust text, due date, amount numeric(12,2));
SELECT ar_credit.track('pol_t', 'no', 'due', 'amount', customer_column => 'cust');
INSERT INTO ar_credit.credit_account (customer_key, policy) VALUES ('pol-own', 'strict');
INSERT INTO ar_credit.credit_account (customer_key, risk_class) VALUES ('pol-e', 'E'), ('pol-a', 'A');
INSERT INTO pol_t VALUES ('P1', 'pol-own', current_date - 10, 100), ('P2', 'pol-e', current_date - 10, 100),
                         ('P3', 'pol-a', current_date - 10, 100), ('P4', 'pol-none', current_date - 10, 100),
                         ('P5', NULL, current_date - 10, 100);
SELECT results_eq($$SELECT invoice_key, policy, level FROM ar_credit.dunning_queue
                     WHERE source = 'pol_t'::regclass ORDER BY invoice_key$$,
                  $$VALUES ('P1', 'strict', 4), ('P2', 'strict', 4), ('P3', 'standard', 3), ('P4', 'standard', 3),
                           ('P5', 'standard', 3)$$,
                  'the account''s policy, else its class''s (E: strict), else the table''s; no customer: the table''s');
SELECT is(ar_credit.policy_for('pol-own', 'x'), 'strict', 'policy_for: the account''s own policy');
SELECT is(ar_credit.policy_for('pol-a', 'x'), 'x', 'policy_for: a class without a policy: the table''s');
SELECT is(ar_credit.policy_for(NULL, 'x'), 'x', 'policy_for: no customer: the table''s');
SELECT volatility_is('ar_credit', 'policy_for', ARRAY['text', 'text'], 'stable', 'policy_for is STABLE');
-- the class falls: the next write follows (the cache is invalidated)
UPDATE ar_credit.credit_account SET risk_class = 'D' WHERE customer_key = 'pol-a';
UPDATE pol_t SET amount = 90 WHERE no = 'P3';
SELECT results_eq($$SELECT policy, level, remind_on - current_date FROM ar_credit.dunning_queue
                     WHERE source = 'pol_t'::regclass AND invoice_key = 'P3' AND state = 'pending'$$,
                  $$VALUES ('strict', 4, 0)$$, 'the class fell to D: the invoice''s next write reschedules it under strict');
-- a level sent: the next one from the customer's policy as it is now
UPDATE ar_credit.credit_account SET policy = NULL, risk_class = 'B' WHERE customer_key = 'pol-own';
SELECT is((SELECT ar_credit.complete_reminders(array_agg(c.id))
             FROM ar_credit.claim_reminders(100, 'pol-w') AS c WHERE c.invoice_key = 'P1'), 1, 'P1''s level 4 sent');
SELECT results_eq($$SELECT policy, level, remind_on - current_date FROM ar_credit.dunning_queue
                     WHERE source = 'pol_t'::regclass AND invoice_key = 'P1' AND state = 'pending'$$,
                  $$VALUES ('standard', 5, 20)$$,
                  'its account lost its own policy: the next level is standard''s (formal notice at due + 30)');

SELECT * FROM finish();
ROLLBACK;
