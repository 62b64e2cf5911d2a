--
-- pgTAP: the Kill Bill recipe (doc/recipes.md, "Kill Bill"), SPEC sections 6, 7 and 12.
--
-- Kill Bill has neither an amount nor a due date on its invoices
-- (invoice/src/main/resources/org/killbill/billing/invoice/ddl.sql):
-- invoices (id varchar(36), account_id, invoice_date, target_date, currency,
-- status DRAFT/COMMITTED/VOID, migrated, parent_invoice), invoice_items
-- (type RECURRING/FIXED/USAGE/EXTERNAL_CHARGE/TAX/ITEM_ADJ/REPAIR_ADJ/
-- CREDIT_ADJ/CBA_ADJ/PARENT_SUMMARY, amount numeric(15,9)) and
-- invoice_payments (type ATTEMPT/REFUND/CHARGED_BACK, amount, success);
-- the balance is the sum of the items less the successful payments.  A
-- written-off invoice carries the control tag WRITTEN_OFF (tags,
-- tag_definition_id 00000000-0000-0000-0000-000000000004).  On PostgreSQL
-- Kill Bill declares its datetime columns with the domain datetime
-- (util/src/main/resources/org/killbill/billing/util/ddl-postgresql.sql).
--
-- The role erp_app owns the tables and makes every write, as Kill Bill
-- would, with no grant on any ar_credit object.  After every step of the
-- lifecycle the live reminders of the table, ar_credit.open_invoices and
-- ar_credit.aging_report are compared with what the step must leave behind
-- (descriptions "killbill step N: what: live {...}").  Dates are relative to
-- current_date.
--
-- Until the 0.3.0 track() (SPEC section 7: expressions, filter, status_map,
-- track_related) is installed, the track() calls and the checks are skipped;
-- the DDL and every step still run, so they are kept valid.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public;
SET LOCAL datestyle = 'ISO, YMD';
SET LOCAL client_min_messages = warning;

SELECT plan(58);

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
-- Kill Bill 0.24 on PostgreSQL: accounts, invoices, invoice_items,
-- invoice_payments, tags (the columns that matter and a few others)
-- ---------------------------------------------------------------------
CREATE SCHEMA killbill;
CREATE DOMAIN killbill.datetime AS timestamp without time zone;
CREATE TABLE killbill.accounts (
    record_id           serial UNIQUE,
    id                  varchar(36) NOT NULL,
    external_key        varchar(255) NOT NULL,
    email               varchar(128),
    name                varchar(100),
    currency            varchar(3),
    billing_cycle_day_local integer,
    time_zone           varchar(50),
    created_date        killbill.datetime NOT NULL,
    created_by          varchar(50) NOT NULL,
    tenant_record_id    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (record_id)
);
CREATE UNIQUE INDEX accounts_id ON killbill.accounts (id);
CREATE TABLE killbill.invoices (
    record_id           serial UNIQUE,
    id                  varchar(36) NOT NULL,
    account_id          varchar(36) NOT NULL,
    invoice_date        date NOT NULL,
    target_date         date,
    currency            varchar(3) NOT NULL,
    status              varchar(15) NOT NULL DEFAULT 'COMMITTED',
    migrated            bool NOT NULL,
    parent_invoice      bool NOT NULL DEFAULT FALSE,
    created_by          varchar(50) NOT NULL,
    created_date        killbill.datetime NOT NULL,
    account_record_id   bigint NOT NULL,
    tenant_record_id    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (record_id)
);
CREATE UNIQUE INDEX invoices_id ON killbill.invoices (id);
CREATE TABLE killbill.invoice_items (
    record_id           serial UNIQUE,
    id                  varchar(36) NOT NULL,
    type                varchar(24) NOT NULL,
    invoice_id          varchar(36) NOT NULL,
    account_id          varchar(36) NOT NULL,
    description         varchar(255),
    plan_name           varchar(255),
    start_date          date,
    end_date            date,
    amount              numeric(15,9) NOT NULL,
    currency            varchar(3) NOT NULL,
    linked_item_id      varchar(36),
    created_by          varchar(50) NOT NULL,
    created_date        killbill.datetime NOT NULL,
    account_record_id   bigint NOT NULL,
    tenant_record_id    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (record_id)
);
CREATE INDEX invoice_items_invoice_id ON killbill.invoice_items (invoice_id);
CREATE TABLE killbill.invoice_payments (
    record_id           serial UNIQUE,
    id                  varchar(36) NOT NULL,
    type                varchar(24) NOT NULL,
    invoice_id          varchar(36) NOT NULL,
    payment_id          varchar(36),
    payment_date        killbill.datetime NOT NULL,
    amount              numeric(15,9) NOT NULL,
    currency            varchar(3) NOT NULL,
    processed_currency  varchar(3) NOT NULL,
    payment_cookie_id   varchar(255) DEFAULT NULL,
    linked_invoice_payment_id varchar(36) DEFAULT NULL,
    success             bool DEFAULT true,
    created_by          varchar(50) NOT NULL,
    created_date        killbill.datetime NOT NULL,
    account_record_id   bigint NOT NULL,
    tenant_record_id    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (record_id)
);
CREATE INDEX invoice_payments_invoice_id ON killbill.invoice_payments (invoice_id);
CREATE TABLE killbill.tags (
    record_id           serial UNIQUE,
    id                  varchar(36) NOT NULL,
    tag_definition_id   varchar(36) NOT NULL,
    object_id           varchar(36) NOT NULL,
    object_type         varchar(30) NOT NULL,
    is_active           boolean DEFAULT true,
    created_by          varchar(50) NOT NULL,
    created_date        killbill.datetime NOT NULL,
    updated_by          varchar(50) NOT NULL,
    updated_date        killbill.datetime NOT NULL,
    account_record_id   bigint NOT NULL,
    tenant_record_id    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (record_id)
);
INSERT INTO killbill.accounts (record_id, id, external_key, name, currency, billing_cycle_day_local, created_date, created_by)
VALUES (1, 'a0000000-0000-4000-8000-000000000001', 'acme-001', 'Acme Corp', 'EUR', 1, localtimestamp, 'admin'),
       (2, 'a0000000-0000-4000-8000-000000000002', 'globex-002', 'Globex', 'USD', 15, localtimestamp, 'admin');
GRANT USAGE ON SCHEMA killbill TO erp_app;
ALTER TABLE killbill.accounts OWNER TO erp_app;
ALTER TABLE killbill.invoices OWNER TO erp_app;
ALTER TABLE killbill.invoice_items OWNER TO erp_app;
ALTER TABLE killbill.invoice_payments OWNER TO erp_app;
ALTER TABLE killbill.tags OWNER TO erp_app;

-- the recipe (doc/recipes.md): the balance derived as Kill Bill derives it,
-- net 30 from the invoice date, WRITTEN_OFF read from the control tag, the
-- account's external key as the customer; items, payments and tags
-- re-evaluate their invoice
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track('killbill.invoices',
        key_column      => 'id',
        due_column      => 'invoice_date + 30',
        amount_column   => $$coalesce((SELECT sum(i.amount) FROM killbill.invoice_items AS i
                                        WHERE i.invoice_id = invoices.id), 0)
                            - coalesce((SELECT sum(p.amount) FROM killbill.invoice_payments AS p
                                         WHERE p.invoice_id = invoices.id AND p.success), 0)$$,
        status_column   => $$CASE WHEN EXISTS (SELECT 1 FROM killbill.tags AS t
                                                WHERE t.object_id = invoices.id AND t.object_type = 'INVOICE'
                                                  AND t.tag_definition_id = '00000000-0000-0000-0000-000000000004'
                                                  AND t.is_active)
                                  THEN 'WRITTEN_OFF' ELSE status END$$,
        customer_column => $$(SELECT a.external_key FROM killbill.accounts AS a WHERE a.id = invoices.account_id)$$,
        currency_column => 'currency',
        status_map      => '{"DRAFT": "draft", "COMMITTED": "open", "VOID": "void", "WRITTEN_OFF": "written_off"}',
        paid_on_column  => $$(SELECT max(p.payment_date) FROM killbill.invoice_payments AS p
                              WHERE p.invoice_id = invoices.id AND p.success AND p.type = 'ATTEMPT')$$,
        issued_column   => 'created_date')
    $recipe$, 'killbill: track invoices with the recipe')
    ELSE skip('killbill: track invoices: needs the 0.3.0 track() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track_related('killbill.invoice_items', 'killbill.invoices', 'invoice_id')
    $recipe$, 'killbill: invoice_items re-evaluates its invoice')
    ELSE skip('killbill: track_related invoice_items: needs the 0.3.0 track_related() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track_related('killbill.invoice_payments', 'killbill.invoices', 'invoice_id')
    $recipe$, 'killbill: invoice_payments re-evaluates its invoice')
    ELSE skip('killbill: track_related invoice_payments: needs the 0.3.0 track_related() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track_related('killbill.tags', 'killbill.invoices', 'object_id', filter => $$object_type = 'INVOICE'$$)
    $recipe$, 'killbill: an invoice tag re-evaluates its invoice')
    ELSE skip('killbill: track_related tags: needs the 0.3.0 track_related() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN
            is((SELECT count(*) FROM ar_credit.tracked_table WHERE relid = 'killbill.invoices'::regclass), 1::bigint,
               'killbill: ar_credit.tracked_table keeps the mapping of invoices')
       ELSE skip('killbill: tracked_table row: needs the 0.3.0 track() (SPEC section 7)', 1) END;

-- ---------------------------------------------------------------------
-- the lifecycle, as Kill Bill writes it (account acme-001 in EUR,
-- globex-002 in USD; net 30 days from the invoice date)
-- ---------------------------------------------------------------------
-- 1. a draft invoice (AUTO_INVOICING_DRAFT) with its recurring item
SET ROLE erp_app;
INSERT INTO killbill.invoices (record_id, id, account_id, invoice_date, target_date, currency, status, migrated,
                               created_by, created_date, account_record_id)
VALUES (1, 'b1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', current_date, current_date,
        'EUR', 'DRAFT', false, 'SubscriptionBaseTransition', localtimestamp, 1);
INSERT INTO killbill.invoice_items (id, type, invoice_id, account_id, plan_name, start_date, end_date, amount, currency,
                                    created_by, created_date, account_record_id)
VALUES ('c1000000-0000-4000-8000-000000000001', 'RECURRING', 'b1000000-0000-4000-8000-000000000001',
        'a0000000-0000-4000-8000-000000000001', 'pro-monthly', current_date, current_date + 30, 100, 'EUR',
        'SubscriptionBaseTransition', localtimestamp, 1);
RESET ROLE;
SELECT recipe_t.check('killbill', 1, 'draft invoice', 'killbill.invoices', 'none', 'none', 'none');

-- 2. committed: due in 30 days
SET ROLE erp_app;
UPDATE killbill.invoices SET status = 'COMMITTED' WHERE id = 'b1000000-0000-4000-8000-000000000001';
RESET ROLE;
SELECT recipe_t.check('killbill', 2, 'committed: level 1 (net 30)', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00',
                      'b1000000-0000-4000-8000-000000000001 100.00',
                      'acme-001 EUR 100.00/0.00/0.00/0.00/0.00 = 100.00');

-- 3. an invoice dated 70 days ago, committed at once, then its items
SET ROLE erp_app;
INSERT INTO killbill.invoices (record_id, id, account_id, invoice_date, target_date, currency, status, migrated,
                               created_by, created_date, account_record_id)
VALUES (2, 'b1000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', current_date - 70,
        current_date - 70, 'EUR', 'COMMITTED', false, 'SubscriptionBaseTransition', localtimestamp - interval '70 days', 1);
INSERT INTO killbill.invoice_items (id, type, invoice_id, account_id, plan_name, start_date, end_date, amount, currency,
                                    linked_item_id, created_by, created_date, account_record_id) VALUES
    ('c1000000-0000-4000-8000-000000000002', 'RECURRING', 'b1000000-0000-4000-8000-000000000002',
     'a0000000-0000-4000-8000-000000000001', 'pro-monthly', current_date - 70, current_date - 40, 500, 'EUR', NULL,
     'SubscriptionBaseTransition', localtimestamp, 1),
    ('c1000000-0000-4000-8000-000000000003', 'USAGE', 'b1000000-0000-4000-8000-000000000002',
     'a0000000-0000-4000-8000-000000000001', 'pro-monthly', current_date - 70, current_date - 40, 250, 'EUR', NULL,
     'SubscriptionBaseTransition', localtimestamp, 1),
    ('c1000000-0000-4000-8000-000000000004', 'TAX', 'b1000000-0000-4000-8000-000000000002',
     'a0000000-0000-4000-8000-000000000001', NULL, current_date - 70, NULL, 75, 'EUR', NULL,
     'SubscriptionBaseTransition', localtimestamp, 1);
RESET ROLE;
SELECT recipe_t.check('killbill', 3, 'invoice of 825 from its items, 40 days overdue: level 5, the formal notice (catch-up)', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00; b1000000-0000-4000-8000-000000000002 L5 pending 825.00',
                      'b1000000-0000-4000-8000-000000000001 100.00; b1000000-0000-4000-8000-000000000002 825.00',
                      'acme-001 EUR 100.00/0.00/825.00/0.00/0.00 = 925.00');

-- 4. a payment attempt fails
SET ROLE erp_app;
INSERT INTO killbill.invoice_payments (id, type, invoice_id, payment_id, payment_date, amount, currency,
                                       processed_currency, success, created_by, created_date, account_record_id)
VALUES ('d1000000-0000-4000-8000-000000000001', 'ATTEMPT', 'b1000000-0000-4000-8000-000000000002',
        'e1000000-0000-4000-8000-000000000001', localtimestamp, 825, 'EUR', 'EUR', false, 'PaymentRequestProcessor',
        localtimestamp, 1);
RESET ROLE;
SELECT recipe_t.check('killbill', 4, 'failed payment attempt: nothing paid', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00; b1000000-0000-4000-8000-000000000002 L5 pending 825.00',
                      'b1000000-0000-4000-8000-000000000001 100.00; b1000000-0000-4000-8000-000000000002 825.00',
                      'acme-001 EUR 100.00/0.00/825.00/0.00/0.00 = 925.00');

-- 5. a payment of 525 succeeds
SET ROLE erp_app;
INSERT INTO killbill.invoice_payments (id, type, invoice_id, payment_id, payment_date, amount, currency,
                                       processed_currency, success, created_by, created_date, account_record_id)
VALUES ('d1000000-0000-4000-8000-000000000002', 'ATTEMPT', 'b1000000-0000-4000-8000-000000000002',
        'e1000000-0000-4000-8000-000000000002', localtimestamp, 525, 'EUR', 'EUR', true, 'PaymentRequestProcessor',
        localtimestamp, 1);
RESET ROLE;
SELECT recipe_t.check('killbill', 5, 'partial payment: live L5 amount 300.00', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00; b1000000-0000-4000-8000-000000000002 L5 pending 300.00',
                      'b1000000-0000-4000-8000-000000000001 100.00; b1000000-0000-4000-8000-000000000002 300.00',
                      'acme-001 EUR 100.00/0.00/300.00/0.00/0.00 = 400.00');

-- 6. a worker sends the reminders due today (level 5 of invoice 2): level 6 queued
SELECT recipe_t.work() >= 0 AS worked \gset
SELECT recipe_t.check('killbill', 6, 'worker sent level 5: level 6 queued', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00; b1000000-0000-4000-8000-000000000002 L6 pending 300.00',
                      'b1000000-0000-4000-8000-000000000001 100.00; b1000000-0000-4000-8000-000000000002 300.00',
                      'acme-001 EUR 100.00/0.00/300.00/0.00/0.00 = 400.00');

-- 7. the usage item is adjusted by -50 (ITEM_ADJ)
SET ROLE erp_app;
INSERT INTO killbill.invoice_items (id, type, invoice_id, account_id, start_date, amount, currency, linked_item_id,
                                    created_by, created_date, account_record_id)
VALUES ('c1000000-0000-4000-8000-000000000005', 'ITEM_ADJ', 'b1000000-0000-4000-8000-000000000002',
        'a0000000-0000-4000-8000-000000000001', current_date, -50, 'EUR', 'c1000000-0000-4000-8000-000000000003',
        'admin', localtimestamp, 1);
RESET ROLE;
SELECT recipe_t.check('killbill', 7, 'item adjustment of 50: 250.00 left', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00; b1000000-0000-4000-8000-000000000002 L6 pending 250.00',
                      'b1000000-0000-4000-8000-000000000001 100.00; b1000000-0000-4000-8000-000000000002 250.00',
                      'acme-001 EUR 100.00/0.00/250.00/0.00/0.00 = 350.00');

-- 8. 100 of account credit is used on it (CBA_ADJ -100)
SET ROLE erp_app;
INSERT INTO killbill.invoice_items (id, type, invoice_id, account_id, start_date, amount, currency, created_by,
                                    created_date, account_record_id)
VALUES ('c1000000-0000-4000-8000-000000000006', 'CBA_ADJ', 'b1000000-0000-4000-8000-000000000002',
        'a0000000-0000-4000-8000-000000000001', current_date, -100, 'EUR', 'admin', localtimestamp, 1);
RESET ROLE;
SELECT recipe_t.check('killbill', 8, 'account credit used: 150.00 left', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00; b1000000-0000-4000-8000-000000000002 L6 pending 150.00',
                      'b1000000-0000-4000-8000-000000000001 100.00; b1000000-0000-4000-8000-000000000002 150.00',
                      'acme-001 EUR 100.00/0.00/150.00/0.00/0.00 = 250.00');

-- 9. it is written off (control tag WRITTEN_OFF)
SET ROLE erp_app;
INSERT INTO killbill.tags (id, tag_definition_id, object_id, object_type, is_active, created_by, created_date,
                           updated_by, updated_date, account_record_id)
VALUES ('f1000000-0000-4000-8000-000000000001', '00000000-0000-0000-0000-000000000004',
        'b1000000-0000-4000-8000-000000000002', 'INVOICE', true, 'admin', localtimestamp, 'admin', localtimestamp, 1);
RESET ROLE;
SELECT recipe_t.check('killbill', 9, 'WRITTEN_OFF tag: settled', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00',
                      'b1000000-0000-4000-8000-000000000001 100.00',
                      'acme-001 EUR 100.00/0.00/0.00/0.00/0.00 = 100.00');

-- 10. the tag is removed (Kill Bill deactivates it)
SET ROLE erp_app;
UPDATE killbill.tags SET is_active = false, updated_date = localtimestamp WHERE id = 'f1000000-0000-4000-8000-000000000001';
RESET ROLE;
SELECT recipe_t.check('killbill', 10, 'tag removed: reopened after the level sent (L6)', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00; b1000000-0000-4000-8000-000000000002 L6 pending 150.00',
                      'b1000000-0000-4000-8000-000000000001 100.00; b1000000-0000-4000-8000-000000000002 150.00',
                      'acme-001 EUR 100.00/0.00/150.00/0.00/0.00 = 250.00');

-- 11. the rest is paid
SET ROLE erp_app;
INSERT INTO killbill.invoice_payments (id, type, invoice_id, payment_id, payment_date, amount, currency,
                                       processed_currency, success, created_by, created_date, account_record_id)
VALUES ('d1000000-0000-4000-8000-000000000003', 'ATTEMPT', 'b1000000-0000-4000-8000-000000000002',
        'e1000000-0000-4000-8000-000000000003', localtimestamp, 150, 'EUR', 'EUR', true, 'PaymentRequestProcessor',
        localtimestamp, 1);
RESET ROLE;
SELECT recipe_t.check('killbill', 11, 'paid in full', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00',
                      'b1000000-0000-4000-8000-000000000001 100.00',
                      'acme-001 EUR 100.00/0.00/0.00/0.00/0.00 = 100.00');

-- 12. 50 of that payment is refunded without an item adjustment: 50 owed again
SET ROLE erp_app;
INSERT INTO killbill.invoice_payments (id, type, invoice_id, payment_id, payment_date, amount, currency,
                                       processed_currency, linked_invoice_payment_id, success, created_by, created_date,
                                       account_record_id)
VALUES ('d1000000-0000-4000-8000-000000000004', 'REFUND', 'b1000000-0000-4000-8000-000000000002',
        'e1000000-0000-4000-8000-000000000003', localtimestamp, -50, 'EUR', 'EUR', 'd1000000-0000-4000-8000-000000000003',
        true, 'admin', localtimestamp, 1);
RESET ROLE;
SELECT recipe_t.check('killbill', 12, 'refund without adjustment: 50.00 owed again (L6)', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00; b1000000-0000-4000-8000-000000000002 L6 pending 50.00',
                      'b1000000-0000-4000-8000-000000000001 100.00; b1000000-0000-4000-8000-000000000002 50.00',
                      'acme-001 EUR 100.00/0.00/50.00/0.00/0.00 = 150.00');

-- 13. the refund is adjusted on the invoice after all (ITEM_ADJ -50)
SET ROLE erp_app;
INSERT INTO killbill.invoice_items (id, type, invoice_id, account_id, start_date, amount, currency, linked_item_id,
                                    created_by, created_date, account_record_id)
VALUES ('c1000000-0000-4000-8000-000000000007', 'ITEM_ADJ', 'b1000000-0000-4000-8000-000000000002',
        'a0000000-0000-4000-8000-000000000001', current_date, -50, 'EUR', 'c1000000-0000-4000-8000-000000000002',
        'admin', localtimestamp, 1);
RESET ROLE;
SELECT recipe_t.check('killbill', 13, 'refund adjusted: settled', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00',
                      'b1000000-0000-4000-8000-000000000001 100.00',
                      'acme-001 EUR 100.00/0.00/0.00/0.00/0.00 = 100.00');

-- 14. an invoice of globex-002 in USD, dated 20 days ago (due in 10)
SET ROLE erp_app;
INSERT INTO killbill.invoices (record_id, id, account_id, invoice_date, target_date, currency, status, migrated,
                               created_by, created_date, account_record_id)
VALUES (3, 'b1000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000002', current_date - 20,
        current_date - 20, 'USD', 'COMMITTED', false, 'SubscriptionBaseTransition', localtimestamp - interval '20 days', 2);
INSERT INTO killbill.invoice_items (id, type, invoice_id, account_id, plan_name, start_date, amount, currency, created_by,
                                    created_date, account_record_id)
VALUES ('c1000000-0000-4000-8000-000000000008', 'FIXED', 'b1000000-0000-4000-8000-000000000003',
        'a0000000-0000-4000-8000-000000000002', 'setup-fee', current_date - 20, 80, 'USD', 'SubscriptionBaseTransition',
        localtimestamp, 2);
RESET ROLE;
SELECT recipe_t.check('killbill', 14, 'USD invoice of globex-002 due in 10 days: level 2', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00; b1000000-0000-4000-8000-000000000003 L2 pending 80.00',
                      'b1000000-0000-4000-8000-000000000001 100.00; b1000000-0000-4000-8000-000000000003 80.00',
                      'acme-001 EUR 100.00/0.00/0.00/0.00/0.00 = 100.00; globex-002 USD 80.00/0.00/0.00/0.00/0.00 = 80.00');

-- 15. it is voided
SET ROLE erp_app;
UPDATE killbill.invoices SET status = 'VOID' WHERE id = 'b1000000-0000-4000-8000-000000000003';
RESET ROLE;
SELECT recipe_t.check('killbill', 15, 'VOID: settled', 'killbill.invoices',
                      'b1000000-0000-4000-8000-000000000001 L1 pending 100.00',
                      'b1000000-0000-4000-8000-000000000001 100.00',
                      'acme-001 EUR 100.00/0.00/0.00/0.00/0.00 = 100.00');

-- 16. invoice 1 is paid
SET ROLE erp_app;
INSERT INTO killbill.invoice_payments (id, type, invoice_id, payment_id, payment_date, amount, currency,
                                       processed_currency, success, created_by, created_date, account_record_id)
VALUES ('d1000000-0000-4000-8000-000000000005', 'ATTEMPT', 'b1000000-0000-4000-8000-000000000001',
        'e1000000-0000-4000-8000-000000000005', localtimestamp, 100, 'EUR', 'EUR', true, 'PaymentRequestProcessor',
        localtimestamp, 1);
RESET ROLE;
SELECT recipe_t.check('killbill', 16, 'invoice 1 paid: nothing left', 'killbill.invoices', 'none', 'none', 'none');

-- ---------------------------------------------------------------------
-- the application's role, the recipe evaluated by hand, the step count
-- ---------------------------------------------------------------------
SELECT is(has_table_privilege('erp_app', 'ar_credit.dunning_queue', 'SELECT,INSERT,UPDATE,DELETE'), false,
          'killbill: erp_app wrote every step without any privilege on ar_credit.dunning_queue');
SELECT is(pg_has_role('erp_app', 'ar_credit_writer', 'MEMBER'), false, 'killbill: erp_app is not an ar_credit role');
SELECT is((SELECT count(*) FROM (SELECT 1 FROM ar_credit.dunning_queue WHERE state IN ('pending', 'claimed', 'suspended')
                                  GROUP BY source, invoice_key HAVING count(*) > 1) AS d), 0::bigint,
          'killbill: at most one live reminder per invoice');
-- the recipe's expressions evaluated by hand over the final tables (the same
-- text as in the track() call): what the trigger must see for each invoice
SELECT results_eq($$
    SELECT id::text, (invoice_date + 30) - current_date,
           coalesce((SELECT sum(i.amount) FROM killbill.invoice_items AS i WHERE i.invoice_id = invoices.id), 0)
           - coalesce((SELECT sum(p.amount) FROM killbill.invoice_payments AS p
                        WHERE p.invoice_id = invoices.id AND p.success), 0),
           recipe_t.class(CASE WHEN EXISTS (SELECT 1 FROM killbill.tags AS t
                                             WHERE t.object_id = invoices.id AND t.object_type = 'INVOICE'
                                               AND t.tag_definition_id = '00000000-0000-0000-0000-000000000004'
                                               AND t.is_active)
                               THEN 'WRITTEN_OFF' ELSE status END,
                          '{"DRAFT": "draft", "COMMITTED": "open", "VOID": "void", "WRITTEN_OFF": "written_off"}'),
           (SELECT a.external_key FROM killbill.accounts AS a WHERE a.id = invoices.account_id)::text,
           currency::text,
           (SELECT max(p.payment_date) FROM killbill.invoice_payments AS p
             WHERE p.invoice_id = invoices.id AND p.success AND p.type = 'ATTEMPT') IS NOT NULL
      FROM killbill.invoices
     ORDER BY invoices.record_id$$,
    $$VALUES ('b1000000-0000-4000-8000-000000000001', 30, 0::numeric, 'open', 'acme-001', 'EUR', true),
             ('b1000000-0000-4000-8000-000000000002', -40, 0, 'open', 'acme-001', 'EUR', true),
             ('b1000000-0000-4000-8000-000000000003', 10, 80, 'closed', 'globex-002', 'USD', false)$$,
    'killbill: the recipe''s key, due, balance (items less successful payments), status class, customer, currency and payment date evaluated by hand');
SELECT is((SELECT count(*) FROM recipe_t.steps WHERE sys = 'killbill'), 16::bigint,
          'killbill: 16 lifecycle steps replayed, each checked against the queue, open_invoices and aging_report');

SELECT * FROM finish();
ROLLBACK;
