\echo Use "ALTER EXTENSION ar_credit UPDATE TO '0.2.0'" to load this file. \quit
-- ar_credit 0.1.0 -> 0.2.0

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
