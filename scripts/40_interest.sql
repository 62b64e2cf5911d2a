\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
-- ar_credit install script, section 40: statutory late-payment interest and
-- recovery indemnity (SPEC section 4). Rules and their sources: src/interest.c
-- and src/interest_sql.c. Rates are percent per year; each row holds from
-- valid_from until the next row of the same index.

CREATE TABLE ar_credit.reference_rate (
    rate_index  pg_catalog.text NOT NULL,
    valid_from  pg_catalog.date NOT NULL
                CHECK (valid_from OPERATOR(pg_catalog.>) '-infinity' AND valid_from OPERATOR(pg_catalog.<) 'infinity'),
    rate        pg_catalog.numeric NOT NULL
                CHECK (rate OPERATOR(pg_catalog.>) -100 AND rate OPERATOR(pg_catalog.<) 100),
    source      pg_catalog.text,
    shipped     pg_catalog.bool NOT NULL DEFAULT false,
    PRIMARY KEY (rate_index, valid_from)
);
ALTER TABLE ar_credit.reference_rate
    ADD CONSTRAINT reference_rate_index_named CHECK (rate_index OPERATOR(pg_catalog.<>) '');
COMMENT ON TABLE ar_credit.reference_rate IS
    'reference rates by index (ECB_MRO, FR_TIL_PRO, FR_TIL_PART, DE_BASIS, UK_BOE, ...), percent per year, each valid from its date until the next row; add new rates with INSERT';

CREATE TABLE ar_credit.interest_regime (
    regime            pg_catalog.text PRIMARY KEY,
    rate_index        pg_catalog.text NOT NULL,
    margin            pg_catalog.numeric NOT NULL,
    fixing            pg_catalog.text NOT NULL
                      CHECK (fixing OPERATOR(pg_catalog.=) ANY (ARRAY['half_year', 'start_half_year', 'reference_day'])),
    day_count         pg_catalog.text NOT NULL DEFAULT 'act/365'
                      CHECK (day_count OPERATOR(pg_catalog.=) ANY (ARRAY['act/365', 'act/act', 'act/360', '30/360'])),
    per_period        pg_catalog.bool NOT NULL DEFAULT false,
    indemnity_rule    pg_catalog.text NOT NULL DEFAULT 'none'
                      CHECK (indemnity_rule OPERATOR(pg_catalog.=) ANY (ARRAY['none', 'fixed', 'uk_bands'])),
    indemnity_amount  pg_catalog.numeric,
    currency          pg_catalog.text NOT NULL DEFAULT 'EUR',
    floor_index       pg_catalog.text,
    floor_factor      pg_catalog.numeric,
    legacy_due_before pg_catalog.date,
    legacy_margin     pg_catalog.numeric,
    description       pg_catalog.text,
    source            pg_catalog.text,
    shipped           pg_catalog.bool NOT NULL DEFAULT false,
    CHECK ((indemnity_rule OPERATOR(pg_catalog.=) 'fixed') OPERATOR(pg_catalog.=) (indemnity_amount IS NOT NULL)),
    CHECK ((floor_index IS NULL) OPERATOR(pg_catalog.=) (floor_factor IS NULL)),
    CHECK ((legacy_due_before IS NULL) OPERATOR(pg_catalog.=) (legacy_margin IS NULL))
);
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
COMMENT ON TABLE ar_credit.interest_regime IS
    'late-payment interest regimes: reference index + margin, fixing rule (half_year split, start_half_year, reference_day), day count, recovery indemnity rule, contract-rate floor, legacy margin';
COMMENT ON COLUMN ar_credit.interest_regime.fixing IS
    'half_year: split at 1 Jan / 1 Jul, each half-year at the rate in force on its first day; start_half_year: one rate, that of the first day of the half-year interest starts in; reference_day: one rate, that of 30 Jun / 31 Dec just before interest starts';
COMMENT ON COLUMN ar_credit.interest_regime.per_period IS
    'the index publishes one rate per half-year: a half-year without its own row has no known rate';
COMMENT ON COLUMN ar_credit.interest_regime.floor_index IS
    'a contract rate must be at least floor_factor x this index in every half-year (FR: 3 x taux legal)';
COMMENT ON COLUMN ar_credit.interest_regime.legacy_due_before IS
    'debts due before this date use legacy_margin (DE: +8 points for obligations before 29 Jul 2014)';
-- Shipped rates, from the sources in the source column.
-- UK_BOE holds Bank Rate as in force on each 30 Jun / 31 Dec reference day
-- (the only days the UK statutory rate reads), not every Bank Rate change.
INSERT INTO ar_credit.reference_rate (rate_index, valid_from, rate, source, shipped) VALUES
    ('ECB_MRO', '2007-06-13', 4.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables); minimum bid rate (variable-rate tenders)', true),
    ('ECB_MRO', '2008-07-09', 4.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables); minimum bid rate', true),
    ('ECB_MRO', '2008-10-15', 3.75, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables); fixed-rate tenders from here', true),
    ('ECB_MRO', '2008-11-12', 3.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2008-12-10', 2.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2009-01-21', 2.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2009-03-11', 1.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2009-04-08', 1.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2009-05-13', 1.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2011-04-13', 1.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2011-07-13', 1.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2011-11-09', 1.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2011-12-14', 1.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2012-07-11', 0.75, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2013-05-08', 0.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2013-11-13', 0.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2014-06-11', 0.15, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2014-09-10', 0.05, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2016-03-16', 0.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2022-07-27', 0.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2022-09-14', 1.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2022-11-02', 2.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2022-12-21', 2.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2023-02-08', 3.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2023-03-22', 3.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2023-05-10', 3.75, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2023-06-21', 4.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2023-08-02', 4.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2023-09-20', 4.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2024-06-12', 4.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2024-09-18', 3.65, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables); spread MRO-DFR narrowed to 15bp', true),
    ('ECB_MRO', '2024-10-23', 3.40, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2024-12-18', 3.15, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2025-02-05', 2.90, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2025-03-12', 2.65, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2025-04-23', 2.40, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2025-06-11', 2.15, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables); unchanged at least through GC meeting of 2026-02-05', true),
    ('FR_TIL_PRO', '2015-01-01', 0.93, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 23/12/2014 (JO 27/12/2014); service-public F783', true),
    ('FR_TIL_PART', '2015-01-01', 4.06, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 23/12/2014 (JO 27/12/2014); service-public F783', true),
    ('FR_TIL_PRO', '2015-07-01', 0.99, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 24/06/2015; F783', true),
    ('FR_TIL_PART', '2015-07-01', 4.29, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 24/06/2015; F783', true),
    ('FR_TIL_PRO', '2016-01-01', 1.01, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 23/12/2015 (JO 27/12/2015); F783', true),
    ('FR_TIL_PART', '2016-01-01', 4.54, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 23/12/2015 (JO 27/12/2015); F783', true),
    ('FR_TIL_PRO', '2016-07-01', 0.93, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2016-07-01', 4.35, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2017-01-01', 0.90, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 29/12/2016; F783', true),
    ('FR_TIL_PART', '2017-01-01', 4.16, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 29/12/2016; F783', true),
    ('FR_TIL_PRO', '2017-07-01', 0.90, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 26/06/2017 (JO 30/06/2017); F783', true),
    ('FR_TIL_PART', '2017-07-01', 3.94, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 26/06/2017 (JO 30/06/2017); F783', true),
    ('FR_TIL_PRO', '2018-01-01', 0.89, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 28/12/2017; F783', true),
    ('FR_TIL_PART', '2018-01-01', 3.73, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 28/12/2017; F783', true),
    ('FR_TIL_PRO', '2018-07-01', 0.88, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 27/06/2018; F783', true),
    ('FR_TIL_PART', '2018-07-01', 3.60, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 27/06/2018; F783', true),
    ('FR_TIL_PRO', '2019-01-01', 0.86, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 21/12/2018; F783', true),
    ('FR_TIL_PART', '2019-01-01', 3.40, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 21/12/2018; F783', true),
    ('FR_TIL_PRO', '2019-07-01', 0.87, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 26/06/2019; F783', true),
    ('FR_TIL_PART', '2019-07-01', 3.26, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 26/06/2019; F783', true),
    ('FR_TIL_PRO', '2020-01-01', 0.87, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2020-01-01', 3.15, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2020-07-01', 0.84, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2020-07-01', 3.11, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2021-01-01', 0.79, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2021-01-01', 3.14, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2021-07-01', 0.76, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2021-07-01', 3.12, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2022-01-01', 0.76, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2022-01-01', 3.13, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2022-07-01', 0.77, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2022-07-01', 3.15, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2023-01-01', 2.06, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2023-01-01', 4.47, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2023-07-01', 4.22, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 27/06/2023 (JO 30/06/2023); F783', true),
    ('FR_TIL_PART', '2023-07-01', 6.82, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 27/06/2023 (JO 30/06/2023); F783', true),
    ('FR_TIL_PRO', '2024-01-01', 5.07, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 21/12/2023; F783', true),
    ('FR_TIL_PART', '2024-01-01', 8.01, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 21/12/2023; F783', true),
    ('FR_TIL_PRO', '2024-07-01', 4.92, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2024-07-01', 8.16, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2025-01-01', 3.71, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 17/12/2024; F783 (laclef.eu copy)', true),
    ('FR_TIL_PART', '2025-01-01', 7.21, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 17/12/2024; F783 (laclef.eu copy)', true),
    ('FR_TIL_PRO', '2025-07-01', 2.76, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 19/06/2025 (JO 24/06/2025); F783 (laclef.eu copy)', true),
    ('FR_TIL_PART', '2025-07-01', 6.65, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 19/06/2025 (JO 24/06/2025); F783 (laclef.eu copy)', true),
    ('FR_TIL_PRO', '2026-01-01', 2.62, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 15/12/2025 (JORF 26/12/2025)', true),
    ('FR_TIL_PART', '2026-01-01', 6.67, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 15/12/2025 (JORF 26/12/2025)', true),
    ('DE_BASIS', '2002-01-01', 2.57, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2002-07-01', 2.47, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2003-01-01', 1.97, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2003-07-01', 1.22, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2004-01-01', 1.14, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2004-07-01', 1.13, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2005-01-01', 1.21, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2005-07-01', 1.17, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2006-01-01', 1.37, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2006-07-01', 1.95, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2007-01-01', 2.70, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2007-07-01', 3.19, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2008-01-01', 3.32, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2008-07-01', 3.19, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2009-01-01', 1.62, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2009-07-01', 0.12, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2011-07-01', 0.37, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2012-01-01', 0.12, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2013-01-01', -0.13, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2013-07-01', -0.38, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2014-01-01', -0.63, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2014-07-01', -0.73, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2015-01-01', -0.83, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2016-07-01', -0.88, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2023-01-01', 1.62, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2023-07-01', 3.12, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2024-01-01', 3.62, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2024-07-01', 3.37, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2025-01-01', 2.27, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2025-07-01', 1.27, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2026-01-01', 1.27, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME; Bundesbank release of Dec 2025 (Bundesanzeiger 24 Dec 2025)', true),
    ('UK_BOE', '2007-12-31', 5.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2008-06-30', 5.00, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2008-12-31', 2.00, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2009-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2009-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2010-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2010-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2011-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2011-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2012-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2012-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2013-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2013-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2014-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2014-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2015-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2015-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2016-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2016-12-31', 0.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2017-06-30', 0.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2017-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2018-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2018-12-31', 0.75, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2019-06-30', 0.75, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2019-12-31', 0.75, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2020-06-30', 0.10, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2020-12-31', 0.10, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2021-06-30', 0.10, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2021-12-31', 0.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2022-06-30', 1.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2022-12-31', 3.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2023-06-30', 5.00, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2023-12-31', 5.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2024-06-30', 5.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2024-12-31', 4.75, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2025-06-30', 4.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2025-12-31', 3.75, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true);

INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing, day_count, per_period,
        indemnity_rule, indemnity_amount, currency, floor_index, floor_factor, legacy_due_before,
        legacy_margin, description, source, shipped) VALUES
    ('FR_B2B', 'ECB_MRO', 10, 'half_year', 'act/365', false, 'fixed', 40, 'EUR', 'FR_TIL_PRO', 3, NULL, NULL,
     'France, between businesses: ECB rate of 1 Jan / 1 Jul + 10 points, EUR 40 per invoice; contract rates >= 3 x taux legal',
     'Code de commerce L441-10 II and D441-5; 365-day year: service-public.fr F783', true),
    ('FR_PUBLIC', 'ECB_MRO', 8, 'start_half_year', 'act/365', false, 'fixed', 40, 'EUR', NULL, NULL, NULL, NULL,
     'France, public buyers: ECB rate of the half-year interest starts in + 8 points, fixed; EUR 40',
     'Code de la commande publique R2192-31 and R2192-35', true),
    ('FR_LEGAL_PRO', 'FR_TIL_PRO', 0, 'half_year', 'act/365', true, 'none', NULL, 'EUR', NULL, NULL, NULL, NULL,
     'France, taux de l''interet legal (autres cas), per half-year',
     'Code monetaire et financier L313-2 and D313-1-A; service-public.fr F783', true),
    ('FR_LEGAL_PART', 'FR_TIL_PART', 0, 'half_year', 'act/365', true, 'none', NULL, 'EUR', NULL, NULL, NULL, NULL,
     'France, taux de l''interet legal for creditors who are individuals outside their profession, per half-year',
     'Code monetaire et financier L313-2 and D313-1-A; service-public.fr F783', true),
    ('EU_B2B', 'ECB_MRO', 8, 'half_year', 'act/365', false, 'fixed', 40, 'EUR', NULL, NULL, NULL, NULL,
     'EU minimum between businesses: ECB rate of 1 Jan / 1 Jul + 8 points, EUR 40',
     'Directive 2011/7/EU art. 2(6), 3 and 6', true),
    ('DE_B2B', 'DE_BASIS', 9, 'half_year', 'act/365', false, 'fixed', 40, 'EUR', NULL, NULL, '2014-07-29', 8,
     'Germany, no consumer party: Basiszinssatz + 9 points, EUR 40; debts due before 29 Jul 2014: + 8 points',
     'BGB 288(2) and (5), 247; Art. 229 34 EGBGB', true),
    ('DE_B2B_PRE_2014', 'DE_BASIS', 8, 'half_year', 'act/365', false, 'none', NULL, 'EUR', NULL, NULL, NULL, NULL,
     'Germany, obligations arising on or before 28 Jul 2014: Basiszinssatz + 8 points, no lump sum',
     'BGB 288(2) old version; Art. 229 34 EGBGB', true),
    ('DE_B2C', 'DE_BASIS', 5, 'half_year', 'act/365', false, 'none', NULL, 'EUR', NULL, NULL, NULL, NULL,
     'Germany, consumer party: Basiszinssatz + 5 points, no lump sum',
     'BGB 288(1)', true),
    ('UK_B2B', 'UK_BOE', 8, 'reference_day', 'act/365', false, 'uk_bands', NULL, 'GBP', NULL, NULL, NULL, NULL,
     'United Kingdom, commercial debts: Bank Rate of 30 Jun / 31 Dec before interest starts + 8 points, fixed; GBP 40 / 70 / 100',
     'Late Payment of Commercial Debts (Interest) Act 1998 s.5A; SI 2002/1675 art. 4', true);

CREATE TRIGGER reference_rate_user_owned
    BEFORE INSERT OR UPDATE ON ar_credit.reference_rate
    FOR EACH ROW EXECUTE FUNCTION ar_credit.config_row_user_owned('rate_index', 'valid_from');
CREATE TRIGGER interest_regime_user_owned
    BEFORE INSERT OR UPDATE ON ar_credit.interest_regime
    FOR EACH ROW EXECUTE FUNCTION ar_credit.config_row_user_owned('regime');
SELECT pg_catalog.pg_extension_config_dump('ar_credit.reference_rate', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('ar_credit.interest_regime', 'WHERE NOT shipped');

-- every change reaches the per-backend rate cache of every session
CREATE TRIGGER reference_rate_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.reference_rate
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();
CREATE TRIGGER interest_regime_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.interest_regime
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();

GRANT SELECT ON ar_credit.reference_rate, ar_credit.interest_regime TO PUBLIC;

CREATE FUNCTION ar_credit.late_interest(amount pg_catalog.numeric, due pg_catalog.date, paid pg_catalog.date,
                                        regime pg_catalog.text DEFAULT 'FR_B2B')
RETURNS pg_catalog.numeric
AS 'MODULE_PATHNAME', 'interest_late_interest'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.late_interest(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.text) IS
    'statutory simple interest from the day after due through paid inclusive (paid - due days), each rate segment rounded to cents; 0 when paid on time or for amount <= 0';

CREATE FUNCTION ar_credit.late_interest(amount pg_catalog.numeric, due pg_catalog.date, paid pg_catalog.date,
                                        regime pg_catalog.text, contract_rate pg_catalog.numeric)
RETURNS pg_catalog.numeric
AS 'MODULE_PATHNAME', 'interest_late_interest_contract'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.late_interest(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.text, pg_catalog.numeric) IS
    'interest at a contractual annual rate (percent) with the regime''s day count; FR_B2B refuses a rate below 3 x the taux legal (22023)';

CREATE FUNCTION ar_credit.late_interest_detail(amount pg_catalog.numeric, due pg_catalog.date, paid pg_catalog.date,
                                               regime pg_catalog.text DEFAULT 'FR_B2B',
                                               OUT period_start pg_catalog.date, OUT period_end pg_catalog.date,
                                               OUT days pg_catalog.int4, OUT annual_rate pg_catalog.numeric,
                                               OUT interest pg_catalog.numeric)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'interest_late_interest_detail'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 2;
COMMENT ON FUNCTION ar_credit.late_interest_detail(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.text) IS
    'the segments of late_interest: period, days counted, annual rate (index + margin) and interest rounded to cents';

CREATE FUNCTION ar_credit.recovery_indemnity(amount pg_catalog.numeric, regime pg_catalog.text DEFAULT 'FR_B2B')
RETURNS pg_catalog.numeric
AS 'MODULE_PATHNAME', 'interest_recovery_indemnity'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.recovery_indemnity(pg_catalog.numeric, pg_catalog.text) IS
    'fixed recovery compensation per late invoice: EUR 40 (FR, EU, DE B2B), GBP 40 / 70 / 100 by debt size (UK), 0 otherwise or for amount <= 0';
