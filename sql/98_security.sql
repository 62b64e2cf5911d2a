--
-- Hostile environment: install with hostile objects planted earlier in the
-- search path, then check that nothing of ar_credit resolves to them and
-- that nothing is writable by PUBLIC.
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS ar_credit CASCADE;
CREATE ROLE regress_ar_hostile;
GRANT CREATE ON SCHEMA public TO regress_ar_hostile;
SET ROLE regress_ar_hostile;
-- look-alikes a careless script or a trigger run under this path would pick
CREATE FUNCTION public.due_date(text, date) RETURNS date
    LANGUAGE sql AS 'SELECT date ''1900-01-01''';
CREATE FUNCTION public.hostile_int_eq(integer, integer) RETURNS boolean
    LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR public.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.hostile_int_eq);
CREATE FUNCTION public.hostile_date_pl(date, integer) RETURNS date
    LANGUAGE sql AS 'SELECT date ''1900-01-01''';
CREATE OPERATOR public.+ (LEFTARG = date, RIGHTARG = integer, FUNCTION = public.hostile_date_pl);
CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql AS 'SELECT ''hostile''';
RESET ROLE;

SET search_path = public, pg_catalog;
CREATE EXTENSION ar_credit;
RESET client_min_messages;

-- nothing of the extension depends on an object outside pg_catalog and ar_credit
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS member,
       pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) AS depends_on
  FROM pg_depend d
  JOIN pg_depend e ON e.classid = d.classid AND e.objid = d.objid
                  AND e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
 WHERE e.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ar_credit')
   AND d.refclassid = 'pg_proc'::regclass
   AND (SELECT pronamespace FROM pg_proc WHERE oid = d.refobjid)
       NOT IN ('pg_catalog'::regnamespace, 'ar_credit'::regnamespace);

-- functions answer correctly under the hostile path
SELECT ar_credit.due_date('45D+CM', date '2024-01-15') AS due,
       ar_credit.max_term_days('30D') AS days;

-- the same under ALTER EXTENSION UPDATE from the first release
SET client_min_messages = warning;
DROP EXTENSION ar_credit;
CREATE EXTENSION ar_credit VERSION '0.1.0';
ALTER EXTENSION ar_credit UPDATE;
RESET client_min_messages;
SELECT extversion FROM pg_extension WHERE extname = 'ar_credit';
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS member,
       pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) AS depends_on
  FROM pg_depend d
  JOIN pg_depend e ON e.classid = d.classid AND e.objid = d.objid
                  AND e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
 WHERE e.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ar_credit')
   AND d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass)
   AND coalesce((SELECT pronamespace FROM pg_proc WHERE oid = d.refobjid),
                (SELECT oprnamespace FROM pg_operator WHERE oid = d.refobjid))
       NOT IN ('pg_catalog'::regnamespace, 'ar_credit'::regnamespace);
SELECT ar_credit.due_date('45D+CM', date '2024-01-15') AS due;

-- functions that run SQL pin their search_path; functions that do not are C
-- or SQL-standard bodies
SELECT p.oid::regprocedure AS unpinned
  FROM pg_proc p
 WHERE p.pronamespace = 'ar_credit'::regnamespace
   AND p.prolang NOT IN (SELECT oid FROM pg_language WHERE lanname IN ('c', 'internal'))
   AND p.prosqlbody IS NULL
   AND NOT coalesce(p.proconfig::text[] && ARRAY['search_path=pg_catalog, pg_temp',
                                                  'search_path=pg_catalog,pg_temp'], false)
 ORDER BY 1::text;

-- nothing in the schema is writable by PUBLIC
SELECT c.oid::regclass AS relation, a.privilege_type
  FROM pg_class c, aclexplode(c.relacl) a
 WHERE c.relnamespace = 'ar_credit'::regnamespace
   AND a.grantee = 0 AND a.privilege_type <> 'SELECT'
 ORDER BY 1::text, 2;
SELECT has_schema_privilege('public', 'ar_credit', 'CREATE') AS public_can_create_in_schema;

-- clean up (the role owns the look-alikes)
RESET search_path;
DROP OWNED BY regress_ar_hostile;
DROP ROLE regress_ar_hostile;
