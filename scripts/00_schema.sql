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
