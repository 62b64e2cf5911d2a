-- since 0.3.0
-- user rows of holds and the contact log: a promise to pay, a call logged, a payment seen
SELECT ar_credit.hold('public.dun_invoice', '1', 'promise', until => current_date + 7, reason => 'promised by phone') > 0;
INSERT INTO ar_credit.contact_log (source, invoice_key, customer_key, channel, direction, outcome, note)
VALUES ('public.dun_invoice', '1', NULL, 'phone', 'in', 'promise to pay', 'called back on Monday');
UPDATE public.dun_invoice SET st = 'paid', amt = 0 WHERE no = 1;
