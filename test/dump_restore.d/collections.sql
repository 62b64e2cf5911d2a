-- user rows of collections (0.3.0): a letter of the user's own policy, an
-- edited shipped letter and a fee.  The upgrade test also runs this file in
-- a database still at 0.1.0 or 0.2.0, which has neither the table nor the
-- column: nothing is added there.
DO $$
BEGIN
    IF pg_catalog.to_regclass('ar_credit.dunning_template') IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label, fee)
    VALUES ('firm', 1, 10, 'letter', 'reminder with fee', 12.50);
    INSERT INTO ar_credit.dunning_template (policy, level, lang, subject, body)
    VALUES ('firm', 1, 'de', 'Zahlungserinnerung: Rechnung {{invoice}}',
            E'Sehr geehrte Damen und Herren,\n\nRechnung {{invoice}} über {{amount_due}} war am {{due_date}} fällig.{{#fees}} Mahngebühr: {{fees}}.{{/fees}}\n');
    UPDATE ar_credit.dunning_template SET subject = subject || ' (checked)'
     WHERE policy = 'standard' AND level = 5 AND lang = 'en';
END
$$;
