\echo Use "ALTER EXTENSION ar_credit UPDATE TO '0.2.0'" to load this file. \quit
-- ar_credit 0.1.0 -> 0.2.0
--
-- Checked by test/upgrade.sh: a database updated with this script holds the
-- same objects, definitions, privileges and comments as a fresh 0.2.0 install.

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
-- track() attaches the triggers through attach_dunning_triggers()
-- ---------------------------------------------------------------------
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

CREATE OR REPLACE FUNCTION ar_credit.track(invoices pg_catalog.regclass, key_column pg_catalog.name,
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

REVOKE ALL ON FUNCTION ar_credit.attach_dunning_triggers(pg_catalog.regclass) FROM PUBLIC;

-- ---------------------------------------------------------------------
-- bad input: missing relations, NULLs and infinite dates named
-- ---------------------------------------------------------------------
CREATE OR REPLACE FUNCTION ar_credit.untrack(invoices pg_catalog.regclass)
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

CREATE OR REPLACE FUNCTION ar_credit.claim_reminders(batch pg_catalog.int4 DEFAULT 100,
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

CREATE OR REPLACE FUNCTION ar_credit.recommended_terms(risk_class pg_catalog.text)
RETURNS ar_credit.payment_terms
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result ar_credit.payment_terms;
BEGIN
    SELECT p.terms INTO result
      FROM ar_credit.credit_policy AS p
     WHERE p.risk_class OPERATOR(pg_catalog.=) pg_catalog.upper(recommended_terms.risk_class);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown risk class: "%"',
              CASE WHEN pg_catalog.length(recommended_terms.risk_class) > 100
                   THEN pg_catalog.left(recommended_terms.risk_class, 100) || '...'
                   ELSE recommended_terms.risk_class END
              USING ERRCODE = '22023', HINT = 'Risk classes are A, B, C, D and E (ar_credit.credit_policy).';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION ar_credit.recommended_terms(pg_catalog.text) IS
    'payment terms the credit policy grants to a risk class';

-- ---------------------------------------------------------------------
-- configuration rows: NaN, Infinity and empty names refused at the door
-- ---------------------------------------------------------------------
-- NaN sorts above every number, so upper bounds also keep NaN and Infinity out
ALTER TABLE ar_credit.credit_policy
    ADD CONSTRAINT credit_policy_limit_factor_max CHECK (limit_factor OPERATOR(pg_catalog.<=) 1000);
ALTER TABLE ar_credit.reference_rate
    ADD CONSTRAINT reference_rate_index_named CHECK (rate_index OPERATOR(pg_catalog.<>) '');
-- NaN sorts above every number, so upper bounds also keep NaN and Infinity out
ALTER TABLE ar_credit.interest_regime
    ADD CONSTRAINT interest_regime_named CHECK (regime OPERATOR(pg_catalog.<>) '' AND rate_index OPERATOR(pg_catalog.<>) ''),
    ADD CONSTRAINT interest_regime_margin_range CHECK (margin OPERATOR(pg_catalog.>) -100 AND margin OPERATOR(pg_catalog.<) 100),
    ADD CONSTRAINT interest_regime_legacy_margin_range
        CHECK (legacy_margin OPERATOR(pg_catalog.>) -100 AND legacy_margin OPERATOR(pg_catalog.<) 100),
    ADD CONSTRAINT interest_regime_floor_factor_range
        CHECK (floor_factor OPERATOR(pg_catalog.>=) 0 AND floor_factor OPERATOR(pg_catalog.<=) 100),
    ADD CONSTRAINT interest_regime_indemnity_range
        CHECK (indemnity_amount OPERATOR(pg_catalog.>=) 0 AND indemnity_amount OPERATOR(pg_catalog.<) 1000000000);
-- min_amount may be Infinity (a step never sent) but not NaN
ALTER TABLE ar_credit.dunning_step
    ADD CONSTRAINT dunning_step_named CHECK (policy OPERATOR(pg_catalog.<>) ''),
    ADD CONSTRAINT dunning_step_min_amount_number CHECK (min_amount OPERATOR(pg_catalog.<>) 'NaN');

-- ---------------------------------------------------------------------
-- privileges and comments
-- ---------------------------------------------------------------------
-- read by recommended_terms() for whoever calls it, like the interest tables
GRANT SELECT ON ar_credit.credit_policy TO PUBLIC;

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
