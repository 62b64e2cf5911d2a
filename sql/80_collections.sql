--
-- collections (SPEC section 9, issue 13): what a reminder claims
-- (claim_statement) and the exact text of its letter (reminder_text).
-- Invoices have fixed dates and every figure is computed as of an explicit
-- date, so nothing depends on the day the test runs; the reminders' levels
-- are set by hand where a letter of another level is shown.  French amounts
-- carry no-break spaces (U+00A0) around the thousands and the currency code.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ar_credit;
RESET client_min_messages;
SET search_path = ar_credit, public;
-- the session's formats must not leak into letters
SET DateStyle = 'SQL, MDY';
SET lc_monetary = 'C';

-- the fee column: before catch_up, the last of dunning_step, shipped as 0
SELECT attname, format_type(atttypid, atttypmod), attnotnull, pg_get_expr(d.adbin, d.adrelid) AS default
  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE attrelid = 'dunning_step'::regclass AND attnum > 0
 ORDER BY attnum DESC LIMIT 2;
SELECT policy, count(*), sum(fee) FROM dunning_step WHERE shipped GROUP BY policy ORDER BY policy;

CREATE SCHEMA coll;
CREATE TABLE coll.invoice (no text PRIMARY KEY, customer text, issued date, due date,
                           amount numeric(12,2), currency text, status text DEFAULT 'open');
CREATE TABLE coll.invoice_uk (no text PRIMARY KEY, customer text, due date, amount numeric(12,2),
                              status text DEFAULT 'open');
-- The invoices are dated 2025 and the queue is filled as of the day the test
-- runs: without catch-up every first reminder is the first post-due level,
-- whatever that day (catch-up is tested in test/dunning.sql).
UPDATE dunning_step SET catch_up = false;
INSERT INTO coll.invoice VALUES
    ('F-1', 'C042', '2025-01-01', '2025-01-31', 1234.56, 'EUR', 'open'),
    ('F-2', 'C042', '2025-05-16', '2025-06-15', 10000.00, 'EUR', 'open'),
    ('F-3', NULL, NULL, '2025-06-30', 980.00, 'EUR', 'open'),
    ('F-4', 'C007', '2025-01-10', '2025-02-28', 250.00, 'EUR', 'paid'),
    ('F-5', 'C007', '2025-01-10', '2025-02-28', -75.00, 'EUR', 'open'),
    ('F-6', 'C900', '2025-01-10', '2025-02-28', 300.00, 'USD', 'open'),
    ('F-7', 'C042', '2025-03-01', '2025-03-31', 640.00, 'EUR', 'disputed');
INSERT INTO coll.invoice_uk VALUES ('UK-1', 'Brixton Ltd', '2025-03-31', 5000.00);
SELECT track('coll.invoice', 'no', 'due', 'amount', 'status', 'customer', 'currency',
             issued_column => 'issued');
SELECT track('coll.invoice_uk', 'no', 'due', 'amount', 'status', 'customer', '''GBP''',
             policy => 'strict', regime => 'UK_B2B');

-- ---------------------------------------------------------------------
-- claim_statement: worked examples (FR_B2B: the table has no regime)
-- ---------------------------------------------------------------------
-- F-1: 1 234.56 EUR due 31 Jan 2025, as of 2 Mar 2025: 30 days late, all
-- in 2025-H1 at ECB 3.15 (rate in force on 1 Jan 2025) + 10 = 13.15 %:
-- 1234.56 x 30 x 13.15 / 36500 = 13.343... -> 13.34; indemnity 40;
-- total 1234.56 + 13.34 + 40 = 1287.90
SELECT * FROM claim_statement('coll.invoice', 'F-1', '2025-03-02');
-- F-2: 10 000 EUR due 15 Jun 2025, as of 15 Jul 2025: 16-30 Jun (15 days)
-- at 13.15 % = 54.041 -> 54.04, 1-15 Jul (15 days) at 2.15 + 10 = 12.15 %
-- (ECB on 1 Jul 2025) = 49.931 -> 49.93; interest 103.97, total 10143.97
SELECT * FROM claim_statement('coll.invoice', 'F-2', '2025-07-15');
SELECT * FROM late_interest_detail(10000.00, '2025-06-15', '2025-07-15');
-- not late yet (on the due date itself): the open amount only
SELECT * FROM claim_statement('coll.invoice', 'F-2', '2025-06-15');
-- UK-1 (UK_B2B): GBP 5 000 due 31 Mar 2025, as of 30 Apr 2025: Bank Rate on
-- 31 Dec 2024 (4.75) + 8 = 12.75 % fixed: 5000 x 30 x 12.75 / 36500 =
-- 52.397 -> 52.40; fixed sum GBP 70 (debt of 1 000 to 9 999.99)
SELECT * FROM claim_statement('coll.invoice_uk', 'UK-1', '2025-04-30');
-- disputed: still owed, still claimed; paid and credit notes: nothing
SELECT * FROM claim_statement('coll.invoice', 'F-7', '2025-04-30');
SELECT * FROM claim_statement('coll.invoice', 'F-4', '2025-04-30');
SELECT * FROM claim_statement('coll.invoice', 'F-5', '2025-04-30');

-- fees of the levels sent: a user sets 15.00 on the first reminder; the
-- indemnity stays one per invoice whatever the number of reminders
UPDATE dunning_step SET fee = 15 WHERE policy = 'standard' AND level = 3;
SELECT count(*) AS claimed FROM claim_reminders(100, 'regress')
 WHERE source = 'coll.invoice'::regclass AND invoice_key = 'F-1';
SELECT complete_reminder(id) FROM dunning_queue
 WHERE source = 'coll.invoice'::regclass AND invoice_key = 'F-1' AND state = 'claimed';
SELECT * FROM claim_statement('coll.invoice', 'F-1', '2025-03-02');
-- other reminders go back to the queue
UPDATE dunning_queue SET state = 'pending', claimed_by = NULL, claimed_until = NULL WHERE state = 'claimed';

-- errors
\set VERBOSITY terse
SELECT * FROM claim_statement('coll.invoice', 'F-99', '2025-03-02');
SELECT * FROM claim_statement('pg_class', 'F-1', '2025-03-02');
SELECT * FROM claim_statement('coll.invoice', 'F-1', 'infinity');
SELECT * FROM claim_statement('coll.invoice', 'F-6', '2025-04-30');
SELECT count(*) FROM claim_statement('coll.invoice', 'F-1', NULL);
SELECT count(*) FROM claim_statement('coll.invoice', NULL, '2025-03-02');
\set VERBOSITY default

-- ---------------------------------------------------------------------
-- render_letter: amounts and dates per language
-- ---------------------------------------------------------------------
SELECT lang, render_letter('{{amount_due}} | {{interest}} | {{due_date}} | {{days_late}} | {{invoice}}', lang,
                           '{"amount_due": 1234567.891, "interest": -0.5, "currency": "EUR",
                             "due_date": "2026-03-05", "days_late": 1234, "invoice": "F-1"}')
  FROM unnest(ARRAY['fr', 'en', 'de', 'es', 'it', 'nl']) AS lang;
SELECT render_letter('{{amount_due}} / {{total}}', 'en', '{"amount_due": 12000, "total": 0.125, "currency": "JPY"}') AS jpy,
       render_letter('{{amount_due}}', 'fr', '{"amount_due": 1.2345, "currency": "KWD"}') AS kwd,
       render_letter('{{amount_due}}', 'en', '{"amount_due": 99.999}') AS no_currency;
SELECT render_letter('a{{#fees}} + {{fees}}{{/fees}}{{#customer}} ({{customer}}){{/customer}}.', 'en',
                     '{"fees": 0, "customer": "ACME", "currency": "EUR"}') AS sections;
\set VERBOSITY terse
SELECT render_letter('Dear {{client}},', 'en', '{}');
SELECT render_letter('{{#fees}}unclosed', 'en', '{}');
SELECT render_letter('{{due_date}}', 'en', '{"due_date": "31/12/2026"}');
SELECT render_letter('{{total}}', 'en', '{"total": "much"}');
SELECT render_letter('x', 'pt', '{}');
SELECT render_letter('x', 'en', '[]');
\set VERBOSITY default

-- ---------------------------------------------------------------------
-- the letters
-- ---------------------------------------------------------------------
\pset format unaligned
\pset tuples_only on
-- a reminder of coll.invoice set to a level, by hand
-- (in a statement of its own: reminder_text is STABLE and sees the data as
-- its statement started)
CREATE FUNCTION coll.at_level(inv text, lvl int) RETURNS bigint LANGUAGE sql AS $$
    UPDATE ar_credit.dunning_queue AS q
       SET level = s.level, channel = s.channel, label = s.label
      FROM ar_credit.dunning_step AS s
     WHERE q.invoice_key = inv AND q.state IN ('pending', 'suspended') AND s.policy = q.policy AND s.level = lvl
    RETURNING q.id $$;

-- standard, level 1 (courtesy, 15 days before the due date): French, with
-- the payment terms worded from the issue and due dates
SELECT coll.at_level('F-2', 1) AS id \gset
SELECT subject || E'\n--\n' || body FROM reminder_text(:id, 'fr', '2025-05-31');
-- the same in English
SELECT coll.at_level('F-2', 1) AS id \gset
SELECT subject || E'\n--\n' || body FROM reminder_text(:id, 'en', '2025-05-31');
-- level 3 (first reminder) of an invoice without customer nor issue date:
-- their sections are left out
SELECT coll.at_level('F-3', 3) AS id \gset
SELECT subject || E'\n--\n' || body FROM reminder_text(:id, 'en', '2025-07-01');
-- strict, level 3 and 4 (deliveries may be held; formal notice in 7 days)
SELECT subject || E'\n--\n' || body
  FROM reminder_text((SELECT id FROM dunning_queue WHERE invoice_key = 'UK-1' AND state = 'pending'), 'fr', '2025-04-01');
UPDATE dunning_queue SET level = 4, channel = 'phone', label = 'second reminder' WHERE invoice_key = 'UK-1' AND state = 'pending';
SELECT subject || E'\n--\n' || body
  FROM reminder_text((SELECT id FROM dunning_queue WHERE invoice_key = 'UK-1' AND state = 'pending'), 'en', '2025-04-08');
-- standard, level 5: the formal notice of F-1 as of 2 Mar 2025 with the
-- interest (13.34), the indemnity (40.00) and the fee of the first
-- reminder, sent (15.00): total 1234.56 + 13.34 + 40 + 15 = 1302.90
SELECT coll.at_level('F-1', 5) AS id \gset
SELECT subject || E'\n--\n' || body FROM reminder_text(:id, 'fr', '2025-03-02');
SELECT coll.at_level('F-1', 5) AS id \gset
SELECT subject || E'\n--\n' || body FROM reminder_text(:id, 'en', '2025-03-02');
-- a fee on the formal notice itself is claimed by its own letter:
-- fees 15 + 25 = 40.00, total 1327.90
UPDATE dunning_step SET fee = 25 WHERE policy = 'standard' AND level = 5;
SELECT coll.at_level('F-1', 5) AS id \gset
SELECT body FROM reminder_text(:id, 'en', '2025-03-02') WHERE body LIKE '%fees%';
UPDATE dunning_step SET fee = 0 WHERE policy = 'standard' AND level IN (3, 5);
-- strict, level 6 (handover to collection) of the GBP invoice under UK_B2B,
-- as of 30 Apr 2025: 52.40 interest and GBP 70
UPDATE dunning_queue SET level = 6, channel = 'collection', label = 'handover to collection'
 WHERE invoice_key = 'UK-1' AND state = 'pending';
SELECT subject || E'\n--\n' || body
  FROM reminder_text((SELECT id FROM dunning_queue WHERE invoice_key = 'UK-1' AND state = 'pending'), 'en', '2025-04-30');
-- standard, level 6 in French: F-2 as of 15 Jul 2025, the interest over two
-- half-years (54.04 + 49.93 = 103.97) and the indemnity: 10143.97
SELECT coll.at_level('F-2', 6) AS id \gset
SELECT subject || E'\n--\n' || body FROM reminder_text(:id, 'fr', '2025-07-15');
-- a language without letters falls back to English; a user letter in
-- German is written with German amounts and dates
SELECT coll.at_level('F-2', 2) AS id \gset
SELECT subject FROM reminder_text(:id, 'it', '2025-06-08');
INSERT INTO dunning_template (policy, level, lang, subject, body) VALUES
    ('standard', 2, 'de', 'Zahlungserinnerung: Rechnung {{invoice}}',
     'Rechnung {{invoice}} über {{amount_due}} ist am {{due_date}} fällig.');
SELECT policy, level, lang, shipped FROM dunning_template WHERE lang = 'de';
SELECT coll.at_level('F-2', 2) AS id \gset
SELECT subject || E'\n--\n' || body FROM reminder_text(:id, 'DE', '2025-06-08');

\pset format aligned
\pset tuples_only off
-- errors
\set VERBOSITY terse
SELECT * FROM reminder_text(-1);
INSERT INTO dunning_template (policy, level, lang, subject, body) VALUES ('standard', 3, 'de', 'x', 'Sehr geehrte {{kunde}}');
INSERT INTO dunning_template (policy, level, lang, subject, body) VALUES ('standard', 3, 'de', E'two\nlines', 'x');
INSERT INTO dunning_template (policy, level, lang, subject, body) VALUES ('standard', 3, 'pt', 'x', 'x');
INSERT INTO dunning_template (policy, level, lang, subject, body) VALUES ('gentle', 1, 'fr', 'x', 'x');
INSERT INTO dunning_step (policy, level, offset_days, channel, label) VALUES ('gentle', 1, 5, 'email', 'x');
UPDATE dunning_queue SET policy = 'gentle', level = 1 WHERE invoice_key = 'F-2' AND state = 'pending';
SELECT * FROM reminder_text((SELECT id FROM dunning_queue WHERE invoice_key = 'F-2' AND state = 'pending'), 'it');
UPDATE dunning_queue SET policy = 'standard' WHERE invoice_key = 'F-2' AND state = 'pending';
UPDATE dunning_step SET fee = -1 WHERE policy = 'gentle';
UPDATE dunning_step SET fee = 'NaN' WHERE policy = 'gentle';
UPDATE dunning_step SET fee = 'Infinity' WHERE policy = 'gentle';
-- a paid invoice's live reminder is cancelled: no letter to send
UPDATE coll.invoice SET status = 'paid' WHERE no = 'F-3';
DO $$
BEGIN
    PERFORM ar_credit.reminder_text((SELECT max(id) FROM ar_credit.dunning_queue WHERE invoice_key = 'F-3'), 'fr', '2025-07-10');
EXCEPTION WHEN object_not_in_prerequisite_state THEN
    RAISE NOTICE '%: %', SQLSTATE, regexp_replace(SQLERRM, '[0-9]+', 'N');
END
$$;
\set VERBOSITY default

RESET DateStyle;
RESET lc_monetary;
DROP SCHEMA coll CASCADE;
DELETE FROM dunning_template WHERE NOT shipped;
DELETE FROM dunning_step WHERE policy = 'gentle';
-- catch-up back on for the tests that follow
UPDATE dunning_step SET catch_up = true;
RESET search_path;
