\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
-- ar_credit install script, section 00: the schema and its privileges.
--
-- CREATE EXTENSION creates schema ar_credit (ar_credit.control). Every
-- reference below and in the later sections is schema-qualified; functions
-- that run SQL pin search_path. Pure functions keep the default EXECUTE
-- grant to PUBLIC; tables, the queue and the roles' rights are granted
-- explicitly by their own sections.

COMMENT ON SCHEMA ar_credit IS 'ar_credit: accounts-receivable credit management (payment terms, aging, scores, late interest, dunning)';
REVOKE ALL ON SCHEMA ar_credit FROM PUBLIC;
GRANT USAGE ON SCHEMA ar_credit TO PUBLIC;

-- Configuration tables (credit_policy, reference_rate, interest_regime,
-- dunning_step) ship rows with shipped = true; pg_dump keeps only the rows
-- users write (pg_extension_config_dump ... 'WHERE NOT shipped').
CREATE FUNCTION ar_credit.config_row_user_owned()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cond text := 'shipped';
BEGIN
    -- a row written by a user is the user's: dumped, and it replaces a shipped
    -- row with the same key (this is what makes pg_restore work); the
    -- trigger arguments name the key columns
    NEW.shipped := false;
    IF TG_OP = 'INSERT' THEN
        FOR i IN 0 .. TG_NARGS - 1 LOOP
            cond := cond || format(' AND %I = ($1).%I', TG_ARGV[i], TG_ARGV[i]);
        END LOOP;
        EXECUTE format('DELETE FROM %I.%I WHERE %s', TG_TABLE_SCHEMA, TG_TABLE_NAME, cond)
          USING NEW;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION ar_credit.config_row_user_owned() IS
    'trigger of configuration tables: rows written by users are not shipped rows';


-- statement trigger of the configuration tables backends cache
CREATE FUNCTION ar_credit.config_cache_invalidate()
RETURNS trigger AS 'MODULE_PATHNAME', 'ar_config_cache_invalidate'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.config_cache_invalidate() IS
    'statement trigger of reference_rate, interest_regime and dunning_step: invalidates every backend''s cache of them';
