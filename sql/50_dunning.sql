--
-- dunning: track an invoices table and follow its queue through the main
-- transitions (SPEC sections 5 and 6).  Dates are relative to current_date
-- (days = remind_on - current_date) so the output does not depend on the day.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ar_credit;
RESET client_min_messages;
SET search_path = ar_credit, public;

CREATE SCHEMA dun;
CREATE TABLE dun.invoice (no int PRIMARY KEY, customer text, due date, open_amount numeric(12,2),
                          status text, currency text DEFAULT 'EUR');
-- each reminder with what the receivables mirror says of its invoice now
CREATE VIEW dun.q AS
SELECT q.invoice_key AS inv, q.level, q.channel, q.remind_on - current_date AS days, q.amount_due, q.state,
       CASE WHEN r.gone THEN 'gone' ELSE r.class END AS invoice
  FROM ar_credit.dunning_queue AS q JOIN ar_credit.receivable AS r ON r.id = q.receivable_id
 WHERE q.source = 'dun.invoice'::regclass;

-- an invoice already there is queued by track()
INSERT INTO dun.invoice VALUES (1, 'acme', current_date + 20, 1000, 'issued');
SELECT track('dun.invoice', 'no', 'due', 'open_amount', 'status', 'customer', 'currency');
INSERT INTO dun.invoice VALUES
    (2, 'acme', current_date - 10, 500, 'open'),      -- overdue: first reminder today
    (3, 'bolt', current_date + 10, 300, 'sent'),      -- courtesy date passed: level 2
    (4, 'bolt', current_date + 20, 400, 'draft'),     -- not queued
    (5, 'cape', current_date - 40, 0, 'open'),        -- nothing due: not queued
    (6, 'cape', current_date + 40, 600, 'Paid');      -- not queued
SELECT * FROM dun.q ORDER BY inv::int, level;

-- partial payment, dispute, due date moved, key changed, cancelled, deleted
UPDATE dun.invoice SET open_amount = 250, status = 'partially_paid' WHERE no = 2;
UPDATE dun.invoice SET status = 'disputed' WHERE no = 3;
UPDATE dun.invoice SET due = current_date + 30 WHERE no = 1;
UPDATE dun.invoice SET status = 'issued' WHERE no = 4;
SELECT * FROM dun.q ORDER BY inv::int, level;
UPDATE dun.invoice SET status = 'open' WHERE no = 3;
UPDATE dun.invoice SET no = 7 WHERE no = 4;
UPDATE dun.invoice SET status = 'cancelled' WHERE no = 1;
DELETE FROM dun.invoice WHERE no = 6;
SELECT * FROM dun.q ORDER BY inv::int, level;

-- a worker sends what is due; the next level follows
SELECT inv, level, channel FROM dun.q WHERE inv IN (SELECT invoice_key FROM dunning_due) ORDER BY inv;
SELECT count(*) AS sent FROM claim_reminders(10, 'mailer') AS c, LATERAL complete_reminder(c.id) AS x;
SELECT * FROM dun.q WHERE inv = '2' ORDER BY level;
-- paid in full, then the payment bounces: resumes after the level sent
UPDATE dun.invoice SET open_amount = 0, status = 'paid' WHERE no = 2;
SELECT * FROM dun.q WHERE inv = '2' ORDER BY level, state;
UPDATE dun.invoice SET open_amount = 250, status = 'open' WHERE no = 2;
SELECT * FROM dun.q WHERE inv = '2' ORDER BY level, state;

-- a credit note: never dunned, nets the customer's balance
INSERT INTO dun.invoice VALUES (9, 'acme', current_date - 5, -100, 'open');
SELECT * FROM dun.q WHERE inv = '9';

-- what BI tools see (source is the table's schema-qualified name, as text)
SELECT source, invoice_key, customer_key, days_past_due, amount_due, aging_bucket_no, status, next_level, next_channel
  FROM open_invoices WHERE source = 'dun.invoice' ORDER BY invoice_key;
SELECT customer_key, currency, "current", d1_30, d31_60, d61_90, over_90, total
  FROM aging_report WHERE source = 'dun.invoice' ORDER BY customer_key;

-- untrack: live reminders cancelled, triggers gone
SELECT untrack('dun.invoice');
SELECT state, count(*) FROM dun.q GROUP BY state ORDER BY state;
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'dun.invoice'::regclass;
INSERT INTO dun.invoice VALUES (8, 'dart', current_date, 10, 'open');
SELECT count(*) AS queued_after_untrack FROM dun.q WHERE inv = '8';

-- statements larger than work_mem: the rows each pass keeps spill to
-- temporary files, closed when the trigger is done (no "temporary file leak"
-- warning at the end of the user's statement)
CREATE TABLE dun.big (no text PRIMARY KEY, cust text, due date, amount numeric(12,2), status text);
INSERT INTO dun.big SELECT 'B-' || i, 'c' || (i % 7), DATE '2026-01-01' + (i % 60), 100 + i % 50, 'open'
  FROM generate_series(1, 3000) AS i;
CREATE TABLE dun.big_pay (id int PRIMARY KEY, no text, amt numeric(12,2));
SET work_mem = '64kB';
SELECT track('dun.big', 'no', 'due', 'amount - coalesce((SELECT sum(p.amt) FROM dun.big_pay AS p WHERE p.no = big.no), 0)',
             status_column => 'status', customer_column => 'cust');
SELECT track_related('dun.big_pay', 'dun.big', 'no');
INSERT INTO dun.big_pay SELECT i, 'B-' || i, 10 FROM generate_series(1, 3000) AS i;
UPDATE dun.big SET status = 'paid' WHERE no < 'B-2';
UPDATE dun.big SET due = due + 1;
DELETE FROM dun.big_pay;
DELETE FROM dun.big;
RESET work_mem;
SELECT class, count(*) FROM receivable WHERE source = 'dun.big'::regclass GROUP BY class ORDER BY class;
SELECT untrack('dun.big');

DROP SCHEMA dun CASCADE;
