-- A realistic sample of a company's receivables, in the company's own tables
-- (schema billing): 200 customers and 20,000 invoices over the last 18 months,
-- with French and English payment terms, partial payments, disputes and
-- cancellations. Deterministic (setseed), relative to current_date.
--
--   psql -f examples/demo_data.sql        (after CREATE EXTENSION ar_credit)
CREATE SCHEMA billing;

CREATE TABLE billing.customer (
    id                int PRIMARY KEY,
    name              text NOT NULL,
    country           text NOT NULL,
    currency          text NOT NULL,
    credit_limit      numeric(14,2) NOT NULL,
    terms             ar_credit.payment_terms NOT NULL,
    behaviour         int NOT NULL,          -- typical days late, for the generator only
    -- last financial statements (NULL when the customer never filed them)
    working_capital   numeric(14,2),
    retained_earnings numeric(14,2),
    ebit              numeric(14,2),
    equity_book       numeric(14,2),
    sales             numeric(14,2),
    total_assets      numeric(14,2),
    total_liabilities numeric(14,2)
);

CREATE TABLE billing.invoice (
    invoice_no   text PRIMARY KEY,
    customer_id  int NOT NULL REFERENCES billing.customer,
    issued_on    date NOT NULL,
    terms        ar_credit.payment_terms NOT NULL,
    -- payment_terms functions are IMMUTABLE: the due date can be a generated column
    due_on       date GENERATED ALWAYS AS (ar_credit.due_date(terms, issued_on)) STORED,
    amount       numeric(12,2) NOT NULL,
    paid_amount  numeric(12,2) NOT NULL DEFAULT 0,
    -- the open balance is what reminders are about
    balance      numeric(12,2) GENERATED ALWAYS AS (amount - paid_amount) STORED,
    paid_on      date,
    status       text NOT NULL DEFAULT 'open',
    currency     text NOT NULL
);

SELECT setseed(0.42) \gset

INSERT INTO billing.customer
SELECT i,
       (ARRAY['Boulangerie', 'Transports', 'Menuiserie', 'Garage', 'Atelier', 'Imprimerie',
              'Nordic Tools', 'Harbour Foods', 'Quantum Labs', 'Atlas Freight'])[1 + i % 10]
         || ' ' || (ARRAY['Martin', 'Bernard', 'Dubois', 'Moreau', 'Laurent', 'Smith', 'Jones',
                          'Taylor', 'Brown', 'Wilson', 'Müller', 'Schmidt'])[1 + (i * 7) % 12]
         || ' ' || i,
       c.country, c.currency,
       (ARRAY[5000, 10000, 20000, 50000, 100000])[1 + (i * 3) % 5],
       (ARRAY['net 30', '30 jours fin de mois', '45 jours fin de mois', 'fin de mois + 45 jours',
              '2/10 net 30', 'net 60', '30% 30D, 70% 60D', 'à réception', '45 days end of month',
              '30 days end of month on the 10th'])[1 + (i * 13) % 10]::ar_credit.payment_terms,
       -- most customers pay a few days late, some very late, some early
       (ARRAY[-5, 0, 0, 3, 5, 8, 12, 20, 35, 70])[1 + (i * 17) % 10],
       f.wc, f.re, f.ebit, f.eq, f.sales, f.ta, f.tl
  FROM generate_series(1, 200) AS i
  CROSS JOIN LATERAL (SELECT CASE WHEN i % 4 = 0 THEN 'GB' WHEN i % 4 = 1 THEN 'DE' ELSE 'FR' END AS country,
                             CASE WHEN i % 4 = 0 THEN 'GBP' ELSE 'EUR' END AS currency) AS c
  CROSS JOIN LATERAL (
      SELECT CASE WHEN i % 5 = 0 THEN NULL ELSE round((ta * (0.05 + random() * 0.3))::numeric, 2) END AS wc,
             CASE WHEN i % 5 = 0 THEN NULL ELSE round((ta * (random() * 0.4 - 0.1))::numeric, 2) END AS re,
             CASE WHEN i % 5 = 0 THEN NULL ELSE round((ta * (random() * 0.2 - 0.03))::numeric, 2) END AS ebit,
             CASE WHEN i % 5 = 0 THEN NULL ELSE round((ta * (0.1 + random() * 0.5))::numeric, 2) END AS eq,
             CASE WHEN i % 5 = 0 THEN NULL ELSE round((ta * (0.5 + random() * 1.5))::numeric, 2) END AS sales,
             CASE WHEN i % 5 = 0 THEN NULL ELSE ta END AS ta,
             CASE WHEN i % 5 = 0 THEN NULL ELSE round((ta * (0.3 + random() * 0.6))::numeric, 2) END AS tl
        FROM (SELECT round((200000 + random() * 5000000)::numeric, 2) AS ta) AS t) AS f;

-- 20,000 invoices issued over the last 540 days
INSERT INTO billing.invoice (invoice_no, customer_id, issued_on, terms, amount, currency)
SELECT 'INV-' || lpad(n::text, 6, '0'), c.id,
       current_date - (random() * 540)::int,
       c.terms,
       round((50 + random() * random() * 9000)::numeric, 2),
       c.currency
  FROM generate_series(1, 20000) AS n
  JOIN billing.customer AS c ON c.id = 1 + (n * 7919) % 200;

-- payments: invoices due long enough ago are mostly paid, with each customer's
-- habits; a few partial payments, disputes and cancellations
UPDATE billing.invoice AS i
   SET paid_on = least(i.due_on + c.behaviour + (random() * 10)::int - 5, current_date),
       paid_amount = i.amount,
       status = 'paid'
  FROM billing.customer AS c
 WHERE c.id = i.customer_id
   AND i.due_on + c.behaviour < current_date - 5
   AND random() < 0.93;

UPDATE billing.invoice
   SET paid_amount = round(amount * (0.2 + random() * 0.6)::numeric, 2), status = 'partially_paid'
 WHERE status = 'open' AND random() < 0.15;

UPDATE billing.invoice SET status = 'disputed' WHERE status = 'open' AND random() < 0.05;
UPDATE billing.invoice SET status = 'cancelled' WHERE status = 'open' AND random() < 0.02;

ANALYZE billing.customer, billing.invoice;
