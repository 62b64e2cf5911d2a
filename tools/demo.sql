-- A short tour of ar_credit, run by tools/demo.sh in a throwaway cluster.
\set QUIET on
\pset footer off
CREATE EXTENSION ar_credit;
\echo
\echo '== 1. Payment terms: words in, canonical formula out, due dates, legal checks'
SELECT input AS "terms as written",
       input::ar_credit.payment_terms AS canonical,
       ar_credit.due_date(input::ar_credit.payment_terms, date '2026-01-15') AS "due (invoice 2026-01-15)",
       ar_credit.max_term_days(input::ar_credit.payment_terms) AS "worst case days",
       ar_credit.describe(input::ar_credit.payment_terms, 'fr') AS "sur la facture",
       pg_catalog.array_to_string(ar_credit.terms_violations(input::ar_credit.payment_terms, 'FR'), '; ') AS "FR violations"
  FROM (VALUES ('net 30'), ('45 jours fin de mois'), ('end of month + 45 days'),
               ('45 days end of month on the 10th'), ('2/10 net 30'), ('90 days')) AS v(input);

\echo '== 2. A sample ledger in your own tables: 200 customers, 20,000 invoices (examples/demo_data.sql)'
\i examples/demo_data.sql
SELECT (SELECT count(*) FROM billing.customer) AS customers, count(*) AS invoices,
       count(DISTINCT customer_id) AS "customers invoiced", min(issued_on) AS "first issued", max(issued_on) AS "last issued"
  FROM billing.invoice;
SELECT status, count(*) AS invoices, sum(amount) AS amount FROM billing.invoice GROUP BY status ORDER BY status;

\echo '== 3. Aging of the open balances per customer (the ar_credit.aging aggregate): the 8 EUR customers owing the most overdue'
SELECT customer_id, a[2] + a[3] + a[4] + a[5] AS overdue,
       a[1] AS current, a[2] AS "1-30", a[3] AS "31-60", a[4] AS "61-90", a[5] AS ">90"
  FROM (SELECT customer_id, ar_credit.aging(balance, due_on, current_date) AS a
          FROM billing.invoice
         WHERE status IN ('open', 'partially_paid', 'disputed') AND currency = 'EUR'
         GROUP BY customer_id) AS s
 ORDER BY overdue DESC, customer_id
 LIMIT 8;

\echo '== 4. Top risks: the 10 lowest solvency scores (statements, payment behaviour, exposure) and the terms the policy recommends'
\i examples/score_customers.sql

\echo '== 5. Late-payment interest and indemnities owed on invoices paid late (FR_B2B, EUR customers)'
SELECT count(*) AS late_invoices,
       sum(ar_credit.late_interest(amount, due_on, paid_on, 'FR_B2B')) AS interest,
       sum(ar_credit.recovery_indemnity(amount, 'FR_B2B')) AS indemnities
  FROM billing.invoice
 WHERE status = 'paid' AND paid_on > due_on AND currency = 'EUR';

\echo '== 6. Track the invoices table: the dunning queue fills itself; reminders a worker would send today'
\o /dev/null
SELECT ar_credit.track('billing.invoice', 'invoice_no', 'due_on', 'balance',
                       status_column => 'status', customer_column => 'customer_id',
                       currency_column => 'currency');
\o
SELECT state, count(*) FROM ar_credit.dunning_queue GROUP BY state ORDER BY state;
SELECT level, channel, label, count(*) AS reminders, sum(amount_due) AS amount_due
  FROM ar_credit.dunning_due GROUP BY level, channel, label ORDER BY level;
\echo 'A worker claims a batch of 5, sends it and completes it (examples/worker.sh does this in a loop):'
CREATE TEMP TABLE sent AS
SELECT c.id, c.source, c.invoice_key, c.customer_key, c.level, c.channel, c.amount_due, c.currency
  FROM ar_credit.claim_reminders(5, 'demo-worker') AS c;
\o /dev/null
SELECT ar_credit.complete_reminder(id) FROM sent;
\o
SELECT s.invoice_key, s.customer_key, s.level AS sent_level, s.channel, s.amount_due, s.currency,
       q.level AS next_level, q.channel AS next_channel, q.remind_on AS next_on
  FROM sent AS s
  LEFT JOIN ar_credit.dunning_queue AS q
         ON q.source = s.source AND q.invoice_key = s.invoice_key AND q.state = 'pending'
 ORDER BY s.invoice_key;

\echo
\echo '== 7. A day of collections: the worklist, a call logged, a promise kept, one broken, a payment plan, a formal notice'
\o /dev/null
-- credit accounts: who owns which customers, their class (refresh_risk writes it from the figures)
INSERT INTO ar_credit.credit_account (customer_key, credit_limit, currency, collector, risk_class)
SELECT w.customer_key, 50000, 'EUR', CASE WHEN row_number() OVER (ORDER BY w.priority DESC) % 2 = 1 THEN 'alice' ELSE 'bob' END,
       (ARRAY['A', 'B', 'C', 'D'])[1 + (w.customer_key::int % 4)]
  FROM ar_credit.worklist AS w WHERE w.currency = 'EUR';
\o
\echo 'The worklist this morning (top 6; broken promises first, then overdue x (1 + days/30) x risk weight):'
SELECT customer_key, collector, overdue_amount, oldest_days_past_due AS days, risk_class AS class,
       broken_promises AS broken, open_disputes AS disputes, next_action, priority
  FROM ar_credit.worklist WHERE currency = 'EUR' LIMIT 6;
-- the day's cases: the first three customers of the list, an invoice each
CREATE TEMP TABLE todo AS
SELECT w.customer_key, (SELECT r.item_key FROM ar_credit.receivable AS r
                         WHERE r.customer_key = w.customer_key AND r.class = 'open' AND NOT r.gone AND r.currency = 'EUR'
                         ORDER BY r.due_date, r.item_key LIMIT 1) AS invoice_no,
       row_number() OVER () AS n
  FROM (SELECT customer_key FROM ar_credit.worklist WHERE currency = 'EUR' LIMIT 3) AS w;
\echo 'The collector calls the first two customers: the calls are logged, and promises to pay in 3 days recorded'
\o /dev/null
INSERT INTO ar_credit.contact_log (source, invoice_key, customer_key, channel, direction, outcome, note)
SELECT 'billing.invoice', invoice_no, customer_key, 'phone', 'out', 'promise', 'will pay within 3 days' FROM todo WHERE n IN (1, 2);
SELECT ar_credit.hold('billing.invoice', invoice_no, 'promise', until => current_date + 3, reason => 'call of today')
  FROM todo WHERE n IN (1, 2);
\o
SELECT t.n AS "case", h.invoice_key, h.kind, h.until - current_date AS "in days", q.state AS reminder
  FROM todo AS t JOIN ar_credit.dunning_hold AS h ON h.invoice_key = t.invoice_no
  JOIN ar_credit.dunning_queue AS q ON q.receivable_id = h.receivable_id AND q.state IN ('pending', 'claimed', 'suspended')
 ORDER BY t.n;
\echo 'Case 1 pays on time (the promise is kept); case 2 does not (broken the day after: the next level at once, an alert)'
\o /dev/null
UPDATE billing.invoice AS i SET paid_amount = i.amount, paid_on = current_date + 2, status = 'paid'
  FROM todo AS t WHERE t.n = 1 AND i.invoice_no = t.invoice_no;
SELECT ar_credit.process_holds(current_date + 4);
\o
SELECT t.n AS "case", h.invoice_key, h.state AS promise,
       (SELECT q.level || ' ' || q.label || ', ' || q.state FROM ar_credit.dunning_queue AS q
         WHERE q.receivable_id = h.receivable_id AND q.state IN ('pending', 'claimed', 'suspended')) AS "live reminder"
  FROM todo AS t JOIN ar_credit.dunning_hold AS h ON h.invoice_key = t.invoice_no ORDER BY t.n;
SELECT kind, customer_key, invoice_key, detail ->> 'until' AS "promised by" FROM ar_credit.alert WHERE kind = 'broken_promise';
\echo 'Case 3 is in difficulty: a payment plan in three monthly instalments replaces the dunning'
\o /dev/null
SELECT ar_credit.payment_plan('billing.invoice', invoice_no, '34% 30D, 33% 60D, 33% 90D') FROM todo WHERE n = 3;
\o
SELECT l.seq, l.due_date - current_date AS "due in days", l.amount, l.state
  FROM ar_credit.payment_plan_line AS l JOIN ar_credit.payment_plan AS p ON p.id = l.plan_id
  JOIN todo AS t ON t.invoice_no = p.invoice_key AND t.n = 3 ORDER BY l.seq;
\echo 'The formal notice of the oldest debt: what it claims (principal, interest under FR_B2B, the EUR 40 indemnity) and its letter'
CREATE TEMP TABLE notice AS
SELECT q.id, q.invoice_key FROM ar_credit.dunning_queue AS q
 WHERE q.state = 'pending' AND q.level = 5 AND q.currency = 'EUR' ORDER BY q.due_date, q.id LIMIT 1;
SELECT n.invoice_key, c.* FROM notice AS n, ar_credit.claim_statement('billing.invoice', n.invoice_key) AS c;
\pset format unaligned
\pset tuples_only on
SELECT t.subject || E'\n\n' || t.body FROM notice AS n, ar_credit.reminder_text(n.id, 'fr') AS t;
\pset tuples_only off
\pset format aligned
\echo 'The contact log of the day:'
SELECT channel, direction, outcome, invoice_key, note FROM ar_credit.contact_log ORDER BY id LIMIT 10;
