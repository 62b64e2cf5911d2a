-- The extension installs into its own schema, not relocatable.
CREATE EXTENSION ar_credit;
SELECT extname, extversion, nspname, extrelocatable
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'ar_credit';
