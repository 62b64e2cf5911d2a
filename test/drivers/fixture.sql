-- Fixture of the driver tests (test/drivers/run.sh): a tracked invoices
-- table with one open invoice in each aging bucket, customers with integer
-- ids and payment terms, and a login role that has only ar_credit_reader and
-- SELECT on the customers (what a BI tool's connection gets).  Dates are
-- relative to today, so every figure checked is the same whatever the day.
CREATE EXTENSION ar_credit;

CREATE TABLE public.inv (
    no       text PRIMARY KEY,
    customer text,
    due_on   date NOT NULL,
    balance  numeric(12,2) NOT NULL,
    status   text NOT NULL DEFAULT 'open'
);
INSERT INTO public.inv VALUES
    ('I-1', '101', current_date + 10, 1000.00, 'open'),     -- current
    ('I-2', '101', current_date - 10,  210.36, 'open'),     -- 1-30
    ('I-3', '102', current_date - 45, 2000.00, 'open'),     -- 31-60
    ('I-4', '102', current_date - 70,  300.00, 'disputed'), -- 61-90, suspended
    ('I-5', '103', current_date - 100, 250.00, 'open'),     -- >90
    ('I-6', '103', current_date - 5,    50.00, 'paid');     -- settled: in no view
SELECT ar_credit.track('public.inv', 'no', 'due_on', 'balance', status_column => 'status',
                       customer_column => 'customer');

CREATE TABLE public.customer (
    id    int PRIMARY KEY,
    name  text NOT NULL,
    terms ar_credit.payment_terms NOT NULL
);
INSERT INTO public.customer VALUES
    (101, 'ACME', 'net 30'), (102, 'Bolt', '45 jours fin de mois'), (103, 'Cyan', '2/10 net 30'),
    (104, 'Dune', '30 jours');
CREATE INDEX customer_terms ON public.customer (terms);

CREATE ROLE ar_bi_driver LOGIN PASSWORD 'ar_bi_driver' IN ROLE ar_credit_reader;
GRANT SELECT ON public.customer TO ar_bi_driver;
-- the views show the rows of the tracked tables the role may read (issue 18)
GRANT SELECT ON public.inv TO ar_bi_driver;
