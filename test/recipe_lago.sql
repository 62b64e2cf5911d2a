--
-- pgTAP: the Lago recipe (doc/recipes.md, "Lago"), SPEC sections 6, 7 and 12.
--
-- Lago keeps invoices in invoices (db/structure.sql; app/models/invoice.rb:
-- status integer draft 0, finalized 1, voided 2, generating 3, failed 4,
-- open 5, closed 6, pending 7; payment_status integer pending 0, succeeded 1,
-- failed 2; payment_overdue boolean; total_amount_cents and
-- total_paid_amount_cents bigint in the currency's minor unit; uuid keys;
-- payment_due_date; self_billed) and credit notes in credit_notes
-- (app/models/credit_note.rb: status draft 0, finalized 1; credit_status
-- available 0, consumed 1, voided 2; credit_amount_cents).
--
-- The role erp_app owns the tables and makes every write, as Lago's API
-- would, with no grant on any ar_credit object.  After every step of the
-- lifecycle the live reminders of the table, ar_credit.open_invoices and
-- ar_credit.aging_report are compared with what the step must leave behind
-- (descriptions "lago step N: what: live {...}"), amounts in major units.
-- Dates are relative to current_date.
--
-- Until the 0.3.0 track() (SPEC section 7: expressions, filter, status_map,
-- amount_unit, track_related) is installed, the track() calls and the checks
-- are skipped; the DDL and every step still run, so they are kept valid.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public;
SET LOCAL datestyle = 'ISO, YMD';
SET LOCAL client_min_messages = warning;

SELECT plan(59);

-- ---------------------------------------------------------------------
-- helpers (the same in every test/recipe_*.sql)
-- ---------------------------------------------------------------------
CREATE SCHEMA recipe_t;
CREATE TABLE recipe_t.steps (sys text, step int, what text);
-- the SPEC section 7 contract is installed: ar_credit.track_related() exists
-- (whatever its signature, so that a mismatch with the calls below fails
-- loudly instead of skipping)
CREATE FUNCTION recipe_t.contract() RETURNS boolean LANGUAGE sql AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_proc AS p
                    WHERE p.pronamespace = 'ar_credit'::regnamespace AND p.proname = 'track_related')
$$;
-- live reminders of a table: 'key Llevel state amount; ...' (amounts in major units), or 'none'
CREATE FUNCTION recipe_t.queue(src regclass) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%s L%s %s %s', q.invoice_key, q.level, q.state, round(q.amount_due, 2)),
                               '; ' ORDER BY q.invoice_key COLLATE "C"), 'none')
      FROM ar_credit.dunning_queue AS q
     WHERE q.source = src AND q.state IN ('pending', 'claimed', 'suspended')
$$;
-- open_invoices of a table: 'key amount; ...', or 'none'
CREATE FUNCTION recipe_t.open(src regclass) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%s %s', o.invoice_key, round(o.amount_due, 2)),
                               '; ' ORDER BY o.invoice_key COLLATE "C"), 'none')
      FROM ar_credit.open_invoices AS o
     WHERE o.source::text = src::text
$$;
-- aging_report of a table: 'customer currency current/d1_30/d31_60/d61_90/over_90 = total; ...', or 'none'
CREATE FUNCTION recipe_t.aging(src regclass) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%s %s %s/%s/%s/%s/%s = %s', coalesce(a.customer_key, '-'), coalesce(a.currency, '-'),
                                      round(a."current", 2), round(a.d1_30, 2), round(a.d31_60, 2),
                                      round(a.d61_90, 2), round(a.over_90, 2), round(a.total, 2)),
                               '; ' ORDER BY a.customer_key COLLATE "C", a.currency COLLATE "C"), 'none')
      FROM ar_credit.aging_report AS a
     WHERE a.source::text = src::text
$$;
-- the three checks of a step (skipped while the 0.3.0 contract is missing)
CREATE FUNCTION recipe_t.check(sys text, step int, what text, src regclass,
                               want_queue text, want_open text, want_aging text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    d text := format('%s step %s: %s', sys, step, what);
BEGIN
    INSERT INTO recipe_t.steps VALUES (sys, step, what);
    IF NOT recipe_t.contract() THEN
        RETURN NEXT skip(d || ': needs the 0.3.0 track() and track_related() (SPEC section 7)', 1);
        RETURN NEXT skip(d || ': needs the 0.3.0 track() and track_related() (SPEC section 7)', 1);
        RETURN NEXT skip(d || ': needs the 0.3.0 track() and track_related() (SPEC section 7)', 1);
        RETURN;
    END IF;
    RETURN NEXT is(recipe_t.queue(src), want_queue, format('%s: live {%s}', d, want_queue));
    RETURN NEXT is(recipe_t.open(src), want_open, format('%s: open_invoices {%s}', d, want_open));
    RETURN NEXT is(recipe_t.aging(src), want_aging, format('%s: aging_report {%s}', d, want_aging));
END
$$;
-- a worker sends every reminder due today: claim, then complete
CREATE FUNCTION recipe_t.work() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM ar_credit.claim_reminders(100, 'w') AS c, LATERAL ar_credit.complete_reminder(c.id) AS x
$$;
-- the class a status gets from a status_map (classes as such, words through the vocabulary)
CREATE FUNCTION recipe_t.class(status text, map jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN s.w IN ('open', 'closed', 'suspended', 'ignored') THEN s.w ELSE ar_credit.invoice_class(s.w) END
      FROM (SELECT coalesce(map ->> status, status) AS w) AS s
$$;
-- the application's role: owns its tables, no grant on anything of ar_credit
CREATE ROLE erp_app NOLOGIN;

-- ---------------------------------------------------------------------
-- Lago: invoices and credit_notes (the columns that matter and a few others)
-- ---------------------------------------------------------------------
CREATE SCHEMA lago;
CREATE TABLE lago.invoices (
    id                              uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
    created_at                      timestamp(6) without time zone NOT NULL,
    updated_at                      timestamp(6) without time zone NOT NULL,
    issuing_date                    date,
    taxes_amount_cents              bigint DEFAULT 0 NOT NULL,
    total_amount_cents              bigint DEFAULT 0 NOT NULL,
    invoice_type                    integer DEFAULT 0 NOT NULL,
    payment_status                  integer DEFAULT 0 NOT NULL,
    number                          character varying DEFAULT ''::character varying NOT NULL,
    customer_id                     uuid,
    status                          integer DEFAULT 1 NOT NULL,
    payment_attempts                integer DEFAULT 0 NOT NULL,
    organization_id                 uuid NOT NULL,
    currency                        character varying,
    fees_amount_cents               bigint DEFAULT 0 NOT NULL,
    credit_notes_amount_cents       bigint DEFAULT 0 NOT NULL,
    payment_due_date                date,
    net_payment_term                integer DEFAULT 0 NOT NULL,
    voided_at                       timestamp(6) without time zone,
    payment_dispute_lost_at         timestamp(6) without time zone,
    payment_overdue                 boolean DEFAULT false,
    total_paid_amount_cents         bigint DEFAULT 0 NOT NULL,
    self_billed                     boolean DEFAULT false NOT NULL,
    finalized_at                    timestamp without time zone,
    voided_invoice_id               uuid,
    CONSTRAINT check_organizations_on_net_payment_term CHECK ((net_payment_term >= 0))
);
CREATE TABLE lago.credit_notes (
    id                              uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
    customer_id                     uuid NOT NULL,
    invoice_id                      uuid NOT NULL,
    sequential_id                   integer NOT NULL,
    number                          character varying NOT NULL,
    credit_amount_cents             bigint DEFAULT 0 NOT NULL,
    credit_amount_currency          character varying NOT NULL,
    credit_status                   integer,
    balance_amount_cents            bigint DEFAULT 0 NOT NULL,
    reason                          integer NOT NULL,
    created_at                      timestamp(6) without time zone NOT NULL,
    updated_at                      timestamp(6) without time zone NOT NULL,
    total_amount_cents              bigint DEFAULT 0 NOT NULL,
    total_amount_currency           character varying NOT NULL,
    refund_amount_cents             bigint DEFAULT 0 NOT NULL,
    voided_at                       timestamp(6) without time zone,
    issuing_date                    date NOT NULL,
    status                          integer DEFAULT 1 NOT NULL
);
GRANT USAGE ON SCHEMA lago TO erp_app;
ALTER TABLE lago.invoices OWNER TO erp_app;
ALTER TABLE lago.credit_notes OWNER TO erp_app;

-- the recipe (doc/recipes.md): minor units, uuid key, the integer status
-- mapped (payment_status succeeded read as paid), what is left to pay net of
-- the payments and of the finalized credit notes' credit, followed with
-- track_related; self-billed invoices are payables
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track('lago.invoices',
        key_column      => 'id',
        due_column      => 'payment_due_date',
        amount_column   => $$total_amount_cents - total_paid_amount_cents
                            - coalesce((SELECT sum(c.credit_amount_cents) FROM lago.credit_notes AS c
                                         WHERE c.invoice_id = invoices.id AND c.status = 1
                                           AND c.credit_status IS DISTINCT FROM 2), 0)$$,
        status_column   => $$CASE WHEN payment_status = 1 THEN 'paid' ELSE status::text END$$,
        customer_column => 'customer_id',
        currency_column => 'currency',
        filter          => 'NOT self_billed',
        status_map      => '{"0": "draft", "1": "open", "2": "void", "3": "ignored", "4": "ignored",
                             "5": "ignored", "6": "ignored", "7": "ignored"}',
        amount_unit     => 'minor',
        issued_column   => 'issuing_date')
    $recipe$, 'lago: track invoices with the recipe')
    ELSE skip('lago: track invoices: needs the 0.3.0 track() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track_related('lago.credit_notes', 'lago.invoices', 'invoice_id')
    $recipe$, 'lago: credit_notes re-evaluates its invoice')
    ELSE skip('lago: track_related credit_notes: needs the 0.3.0 track_related() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN
            is((SELECT count(*) FROM ar_credit.tracked_table WHERE relid = 'lago.invoices'::regclass), 1::bigint,
               'lago: ar_credit.tracked_table keeps the mapping of invoices')
       ELSE skip('lago: tracked_table row: needs the 0.3.0 track() (SPEC section 7)', 1) END;

-- ---------------------------------------------------------------------
-- the lifecycle, as Lago writes it (customer ...c000-...001 in EUR,
-- customer ...c000-...002 in JPY, a currency without minor unit)
-- ---------------------------------------------------------------------
-- 1. a draft invoice (grace period)
SET ROLE erp_app;
INSERT INTO lago.invoices (id, created_at, updated_at, issuing_date, total_amount_cents, fees_amount_cents, number,
                           customer_id, status, organization_id, currency, payment_due_date, net_payment_term)
VALUES ('00000000-0000-4000-a000-000000000001', localtimestamp, localtimestamp, current_date, 100000, 83333, 'ACM-DRAFT',
        '00000000-0000-4000-c000-000000000001', 0, '00000000-0000-4000-e000-000000000001', 'EUR', current_date + 30, 30);
RESET ROLE;
SELECT recipe_t.check('lago', 1, 'draft invoice', 'lago.invoices', 'none', 'none', 'none');

-- 2. finalized, due in 30 days: 100000 cents are 1000.00 EUR
SET ROLE erp_app;
UPDATE lago.invoices SET status = 1, number = 'ACM-202612-001', finalized_at = localtimestamp, updated_at = localtimestamp
 WHERE id = '00000000-0000-4000-a000-000000000001';
RESET ROLE;
SELECT recipe_t.check('lago', 2, 'finalized, due in 30 days: level 1, 1000.00 EUR', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000001 L1 pending 1000.00',
                      '00000000-0000-4000-a000-000000000001 1000.00',
                      '00000000-0000-4000-c000-000000000001 EUR 1000.00/0.00/0.00/0.00/0.00 = 1000.00');

-- 3. a second invoice, 40 days overdue
SET ROLE erp_app;
INSERT INTO lago.invoices (id, created_at, updated_at, issuing_date, total_amount_cents, number, customer_id, status,
                           organization_id, currency, payment_due_date, net_payment_term, finalized_at)
VALUES ('00000000-0000-4000-a000-000000000002', localtimestamp, localtimestamp, current_date - 70, 80000, 'ACM-202612-002',
        '00000000-0000-4000-c000-000000000001', 1, '00000000-0000-4000-e000-000000000001', 'EUR', current_date - 40, 30,
        localtimestamp);
RESET ROLE;
SELECT recipe_t.check('lago', 3, 'invoice 40 days overdue: level 5, the formal notice (catch-up)', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000001 L1 pending 1000.00; 00000000-0000-4000-a000-000000000002 L5 pending 800.00',
                      '00000000-0000-4000-a000-000000000001 1000.00; 00000000-0000-4000-a000-000000000002 800.00',
                      '00000000-0000-4000-c000-000000000001 EUR 1000.00/0.00/800.00/0.00/0.00 = 1800.00');

-- 4. the card payment fails; Lago's job flags it overdue
SET ROLE erp_app;
UPDATE lago.invoices SET payment_status = 2, payment_attempts = 1, payment_overdue = true
 WHERE id = '00000000-0000-4000-a000-000000000002';
RESET ROLE;
SELECT recipe_t.check('lago', 4, 'payment failed, payment_overdue: still level 5', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000001 L1 pending 1000.00; 00000000-0000-4000-a000-000000000002 L5 pending 800.00',
                      '00000000-0000-4000-a000-000000000001 1000.00; 00000000-0000-4000-a000-000000000002 800.00',
                      '00000000-0000-4000-c000-000000000001 EUR 1000.00/0.00/800.00/0.00/0.00 = 1800.00');

-- 5. a manual payment of 500.00 (total_paid_amount_cents)
SET ROLE erp_app;
UPDATE lago.invoices SET total_paid_amount_cents = 50000 WHERE id = '00000000-0000-4000-a000-000000000002';
RESET ROLE;
SELECT recipe_t.check('lago', 5, 'partial payment: live L5 amount 300.00', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000001 L1 pending 1000.00; 00000000-0000-4000-a000-000000000002 L5 pending 300.00',
                      '00000000-0000-4000-a000-000000000001 1000.00; 00000000-0000-4000-a000-000000000002 300.00',
                      '00000000-0000-4000-c000-000000000001 EUR 1000.00/0.00/300.00/0.00/0.00 = 1300.00');

-- 6. a worker sends the reminders due today (level 5 of invoice 2): level 6 queued
SELECT recipe_t.work() >= 0 AS worked \gset
SELECT recipe_t.check('lago', 6, 'worker sent level 5: level 6 queued', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000001 L1 pending 1000.00; 00000000-0000-4000-a000-000000000002 L6 pending 300.00',
                      '00000000-0000-4000-a000-000000000001 1000.00; 00000000-0000-4000-a000-000000000002 300.00',
                      '00000000-0000-4000-c000-000000000001 EUR 1000.00/0.00/300.00/0.00/0.00 = 1300.00');

-- 7. a credit note of 200.00 credited on invoice 1 (finalized, available)
SET ROLE erp_app;
INSERT INTO lago.credit_notes (id, customer_id, invoice_id, sequential_id, number, credit_amount_cents,
                               credit_amount_currency, credit_status, balance_amount_cents, reason, created_at, updated_at,
                               total_amount_cents, total_amount_currency, issuing_date, status)
VALUES ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-c000-000000000001',
        '00000000-0000-4000-a000-000000000001', 1, 'ACM-202612-001-CN001', 20000, 'EUR', 0, 20000, 5,
        localtimestamp, localtimestamp, 20000, 'EUR', current_date, 1);
RESET ROLE;
SELECT recipe_t.check('lago', 7, 'credit note of 200.00 on invoice 1: 800.00 left', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000001 L1 pending 800.00; 00000000-0000-4000-a000-000000000002 L6 pending 300.00',
                      '00000000-0000-4000-a000-000000000001 800.00; 00000000-0000-4000-a000-000000000002 300.00',
                      '00000000-0000-4000-c000-000000000001 EUR 800.00/0.00/300.00/0.00/0.00 = 1100.00');

-- 8. the credit note is voided
SET ROLE erp_app;
UPDATE lago.credit_notes SET credit_status = 2, voided_at = localtimestamp, balance_amount_cents = 0
 WHERE id = '00000000-0000-4000-b000-000000000001';
RESET ROLE;
SELECT recipe_t.check('lago', 8, 'credit note voided: 1000.00 again', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000001 L1 pending 1000.00; 00000000-0000-4000-a000-000000000002 L6 pending 300.00',
                      '00000000-0000-4000-a000-000000000001 1000.00; 00000000-0000-4000-a000-000000000002 300.00',
                      '00000000-0000-4000-c000-000000000001 EUR 1000.00/0.00/300.00/0.00/0.00 = 1300.00');

-- 9. an invoice in JPY (no minor unit: 5000 is 5000 yen), due in 10 days
SET ROLE erp_app;
INSERT INTO lago.invoices (id, created_at, updated_at, issuing_date, total_amount_cents, number, customer_id, status,
                           organization_id, currency, payment_due_date, net_payment_term, finalized_at)
VALUES ('00000000-0000-4000-a000-000000000003', localtimestamp, localtimestamp, current_date - 20, 5000, 'GLX-202612-001',
        '00000000-0000-4000-c000-000000000002', 1, '00000000-0000-4000-e000-000000000001', 'JPY', current_date + 10, 30,
        localtimestamp);
RESET ROLE;
SELECT recipe_t.check('lago', 9, 'JPY invoice due in 10 days: level 2, 5000.00 JPY', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000001 L1 pending 1000.00; 00000000-0000-4000-a000-000000000002 L6 pending 300.00; 00000000-0000-4000-a000-000000000003 L2 pending 5000.00',
                      '00000000-0000-4000-a000-000000000001 1000.00; 00000000-0000-4000-a000-000000000002 300.00; 00000000-0000-4000-a000-000000000003 5000.00',
                      '00000000-0000-4000-c000-000000000001 EUR 1000.00/0.00/300.00/0.00/0.00 = 1300.00; 00000000-0000-4000-c000-000000000002 JPY 5000.00/0.00/0.00/0.00/0.00 = 5000.00');

-- 10. invoice 2: the retried payment succeeds
SET ROLE erp_app;
UPDATE lago.invoices SET payment_status = 1, total_paid_amount_cents = 80000, payment_overdue = false
 WHERE id = '00000000-0000-4000-a000-000000000002';
RESET ROLE;
SELECT recipe_t.check('lago', 10, 'payment succeeded: paid', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000001 L1 pending 1000.00; 00000000-0000-4000-a000-000000000003 L2 pending 5000.00',
                      '00000000-0000-4000-a000-000000000001 1000.00; 00000000-0000-4000-a000-000000000003 5000.00',
                      '00000000-0000-4000-c000-000000000001 EUR 1000.00/0.00/0.00/0.00/0.00 = 1000.00; 00000000-0000-4000-c000-000000000002 JPY 5000.00/0.00/0.00/0.00/0.00 = 5000.00');

-- 11. an invoice still being generated (status 3): not a receivable yet
SET ROLE erp_app;
INSERT INTO lago.invoices (id, created_at, updated_at, issuing_date, total_amount_cents, customer_id, status,
                           organization_id, currency, payment_due_date)
VALUES ('00000000-0000-4000-a000-000000000004', localtimestamp, localtimestamp, current_date, 2500,
        '00000000-0000-4000-c000-000000000001', 3, '00000000-0000-4000-e000-000000000001', 'EUR', current_date - 1);
RESET ROLE;
SELECT recipe_t.check('lago', 11, 'generating: ignored', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000001 L1 pending 1000.00; 00000000-0000-4000-a000-000000000003 L2 pending 5000.00',
                      '00000000-0000-4000-a000-000000000001 1000.00; 00000000-0000-4000-a000-000000000003 5000.00',
                      '00000000-0000-4000-c000-000000000001 EUR 1000.00/0.00/0.00/0.00/0.00 = 1000.00; 00000000-0000-4000-c000-000000000002 JPY 5000.00/0.00/0.00/0.00/0.00 = 5000.00');

-- 12. it becomes an open (invisible) pay-in-advance invoice waiting for its payment: still ignored
SET ROLE erp_app;
UPDATE lago.invoices SET status = 5 WHERE id = '00000000-0000-4000-a000-000000000004';
RESET ROLE;
SELECT recipe_t.check('lago', 12, 'open (invisible) invoice: ignored', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000001 L1 pending 1000.00; 00000000-0000-4000-a000-000000000003 L2 pending 5000.00',
                      '00000000-0000-4000-a000-000000000001 1000.00; 00000000-0000-4000-a000-000000000003 5000.00',
                      '00000000-0000-4000-c000-000000000001 EUR 1000.00/0.00/0.00/0.00/0.00 = 1000.00; 00000000-0000-4000-c000-000000000002 JPY 5000.00/0.00/0.00/0.00/0.00 = 5000.00');

-- 13. invoice 1 is voided
SET ROLE erp_app;
UPDATE lago.invoices SET status = 2, voided_at = localtimestamp WHERE id = '00000000-0000-4000-a000-000000000001';
RESET ROLE;
SELECT recipe_t.check('lago', 13, 'voided: settled', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000003 L2 pending 5000.00',
                      '00000000-0000-4000-a000-000000000003 5000.00',
                      '00000000-0000-4000-c000-000000000002 JPY 5000.00/0.00/0.00/0.00/0.00 = 5000.00');

-- 14. it is regenerated as a new finalized invoice of 900.00
SET ROLE erp_app;
INSERT INTO lago.invoices (id, created_at, updated_at, issuing_date, total_amount_cents, number, customer_id, status,
                           organization_id, currency, payment_due_date, net_payment_term, finalized_at, voided_invoice_id)
VALUES ('00000000-0000-4000-a000-000000000005', localtimestamp, localtimestamp, current_date, 90000, 'ACM-202612-003',
        '00000000-0000-4000-c000-000000000001', 1, '00000000-0000-4000-e000-000000000001', 'EUR', current_date + 30, 30,
        localtimestamp, '00000000-0000-4000-a000-000000000001');
RESET ROLE;
SELECT recipe_t.check('lago', 14, 'regenerated invoice: level 1, 900.00', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000003 L2 pending 5000.00; 00000000-0000-4000-a000-000000000005 L1 pending 900.00',
                      '00000000-0000-4000-a000-000000000003 5000.00; 00000000-0000-4000-a000-000000000005 900.00',
                      '00000000-0000-4000-c000-000000000001 EUR 900.00/0.00/0.00/0.00/0.00 = 900.00; 00000000-0000-4000-c000-000000000002 JPY 5000.00/0.00/0.00/0.00/0.00 = 5000.00');

-- 15. a self-billed invoice (issued on behalf of a partner: a payable), overdue
SET ROLE erp_app;
INSERT INTO lago.invoices (id, created_at, updated_at, issuing_date, total_amount_cents, number, customer_id, status,
                           organization_id, currency, payment_due_date, finalized_at, self_billed)
VALUES ('00000000-0000-4000-a000-000000000006', localtimestamp, localtimestamp, current_date - 70, 40000, 'SB-202612-001',
        '00000000-0000-4000-c000-000000000001', 1, '00000000-0000-4000-e000-000000000001', 'EUR', current_date - 40,
        localtimestamp, true);
RESET ROLE;
SELECT recipe_t.check('lago', 15, 'self-billed invoice: not a receivable', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000003 L2 pending 5000.00; 00000000-0000-4000-a000-000000000005 L1 pending 900.00',
                      '00000000-0000-4000-a000-000000000003 5000.00; 00000000-0000-4000-a000-000000000005 900.00',
                      '00000000-0000-4000-c000-000000000001 EUR 900.00/0.00/0.00/0.00/0.00 = 900.00; 00000000-0000-4000-c000-000000000002 JPY 5000.00/0.00/0.00/0.00/0.00 = 5000.00');

-- 16. a draft invoice is created and deleted (subscription terminated during the grace period)
SET ROLE erp_app;
INSERT INTO lago.invoices (id, created_at, updated_at, issuing_date, total_amount_cents, customer_id, status,
                           organization_id, currency, payment_due_date)
VALUES ('00000000-0000-4000-a000-000000000007', localtimestamp, localtimestamp, current_date, 1000,
        '00000000-0000-4000-c000-000000000002', 0, '00000000-0000-4000-e000-000000000001', 'JPY', current_date);
DELETE FROM lago.invoices WHERE id = '00000000-0000-4000-a000-000000000007';
RESET ROLE;
SELECT recipe_t.check('lago', 16, 'draft created and deleted', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000003 L2 pending 5000.00; 00000000-0000-4000-a000-000000000005 L1 pending 900.00',
                      '00000000-0000-4000-a000-000000000003 5000.00; 00000000-0000-4000-a000-000000000005 900.00',
                      '00000000-0000-4000-c000-000000000001 EUR 900.00/0.00/0.00/0.00/0.00 = 900.00; 00000000-0000-4000-c000-000000000002 JPY 5000.00/0.00/0.00/0.00/0.00 = 5000.00');

-- 17. the JPY invoice is paid
SET ROLE erp_app;
UPDATE lago.invoices SET payment_status = 1, total_paid_amount_cents = 5000 WHERE id = '00000000-0000-4000-a000-000000000003';
RESET ROLE;
SELECT recipe_t.check('lago', 17, 'JPY invoice paid', 'lago.invoices',
                      '00000000-0000-4000-a000-000000000005 L1 pending 900.00',
                      '00000000-0000-4000-a000-000000000005 900.00',
                      '00000000-0000-4000-c000-000000000001 EUR 900.00/0.00/0.00/0.00/0.00 = 900.00');

-- ---------------------------------------------------------------------
-- the application's role, the recipe evaluated by hand, the step count
-- ---------------------------------------------------------------------
SELECT is(has_table_privilege('erp_app', 'ar_credit.dunning_queue', 'SELECT,INSERT,UPDATE,DELETE'), false,
          'lago: erp_app wrote every step without any privilege on ar_credit.dunning_queue');
SELECT is(pg_has_role('erp_app', 'ar_credit_writer', 'MEMBER'), false, 'lago: erp_app is not an ar_credit role');
SELECT is((SELECT count(*) FROM (SELECT 1 FROM ar_credit.dunning_queue WHERE state IN ('pending', 'claimed', 'suspended')
                                  GROUP BY source, invoice_key HAVING count(*) > 1) AS d), 0::bigint,
          'lago: at most one live reminder per invoice');
-- the recipe's expressions evaluated by hand over the final tables (the same
-- text as in the track() call; amounts still in minor units here)
SELECT results_eq($$
    SELECT id::text, payment_due_date - current_date,
           total_amount_cents - total_paid_amount_cents
           - coalesce((SELECT sum(c.credit_amount_cents) FROM lago.credit_notes AS c
                        WHERE c.invoice_id = invoices.id AND c.status = 1
                          AND c.credit_status IS DISTINCT FROM 2), 0),
           recipe_t.class(CASE WHEN payment_status = 1 THEN 'paid' ELSE status::text END,
                          '{"0": "draft", "1": "open", "2": "void", "3": "ignored", "4": "ignored",
                            "5": "ignored", "6": "ignored", "7": "ignored"}'),
           currency::text
      FROM lago.invoices
     WHERE NOT self_billed
     ORDER BY id$$,
    $$VALUES ('00000000-0000-4000-a000-000000000001', 30, 100000::numeric, 'closed', 'EUR'),
             ('00000000-0000-4000-a000-000000000002', -40, 0, 'closed', 'EUR'),
             ('00000000-0000-4000-a000-000000000003', 10, 0, 'closed', 'JPY'),
             ('00000000-0000-4000-a000-000000000004', -1, 2500, 'ignored', 'EUR'),
             ('00000000-0000-4000-a000-000000000005', 30, 90000, 'open', 'EUR')$$,
    'lago: the recipe''s key, due, amount in minor units (net of payments and credit), status class and currency evaluated by hand');
SELECT is((SELECT count(*) FROM recipe_t.steps WHERE sys = 'lago'), 17::bigint,
          'lago: 17 lifecycle steps replayed, each checked against the queue, open_invoices and aging_report');

SELECT * FROM finish();
ROLLBACK;
