\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
-- ar_credit install script, section 50: dunning policies, the next reminder,
-- invoice tracking, the dunning queue and its worker API, BI views and roles
-- (SPEC sections 5 and 6).

-- ---------------------------------------------------------------------
-- policies
-- ---------------------------------------------------------------------
CREATE TABLE ar_credit.dunning_step (
    policy      pg_catalog.text NOT NULL,
    level       pg_catalog.int4 NOT NULL CHECK (level OPERATOR(pg_catalog.>) 0),
    offset_days pg_catalog.int4 NOT NULL CHECK (offset_days OPERATOR(pg_catalog.>=) -366 AND offset_days OPERATOR(pg_catalog.<=) 3660),
    channel     pg_catalog.text NOT NULL
                CHECK (channel OPERATOR(pg_catalog.=) ANY (ARRAY['email', 'sms', 'phone', 'letter', 'registered_letter', 'collection'])),
    label       pg_catalog.text NOT NULL,
    min_amount  pg_catalog.numeric NOT NULL DEFAULT 0 CHECK (min_amount OPERATOR(pg_catalog.>=) 0),
    shipped     pg_catalog.bool NOT NULL DEFAULT false,
    PRIMARY KEY (policy, level)
);
-- min_amount may be Infinity (a step never sent) but not NaN
ALTER TABLE ar_credit.dunning_step
    ADD CONSTRAINT dunning_step_named CHECK (policy OPERATOR(pg_catalog.<>) ''),
    ADD CONSTRAINT dunning_step_min_amount_number CHECK (min_amount OPERATOR(pg_catalog.<>) 'NaN');
COMMENT ON TABLE ar_credit.dunning_step IS
    'dunning policies: one row per reminder level, offset_days relative to the due date (negative = before), channel, label, minimum amount due';

INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label, shipped) VALUES
    ('standard', 1, -15, 'email', 'courtesy reminder', true),
    ('standard', 2, -7, 'email', 'payment due soon', true),
    ('standard', 3, 1, 'email', 'first reminder', true),
    ('standard', 4, 15, 'phone', 'second reminder', true),
    ('standard', 5, 30, 'registered_letter', 'formal notice', true),
    ('standard', 6, 45, 'collection', 'handover to collection', true),
    ('strict', 1, -15, 'email', 'courtesy reminder', true),
    ('strict', 2, -7, 'email', 'payment due soon', true),
    ('strict', 3, 1, 'email', 'first reminder', true),
    ('strict', 4, 8, 'phone', 'second reminder', true),
    ('strict', 5, 15, 'registered_letter', 'formal notice', true),
    ('strict', 6, 30, 'collection', 'handover to collection', true);

CREATE TRIGGER dunning_step_user_owned
    BEFORE INSERT OR UPDATE ON ar_credit.dunning_step
    FOR EACH ROW EXECUTE FUNCTION ar_credit.config_row_user_owned('policy', 'level');
SELECT pg_catalog.pg_extension_config_dump('ar_credit.dunning_step', 'WHERE NOT shipped');

CREATE TRIGGER dunning_step_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.dunning_step
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();

CREATE TYPE ar_credit.reminder AS (level pg_catalog.int4, remind_on pg_catalog.date,
                                   channel pg_catalog.text, label pg_catalog.text);
COMMENT ON TYPE ar_credit.reminder IS 'a reminder to send: level, date, channel and label';

CREATE FUNCTION ar_credit.next_reminder(due pg_catalog.date, as_of pg_catalog.date,
                                        last_level pg_catalog.int4 DEFAULT 0,
                                        policy pg_catalog.text DEFAULT 'standard',
                                        last_sent pg_catalog.date DEFAULT NULL,
                                        min_gap_days pg_catalog.int4 DEFAULT 5,
                                        OUT level pg_catalog.int4, OUT remind_on pg_catalog.date,
                                        OUT channel pg_catalog.text, OUT label pg_catalog.text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'dunning_next_reminder'
LANGUAGE C STABLE PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION ar_credit.next_reminder(pg_catalog.date, pg_catalog.date, pg_catalog.int4, pg_catalog.text, pg_catalog.date, pg_catalog.int4) IS
    'the next reminder after last_level: past pre-due steps skipped, post-due steps one level at a time, remind_on = greatest(due + offset_days, as_of, last_sent + min_gap_days); no row after the last level';

CREATE FUNCTION ar_credit.next_reminder_rec(due pg_catalog.date, as_of pg_catalog.date, last_level pg_catalog.int4,
                                            policy pg_catalog.text, last_sent pg_catalog.date,
                                            min_gap_days pg_catalog.int4, amount pg_catalog.numeric)
RETURNS ar_credit.reminder
AS 'MODULE_PATHNAME', 'dunning_next_reminder_rec'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.next_reminder_rec(pg_catalog.date, pg_catalog.date, pg_catalog.int4, pg_catalog.text, pg_catalog.date, pg_catalog.int4, pg_catalog.numeric) IS
    'next_reminder as one value (NULL after the last level), skipping steps whose min_amount exceeds amount; used by the tracking trigger';

CREATE FUNCTION ar_credit.invoice_class(status pg_catalog.text)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'dunning_invoice_class'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.invoice_class(pg_catalog.text) IS
    'open, closed (paid, cancelled, canceled, void, written_off, credited), suspended (disputed, on_hold) or ignored (draft); case-insensitive, unknown or NULL = open';

CREATE FUNCTION ar_credit.invoice_state(status pg_catalog.text, amount pg_catalog.numeric, due pg_catalog.date)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'dunning_invoice_state'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.invoice_state(pg_catalog.text, pg_catalog.numeric, pg_catalog.date) IS
    'what the tracking trigger acts on: closed when amount is NULL or <= 0, ignored without a due date, else invoice_class(status)';

-- ---------------------------------------------------------------------
-- the queue
-- ---------------------------------------------------------------------
CREATE TABLE ar_credit.dunning_queue (
    id              pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          pg_catalog.regclass NOT NULL,
    invoice_key     pg_catalog.text NOT NULL,
    customer_key    pg_catalog.text,
    level           pg_catalog.int4 NOT NULL,
    channel         pg_catalog.text NOT NULL,
    label           pg_catalog.text NOT NULL,
    remind_on       pg_catalog.date NOT NULL,
    amount_due      pg_catalog.numeric,
    currency        pg_catalog.text,
    state           pg_catalog.text NOT NULL DEFAULT 'pending'
                    CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['pending', 'claimed', 'sent', 'cancelled', 'suspended', 'failed'])),
    attempts        pg_catalog.int4 NOT NULL DEFAULT 0,
    claimed_by      pg_catalog.text,
    claimed_until   pg_catalog.timestamptz,
    last_error      pg_catalog.text,
    created_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- beyond SPEC's columns
    due_date        pg_catalog.date NOT NULL,
    policy          pg_catalog.text NOT NULL DEFAULT 'standard',
    next_attempt_at pg_catalog.timestamptz,
    sent_at         pg_catalog.timestamptz,
    settled         pg_catalog.bool NOT NULL DEFAULT false
);
COMMENT ON TABLE ar_credit.dunning_queue IS
    'reminders to send: at most one live (pending, claimed, suspended) row per invoice; workers use claim_reminders, complete_reminder and fail_reminder';
COMMENT ON COLUMN ar_credit.dunning_queue.settled IS
    'the invoice was paid, cancelled or deleted: the row is history';
CREATE UNIQUE INDEX dunning_queue_live ON ar_credit.dunning_queue (source, invoice_key)
    WHERE state IN ('pending', 'claimed', 'suspended');
CREATE INDEX dunning_queue_todo ON ar_credit.dunning_queue (remind_on, id)
    WHERE state IN ('pending', 'claimed');
CREATE INDEX dunning_queue_open ON ar_credit.dunning_queue (source, invoice_key, id)
    WHERE NOT settled;
-- the reminders already sent for an invoice, read when it reopens
CREATE INDEX dunning_queue_sent ON ar_credit.dunning_queue (source, invoice_key)
    WHERE state = 'sent';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.dunning_queue', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.dunning_queue', 'id'), '');

CREATE TABLE ar_credit.tracked_table (
    relid           pg_catalog.regclass PRIMARY KEY,
    key_columns     pg_catalog.name[] NOT NULL,
    due_column      pg_catalog.name NOT NULL,
    amount_column   pg_catalog.name NOT NULL,
    status_column   pg_catalog.name,
    customer_column pg_catalog.name,
    currency_column pg_catalog.name,
    policy          pg_catalog.text NOT NULL,
    tracked_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ar_credit.tracked_table IS 'invoice tables tracked by ar_credit.track() and their column mapping';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.tracked_table', '');

CREATE FUNCTION ar_credit.dunning_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'dunning_trigger'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.dunning_trigger() IS
    'keeps the dunning queue in step with an invoices table; arguments key=, due=, amount=, status=, customer=, currency=, policy=; attach with ar_credit.track()';

CREATE FUNCTION ar_credit.dunning_resync(invoices pg_catalog.regclass, trigger_name pg_catalog.name)
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'dunning_resync'
LANGUAGE C STRICT;
COMMENT ON FUNCTION ar_credit.dunning_resync(pg_catalog.regclass, pg_catalog.name) IS
    'queues the existing rows of a tracked table (called by track)';

CREATE FUNCTION ar_credit.drop_dunning_triggers(invoices pg_catalog.regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tg pg_catalog.name;
BEGIN
    FOR tg IN SELECT t.tgname FROM pg_catalog.pg_trigger AS t
               WHERE t.tgrelid = invoices
                 AND t.tgname IN ('ar_credit_dunning_ins', 'ar_credit_dunning_upd', 'ar_credit_dunning_del',
                                  'ar_credit_dunning_trunc')
    LOOP
        EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', tg, invoices);
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.drop_dunning_triggers(pg_catalog.regclass) IS
    'drops the dunning triggers track() attached to a table';

-- (Re)creates the triggers of a tracked table from its ar_credit.tracked_table
-- row.  Statement level with transition tables: one set-based pass per
-- statement.  UPDATE captures OLD TABLE too, for key changes: measured, that
-- costs less than a row-level trigger WHEN the key changes, and it stays
-- set-based when an ORM rewrites every column.
CREATE FUNCTION ar_credit.attach_dunning_triggers(invoices pg_catalog.regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m ar_credit.tracked_table;
    args pg_catalog.text := '';
BEGIN
    SELECT * INTO STRICT m FROM ar_credit.tracked_table AS t WHERE t.relid = invoices;
    FOR i IN 1 .. pg_catalog.array_length(m.key_columns, 1) LOOP
        args := args || pg_catalog.quote_literal('key=' || m.key_columns[i]) || ', ';
    END LOOP;
    args := args || pg_catalog.quote_literal('due=' || m.due_column)
                 || ', ' || pg_catalog.quote_literal('amount=' || m.amount_column)
                 || ', ' || pg_catalog.quote_literal('policy=' || m.policy);
    IF m.status_column IS NOT NULL THEN
        args := args || ', ' || pg_catalog.quote_literal('status=' || m.status_column);
    END IF;
    IF m.customer_column IS NOT NULL THEN
        args := args || ', ' || pg_catalog.quote_literal('customer=' || m.customer_column);
    END IF;
    IF m.currency_column IS NOT NULL THEN
        args := args || ', ' || pg_catalog.quote_literal('currency=' || m.currency_column);
    END IF;

    PERFORM ar_credit.drop_dunning_triggers(invoices);
    EXECUTE pg_catalog.format('CREATE TRIGGER ar_credit_dunning_ins AFTER INSERT ON %s'
                              ' REFERENCING NEW TABLE AS ar_credit_new'
                              ' FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.dunning_trigger(%s)', invoices, args);
    EXECUTE pg_catalog.format('CREATE TRIGGER ar_credit_dunning_upd AFTER UPDATE ON %s'
                              ' REFERENCING OLD TABLE AS ar_credit_old NEW TABLE AS ar_credit_new'
                              ' FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.dunning_trigger(%s)', invoices, args);
    EXECUTE pg_catalog.format('CREATE TRIGGER ar_credit_dunning_del AFTER DELETE ON %s'
                              ' REFERENCING OLD TABLE AS ar_credit_old'
                              ' FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.dunning_trigger(%s)', invoices, args);
    EXECUTE pg_catalog.format('CREATE TRIGGER ar_credit_dunning_trunc AFTER TRUNCATE ON %s'
                              ' FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.dunning_trigger(%s)', invoices, args);
END
$$;
COMMENT ON FUNCTION ar_credit.attach_dunning_triggers(pg_catalog.regclass) IS
    'creates the dunning triggers of a tracked table from its ar_credit.tracked_table row (called by track)';

CREATE FUNCTION ar_credit.track(invoices pg_catalog.regclass, key_column pg_catalog.name,
                                due_column pg_catalog.name, amount_column pg_catalog.name,
                                status_column pg_catalog.name DEFAULT NULL,
                                customer_column pg_catalog.name DEFAULT NULL,
                                currency_column pg_catalog.name DEFAULT NULL,
                                policy pg_catalog.text DEFAULT 'standard')
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel record;
    keys pg_catalog.name[];
    col record;
BEGIN
    IF invoices IS NULL OR due_column IS NULL OR amount_column IS NULL OR track.policy IS NULL THEN
        RAISE EXCEPTION 'invoices, due_column, amount_column and policy must not be NULL' USING ERRCODE = '22004';
    END IF;
    SELECT c.relkind, c.relowner INTO rel FROM pg_catalog.pg_class AS c WHERE c.oid = invoices;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'relation with OID % does not exist', invoices::pg_catalog.oid USING ERRCODE = '42P01';
    END IF;
    IF rel.relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '"%" is not a table', invoices USING ERRCODE = '42809';
    END IF;
    IF NOT pg_catalog.pg_has_role(rel.relowner, 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table %', invoices USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ar_credit.dunning_step AS s WHERE s.policy = track.policy) THEN
        RAISE EXCEPTION 'unknown dunning policy: "%"', track.policy USING ERRCODE = '22023',
              HINT = 'Policies are the rows of ar_credit.dunning_step (shipped: standard, strict).';
    END IF;

    -- the key: the named column, or the primary key
    IF key_column IS NULL THEN
        SELECT pg_catalog.array_agg(a.attname ORDER BY k.ord) INTO keys
          FROM pg_catalog.pg_index AS i,
               LATERAL pg_catalog.unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_catalog.pg_attribute AS a ON a.attrelid = invoices AND a.attnum = k.attnum
         WHERE i.indrelid = invoices AND i.indisprimary;
        IF keys IS NULL THEN
            RAISE EXCEPTION 'table % has no primary key; name its key column', invoices USING ERRCODE = '22023';
        END IF;
    ELSE
        keys := ARRAY[key_column];
    END IF;

    -- every column exists and has a usable type, before anything is created
    FOR col IN
        SELECT m.role, m.colname, a.atttypid, t.typtype, t.typcategory
          FROM (SELECT 'key' AS role, k AS colname FROM pg_catalog.unnest(keys) AS k
                UNION ALL SELECT 'due', due_column
                UNION ALL SELECT 'amount', amount_column
                UNION ALL SELECT 'status', status_column WHERE status_column IS NOT NULL
                UNION ALL SELECT 'customer', customer_column WHERE customer_column IS NOT NULL
                UNION ALL SELECT 'currency', currency_column WHERE currency_column IS NOT NULL) AS m
          LEFT JOIN pg_catalog.pg_attribute AS a
                 ON a.attrelid = invoices AND a.attname = m.colname AND a.attnum > 0 AND NOT a.attisdropped
          LEFT JOIN pg_catalog.pg_type AS t ON t.oid = a.atttypid
    LOOP
        IF col.atttypid IS NULL THEN
            RAISE EXCEPTION 'column "%" of table % does not exist', col.colname, invoices
                  USING ERRCODE = '42703', DETAIL = pg_catalog.format('It was given as the %s column.', col.role);
        END IF;
        IF col.role = 'due' AND col.atttypid NOT IN ('date'::pg_catalog.regtype, 'timestamp'::pg_catalog.regtype,
                                                    'timestamptz'::pg_catalog.regtype) THEN
            RAISE EXCEPTION 'due column "%" of table % has type %, not date', col.colname, invoices,
                  col.atttypid::pg_catalog.regtype USING ERRCODE = '42804';
        END IF;
        IF col.role = 'amount' AND col.atttypid NOT IN ('numeric'::pg_catalog.regtype, 'int2'::pg_catalog.regtype,
                  'int4'::pg_catalog.regtype, 'int8'::pg_catalog.regtype, 'money'::pg_catalog.regtype) THEN
            RAISE EXCEPTION 'amount column "%" of table % has type %, not numeric', col.colname, invoices,
                  col.atttypid::pg_catalog.regtype USING ERRCODE = '42804',
                  HINT = 'Amounts must be numeric (or integer, or money); floating point is refused.';
        END IF;
        IF col.role = 'status' AND NOT (col.typcategory = 'S' OR col.typtype = 'e') THEN
            RAISE EXCEPTION 'status column "%" of table % has type %, not text or an enum', col.colname, invoices,
                  col.atttypid::pg_catalog.regtype USING ERRCODE = '42804';
        END IF;
    END LOOP;

    INSERT INTO ar_credit.tracked_table AS t (relid, key_columns, due_column, amount_column, status_column,
                                             customer_column, currency_column, policy)
    VALUES (invoices, keys, due_column, amount_column, status_column, customer_column, currency_column, track.policy)
    ON CONFLICT (relid) DO UPDATE
       SET key_columns = EXCLUDED.key_columns, due_column = EXCLUDED.due_column,
           amount_column = EXCLUDED.amount_column, status_column = EXCLUDED.status_column,
           customer_column = EXCLUDED.customer_column, currency_column = EXCLUDED.currency_column,
           policy = EXCLUDED.policy, tracked_at = pg_catalog.now();

    -- tracking again replaces the triggers
    PERFORM ar_credit.attach_dunning_triggers(invoices);

    -- queue the rows already there
    PERFORM ar_credit.dunning_resync(invoices, 'ar_credit_dunning_upd');
END
$$;
COMMENT ON FUNCTION ar_credit.track(pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.text) IS
    'tracks an invoices table: validates the columns, attaches the dunning triggers and queues the existing open invoices (key_column NULL = the primary key)';

CREATE FUNCTION ar_credit.untrack(invoices pg_catalog.regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    owner pg_catalog.oid;
BEGIN
    SELECT c.relowner INTO owner FROM pg_catalog.pg_class AS c WHERE c.oid = invoices;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'relation with OID % does not exist', invoices::pg_catalog.oid USING ERRCODE = '42P01';
    END IF;
    IF NOT pg_catalog.pg_has_role(owner, 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table %', invoices USING ERRCODE = '42501';
    END IF;
    PERFORM ar_credit.drop_dunning_triggers(invoices);
    DELETE FROM ar_credit.tracked_table AS t WHERE t.relid = invoices;
    IF NOT FOUND THEN
        RAISE NOTICE 'table % is not tracked', invoices;
    END IF;
    UPDATE ar_credit.dunning_queue AS q
       SET state = CASE WHEN q.state IN ('pending', 'claimed', 'suspended') THEN 'cancelled' ELSE q.state END,
           settled = true, updated_at = pg_catalog.now()
     WHERE q.source = invoices AND NOT q.settled;
END
$$;
COMMENT ON FUNCTION ar_credit.untrack(pg_catalog.regclass) IS
    'stops tracking an invoices table: drops its triggers and cancels its live reminders';

-- ---------------------------------------------------------------------
-- schema changes of tracked tables (event triggers, since 0.2.0)
-- ---------------------------------------------------------------------
-- A dropped table's queue rows name an OID that a later table may reuse,
-- so they go with it. SECURITY DEFINER: the owner dropping their table
-- may hold no rights on ar_credit's tables; the function only acts on the
-- OIDs PostgreSQL reports as dropped and cannot be called directly.
CREATE FUNCTION ar_credit.on_sql_drop()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    gone pg_catalog.oid[];
    n_tables pg_catalog.int4;
    n_rows pg_catalog.int8;
BEGIN
    SELECT pg_catalog.array_agg(d.objid) INTO gone
      FROM pg_catalog.pg_event_trigger_dropped_objects() AS d
     WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0
       AND d.object_type IN ('table', 'foreign table');
    IF gone IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM ar_credit.tracked_table AS t WHERE t.relid::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (gone);
    GET DIAGNOSTICS n_tables = ROW_COUNT;
    DELETE FROM ar_credit.dunning_queue AS q WHERE q.source::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (gone);
    GET DIAGNOSTICS n_rows = ROW_COUNT;
    IF n_tables > 0 OR n_rows > 0 THEN
        RAISE NOTICE 'ar_credit: stopped tracking % dropped table(s) and removed % queue row(s)', n_tables, n_rows;
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.on_sql_drop() IS
    'event trigger: forgets the tracking and queue rows of dropped invoices tables';

-- Renaming or dropping a mapped column would make every later write to the
-- user's table fail in the trigger; refuse the ALTER instead, with the way out.
CREATE FUNCTION ar_credit.on_ddl_command_end()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bad record;
BEGIN
    FOR bad IN
        SELECT t.relid, m.colname
          FROM pg_catalog.pg_event_trigger_ddl_commands() AS c
          JOIN ar_credit.tracked_table AS t ON t.relid::pg_catalog.oid OPERATOR(pg_catalog.=) c.objid
         CROSS JOIN LATERAL pg_catalog.unnest(t.key_columns
                     OPERATOR(pg_catalog.||) ARRAY[t.due_column, t.amount_column, t.status_column,
                                                   t.customer_column, t.currency_column]) AS m(colname)
         WHERE c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
           AND c.command_tag = 'ALTER TABLE'
           AND m.colname IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute AS a
                            WHERE a.attrelid = t.relid AND a.attname = m.colname
                              AND a.attnum > 0 AND NOT a.attisdropped)
    LOOP
        RAISE EXCEPTION 'column "%" of table % is tracked by ar_credit', bad.colname, bad.relid
              USING ERRCODE = '2BP01',
                    DETAIL = 'The dunning trigger reads this column on every write to the table.',
                    HINT = pg_catalog.format('Call ar_credit.untrack(%L) first, change the table, then ar_credit.track() it with the new column names.',
                                             bad.relid::pg_catalog.text);
    END LOOP;
    -- a due or amount column retyped to something the trigger cannot read
    FOR bad IN
        SELECT t.relid, a.attname AS colname, a.atttypid::pg_catalog.regtype AS typ
          FROM pg_catalog.pg_event_trigger_ddl_commands() AS c
          JOIN ar_credit.tracked_table AS t ON t.relid::pg_catalog.oid OPERATOR(pg_catalog.=) c.objid
          JOIN pg_catalog.pg_attribute AS a ON a.attrelid = t.relid AND NOT a.attisdropped
         WHERE c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
           AND c.command_tag = 'ALTER TABLE'
           AND ((a.attname = t.due_column
                 AND a.atttypid NOT IN ('pg_catalog.date'::pg_catalog.regtype, 'pg_catalog.timestamp'::pg_catalog.regtype,
                                        'pg_catalog.timestamptz'::pg_catalog.regtype))
             OR (a.attname = t.amount_column
                 AND a.atttypid NOT IN ('pg_catalog.numeric'::pg_catalog.regtype, 'pg_catalog.int2'::pg_catalog.regtype,
                                        'pg_catalog.int4'::pg_catalog.regtype, 'pg_catalog.int8'::pg_catalog.regtype,
                                        'pg_catalog.money'::pg_catalog.regtype)))
    LOOP
        RAISE EXCEPTION 'column "%" of table % is tracked by ar_credit and cannot become %', bad.colname, bad.relid, bad.typ
              USING ERRCODE = '2BP01',
                    HINT = 'Due dates must stay date or timestamp, amounts numeric, integer or money.';
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.on_ddl_command_end() IS
    'event trigger: refuses to rename or drop a column a tracked table maps';

CREATE EVENT TRIGGER ar_credit_sql_drop ON sql_drop
    EXECUTE FUNCTION ar_credit.on_sql_drop();
CREATE EVENT TRIGGER ar_credit_ddl_command_end ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE')
    EXECUTE FUNCTION ar_credit.on_ddl_command_end();
REVOKE ALL ON FUNCTION ar_credit.on_sql_drop(), ar_credit.on_ddl_command_end() FROM PUBLIC;

-- ---------------------------------------------------------------------
-- worker API (SECURITY DEFINER: workers need no rights on the queue itself)
-- ---------------------------------------------------------------------
CREATE FUNCTION ar_credit.claim_reminders(batch pg_catalog.int4 DEFAULT 100,
                                          worker pg_catalog.text DEFAULT CURRENT_USER,
                                          lease pg_catalog.interval DEFAULT '5 minutes',
                                          as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS SETOF ar_credit.dunning_queue
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF batch IS NULL OR worker IS NULL OR lease IS NULL OR as_of IS NULL THEN
        RAISE EXCEPTION 'batch, worker, lease and as_of must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF batch < 1 THEN
        RAISE EXCEPTION 'batch must be positive, not %', batch USING ERRCODE = '22023';
    END IF;
    IF lease <= interval '0' THEN
        RAISE EXCEPTION 'lease must be a positive interval, not %', lease USING ERRCODE = '22023';
    END IF;
    IF NOT pg_catalog.isfinite(as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', as_of USING ERRCODE = '22008';
    END IF;
    RETURN QUERY
    WITH c AS (
        SELECT q.id
          FROM ar_credit.dunning_queue AS q
         WHERE q.state IN ('pending', 'claimed')
           AND q.remind_on <= claim_reminders.as_of
           AND ((q.state = 'pending' AND (q.next_attempt_at IS NULL OR q.next_attempt_at <= pg_catalog.now()))
                OR (q.state = 'claimed' AND q.claimed_until < pg_catalog.now()))
         ORDER BY q.remind_on, q.id
         LIMIT batch
           FOR UPDATE SKIP LOCKED)
    UPDATE ar_credit.dunning_queue AS q
       SET state = 'claimed', claimed_by = claim_reminders.worker,
           claimed_until = pg_catalog.now() + lease, updated_at = pg_catalog.now()
      FROM c
     WHERE q.id = c.id
    RETURNING q.*;
END
$$;
COMMENT ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date) IS
    'leases up to batch due reminders to a worker (FOR UPDATE SKIP LOCKED); reminders whose lease expired are claimed again';

CREATE FUNCTION ar_credit.complete_reminder(id pg_catalog.int8)
RETURNS void
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r ar_credit.dunning_queue;
    st pg_catalog.text;
BEGIN
    UPDATE ar_credit.dunning_queue AS q
       SET state = 'sent', claimed_until = NULL, sent_at = pg_catalog.now(), updated_at = pg_catalog.now()
     WHERE q.id = complete_reminder.id AND q.state = 'claimed'
    RETURNING q.* INTO r;
    IF NOT FOUND THEN
        SELECT q.state INTO st FROM ar_credit.dunning_queue AS q WHERE q.id = complete_reminder.id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no reminder with id %', complete_reminder.id USING ERRCODE = '22023';
        END IF;
        -- sent already (a retry), or the invoice was settled or disputed meanwhile
        IF st IN ('sent', 'cancelled', 'suspended') THEN
            RETURN;
        END IF;
        RAISE EXCEPTION 'reminder % is %, not claimed', complete_reminder.id, st USING ERRCODE = '55000',
              HINT = 'Claim reminders with ar_credit.claim_reminders() before completing them.';
    END IF;
    -- the next level, while the invoice stays open
    IF NOT r.settled THEN
        INSERT INTO ar_credit.dunning_queue (source, invoice_key, customer_key, level, channel, label, remind_on,
                                             due_date, amount_due, currency, policy)
        SELECT r.source, r.invoice_key, r.customer_key, (x.n).level, (x.n).channel, (x.n).label, (x.n).remind_on,
               r.due_date, r.amount_due, r.currency, r.policy
          FROM (SELECT ar_credit.next_reminder_rec(r.due_date, CURRENT_DATE, r.level, r.policy,
                                                   CURRENT_DATE, 5, r.amount_due) AS n) AS x
         WHERE x.n IS NOT NULL
        ON CONFLICT (source, invoice_key) WHERE state IN ('pending', 'claimed', 'suspended') DO NOTHING;
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.complete_reminder(pg_catalog.int8) IS
    'marks a claimed reminder sent and queues the next level while the invoice is open';

CREATE FUNCTION ar_credit.fail_reminder(id pg_catalog.int8, error pg_catalog.text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    max_attempts pg_catalog.int4 :=
        COALESCE(pg_catalog.current_setting('ar_credit.max_attempts', true), '5')::pg_catalog.int4;
    st pg_catalog.text;
BEGIN
    IF id IS NULL THEN
        RAISE EXCEPTION 'id must not be NULL' USING ERRCODE = '22004';
    END IF;
    -- retry after 1, 2, 4, 8 ... minutes; give up after max_attempts
    UPDATE ar_credit.dunning_queue AS q
       SET attempts = q.attempts + 1, last_error = fail_reminder.error,
           claimed_by = NULL, claimed_until = NULL,
           state = CASE WHEN q.attempts + 1 >= max_attempts THEN 'failed' ELSE 'pending' END,
           next_attempt_at = pg_catalog.now() + pg_catalog.make_interval(mins => (2 ^ q.attempts)::pg_catalog.int4),
           updated_at = pg_catalog.now()
     WHERE q.id = fail_reminder.id AND q.state = 'claimed';
    IF NOT FOUND THEN
        SELECT q.state INTO st FROM ar_credit.dunning_queue AS q WHERE q.id = fail_reminder.id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no reminder with id %', fail_reminder.id USING ERRCODE = '22023';
        END IF;
        IF st IN ('cancelled', 'suspended') THEN
            RETURN;
        END IF;
        RAISE EXCEPTION 'reminder % is %, not claimed', fail_reminder.id, st USING ERRCODE = '55000';
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text) IS
    'records a failed send: retried with exponential backoff (1, 2, 4 ... minutes), failed after ar_credit.max_attempts';

-- ---------------------------------------------------------------------
-- views for BI tools
-- ---------------------------------------------------------------------
CREATE VIEW ar_credit.dunning_due AS
SELECT q.id, q.source, q.invoice_key, q.customer_key, q.level, q.channel, q.label, q.remind_on,
       q.due_date, q.amount_due, q.currency, q.state, q.attempts, q.claimed_by, q.claimed_until
  FROM ar_credit.dunning_queue AS q
 WHERE q.state IN ('pending', 'claimed') AND q.remind_on <= CURRENT_DATE;
COMMENT ON VIEW ar_credit.dunning_due IS 'live reminders due today or earlier';

CREATE VIEW ar_credit.open_invoices AS
SELECT DISTINCT ON (q.source, q.invoice_key)
       q.source, q.invoice_key, q.customer_key, q.currency, q.due_date, q.amount_due,
       CURRENT_DATE - q.due_date AS days_past_due,
       ar_credit.aging_bucket(q.due_date, CURRENT_DATE) AS aging_bucket,
       CASE WHEN q.state = 'suspended' THEN 'suspended' ELSE 'open' END AS status,
       CASE WHEN q.state IN ('pending', 'claimed', 'suspended') THEN q.level END AS next_level,
       CASE WHEN q.state IN ('pending', 'claimed', 'suspended') THEN q.channel END AS next_channel,
       CASE WHEN q.state IN ('pending', 'claimed', 'suspended') THEN q.remind_on END AS next_remind_on
  FROM ar_credit.dunning_queue AS q
 WHERE NOT q.settled
 ORDER BY q.source, q.invoice_key, q.id DESC;
COMMENT ON VIEW ar_credit.open_invoices IS 'open (and disputed) invoices of the tracked tables with their next reminder';

CREATE VIEW ar_credit.aging_report AS
SELECT o.source, o.customer_key, o.currency,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.days_past_due <= 0), 0) AS current,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.days_past_due BETWEEN 1 AND 30), 0) AS d1_30,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.days_past_due BETWEEN 31 AND 60), 0) AS d31_60,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.days_past_due BETWEEN 61 AND 90), 0) AS d61_90,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.days_past_due > 90), 0) AS over_90,
       COALESCE(pg_catalog.sum(o.amount_due), 0) AS total
  FROM ar_credit.open_invoices AS o
 GROUP BY o.source, o.customer_key, o.currency;
COMMENT ON VIEW ar_credit.aging_report IS 'amount due per tracked table, customer and currency by aging bucket';

-- BI tools show these; the column names are a stable API (test/views.sql)
COMMENT ON COLUMN ar_credit.dunning_due.id IS 'dunning_queue.id: pass it to complete_reminder or fail_reminder';
COMMENT ON COLUMN ar_credit.dunning_due.source IS 'tracked invoices table';
COMMENT ON COLUMN ar_credit.dunning_due.invoice_key IS 'invoice key (composite keys as a row literal)';
COMMENT ON COLUMN ar_credit.dunning_due.customer_key IS 'customer, or NULL';
COMMENT ON COLUMN ar_credit.dunning_due.level IS 'reminder level (dunning_step.level)';
COMMENT ON COLUMN ar_credit.dunning_due.channel IS 'email, sms, phone, letter, registered_letter or collection';
COMMENT ON COLUMN ar_credit.dunning_due.label IS 'label of the dunning step';
COMMENT ON COLUMN ar_credit.dunning_due.remind_on IS 'day the reminder is due to be sent';
COMMENT ON COLUMN ar_credit.dunning_due.due_date IS 'invoice due date';
COMMENT ON COLUMN ar_credit.dunning_due.amount_due IS 'open balance of the invoice';
COMMENT ON COLUMN ar_credit.dunning_due.currency IS 'currency, or NULL';
COMMENT ON COLUMN ar_credit.dunning_due.state IS 'pending or claimed';
COMMENT ON COLUMN ar_credit.dunning_due.attempts IS 'failed sends so far';
COMMENT ON COLUMN ar_credit.dunning_due.claimed_by IS 'worker holding the reminder, if claimed';
COMMENT ON COLUMN ar_credit.dunning_due.claimed_until IS 'end of the worker''s lease, if claimed';
COMMENT ON COLUMN ar_credit.open_invoices.source IS 'tracked invoices table';
COMMENT ON COLUMN ar_credit.open_invoices.invoice_key IS 'invoice key (composite keys as a row literal)';
COMMENT ON COLUMN ar_credit.open_invoices.customer_key IS 'customer, or NULL';
COMMENT ON COLUMN ar_credit.open_invoices.currency IS 'currency, or NULL';
COMMENT ON COLUMN ar_credit.open_invoices.due_date IS 'invoice due date';
COMMENT ON COLUMN ar_credit.open_invoices.amount_due IS 'open balance of the invoice';
COMMENT ON COLUMN ar_credit.open_invoices.days_past_due IS 'current_date - due_date (negative: not yet due)';
COMMENT ON COLUMN ar_credit.open_invoices.aging_bucket IS 'aging_bucket(due_date, current_date): current, 1-30, 31-60, 61-90, >90';
COMMENT ON COLUMN ar_credit.open_invoices.status IS 'open, or suspended (disputed, on hold)';
COMMENT ON COLUMN ar_credit.open_invoices.next_level IS 'level of the live reminder, NULL when none is left';
COMMENT ON COLUMN ar_credit.open_invoices.next_channel IS 'channel of the live reminder';
COMMENT ON COLUMN ar_credit.open_invoices.next_remind_on IS 'date of the live reminder';
COMMENT ON COLUMN ar_credit.aging_report.source IS 'tracked invoices table';
COMMENT ON COLUMN ar_credit.aging_report.customer_key IS 'customer, or NULL';
COMMENT ON COLUMN ar_credit.aging_report.currency IS 'currency, or NULL: never add amounts across currencies';
COMMENT ON COLUMN ar_credit.aging_report.current IS 'amount not yet due (days past due <= 0)';
COMMENT ON COLUMN ar_credit.aging_report.d1_30 IS 'amount 1 to 30 days past due';
COMMENT ON COLUMN ar_credit.aging_report.d31_60 IS 'amount 31 to 60 days past due';
COMMENT ON COLUMN ar_credit.aging_report.d61_90 IS 'amount 61 to 90 days past due';
COMMENT ON COLUMN ar_credit.aging_report.over_90 IS 'amount more than 90 days past due';
COMMENT ON COLUMN ar_credit.aging_report.total IS 'total open amount (sum of the buckets)';

-- ---------------------------------------------------------------------
-- roles and privileges: nothing beyond the pure functions for PUBLIC
-- ---------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ar_credit_reader') THEN
        CREATE ROLE ar_credit_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ar_credit_worker') THEN
        CREATE ROLE ar_credit_worker NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ar_credit_writer') THEN
        CREATE ROLE ar_credit_writer NOLOGIN;
    END IF;
END
$$;

REVOKE ALL ON ar_credit.dunning_queue, ar_credit.tracked_table, ar_credit.dunning_step FROM PUBLIC;
REVOKE ALL ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date),
                       ar_credit.complete_reminder(pg_catalog.int8),
                       ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text),
                       ar_credit.track(pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.text),
                       ar_credit.untrack(pg_catalog.regclass),
                       ar_credit.drop_dunning_triggers(pg_catalog.regclass),
                       ar_credit.attach_dunning_triggers(pg_catalog.regclass),
                       ar_credit.dunning_resync(pg_catalog.regclass, pg_catalog.name)
  FROM PUBLIC;
GRANT SELECT ON ar_credit.dunning_due, ar_credit.open_invoices, ar_credit.aging_report,
                ar_credit.dunning_step TO ar_credit_reader, ar_credit_worker;
GRANT EXECUTE ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date),
                          ar_credit.complete_reminder(pg_catalog.int8),
                          ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text)
  TO ar_credit_worker;
-- roles that write tracked invoices tables maintain the queue through the trigger
GRANT SELECT, INSERT, UPDATE ON ar_credit.dunning_queue TO ar_credit_writer;
GRANT SELECT ON ar_credit.dunning_step, ar_credit.tracked_table TO ar_credit_writer;
GRANT USAGE ON SEQUENCE ar_credit.dunning_queue_id_seq TO ar_credit_writer;
