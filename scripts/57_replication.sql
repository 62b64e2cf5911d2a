\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
-- ar_credit install script, section 57: logical replication (issue 16, "a
-- credit database next to the ERP"; doc/replication.md).
--
-- A subscriber is followed by the row triggers track() attaches enabled for
-- replication (section 55).  This section keeps ar_credit's own tables out
-- of publications: a subscriber that has ar_credit holds them already, with
-- their shipped rows, and its apply worker would stop on the duplicate keys;
-- one that has not would stop on the missing tables; and the queue of each
-- side is its own, computed from the finance tables it receives.
-- PostgreSQL (15 to 18) cannot leave tables out of FOR ALL TABLES, so such a
-- publication is refused in a database that has ar_credit, as are one that
-- names schema ar_credit or one of its tables: an event trigger raises at
-- the end of CREATE / ALTER PUBLICATION, with the publication to use.

-- the check itself, callable on any publication (monitoring, scripts)
CREATE FUNCTION ar_credit.check_publication(publication pg_catalog.name)
RETURNS void
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pub pg_catalog.pg_publication;
    ns pg_catalog.oid;
    tbl pg_catalog.text;
    what pg_catalog.text;
    schemas pg_catalog.text;
BEGIN
    SELECT * INTO pub FROM pg_catalog.pg_publication AS p WHERE p.pubname OPERATOR(pg_catalog.=) publication;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'publication "%" does not exist', ar_credit.clip(publication) USING ERRCODE = '42704';
    END IF;
    SELECT e.extnamespace INTO ns FROM pg_catalog.pg_extension AS e WHERE e.extname OPERATOR(pg_catalog.=) 'ar_credit';
    IF pub.puballtables THEN
        what := 'publishes all tables, ar_credit''s own among them';
    ELSIF EXISTS (SELECT 1 FROM pg_catalog.pg_publication_namespace AS n
                   WHERE n.pnpubid OPERATOR(pg_catalog.=) pub.oid AND n.pnnspid OPERATOR(pg_catalog.=) ns) THEN
        what := 'publishes schema ar_credit';
    ELSE
        SELECT pg_catalog.min(r.prrelid::pg_catalog.regclass::pg_catalog.text) INTO tbl
          FROM pg_catalog.pg_publication_rel AS r
          JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) r.prrelid
         WHERE r.prpubid OPERATOR(pg_catalog.=) pub.oid AND c.relnamespace OPERATOR(pg_catalog.=) ns;
        IF tbl IS NULL THEN
            RETURN;
        END IF;
        what := pg_catalog.format('publishes table %s of ar_credit', tbl);
    END IF;
    -- the schemas holding the user's tables: the publication to use instead
    SELECT pg_catalog.string_agg(pg_catalog.quote_ident(n.nspname), ', ' ORDER BY n.nspname) INTO schemas
      FROM pg_catalog.pg_namespace AS n
     WHERE n.oid OPERATOR(pg_catalog.<>) COALESCE(ns, 0) AND n.nspname OPERATOR(pg_catalog.<>) 'information_schema'
       AND n.nspname OPERATOR(pg_catalog.!~) '^pg_'
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_class AS c
                    WHERE c.relnamespace OPERATOR(pg_catalog.=) n.oid AND c.relkind IN ('r', 'p')
                      AND c.relpersistence OPERATOR(pg_catalog.=) 'p' AND NOT c.relispartition);
    RAISE EXCEPTION 'publication "%" %', pub.pubname, what USING ERRCODE = '22023',
          DETAIL = 'A subscriber that has ar_credit already holds these tables and their shipped rows: its apply worker would stop on duplicate keys; one without ar_credit would stop on missing tables. Each database computes its own queue from the finance tables it holds.',
          HINT = CASE WHEN pub.puballtables THEN 'FOR ALL TABLES cannot leave tables out: drop it and publish'
                      ELSE 'Publish' END
                 || pg_catalog.format(' the finance tables by name (CREATE PUBLICATION %I FOR TABLE invoices, payments, ...)',
                                      pub.pubname)
                 || CASE WHEN schemas IS NOT NULL
                         THEN pg_catalog.format(' or by schema (FOR TABLES IN SCHEMA %s)', schemas) ELSE '' END
                 || '; see doc/replication.md.';
END
$$;
COMMENT ON FUNCTION ar_credit.check_publication(pg_catalog.name) IS
    'raises 22023 when a publication would publish ar_credit''s own tables (FOR ALL TABLES, schema ar_credit, or one of its tables), with the publication to use instead; 42704 for an unknown publication';

-- The event trigger: the publications the command created or changed.
-- ALTER PUBLICATION reports a publication, or the table or schema it added.
CREATE FUNCTION ar_credit.on_publication_change()
RETURNS event_trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pub pg_catalog.name;
BEGIN
    FOR pub IN
        SELECT DISTINCT p.pubname
          FROM pg_catalog.pg_event_trigger_ddl_commands() AS c
          JOIN pg_catalog.pg_publication AS p ON p.oid OPERATOR(pg_catalog.=) CASE c.classid
               WHEN 'pg_catalog.pg_publication'::pg_catalog.regclass THEN c.objid
               WHEN 'pg_catalog.pg_publication_rel'::pg_catalog.regclass
                    THEN (SELECT r.prpubid FROM pg_catalog.pg_publication_rel AS r WHERE r.oid OPERATOR(pg_catalog.=) c.objid)
               WHEN 'pg_catalog.pg_publication_namespace'::pg_catalog.regclass
                    THEN (SELECT n.pnpubid FROM pg_catalog.pg_publication_namespace AS n WHERE n.oid OPERATOR(pg_catalog.=) c.objid)
               END
         ORDER BY p.pubname
    LOOP
        PERFORM ar_credit.check_publication(pub);
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.on_publication_change() IS
    'event trigger (ddl_command_end of CREATE and ALTER PUBLICATION): refuses a publication that would publish ar_credit''s own tables (ar_credit.check_publication)';

CREATE EVENT TRIGGER ar_credit_publication ON ddl_command_end
    WHEN TAG IN ('CREATE PUBLICATION', 'ALTER PUBLICATION')
    EXECUTE FUNCTION ar_credit.on_publication_change();
COMMENT ON EVENT TRIGGER ar_credit_publication IS
    'refuses publications that would publish ar_credit''s own tables (doc/replication.md)';

REVOKE ALL ON FUNCTION ar_credit.on_publication_change() FROM PUBLIC;

-- A FOR ALL TABLES publication made before ar_credit would publish its
-- tables from now on: the extension is not installed beside it.
DO $$
DECLARE
    pub pg_catalog.name;
BEGIN
    FOR pub IN SELECT p.pubname FROM pg_catalog.pg_publication AS p WHERE p.puballtables ORDER BY p.pubname LOOP
        PERFORM ar_credit.check_publication(pub);
    END LOOP;
END
$$;
