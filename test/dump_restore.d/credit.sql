-- user rows of credit control: an account, a guarded orders table with an
-- override recorded, statements, the risk history (refresh_risk) and a
-- second account on hold (0.3.0 on; test/upgrade.sh runs this on older releases too)
SELECT to_regclass('ar_credit.credit_account') IS NOT NULL AS has_credit \gset
\if :has_credit
CREATE TABLE public.dr_order (id int PRIMARY KEY, customer text, amount numeric, status text DEFAULT 'open');
SELECT ar_credit.guard('public.dr_order', 'customer', 'amount', filter => $$status = 'open'$$);
INSERT INTO ar_credit.credit_account (customer_key, credit_limit, currency, insured_limit, collector, reviewed_on, note)
VALUES ('dr-1', 1000, 'EUR', 800, 'alice', '2024-05-01', 'reviewed with the insurer'),
       ('dr-2', 0, NULL, NULL, NULL, NULL, NULL);
UPDATE ar_credit.credit_account SET on_hold = true, hold_reason = 'fraud check', policy = 'strict' WHERE customer_key = 'dr-2';
BEGIN;
SET LOCAL ar_credit.credit_override = 'dump/restore test';
INSERT INTO public.dr_order VALUES (1, 'dr-1', 1500);
COMMIT;
INSERT INTO ar_credit.financial_statement (customer_key, period_end, model, working_capital, retained_earnings, ebit,
                                           book_value_equity, sales, total_assets, total_liabilities)
VALUES ('dr-1', '2023-12-31', 'z_prime', 300, 400, 250, 600, 2000, 2000, 1000);
SELECT ar_credit.refresh_risk('2024-01-31');
\endif
