--
-- pgTAP behaviour tests of SIREN, SIRET and EU VAT numbers (issue 19).
--
-- Published numbers (SIRENE, VIES samples, well-known companies) must pass;
-- the algorithms' promises are checked by brute force: Luhn, ISO 7064 MOD
-- 11,10 and the weighted mod-11/97/89 checks catch every single-digit error
-- (MOD 11,10 misses some adjacent swaps: the test shows one).  The validators never raise, the
-- normalisers raise 22P02 exactly when the validators say false, and their
-- output is a fixed point.  Run with pg_prove where pgtap is installed.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public, ar_credit;

SELECT plan(68);

CREATE SCHEMA identity_t;
-- every number obtained from s by changing one digit to another digit
CREATE FUNCTION identity_t.one_digit_errors(s text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE AS $$
    SELECT overlay(s PLACING d::text FROM i FOR 1)
      FROM generate_series(1, length(s)) AS i, generate_series(0, 9) AS d
     WHERE substr(s, i, 1) ~ '[0-9]' AND substr(s, i, 1) <> d::text
$$;
-- every number obtained from s by swapping two different adjacent digits
CREATE FUNCTION identity_t.swaps(s text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE AS $$
    SELECT overlay(s PLACING substr(s, i + 1, 1) || substr(s, i, 1) FROM i FOR 2)
      FROM generate_series(1, length(s) - 1) AS i
     WHERE substr(s, i, 2) ~ '^[0-9]{2}$' AND substr(s, i, 1) <> substr(s, i + 1, 1)
$$;
-- the SQLSTATE vat_normalize raises for v, or 'ok'
CREATE FUNCTION identity_t.normalize_state(v text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ar_credit.vat_normalize(v);
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;

-- the interface
SELECT has_function('ar_credit', 'siren_valid', ARRAY['text'], 'siren_valid(text) exists');
SELECT has_function('ar_credit', 'siret_valid', ARRAY['text'], 'siret_valid(text) exists');
SELECT has_function('ar_credit', 'vat_fr_key', ARRAY['text'], 'vat_fr_key(text) exists');
SELECT has_function('ar_credit', 'vat_valid', ARRAY['text'], 'vat_valid(text) exists');
SELECT has_function('ar_credit', 'vat_normalize', ARRAY['text'], 'vat_normalize(text) exists');
SELECT function_returns('ar_credit', 'vat_valid', ARRAY['text'], 'boolean', 'vat_valid returns boolean');
SELECT is(
    (SELECT count(*) FROM pg_proc
      WHERE pronamespace = 'ar_credit'::regnamespace
        AND proname IN ('siren_valid', 'siret_valid', 'siren_normalize', 'siret_normalize', 'vat_fr_key',
                        'vat_valid', 'vat_normalize', 'vat_rules')
        AND provolatile = 'i' AND proisstrict AND proparallel = 's'),
    8::bigint, 'all eight are IMMUTABLE STRICT PARALLEL SAFE');

-- SIREN and SIRET from the SIRENE register
SELECT ok(siren_valid('732829320'), 'INSEE''s example SIREN 732 829 320');
SELECT ok(siren_valid('542 051 180') AND siren_valid('552.032.534') AND siren_valid('662-042-449'),
          'TotalEnergies, Danone, BNP Paribas, with spaces, dots, dashes');
SELECT ok(siren_valid('356000000'), 'La Poste''s SIREN is Luhn-valid');
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('732829320') AS e WHERE siren_valid(e)), 0::bigint,
          'SIREN: Luhn catches all 81 single-digit errors');
SELECT is((SELECT count(*) FROM identity_t.swaps('732829320') AS e WHERE siren_valid(e)), 0::bigint,
          'SIREN: Luhn catches every adjacent swap of 732829320 (none is 09/90)');
SELECT ok(NOT siren_valid('000000000'), 'all zeros is no SIREN');
SELECT ok(NOT siren_valid('73282932') AND NOT siren_valid('7328293200'), 'eight or ten digits');
SELECT ok(siret_valid('73282932000074'), 'INSEE''s example SIRET 732 829 320 00074');
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('73282932000074') AS e WHERE siret_valid(e)), 0::bigint,
          'SIRET: all 126 single-digit errors caught');
SELECT ok(NOT siret_valid('73282932100074'), 'a SIRET whose SIREN part is wrong');
SELECT ok(siret_valid('35600000000048'), 'La Poste head office 356 000 000 00048 (Luhn)');
SELECT ok(siret_valid('35600000009075'), 'La Poste office 356 000 000 09075 (digits sum to 35)');
-- 20,000 NICs by the sum rule and 10,000 by Luhn, 2,000 of them both
SELECT is((SELECT count(*) FROM generate_series(0, 99999) AS nic
            WHERE siret_valid('356000000' || lpad(nic::text, 5, '0'))), 28000::bigint,
          'La Poste: a SIRET is valid by the sum rule (1 in 5) or by Luhn (1 in 10)');
SELECT ok(NOT siret_valid('73282932000072'), 'the multiple-of-5 rule is La Poste''s alone');

-- the French key
SELECT is(vat_fr_key('404833048'), '83', 'key of 404 833 048: (12 + 3 x 56) mod 97 = 83');
SELECT is(vat_fr_key('855 200 887'), '09', 'a key below 10 keeps its leading zero');
SELECT is((SELECT count(*) FROM (VALUES ('542051180'), ('552032534'), ('662042449'), ('356000000'), ('732829320')) AS v(s)
            WHERE vat_valid('FR' || vat_fr_key(s) || s)), 5::bigint,
          'FR || vat_fr_key(siren) || siren is a valid VAT number');
SELECT throws_ok($$SELECT vat_fr_key('542051181')$$, '22P02', 'invalid SIREN: "542051181"',
                 'vat_fr_key refuses an invalid SIREN');
SELECT is((SELECT count(*) FROM generate_series(0, 96) AS k
            WHERE vat_valid('FR' || lpad(k::text, 2, '0') || '542051180')), 1::bigint,
          'one key in 97 fits a SIREN');

-- one published number per member state
SELECT is((SELECT array_agg(v ORDER BY v) FROM (VALUES
             ('ATU13585627'), ('BE0417497106'), ('BG175074752'), ('CY00532445O'), ('CZ46505334'),
             ('DE143454214'), ('DK88146328'), ('EE100207415'), ('EL040127797'), ('ESA28015865'),
             ('FI01120389'), ('FR59542051180'), ('HR33392005961'), ('HU21376414'), ('IE6388047V'),
             ('IT00905811006'), ('LT119511515'), ('LU15027442'), ('LV40003521600'), ('MT15121333'),
             ('NL000099998B57'), ('PL7740001454'), ('PT500697256'), ('RO18547290'), ('SE556012579001'),
             ('SI15012557'), ('SK4030000007')) AS t(v) WHERE NOT vat_valid(v)), NULL,
          'a published number of each of the 27 member states is valid');
SELECT is((SELECT array_agg(prefix ORDER BY prefix) FROM vat_rules()),
          '{AT,BE,BG,CY,CZ,DE,DK,EE,EL,ES,FI,FR,HR,HU,IE,IT,LT,LU,LV,MT,NL,PL,PT,RO,SE,SI,SK}'::text[],
          'vat_rules() lists the 27 prefixes');
SELECT is((SELECT array_agg(prefix ORDER BY prefix) FROM vat_rules() WHERE checks LIKE '%format only%'),
          '{BG,CZ,FR,LV}'::text[], 'format only for some numbers of BG, CZ, FR and LV, said so');

-- the algorithms' promises, by brute force
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('DE143454214') AS e WHERE vat_valid(e)), 0::bigint,
          'DE (MOD 11,10): every single-digit error caught');
SELECT is((SELECT array_agg(e) FROM identity_t.swaps('DE143454214') AS e WHERE vat_valid(e)), '{DE134454214}'::text[],
          'DE (MOD 11,10): of the 9 adjacent swaps only 43 -> 34 goes unnoticed');
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('HR33392005961') AS e WHERE vat_valid(e)), 0::bigint,
          'HR (MOD 11,10): every single-digit error caught');
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('BE0417497106') AS e
            WHERE substr(e, 3, 1) IN ('0', '1') AND vat_valid(e)), 0::bigint,
          'BE (mod 97): every single-digit error caught');
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('LU15027442') AS e WHERE vat_valid(e)), 0::bigint,
          'LU (mod 89): every single-digit error caught');
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('PL7740001454') AS e WHERE vat_valid(e)), 0::bigint,
          'PL (mod 11): every single-digit error caught');
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('DK88146328') AS e WHERE vat_valid(e)), 0::bigint,
          'DK (mod 11): every single-digit error caught');
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('FR59542051180') AS e WHERE vat_valid(e)), 0::bigint,
          'FR (key and Luhn): every single-digit error caught');
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('IT00905811006') AS e WHERE vat_valid(e)), 0::bigint,
          'IT (Luhn and office): every single-digit error caught');
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('SE556012579001') AS e
            WHERE substr(e, 13, 2) = '01' AND vat_valid(e)), 0::bigint,
          'SE (Luhn): every single-digit error in the organisation number caught');
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('NL000099998B57') AS e
            WHERE vat_valid(e)
              AND ((SELECT sum(substr(e, 2 + i, 1)::int * (10 - i)) FROM generate_series(1, 8) AS i)
                   - substr(e, 11, 1)::int) % 11 <> 0), 0::bigint,
          'NL btw-id (MOD 97-10): every single-digit error caught, but for those passing the 11-test');
SELECT is((SELECT count(*) FROM identity_t.one_digit_errors('EE100207415') AS e
            WHERE e LIKE 'EE10%' AND vat_valid(e) AND substr(e, 11, 1) <> '5'), 0::bigint,
          'EE: every error changing the weighted sum mod 10 is caught');

-- special cases
SELECT ok(vat_valid('FR82000512345') AND NOT vat_valid('FR27000512345'),
          'Monaco (FR numbers starting 000): key checked, not Luhn');
SELECT ok(vat_valid('FRAB542051180') AND NOT vat_valid('FRIB542051180'), 'FR keys with letters: format only, no I or O');
SELECT ok(vat_valid('NL010000446B01') AND vat_valid('NL000099998B57'), 'NL: 11-test or MOD 97-10');
SELECT ok(vat_valid('ESA28015865') AND vat_valid('ESA2801586E') AND NOT vat_valid('ESA2801586F'),
          'ES legal person: check as digit 5 or letter E');
SELECT ok(vat_valid('ES12345678Z') AND vat_valid('ESX2482300W') AND NOT vat_valid('ES12345678A'),
          'ES: DNI and NIE letters');
SELECT ok(vat_valid('IE8Z49289F') AND vat_valid('IE1+23456W') AND vat_valid('IE3628739UA'),
          'IE: old style, with +, and with a second letter');
SELECT ok(vat_valid('LT210061371310'), 'LT: 12 digits, second round');
SELECT ok(NOT vat_valid('GR094014201') AND vat_valid('EL094014201'), 'Greece is EL, not GR');
SELECT ok(NOT vat_valid('GB123456789') AND NOT vat_valid('XI123456789'), 'no GB, no XI');
SELECT ok(vat_valid('  fr-59.542.051.180 ') AND vat_valid('de 143 454 214'), 'case and separators do not matter');
SELECT ok(NOT vat_valid('FR59542051180/') AND NOT vat_valid(E'FR59542051180\t'), 'other characters do');

-- validators never raise; normalisers raise 22P02 exactly when they say false
SELECT lives_ok($$SELECT vat_valid(x) FROM (VALUES (''), ('x'), (repeat('FR', 50000)), (E'\u00e9'), ('FR+*'), ('IE+')) AS v(x)$$,
                'vat_valid never raises');
SELECT is((SELECT count(*) FROM (VALUES ('ATU13585627'), ('ATU13585628'), ('FR59542051180'), ('fr 59 542 051 180'),
                                        ('GR094014201'), (''), ('NL000099998B5'), ('ES12345678Z'), ('IE+'), ('x y'),
                                        ('SK4030000007'), ('SK4000000007')) AS v(x)
            WHERE (identity_t.normalize_state(x) = 'ok') IS DISTINCT FROM vat_valid(x)), 0::bigint,
          'vat_normalize succeeds exactly when vat_valid is true');
SELECT is((SELECT count(DISTINCT identity_t.normalize_state(x)) FROM (VALUES ('ATU13585628'), ('GR094014201'), (''),
                                        ('NL000099998B5'), ('IE+'), ('x y'), ('SK4000000007')) AS v(x)), 1::bigint,
          '... and raises only 22P02');
SELECT is(vat_normalize(vat_normalize(' ie 8z49289f ')), 'IE8Z49289F', 'the canonical form is a fixed point');
SELECT is(siren_normalize(siren_normalize('542 051 180')), '542051180', 'SIREN canonical form is a fixed point');
SELECT is(siret_normalize('356 000 000 09075'), '35600000009075', 'SIRET canonical form');
SELECT throws_ok($$SELECT vat_normalize('DE143454215')$$, '22P02', 'invalid VAT number: "DE143454215"',
                 'vat_normalize: 22P02 naming the value');
SELECT throws_ok($$SELECT siret_normalize('35600000009076')$$, '22P02', 'invalid SIRET: "35600000009076"',
                 'siret_normalize: 22P02 naming the value');
SELECT throws_ok($$SELECT siren_normalize(repeat('1', 500))$$, '22P02',
                 'invalid SIREN: "' || repeat('1', 100) || '..."', 'a long value is clipped');
SELECT is(vat_valid(NULL), NULL, 'NULL in, NULL out');

-- in a customer table
CREATE TABLE identity_t.customer (
    id    int PRIMARY KEY,
    siren text CHECK (siren_valid(siren)),
    siret text CHECK (siret_valid(siret)),
    vat   text CHECK (vat_valid(vat)),
    CHECK (siret IS NULL OR siren IS NULL OR left(siret_normalize(siret), 9) = siren_normalize(siren))
);
SELECT lives_ok($$INSERT INTO identity_t.customer VALUES (1, '356 000 000', '356 000 000 09075', 'FR39356000000')$$,
                'a valid customer row is accepted');
SELECT throws_ok($$INSERT INTO identity_t.customer VALUES (2, '356000001', NULL, NULL)$$, '23514', NULL,
                 'CHECK (siren_valid(siren)) rejects a bad SIREN');
SELECT throws_ok($$INSERT INTO identity_t.customer VALUES (3, '542051180', '35600000009075', NULL)$$, '23514', NULL,
                 'a SIRET of another company is refused by the table''s own CHECK');
SELECT throws_ok($$INSERT INTO identity_t.customer VALUES (4, NULL, NULL, 'DE 143 454 215')$$, '23514', NULL,
                 'CHECK (vat_valid(vat)) rejects a bad check digit');
SELECT lives_ok($$CREATE UNIQUE INDEX ON identity_t.customer (vat_normalize(vat))$$,
                'an expression index on vat_normalize (IMMUTABLE)');
SELECT throws_ok($$INSERT INTO identity_t.customer VALUES (5, NULL, NULL, 'fr 39 356 000 000')$$, '23505', NULL,
                 'the same VAT number typed differently is a duplicate');

SELECT * FROM finish();
ROLLBACK;
