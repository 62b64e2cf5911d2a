-- user rows of dunning: a user policy, a tracked table whose invoices fill the queue
INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label, min_amount) VALUES
    ('gentle', 1, 5, 'email', 'friendly reminder', 0),
    ('gentle', 2, 30, 'letter', 'last reminder', 100);
UPDATE ar_credit.dunning_step SET label = 'first reminder (checked)' WHERE policy = 'standard' AND level = 3;
CREATE TABLE public.dun_invoice (no int PRIMARY KEY, due date NOT NULL, amt numeric(12,2), st text);
INSERT INTO public.dun_invoice VALUES (1, current_date - 20, 120, 'open'), (2, current_date + 10, 80, 'paid');
SELECT ar_credit.track('public.dun_invoice', 'no', 'due', 'amt', 'st', policy => 'gentle');
INSERT INTO public.dun_invoice VALUES (3, current_date - 3, 300, 'disputed'), (4, current_date + 40, 40, 'open');
DELETE FROM public.dun_invoice WHERE no = 4;
