\echo Use "ALTER EXTENSION ar_credit UPDATE TO '0.3.0'" to load this file. \quit
-- ar_credit 0.2.0 -> 0.3.0
--
-- Checked by test/upgrade.sh: a database updated with this script holds the
-- same objects, definitions, privileges and comments as a fresh 0.3.0 install.
-- One section per area, in the order of scripts/NN_area.sql.

-- ---------------------------------------------------------------------
-- 10 terms (SPEC section 11: filters BI tools send)
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- 20 aging (SPEC section 11 / issue 16: aggregate states Citus can combine)
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- 50 dunning (SPEC sections 7 and 10: tracking any finance table, workers)
-- ---------------------------------------------------------------------
