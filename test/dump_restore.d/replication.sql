-- a publication of the user's finance tables (doc/replication.md): pg_restore
-- creates it after the extension, so the event trigger ar_credit_publication
-- checks it on the way in (and the 0.2.0 -> 0.3.0 update, which warns about
-- publications of ar_credit's tables, finds nothing to say)
SET client_min_messages = error;  -- CREATE PUBLICATION warns when wal_level is not logical
CREATE TABLE public.rep_payment (id int PRIMARY KEY, invoice_no int NOT NULL, amount numeric(12,2) NOT NULL);
INSERT INTO public.rep_payment VALUES (1, 1, 20.00);
CREATE PUBLICATION ar_credit_finance FOR TABLE public.dun_invoice, public.rep_payment;
