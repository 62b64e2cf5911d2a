--
-- who the customer is: SIREN, SIRET and EU VAT numbers (issue 19);
-- the check digits are worked by hand in test/unit/test_identity.c
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ar_credit;
RESET client_min_messages;
SET search_path = ar_credit, public;

-- SIREN: INSEE's example, TotalEnergies, La Poste; a changed digit, a swap,
-- a letter O for a zero, a digit short, all zeros, separators only
SELECT s, siren_valid(s) AS valid
  FROM (VALUES ('732829320'), ('542 051 180'), ('356.000.000'), ('732829321'), ('723829320'),
               ('73282932O'), ('73282932'), ('000000000'), (' - . '), ('')) AS v(s);

-- SIRET: Luhn over 14 digits, except La Poste's offices (digits summing to a
-- multiple of 5; the head office 356 000 000 00048 passes Luhn)
SELECT s, siret_valid(s) AS valid
  FROM (VALUES ('73282932000074'), ('732 829 320 00074'), ('73282932000075'), ('73282932000072'),
               ('35600000000048'), ('356 000 000 09075'), ('35600000009076'), ('7328293200007')) AS v(s);

-- the French VAT key: (12 + 3 x (SIREN mod 97)) mod 97, two digits
SELECT s, vat_fr_key(s) AS key, 'FR' || vat_fr_key(s) || siren_normalize(s) AS vat
  FROM (VALUES ('404833048'), ('542051180'), ('356000000'), ('855 200 887')) AS v(s);

-- one published number per member state, and lower case with separators
SELECT v, vat_valid(v) AS valid, vat_normalize(v) AS canonical
  FROM (VALUES ('ATU13585627'), ('BE0417497106'), ('BG175074752'), ('CY00532445O'), ('CZ46505334'),
               ('DE143454214'), ('DK88146328'), ('EE100207415'), ('EL040127797'), ('ESA28015865'),
               ('FI01120389'), ('FR59542051180'), ('HR33392005961'), ('HU21376414'), ('IE6388047V'),
               ('IT00905811006'), ('LT119511515'), ('LU15027442'), ('LV40003521600'), ('MT15121333'),
               ('NL000099998B57'), ('PL7740001454'), ('PT500697256'), ('RO18547290'), ('SE556012579001'),
               ('SI15012557'), ('SK4030000007'), ('fr 59 542.051.180'), ('ie-8z49289f'), ('IE1+23456W')) AS t(v);

-- invalid: each reason once
SELECT v, vat_valid(v) AS valid
  FROM (VALUES ('FR60542051180'), ('FR59542051181'), ('DE143454215'), ('GR094014201'), ('GB123456789'),
               ('123456789'), ('DE14345421'), ('NL000099998X57'), ('DE011111125'), ('DE14345421_4'), ('')) AS t(v);

-- what is checked for each member state (format only where so marked)
SELECT prefix, country, formats, checks FROM vat_rules() ORDER BY prefix;

-- normalisers: 22P02 saying why, with a hint
SELECT siren_normalize('732829321');
SELECT siren_normalize('73282932o');
SELECT siret_normalize('732 829 320 0007');
SELECT siret_normalize('35600000009076');
SELECT vat_fr_key('40483304');
SELECT vat_normalize('fr60 542 051 180');
SELECT vat_normalize('GR094014201');
SELECT vat_normalize('XX123');
SELECT vat_normalize('cz1234567');
SELECT vat_normalize('nl000099998x57');
SELECT vat_normalize('ES12345678A');
SELECT vat_normalize('SK4000000007');
SELECT vat_normalize('DE 143 454 214 !');
SELECT vat_normalize(' ');
-- a long value is clipped in the message
SELECT vat_normalize('DE' || repeat('1', 200));

-- NULL in, NULL out; nothing throws in the validators
SELECT siren_valid(NULL) IS NULL AS siren, vat_valid(NULL) IS NULL AS vat, vat_normalize(NULL) IS NULL AS norm,
       vat_valid(repeat('x', 100000)) AS long_garbage, vat_valid(E'FR59542051180\n') AS newline;

-- in a customer table: CHECK constraints, a generated canonical column and a
-- unique index on it (every function is IMMUTABLE)
CREATE TABLE customer (
    id        int PRIMARY KEY,
    siren     text CHECK (siren_valid(siren)),
    vat_typed text CHECK (vat_valid(vat_typed)),
    vat       text GENERATED ALWAYS AS (vat_normalize(vat_typed)) STORED UNIQUE,
    CHECK (vat IS NULL OR siren IS NULL OR vat = 'FR' || vat_fr_key(siren) || siren_normalize(siren))
);
INSERT INTO customer (id, siren, vat_typed) VALUES
    (1, '542051180', 'FR 59 542 051 180'),
    (2, NULL, 'de143454214'),
    (3, '732829320', NULL);
SELECT id, siren, vat_typed, vat FROM customer ORDER BY id;
INSERT INTO customer (id, siren) VALUES (4, '542051181');
INSERT INTO customer (id, vat_typed) VALUES (5, 'DE143454215');
INSERT INTO customer (id, vat_typed) VALUES (6, 'DE-143-454-214');
INSERT INTO customer (id, siren, vat_typed) VALUES (7, '732829320', 'FR59542051180');
DROP TABLE customer;

-- volatility, strictness and parallel safety as declared
SELECT p.proname, p.provolatile, p.proisstrict, p.proparallel
  FROM pg_proc AS p
 WHERE p.pronamespace = 'ar_credit'::regnamespace
   AND p.proname IN ('siren_valid', 'siret_valid', 'siren_normalize', 'siret_normalize', 'vat_fr_key',
                     'vat_valid', 'vat_normalize', 'vat_rules')
 ORDER BY 1;
