--
-- credit control (issue 19, SPEC section 8): a customer's limit, orders
-- accepted, one blocked, an override, an invoice paid late, refresh_risk()
-- lowering the class, terms and deposit changing.  Dates are relative to
-- current_date where the check reads them, fixed where refresh_risk does.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ar_credit;
RESET client_min_messages;
SET search_path = ar_credit, public;
\set VERBOSITY terse

-- invoices tracked, orders guarded
CREATE TABLE public.cr_invoice (id int PRIMARY KEY, customer text, due date, amount numeric(12,2),
                                status text DEFAULT 'open', paid_on date, currency text DEFAULT 'EUR');
SELECT track('public.cr_invoice', 'id', 'due', 'amount', 'status', 'customer', 'currency',
             paid_on_column => 'paid_on');
CREATE TABLE public.cr_order (id int PRIMARY KEY, customer text, amount numeric(12,2),
                              status text NOT NULL DEFAULT 'open');
SELECT guard('public.cr_order', 'customer', 'amount', filter => $$status = 'open'$$);
SELECT relid, customer_column, amount_column, mode, filter, currency_column FROM guarded_table;
-- the constraint trigger and its two statement collectors
SELECT tgname, tgconstraint <> 0 AS is_constraint, tgdeferrable, tginitdeferred
  FROM pg_trigger WHERE tgrelid = 'public.cr_order'::regclass ORDER BY tgname;

-- Acme gets a limit of 10,000 EUR; one invoice of 3,000 is open
INSERT INTO credit_account (customer_key, credit_limit, currency, insured_limit, collector)
VALUES ('Acme SA', 10000, 'EUR', 8000, 'alice');
INSERT INTO public.cr_invoice (id, customer, due, amount) VALUES (1, 'Acme SA', current_date + 30, 3000);
SELECT * FROM credit_check('Acme SA', 5000);
SELECT * FROM credit_check('Acme SA', 7000.01);
SELECT * FROM credit_check('nobody', 1e9);

-- orders accepted: two in one transaction, one alone
BEGIN;
INSERT INTO public.cr_order VALUES (1, 'Acme SA', 2500), (2, 'Acme SA', 1500);
COMMIT;
INSERT INTO public.cr_order VALUES (3, 'Acme SA', 2000);
SELECT exposure('Acme SA');
SELECT customer_key, currency, open_receivables, overdue, open_orders, exposure, credit_limit, available,
       utilisation_pct, on_hold, risk_class, granted_limit, insured_limit, uninsured, collector
  FROM credit_exposure;

-- one blocked: exposure 9,000 + 1,000.01 is past the limit; 1,000.00 fits
-- exactly, and then not a cent more
INSERT INTO public.cr_order VALUES (4, 'Acme SA', 1000.01);
INSERT INTO public.cr_order VALUES (4, 'Acme SA', 1000.00);
SELECT count(*) AS orders FROM public.cr_order;
INSERT INTO public.cr_order VALUES (5, 'Acme SA', 0.01);

-- shipping an order (it leaves the filter) frees the limit; reopening it is checked
UPDATE public.cr_order SET status = 'shipped' WHERE id = 1;
SELECT exposure('Acme SA');
INSERT INTO public.cr_order VALUES (5, 'Acme SA', 500);
UPDATE public.cr_order SET status = 'open' WHERE id = 1;
UPDATE public.cr_order SET amount = amount + 1 WHERE id = 5;
-- lowering an order is never refused, even over the limit
UPDATE public.cr_order SET amount = 400 WHERE id = 5;

-- an override by a credit manager, recorded with who, how much and why
CREATE ROLE cr_manager;
GRANT ar_credit_credit_manager TO cr_manager;
GRANT ALL ON public.cr_order TO cr_manager;
CREATE ROLE cr_clerk;
GRANT ALL ON public.cr_order TO cr_clerk;
SET ROLE cr_clerk;
BEGIN;
SET LOCAL ar_credit.credit_override = 'I am sure';
INSERT INTO public.cr_order VALUES (6, 'Acme SA', 5000);
ROLLBACK;
-- without the override the clerk's order is blocked like anyone's
INSERT INTO public.cr_order VALUES (6, 'Acme SA', 5000);
RESET ROLE;
-- in a new session, the override is set before anything has loaded the module
\c
SET search_path = ar_credit, public;
\set VERBOSITY terse
SET ROLE cr_manager;
BEGIN;
SET LOCAL ar_credit.credit_override = 'year-end order, approved by the CFO';
INSERT INTO public.cr_order VALUES (6, 'Acme SA', 5000);
COMMIT;
RESET ROLE;
SELECT customer_key, kind, source, outcome, reason, amount, exposure, credit_limit, by_role FROM credit_event;

-- a hold blocks any new order, whatever the limit
UPDATE public.cr_order SET status = 'shipped' WHERE id IN (1, 2, 3, 5, 6);
UPDATE credit_account SET on_hold = true, hold_reason = 'cheque bounced' WHERE customer_key = 'Acme SA';
SELECT * FROM credit_check('Acme SA', 1);
INSERT INTO public.cr_order VALUES (7, 'Acme SA', 1);
UPDATE credit_account SET on_hold = false, hold_reason = NULL WHERE customer_key = 'Acme SA';

-- an invoice more than ar_credit.block_overdue_days past due blocks too
INSERT INTO public.cr_invoice (id, customer, due, amount) VALUES (2, 'Acme SA', current_date - 45, 800);
SELECT * FROM credit_check('Acme SA', 1);
INSERT INTO public.cr_order VALUES (7, 'Acme SA', 1);
SET ar_credit.block_overdue_days = 60;
SELECT * FROM credit_check('Acme SA', 1);
RESET ar_credit.block_overdue_days;

-- the invoice is paid, late: the tracking trigger records the payment
UPDATE public.cr_invoice SET status = 'paid', paid_on = due + 45 WHERE id = 2;
SELECT customer_key, amount, days_late FROM payment_event WHERE customer_key = 'Acme SA' ORDER BY id;

-- warn mode: a WARNING and an alert, the order goes through
SELECT guard('public.cr_order', 'customer', 'amount', 'warn', $$status = 'open'$$);
INSERT INTO public.cr_order VALUES (8, 'Acme SA', 9000);
SELECT customer_key, kind, detail->>'outcome' AS outcome, detail->'exposure' AS exposure,
       detail->'credit_limit' AS credit_limit, detail->'added' AS added FROM alert WHERE kind = 'limit_exceeded';
SELECT customer_key, kind, outcome, amount, exposure FROM credit_event WHERE kind = 'warning';
SELECT guard('public.cr_order', 'customer', 'amount', filter => $$status = 'open'$$);
UPDATE public.cr_order SET status = 'shipped' WHERE id = 8;

-- risk: financial statements and payments; refresh_risk() scores as of a day
INSERT INTO financial_statement (customer_key, period_end, model, working_capital, retained_earnings, ebit,
                                 book_value_equity, sales, total_assets, total_liabilities)
VALUES ('Acme SA', '2023-12-31', 'z_prime', 300, 400, 250, 600, 2000, 2000, 1000);
SELECT customer_key, period_end, model, model_score FROM financial_statement;
-- good payer in 2023, then late in 2024 (the payment history of another table)
CREATE TABLE public.cr_history (id int PRIMARY KEY, customer text, due date, amount numeric, status text, paid_on date);
SELECT track('public.cr_history', 'id', 'due', 'amount', 'status', 'customer', paid_on_column => 'paid_on');
INSERT INTO public.cr_history
SELECT i, 'Acme SA', date '2023-01-31' + (i * 30), 1000, 'paid', date '2023-01-31' + (i * 30) FROM generate_series(0, 9) AS i;
SELECT refresh_risk('2023-12-31');
SELECT customer_key, as_of, financial_score, paydex, score, risk_class, exposure, credit_limit FROM customer_risk;
SELECT risk_class, recommended_terms(risk_class) AS terms, required_deposit('Acme SA', 10000) AS deposit
  FROM credit_account WHERE customer_key = 'Acme SA';
-- 2024: three invoices paid 60 days late; the new statement is weaker
INSERT INTO public.cr_history
SELECT 100 + i, 'Acme SA', date '2024-03-31' + (i * 30), 3000, 'paid', date '2024-03-31' + (i * 30) + 60 FROM generate_series(0, 2) AS i;
INSERT INTO financial_statement (customer_key, period_end, model, working_capital, retained_earnings, ebit,
                                 book_value_equity, sales, total_assets, total_liabilities)
VALUES ('Acme SA', '2024-06-30', 'z_prime', -100, 50, 20, 300, 1500, 2000, 1700);
SELECT refresh_risk('2024-07-31');
SELECT customer_key, as_of, financial_score, paydex, score, risk_class FROM customer_risk ORDER BY as_of;
-- the class fell: terms shorten, a deposit is due, the limit in force shrinks, the strict dunning policy applies
SELECT a.risk_class, recommended_terms(a.risk_class) AS terms, required_deposit('Acme SA', 10000) AS deposit,
       p.dunning_policy, e.granted_limit, e.credit_limit
  FROM credit_account AS a JOIN credit_policy AS p USING (risk_class) JOIN credit_exposure AS e USING (customer_key);
SELECT customer_key, kind, detail - 'as_of' AS detail FROM alert WHERE kind IN ('risk_class_down', 'paydex_drop') ORDER BY id;
-- refreshing the same day again rewrites its row and raises nothing new
SELECT refresh_risk('2024-07-31');
SELECT count(*) AS alerts FROM alert WHERE kind IN ('risk_class_down', 'paydex_drop');

-- bad input
SELECT * FROM credit_check(NULL, 1);
SELECT * FROM credit_check('Acme SA', NULL);
SELECT * FROM credit_check('Acme SA', 'NaN');
SELECT exposure(NULL);
SELECT required_deposit('Acme SA', -1);
SELECT required_deposit(NULL, 1);
SELECT refresh_risk(NULL);
SELECT refresh_risk('infinity');
INSERT INTO credit_account (customer_key, credit_limit) VALUES ('neg', -1);
INSERT INTO credit_account (customer_key, credit_limit) VALUES ('nan', 'NaN');
INSERT INTO credit_account (customer_key, currency) VALUES ('cur', 'euro');
INSERT INTO credit_account (customer_key, policy) VALUES ('pol', 'gentle');
SELECT guard('public.cr_order', 'customer', 'amount', 'stop');
SELECT guard('public.cr_order', 'customer', 'no_such_column');
SELECT guard('public.cr_order', 'customer', 'status');
SELECT guard('public.cr_order', NULL, 'amount');
-- a customer with items in two currencies: the check refuses to add them
INSERT INTO public.cr_invoice (id, customer, due, amount, currency) VALUES (3, 'Acme SA', current_date + 30, 100, 'USD');
SELECT * FROM credit_check('Acme SA', 1);
SELECT customer_key, currency, exposure, credit_limit FROM credit_exposure ORDER BY currency;
DELETE FROM public.cr_invoice WHERE id = 3;
-- orders without a customer are nobody's credit
INSERT INTO public.cr_order VALUES (9, NULL, 1e6);

-- no way around the check: a failed check rolled back to a savepoint runs
-- again at commit; suppressing the constraint's event by hand fails the commit
BEGIN;
INSERT INTO public.cr_order VALUES (11, 'Acme SA', 1e6);
SAVEPOINT s;
SET CONSTRAINTS ALL IMMEDIATE;
ROLLBACK TO SAVEPOINT s;
COMMIT;
BEGIN;
SELECT guard_armed('public.cr_order');
INSERT INTO public.cr_order VALUES (11, 'Acme SA', 1e6);
COMMIT;
SELECT count(*) AS orders_of_a_million FROM public.cr_order WHERE customer = 'Acme SA' AND amount = 1e6;

-- unguard: the orders no longer count, nothing is checked
SELECT unguard('public.cr_order');
SELECT unguard('public.cr_order');
SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.cr_order'::regclass;
INSERT INTO public.cr_order VALUES (10, 'Acme SA', 1e6);
SELECT open_orders FROM credit_exposure WHERE customer_key = 'Acme SA';

-- clean up
SELECT untrack('public.cr_invoice'), untrack('public.cr_history');
DROP TABLE public.cr_order, public.cr_invoice, public.cr_history;
DELETE FROM credit_account; DELETE FROM credit_event; DELETE FROM customer_risk; DELETE FROM financial_statement;
DELETE FROM alert WHERE customer_key = 'Acme SA';
DELETE FROM payment_event WHERE customer_key = 'Acme SA';
DELETE FROM receivable WHERE customer_key = 'Acme SA';
DROP ROLE cr_manager, cr_clerk;
