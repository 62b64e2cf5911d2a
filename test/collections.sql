--
-- pgTAP behaviour tests of the collections part of SPEC section 9 (issue 13):
-- dunning_step.fee, claim_statement(), the letter templates
-- (dunning_template), render_letter() and reminder_text().  The exact
-- letters are in sql/80_collections.sql; the figures here are checked
-- against late_interest() and recovery_indemnity() or worked by hand.
-- Invoices have fixed dates in 2025 and figures are taken as of explicit
-- dates; reminders are queued as of current_date, which is later.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public, ar_credit;
SET LOCAL datestyle = 'ISO, YMD';

SELECT plan(98);

CREATE SCHEMA coll_t;
CREATE TABLE coll_t.inv (no text PRIMARY KEY, cust text, issued date, due date, amount numeric(12,2),
                         cur text, status text NOT NULL DEFAULT 'open');
-- The invoices are a year old: without catch-up their first reminder is the
-- first post-due level, so that the fees and the letters can be followed
-- level by level (catch-up is tested in test/dunning.sql).
UPDATE ar_credit.dunning_step SET catch_up = false WHERE policy = 'standard';
INSERT INTO coll_t.inv VALUES
    ('A', 'C1', '2025-01-01', '2025-01-31', 1000.00, 'EUR', 'open'),
    ('B', 'C1', '2025-01-01', '2025-01-31', 2000.00, 'EUR', 'open'),
    ('U', 'C2', '2025-01-01', '2025-01-31', 300.00, 'USD', 'open'),
    (E'X\nY', E'C3\r\nBcc: x@example.org', '2025-01-01', '2025-01-31', 10.00, 'EUR', 'open');
SELECT ar_credit.track('coll_t.inv', 'no', 'due', 'amount', 'status', 'cust', 'cur', issued_column => 'issued');
CREATE TABLE coll_t.inv_de (no text PRIMARY KEY, due date, amount numeric(12,2));
INSERT INTO coll_t.inv_de VALUES ('D', '2025-01-31', 1000.00);
SELECT ar_credit.track('coll_t.inv_de', 'no', 'due', 'amount', regime => 'DE_B2B');

-- the live reminder of an invoice
CREATE FUNCTION coll_t.live(k text) RETURNS bigint LANGUAGE sql AS $$
    SELECT id FROM ar_credit.dunning_queue WHERE invoice_key = k AND state IN ('pending', 'claimed', 'suspended') $$;
CREATE FUNCTION coll_t.set_level(k text, lvl int) RETURNS bigint LANGUAGE sql AS $$
    UPDATE ar_credit.dunning_queue SET level = lvl
     WHERE invoice_key = k AND state IN ('pending', 'claimed', 'suspended') RETURNING id $$;

-- ---------------------------------------------------------------------
-- dunning_step.fee
-- ---------------------------------------------------------------------
SELECT col_type_is('ar_credit', 'dunning_step', 'fee', 'numeric', 'dunning_step.fee is numeric');
SELECT col_not_null('ar_credit', 'dunning_step', 'fee', 'dunning_step.fee is NOT NULL');
SELECT col_default_is('ar_credit', 'dunning_step', 'fee', '0', 'dunning_step.fee defaults to 0');
SELECT is((SELECT array_agg(attname::text ORDER BY attnum) FROM (SELECT attname, attnum FROM pg_attribute
             WHERE attrelid = 'ar_credit.dunning_step'::regclass AND attnum > 0 AND NOT attisdropped
             ORDER BY attnum DESC LIMIT 2) AS a), ARRAY['fee', 'catch_up'],
          'fee and catch_up are the last columns of dunning_step (what ALTER TABLE ADD COLUMN gives an updated database)');
SELECT is((SELECT sum(fee) FROM ar_credit.dunning_step WHERE shipped), 0::numeric,
          'shipped policies charge no fee (French B2B: the EUR 40 indemnity instead)');
SELECT throws_ok($$UPDATE ar_credit.dunning_step SET fee = -0.01 WHERE policy = 'standard' AND level = 3$$,
                 '23514', NULL, 'a negative fee is refused');
SELECT throws_ok($$UPDATE ar_credit.dunning_step SET fee = 'NaN' WHERE policy = 'standard' AND level = 3$$,
                 '23514', NULL, 'a NaN fee is refused');
SELECT throws_ok($$UPDATE ar_credit.dunning_step SET fee = 'Infinity' WHERE policy = 'standard' AND level = 3$$,
                 '23514', NULL, 'an infinite fee is refused');
SELECT lives_ok($$INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label, fee)
                  VALUES ('t_fee', 1, 10, 'email', 'x', 12.5)$$, 'a user policy sets its fee');

-- ---------------------------------------------------------------------
-- the shipped letters
-- ---------------------------------------------------------------------
SELECT has_table('ar_credit', 'dunning_template', 'table dunning_template');
SELECT col_is_pk('ar_credit', 'dunning_template', ARRAY['policy', 'level', 'lang'], 'its key is (policy, level, lang)');
SELECT is((SELECT count(*) FROM ar_credit.dunning_template WHERE shipped), 24::bigint,
          '24 shipped letters: 2 policies x 6 levels x 2 languages');
SELECT is((SELECT count(*) FROM ar_credit.dunning_step AS s
             CROSS JOIN (VALUES ('fr'), ('en')) AS l(lang)
            WHERE s.policy IN ('standard', 'strict')
              AND NOT EXISTS (SELECT 1 FROM ar_credit.dunning_template AS t
                               WHERE t.policy = s.policy AND t.level = s.level AND t.lang = l.lang)),
          0::bigint, 'every level of standard and strict has a French and an English letter');
SELECT is((SELECT extcondition[array_position(extconfig, 'ar_credit.dunning_template'::regclass)]
             FROM pg_extension WHERE extname = 'ar_credit'),
          'WHERE NOT shipped', 'pg_dump keeps the user rows of dunning_template only');
-- every placeholder given: nothing of the template syntax is left over
SELECT is((SELECT count(*) FROM ar_credit.dunning_template AS t,
                  LATERAL (SELECT ar_credit.render_letter(t.subject || E'\n' || t.body, t.lang,
                              '{"customer": "C", "invoice": "I", "issued_on": "2025-01-01", "due_date": "2025-01-31",
                                "terms": "T", "amount_due": 1, "currency": "EUR", "date": "2025-03-01",
                                "days_late": 29, "level": 5, "label": "L", "principal": 1, "interest": 1,
                                "indemnity": 40, "fees": 1, "total": 43}') AS r) AS x
            WHERE t.shipped AND (x.r ~ '[{}]' OR x.r ~ '\n\n\n' OR x.r = '')),
          0::bigint, 'every shipped letter renders without braces left over nor runs of blank lines');
SELECT is((SELECT count(*) FROM ar_credit.dunning_template
            WHERE shipped AND level IN (1, 2) AND (body ~* 'pénalités|penalt|mise en demeure|formal notice')),
          0::bigint, 'the letters before the due date are courteous: no penalty, no formal notice');
SELECT is((SELECT count(*) FROM ar_credit.dunning_template
            WHERE shipped AND level BETWEEN 3 AND 6 AND body NOT LIKE '%L441-10%'),
          0::bigint, 'every letter after the due date cites Code de commerce L441-10');
SELECT is((SELECT count(*) FROM ar_credit.dunning_template
            WHERE shipped AND level = 5
              AND (body NOT LIKE '%mise en demeure%' OR body NOT LIKE '%{{indemnity}}%'
                   OR body NOT LIKE '%{{interest}}%' OR body NOT LIKE '%{{total}}%'
                   OR body NOT LIKE (CASE lang WHEN 'fr' THEN '%40 euros%' ELSE '%EUR 40%' END))),
          0::bigint, 'the formal notice: mise en demeure, interest, the EUR 40 indemnity and the total claimed');
SELECT is((SELECT count(*) FROM ar_credit.dunning_template
            WHERE shipped AND level = 6 AND body NOT LIKE '%{{total}}%'),
          0::bigint, 'the handover to collection states the whole claim');
SELECT isnt((SELECT body FROM ar_credit.dunning_template WHERE policy = 'strict' AND level = 4 AND lang = 'fr'),
            (SELECT body FROM ar_credit.dunning_template WHERE policy = 'standard' AND level = 4 AND lang = 'fr'),
            'strict announces the formal notice sooner than standard');

SELECT is((SELECT count(*) FROM ar_credit.dunning_template
            WHERE policy = 'strict' AND level = 3 AND body ~ 'livraisons|deliveries'), 2::bigint,
          'strict''s first reminder, in both languages, says deliveries may be suspended');
SELECT is((SELECT count(*) FROM ar_credit.dunning_template
            WHERE policy = 'standard' AND body ~ 'livraisons|deliveries'), 0::bigint, '... standard''s letters do not');

-- user rows
INSERT INTO ar_credit.dunning_template (policy, level, lang, subject, body)
VALUES ('standard', 3, 'en', 'Invoice {{invoice}} overdue', 'Please pay {{amount_due}}.');
SELECT is((SELECT shipped FROM ar_credit.dunning_template WHERE policy = 'standard' AND level = 3 AND lang = 'en'),
          false, 'a letter a user inserts replaces the shipped one of the same key, and is the user''s (dumped)');
UPDATE ar_credit.dunning_template SET body = body || ' ' WHERE policy = 'standard' AND level = 4 AND lang = 'fr';
SELECT is((SELECT shipped FROM ar_credit.dunning_template WHERE policy = 'standard' AND level = 4 AND lang = 'fr'),
          false, 'a shipped letter a user edits becomes the user''s');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_template (policy, level, lang, subject, body)
                   VALUES ('standard', 2, 'de', 'x', 'Betrag: {{betrag}}')$$,
                 '22023', 'invalid letter template: unknown placeholder {{betrag}} at byte 8',
                 'a template with an unknown placeholder is refused when written');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_template (policy, level, lang, subject, body)
                   VALUES ('standard', 2, 'de', 'x', '{{#fees}}x')$$,
                 '22023', NULL, 'a template with an unclosed section is refused');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_template (policy, level, lang, subject, body)
                   VALUES ('standard', 2, 'de', E'a\r\nb', 'x')$$,
                 '23514', NULL, 'a subject on two lines is refused');

-- ---------------------------------------------------------------------
-- render_letter
-- ---------------------------------------------------------------------
SELECT is(ar_credit.render_letter('{{amount_due}}', 'fr', '{"amount_due": 1234.5, "currency": "EUR"}'),
          '1' || U&'\00A0' || '234,50' || U&'\00A0' || 'EUR',
          'French amounts: no-break spaces for the thousands and before the currency');
SELECT is(ar_credit.render_letter('{{amount_due}} {{due_date}}', 'en', '{"amount_due": 1234.5, "currency": "EUR", "due_date": "2026-12-31"}'),
          'EUR' || U&'\00A0' || '1,234.50 31 Dec 2026', 'English amounts and dates');
SELECT is(ar_credit.render_letter('{{date}}', 'fr', jsonb_build_object('date', date '2026-12-31')),
          '31/12/2026', 'a date passed through jsonb_build_object is written in the letter''s language');
SELECT is(ar_credit.render_letter('[{{customer}}]', 'fr', '{"customer": null}'), '[]', 'JSON null: no value');
SELECT is(ar_credit.render_letter('{{invoice}}', 'fr', '{"invoice": "F-1", "unknown": 1}'), 'F-1',
          'keys that are not placeholders are ignored');
SELECT is(ar_credit.render_letter('{{#interest}}i{{/interest}}{{#total}}t{{/total}}', 'en', '{"interest": 0.00, "total": 0.001}'),
          '', 'a section of an amount that is zero once rounded is left out');
SELECT is(ar_credit.render_letter('Dear {{customer}}, {{total}}', 'en', '{"customer": "{{total}} {{#fees}}", "total": 5}'),
          'Dear {{total}} {{#fees}}, 5.00', 'values are inserted as they are, never read as tags');
SELECT is(ar_credit.render_letter(NULL, 'en', '{}'), NULL, 'STRICT');
SELECT volatility_is('ar_credit', 'render_letter', ARRAY['text', 'text', 'jsonb'], 'immutable', 'render_letter is IMMUTABLE');
SELECT throws_ok($$SELECT ar_credit.render_letter('{{ total }', 'en', '{}')$$, '22023', NULL, 'a malformed tag: 22023');
SELECT throws_ok($$SELECT ar_credit.render_letter('x', 'xx', '{}')$$, '22023',
                 'unsupported letter language: "xx"', 'an unknown language: 22023');
SELECT throws_ok($$SELECT ar_credit.render_letter('{{due_date}}', 'fr', '{"due_date": 20261231}')$$, '22007', NULL,
                 'a date that is not YYYY-MM-DD text: 22007');
SELECT throws_ok($$SELECT ar_credit.render_letter('{{invoice}}', 'fr', '{"invoice": [1]}')$$, '22023', NULL,
                 'a text field that is not a JSON scalar: 22023');

-- ---------------------------------------------------------------------
-- claim_statement
-- ---------------------------------------------------------------------
SELECT volatility_is('ar_credit', 'claim_statement', ARRAY['regclass', 'text', 'date'], 'stable', 'claim_statement is STABLE');
SELECT is((SELECT proisstrict AND prosecdef FROM pg_proc WHERE oid = 'ar_credit.claim_statement(regclass, text, date)'::regprocedure),
          true, 'claim_statement is STRICT and SECURITY DEFINER');
SELECT is((SELECT count(*) FROM ar_credit.claim_statement('coll_t.inv', 'A', '2025-03-02')), 1::bigint, 'one row');
SELECT results_eq($$SELECT principal, interest, indemnity, fees, total FROM ar_credit.claim_statement('coll_t.inv', 'A', '2025-03-02')$$,
                  $$SELECT 1000.00, ar_credit.late_interest(1000.00, '2025-01-31', '2025-03-02', 'FR_B2B'),
                           ar_credit.recovery_indemnity(1000.00, 'FR_B2B'), 0.00,
                           1000.00 + ar_credit.late_interest(1000.00, '2025-01-31', '2025-03-02', 'FR_B2B') + 40$$,
                  'a table tracked without a regime is claimed under FR_B2B');
-- by hand: 1000 x 30 x 13.15 / 36500 = 10.808 -> 10.81
SELECT is((SELECT interest FROM ar_credit.claim_statement('coll_t.inv', 'A', '2025-03-02')), 10.81,
          'FR_B2B, 30 days in 2025-H1 at 13.15 %: 10.81');
-- by hand: Basiszinssatz 2.27 (1 Jan 2025) + 9 = 11.27 %: 1000 x 30 x 11.27 / 36500 = 9.263 -> 9.26
SELECT is((SELECT interest FROM ar_credit.claim_statement('coll_t.inv_de', 'D', '2025-03-02')), 9.26,
          'the tracked table''s regime applies (DE_B2B: 11.27 %, 9.26)');
SELECT is((SELECT interest FROM ar_credit.claim_statement('coll_t.inv_de', 'D', '2025-03-02')),
          ar_credit.late_interest(1000.00, '2025-01-31', '2025-03-02', 'DE_B2B'), '... as late_interest computes it');
SELECT results_eq($$SELECT interest, indemnity, total FROM ar_credit.claim_statement('coll_t.inv', 'A', '2025-01-31')$$,
                  $$VALUES (0.00, 0.00, 1000.00)$$, 'on the due date nothing but the open amount is claimed');
SELECT results_eq($$SELECT interest, indemnity FROM ar_credit.claim_statement('coll_t.inv', 'A', '2025-02-01')$$,
                  $$VALUES (0.36, 40.00)$$, 'one day late: a day of interest (1000 x 13.15 / 36500 = 0.360 -> 0.36) and the indemnity');
SELECT ok((SELECT interest FROM ar_credit.claim_statement('coll_t.inv', 'A', '2025-06-30'))
          > (SELECT interest FROM ar_credit.claim_statement('coll_t.inv', 'A', '2025-03-02')),
          'interest grows with as_of');
SELECT is((SELECT count(*) FROM ar_credit.claim_statement('coll_t.inv', 'A', NULL)), 0::bigint, 'STRICT: no row for a NULL date');

-- partial payment, dispute, payment
UPDATE coll_t.inv SET amount = 400.00 WHERE no = 'B';
SELECT is((SELECT principal FROM ar_credit.claim_statement('coll_t.inv', 'B', '2025-03-02')), 400.00,
          'a partial payment lowers the principal');
UPDATE coll_t.inv SET status = 'disputed' WHERE no = 'B';
SELECT is((SELECT total FROM ar_credit.claim_statement('coll_t.inv', 'B', '2025-03-02')),
          400.00 + ar_credit.late_interest(400.00, '2025-01-31', '2025-03-02') + 40,
          'a disputed invoice is still owed: its claim is computed');
UPDATE coll_t.inv SET status = 'paid' WHERE no = 'B';
SELECT results_eq($$SELECT principal, interest, indemnity, fees, total FROM ar_credit.claim_statement('coll_t.inv', 'B', '2025-03-02')$$,
                  $$VALUES (0.00, 0.00, 0.00, 0.00, 0.00)$$, 'a paid invoice claims nothing');

-- fees: of the levels sent, each once; the indemnity once per invoice
UPDATE ar_credit.dunning_step SET fee = 5 WHERE policy = 'standard' AND level = 3;
UPDATE ar_credit.dunning_step SET fee = 7.505 WHERE policy = 'standard' AND level = 4;
SELECT is((SELECT fees FROM ar_credit.claim_statement('coll_t.inv', 'A', '2025-03-02')), 0.00, 'no level sent: no fee');
SELECT ar_credit.complete_reminders(array_agg(id)) FROM ar_credit.claim_reminders(100, 'w') WHERE invoice_key = 'A';
SELECT is((SELECT fees FROM ar_credit.claim_statement('coll_t.inv', 'A', '2025-03-02')), 5.00, 'level 3 sent: its fee');
SELECT ar_credit.complete_reminders(array_agg(id))
  FROM ar_credit.claim_reminders(100, 'w', '5 minutes', current_date + 30) WHERE invoice_key = 'A';
SELECT results_eq($$SELECT indemnity, fees FROM ar_credit.claim_statement('coll_t.inv', 'A', '2025-03-02')$$,
                  $$VALUES (40.00, 12.51)$$, 'levels 3 and 4 sent: 5 + 7.505 = 12.51 (rounded half away from zero); one indemnity');

-- errors
SELECT throws_ok($$SELECT * FROM ar_credit.claim_statement('coll_t.inv', 'nope', '2025-03-02')$$,
                 '22023', 'no invoice "nope" in coll_t.inv', 'an unknown invoice: 22023 naming it');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_statement('coll_t.inv', repeat('k', 500), '2025-03-02')$$,
                 '22023', 'no invoice "' || repeat('k', 100) || '..." in coll_t.inv', '... clipped when long');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_statement('pg_class', 'A', '2025-03-02')$$,
                 '22023', 'table pg_catalog.pg_class is not tracked', 'a table not tracked: 22023');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_statement('coll_t.inv', 'A', '-infinity')$$,
                 '22008', NULL, 'an infinite date: 22008');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_statement('coll_t.inv', 'U', '2025-03-02')$$,
                 '22023', 'invoice "U" of coll_t.inv is in USD, but the recovery indemnity of regime FR_B2B is in EUR',
                 'an indemnity in another currency than the invoice''s is not added to it');
SELECT lives_ok($$SELECT * FROM ar_credit.claim_statement('coll_t.inv', 'U', '2025-01-15')$$,
                '... while the invoice is not late, it claims no indemnity and raises nothing');

-- ---------------------------------------------------------------------
-- reminder_text
-- ---------------------------------------------------------------------
SELECT volatility_is('ar_credit', 'reminder_text', ARRAY['bigint', 'text', 'date'], 'stable', 'reminder_text is STABLE');
SELECT is((SELECT count(*) FROM ar_credit.reminder_text(coll_t.live('A'))), 1::bigint,
          'one row (as of current_date, in French by default)');
SELECT is((SELECT subject FROM ar_credit.reminder_text(coll_t.live('A'))),
          (SELECT subject FROM ar_credit.reminder_text(coll_t.live('A'), 'fr', current_date)),
          'the defaults are French and today');
SELECT is((SELECT body FROM ar_credit.reminder_text(coll_t.live('A'), 'FR', '2025-03-02')),
          (SELECT body FROM ar_credit.reminder_text(coll_t.live('A'), 'fr', '2025-03-02')), 'the language is case-insensitive');
SELECT is((SELECT body FROM ar_credit.reminder_text(coll_t.live('A'), 'it', '2025-03-02')),
          (SELECT body FROM ar_credit.reminder_text(coll_t.live('A'), 'en', '2025-03-02')),
          'a language without letters falls back to English');
SELECT NULL FROM coll_t.set_level('A', 5);
SELECT ok((SELECT body FROM ar_credit.reminder_text(coll_t.live('A'), 'fr', '2025-03-02'))
          LIKE '%la somme de 1' || U&'\00A0' || '063,32' || U&'\00A0' || 'EUR%',
          'the formal notice claims 1000 + 10.81 + 40 + fees 12.51 = 1063.32');
SELECT is((SELECT body FROM ar_credit.reminder_text(coll_t.live('A'), 'en', '2025-03-02')),
          (SELECT ar_credit.render_letter(t.body, 'en', jsonb_build_object(
                      'customer', 'C1', 'invoice', 'A', 'issued_on', date '2025-01-01', 'due_date', date '2025-01-31',
                      'currency', 'EUR', 'amount_due', 1000.00, 'date', date '2025-03-02', 'days_late', 30,
                      'reminders_sent', 2, 'principal', c.principal, 'interest', c.interest, 'indemnity', c.indemnity,
                      'fees', c.fees, 'total', c.total))
             FROM ar_credit.dunning_template AS t, ar_credit.claim_statement('coll_t.inv', 'A', '2025-03-02') AS c
            WHERE t.policy = 'standard' AND t.level = 5 AND t.lang = 'en'),
          'the formal notice is its template rendered with claim_statement''s figures');
SELECT ok((SELECT body FROM ar_credit.reminder_text(coll_t.live('A'), 'en', '2025-03-02')) LIKE '%Despite our reminders, invoice A %',
          'levels 3 and 4 were sent: the formal notice says so');
SELECT NULL FROM coll_t.set_level(E'X\nY', 5);
SELECT ok((SELECT body FROM ar_credit.reminder_text(coll_t.live(E'X\nY'), 'fr', '2025-03-02')) LIKE E'%\nLa facture n° X\nY du %',
          'nothing was sent for invoice X: its formal notice does not claim earlier reminders (fr)');
SELECT ok((SELECT subject || body FROM ar_credit.reminder_text(coll_t.live(E'X\nY'), 'en', '2025-03-02')) !~ 'Despite',
          '... nor in English');
SELECT NULL FROM coll_t.set_level(E'X\nY', 4);
SELECT is((SELECT subject FROM ar_credit.reminder_text(coll_t.live(E'X\nY'), 'fr', '2025-03-02')), 'Relance : facture X Y impayée',
          'a second reminder that is the first contact is not called the second');
SET LOCAL datestyle = 'SQL, DMY';
SET LOCAL lc_numeric = 'C';
SELECT ok((SELECT body FROM ar_credit.reminder_text(coll_t.live('A'), 'en', '2025-03-02')) LIKE '%31 Jan 2025%',
          'DateStyle does not change the letters');
SET LOCAL datestyle = 'ISO, YMD';
-- the claim is computed only when the letter shows it
SELECT NULL FROM coll_t.set_level('U', 3);
SELECT lives_ok($$SELECT * FROM ar_credit.reminder_text(coll_t.live('U'), 'en', '2025-03-02')$$,
                'a first reminder shows no claim, so a claim that cannot be computed does not stop it');
SELECT NULL FROM coll_t.set_level('U', 5);
SELECT throws_ok($$SELECT * FROM ar_credit.reminder_text(coll_t.live('U'), 'en', '2025-03-02')$$,
                 '22023', NULL, '... while its formal notice reports why');
-- subjects are one line whatever the keys hold
SELECT NULL FROM coll_t.set_level(E'X\nY', 4);
SELECT is((SELECT subject ~ '[\r\n]' FROM ar_credit.reminder_text(coll_t.live(E'X\nY'), 'en', '2025-03-02')), false,
          'a key with a line break does not break the subject line (an e-mail header)');
SELECT ok((SELECT body FROM ar_credit.reminder_text(coll_t.live(E'X\nY'), 'en', '2025-03-02')) LIKE E'%X\nY%',
          '... the body keeps it as it is');
-- errors
SELECT throws_ok($$SELECT * FROM ar_credit.reminder_text(0)$$, '22023', 'no reminder with id 0', 'an unknown id: 22023');
UPDATE ar_credit.dunning_queue SET policy = 't_fee', level = 1 WHERE id = coll_t.live('D');
SELECT throws_ok(format('SELECT * FROM ar_credit.reminder_text(%s, %L)', coll_t.live('D'), 'it'), '22023',
                 'no letter for level 1 of dunning policy "t_fee" in "it" nor in "en"',
                 'a policy without letters in the language nor in English: 22023');
UPDATE ar_credit.dunning_queue SET policy = 'standard', level = 3 WHERE id = coll_t.live('D');
UPDATE coll_t.inv SET status = 'paid' WHERE no = 'A';
SELECT throws_ok(format('SELECT * FROM ar_credit.reminder_text(%s)',
                        (SELECT max(id) FROM ar_credit.dunning_queue WHERE invoice_key = 'A')),
                 '55000', NULL, 'the cancelled reminder of a paid invoice has no letter: 55000');
SELECT throws_ok($$SELECT * FROM ar_credit.reminder_text(1, 'fr', 'infinity')$$, '22008', NULL, 'an infinite date: 22008');

-- ---------------------------------------------------------------------
-- privileges
-- ---------------------------------------------------------------------
SELECT is(has_function_privilege('public', 'ar_credit.claim_statement(regclass, text, date)', 'EXECUTE'), false,
          'PUBLIC cannot read claims');
SELECT is(has_function_privilege('public', 'ar_credit.reminder_text(bigint, text, date)', 'EXECUTE'), false,
          'PUBLIC cannot render letters');
SELECT is(has_function_privilege('public', 'ar_credit.receivable_claim(bigint, date)', 'EXECUTE'), false,
          'PUBLIC cannot call receivable_claim');
SELECT ok(has_function_privilege('ar_credit_worker', 'ar_credit.reminder_text(bigint, text, date)', 'EXECUTE')
          AND has_function_privilege('ar_credit_reader', 'ar_credit.claim_statement(regclass, text, date)', 'EXECUTE'),
          'workers render letters, readers read claims');
SELECT ok(has_table_privilege('ar_credit_worker', 'ar_credit.dunning_template', 'SELECT')
          AND NOT has_table_privilege('ar_credit_worker', 'ar_credit.dunning_template', 'INSERT')
          AND NOT has_table_privilege('public', 'ar_credit.dunning_template', 'SELECT'),
          'workers read the letters, do not write them; PUBLIC does not read them');
CREATE ROLE coll_t_worker NOLOGIN IN ROLE ar_credit_worker;
SELECT set_config('coll_t.id', coll_t.live('D')::text, true) IS NOT NULL AS id_set;
SET LOCAL ROLE coll_t_worker;
SELECT is((SELECT count(*) FROM ar_credit.reminder_text(current_setting('coll_t.id')::bigint, 'en', '2025-03-02')), 1::bigint,
          'a worker renders a letter without any right on the queue or the receivables');
RESET ROLE;


-- ---------------------------------------------------------------------
-- the worklist, and claims by collector
-- ---------------------------------------------------------------------
CREATE TABLE coll_t.wl (no text PRIMARY KEY, cust text, due date, amount numeric(12,2), cur text, st text DEFAULT 'open');
SELECT ar_credit.track('coll_t.wl', 'no', 'due', 'amount', 'st', 'cust', 'cur');
INSERT INTO ar_credit.credit_account (customer_key, collector, risk_class) VALUES
    ('wl-acme', 'alice', 'D'), ('wl-bolt', 'bob', 'A'), ('wl-cyan', 'alice', NULL);
INSERT INTO coll_t.wl VALUES
    ('W1', 'wl-acme', current_date - 40, 1000.00, 'EUR', 'open'), ('W2', 'wl-acme', current_date + 10, 500.00, 'EUR', 'open'),
    ('W3', 'wl-bolt', current_date - 10, 3000.00, 'EUR', 'open'), ('W4', 'wl-bolt', current_date - 5, 90.00, 'USD', 'open'),
    ('W5', 'wl-cyan', current_date - 20, 100.00, 'EUR', 'open'), ('W6', 'wl-dyn', current_date + 30, 700.00, 'EUR', 'open'),
    ('W7', 'wl-eve', current_date - 3, 50.00, 'EUR', 'disputed');
-- a promise whose date passed unpaid, not yet processed: broken in the view
SELECT ok(ar_credit.hold('coll_t.wl', 'W5', 'promise', until => current_date) > 0, 'wl-cyan promised to pay W5 today');
UPDATE ar_credit.dunning_hold SET until = current_date - 1 WHERE invoice_key = 'W5';
SELECT results_eq($$SELECT customer_key, collector, overdue_amount, oldest_days_past_due, risk_class, broken_promises,
                           open_disputes, next_action, priority, currency
                      FROM ar_credit.worklist WHERE customer_key LIKE 'wl-%'$$,
                  $$VALUES ('wl-cyan', 'alice', 100.00, 20, NULL, 1::bigint, 0::bigint, 'call: promise broken', 208.33, 'EUR'),
                           ('wl-acme', 'alice', 1000.00, 40, 'D', 0, 0, 'formal notice (registered_letter)', 4666.67, 'EUR'),
                           ('wl-bolt', 'bob', 3000.00, 10, 'A', 0, 0, 'first reminder (email)', 4000.00, 'EUR'),
                           ('wl-bolt', 'bob', 90.00, 5, 'A', 0, 0, 'first reminder (email)', 105.00, 'USD'),
                           ('wl-eve', NULL, 50.00, 3, NULL, 0, 1, 'settle the dispute', 68.75, 'EUR')$$,
                  'the worklist: broken promises first, then by priority (1000 x (1 + 40/30) x 2 = 4666.67; class D: strict, catching up to the formal notice), a row per currency, nothing for a customer with nothing due');
SELECT is((SELECT next_action_on FROM ar_credit.worklist WHERE customer_key = 'wl-cyan'), current_date,
          'a broken promise is to act on today');
SELECT is((SELECT state FROM ar_credit.dunning_hold WHERE invoice_key = 'W5'), 'active',
          '... shown broken before any claim or process_holds() marked it');
SELECT is((SELECT count(*) FROM ar_credit.worklist WHERE customer_key = 'wl-dyn'), 0::bigint,
          'a customer whose invoices are not due yet and have no reminder due is not on the list');
-- claims by collector
SELECT results_eq($$SELECT invoice_key FROM ar_credit.claim_reminders(100, 'coll-alice', collector => 'alice')
                     WHERE invoice_key LIKE 'W%' ORDER BY invoice_key$$,
                  $$VALUES ('W1'), ('W5')$$, 'claim_reminders(collector => alice): the reminders of her customers only');
SELECT is((SELECT count(*) FROM ar_credit.claim_reminders(100, 'coll-nobody', collector => 'nobody')), 0::bigint,
          'a collector without customers claims nothing');
SELECT results_eq($$SELECT customer_key, pg_catalog.cardinality(ids), total_due, currency
                      FROM ar_credit.claim_customer_reminders(10, 'coll-bob', collector => 'bob') ORDER BY currency$$,
                  $$VALUES ('wl-bolt', 1, 3000.00, 'EUR'), ('wl-bolt', 1, 90.00, 'USD')$$,
                  'claim_customer_reminders(collector => bob): his customer''s letters, one per currency');
SELECT ok(has_table_privilege('ar_credit_reader', 'ar_credit.worklist', 'SELECT')
          AND has_table_privilege('ar_credit_worker', 'ar_credit.worklist', 'SELECT')
          AND NOT has_table_privilege('public', 'ar_credit.worklist', 'SELECT'),
          'readers and workers read the worklist, PUBLIC does not');

SELECT * FROM finish();
ROLLBACK;
