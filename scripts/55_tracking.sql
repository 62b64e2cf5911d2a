\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
-- ar_credit install script, section 55: tracking any finance table (SPEC
-- sections 6, 7 and 12): the receivables mirror, the mapping of tracked and
-- related tables, the triggers that keep the mirror and the dunning queue in
-- step, track() and its kin, schema changes of tracked tables, and the views
-- of open receivables.

-- ---------------------------------------------------------------------
-- the receivables mirror
-- ---------------------------------------------------------------------
-- One row per item of a tracked table that is or was a receivable (open,
-- disputed, credit notes, paid and closed ones), written by the tracking
-- trigger only.  The queue, the views and the credit figures read it; it
-- also holds each invoice's dunning history (last_level), so that the
-- trigger and the workers agree on the next level by locking this row.
CREATE TABLE ar_credit.receivable (
    id           pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source       pg_catalog.regclass NOT NULL,
    item_key     pg_catalog.text NOT NULL,
    customer_key pg_catalog.text,
    currency     pg_catalog.text,
    issued_on    pg_catalog.date,
    due_date     pg_catalog.date,
    amount       pg_catalog.numeric,
    status       pg_catalog.text,
    class        pg_catalog.text NOT NULL
                 CHECK (class OPERATOR(pg_catalog.=) ANY (ARRAY['open', 'suspended', 'credit', 'paid', 'closed', 'ignored'])),
    paid_on      pg_catalog.date,
    last_level   pg_catalog.int4 NOT NULL DEFAULT 0,
    last_sent_on pg_catalog.date,
    gone         pg_catalog.bool NOT NULL DEFAULT false,
    first_seen   pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at   pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    first_amount pg_catalog.numeric,
    prev_class   pg_catalog.text,
    prev_due     pg_catalog.date,
    on_hold      pg_catalog.bool NOT NULL DEFAULT false,
    plan_id      pg_catalog.int8
)
-- Room on each page for a row's next version: a payment, a dispute, a
-- reminder sent change no indexed column, so with room the update is HOT
-- and writes no index entry (three otherwise: id, customer, key).
WITH (fillfactor = 90);
COMMENT ON TABLE ar_credit.receivable IS
    'the receivables mirror: one row per item of a tracked table (open, disputed, credit, paid, closed), kept by the tracking trigger; the dunning history of each invoice';
COMMENT ON COLUMN ar_credit.receivable.item_key IS 'the item''s key as text, written with fixed settings (DateStyle ISO, TimeZone UTC)';
COMMENT ON COLUMN ar_credit.receivable.amount IS 'open amount in major units; below zero a credit';
COMMENT ON COLUMN ar_credit.receivable.status IS 'the status word the mapping gives (after status_map)';
COMMENT ON COLUMN ar_credit.receivable.class IS 'open, suspended, credit, paid, closed or ignored (ar_credit.item_class)';
COMMENT ON COLUMN ar_credit.receivable.paid_on IS 'the day it was paid: the paid_on mapping, else the day it was seen paid';
COMMENT ON COLUMN ar_credit.receivable.last_level IS 'the highest reminder level sent';
COMMENT ON COLUMN ar_credit.receivable.last_sent_on IS 'the day the last reminder was sent';
COMMENT ON COLUMN ar_credit.receivable.first_amount IS 'the open amount when the item was first seen: what a payment of it weighs';
COMMENT ON COLUMN ar_credit.receivable.prev_class IS 'the class before the last change (a change of class is an event: paid, disputed, reopened)';
COMMENT ON COLUMN ar_credit.receivable.prev_due IS 'the due date before the last change (a due date moved later is a delay)';
COMMENT ON COLUMN ar_credit.receivable.on_hold IS 'an active hold (dispute, hold, promise to pay: ar_credit.dunning_hold) suspends its dunning';
COMMENT ON COLUMN ar_credit.receivable.plan_id IS 'the payment plan (ar_credit.payment_plan) that replaces its dunning, while one is active';
COMMENT ON COLUMN ar_credit.receivable.gone IS 'the row left the table (deleted, truncated, untracked): history only; a key reused later starts afresh';
CREATE UNIQUE INDEX receivable_key ON ar_credit.receivable (source, item_key) WHERE NOT gone;
SELECT pg_catalog.pg_extension_config_dump('ar_credit.receivable', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.receivable', 'id'), '');

-- Payments, as the tracking trigger sees them (SPEC section 8): one row per
-- invoice that closed as paid, or was first seen paid with its payment date.
CREATE TABLE ar_credit.payment_event (
    id            pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source        pg_catalog.regclass NOT NULL,
    invoice_key   pg_catalog.text NOT NULL,
    customer_key  pg_catalog.text,
    amount        pg_catalog.numeric,
    due_date      pg_catalog.date NOT NULL,
    paid_on       pg_catalog.date NOT NULL,
    days_late     pg_catalog.int4 NOT NULL,
    currency      pg_catalog.text,
    receivable_id pg_catalog.int8,
    recorded_at   pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ar_credit.payment_event IS
    'payments of tracked invoices: one row per invoice that closed as paid (paid_on from the paid_on mapping, else the day it was seen paid); paydex and avg_days_beyond_terms run on it';
COMMENT ON COLUMN ar_credit.payment_event.amount IS 'the invoice''s open amount when first seen';
COMMENT ON COLUMN ar_credit.payment_event.days_late IS 'paid_on - due_date (negative: paid early)';
CREATE INDEX payment_event_customer ON ar_credit.payment_event (customer_key, paid_on);
SELECT pg_catalog.pg_extension_config_dump('ar_credit.payment_event', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.payment_event', 'id'), '');
-- a role reads the payments of the tables it may read (issue 18)
ALTER TABLE ar_credit.payment_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY payment_event_readable ON ar_credit.payment_event FOR SELECT
    USING (pg_catalog.has_table_privilege(source, 'SELECT'));

-- Alerts on a customer's changing habits (SPEC section 9), raised where the
-- event happens; each is announced with NOTIFY ar_credit_alert (its id).
CREATE TABLE ar_credit.alert (
    id           pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    customer_key pg_catalog.text,
    kind         pg_catalog.text NOT NULL
                 CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['first_late_payment', 'paydex_drop', 'due_date_pushed',
                                                               'broken_promise', 'limit_exceeded', 'risk_class_down'])),
    detail       pg_catalog.jsonb,
    acknowledged pg_catalog.bool NOT NULL DEFAULT false,
    source       pg_catalog.regclass,
    invoice_key  pg_catalog.text
);
COMMENT ON TABLE ar_credit.alert IS
    'alerts on customers: first_late_payment, due_date_pushed (raised by the tracking trigger), paydex_drop, risk_class_down, limit_exceeded, broken_promise; NOTIFY ar_credit_alert carries the id';
COMMENT ON COLUMN ar_credit.alert.detail IS 'what happened, as JSON (days late, dates, amounts, ...)';
CREATE INDEX alert_open ON ar_credit.alert (customer_key, at) WHERE NOT acknowledged;
SELECT pg_catalog.pg_extension_config_dump('ar_credit.alert', '');
-- a role reads the alerts about the tables it may read, and those about a
-- customer as a whole (a paydex drop, a limit exceeded) (issue 18)
ALTER TABLE ar_credit.alert ENABLE ROW LEVEL SECURITY;
CREATE POLICY alert_readable ON ar_credit.alert FOR SELECT
    USING (source IS NULL OR pg_catalog.has_table_privilege(source, 'SELECT'));
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.alert', 'id'), '');

-- ---------------------------------------------------------------------
-- the mapping of tracked and related tables
-- ---------------------------------------------------------------------
CREATE TABLE ar_credit.tracked_table (
    relid           pg_catalog.regclass PRIMARY KEY,
    key_column      pg_catalog.text NOT NULL,
    due_column      pg_catalog.text NOT NULL,
    amount_column   pg_catalog.text NOT NULL,
    status_column   pg_catalog.text,
    customer_column pg_catalog.text,
    currency_column pg_catalog.text,
    policy          pg_catalog.text NOT NULL,
    tracked_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    filter          pg_catalog.text,
    status_map      pg_catalog.jsonb,
    amount_unit     pg_catalog.text NOT NULL DEFAULT 'major'
                    CHECK (amount_unit OPERATOR(pg_catalog.=) ANY (ARRAY['major', 'minor'])),
    regime          pg_catalog.text,
    paid_on_column  pg_catalog.text,
    issued_column   pg_catalog.text
);
COMMENT ON TABLE ar_credit.tracked_table IS
    'tables tracked by ar_credit.track() and their mapping: each *_column and filter is a column name or an SQL expression, as text with every other object schema-qualified; renames are followed';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.tracked_table', '');

CREATE TABLE ar_credit.tracked_related (
    related        pg_catalog.regclass NOT NULL,
    invoices       pg_catalog.regclass NOT NULL REFERENCES ar_credit.tracked_table (relid) ON DELETE CASCADE,
    invoice_key    pg_catalog.text NOT NULL,
    filter         pg_catalog.text,
    tracked_column pg_catalog.text,
    linked_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (related, invoices)
);
COMMENT ON TABLE ar_credit.tracked_related IS
    'tables linked by ar_credit.track_related(): a change of a related row re-evaluates the tracked rows whose key (or tracked_column) equals its invoice_key';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.tracked_related', '');

-- the triggers cache the mapping per backend: a change rebuilds every cache
CREATE TRIGGER tracked_table_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.tracked_table
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();
CREATE TRIGGER tracked_related_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.tracked_related
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();

CREATE FUNCTION ar_credit.mapping_check(rel pg_catalog.regclass, param pg_catalog.text, expr pg_catalog.text,
                                        kind pg_catalog.text, search_path pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'mapping_check'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION ar_credit.mapping_check(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'validates a mapping (a column or an expression over rel''s row) of kind key, date, amount, text or bool, resolving names with search_path; returns its canonical text, every other object schema-qualified; errors name param';

CREATE FUNCTION ar_credit.mapping_type(rel pg_catalog.regclass, expr pg_catalog.text)
RETURNS pg_catalog.regtype
AS 'MODULE_PATHNAME', 'mapping_type'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ar_credit.mapping_type(pg_catalog.regclass, pg_catalog.text) IS
    'the type of a canonical mapping of rel (as mapping_check returns it)';

-- ---------------------------------------------------------------------
-- the triggers
-- ---------------------------------------------------------------------
CREATE FUNCTION ar_credit.dunning_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'tracking_trigger'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.dunning_trigger() IS
    'keeps the receivables mirror and the dunning queue in step with a tracked table (mapping from ar_credit.tracked_table, or arguments key=, due=, amount=, status=, customer=, currency=, policy=); attach with ar_credit.track()';

CREATE FUNCTION ar_credit.related_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'related_trigger'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.related_trigger() IS
    're-evaluates the tracked rows a related table''s changed rows name; attach with ar_credit.track_related()';

CREATE FUNCTION ar_credit.dunning_resync(invoices pg_catalog.regclass)
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'tracking_resync'
LANGUAGE C STRICT;
COMMENT ON FUNCTION ar_credit.dunning_resync(pg_catalog.regclass) IS
    'brings the receivables and reminders of a tracked table in step with its rows (called by track); returns the receivables written';

CREATE FUNCTION ar_credit.owner_call(action pg_catalog.text, rel pg_catalog.regclass, other pg_catalog.regclass,
                                     args pg_catalog.jsonb)
RETURNS void
AS 'MODULE_PATHNAME', 'owner_call'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.owner_call(pg_catalog.text, pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb) IS
    'runs ar_credit.<action>_internal as the extension''s owner once the caller is found to own the tables (track, untrack, track_related, untrack_related)';

-- the tables a tracked table's rows may be written through: itself, and its
-- partitions and inheritance children (writes straight into them fire their
-- own statement triggers only)
CREATE FUNCTION ar_credit.tracked_family(invoices pg_catalog.regclass)
RETURNS SETOF pg_catalog.regclass
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE f(relid) AS (
        SELECT invoices::pg_catalog.oid
        UNION
        SELECT i.inhrelid FROM pg_catalog.pg_inherits AS i JOIN f ON i.inhparent OPERATOR(pg_catalog.=) f.relid)
    SELECT f.relid::pg_catalog.regclass FROM f
$$;
COMMENT ON FUNCTION ar_credit.tracked_family(pg_catalog.regclass) IS
    'a table and its partitions and inheritance children, at every depth';

CREATE FUNCTION ar_credit.drop_dunning_triggers(invoices pg_catalog.regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tg record;
BEGIN
    FOR tg IN SELECT t.tgname, t.tgrelid::pg_catalog.regclass AS rel FROM pg_catalog.pg_trigger AS t
               WHERE t.tgrelid IN (SELECT ar_credit.tracked_family(invoices))
                 AND t.tgname IN ('ar_credit_dunning_ins', 'ar_credit_dunning_upd', 'ar_credit_dunning_del',
                                  'ar_credit_dunning_trunc', 'ar_credit_dunning_row')
                 AND NOT t.tgisinternal AND t.tgparentid = 0
    LOOP
        EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', tg.tgname, tg.rel);
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.drop_dunning_triggers(pg_catalog.regclass) IS
    'drops the dunning triggers track() attached to a table and its partitions or children';

-- Statement triggers with transition tables on the table and on each of its
-- partitions and children, so a write lands once wherever it is aimed; a
-- row trigger enabled for replication only, so that a logical-replication
-- subscriber's apply worker (which fires row triggers only) is followed
-- too; TRUNCATE enabled always.
CREATE FUNCTION ar_credit.attach_triggers(rel pg_catalog.regclass, fn pg_catalog.text, prefix pg_catalog.text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    part record;
    tg record;
BEGIN
    FOR part IN SELECT f AS rel, c.relkind, c.relispartition
                  FROM ar_credit.tracked_family(rel) AS f
                  JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) f::pg_catalog.oid
    LOOP
        IF part.relkind NOT IN ('r', 'p') THEN
            CONTINUE;
        END IF;
        FOR tg IN SELECT t.tgname FROM pg_catalog.pg_trigger AS t
                   WHERE t.tgrelid OPERATOR(pg_catalog.=) part.rel::pg_catalog.oid AND t.tgparentid = 0
                     AND t.tgname IN (prefix || '_ins', prefix || '_upd', prefix || '_del', prefix || '_trunc', prefix || '_row')
        LOOP
            EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', tg.tgname, part.rel);
        END LOOP;
        EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS ar_credit_new'
                                  ' FOR EACH STATEMENT EXECUTE FUNCTION %s()', prefix || '_ins', part.rel, fn);
        EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER UPDATE ON %s'
                                  ' REFERENCING OLD TABLE AS ar_credit_old NEW TABLE AS ar_credit_new'
                                  ' FOR EACH STATEMENT EXECUTE FUNCTION %s()', prefix || '_upd', part.rel, fn);
        EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS ar_credit_old'
                                  ' FOR EACH STATEMENT EXECUTE FUNCTION %s()', prefix || '_del', part.rel, fn);
        EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION %s()',
                                  prefix || '_trunc', part.rel, fn);
        EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', part.rel, prefix || '_trunc');
        -- a partition gets the row trigger as a clone of its partitioned table's
        IF NOT part.relispartition THEN
            EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %s'
                                      ' FOR EACH ROW EXECUTE FUNCTION %s()', prefix || '_row', part.rel, fn);
            EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE REPLICA TRIGGER %I', part.rel, prefix || '_row');
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.attach_triggers(pg_catalog.regclass, pg_catalog.text, pg_catalog.text) IS
    'attaches a tracking function''s triggers to a table and its partitions and children: statement triggers with transition tables, a TRUNCATE trigger enabled always, a row trigger enabled for replication only';

CREATE FUNCTION ar_credit.attach_dunning_triggers(invoices pg_catalog.regclass)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ar_credit.attach_triggers(invoices, 'ar_credit.dunning_trigger', 'ar_credit_dunning') $$;
COMMENT ON FUNCTION ar_credit.attach_dunning_triggers(pg_catalog.regclass) IS
    'creates the dunning triggers of a tracked table and of its partitions and children (called by track)';

-- ---------------------------------------------------------------------
-- track(), untrack(), track_related(), untrack_related()
-- ---------------------------------------------------------------------
-- The public functions run as the caller and hand over to owner_call() (C),
-- which checks the caller owns the tables and runs the *_internal function
-- as the extension's owner.  track() and track_related() are C too: they
-- pass the caller's search_path along, with which the mappings' names are
-- resolved (then written back qualified).
CREATE FUNCTION ar_credit.track_internal(invoices pg_catalog.regclass, unused pg_catalog.regclass, args pg_catalog.jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel record;
    sp pg_catalog.text := args ->> 'search_path';
    keys pg_catalog.text;
    m ar_credit.tracked_table;
    pol pg_catalog.text := args ->> 'policy';
    kv record;
BEGIN
    IF args ->> 'due_column' IS NULL OR args ->> 'amount_column' IS NULL OR pol IS NULL THEN
        RAISE EXCEPTION 'invoices, due_column, amount_column and policy must not be NULL' USING ERRCODE = '22004';
    END IF;
    SELECT c.relkind, c.relpersistence INTO rel FROM pg_catalog.pg_class AS c WHERE c.oid = invoices;
    IF rel.relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '"%" is not a table', invoices USING ERRCODE = '42809',
              HINT = CASE WHEN rel.relkind = 'v' THEN 'Track the table itself: mappings may be expressions and a filter selects the rows.' END;
    END IF;
    IF rel.relpersistence = 't' THEN
        RAISE EXCEPTION 'cannot track temporary table %', invoices USING ERRCODE = '0A000',
              DETAIL = 'Its reminders would outlive it: a session''s end drops it without telling anyone.';
    END IF;
    IF rel.relpersistence = 'u' THEN
        RAISE EXCEPTION 'cannot track unlogged table %', invoices USING ERRCODE = '0A000',
              DETAIL = 'A crash empties it but would leave its receivables and reminders behind.',
              HINT = pg_catalog.format('ALTER TABLE %s SET LOGGED, then track it.', invoices);
    END IF;
    -- Citus: a table it manages (distributed, reference, or local) is written on
    -- several nodes, the queue lives on one (doc/scale-out.md)
    IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid OPERATOR(pg_catalog.=) $1)'
           INTO kv USING invoices;
        IF kv.exists THEN
            RAISE EXCEPTION 'cannot track "%": it is a Citus distributed table', invoices USING ERRCODE = '0A000',
                  DETAIL = 'The dunning queue lives on one node; the reminders of rows spread over several nodes would be queued and cancelled on different nodes.',
                  HINT = 'Track a table that is not distributed (see doc/scale-out.md).';
        END IF;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ar_credit.dunning_step AS s WHERE s.policy = pol) THEN
        RAISE EXCEPTION 'unknown dunning policy: "%"', ar_credit.clip(pol) USING ERRCODE = '22023',
              HINT = 'Policies are the rows of ar_credit.dunning_step (shipped: standard, strict).';
    END IF;

    -- the key: the given column or expression, or the primary key
    keys := args ->> 'key_column';
    IF keys IS NULL THEN
        SELECT CASE WHEN pg_catalog.count(*) > 1
                    THEN 'ROW(' || pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY k.ord) || ')'
                    ELSE pg_catalog.max(pg_catalog.quote_ident(a.attname)) END INTO keys
          FROM pg_catalog.pg_index AS i,
               LATERAL pg_catalog.unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_catalog.pg_attribute AS a ON a.attrelid = invoices AND a.attnum = k.attnum
         WHERE i.indrelid = invoices AND i.indisprimary;
        IF keys IS NULL THEN
            RAISE EXCEPTION 'table % has no primary key; name its key column', invoices USING ERRCODE = '22023';
        END IF;
    END IF;

    -- every mapping analysed and type-checked before anything is created
    m.relid := invoices;
    m.key_column := ar_credit.mapping_check(invoices, 'key_column', keys, 'key', sp);
    m.due_column := ar_credit.mapping_check(invoices, 'due_column', args ->> 'due_column', 'date', sp);
    m.amount_column := ar_credit.mapping_check(invoices, 'amount_column', args ->> 'amount_column', 'amount', sp);
    m.status_column := ar_credit.mapping_check(invoices, 'status_column', args ->> 'status_column', 'text', sp);
    m.customer_column := ar_credit.mapping_check(invoices, 'customer_column', args ->> 'customer_column', 'text', sp);
    m.currency_column := ar_credit.mapping_check(invoices, 'currency_column', args ->> 'currency_column', 'text', sp);
    m.filter := ar_credit.mapping_check(invoices, 'filter', args ->> 'filter', 'bool', sp);
    m.paid_on_column := ar_credit.mapping_check(invoices, 'paid_on_column', args ->> 'paid_on_column', 'date', sp);
    m.issued_column := ar_credit.mapping_check(invoices, 'issued_column', args ->> 'issued_column', 'date', sp);
    m.policy := pol;
    m.tracked_at := pg_catalog.now();
    m.amount_unit := COALESCE(args ->> 'amount_unit', 'major');
    IF m.amount_unit NOT IN ('major', 'minor') THEN
        RAISE EXCEPTION 'invalid amount_unit: "%"', ar_credit.clip(m.amount_unit) USING ERRCODE = '22023',
              HINT = 'amount_unit is major (amounts in currency units) or minor (in cents: divided by 10^ISO 4217 exponent).';
    END IF;
    m.regime := args ->> 'regime';
    IF m.regime IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ar_credit.interest_regime AS r WHERE r.regime = m.regime) THEN
        RAISE EXCEPTION 'unknown interest regime: "%"', ar_credit.clip(m.regime) USING ERRCODE = '22023',
              HINT = 'Regimes are the rows of ar_credit.interest_regime (FR_B2B, DE_B2B, UK_B2B, ...).';
    END IF;
    m.status_map := (args ->> 'status_map')::pg_catalog.jsonb;
    IF m.status_map IS NOT NULL THEN
        IF pg_catalog.jsonb_typeof(m.status_map) <> 'object' THEN
            RAISE EXCEPTION 'status_map must be a JSON object, not %', ar_credit.clip(m.status_map::pg_catalog.text)
                  USING ERRCODE = '22023', HINT = 'For example {"0": "ignored", "1": "open", "2": "paid"}.';
        END IF;
        IF m.status_column IS NULL THEN
            RAISE EXCEPTION 'status_map needs a status_column' USING ERRCODE = '22023';
        END IF;
        FOR kv IN SELECT e.key, e.value FROM pg_catalog.jsonb_each(m.status_map) AS e LOOP
            IF pg_catalog.jsonb_typeof(kv.value) <> 'string'
               OR NOT ar_credit.is_status_word(kv.value #>> '{}') THEN
                RAISE EXCEPTION 'status_map maps "%" to %, which is no class', ar_credit.clip(kv.key),
                      ar_credit.clip(kv.value::pg_catalog.text) USING ERRCODE = '22023',
                      HINT = 'Map each status to a class (open, closed, suspended, ignored) or a status word (paid, cancelled, disputed, draft, ...).';
            END IF;
        END LOOP;
    END IF;

    INSERT INTO ar_credit.tracked_table AS t
    SELECT m.* ON CONFLICT (relid) DO UPDATE
       SET key_column = EXCLUDED.key_column, due_column = EXCLUDED.due_column,
           amount_column = EXCLUDED.amount_column, status_column = EXCLUDED.status_column,
           customer_column = EXCLUDED.customer_column, currency_column = EXCLUDED.currency_column,
           policy = EXCLUDED.policy, tracked_at = pg_catalog.now(), filter = EXCLUDED.filter,
           status_map = EXCLUDED.status_map, amount_unit = EXCLUDED.amount_unit, regime = EXCLUDED.regime,
           paid_on_column = EXCLUDED.paid_on_column, issued_column = EXCLUDED.issued_column;

    -- tracking again replaces the triggers; then the rows already there
    PERFORM ar_credit.attach_dunning_triggers(invoices);
    PERFORM ar_credit.dunning_resync(invoices);
END
$$;
COMMENT ON FUNCTION ar_credit.track_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb) IS
    'the work of track(), run as the extension''s owner by owner_call()';

CREATE FUNCTION ar_credit.track(invoices pg_catalog.regclass, key_column pg_catalog.text,
                                due_column pg_catalog.text, amount_column pg_catalog.text,
                                status_column pg_catalog.text DEFAULT NULL,
                                customer_column pg_catalog.text DEFAULT NULL,
                                currency_column pg_catalog.text DEFAULT NULL,
                                policy pg_catalog.text DEFAULT 'standard',
                                filter pg_catalog.text DEFAULT NULL,
                                status_map pg_catalog.jsonb DEFAULT NULL,
                                amount_unit pg_catalog.text DEFAULT 'major',
                                regime pg_catalog.text DEFAULT NULL,
                                paid_on_column pg_catalog.text DEFAULT NULL,
                                issued_column pg_catalog.text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'track_entry'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ar_credit.track(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.jsonb, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'tracks an invoices table exactly as it is: each mapping is a column or an SQL expression over its row (key_column NULL = the primary key), filter selects the receivables, status_map classes the statuses; attaches the triggers and mirrors the existing rows; callable by the table''s owner';

CREATE FUNCTION ar_credit.untrack_internal(invoices pg_catalog.regclass, unused pg_catalog.regclass, args pg_catalog.jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT l.related FROM ar_credit.tracked_related AS l WHERE l.invoices = untrack_internal.invoices LOOP
        PERFORM ar_credit.untrack_related_internal(r.related, invoices, NULL);
    END LOOP;
    PERFORM ar_credit.drop_dunning_triggers(invoices);
    DELETE FROM ar_credit.tracked_table AS t WHERE t.relid = invoices;
    IF NOT FOUND THEN
        RAISE NOTICE 'table % is not tracked', invoices;
    END IF;
    -- receivables become history; the reminders a worker holds are let go
    WITH g AS (UPDATE ar_credit.receivable AS v SET gone = true, updated_at = pg_catalog.now()
                WHERE v.source = invoices AND NOT v.gone RETURNING v.id)
    UPDATE ar_credit.dunning_queue AS q
       SET state = 'cancelled', claimed_until = NULL, updated_at = pg_catalog.now()
      FROM g WHERE q.receivable_id = g.id AND q.state IN ('pending', 'claimed', 'suspended');
END
$$;
COMMENT ON FUNCTION ar_credit.untrack_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb) IS
    'the work of untrack(), run as the extension''s owner by owner_call()';

CREATE FUNCTION ar_credit.untrack(invoices pg_catalog.regclass)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ar_credit.owner_call('untrack', invoices, NULL, NULL) $$;
COMMENT ON FUNCTION ar_credit.untrack(pg_catalog.regclass) IS
    'stops tracking an invoices table: drops its triggers and links, its receivables become history and its live reminders are cancelled';

CREATE FUNCTION ar_credit.track_related_internal(related pg_catalog.regclass, invoices pg_catalog.regclass,
                                                 args pg_catalog.jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    sp pg_catalog.text := args ->> 'search_path';
    t ar_credit.tracked_table;
    l ar_credit.tracked_related;
    kind pg_catalog.char;
BEGIN
    IF args ->> 'invoice_key' IS NULL THEN
        RAISE EXCEPTION 'related, invoices and invoice_key must not be NULL' USING ERRCODE = '22004';
    END IF;
    SELECT * INTO t FROM ar_credit.tracked_table AS x WHERE x.relid = invoices;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % is not tracked', invoices USING ERRCODE = '55000',
              HINT = 'Call ar_credit.track() for it first.';
    END IF;
    SELECT c.relkind INTO kind FROM pg_catalog.pg_class AS c WHERE c.oid = related;
    IF kind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '"%" is not a table', related USING ERRCODE = '42809';
    END IF;
    IF related = invoices THEN
        RAISE EXCEPTION 'a table cannot be related to itself' USING ERRCODE = '22023',
              HINT = 'Its own changes are followed already; map the amount with an expression.';
    END IF;
    l.related := related;
    l.invoices := invoices;
    l.invoice_key := ar_credit.mapping_check(related, 'invoice_key', args ->> 'invoice_key', 'key', sp);
    l.filter := ar_credit.mapping_check(related, 'filter', args ->> 'filter', 'bool', sp);
    l.tracked_column := ar_credit.mapping_check(invoices, 'tracked_column', args ->> 'tracked_column', 'key', sp);
    -- the two sides must compare
    BEGIN
        EXECUTE pg_catalog.format('SELECT NULL::%s = NULL::%s',
                                  ar_credit.mapping_type(related, l.invoice_key),
                                  ar_credit.mapping_type(invoices, COALESCE(l.tracked_column, t.key_column)));
    EXCEPTION WHEN undefined_function THEN
        RAISE EXCEPTION 'invoice_key of % (%) cannot be compared with % of % (%)', related,
              ar_credit.mapping_type(related, l.invoice_key),
              CASE WHEN l.tracked_column IS NULL THEN 'the key' ELSE 'tracked_column' END, invoices,
              ar_credit.mapping_type(invoices, COALESCE(l.tracked_column, t.key_column))
              USING ERRCODE = '42883', HINT = 'Cast one side in its expression.';
    END;
    INSERT INTO ar_credit.tracked_related AS x (related, invoices, invoice_key, filter, tracked_column)
    VALUES (l.related, l.invoices, l.invoice_key, l.filter, l.tracked_column)
    ON CONFLICT ON CONSTRAINT tracked_related_pkey DO UPDATE
       SET invoice_key = EXCLUDED.invoice_key, filter = EXCLUDED.filter,
           tracked_column = EXCLUDED.tracked_column, linked_at = pg_catalog.now();
    PERFORM ar_credit.attach_triggers(related, 'ar_credit.related_trigger', 'ar_credit_related');
    -- what the related rows already say
    PERFORM ar_credit.dunning_resync(invoices);
END
$$;
COMMENT ON FUNCTION ar_credit.track_related_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb) IS
    'the work of track_related(), run as the extension''s owner by owner_call()';

CREATE FUNCTION ar_credit.track_related(related pg_catalog.regclass, invoices pg_catalog.regclass,
                                        invoice_key pg_catalog.text, filter pg_catalog.text DEFAULT NULL,
                                        tracked_column pg_catalog.text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'track_related_entry'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ar_credit.track_related(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'every change of related (payments, credit notes, lines) re-evaluates, in the same transaction, the tracked invoices whose key (or tracked_column) equals invoice_key, an expression over the related row';

CREATE FUNCTION ar_credit.untrack_related_internal(related pg_catalog.regclass, invoices pg_catalog.regclass,
                                                   args pg_catalog.jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tg record;
BEGIN
    DELETE FROM ar_credit.tracked_related AS l WHERE l.related = untrack_related_internal.related
       AND l.invoices = untrack_related_internal.invoices;
    IF NOT FOUND THEN
        RAISE NOTICE 'table % is not linked to %', related, invoices;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ar_credit.tracked_related AS l WHERE l.related = untrack_related_internal.related) THEN
        FOR tg IN SELECT t.tgname, t.tgrelid::pg_catalog.regclass AS rel FROM pg_catalog.pg_trigger AS t
                   WHERE t.tgrelid IN (SELECT ar_credit.tracked_family(related))
                     AND t.tgname LIKE 'ar\_credit\_related\_%' AND NOT t.tgisinternal AND t.tgparentid = 0
        LOOP
            EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', tg.tgname, tg.rel);
        END LOOP;
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.untrack_related_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb) IS
    'the work of untrack_related(), run as the extension''s owner by owner_call()';

CREATE FUNCTION ar_credit.untrack_related(related pg_catalog.regclass, invoices pg_catalog.regclass)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ar_credit.owner_call('untrack_related', related, invoices, NULL) $$;
COMMENT ON FUNCTION ar_credit.untrack_related(pg_catalog.regclass, pg_catalog.regclass) IS
    'removes the link track_related() made; the related table''s triggers go with its last link';

-- ---------------------------------------------------------------------
-- schema changes of tracked tables (event triggers)
-- ---------------------------------------------------------------------
-- A dropped table's rows name an OID a later table may reuse, so they go
-- with it.  SECURITY DEFINER: the owner dropping their table may hold no
-- rights on ar_credit's tables; the function acts only on the OIDs
-- PostgreSQL reports as dropped and cannot be called directly.
CREATE FUNCTION ar_credit.on_sql_drop()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    dropped pg_catalog.oid[];
    n_tables pg_catalog.int4;
    n_rows pg_catalog.int8;
    l record;
BEGIN
    IF ar_credit.ddl_guard(false) THEN
        PERFORM ar_credit.ddl_guard(true);
        RETURN;
    END IF;
    SELECT pg_catalog.array_agg(d.objid) INTO dropped
      FROM pg_catalog.pg_event_trigger_dropped_objects() AS d
     WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0
       AND d.object_type IN ('table', 'foreign table');
    IF dropped IS NULL THEN
        PERFORM ar_credit.check_mappings('DROP');
        RETURN;
    END IF;
    -- links from a dropped tracked table: the related tables keep no trigger for it
    FOR l IN SELECT r.related, r.invoices FROM ar_credit.tracked_related AS r
              WHERE r.invoices::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped)
                AND NOT r.related::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped)
    LOOP
        PERFORM ar_credit.untrack_related_internal(l.related, l.invoices, NULL);
    END LOOP;
    DELETE FROM ar_credit.tracked_related AS r
     WHERE r.related::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped)
        OR r.invoices::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped);
    DELETE FROM ar_credit.tracked_table AS t WHERE t.relid::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped);
    GET DIAGNOSTICS n_tables = ROW_COUNT;
    DELETE FROM ar_credit.dunning_queue AS q WHERE q.source::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped);
    GET DIAGNOSTICS n_rows = ROW_COUNT;
    DELETE FROM ar_credit.receivable AS v WHERE v.source::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped);
    IF n_tables > 0 OR n_rows > 0 THEN
        RAISE NOTICE 'ar_credit: stopped tracking % dropped table(s) and removed % queue row(s)', n_tables, n_rows;
    END IF;
    PERFORM ar_credit.check_mappings('DROP');
END
$$;
COMMENT ON FUNCTION ar_credit.on_sql_drop() IS
    'event trigger: forgets the tracking, receivables and queue rows of dropped tables; refuses to drop what a mapping reads';

-- Every stored mapping must still compile after a schema change: dropping or
-- retyping what one reads would make every later write to the user's table
-- fail in the trigger; refuse the change instead, with the way out.
CREATE FUNCTION ar_credit.check_mappings(command pg_catalog.text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m record;
    kind pg_catalog.text;
BEGIN
    FOR m IN
        SELECT t.relid AS rel, t.relid AS tracked, x.col, x.expr, x.kind
          FROM ar_credit.tracked_table AS t,
               LATERAL (VALUES ('key_column', t.key_column, 'key'), ('due_column', t.due_column, 'date'),
                               ('amount_column', t.amount_column, 'amount'), ('status_column', t.status_column, 'text'),
                               ('customer_column', t.customer_column, 'text'), ('currency_column', t.currency_column, 'text'),
                               ('filter', t.filter, 'bool'), ('paid_on_column', t.paid_on_column, 'date'),
                               ('issued_column', t.issued_column, 'date')) AS x(col, expr, kind)
         WHERE x.expr IS NOT NULL
        UNION ALL
        SELECT CASE WHEN x.col = 'tracked_column' THEN r.invoices ELSE r.related END, r.invoices, x.col, x.expr, x.kind
          FROM ar_credit.tracked_related AS r,
               LATERAL (VALUES ('invoice_key', r.invoice_key, 'key'), ('filter', r.filter, 'bool'),
                               ('tracked_column', r.tracked_column, 'key')) AS x(col, expr, kind)
         WHERE x.expr IS NOT NULL
    LOOP
        BEGIN
            PERFORM ar_credit.mapping_check(m.rel, m.col, m.expr, m.kind);
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION '% would break the ar_credit mapping of table %', command, m.tracked
                  USING ERRCODE = '2BP01',
                        DETAIL = pg_catalog.format('Its %s %s no longer compiles: %s', m.col,
                                                   ar_credit.clip(m.expr), SQLERRM),
                        HINT = pg_catalog.format('Call ar_credit.untrack(%L) first, change the table, then ar_credit.track() it with the new mapping.',
                                                 m.tracked::pg_catalog.text);
        END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.check_mappings(pg_catalog.text) IS
    'raises 2BP01 when a stored mapping no longer compiles (a column it reads was dropped or retyped)';

CREATE FUNCTION ar_credit.ddl_guard(busy pg_catalog.bool)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'ddl_guard'
LANGUAGE C STRICT;
COMMENT ON FUNCTION ar_credit.ddl_guard(pg_catalog.bool) IS
    'sets whether ar_credit itself is running DDL (its event triggers then stand aside) and returns what it was; reset at transaction end';

CREATE FUNCTION ar_credit.mapping_stash()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'mapping_stash'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.mapping_stash() IS
    'event trigger (ddl_command_start of renames): analyses the stored mappings while their names still resolve';

CREATE FUNCTION ar_credit.mapping_follow()
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'mapping_follow'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.mapping_follow() IS
    'writes the mappings mapping_stash() analysed back as text with the names they have now (after a rename); returns how many changed';

-- After DDL: renames followed, mappings checked, new partitions or children
-- of tracked tables given the triggers, and tracked tables whose family
-- changed (ATTACH / DETACH PARTITION, INHERIT) brought in step.
CREATE FUNCTION ar_credit.on_ddl_command_end()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t record;
BEGIN
    -- ar_credit's own DDL (attaching triggers) is not checked again
    IF ar_credit.ddl_guard(true) THEN
        RETURN;
    END IF;
    PERFORM ar_credit.mapping_follow();
    IF NOT EXISTS (SELECT 1 FROM ar_credit.tracked_table) THEN
        PERFORM ar_credit.ddl_guard(false);
        RETURN;
    END IF;
    PERFORM ar_credit.check_mappings(TG_TAG);
    -- the tracked tables whose family lacks a trigger (a new partition or
    -- child); only once the table itself has its triggers: while pg_restore
    -- runs, they come after the tables, and it creates them itself
    FOR t IN
        SELECT x.relid FROM ar_credit.tracked_table AS x
         WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_trigger AS g
                        WHERE g.tgrelid OPERATOR(pg_catalog.=) x.relid::pg_catalog.oid
                          AND g.tgname = 'ar_credit_dunning_ins')
           AND EXISTS (SELECT 1 FROM ar_credit.tracked_family(x.relid) AS f
                        JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) f::pg_catalog.oid
                       WHERE c.relkind IN ('r', 'p')
                         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger AS g
                                          WHERE g.tgrelid OPERATOR(pg_catalog.=) f::pg_catalog.oid
                                            AND g.tgname = 'ar_credit_dunning_ins'))
    LOOP
        PERFORM ar_credit.attach_dunning_triggers(t.relid);
        PERFORM ar_credit.dunning_resync(t.relid);
    END LOOP;
    -- detached partitions and former children keep no tracking trigger
    FOR t IN
        SELECT DISTINCT g.tgrelid::pg_catalog.regclass AS rel
          FROM pg_catalog.pg_trigger AS g
         WHERE g.tgname = 'ar_credit_dunning_ins' AND NOT g.tgisinternal
           AND NOT EXISTS (SELECT 1 FROM ar_credit.tracked_table AS x
                            WHERE g.tgrelid::pg_catalog.regclass IN (SELECT ar_credit.tracked_family(x.relid)))
    LOOP
        PERFORM ar_credit.drop_dunning_triggers(t.rel);
        -- its former family: receivables of its rows are no longer there
        FOR t IN SELECT x.relid FROM ar_credit.tracked_table AS x LOOP
            PERFORM ar_credit.dunning_resync(t.relid);
        END LOOP;
    END LOOP;
    PERFORM ar_credit.ddl_guard(false);
EXCEPTION WHEN OTHERS THEN
    PERFORM ar_credit.ddl_guard(false);
    RAISE;
END
$$;
COMMENT ON FUNCTION ar_credit.on_ddl_command_end() IS
    'event trigger: follows renames in stored mappings, refuses changes that break one, gives new partitions and children the triggers, resynchronises after ATTACH or DETACH';

CREATE EVENT TRIGGER ar_credit_sql_drop ON sql_drop
    EXECUTE FUNCTION ar_credit.on_sql_drop();
CREATE EVENT TRIGGER ar_credit_ddl_command_start ON ddl_command_start
    WHEN TAG IN ('ALTER TABLE', 'ALTER SCHEMA', 'ALTER FUNCTION', 'ALTER TYPE', 'ALTER DOMAIN')
    EXECUTE FUNCTION ar_credit.mapping_stash();
CREATE EVENT TRIGGER ar_credit_ddl_command_end ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'ALTER SCHEMA', 'ALTER FUNCTION', 'ALTER TYPE', 'ALTER DOMAIN', 'CREATE TABLE')
    EXECUTE FUNCTION ar_credit.on_ddl_command_end();

-- ---------------------------------------------------------------------
-- views of open receivables (BI tools)
-- ---------------------------------------------------------------------
-- security_barrier: a leaky function in a reader's WHERE clause sees only the
-- rows the view shows (issue 18)
CREATE VIEW ar_credit.open_invoices WITH (security_barrier) AS
SELECT ar_credit.qualified_name(r.source) AS source, r.item_key AS invoice_key, r.customer_key, r.currency,
       r.due_date, r.amount AS amount_due,
       CURRENT_DATE - CASE WHEN pg_catalog.isfinite(r.due_date) THEN r.due_date ELSE CURRENT_DATE END AS days_past_due,
       ar_credit.aging_bucket(CASE WHEN pg_catalog.isfinite(r.due_date) THEN r.due_date ELSE CURRENT_DATE END,
                              CURRENT_DATE) AS aging_bucket,
       ar_credit.aging_bucket_no(CASE WHEN pg_catalog.isfinite(r.due_date) THEN r.due_date ELSE CURRENT_DATE END,
                                 CURRENT_DATE) AS aging_bucket_no,
       r.class AS status, q.level AS next_level, q.channel AS next_channel, q.remind_on AS next_remind_on
  FROM ar_credit.receivable AS r
  LEFT JOIN ar_credit.dunning_queue AS q
         ON q.receivable_id = r.id AND q.state IN ('pending', 'claimed', 'suspended')
 WHERE NOT r.gone AND r.class IN ('open', 'suspended', 'credit')
   -- a role sees the items of the tables it may read (issue 18)
   AND pg_catalog.has_table_privilege(r.source, 'SELECT');
COMMENT ON VIEW ar_credit.open_invoices IS
    'open, disputed and credit items of the tracked tables the querying role may read, with their next reminder (credits as negative amounts, so balances net)';

CREATE VIEW ar_credit.aging_report WITH (security_barrier) AS
SELECT o.source, o.customer_key, o.currency,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.aging_bucket_no = 0), 0) AS current,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.aging_bucket_no = 1), 0) AS d1_30,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.aging_bucket_no = 2), 0) AS d31_60,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.aging_bucket_no = 3), 0) AS d61_90,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.aging_bucket_no = 4), 0) AS over_90,
       COALESCE(pg_catalog.sum(o.amount_due), 0) AS total
  FROM ar_credit.open_invoices AS o
 GROUP BY o.source, o.customer_key, o.currency;
COMMENT ON VIEW ar_credit.aging_report IS 'amount owed per tracked table (those the querying role may read), customer and currency by aging bucket, credits netted';

COMMENT ON COLUMN ar_credit.open_invoices.source IS 'tracked invoices table, schema-qualified (public.invoice)';
COMMENT ON COLUMN ar_credit.open_invoices.invoice_key IS 'invoice key (composite keys as a row literal)';
COMMENT ON COLUMN ar_credit.open_invoices.customer_key IS 'customer, or NULL';
COMMENT ON COLUMN ar_credit.open_invoices.currency IS 'currency, or NULL';
COMMENT ON COLUMN ar_credit.open_invoices.due_date IS 'invoice due date (NULL for a credit without one)';
COMMENT ON COLUMN ar_credit.open_invoices.amount_due IS 'open balance of the invoice; negative for a credit';
COMMENT ON COLUMN ar_credit.open_invoices.days_past_due IS 'current_date - due_date (negative: not yet due; 0 without a due date)';
COMMENT ON COLUMN ar_credit.open_invoices.aging_bucket IS 'aging_bucket(due_date, current_date): current, 1-30, 31-60, 61-90, >90';
COMMENT ON COLUMN ar_credit.open_invoices.aging_bucket_no IS 'the bucket as a number that sorts in aging order: 0 current, 1 1-30, 2 31-60, 3 61-90, 4 >90';
COMMENT ON COLUMN ar_credit.open_invoices.status IS 'open, suspended (disputed, on hold) or credit';
COMMENT ON COLUMN ar_credit.open_invoices.next_level IS 'level of the live reminder, NULL when none is left';
COMMENT ON COLUMN ar_credit.open_invoices.next_channel IS 'channel of the live reminder';
COMMENT ON COLUMN ar_credit.open_invoices.next_remind_on IS 'date of the live reminder';
COMMENT ON COLUMN ar_credit.aging_report.source IS 'tracked invoices table, schema-qualified (public.invoice)';
COMMENT ON COLUMN ar_credit.aging_report.customer_key IS 'customer, or NULL';
COMMENT ON COLUMN ar_credit.aging_report.currency IS 'currency, or NULL: never add amounts across currencies';
COMMENT ON COLUMN ar_credit.aging_report.current IS 'amount not yet due (days past due <= 0)';
COMMENT ON COLUMN ar_credit.aging_report.d1_30 IS 'amount 1 to 30 days past due';
COMMENT ON COLUMN ar_credit.aging_report.d31_60 IS 'amount 31 to 60 days past due';
COMMENT ON COLUMN ar_credit.aging_report.d61_90 IS 'amount 61 to 90 days past due';
COMMENT ON COLUMN ar_credit.aging_report.over_90 IS 'amount more than 90 days past due';
COMMENT ON COLUMN ar_credit.aging_report.total IS 'total open amount (sum of the buckets), credits netted';

-- ---------------------------------------------------------------------
-- privileges: the triggers write as the extension's owner; the table
-- owners call track() and its kin, which check ownership themselves
-- ---------------------------------------------------------------------
REVOKE ALL ON ar_credit.receivable, ar_credit.tracked_table, ar_credit.tracked_related, ar_credit.payment_event,
              ar_credit.alert FROM PUBLIC;
REVOKE ALL ON FUNCTION ar_credit.track_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb),
                       ar_credit.untrack_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb),
                       ar_credit.track_related_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb),
                       ar_credit.untrack_related_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb),
                       ar_credit.drop_dunning_triggers(pg_catalog.regclass),
                       ar_credit.attach_dunning_triggers(pg_catalog.regclass),
                       ar_credit.attach_triggers(pg_catalog.regclass, pg_catalog.text, pg_catalog.text),
                       ar_credit.tracked_family(pg_catalog.regclass),
                       ar_credit.dunning_resync(pg_catalog.regclass),
                       ar_credit.mapping_check(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text),
                       ar_credit.mapping_type(pg_catalog.regclass, pg_catalog.text),
                       ar_credit.check_mappings(pg_catalog.text),
                       ar_credit.mapping_follow(), ar_credit.ddl_guard(pg_catalog.bool),
                       ar_credit.on_sql_drop(), ar_credit.on_ddl_command_end(), ar_credit.mapping_stash()
  FROM PUBLIC;
GRANT SELECT ON ar_credit.open_invoices, ar_credit.aging_report, ar_credit.payment_event, ar_credit.alert
   TO ar_credit_reader, ar_credit_worker;
