--
-- pgTAP: payment_terms filters as BI tools and drivers send them (SPEC
-- sections 11 and 12, issue 17), with ar_credit off and on the search path.
--
--   * the comparison operators and min()/max() live in pg_catalog, so
--     `terms = 'net 30'`, IN, CASE, min(terms) need no search_path;
--   * implicit casts text -> payment_terms and varchar -> payment_terms let
--     a text or varchar parameter (JDBC setString, psycopg 3 binary) reach
--     the operators and the functions, and keep the index usable;
--   * the built-in types' own operators and functions are still the ones the
--     parser picks, with no ambiguity error, whatever the search path: every
--     expression of a list is compiled into a view and each operator and
--     function the view depends on must be a built-in one (OID below 16384,
--     FirstNormalObjectId);
--   * DROP EXTENSION takes the pg_catalog operators, aggregates and casts.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public;

SELECT plan(33);

CREATE SCHEMA bi_t;

-- "SQLSTATE message" of the error raised by q, or 'no error'
CREATE FUNCTION bi_t.error_of(q text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
END $$;

-- the plan of q, one line per plan node
CREATE FUNCTION bi_t.plan_of(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r   text;
    res text := '';
BEGIN
    FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        res := res || r || E'\n';
    END LOOP;
    RETURN res;
END $$;

-- The expressions whose operator and function resolution must not change:
-- the built-in string, number and date types against each other and against
-- untyped literals, in every comparison, plus the string functions and
-- aggregates that text/varchar parameters meet in BI tools' SQL.
CREATE FUNCTION bi_t.builtin_exprs() RETURNS SETOF text
LANGUAGE sql AS $$
    SELECT format('%s %s %s', l, op, r)
      FROM unnest(ARRAY['''a''', '''a''::text', '''a''::varchar', '''a''::varchar(5)', '''a''::name',
                        '''a''::char(3)']) AS l,
           unnest(ARRAY['''b''', '''b''::text', '''b''::varchar', '''b''::name', '''b''::char(3)']) AS r,
           unnest(ARRAY['=', '<>', '<', '<=', '>', '>=']) AS op
    UNION ALL
    SELECT e FROM unnest(ARRAY[
        '1 = 2', '1.5 < 2', 'date ''2024-01-01'' = ''2024-01-02''', 'now() > ''2024-01-01''',
        '''a''::varchar IN (''a'', ''b'')', '''a''::text IN (''a''::varchar, ''b'')', '''a'' IN (''a'', ''b'')',
        'CASE ''a''::varchar WHEN ''a'' THEN 1 END', 'CASE ''a'' WHEN ''b'' THEN 1 END',
        '''a''::varchar || ''b''', '''a'' || ''b''', 'length(''a''::varchar)', 'upper(''a''::varchar)',
        'lower(''a'')', 'coalesce(''a''::varchar, ''b''::text)', 'greatest(''a''::varchar, ''b'')',
        '''a''::varchar LIKE ''a%''', '''a''::varchar ILIKE ''A%''', 'position(''a''::varchar in ''b'')',
        '(SELECT min(v) FROM (VALUES (''a''::varchar)) AS s(v))',
        '(SELECT max(v) FROM (VALUES (''a''::varchar)) AS s(v))',
        '(SELECT min(v) FROM (VALUES (''a''::text)) AS s(v))',
        '(SELECT max(v) FROM (VALUES (''a''::name)) AS s(v))',
        '(SELECT string_agg(v, '','') FROM (VALUES (''a''::varchar)) AS s(v))']) AS e
$$;

-- the expressions of builtin_exprs() that fail to compile or depend on an
-- operator or function that is not built in, under the given search_path
CREATE FUNCTION bi_t.non_builtin_resolutions(path text) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    e   text;
    bad text[] := '{}';
    dep text;
BEGIN
    PERFORM set_config('search_path', path, true);
    FOR e IN SELECT * FROM bi_t.builtin_exprs() LOOP
        BEGIN
            EXECUTE format('CREATE VIEW bi_t.probe AS SELECT %s AS x', e);
            SELECT string_agg(CASE WHEN d.refclassid = 'pg_catalog.pg_operator'::regclass
                                   THEN d.refobjid::regoperator::text ELSE d.refobjid::regprocedure::text END, ', ')
              INTO dep
              FROM pg_catalog.pg_depend d
              JOIN pg_catalog.pg_rewrite w ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = w.oid
             WHERE w.ev_class = 'bi_t.probe'::regclass
               AND d.refclassid IN ('pg_catalog.pg_operator'::regclass, 'pg_catalog.pg_proc'::regclass)
               AND d.refobjid >= 16384;
            IF dep IS NOT NULL THEN
                bad := bad || format('%s: uses %s', e, dep);
            END IF;
            DROP VIEW bi_t.probe;
        EXCEPTION WHEN OTHERS THEN
            bad := bad || format('%s: %s %s', e, SQLSTATE, SQLERRM);
        END;
    END LOOP;
    PERFORM set_config('search_path', 'public', true);
    RETURN bad;
END $$;

CREATE TABLE bi_t.contract (id int PRIMARY KEY, terms ar_credit.payment_terms NOT NULL);
INSERT INTO bi_t.contract
SELECT g, (ARRAY['net 30', '45 jours fin de mois', '2/10 net 30', 'immediate', '2M', 'CM+45D'])[g % 6 + 1]
  FROM generate_series(1, 600) AS g;
CREATE INDEX contract_terms ON bi_t.contract (terms);
ANALYZE bi_t.contract;

-- 1. where the objects live
SELECT is(ARRAY(SELECT DISTINCT oprnamespace::regnamespace::text FROM pg_operator
                 WHERE 'ar_credit.payment_terms'::regtype IN (oprleft, oprright)),
          ARRAY['pg_catalog'], 'the payment_terms operators live in pg_catalog');
SELECT is((SELECT count(*)::int FROM pg_operator o JOIN pg_depend d
             ON d.classid = 'pg_operator'::regclass AND d.objid = o.oid AND d.deptype = 'e'
            AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ar_credit')
            WHERE o.oprnamespace = 'pg_catalog'::regnamespace), 6,
          'the six operators are members of the extension');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.prokind = 'a' AND p.proargtypes[0] = 'ar_credit.payment_terms'::regtype ORDER BY 1),
          ARRAY['max(ar_credit.payment_terms)', 'min(ar_credit.payment_terms)'],
          'min and max over terms are pg_catalog aggregates (no schema shown)');
SELECT is(ARRAY(SELECT format('%s %s %s', castsource::regtype, castcontext, castmethod) FROM pg_cast
                 WHERE casttarget = 'ar_credit.payment_terms'::regtype ORDER BY castsource),
          ARRAY['text i i', 'character varying i i'],
          'text and varchar cast to payment_terms implicitly, through the input function');
SELECT is((SELECT count(*)::int FROM pg_cast WHERE castsource = 'ar_credit.payment_terms'::regtype), 0,
          'no cast from payment_terms is declared (text output stays explicit or assignment)');

-- 2. literals, IN, CASE, aggregates, without ar_credit on the search path
SELECT is((SELECT count(*)::int FROM bi_t.contract WHERE terms = 'net 30'), 100, 'terms = ''net 30''');
SELECT is((SELECT count(*)::int FROM bi_t.contract WHERE terms IN ('30 jours', 'comptant')), 200, 'terms IN (...)');
SELECT is((SELECT count(*)::int FROM bi_t.contract WHERE terms NOT IN ('30D', '2M')), 400, 'terms NOT IN (...)');
SELECT is((SELECT count(*)::int FROM bi_t.contract WHERE terms < '1M'), 300, 'terms < ''1M''');
SELECT is((SELECT count(*)::int FROM bi_t.contract WHERE terms BETWEEN '30D' AND '2M'), 300, 'terms BETWEEN');
SELECT is((SELECT min(terms)::text || ' ' || max(terms)::text FROM bi_t.contract), 'immediate CM+45D',
          'min(terms), max(terms)');
SELECT is((SELECT sum(CASE terms WHEN 'immediate' THEN 1 ELSE 0 END)::int FROM bi_t.contract), 100,
          'CASE terms WHEN ''immediate''');
SELECT is((SELECT count(DISTINCT terms)::int FROM bi_t.contract), 6, 'count(DISTINCT terms)');
SELECT is((SELECT string_agg(t::text, ' ' ORDER BY t) FROM (SELECT DISTINCT terms FROM bi_t.contract) AS s(t)),
          'immediate 30D 30D discount 2% 10D 2M 45D+CM CM+45D', 'ORDER BY terms in term-length order');

-- 3. text and varchar parameters, as drivers bind them
PREPARE bi_by_varchar(varchar) AS SELECT count(*)::int FROM bi_t.contract WHERE terms = $1;
PREPARE bi_by_text(text) AS SELECT count(*)::int FROM bi_t.contract WHERE terms = $1;
PREPARE bi_in_varchar(varchar, varchar) AS SELECT count(*)::int FROM bi_t.contract WHERE terms IN ($1, $2);
PREPARE bi_due(varchar, date) AS SELECT ar_credit.due_date($1, $2);
PREPARE bi_due_text(text, date) AS SELECT ar_credit.due_date($1, $2);
SELECT is((SELECT * FROM bi_t.error_of('EXECUTE bi_by_varchar(''net 30'')')), 'no error', 'terms = varchar parameter compiles');
SELECT results_eq('EXECUTE bi_by_varchar(''30 days'')', ARRAY[100], 'terms = $1 (varchar, JDBC setString)');
SELECT results_eq('EXECUTE bi_by_text(''45 jours fin de mois'')', ARRAY[100], 'terms = $1 (text, psycopg 3 binary)');
SELECT results_eq('EXECUTE bi_in_varchar(''2M'', ''immediate'')', ARRAY[200], 'terms IN ($1, $2) (varchar)');
SELECT results_eq('EXECUTE bi_due(''net 30'', ''2024-01-15'')', ARRAY[date '2024-02-14'],
                  'ar_credit.due_date(varchar, date)');
SELECT results_eq('EXECUTE bi_due_text(''45D+CM'', ''2024-01-15'')', ARRAY[date '2024-02-29'],
                  'ar_credit.due_date(text, date)');
SELECT lives_ok($$INSERT INTO bi_t.contract VALUES (1001, 'net 60'::varchar), (1002, 'CM+45D'::text)$$,
                'text and varchar values insert into a terms column');
SELECT throws_ok('EXECUTE bi_by_varchar(''net thirty'')', '22P02',
                 'invalid input syntax for type payment_terms: "net thirty"',
                 'a bad varchar parameter is refused with 22P02 naming the value');
SELECT is(bi_t.error_of($$SELECT 'net 30'::varchar::ar_credit.payment_terms = 'x'::text$$),
          '22P02 invalid input syntax for type payment_terms: "x"',
          'terms compared with bad text: 22P02, never a text comparison');

-- 4. the index serves literal and parameter filters
SET LOCAL enable_seqscan = off;
SELECT matches(bi_t.plan_of($$SELECT id FROM bi_t.contract WHERE terms = 'net 30'$$), 'contract_terms',
               'the terms index serves terms = literal');
SELECT matches(bi_t.plan_of('EXECUTE bi_by_varchar(''net 30'')'), 'contract_terms',
               'the terms index serves terms = varchar parameter');
SELECT matches(bi_t.plan_of($$SELECT id FROM bi_t.contract WHERE terms IN ('2M', '1M')$$), 'contract_terms',
               'the terms index serves terms IN (...)');
RESET enable_seqscan;

-- 5. no ambiguity, and the built-in operators still win, on every search path
SELECT is((SELECT count(*)::int FROM bi_t.builtin_exprs()), 204, 'the list of built-in expressions checked');
SELECT is(bi_t.non_builtin_resolutions('public'), '{}', 'built-in operators and functions, ar_credit off the path');
SELECT is(bi_t.non_builtin_resolutions('ar_credit, public'), '{}', 'same with ar_credit first on the path');
SELECT is(bi_t.non_builtin_resolutions('public, ar_credit, pg_catalog'), '{}',
          'same with pg_catalog explicitly last');
SELECT is(ARRAY(SELECT pg_typeof(x)::text FROM (VALUES ('a' = 'b'), ('a'::varchar = 'b')) AS v(x)),
          ARRAY['boolean', 'boolean'], 'unknown = unknown and varchar = unknown still compile');

-- 6. DROP EXTENSION takes the pg_catalog members with it
CREATE TEMP TABLE bi_members AS
SELECT 'op' AS kind, o.oid FROM pg_operator o WHERE 'ar_credit.payment_terms'::regtype IN (o.oprleft, o.oprright)
UNION ALL SELECT 'agg', p.oid FROM pg_proc p WHERE p.prokind = 'a' AND p.proargtypes[0] = 'ar_credit.payment_terms'::regtype
UNION ALL SELECT 'cast', c.oid FROM pg_cast c WHERE c.casttarget = 'ar_credit.payment_terms'::regtype;
SELECT is((SELECT count(*)::int FROM bi_members), 10, 'six operators, two aggregates, two casts recorded');
DROP TABLE bi_t.contract;
DROP EXTENSION ar_credit;
SELECT is((SELECT count(*)::int FROM bi_members m
            WHERE EXISTS (SELECT FROM pg_operator WHERE oid = m.oid) OR EXISTS (SELECT FROM pg_proc WHERE oid = m.oid)
               OR EXISTS (SELECT FROM pg_cast WHERE oid = m.oid)), 0,
          'DROP EXTENSION drops the pg_catalog operators, the aggregates and the casts');

SELECT * FROM finish();
ROLLBACK;
