--
-- pgTAP behaviour tests of statutory late-payment interest (SPEC section 4):
-- ar_credit.reference_rate, ar_credit.interest_regime, late_interest (both
-- forms), late_interest_detail, recovery_indemnity and the rate cache.
--
-- Every amount below is worked by hand in the comment beside it (and in
-- doc/interest_worked_examples.md).  Conventions: interest runs from the
-- day after due through paid inclusive (paid - due days); each segment is
-- amount x rate% x days / (100 x basis), rounded half away from zero to
-- cents, and the segments are summed.  The shipped rates are checked
-- against the reference CSVs in /work/shared/reference (values copied in
-- below, generated from the CSV files).  Tests marked "Regression" pin bugs this
-- file found.  Run with pg_prove in a database where pgtap is installed.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public, ar_credit;
SET LOCAL datestyle = 'ISO, YMD';

SELECT plan(162);

-- ---------------------------------------------------------------------
-- Tables, columns, keys, functions
-- ---------------------------------------------------------------------
SELECT has_table('ar_credit', 'reference_rate', 'table ar_credit.reference_rate exists');
SELECT has_table('ar_credit', 'interest_regime', 'table ar_credit.interest_regime exists');
SELECT col_type_is('ar_credit', 'reference_rate', 'rate_index', 'text', 'reference_rate.rate_index is text');
SELECT col_type_is('ar_credit', 'reference_rate', 'valid_from', 'date', 'reference_rate.valid_from is date');
SELECT col_type_is('ar_credit', 'reference_rate', 'rate', 'numeric', 'reference_rate.rate is numeric');
SELECT col_type_is('ar_credit', 'reference_rate', 'source', 'text', 'reference_rate.source is text');
SELECT col_type_is('ar_credit', 'reference_rate', 'shipped', 'boolean', 'reference_rate.shipped is boolean');
SELECT col_is_pk('ar_credit', 'reference_rate', ARRAY['rate_index', 'valid_from'],
                 'reference_rate primary key is (rate_index, valid_from)');
SELECT col_is_pk('ar_credit', 'interest_regime', 'regime', 'interest_regime primary key is regime');
SELECT columns_are('ar_credit', 'interest_regime',
                   ARRAY['regime', 'rate_index', 'margin', 'fixing', 'day_count', 'per_period',
                         'indemnity_rule', 'indemnity_amount', 'currency', 'floor_index', 'floor_factor',
                         'legacy_due_before', 'legacy_margin', 'description', 'source', 'shipped'],
                   'interest_regime columns');
SELECT col_type_is('ar_credit', 'interest_regime', 'margin', 'numeric', 'interest_regime.margin is numeric');
SELECT col_type_is('ar_credit', 'interest_regime', 'legacy_due_before', 'date', 'interest_regime.legacy_due_before is date');

SELECT has_function('ar_credit', 'late_interest', ARRAY['numeric', 'date', 'date', 'text'],
                    'late_interest(numeric, date, date, text)');
SELECT has_function('ar_credit', 'late_interest', ARRAY['numeric', 'date', 'date', 'text', 'numeric'],
                    'late_interest(numeric, date, date, text, numeric)');
SELECT has_function('ar_credit', 'late_interest_detail', ARRAY['numeric', 'date', 'date', 'text'],
                    'late_interest_detail(numeric, date, date, text)');
SELECT has_function('ar_credit', 'recovery_indemnity', ARRAY['numeric', 'text'],
                    'recovery_indemnity(numeric, text)');
SELECT is(pg_get_function_arguments('ar_credit.late_interest(numeric, date, date, text)'::regprocedure),
          'amount numeric, due date, paid date, regime text DEFAULT ''FR_B2B''::text',
          'late_interest arguments, regime defaults to FR_B2B');
SELECT is(pg_get_function_arguments('ar_credit.late_interest_detail(numeric, date, date, text)'::regprocedure),
          'amount numeric, due date, paid date, regime text DEFAULT ''FR_B2B''::text, OUT period_start date, OUT period_end date, OUT days integer, OUT annual_rate numeric, OUT interest numeric',
          'late_interest_detail arguments and output columns (period_start, period_end, days, annual_rate, interest)');
SELECT volatility_is('ar_credit', 'late_interest', ARRAY['numeric', 'date', 'date', 'text'], 'stable',
                     'late_interest is STABLE (reads the tables)');
SELECT is_strict('ar_credit', 'late_interest', ARRAY['numeric', 'date', 'date', 'text', 'numeric'],
                 'late_interest with a contract rate is STRICT');

-- ---------------------------------------------------------------------
-- Shipped regimes
-- ---------------------------------------------------------------------
SELECT set_eq($$SELECT regime, rate_index, margin, fixing, day_count, indemnity_rule,
                       coalesce(indemnity_amount, 0), currency
                  FROM ar_credit.interest_regime WHERE shipped$$,
              $$VALUES ('FR_B2B', 'ECB_MRO', 10, 'half_year', 'act/365', 'fixed', 40, 'EUR'),
                       ('FR_PUBLIC', 'ECB_MRO', 8, 'start_half_year', 'act/365', 'fixed', 40, 'EUR'),
                       ('FR_LEGAL_PRO', 'FR_TIL_PRO', 0, 'half_year', 'act/365', 'none', 0, 'EUR'),
                       ('FR_LEGAL_PART', 'FR_TIL_PART', 0, 'half_year', 'act/365', 'none', 0, 'EUR'),
                       ('EU_B2B', 'ECB_MRO', 8, 'half_year', 'act/365', 'fixed', 40, 'EUR'),
                       ('DE_B2B', 'DE_BASIS', 9, 'half_year', 'act/365', 'fixed', 40, 'EUR'),
                       ('DE_B2B_PRE_2014', 'DE_BASIS', 8, 'half_year', 'act/365', 'none', 0, 'EUR'),
                       ('DE_B2C', 'DE_BASIS', 5, 'half_year', 'act/365', 'none', 0, 'EUR'),
                       ('UK_B2B', 'UK_BOE', 8, 'reference_day', 'act/365', 'uk_bands', 0, 'GBP')$$,
              'the shipped regimes and their rules');
SELECT results_eq($$SELECT floor_index, floor_factor FROM ar_credit.interest_regime WHERE floor_index IS NOT NULL$$,
                  $$VALUES ('FR_TIL_PRO', 3::numeric)$$,
                  'only FR_B2B has a contract-rate floor: 3 x FR_TIL_PRO');
SELECT results_eq($$SELECT regime, legacy_due_before, legacy_margin FROM ar_credit.interest_regime WHERE legacy_due_before IS NOT NULL$$,
                  $$VALUES ('DE_B2B', date '2014-07-29', 8::numeric)$$,
                  'only DE_B2B has a legacy margin: +8 for debts due before 2014-07-29');

-- ---------------------------------------------------------------------
-- Shipped rates against the reference CSVs
-- ---------------------------------------------------------------------
SELECT set_eq($$SELECT valid_from, rate FROM ar_credit.reference_rate WHERE rate_index = 'ECB_MRO'$$,
              $$VALUES ('2007-06-13'::date, 4.00::numeric), ('2008-07-09'::date, 4.25::numeric), ('2008-10-15'::date, 3.75::numeric), ('2008-11-12'::date, 3.25::numeric), ('2008-12-10'::date, 2.50::numeric), ('2009-01-21'::date, 2.00::numeric), ('2009-03-11'::date, 1.50::numeric), ('2009-04-08'::date, 1.25::numeric), ('2009-05-13'::date, 1.00::numeric), ('2011-04-13'::date, 1.25::numeric), ('2011-07-13'::date, 1.50::numeric), ('2011-11-09'::date, 1.25::numeric), ('2011-12-14'::date, 1.00::numeric), ('2012-07-11'::date, 0.75::numeric), ('2013-05-08'::date, 0.50::numeric), ('2013-11-13'::date, 0.25::numeric), ('2014-06-11'::date, 0.15::numeric), ('2014-09-10'::date, 0.05::numeric), ('2016-03-16'::date, 0.00::numeric), ('2022-07-27'::date, 0.50::numeric), ('2022-09-14'::date, 1.25::numeric), ('2022-11-02'::date, 2.00::numeric), ('2022-12-21'::date, 2.50::numeric), ('2023-02-08'::date, 3.00::numeric), ('2023-03-22'::date, 3.50::numeric), ('2023-05-10'::date, 3.75::numeric), ('2023-06-21'::date, 4.00::numeric), ('2023-08-02'::date, 4.25::numeric), ('2023-09-20'::date, 4.50::numeric), ('2024-06-12'::date, 4.25::numeric), ('2024-09-18'::date, 3.65::numeric), ('2024-10-23'::date, 3.40::numeric), ('2024-12-18'::date, 3.15::numeric), ('2025-02-05'::date, 2.90::numeric), ('2025-03-12'::date, 2.65::numeric), ('2025-04-23'::date, 2.40::numeric), ('2025-06-11'::date, 2.15::numeric)$$, 'ECB_MRO rows equal rates_ecb_mro.csv');
SELECT set_eq($$SELECT valid_from, rate FROM ar_credit.reference_rate WHERE rate_index = 'DE_BASIS'$$,
              $$VALUES ('2002-01-01'::date, 2.57::numeric), ('2002-07-01'::date, 2.47::numeric), ('2003-01-01'::date, 1.97::numeric), ('2003-07-01'::date, 1.22::numeric), ('2004-01-01'::date, 1.14::numeric), ('2004-07-01'::date, 1.13::numeric), ('2005-01-01'::date, 1.21::numeric), ('2005-07-01'::date, 1.17::numeric), ('2006-01-01'::date, 1.37::numeric), ('2006-07-01'::date, 1.95::numeric), ('2007-01-01'::date, 2.70::numeric), ('2007-07-01'::date, 3.19::numeric), ('2008-01-01'::date, 3.32::numeric), ('2008-07-01'::date, 3.19::numeric), ('2009-01-01'::date, 1.62::numeric), ('2009-07-01'::date, 0.12::numeric), ('2011-07-01'::date, 0.37::numeric), ('2012-01-01'::date, 0.12::numeric), ('2013-01-01'::date, -0.13::numeric), ('2013-07-01'::date, -0.38::numeric), ('2014-01-01'::date, -0.63::numeric), ('2014-07-01'::date, -0.73::numeric), ('2015-01-01'::date, -0.83::numeric), ('2016-07-01'::date, -0.88::numeric), ('2023-01-01'::date, 1.62::numeric), ('2023-07-01'::date, 3.12::numeric), ('2024-01-01'::date, 3.62::numeric), ('2024-07-01'::date, 3.37::numeric), ('2025-01-01'::date, 2.27::numeric), ('2025-07-01'::date, 1.27::numeric), ('2026-01-01'::date, 1.27::numeric)$$, 'DE_BASIS rows equal rates_de_basiszins.csv');
SELECT set_eq($$SELECT valid_from, rate FROM ar_credit.reference_rate WHERE rate_index = 'FR_TIL_PRO'$$,
              $$VALUES ('2015-01-01'::date, 0.93::numeric), ('2015-07-01'::date, 0.99::numeric), ('2016-01-01'::date, 1.01::numeric), ('2016-07-01'::date, 0.93::numeric), ('2017-01-01'::date, 0.90::numeric), ('2017-07-01'::date, 0.90::numeric), ('2018-01-01'::date, 0.89::numeric), ('2018-07-01'::date, 0.88::numeric), ('2019-01-01'::date, 0.86::numeric), ('2019-07-01'::date, 0.87::numeric), ('2020-01-01'::date, 0.87::numeric), ('2020-07-01'::date, 0.84::numeric), ('2021-01-01'::date, 0.79::numeric), ('2021-07-01'::date, 0.76::numeric), ('2022-01-01'::date, 0.76::numeric), ('2022-07-01'::date, 0.77::numeric), ('2023-01-01'::date, 2.06::numeric), ('2023-07-01'::date, 4.22::numeric), ('2024-01-01'::date, 5.07::numeric), ('2024-07-01'::date, 4.92::numeric), ('2025-01-01'::date, 3.71::numeric), ('2025-07-01'::date, 2.76::numeric), ('2026-01-01'::date, 2.62::numeric)$$, 'FR_TIL_PRO rows equal rates_fr_til.csv (autres cas)');
SELECT set_eq($$SELECT valid_from, rate FROM ar_credit.reference_rate WHERE rate_index = 'FR_TIL_PART'$$,
              $$VALUES ('2015-01-01'::date, 4.06::numeric), ('2015-07-01'::date, 4.29::numeric), ('2016-01-01'::date, 4.54::numeric), ('2016-07-01'::date, 4.35::numeric), ('2017-01-01'::date, 4.16::numeric), ('2017-07-01'::date, 3.94::numeric), ('2018-01-01'::date, 3.73::numeric), ('2018-07-01'::date, 3.60::numeric), ('2019-01-01'::date, 3.40::numeric), ('2019-07-01'::date, 3.26::numeric), ('2020-01-01'::date, 3.15::numeric), ('2020-07-01'::date, 3.11::numeric), ('2021-01-01'::date, 3.14::numeric), ('2021-07-01'::date, 3.12::numeric), ('2022-01-01'::date, 3.13::numeric), ('2022-07-01'::date, 3.15::numeric), ('2023-01-01'::date, 4.47::numeric), ('2023-07-01'::date, 6.82::numeric), ('2024-01-01'::date, 8.01::numeric), ('2024-07-01'::date, 8.16::numeric), ('2025-01-01'::date, 7.21::numeric), ('2025-07-01'::date, 6.65::numeric), ('2026-01-01'::date, 6.67::numeric)$$, 'FR_TIL_PART rows equal rates_fr_til.csv (particulier)');
SELECT set_eq($$SELECT valid_from, rate FROM ar_credit.reference_rate WHERE rate_index = 'UK_BOE'$$,
              $$VALUES ('2007-12-31'::date, 5.50::numeric), ('2008-06-30'::date, 5.00::numeric), ('2008-12-31'::date, 2.00::numeric), ('2009-06-30'::date, 0.50::numeric), ('2009-12-31'::date, 0.50::numeric), ('2010-06-30'::date, 0.50::numeric), ('2010-12-31'::date, 0.50::numeric), ('2011-06-30'::date, 0.50::numeric), ('2011-12-31'::date, 0.50::numeric), ('2012-06-30'::date, 0.50::numeric), ('2012-12-31'::date, 0.50::numeric), ('2013-06-30'::date, 0.50::numeric), ('2013-12-31'::date, 0.50::numeric), ('2014-06-30'::date, 0.50::numeric), ('2014-12-31'::date, 0.50::numeric), ('2015-06-30'::date, 0.50::numeric), ('2015-12-31'::date, 0.50::numeric), ('2016-06-30'::date, 0.50::numeric), ('2016-12-31'::date, 0.25::numeric), ('2017-06-30'::date, 0.25::numeric), ('2017-12-31'::date, 0.50::numeric), ('2018-06-30'::date, 0.50::numeric), ('2018-12-31'::date, 0.75::numeric), ('2019-06-30'::date, 0.75::numeric), ('2019-12-31'::date, 0.75::numeric), ('2020-06-30'::date, 0.10::numeric), ('2020-12-31'::date, 0.10::numeric), ('2021-06-30'::date, 0.10::numeric), ('2021-12-31'::date, 0.25::numeric), ('2022-06-30'::date, 1.25::numeric), ('2022-12-31'::date, 3.50::numeric), ('2023-06-30'::date, 5.00::numeric), ('2023-12-31'::date, 5.25::numeric), ('2024-06-30'::date, 5.25::numeric), ('2024-12-31'::date, 4.75::numeric), ('2025-06-30'::date, 4.25::numeric), ('2025-12-31'::date, 3.75::numeric)$$, 'UK_BOE rows equal rates_uk_reference.csv (one row per reference day)');
SELECT set_eq($$SELECT DISTINCT rate_index FROM ar_credit.reference_rate$$,
              ARRAY['ECB_MRO', 'FR_TIL_PRO', 'FR_TIL_PART', 'DE_BASIS', 'UK_BOE'],
              'the five shipped indexes and no other');

-- single rows, as quoted in the reference notes
SELECT is((SELECT rate FROM ar_credit.reference_rate WHERE rate_index = 'ECB_MRO' AND valid_from = '2024-06-12'), 4.25, 'ECB_MRO 2024-06-12 = 4.25');
SELECT is((SELECT rate FROM ar_credit.reference_rate WHERE rate_index = 'ECB_MRO' AND valid_from = '2016-03-16'), 0.00, 'ECB_MRO 2016-03-16 = 0.00');
SELECT is((SELECT rate FROM ar_credit.reference_rate WHERE rate_index = 'ECB_MRO' AND valid_from = '2025-06-11'), 2.15, 'ECB_MRO 2025-06-11 = 2.15');
SELECT is((SELECT rate FROM ar_credit.reference_rate WHERE rate_index = 'FR_TIL_PRO' AND valid_from = '2024-07-01'), 4.92, 'FR_TIL_PRO 2024-H2 = 4.92');
SELECT is((SELECT rate FROM ar_credit.reference_rate WHERE rate_index = 'FR_TIL_PRO' AND valid_from = '2026-01-01'), 2.62, 'FR_TIL_PRO 2026-H1 = 2.62');
SELECT is((SELECT rate FROM ar_credit.reference_rate WHERE rate_index = 'FR_TIL_PART' AND valid_from = '2024-01-01'), 8.01, 'FR_TIL_PART 2024-H1 = 8.01');
SELECT is((SELECT rate FROM ar_credit.reference_rate WHERE rate_index = 'DE_BASIS' AND valid_from = '2025-07-01'), 1.27, 'DE_BASIS 2025-07-01 = 1.27');
SELECT is((SELECT rate FROM ar_credit.reference_rate WHERE rate_index = 'DE_BASIS' AND valid_from = '2016-07-01'), -0.88, 'DE_BASIS 2016-07-01 = -0.88');
SELECT is((SELECT rate FROM ar_credit.reference_rate WHERE rate_index = 'UK_BOE' AND valid_from = '2023-12-31'), 5.25, 'UK_BOE 2023-12-31 = 5.25');
SELECT is((SELECT rate FROM ar_credit.reference_rate WHERE rate_index = 'UK_BOE' AND valid_from = '2025-12-31'), 3.75, 'UK_BOE 2025-12-31 = 3.75');
SELECT is_empty($$SELECT rate_index, valid_from FROM ar_credit.reference_rate WHERE source IS NULL OR source = '' OR NOT shipped$$,
                'every shipped rate has a source and is marked shipped');
SELECT is_empty($$SELECT regime FROM ar_credit.interest_regime WHERE source IS NULL OR NOT shipped$$,
                'every shipped regime has a source and is marked shipped');

-- user rows are dumped, shipped ones are not
SELECT is((SELECT e.extcondition[array_position(e.extconfig, 'ar_credit.reference_rate'::regclass::oid)]
             FROM pg_extension e WHERE e.extname = 'ar_credit'),
          'WHERE NOT shipped', 'pg_extension_config_dump(reference_rate, ''WHERE NOT shipped'')');
SELECT is((SELECT e.extcondition[array_position(e.extconfig, 'ar_credit.interest_regime'::regclass::oid)]
             FROM pg_extension e WHERE e.extname = 'ar_credit'),
          'WHERE NOT shipped', 'pg_extension_config_dump(interest_regime, ''WHERE NOT shipped'')');

-- Statutory rate of every half-year in the reference tables, read back
-- through the functions: 36 500 owed for 1 day gives 36500 x r x 1 / 36500
-- = r exactly.  Any row where the function disagrees with the CSV is shown.
SELECT is_empty($$SELECT d, r, ar_credit.late_interest(36500, d - 1, d, 'FR_B2B') FROM (VALUES ('2013-01-01'::date, 10.75::numeric), ('2013-07-01'::date, 10.50::numeric), ('2014-01-01'::date, 10.25::numeric), ('2014-07-01'::date, 10.15::numeric), ('2015-01-01'::date, 10.05::numeric), ('2015-07-01'::date, 10.05::numeric), ('2016-01-01'::date, 10.05::numeric), ('2016-07-01'::date, 10.00::numeric), ('2017-01-01'::date, 10.00::numeric), ('2017-07-01'::date, 10.00::numeric), ('2018-01-01'::date, 10.00::numeric), ('2018-07-01'::date, 10.00::numeric), ('2019-01-01'::date, 10.00::numeric), ('2019-07-01'::date, 10.00::numeric), ('2020-01-01'::date, 10.00::numeric), ('2020-07-01'::date, 10.00::numeric), ('2021-01-01'::date, 10.00::numeric), ('2021-07-01'::date, 10.00::numeric), ('2022-01-01'::date, 10.00::numeric), ('2022-07-01'::date, 10.00::numeric), ('2023-01-01'::date, 12.50::numeric), ('2023-07-01'::date, 14.00::numeric), ('2024-01-01'::date, 14.50::numeric), ('2024-07-01'::date, 14.25::numeric), ('2025-01-01'::date, 13.15::numeric), ('2025-07-01'::date, 12.15::numeric), ('2026-01-01'::date, 12.15::numeric)) v(d, r)
                  WHERE ar_credit.late_interest(36500, d - 1, d, 'FR_B2B') <> r$$,
                'FR_B2B rate of every half-year 2013-H1..2026-H1 = rates_derived_halfyear.csv (ECB of 1 Jan / 1 Jul + 10)');
SELECT is_empty($$SELECT d, r, ar_credit.late_interest(36500, d - 1, d, 'EU_B2B') FROM (VALUES ('2013-01-01'::date, 8.75::numeric), ('2013-07-01'::date, 8.50::numeric), ('2014-01-01'::date, 8.25::numeric), ('2014-07-01'::date, 8.15::numeric), ('2015-01-01'::date, 8.05::numeric), ('2015-07-01'::date, 8.05::numeric), ('2016-01-01'::date, 8.05::numeric), ('2016-07-01'::date, 8.00::numeric), ('2017-01-01'::date, 8.00::numeric), ('2017-07-01'::date, 8.00::numeric), ('2018-01-01'::date, 8.00::numeric), ('2018-07-01'::date, 8.00::numeric), ('2019-01-01'::date, 8.00::numeric), ('2019-07-01'::date, 8.00::numeric), ('2020-01-01'::date, 8.00::numeric), ('2020-07-01'::date, 8.00::numeric), ('2021-01-01'::date, 8.00::numeric), ('2021-07-01'::date, 8.00::numeric), ('2022-01-01'::date, 8.00::numeric), ('2022-07-01'::date, 8.00::numeric), ('2023-01-01'::date, 10.50::numeric), ('2023-07-01'::date, 12.00::numeric), ('2024-01-01'::date, 12.50::numeric), ('2024-07-01'::date, 12.25::numeric), ('2025-01-01'::date, 11.15::numeric), ('2025-07-01'::date, 10.15::numeric), ('2026-01-01'::date, 10.15::numeric)) v(d, r)
                  WHERE ar_credit.late_interest(36500, d - 1, d, 'EU_B2B') <> r$$,
                'EU_B2B rate of every half-year = rates_derived_halfyear.csv (+8)');
SELECT is_empty($$SELECT d, r, ar_credit.late_interest(36500, d - 1, d, 'DE_B2C') FROM (VALUES ('2013-01-01'::date, 4.87::numeric), ('2013-07-01'::date, 4.62::numeric), ('2014-01-01'::date, 4.37::numeric), ('2014-07-01'::date, 4.27::numeric), ('2015-01-01'::date, 4.17::numeric), ('2015-07-01'::date, 4.17::numeric), ('2016-01-01'::date, 4.17::numeric), ('2016-07-01'::date, 4.12::numeric), ('2017-01-01'::date, 4.12::numeric), ('2017-07-01'::date, 4.12::numeric), ('2018-01-01'::date, 4.12::numeric), ('2018-07-01'::date, 4.12::numeric), ('2019-01-01'::date, 4.12::numeric), ('2019-07-01'::date, 4.12::numeric), ('2020-01-01'::date, 4.12::numeric), ('2020-07-01'::date, 4.12::numeric), ('2021-01-01'::date, 4.12::numeric), ('2021-07-01'::date, 4.12::numeric), ('2022-01-01'::date, 4.12::numeric), ('2022-07-01'::date, 4.12::numeric), ('2023-01-01'::date, 6.62::numeric), ('2023-07-01'::date, 8.12::numeric), ('2024-01-01'::date, 8.62::numeric), ('2024-07-01'::date, 8.37::numeric), ('2025-01-01'::date, 7.27::numeric), ('2025-07-01'::date, 6.27::numeric), ('2026-01-01'::date, 6.27::numeric)) v(d, r)
                  WHERE ar_credit.late_interest(36500, d - 1, d, 'DE_B2C') <> r$$,
                'DE_B2C rate of every half-year = rates_derived_halfyear.csv (Basiszins + 5)');
SELECT is_empty($$SELECT d, r, ar_credit.late_interest(36500, d - 1, d, 'DE_B2B') FROM (VALUES ('2015-01-01'::date, 8.17::numeric), ('2015-07-01'::date, 8.17::numeric), ('2016-01-01'::date, 8.17::numeric), ('2016-07-01'::date, 8.12::numeric), ('2017-01-01'::date, 8.12::numeric), ('2017-07-01'::date, 8.12::numeric), ('2018-01-01'::date, 8.12::numeric), ('2018-07-01'::date, 8.12::numeric), ('2019-01-01'::date, 8.12::numeric), ('2019-07-01'::date, 8.12::numeric), ('2020-01-01'::date, 8.12::numeric), ('2020-07-01'::date, 8.12::numeric), ('2021-01-01'::date, 8.12::numeric), ('2021-07-01'::date, 8.12::numeric), ('2022-01-01'::date, 8.12::numeric), ('2022-07-01'::date, 8.12::numeric), ('2023-01-01'::date, 10.62::numeric), ('2023-07-01'::date, 12.12::numeric), ('2024-01-01'::date, 12.62::numeric), ('2024-07-01'::date, 12.37::numeric), ('2025-01-01'::date, 11.27::numeric), ('2025-07-01'::date, 10.27::numeric), ('2026-01-01'::date, 10.27::numeric)) v(d, r)
                  WHERE ar_credit.late_interest(36500, d - 1, d, 'DE_B2B') <> r$$,
                'DE_B2B rate of every half-year from 2015 = rates_derived_halfyear.csv (Basiszins + 9)');
SELECT is_empty($$SELECT d, r, ar_credit.late_interest(36500, d - 1, d, 'UK_B2B') FROM (VALUES ('2008-01-01'::date, 13.50::numeric), ('2008-07-01'::date, 13.00::numeric), ('2009-01-01'::date, 10.00::numeric), ('2009-07-01'::date, 8.50::numeric), ('2010-01-01'::date, 8.50::numeric), ('2010-07-01'::date, 8.50::numeric), ('2011-01-01'::date, 8.50::numeric), ('2011-07-01'::date, 8.50::numeric), ('2012-01-01'::date, 8.50::numeric), ('2012-07-01'::date, 8.50::numeric), ('2013-01-01'::date, 8.50::numeric), ('2013-07-01'::date, 8.50::numeric), ('2014-01-01'::date, 8.50::numeric), ('2014-07-01'::date, 8.50::numeric), ('2015-01-01'::date, 8.50::numeric), ('2015-07-01'::date, 8.50::numeric), ('2016-01-01'::date, 8.50::numeric), ('2016-07-01'::date, 8.50::numeric), ('2017-01-01'::date, 8.25::numeric), ('2017-07-01'::date, 8.25::numeric), ('2018-01-01'::date, 8.50::numeric), ('2018-07-01'::date, 8.50::numeric), ('2019-01-01'::date, 8.75::numeric), ('2019-07-01'::date, 8.75::numeric), ('2020-01-01'::date, 8.75::numeric), ('2020-07-01'::date, 8.10::numeric), ('2021-01-01'::date, 8.10::numeric), ('2021-07-01'::date, 8.10::numeric), ('2022-01-01'::date, 8.25::numeric), ('2022-07-01'::date, 9.25::numeric), ('2023-01-01'::date, 11.50::numeric), ('2023-07-01'::date, 13.00::numeric), ('2024-01-01'::date, 13.25::numeric), ('2024-07-01'::date, 13.25::numeric), ('2025-01-01'::date, 12.75::numeric), ('2025-07-01'::date, 12.25::numeric), ('2026-01-01'::date, 11.75::numeric)) v(d, r)
                  WHERE ar_credit.late_interest(36500, d - 1, d, 'UK_B2B') <> r$$,
                'UK_B2B statutory rate for interest starting in each half-year 2008-H1..2026-H1 = rates_uk_reference.csv');
SELECT is_empty($$SELECT d, r, ar_credit.late_interest(36500, d - 1, d, 'FR_LEGAL_PRO') FROM (VALUES ('2015-01-01'::date, 0.93::numeric), ('2015-07-01'::date, 0.99::numeric), ('2016-01-01'::date, 1.01::numeric), ('2016-07-01'::date, 0.93::numeric), ('2017-01-01'::date, 0.90::numeric), ('2017-07-01'::date, 0.90::numeric), ('2018-01-01'::date, 0.89::numeric), ('2018-07-01'::date, 0.88::numeric), ('2019-01-01'::date, 0.86::numeric), ('2019-07-01'::date, 0.87::numeric), ('2020-01-01'::date, 0.87::numeric), ('2020-07-01'::date, 0.84::numeric), ('2021-01-01'::date, 0.79::numeric), ('2021-07-01'::date, 0.76::numeric), ('2022-01-01'::date, 0.76::numeric), ('2022-07-01'::date, 0.77::numeric), ('2023-01-01'::date, 2.06::numeric), ('2023-07-01'::date, 4.22::numeric), ('2024-01-01'::date, 5.07::numeric), ('2024-07-01'::date, 4.92::numeric), ('2025-01-01'::date, 3.71::numeric), ('2025-07-01'::date, 2.76::numeric), ('2026-01-01'::date, 2.62::numeric)) v(d, r)
                  WHERE ar_credit.late_interest(36500, d - 1, d, 'FR_LEGAL_PRO') <> r$$,
                'FR_LEGAL_PRO rate of every half-year 2015-H1..2026-H1 = rates_fr_til.csv');
SELECT is_empty($$SELECT d, r, ar_credit.late_interest(36500, d - 1, d, 'FR_LEGAL_PART') FROM (VALUES ('2015-01-01'::date, 4.06::numeric), ('2015-07-01'::date, 4.29::numeric), ('2016-01-01'::date, 4.54::numeric), ('2016-07-01'::date, 4.35::numeric), ('2017-01-01'::date, 4.16::numeric), ('2017-07-01'::date, 3.94::numeric), ('2018-01-01'::date, 3.73::numeric), ('2018-07-01'::date, 3.60::numeric), ('2019-01-01'::date, 3.40::numeric), ('2019-07-01'::date, 3.26::numeric), ('2020-01-01'::date, 3.15::numeric), ('2020-07-01'::date, 3.11::numeric), ('2021-01-01'::date, 3.14::numeric), ('2021-07-01'::date, 3.12::numeric), ('2022-01-01'::date, 3.13::numeric), ('2022-07-01'::date, 3.15::numeric), ('2023-01-01'::date, 4.47::numeric), ('2023-07-01'::date, 6.82::numeric), ('2024-01-01'::date, 8.01::numeric), ('2024-07-01'::date, 8.16::numeric), ('2025-01-01'::date, 7.21::numeric), ('2025-07-01'::date, 6.65::numeric), ('2026-01-01'::date, 6.67::numeric)) v(d, r)
                  WHERE ar_credit.late_interest(36500, d - 1, d, 'FR_LEGAL_PART') <> r$$,
                'FR_LEGAL_PART rate of every half-year 2015-H1..2026-H1 = rates_fr_til.csv');

-- ---------------------------------------------------------------------
-- Hand-worked examples (doc/interest_worked_examples.md, E1..E13)
-- ---------------------------------------------------------------------
-- E1 FR_B2B, 10 000 due 2024-06-15 paid 2024-07-15: 30 days, split at 1 Jul.
--   2024-06-16..06-30: 15 days at ECB of 1 Jan 2024 (4.50) + 10 = 14.50
--     10000 x 14.50 x 15 / 36500 = 2175000 / 36500 = 59.589... -> 59.59
--   2024-07-01..07-15: 15 days at ECB of 1 Jul 2024 (4.25, since 12 Jun) + 10 = 14.25
--     10000 x 14.25 x 15 / 36500 = 2137500 / 36500 = 58.561... -> 58.56
--   total 59.59 + 58.56 = 118.15
SELECT is(late_interest(10000, '2024-06-15', '2024-07-15', 'FR_B2B'), 118.15, 'E1 FR_B2B across 1 Jul 2024: 59.59 + 58.56 = 118.15');
SELECT is(late_interest(10000, '2024-06-15', '2024-07-15'), 118.15, 'E1 the regime defaults to FR_B2B');
SELECT results_eq($$SELECT * FROM ar_credit.late_interest_detail(10000, '2024-06-15', '2024-07-15')$$,
                  $$VALUES (date '2024-06-16', date '2024-06-30', 15, 14.50, 59.59),
                           (date '2024-07-01', date '2024-07-15', 15, 14.25, 58.56)$$,
                  'E1 detail: two half-year segments (start, end, days, rate, interest)');
SELECT is((SELECT sum(interest) FROM late_interest_detail(10000, '2024-06-15', '2024-07-15')),
          late_interest(10000, '2024-06-15', '2024-07-15'), 'E1 detail interest sums to late_interest');
-- E1b changes inside a half-year are ignored: H1 2024 stays at 4.50 after the
-- 12 Jun cut, H2 2024 at 4.25 after the 18 Sep cut to 3.65.
--   2024-06-12..06-21, 10 days: 10000 x 14.50 x 10 / 36500 = 39.726 -> 39.73
--   2024-09-21..09-30, 10 days: 10000 x 14.25 x 10 / 36500 = 39.041 -> 39.04 (13.65 would give 37.40)
SELECT is(late_interest(10000, '2024-06-11', '2024-06-21'), 39.73, 'E1b FR_B2B ignores the ECB cut of 12 Jun inside H1 2024');
SELECT is(late_interest(10000, '2024-09-20', '2024-09-30'), 39.04, 'E1b FR_B2B ignores the ECB cut of 18 Sep inside H2 2024 (14.25, not 13.65)');
-- E1c across 1 Jan: 2023-12-16..12-31 16 days at 14.00 (ECB 1 Jul 2023 = 4.00):
--   10000 x 14 x 16 / 36500 = 61.369 -> 61.37; 2024-01-01..01-14 14 days at 14.50:
--   10000 x 14.50 x 14 / 36500 = 55.616 -> 55.62; total 116.99
SELECT is(late_interest(10000, '2023-12-15', '2024-01-14'), 116.99, 'E1c FR_B2B across 1 Jan 2024: 61.37 + 55.62 = 116.99');

-- E2 DE_B2B, 10 000 due 2024-02-15 paid 2024-03-15: 14 days of Feb (16..29) + 15 of Mar = 29
--   Basiszins 1 Jan 2024 3.62 + 9 = 12.62; 10000 x 12.62 x 29 / 36500 = 3659800 / 36500 = 100.268 -> 100.27
SELECT is(late_interest(10000, '2024-02-15', '2024-03-15', 'DE_B2B'), 100.27, 'E2 DE_B2B across 29 Feb 2024: 29 days at 12.62 = 100.27');
SELECT results_eq($$SELECT days, annual_rate FROM ar_credit.late_interest_detail(10000, '2024-02-15', '2024-03-15', 'DE_B2B')$$,
                  $$VALUES (29, 12.62)$$, 'E2 detail: one segment of 29 days (29 Feb counted) at 12.62');
-- E2b FR_B2B 2024-02-29 and 2024-03-01: 2 days, 10000 x 14.50 x 2 / 36500 = 7.945 -> 7.95
SELECT is(late_interest(10000, '2024-02-28', '2024-03-01'), 7.95, 'E2b FR_B2B 28 Feb -> 1 Mar 2024 counts 29 Feb: 2 days = 7.95');

-- E3 FR_B2B over the whole of 2024 (366 days), always over 365:
--   H1 182 days: 10000 x 14.50 x 182 / 36500 = 26390000 / 36500 = 723.013 -> 723.01
--   H2 184 days: 10000 x 14.25 x 184 / 36500 = 26220000 / 36500 = 718.356 -> 718.36
--   total 1441.37 (more than a year's rate: 366/365)
SELECT is(late_interest(10000, '2023-12-31', '2024-12-31'), 1441.37, 'E3 FR_B2B all of 2024: act/365 even in a leap year = 1441.37');
SELECT results_eq($$SELECT * FROM ar_credit.late_interest_detail(10000, '2023-12-31', '2024-12-31')$$,
                  $$VALUES (date '2024-01-01', date '2024-06-30', 182, 14.50, 723.01),
                           (date '2024-07-01', date '2024-12-31', 184, 14.25, 718.36)$$,
                  'E3 detail: 182 + 184 days');

-- E4 UK_B2B: Bank Rate of the 30 Jun / 31 Dec just before interest starts + 8, fixed.
--   due 2023-12-30 -> starts 2023-12-31 -> reference 2023-06-30 (5.00) -> 13.00;
--     30 days: 10000 x 13 x 30 / 36500 = 106.849 -> 106.85
--   due 2023-12-31 -> starts 2024-01-01 -> reference 2023-12-31 (5.25) -> 13.25;
--     30 days: 10000 x 13.25 x 30 / 36500 = 108.904 -> 108.90
--   due 2025-06-29 -> starts 2025-06-30 -> reference 2024-12-31 (4.75) -> 12.75: 104.794 -> 104.79
--   due 2025-06-30 -> starts 2025-07-01 -> reference 2025-06-30 (4.25) -> 12.25: 100.684 -> 100.68
SELECT is(late_interest(10000, '2023-12-30', '2024-01-29', 'UK_B2B'), 106.85, 'E4 UK interest starting 31 Dec 2023: 30 Jun 2023 rate, 13.00 -> 106.85');
SELECT is(late_interest(10000, '2023-12-31', '2024-01-30', 'UK_B2B'), 108.90, 'E4 UK interest starting 1 Jan 2024: 31 Dec 2023 rate, 13.25 -> 108.90');
SELECT is(late_interest(10000, '2025-06-29', '2025-07-29', 'UK_B2B'), 104.79, 'E4 UK interest starting 30 Jun 2025: 31 Dec 2024 rate, 12.75 -> 104.79');
SELECT is(late_interest(10000, '2025-06-30', '2025-07-30', 'UK_B2B'), 100.68, 'E4 UK interest starting 1 Jul 2025: 30 Jun 2025 rate, 12.25 -> 100.68');
--   one rate for the whole debt: 2024 (366 days) at 13.25, not split, over 365:
--   10000 x 13.25 x 366 / 36500 = 48495000 / 36500 = 1328.630 -> 1328.63
SELECT results_eq($$SELECT * FROM ar_credit.late_interest_detail(10000, '2023-12-31', '2024-12-31', 'UK_B2B')$$,
                  $$VALUES (date '2024-01-01', date '2024-12-31', 366, 13.25, 1328.63)$$,
                  'E4 UK: one segment for a year-long debt, no split at 1 Jul');
--   2025-01-01 -> 2025-12-31 would be split by FR rules; UK keeps 31 Dec 2024 (4.75) + 8 = 12.75
--   for 365 days: 10000 x 12.75 x 365 / 36500 = 1275.00
SELECT is(late_interest(10000, '2024-12-31', '2025-12-31', 'UK_B2B'), 1275.00, 'E4 UK 2025: 12.75 all year despite later Bank Rate cuts = 1275.00');
-- UK fixed sums at the band edges (s.5A): 40 below 1000, 70 below 10000, 100 from 10000
SELECT is(recovery_indemnity(999.99, 'UK_B2B'), 40.00, 'UK indemnity 999.99 -> 40');
SELECT is(recovery_indemnity(1000, 'UK_B2B'), 70.00, 'UK indemnity 1000 -> 70');
SELECT is(recovery_indemnity(9999.99, 'UK_B2B'), 70.00, 'UK indemnity 9999.99 -> 70');
SELECT is(recovery_indemnity(10000, 'UK_B2B'), 100.00, 'UK indemnity 10000 -> 100');
SELECT is(recovery_indemnity(10000), 40.00, 'FR_B2B indemnity (default regime) -> 40 whatever the amount');
SELECT is(recovery_indemnity(0.01, 'EU_B2B'), 40.00, 'EU_B2B indemnity on 0.01 -> 40 (C-78/22: every late payment)');
SELECT is(recovery_indemnity(10000, 'DE_B2B'), 40.00, 'DE_B2B indemnity -> 40');
SELECT is(recovery_indemnity(10000, 'DE_B2C'), 0.00, 'DE_B2C: no lump sum');
SELECT is(recovery_indemnity(10000, 'DE_B2B_PRE_2014'), 0.00, 'DE_B2B_PRE_2014: no lump sum');
SELECT is(recovery_indemnity(0, 'UK_B2B'), 0.00, 'no indemnity on a zero balance');

-- E5 FR_PUBLIC: ECB + 8 fixed at the first day of the half-year interest starts in.
--   due 2024-06-15 -> starts 2024-06-16 (H1) -> ECB 1 Jan 2024 4.50 + 8 = 12.50 for all 30 days
--   10000 x 12.50 x 30 / 36500 = 3750000 / 36500 = 102.739 -> 102.74 (not split at 1 Jul)
SELECT results_eq($$SELECT * FROM ar_credit.late_interest_detail(10000, '2024-06-15', '2024-07-15', 'FR_PUBLIC')$$,
                  $$VALUES (date '2024-06-16', date '2024-07-15', 30, 12.50, 102.74)$$,
                  'E5 FR_PUBLIC across 1 Jul 2024: one rate 12.50, 102.74');
--   due 2023-12-15 -> starts 2023-12-16 (H2 2023) -> ECB 1 Jul 2023 4.00 + 8 = 12.00 for 30 days
--   10000 x 12 x 30 / 36500 = 98.630 -> 98.63
SELECT is(late_interest(10000, '2023-12-15', '2024-01-14', 'FR_PUBLIC'), 98.63, 'E5 FR_PUBLIC across 1 Jan 2024: H2 2023 rate 12.00 kept = 98.63');

-- E6 FR_LEGAL_PRO / FR_LEGAL_PART, same 30 days, taux legal per half-year:
--   PRO  15 x 5.07: 760500 / 36500 = 20.835 -> 20.84; 15 x 4.92: 738000 / 36500 = 20.219 -> 20.22; = 41.06
--   PART 15 x 8.01: 1201500 / 36500 = 32.917 -> 32.92; 15 x 8.16: 1224000 / 36500 = 33.534 -> 33.53; = 66.45
SELECT is(late_interest(10000, '2024-06-15', '2024-07-15', 'FR_LEGAL_PRO'), 41.06, 'E6 FR_LEGAL_PRO 2024-06-16..07-15: 20.84 + 20.22 = 41.06');
SELECT is(late_interest(10000, '2024-06-15', '2024-07-15', 'FR_LEGAL_PART'), 66.45, 'E6 FR_LEGAL_PART 2024-06-16..07-15: 32.92 + 33.53 = 66.45');
SELECT results_eq($$SELECT annual_rate, interest FROM ar_credit.late_interest_detail(10000, '2024-06-15', '2024-07-15', 'FR_LEGAL_PART')$$,
                  $$VALUES (8.01, 32.92), (8.16, 33.53)$$, 'E6 FR_LEGAL_PART detail rates 8.01 / 8.16');

-- E7 EU_B2B: 15 x 12.50: 1875000 / 36500 = 51.369 -> 51.37; 15 x 12.25: 1837500 / 36500 = 50.342 -> 50.34; = 101.71
SELECT is(late_interest(10000, '2024-06-15', '2024-07-15', 'EU_B2B'), 101.71, 'E7 EU_B2B: 51.37 + 50.34 = 101.71');

-- E8 DE_B2C: 15 x (3.62+5=8.62): 1293000 / 36500 = 35.424 -> 35.42; 15 x (3.37+5=8.37): 1255500 / 36500 = 34.397 -> 34.40; = 69.82
SELECT is(late_interest(10000, '2024-06-15', '2024-07-15', 'DE_B2C'), 69.82, 'E8 DE_B2C: 35.42 + 34.40 = 69.82');
--   DE_B2B on the same: 15 x 12.62 = 51.863 -> 51.86; 15 x 12.37 = 50.836 -> 50.84; = 102.70
SELECT is(late_interest(10000, '2024-06-15', '2024-07-15', 'DE_B2B'), 102.70, 'E8 DE_B2B: 51.86 + 50.84 = 102.70');

-- E9 DE legacy margin: Basiszins 1 Jul 2014 = -0.73; 30 days
--   due 2014-07-28 (before 29 Jul 2014): -0.73 + 8 = 7.27; 10000 x 7.27 x 30 / 36500 = 59.753 -> 59.75
--   due 2014-07-29:                      -0.73 + 9 = 8.27; 10000 x 8.27 x 30 / 36500 = 67.972 -> 67.97
SELECT is(late_interest(10000, '2014-07-28', '2014-08-27', 'DE_B2B'), 59.75, 'E9 DE_B2B due 2014-07-28: legacy +8 = 7.27 -> 59.75');
SELECT is(late_interest(10000, '2014-07-29', '2014-08-28', 'DE_B2B'), 67.97, 'E9 DE_B2B due 2014-07-29: +9 = 8.27 -> 67.97');
SELECT is((SELECT annual_rate FROM late_interest_detail(10000, '2014-07-28', '2014-08-27', 'DE_B2B')), 7.27, 'E9 detail shows the legacy rate 7.27');
SELECT is(late_interest(10000, '2014-07-29', '2014-08-28', 'DE_B2B_PRE_2014'), 59.75, 'E9 DE_B2B_PRE_2014: +8 whatever the due date = 59.75');
--   negative Basiszins: DE_B2C 2016-H2, 36 500 for 1 day: (-0.88 + 5) = 4.12
SELECT is(late_interest(36500, '2016-06-30', '2016-07-01', 'DE_B2C'), 4.12, 'E9 a negative Basiszins (-0.88) is added as is: 4.12');

-- E10 nothing accrues
SELECT is(late_interest(10000, '2024-06-15', '2024-06-15'), 0.00, 'paid on the due date -> 0');
SELECT is(late_interest(10000, '2024-06-15', '2024-06-01'), 0.00, 'paid before the due date -> 0');
SELECT is(late_interest(-10000, '2024-06-15', '2024-07-15'), 0.00, 'negative amount (credit note) -> 0');
SELECT is(late_interest(0, '2024-06-15', '2024-07-15', 'UK_B2B'), 0.00, 'zero amount -> 0');
SELECT is(late_interest(-10000, '2024-06-15', '2024-07-15', 'FR_B2B', 20), 0.00, 'negative amount with a contract rate -> 0');
SELECT is_empty($$SELECT * FROM ar_credit.late_interest_detail(10000, '2024-06-15', '2024-06-15')$$, 'paid on time: no detail rows');
SELECT is_empty($$SELECT * FROM ar_credit.late_interest_detail(-1, '2024-06-15', '2024-07-15')$$, 'negative amount: no detail rows');
SELECT is(late_interest(10000, '2024-06-15', '2024-06-16'), 3.97, 'paid the day after due: 1 day, 10000 x 14.50 / 36500 = 3.972 -> 3.97');
SELECT ok(late_interest(NULL, '2024-06-15', '2024-07-15') IS NULL
          AND late_interest(1, NULL, '2024-07-15') IS NULL
          AND late_interest(1, '2024-06-15', NULL) IS NULL
          AND late_interest(1, '2024-06-15', '2024-07-15', NULL) IS NULL
          AND late_interest(1, '2024-06-15', '2024-07-15', 'FR_B2B', NULL) IS NULL
          AND recovery_indemnity(NULL) IS NULL AND recovery_indemnity(1, NULL) IS NULL,
          'STRICT: a NULL argument gives NULL');

-- E11 contract rates: one rate for the whole debt, regime day count.
--   FR_B2B floor = 3 x FR_TIL_PRO: 2024-H1 3 x 5.07 = 15.21, 2024-H2 3 x 4.92 = 14.76
--   15.21 over 2024-06-16..07-15 (30 days, both floors met), not split:
--     10000 x 15.21 x 30 / 36500 = 4563000 / 36500 = 125.013 -> 125.01 (split would give 62.51 + 62.51 = 125.02)
SELECT is(late_interest(10000, '2024-06-15', '2024-07-15', 'FR_B2B', 15.21), 125.01, 'E11 FR_B2B contract 15.21 = the 2024-H1 floor: accepted, one segment = 125.01');
--   15.00 in 2024-H2 only (floor 14.76): 2024-08-02..08-31 30 days: 4500000 / 36500 = 123.287 -> 123.29
SELECT is(late_interest(10000, '2024-08-01', '2024-08-31', 'FR_B2B', 15.00), 123.29, 'E11 FR_B2B contract 15.00 above the 2024-H2 floor 14.76 = 123.29');
--   16 in 2024-H1: 2024-03-02..03-31 30 days: 4800000 / 36500 = 131.506 -> 131.51
SELECT is(late_interest(10000, '2024-03-01', '2024-03-31', 'FR_B2B', 16), 131.51, 'E11 FR_B2B contract 16 above the 15.21 floor = 131.51');
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, '2024-03-01', '2024-03-31', 'FR_B2B', 15.20)$$,
                 '22023', 'contract rate 15.20% is below the legal minimum of 15.21% for regime FR_B2B',
                 'E11 FR_B2B contract 15.20 below the 2024-H1 floor 15.21: 22023');
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, '2024-08-01', '2024-08-31', 'FR_B2B', 14.75)$$,
                 '22023', 'contract rate 14.75% is below the legal minimum of 14.76% for regime FR_B2B',
                 'E11 FR_B2B contract 14.75 below the 2024-H2 floor 14.76: 22023');
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, '2024-06-15', '2024-07-15', 'FR_B2B', 15.00)$$,
                 '22023', 'contract rate 15.00% is below the legal minimum of 15.21% for regime FR_B2B',
                 'E11 15.00 meets the H2 floor but not the H1 floor of the same debt: 22023');
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, '2026-06-15', '2026-07-15', 'FR_B2B', 20)$$,
                 '22023', 'no reference rate for index FR_TIL_PRO on 2026-07-01',
                 'E11 FR_B2B contract rate in 2026-H2: the floor needs a TIL that is not published');
--   DE_B2B contract 5 (no floor): 10000 x 5 x 30 / 36500 = 41.095 -> 41.10
SELECT is(late_interest(10000, '2024-03-01', '2024-03-31', 'DE_B2B', 5), 41.10, 'E11 DE_B2B contract 5 (no floor) = 41.10');
--   DE_B2C contract 20: 10000 x 20 x 30 / 36500 = 164.383 -> 164.38
SELECT is(late_interest(10000, '2024-06-15', '2024-07-15', 'DE_B2C', 20), 164.38, 'E11 DE_B2C contract 20 = 164.38');
SELECT is(late_interest(10000, '2024-06-15', '2024-07-15', 'UK_B2B', 0), 0.00, 'E11 UK contract rate 0 = 0.00');
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, '2024-03-01', '2024-03-31', 'DE_B2B', -1)$$,
                 '22023', 'contract_rate must not be negative, not -1', 'E11 negative contract rate: 22023 naming the value');
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, '2024-03-01', '2024-03-31', 'DE_B2B', 'NaN')$$,
                 '22023', 'contract_rate must be a finite number, not NaN', 'E11 NaN contract rate: 22023');

-- E12 day counts through user regimes (ECB + 10 like FR_B2B, other day counts)
INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing, day_count) VALUES
    ('T_ACT_ACT', 'ECB_MRO', 10, 'half_year', 'act/act'),
    ('T_ACT_360', 'ECB_MRO', 10, 'half_year', 'act/360'),
    ('T_30_360', 'ECB_MRO', 10, 'half_year', '30/360'),
    ('T_NO_INDEX', 'NO_SUCH_INDEX', 1, 'half_year', 'act/365');
--   act/act 2023-12-16..2024-01-15: 16 days / 365 at 14.00: 2240000 / 36500 = 61.369 -> 61.37
--                                   15 days / 366 at 14.50: 2175000 / 36600 = 59.426 -> 59.43; = 120.80
SELECT results_eq($$SELECT * FROM ar_credit.late_interest_detail(10000, '2023-12-15', '2024-01-15', 'T_ACT_ACT')$$,
                  $$VALUES (date '2023-12-16', date '2023-12-31', 16, 14.00, 61.37),
                           (date '2024-01-01', date '2024-01-15', 15, 14.50, 59.43)$$,
                  'E12 act/act: 16/365 + 15/366');
SELECT is(late_interest(10000, '2023-12-15', '2024-01-15', 'T_ACT_ACT'), 120.80, 'E12 act/act 2023-12-16..2024-01-15 = 61.37 + 59.43 = 120.80');
--   act/act 2024-12-16..2025-01-15: 16 / 366 at 14.25: 2280000 / 36600 = 62.295 -> 62.30
--                                   15 / 365 at 13.15: 1972500 / 36500 = 54.041 -> 54.04; = 116.34
SELECT is(late_interest(10000, '2024-12-15', '2025-01-15', 'T_ACT_ACT'), 116.34, 'E12 act/act 2024-12-16..2025-01-15 = 62.30 + 54.04 = 116.34');
--   act/360 2024-06-16..07-15: 15 x 14.50 / 360: 2175000 / 36000 = 60.4166 -> 60.42
--                              15 x 14.25 / 360: 2137500 / 36000 = 59.375 -> 59.38 (half away from zero); = 119.80
SELECT is(late_interest(10000, '2024-06-15', '2024-07-15', 'T_ACT_360'), 119.80, 'E12 act/360: 60.42 + 59.38 (59.375 rounded up) = 119.80');
SELECT results_eq($$SELECT interest FROM ar_credit.late_interest_detail(10000, '2024-06-15', '2024-07-15', 'T_ACT_360')$$,
                  $$VALUES (60.42), (59.38)$$, 'E12 act/360 detail: 59.375 rounds half away from zero to 59.38');
--   30/360 2024-02-16..03-15: 30E/360 from 15 Feb to 15 Mar = 30 days (29 actual)
--     10000 x 14.50 x 30 / 36000 = 120.833 -> 120.83
SELECT is(late_interest(10000, '2024-02-15', '2024-03-15', 'T_30_360'), 120.83, 'E12 30/360 15 Feb -> 15 Mar 2024: 30 days (29 actual) = 120.83');
--   30/360 2024-07-16..08-31: (8-7) x 30 + (30-15) = 45 days (47 actual), 14.25:
--     10000 x 14.25 x 45 / 36000 = 6412500 / 36000 = 178.125 -> 178.13
SELECT is(late_interest(10000, '2024-07-15', '2024-08-31', 'T_30_360'), 178.13, 'E12 30/360 15 Jul -> 31 Aug 2024: 45 days = 178.125 -> 178.13');
--   30/360 across 1 Jul: 15 Jun -> 30 Jun = 15, 30 Jun -> 15 Jul = 15
SELECT results_eq($$SELECT days FROM ar_credit.late_interest_detail(10000, '2024-06-15', '2024-07-15', 'T_30_360')$$,
                  $$VALUES (15), (15)$$, 'E12 30/360 segments across 1 Jul: 15 + 15 days');
--   a contract rate with act/act is still split at 1 Jan for the basis:
--     10 x 16 / 365: 1600000 / 36500 = 43.835 -> 43.84; 10 x 15 / 366: 1500000 / 36600 = 40.983 -> 40.98; = 84.82
SELECT is(late_interest(10000, '2023-12-15', '2024-01-15', 'T_ACT_ACT', 10), 84.82, 'E12 contract 10 with act/act: 43.84 + 40.98 = 84.82');
SELECT throws_ok($$SELECT ar_credit.late_interest(100, '2024-01-01', '2024-02-01', 'T_NO_INDEX')$$,
                 '22023', 'no reference rate for index NO_SUCH_INDEX on 2024-01-01',
                 'a regime on an index with no rows: 22023 naming the index');

-- several regimes in one query (the regime argument is cached per call site):
--   118.15 (FR_B2B) + 101.71 (EU_B2B) + 118.15 (FR_B2B) = 338.01
SELECT is((SELECT sum(late_interest(10000, '2024-06-15', '2024-07-15', r))
             FROM (VALUES ('FR_B2B'), ('EU_B2B'), ('FR_B2B')) v(r)), 338.01,
          'one query, changing regimes: 118.15 + 101.71 + 118.15 = 338.01');

-- amounts beyond two decimals go through the numeric path; same rules:
--   1000.005 x 14.50 x 15 / 36500 = 5.9589 -> 5.96; 1000.005 x 14.25 x 15 / 36500 = 5.8561 -> 5.86; = 11.82
SELECT is(late_interest(1000.005, '2024-06-15', '2024-07-15'), 11.82, 'amount with 3 decimals: 5.96 + 5.86 = 11.82');
SELECT is((SELECT sum(interest) FROM late_interest_detail(1000.005, '2024-06-15', '2024-07-15')),
          late_interest(1000.005, '2024-06-15', '2024-07-15'), 'amount with 3 decimals: detail sums to late_interest');
--   1e16: 1e16 x 14.50 x 15 / 36500 = 59589041095890.41 ; x 14.25 = 58561643835616.44 ; = 118150684931506.85
SELECT is(late_interest(1e16, '2024-06-15', '2024-07-15'), 118150684931506.85, 'amount 1e16 = 118150684931506.85');
-- Regression (fixed): amounts of 17 integer digits above 92233720368547758 overflow the
-- int64 "amount x 100" of to_fixed() (src/interest_sql.c): the wrapped value
-- is negative, passes the "> 10^18" check, and the fast path returns a
-- negative interest (-997988597749929.91).  By hand:
--   99999999999999999 x 14.50 x 15 / 36500 = 595890410958904.10
--   99999999999999999 x 14.25 x 15 / 36500 = 585616438356164.38 ; = 1181506849315068.48
SELECT is(late_interest(99999999999999999, '2024-06-15', '2024-07-15'), 1181506849315068.48,
          'amount 99999999999999999 = 1181506849315068.48 (equals the detail sum)');
-- Regression (fixed): on the numeric path numeric_div picks its own result scale (16
-- significant digits) before the rounding to cents, so huge results with
-- integer inputs lose their cents: 1e20 x 5 x 30 / 36500 = 410958904109589041.0958...
-- -> 410958904109589041.10, returned as 410958904109589041.00.
SELECT is(late_interest(1e20, '2024-03-01', '2024-03-31', 'DE_B2B', 5), 410958904109589041.10,
          'amount 1e20 at contract 5 for 30 days keeps its cents: 410958904109589041.10');

-- ---------------------------------------------------------------------
-- E13 rate cache: changes are seen from the next statement on
-- ---------------------------------------------------------------------
--   FR_B2B 2024-07-11..08-09 (30 days, H2): 14.25: 4275000 / 36500 = 117.123 -> 117.12
SELECT is(late_interest(10000, '2024-07-10', '2024-08-09'), 117.12, 'E13 before: H2 2024 at 14.25 = 117.12');
INSERT INTO ar_credit.reference_rate (rate_index, valid_from, rate, source) VALUES ('ECB_MRO', '2024-07-01', 5.00, 'test');
--   ECB 5.00 in force on 1 Jul: 15.00: 4500000 / 36500 = 123.287 -> 123.29
SELECT is(late_interest(10000, '2024-07-10', '2024-08-09'), 123.29, 'E13 after INSERT of ECB 5.00 on 2024-07-01: 15.00 = 123.29');
SELECT is((SELECT shipped FROM ar_credit.reference_rate WHERE rate_index = 'ECB_MRO' AND valid_from = '2024-07-01'), false,
          'E13 a user row is not shipped');
UPDATE ar_credit.reference_rate SET rate = 6.00 WHERE rate_index = 'ECB_MRO' AND valid_from = '2024-07-01';
--   16.00: 4800000 / 36500 = 131.506 -> 131.51
SELECT is(late_interest(10000, '2024-07-10', '2024-08-09'), 131.51, 'E13 after UPDATE to 6.00: 16.00 = 131.51');
SELECT is((SELECT interest FROM late_interest_detail(10000, '2024-07-10', '2024-08-09')), 131.51, 'E13 the detail function sees the UPDATE too');
DELETE FROM ar_credit.reference_rate WHERE rate_index = 'ECB_MRO' AND valid_from = '2024-07-01';
SELECT is(late_interest(10000, '2024-07-10', '2024-08-09'), 117.12, 'E13 after DELETE: back to 14.25 = 117.12');

-- rolling back a savepoint undoes the change for the cache too (a sequence,
-- not rolled back, carries the value seen inside the savepoint)
CREATE SEQUENCE pg_temp.seen_cents;
SAVEPOINT before_rate;
INSERT INTO ar_credit.reference_rate (rate_index, valid_from, rate, source) VALUES ('ECB_MRO', '2024-07-01', 5.00, 'test');
DO $$ BEGIN PERFORM setval('pg_temp.seen_cents', (ar_credit.late_interest(10000, '2024-07-10', '2024-08-09') * 100)::bigint); END $$;
ROLLBACK TO SAVEPOINT before_rate;
SELECT is((SELECT last_value FROM pg_temp.seen_cents), 12329::bigint, 'E13 inside the savepoint the new rate was used (123.29)');
SELECT is(late_interest(10000, '2024-07-10', '2024-08-09'), 117.12, 'E13 after ROLLBACK TO SAVEPOINT: 117.12 again');

-- a user INSERT with the key of a shipped row replaces it and owns it
--   ECB in force on 1 Jan 2024 is the 2023-09-20 row; made 4.60, FR_B2B 2024-H1 = 14.60
INSERT INTO ar_credit.reference_rate (rate_index, valid_from, rate, source, shipped)
     VALUES ('ECB_MRO', '2023-09-20', 4.60, 'user copy', true);
SELECT results_eq($$SELECT rate, source, shipped FROM ar_credit.reference_rate WHERE rate_index = 'ECB_MRO' AND valid_from = '2023-09-20'$$,
                  $$VALUES (4.60, 'user copy', false)$$,
                  'a user INSERT replaces the shipped row with the same key and is marked not shipped');
SELECT is(late_interest(36500, '2023-12-31', '2024-01-01'), 14.60, 'the replaced rate is used at once: 36500 for 1 day at 14.60 = 14.60');
UPDATE ar_credit.reference_rate SET rate = 4.50 WHERE rate_index = 'ECB_MRO' AND valid_from = '2023-09-20';

-- regime changes invalidate too: FR_B2B margin 9 -> 13.25: 3975000 / 36500 = 108.904 -> 108.90
UPDATE ar_credit.interest_regime SET margin = 9 WHERE regime = 'FR_B2B';
SELECT is(late_interest(10000, '2024-07-10', '2024-08-09'), 108.90, 'E13 after UPDATE of the FR_B2B margin to 9: 13.25 = 108.90');
SELECT is((SELECT shipped FROM ar_credit.interest_regime WHERE regime = 'FR_B2B'), false, 'E13 an updated regime is the user''s (not shipped)');
UPDATE ar_credit.interest_regime SET margin = 10 WHERE regime = 'FR_B2B';
DELETE FROM ar_credit.interest_regime WHERE regime = 'EU_B2B';
SELECT throws_ok($$SELECT ar_credit.late_interest(100, '2024-01-01', '2024-02-01', 'EU_B2B')$$,
                 '22023', 'unknown interest regime: "EU_B2B"', 'E13 a deleted regime is unknown from the next statement on');

-- ---------------------------------------------------------------------
-- Errors
-- ---------------------------------------------------------------------
SELECT throws_ok($$SELECT ar_credit.late_interest(100, '2024-01-01', '2024-02-01', 'XX_B2B')$$,
                 '22023', 'unknown interest regime: "XX_B2B"', 'unknown regime: 22023');
SELECT throws_ok($$SELECT * FROM ar_credit.late_interest_detail(100, '2024-01-01', '2024-02-01', 'XX_B2B')$$,
                 '22023', 'unknown interest regime: "XX_B2B"', 'unknown regime in late_interest_detail: 22023');
SELECT throws_ok($$SELECT ar_credit.recovery_indemnity(100, 'XX_B2B')$$,
                 '22023', 'unknown interest regime: "XX_B2B"', 'unknown regime in recovery_indemnity: 22023');
SELECT throws_ok($$SELECT ar_credit.late_interest(100, '2007-01-10', '2007-02-09')$$,
                 '22023', 'no reference rate for index ECB_MRO on 2007-01-01', 'FR_B2B before the first ECB row (2007-06-13): 22023 naming index and date');
SELECT is(late_interest(36500, '2007-06-30', '2007-07-01'), 14.00, 'FR_B2B 2007-H2 is known: ECB 4.00 of 2007-06-13 + 10 = 14.00');
SELECT throws_ok($$SELECT ar_credit.late_interest(100, '2007-06-20', '2007-07-20', 'FR_PUBLIC')$$,
                 '22023', 'no reference rate for index ECB_MRO on 2007-01-01', 'FR_PUBLIC fixes at 1 Jan 2007, which has no ECB rate: 22023');
SELECT throws_ok($$SELECT ar_credit.late_interest(100, '2007-12-30', '2008-01-30', 'UK_B2B')$$,
                 '22023', 'no reference rate for index UK_BOE on 2007-06-30', 'UK interest starting 31 Dec 2007 reads 30 Jun 2007, not shipped: 22023');
SELECT throws_ok($$SELECT ar_credit.late_interest(100, '2026-06-15', '2026-07-15', 'FR_LEGAL_PRO')$$,
                 '22023', 'no reference rate for index FR_TIL_PRO on 2026-07-01', 'FR_LEGAL_PRO into 2026-H2 (not published): 22023');
SELECT throws_ok($$SELECT * FROM ar_credit.late_interest_detail(100, '2026-06-15', '2026-07-15', 'FR_LEGAL_PART')$$,
                 '22023', 'no reference rate for index FR_TIL_PART on 2026-07-01', 'FR_LEGAL_PART detail into 2026-H2: 22023');
SELECT throws_ok($$SELECT ar_credit.late_interest(100, '2014-12-01', '2015-01-31', 'FR_LEGAL_PRO')$$,
                 '22023', 'no reference rate for index FR_TIL_PRO on 2014-07-01', 'FR_LEGAL_PRO before 2015: 22023');
SELECT throws_ok($$SELECT ar_credit.late_interest(100, '2024-01-01', 'infinity')$$,
                 '22008', 'paid must be a finite date, not infinity', 'paid = infinity: 22008');
SELECT throws_ok($$SELECT ar_credit.late_interest(100, '-infinity', '2024-01-01')$$,
                 '22008', 'due must be a finite date, not -infinity', 'due = -infinity: 22008');
SELECT throws_ok($$SELECT * FROM ar_credit.late_interest_detail(100, '2024-01-01', 'infinity')$$,
                 '22008', 'paid must be a finite date, not infinity', 'detail with paid = infinity: 22008');
SELECT throws_ok($$SELECT ar_credit.late_interest('NaN', '2024-01-01', '2024-02-01')$$,
                 '22023', 'amount must be a finite number, not NaN', 'NaN amount: 22023');
SELECT throws_ok($$SELECT ar_credit.late_interest('Infinity', '2024-01-01', '2024-02-01')$$,
                 '22023', 'amount must be a finite number, not Infinity', 'Infinity amount: 22023');
SELECT throws_ok($$SELECT ar_credit.recovery_indemnity('-Infinity', 'UK_B2B')$$,
                 '22023', 'amount must be a finite number, not -Infinity', '-Infinity amount in recovery_indemnity: 22023');
SELECT throws_ok($$INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing) VALUES ('T_BAD', 'ECB_MRO', 8, 'monthly')$$,
                 '23514', 'new row for relation "interest_regime" violates check constraint "interest_regime_fixing_check"',
                 'invalid fixing: check constraint 23514');
SELECT throws_ok($$INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing, day_count) VALUES ('T_BAD', 'ECB_MRO', 8, 'half_year', 'act/364')$$,
                 '23514', 'new row for relation "interest_regime" violates check constraint "interest_regime_day_count_check"',
                 'invalid day_count: check constraint 23514');
SELECT throws_ok($$UPDATE ar_credit.interest_regime SET day_count = '30/365' WHERE regime = 'DE_B2B'$$,
                 '23514', 'new row for relation "interest_regime" violates check constraint "interest_regime_day_count_check"',
                 'invalid day_count by UPDATE: check constraint 23514');
SELECT throws_ok($$INSERT INTO ar_credit.reference_rate (rate_index, valid_from, rate) VALUES ('ECB_MRO', 'infinity', 1)$$,
                 '23514', NULL, 'a rate valid from infinity: check constraint 23514');

-- TRUNCATE invalidates the cache as well (last: it empties the table)
TRUNCATE ar_credit.reference_rate;
SELECT throws_ok($$SELECT ar_credit.late_interest(100, '2024-07-10', '2024-08-09')$$,
                 '22023', 'no reference rate for index ECB_MRO on 2024-07-01', 'after TRUNCATE reference_rate no rate is known');

SELECT * FROM finish();
ROLLBACK;
