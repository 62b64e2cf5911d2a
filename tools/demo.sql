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
