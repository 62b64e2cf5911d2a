--
-- pgTAP bad-input catalogue (issue #7, "Hardening"): every type, function,
-- configuration table, the tracking function and the trigger fed garbage
-- text, huge numbers, NaN and infinities, infinite dates, NULLs, empty and
-- malformed arrays, wrong policy / regime / model names, Unicode and very
-- long strings.  Each case pins the SQLSTATE and the exact message, so a
-- change of wording or code shows up here; NULL arguments of STRICT
-- functions give NULL.  The backend must survive all of it: the last tests
-- check that this is still the same backend.
--
-- Tests marked "Regression" pin bugs this file found (see the commits).
--
-- Settings out of range set before the module is loaded (issue 18): the
-- module's load replaces them with their defaults (a WARNING), whatever the
-- order.  Nothing above has loaded it in this new session.
SET ar_credit.max_attempts = 1000;
SET ar_credit.paydex_drop_threshold = 500;
SET ar_credit.block_overdue_days = -3;
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public, ar_credit;
SET LOCAL datestyle = 'ISO, YMD';

SELECT plan(227);
SELECT is(current_setting('ar_credit.max_attempts'), '5', 'Regression (issue 18): max_attempts = 1000 set before the module loaded falls back to 5');
SELECT is(current_setting('ar_credit.paydex_drop_threshold')::int BETWEEN 0 AND 100, true, 'paydex_drop_threshold = 500 set before the load: back in its range');
SELECT is(current_setting('ar_credit.block_overdue_days')::int >= 0, true, 'block_overdue_days = -3 set before the load: back in its range');

CREATE SCHEMA bad_t;
CREATE TABLE bad_t.backend AS SELECT pg_backend_pid() AS pid;

-- "SQLSTATE message | detail | hint" of the error q raises, or 'no error'
CREATE FUNCTION bad_t.error_of(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    st  text;
    msg text;
    det text;
    hnt text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                            hnt = PG_EXCEPTION_HINT;
    RETURN st || ' ' || msg || ' | ' || coalesce(det, '') || ' | ' || coalesce(hnt, '');
END $$;

-- length of the message of the error q raises (long arguments are clipped)
CREATE FUNCTION bad_t.message_length(q text) RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    RETURN length(SQLERRM);
END $$;

-- =====================================================================
-- 1. payment_terms text input: 22P02 naming the input
-- =====================================================================
SELECT throws_ok($$SELECT 'garbage'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "garbage"', 'terms: a word that means nothing');
SELECT throws_ok($$SELECT ''::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: ""', 'terms: empty text');
SELECT throws_ok($$SELECT E' \t '::ar_credit.payment_terms$$, '22P02',
                 E'invalid input syntax for type payment_terms: " \t "', 'terms: only white space');
SELECT is(bad_t.error_of($$SELECT 'net'::ar_credit.payment_terms$$),
          '22P02 invalid input syntax for type payment_terms: "net" | '
          'Unexpected end of input; expected a due date such as "30 days", "end of month" or "45D+CM". | '
          'Write terms as a formula such as "30D", "45D+CM" or "30% 15D, 70% 45D", or in words such as "net 30" or "45 jours fin de mois".',
          'terms: "net" without a number, with detail and hint');
SELECT throws_ok($$SELECT 'NaN'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "NaN"', 'terms: NaN');
SELECT throws_ok($$SELECT 'infinity'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "infinity"', 'terms: infinity');
SELECT throws_ok($$SELECT '30D;DROP TABLE bad_t.backend'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "30D;DROP TABLE bad_t.backend"', 'terms: SQL after the terms');
SELECT is(bad_t.error_of($$SELECT '-10000D'::ar_credit.payment_terms$$),
          '22P02 invalid input syntax for type payment_terms: "-10000D" | A step may add at most 9999 units. | '
          'Write terms as a formula such as "30D", "45D+CM" or "30% 15D, 70% 45D", or in words such as "net 30" or "45 jours fin de mois".',
          'terms: a step of -10000 days');
SELECT throws_ok($$SELECT '99999999999999999999D'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "99999999999999999999D"', 'terms: a day count beyond int64');
SELECT throws_ok($$SELECT 'D0'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "D0"', 'terms: day of month 0');
SELECT throws_ok($$SELECT 'D-1'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "D-1"', 'terms: day of month -1');
SELECT is(bad_t.error_of($$SELECT '0% 15D, 100% 45D'::ar_credit.payment_terms$$),
          '22P02 invalid input syntax for type payment_terms: "0% 15D, 100% 45D" | '
          'An instalment share must be greater than 0% and at most 100%. | '
          'Write terms as a formula such as "30D", "45D+CM" or "30% 15D, 70% 45D", or in words such as "net 30" or "45 jours fin de mois".',
          'terms: a 0% instalment');
SELECT throws_ok($$SELECT '-10% 15D, 110% 45D'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "-10% 15D, 110% 45D"', 'terms: a negative instalment share');
SELECT throws_ok($$SELECT '200/10 net 30'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "200/10 net 30"', 'terms: a 200% discount');
SELECT throws_ok($$SELECT '0/10 net 30'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "0/10 net 30"', 'terms: a 0% discount');
SELECT throws_ok($$SELECT '33.333% 15D, 66.667% 45D'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "33.333% 15D, 66.667% 45D"', 'terms: three decimals in a share');
SELECT is(bad_t.error_of($$SELECT (repeat('1D+', 16) || '1D')::ar_credit.payment_terms$$),
          '22P02 invalid input syntax for type payment_terms: "1D+1D+1D+1D+1D+1D+1D+1D+1D+1D+1D+1D+1D+1D+1D+1D+1D" | '
          'A due date formula may have at most 16 steps. | '
          'Write terms as a formula such as "30D", "45D+CM" or "30% 15D, 70% 45D", or in words such as "net 30" or "45 jours fin de mois".',
          'terms: 17 steps');
SELECT throws_ok($$SELECT (repeat('1% 1D, ', 12) || '88% 2D')::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "' || repeat('1% 1D, ', 12) || '88% 2D"', 'terms: 13 instalments');
SELECT throws_ok($$SELECT '30D discount 2% 10D discount 3% 5D'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "30D discount 2% 10D discount 3% 5D"', 'terms: two discounts');
SELECT throws_ok($$SELECT '30D+'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "30D+"', 'terms: a dangling "+"');
-- Unicode
SELECT is(bad_t.error_of($$SELECT '30日'::ar_credit.payment_terms$$),
          '22P02 invalid input syntax for type payment_terms: "30日" | Unexpected character "日". | '
          'Write terms as a formula such as "30D", "45D+CM" or "30% 15D, 70% 45D", or in words such as "net 30" or "45 jours fin de mois".',
          'terms: a CJK unit, named whole in the detail');
SELECT throws_ok($$SELECT '30 días'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "30 días"', 'terms: Spanish with an accent');
SELECT throws_ok($$SELECT 'à réception ☃'::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "à réception ☃"', 'terms: a snowman after valid French');
SELECT is('À RÉCEPTION'::ar_credit.payment_terms::text, 'immediate', 'terms: upper-case accented French is accepted');
-- very long strings: the message echoes the first 100 bytes only
SELECT throws_ok($$SELECT repeat('x', 100000)::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "' || repeat('x', 100) || '..."',
                 'terms: 100,000 characters, message clipped');
SELECT is(bad_t.error_of($$SELECT repeat('30D+', 25000)::ar_credit.payment_terms$$),
          '22P02 invalid input syntax for type payment_terms: "' || substr(repeat('30D+', 25), 1, 100) || '..." | '
          'Payment terms text may be at most 8192 bytes long. | '
          'Write terms as a formula such as "30D", "45D+CM" or "30% 15D, 70% 45D", or in words such as "net 30" or "45 jours fin de mois".',
          'terms: 100,000 bytes of formula, the detail gives the limit');
SELECT throws_ok($$SELECT repeat('é', 100000)::ar_credit.payment_terms$$, '22P02',
                 'invalid input syntax for type payment_terms: "' || repeat('é', 50) || '..."',
                 'terms: 100,000 two-byte characters, clipped on a character boundary');

-- binary input (recv): COPY FROM PROGRAM a hand-made COPY BINARY stream
-- holding data as the one field of one row (needs a superuser)
CREATE TABLE bad_t.recv_target (t ar_credit.payment_terms);
CREATE FUNCTION bad_t.recv(data bytea) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    stream bytea := '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
                    || int2send(1::int2) || int4send(length(data)) || data || '\xffff'::bytea;
    oct text;
    res text;
BEGIN
    SELECT string_agg('\' || (get_byte(stream, i) >> 6)::text || ((get_byte(stream, i) >> 3) & 7)::text
                      || (get_byte(stream, i) & 7)::text, '' ORDER BY i)
      INTO oct FROM generate_series(0, length(stream) - 1) i;
    TRUNCATE bad_t.recv_target;
    EXECUTE format('COPY bad_t.recv_target FROM PROGRAM %L (FORMAT binary)', 'printf ''' || oct || '''');
    SELECT string_agg(t::text, ';') INTO res FROM bad_t.recv_target;
    RETURN res;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
END $$;
SELECT CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
            THEN is(bad_t.recv('\x'::bytea), '08P01 no data left in message', 'recv: an empty value, not even the version byte')
            ELSE skip('COPY FROM PROGRAM needs a superuser', 1) END;
SELECT CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
            THEN is(bad_t.recv('\x01'::bytea), '22P02 invalid input syntax for type payment_terms: ""',
                    'recv: the version byte and no text')
            ELSE skip('COPY FROM PROGRAM needs a superuser', 1) END;
SELECT CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
            THEN is(bad_t.recv('\x01ff'::bytea), '22021 invalid byte sequence for encoding "UTF8": 0xff',
                    'recv: text that is not UTF-8')
            ELSE skip('COPY FROM PROGRAM needs a superuser', 1) END;
SELECT CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
            THEN is(bad_t.recv('\x013330440033'::bytea), '22021 invalid byte sequence for encoding "UTF8": 0x00',
                    'recv: a NUL byte inside the text')
            ELSE skip('COPY FROM PROGRAM needs a superuser', 1) END;

-- =====================================================================
-- 2. payment terms functions: infinite dates (22008), NaN / Infinity
--    amounts (22023), unknown languages and regimes (22023)
-- =====================================================================
SELECT throws_ok($$SELECT ar_credit.due_date('30D', 'infinity')$$, '22008',
                 'invoice_date must be a finite date, not infinity', 'due_date: infinity');
SELECT throws_ok($$SELECT ar_credit.due_date('30D', '-infinity')$$, '22008',
                 'invoice_date must be a finite date, not -infinity', 'due_date: -infinity');
SELECT throws_ok($$SELECT ar_credit.due_date('-9999Y', '2024-01-01')$$, '22008',
                 'due date of payment terms "-9999Y" for invoice date 2024-01-01 is out of range for type date',
                 'due_date: before 4714 BC');
SELECT throws_ok($$SELECT ar_credit.due_date('1M', '5874897-12-15')$$, '22008',
                 'due date of payment terms "1M" for invoice date 5874897-12-15 is out of range for type date',
                 'due_date: beyond the last date');
SELECT throws_ok($$SELECT ar_credit.discount_date('2/10 net 30', 'infinity')$$, '22008',
                 'invoice_date must be a finite date, not infinity', 'discount_date: infinity');
SELECT throws_ok($$SELECT ar_credit.discount_date('10D discount 2% 40D', '5874897-12-15')$$, '22008',
                 'discount date of payment terms "10D discount 2% 40D" for invoice date 5874897-12-15 is out of range for type date',
                 'discount_date: beyond the last date');
SELECT throws_ok($$SELECT ar_credit.discount_amount('2/10 net 30', 'NaN', '2024-01-01', '2024-01-05')$$, '22023',
                 'amount must be a finite number, not NaN', 'discount_amount: NaN amount');
SELECT throws_ok($$SELECT ar_credit.discount_amount('2/10 net 30', '-Infinity', '2024-01-01', '2024-01-05')$$, '22023',
                 'amount must be a finite number, not -Infinity', 'discount_amount: -Infinity amount');
SELECT throws_ok($$SELECT ar_credit.discount_amount('2/10 net 30', 100, '2024-01-01', 'infinity')$$, '22008',
                 'paid_on must be a finite date, not infinity', 'discount_amount: paid on infinity');
SELECT throws_ok($$SELECT * FROM ar_credit.installments('30% 15D, 70% 45D', '2024-01-01', 'Infinity')$$, '22023',
                 'amount must be a finite number, not Infinity', 'installments: infinite amount');
SELECT throws_ok($$SELECT * FROM ar_credit.installments('30% 15D, 70% 45D', '-infinity', 100)$$, '22008',
                 'invoice_date must be a finite date, not -infinity', 'installments: -infinity');
SELECT throws_ok($$SELECT * FROM ar_credit.installments('50% 15D, 50% 45D', '5874897-12-15', 100)$$, '22008',
                 'instalment due date of payment terms "50% 15D, 50% 45D" for invoice date 5874897-12-15 is out of range for type date',
                 'installments: a due date beyond the last date');
SELECT is(bad_t.error_of($$SELECT ar_credit.describe('30D', 'de')$$),
          '22023 unsupported language for payment terms: "de" |  | Use "en" or "fr".', 'describe: German, with a hint');
SELECT throws_ok($$SELECT ar_credit.describe('30D', '')$$, '22023',
                 'unsupported language for payment terms: ""', 'describe: empty language');
SELECT throws_ok($$SELECT ar_credit.describe('30D', 'français')$$, '22023',
                 'unsupported language for payment terms: "français"', 'describe: a language name with an accent');
-- Regression: the whole 100,000-character argument was echoed in the message
SELECT throws_ok($$SELECT ar_credit.describe('30D', repeat('x', 100000))$$, '22023',
                 'unsupported language for payment terms: "' || repeat('x', 100) || '..."', 'describe: a 100,000-character language, clipped');
SELECT is(bad_t.error_of($$SELECT ar_credit.terms_violations('30D', 'US')$$),
          '22023 unknown payment terms regime: "US" |  | Known regimes: FR, FR_PERIODIC, EU_B2B, EU_PUBLIC, FR_PUBLIC.',
          'terms_violations: unknown regime, the hint lists the known ones');
SELECT throws_ok($$SELECT ar_credit.terms_violations('30D', 'ÉU')$$, '22023',
                 'unknown payment terms regime: "ÉU"', 'terms_violations: a Unicode regime name');
-- Regression: echoed whole
SELECT throws_ok($$SELECT ar_credit.terms_violations('30D', repeat('é', 100000))$$, '22023',
                 'unknown payment terms regime: "' || repeat('é', 50) || '..."', 'terms_violations: a 100,000-character regime, clipped');
SELECT ok(ar_credit.due_date(NULL, '2024-01-01') IS NULL AND ar_credit.due_date('30D', NULL) IS NULL
          AND ar_credit.describe('30D', NULL) IS NULL AND ar_credit.terms_violations('30D', NULL) IS NULL
          AND ar_credit.discount_amount('2/10 net 30', NULL, '2024-01-01', '2024-01-05') IS NULL,
          'terms functions: NULL arguments give NULL (STRICT)');

-- =====================================================================
-- 3. aging and collection KPIs
-- =====================================================================
SELECT throws_ok($$SELECT ar_credit.days_past_due('infinity', '2024-01-01')$$, '22008',
                 'due must be a finite date, not infinity', 'days_past_due: infinite due date');
SELECT is(bad_t.error_of($$SELECT ar_credit.aging_bucket('2024-01-01', '2024-02-01', '{}')$$),
          '22023 aging bounds must not be empty |  | Give the upper day of each bucket after "current", e.g. ''{30,60,90}''.',
          'aging_bucket: empty bounds, with a hint');
SELECT throws_ok($$SELECT ar_credit.aging_bucket('2024-01-01', '2024-02-01', '{60,30,90}')$$, '22023',
                 'invalid aging bounds: element 2 (30) must be greater than the element before it', 'aging_bucket: unsorted bounds');
SELECT throws_ok($$SELECT ar_credit.aging_bucket_no('2024-01-01', '2024-02-01', '{-30,60}')$$, '22023',
                 'invalid aging bounds: element 1 (-30) must be positive', 'aging_bucket_no: a negative bound');
SELECT throws_ok($$SELECT ar_credit.aging_bucket('2024-01-01', '2024-02-01', '{30,NULL,90}')$$, '22023',
                 'invalid aging bounds: element 2 is NULL', 'aging_bucket: a NULL element');
SELECT throws_ok($$SELECT ar_credit.aging_bucket('2024-01-01', '2024-02-01', '{{30,60},{90,120}}')$$, '22023',
                 'aging bounds must be a one-dimensional array', 'aging_bucket: a two-dimensional array');
SELECT throws_ok($$SELECT ar_credit.aging_bucket('2024-01-01', '2024-02-01', (SELECT array_agg(g) FROM generate_series(1, 1000) g))$$,
                 '22023', 'too many aging bounds: 1000', 'aging_bucket: 1000 bounds');
SELECT throws_ok($$SELECT ar_credit.aging_bucket_no('2024-01-01', '-infinity')$$, '22008',
                 'as_of must be a finite date, not -infinity', 'aging_bucket_no: -infinity as_of');
SELECT is(ar_credit.aging_bucket('2024-01-01', '2024-02-01', NULL), NULL, 'aging_bucket: NULL bounds give NULL (STRICT)');
-- Regression: a NaN or infinite amount made its bucket NaN / Infinity
SELECT throws_ok($$SELECT ar_credit.aging(a, d, '2024-06-30') FROM (VALUES ('NaN'::numeric, '2024-01-01'::date)) v(a, d)$$,
                 '22023', 'amount must be a finite number, not NaN', 'aging(): a NaN amount');
SELECT throws_ok($$SELECT ar_credit.aging(a, d, '2024-06-30', '{30}')
                     FROM (VALUES (100::numeric, '2024-01-01'::date), ('-Infinity', '2024-06-01')) v(a, d)$$,
                 '22023', 'amount must be a finite number, not -Infinity', 'aging(): a -Infinity amount after a good row');
SELECT throws_ok($$SELECT ar_credit.aging(a, d, '2024-06-30', NULL) FROM (VALUES (100::numeric, '2024-01-01'::date)) v(a, d)$$,
                 '22004', 'aging bounds must not be NULL', 'aging(): NULL bounds');
SELECT throws_ok($$SELECT ar_credit.aging(a, d, '2024-06-30', b)
                     FROM (VALUES (100::numeric, '2024-01-01'::date, '{30}'::int[]), (100, '2024-01-01', '{60}')) v(a, d, b)$$,
                 '22023', 'aging bounds must be the same for every row of a group', 'aging(): bounds changing between rows');
SELECT throws_ok($$SELECT ar_credit.aging(a, d, '2024-06-30') FROM (VALUES (100::numeric, 'infinity'::date)) v(a, d)$$,
                 '22008', 'due must be a finite date, not infinity', 'aging(): an infinite due date');
SELECT throws_ok($$SELECT ar_credit.paydex(a, d) FROM (VALUES ('NaN'::numeric, 10)) v(a, d)$$,
                 '22023', 'amount must be a finite number, not NaN', 'paydex(): a NaN amount');
SELECT throws_ok($$SELECT ar_credit.avg_days_beyond_terms(a, d) FROM (VALUES ('Infinity'::numeric, 10)) v(a, d)$$,
                 '22023', 'amount must be a finite number, not Infinity', 'avg_days_beyond_terms(): an infinite amount');
SELECT is(ar_credit.paydex(a, d), 20, 'paydex(): int4 extreme days late clamp to 20, no overflow')
  FROM (VALUES (100::numeric, 2147483647), (1, 2147483647)) v(a, d);
SELECT throws_ok($$SELECT ar_credit.dso(100, 0, 365)$$, '22012',
                 'DSO is undefined when credit_sales is zero', 'dso: zero credit sales');
SELECT throws_ok($$SELECT ar_credit.dso(100, 1000, -30)$$, '22023',
                 'period_days must be positive, not -30', 'dso: negative period');
-- Regression: dso/cei answered NaN, Infinity or 0.00
SELECT throws_ok($$SELECT ar_credit.dso('NaN', 1000, 365)$$, '22023',
                 'receivables must be a finite number, not NaN', 'dso: NaN receivables');
SELECT throws_ok($$SELECT ar_credit.dso(100, 'Infinity', 365)$$, '22023',
                 'credit_sales must be a finite number, not Infinity', 'dso: infinite credit sales (was 0.00)');
SELECT throws_ok($$SELECT ar_credit.cei(100, 1000, 150, 'NaN')$$, '22023',
                 'end_current_receivables must be a finite number, not NaN', 'cei: NaN end current receivables');
SELECT throws_ok($$SELECT ar_credit.cei(100, 'Infinity', 150, 100)$$, '22023',
                 'credit_sales must be a finite number, not Infinity', 'cei: infinite credit sales');
SELECT throws_ok($$SELECT ar_credit.cei(100, 1000, 150, 1100)$$, '22012',
                 'CEI is undefined when begin_receivables + credit_sales - end_current_receivables is zero', 'cei: zero denominator');

-- =====================================================================
-- 4. scores
-- =====================================================================
SELECT throws_ok($$SELECT ar_credit.altman_z(100, 200, 150, 500, 1000, 0, 400)$$, '22012',
                 'ratio X1 = working_capital / total_assets is undefined: total_assets is zero', 'altman_z: zero total assets');
SELECT is(bad_t.error_of($$SELECT ar_credit.altman_z(100, 200, 150, 500, 1000, 1000, -400)$$),
          '22023 ratio X4 = market_value_equity / total_liabilities is undefined: total_liabilities is negative | '
          'total_liabilities = -400. | ', 'altman_z: negative total liabilities, the detail gives the value');
-- Regression: the message said "ratio numerator", not which argument
SELECT throws_ok($$SELECT ar_credit.altman_z('NaN', 200, 150, 500, 1000, 1000, 400)$$, '22023',
                 'working_capital must be a finite number, not NaN', 'altman_z: NaN working capital');
SELECT throws_ok($$SELECT ar_credit.altman_z_prime(100, 200, 150, 'NaN', 1000, 1000, 400)$$, '22023',
                 'book_value_equity must be a finite number, not NaN', 'altman_z_prime: NaN book equity');
SELECT throws_ok($$SELECT ar_credit.altman_z_double_prime(100, 200, 'Infinity', 500, 1000, 400)$$, '22023',
                 'ebit must be a finite number, not Infinity', 'altman_z_double_prime: infinite EBIT');
SELECT is(ar_credit.altman_z(1e1000, 0, 0, 0, 0, 1e-1000, 1), 1.2e2000, 'altman_z: a ratio of 1e2000 is computed exactly');
SELECT throws_ok($$SELECT ar_credit.conan_holder(1, 1, 1, 'Infinity', 1)$$, '22023',
                 'r4 must be a finite number, not Infinity', 'conan_holder: infinite R4');
SELECT is(bad_t.error_of($$SELECT ar_credit.altman_zone(2.5, 'zz')$$),
          '22023 unknown score model: "zz" |  | Known models: z, z_prime, z_double_prime, conan_holder.',
          'altman_zone: unknown model, the hint lists the models');
SELECT throws_ok($$SELECT ar_credit.altman_zone(2.5, 'z prime')$$, '22023',
                 'unknown score model: "z prime"', 'altman_zone: a space instead of the underscore');
SELECT throws_ok($$SELECT ar_credit.altman_zone(2.5, 'zé☃')$$, '22023',
                 'unknown score model: "zé☃"', 'altman_zone: Unicode model name');
-- Regression: echoed whole
SELECT throws_ok($$SELECT ar_credit.altman_zone(2.5, repeat('z', 100000))$$, '22023',
                 'unknown score model: "' || repeat('z', 100) || '..."', 'altman_zone: a 100,000-character model, clipped');
SELECT throws_ok($$SELECT ar_credit.altman_zone('-Infinity')$$, '22023',
                 'score must be a finite number, not -Infinity', 'altman_zone: -Infinity');
SELECT throws_ok($$SELECT ar_credit.financial_score('NaN')$$, '22023',
                 'score must be a finite number, not NaN', 'financial_score: NaN');
SELECT throws_ok($$SELECT ar_credit.financial_score(2.5, 'nope')$$, '22023',
                 'unknown score model: "nope"', 'financial_score: unknown model');
SELECT is(ar_credit.financial_score(1e1000), 100.00, 'financial_score: 1e1000 clamps to 100.00');
SELECT throws_ok($$SELECT ar_credit.solvency_score(101, 80, 5000, 10000)$$, '22023',
                 'financial_score must be between 0 and 100, not 101', 'solvency_score: financial score 101');
SELECT throws_ok($$SELECT ar_credit.solvency_score(50, 0, 5000, 10000)$$, '22023',
                 'paydex must be between 1 and 100, not 0', 'solvency_score: paydex 0');
SELECT throws_ok($$SELECT ar_credit.solvency_score(50, 80, 'NaN', 10000)$$, '22023',
                 'exposure must be a finite number, not NaN', 'solvency_score: NaN exposure');
-- Regression: the value was not named
SELECT throws_ok($$SELECT ar_credit.solvency_score(50, 80, 5000, -1)$$, '22023',
                 'credit_limit must not be negative, not -1', 'solvency_score: negative credit limit');
SELECT throws_ok($$SELECT ar_credit.risk_class(-2147483648)$$, '22023',
                 'solvency score must be between 0 and 100, not -2147483648', 'risk_class: int4 minimum');
SELECT is(bad_t.error_of($$SELECT ar_credit.recommended_terms('F')$$),
          '22023 unknown risk class: "F" |  | Risk classes are A, B, C, D and E (ar_credit.credit_policy).',
          'recommended_terms: unknown class F');
SELECT throws_ok($$SELECT ar_credit.recommended_terms('É')$$, '22023',
                 'unknown risk class: "É"', 'recommended_terms: Unicode class');
SELECT ok(ar_credit.recommended_terms(NULL) IS NULL AND ar_credit.risk_class(NULL) IS NULL
          AND ar_credit.altman_zone(2.5, NULL) IS NULL AND ar_credit.solvency_score(NULL, NULL, NULL, NULL) IS NULL,
          'scores: NULL arguments give NULL');

-- =====================================================================
-- 5. late-payment interest
-- =====================================================================
SELECT is(bad_t.error_of($$SELECT ar_credit.late_interest(10000, '2024-06-15', '2024-07-15', 'XX_B2B')$$),
          '22023 unknown interest regime: "XX_B2B" |  | The regimes are the rows of ar_credit.interest_regime; add one with INSERT.',
          'late_interest: unknown regime');
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, '2024-06-15', '2024-07-15', '')$$, '22023',
                 'unknown interest regime: ""', 'late_interest: empty regime');
-- Regression: no hint for a regime written in the wrong case
SELECT is(bad_t.error_of($$SELECT ar_credit.late_interest(10000, '2024-06-15', '2024-07-15', 'fr_b2b')$$),
          '22023 unknown interest regime: "fr_b2b" |  | Regime names are case-sensitive: did you mean "FR_B2B"?',
          'late_interest: lower-case regime, a did-you-mean hint');
-- Regression: echoed whole
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, '2024-06-15', '2024-07-15', repeat('R', 100000))$$, '22023',
                 'unknown interest regime: "' || repeat('R', 100) || '..."', 'late_interest: a 100,000-character regime, clipped');
SELECT throws_ok($$SELECT ar_credit.late_interest('NaN', '2024-06-15', '2024-07-15')$$, '22023',
                 'amount must be a finite number, not NaN', 'late_interest: NaN amount');
SELECT throws_ok($$SELECT ar_credit.late_interest('-Infinity', '2024-06-15', '2024-07-15')$$, '22023',
                 'amount must be a finite number, not -Infinity', 'late_interest: -Infinity amount');
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, 'infinity', '2024-07-15')$$, '22008',
                 'due must be a finite date, not infinity', 'late_interest: infinite due date');
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, '2024-06-15', '-infinity')$$, '22008',
                 'paid must be a finite date, not -infinity', 'late_interest: paid on -infinity');
SELECT is(bad_t.error_of($$SELECT ar_credit.late_interest(10000, '1990-01-01', '1990-07-15')$$),
          '22023 no reference rate for index ECB_MRO on 1990-01-01 |  | Add the published rate with INSERT INTO ar_credit.reference_rate.',
          'late_interest: before the first known rate, naming index and date');
SELECT is(ar_credit.late_interest(10000, '2024-07-15', '2024-06-15'), 0.00, 'late_interest: paid before due is 0.00');
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, '2024-06-15', '2024-07-15', 'FR_B2B', 'NaN')$$, '22023',
                 'contract_rate must be a finite number, not NaN', 'late_interest: NaN contract rate');
-- Regression: the value was not named
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, '2024-06-15', '2024-07-15', 'FR_B2B', -1)$$, '22023',
                 'contract_rate must not be negative, not -1', 'late_interest: negative contract rate');
SELECT throws_ok($$SELECT ar_credit.late_interest(10000, '2024-06-15', '2024-07-15', 'FR_B2B', 1)$$, '22023',
                 'contract rate 1% is below the legal minimum of 15.21% for regime FR_B2B', 'late_interest: contract rate below 3 x taux legal');
SELECT throws_ok($$SELECT * FROM ar_credit.late_interest_detail(10000, '2024-06-15', '2024-07-15', 'nope')$$, '22023',
                 'unknown interest regime: "nope"', 'late_interest_detail: unknown regime');
SELECT throws_ok($$SELECT ar_credit.recovery_indemnity('Infinity', 'UK_B2B')$$, '22023',
                 'amount must be a finite number, not Infinity', 'recovery_indemnity: infinite amount');
SELECT throws_ok($$SELECT ar_credit.recovery_indemnity(100, 'UK_B2C')$$, '22023',
                 'unknown interest regime: "UK_B2C"', 'recovery_indemnity: unknown regime');
-- Regression: regime rows with NaN / infinite numbers or a negative indemnity
-- gave interest of NaN or Infinity and an indemnity of -40.00; since 0.2.0
-- CHECK constraints refuse them (and the C code would still name them)
SELECT throws_ok($$INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing) VALUES ('T_NAN', 'ECB_MRO', 'NaN', 'half_year')$$,
                 '23514', 'new row for relation "interest_regime" violates check constraint "interest_regime_margin_range"',
                 'interest_regime: a NaN margin');
SELECT throws_ok($$INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing) VALUES ('T_INF', 'ECB_MRO', 'Infinity', 'half_year')$$,
                 '23514', 'new row for relation "interest_regime" violates check constraint "interest_regime_margin_range"',
                 'interest_regime: an infinite margin');
SELECT throws_ok($$INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing, indemnity_rule, indemnity_amount)
                   VALUES ('T_NEG', 'ECB_MRO', 8, 'half_year', 'fixed', -40)$$,
                 '23514', 'new row for relation "interest_regime" violates check constraint "interest_regime_indemnity_range"',
                 'interest_regime: a negative fixed indemnity');
SELECT throws_ok($$INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing, floor_index, floor_factor)
                   VALUES ('T_FLOOR', 'ECB_MRO', 8, 'half_year', 'FR_TIL_PRO', 'NaN')$$,
                 '23514', 'new row for relation "interest_regime" violates check constraint "interest_regime_floor_factor_range"',
                 'interest_regime: a NaN contract-rate floor');
SELECT is(ar_credit.late_interest(10000, '2024-06-15', '2024-07-15', 'FR_B2B'), 118.15,
          'late_interest: the other regimes still work next to broken rows');
DELETE FROM ar_credit.interest_regime WHERE regime LIKE 'T\_%';

-- =====================================================================
-- 6. dunning policies and next_reminder
-- =====================================================================
SELECT is(bad_t.error_of($$SELECT * FROM ar_credit.next_reminder('2024-03-31', '2024-03-01', 0, 'nope')$$),
          '22023 unknown dunning policy: "nope" |  | Policies are the rows of ar_credit.dunning_step (shipped: standard, strict).',
          'next_reminder: unknown policy');
-- Regression: no hint for a policy written in the wrong case
SELECT is(bad_t.error_of($$SELECT * FROM ar_credit.next_reminder('2024-03-31', '2024-03-01', 0, 'STANDARD')$$),
          '22023 unknown dunning policy: "STANDARD" |  | Policy names are case-sensitive: did you mean "standard"?',
          'next_reminder: upper-case policy, a did-you-mean hint');
-- Regression: echoed whole
SELECT throws_ok($$SELECT * FROM ar_credit.next_reminder('2024-03-31', '2024-03-01', 0, repeat('p', 100000))$$, '22023',
                 'unknown dunning policy: "' || repeat('p', 100) || '..."', 'next_reminder: a 100,000-character policy, clipped');
SELECT throws_ok($$SELECT * FROM ar_credit.next_reminder('2024-03-31', '2024-03-01', 0, NULL)$$, '22004',
                 'dunning policy must not be NULL', 'next_reminder: NULL policy');
SELECT throws_ok($$SELECT * FROM ar_credit.next_reminder('infinity', '2024-03-01')$$, '22008',
                 'due must be a finite date, not infinity', 'next_reminder: infinite due date');
SELECT throws_ok($$SELECT * FROM ar_credit.next_reminder('2024-03-31', '2024-03-01', 0, 'standard', '-infinity')$$, '22008',
                 'last_sent must be a finite date, not -infinity', 'next_reminder: last sent on -infinity');
SELECT throws_ok($$SELECT * FROM ar_credit.next_reminder('2024-03-31', '2024-03-01', 0, 'standard', NULL, -1)$$, '22023',
                 'min_gap_days must not be negative, not -1', 'next_reminder: negative gap');
-- Regression: a negative level was read as 0
SELECT is(bad_t.error_of($$SELECT * FROM ar_credit.next_reminder('2024-03-31', '2024-03-01', -1)$$),
          '22023 last_level must not be negative, not -1 |  | Give 0 when no reminder was sent yet.',
          'next_reminder: negative last level');
SELECT throws_ok($$SELECT * FROM ar_credit.next_reminder('2024-03-31', '2024-03-01', 0, 'standard', '2024-03-01', 2147483647)$$,
                 '22008', 'reminder date is out of range for type date', 'next_reminder: a gap of 2^31-1 days');
SELECT is((SELECT count(*) FROM ar_credit.next_reminder('2024-03-31', '2024-03-01', 2147483647)), 0::bigint,
          'next_reminder: a level beyond the last gives no row');
-- Regression: next_reminder_rec (used by the trigger and complete_reminder)
-- took infinite dates and negative gaps without a word
SELECT throws_ok($$SELECT ar_credit.next_reminder_rec('2024-03-31', 'infinity', 0, 'standard', NULL, 5, 100)$$, '22008',
                 'as_of must be a finite date, not infinity', 'next_reminder_rec: infinite as_of');
SELECT throws_ok($$SELECT ar_credit.next_reminder_rec('2024-03-31', '2024-03-01', 0, 'standard', '-infinity', 5, 100)$$, '22008',
                 'last_sent must be a finite date, not -infinity', 'next_reminder_rec: last sent on -infinity');
SELECT throws_ok($$SELECT ar_credit.next_reminder_rec('2024-03-31', '2024-03-01', 0, 'standard', NULL, -100, 100)$$, '22023',
                 'min_gap_days must not be negative, not -100', 'next_reminder_rec: negative gap');
-- Regression: one step with a min_amount beyond float8 failed every policy
-- (a 400-digit "out of range" message); a NaN one was read as 0
INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label, min_amount) VALUES
    ('t_huge', 1, 1, 'email', 'never', 1e400), ('t_huge', 2, 2, 'email', 'always', 0),
    ('t_min', 1, 1, 'email', 'over 1000', 1000);
SELECT is((SELECT r.level || ' ' || r.channel FROM ar_credit.next_reminder('2024-03-31', '2024-03-01') r), '1 email',
          'next_reminder: the shipped policies still work next to a huge min_amount');
SELECT is((ar_credit.next_reminder_rec('2024-03-31', '2024-03-01', 0, 't_huge', NULL, 5, 1e300)).label, 'always',
          'next_reminder_rec: a min_amount of 1e400 is never reached');
SELECT is((ar_credit.next_reminder_rec('2024-03-31', '2024-03-01', 0, 't_min', NULL, 5, 1e400)).label, 'over 1000',
          'next_reminder_rec: an amount of 1e400 does not overflow float8');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label, min_amount)
                   VALUES ('t_nan', 1, 1, 'email', 'x', 'NaN')$$,
                 '23514', 'new row for relation "dunning_step" violates check constraint "dunning_step_min_amount_number"',
                 'dunning_step: a NaN min_amount (since 0.2.0 refused by a CHECK constraint)');
DELETE FROM ar_credit.dunning_step WHERE policy LIKE 't\_%';

-- =====================================================================
-- 7. configuration tables: CHECK, NOT NULL and key constraints
-- =====================================================================
SELECT throws_ok($$INSERT INTO ar_credit.credit_policy (risk_class, terms) VALUES ('F', '30D')$$, '23514',
                 'new row for relation "credit_policy" violates check constraint "credit_policy_risk_class_check"',
                 'credit_policy: class F');
SELECT throws_ok($$INSERT INTO ar_credit.credit_policy (risk_class, terms) VALUES ('a', '30D')$$, '23514',
                 'new row for relation "credit_policy" violates check constraint "credit_policy_risk_class_check"',
                 'credit_policy: lower-case class');
SELECT throws_ok($$UPDATE ar_credit.credit_policy SET deposit_pct = 150 WHERE risk_class = 'E'$$, '23514',
                 'new row for relation "credit_policy" violates check constraint "credit_policy_deposit_pct_check"',
                 'credit_policy: a 150% deposit');
SELECT throws_ok($$INSERT INTO ar_credit.credit_policy (risk_class, terms, deposit_pct) VALUES ('A', '30D', 'NaN')$$, '23514',
                 'new row for relation "credit_policy" violates check constraint "credit_policy_deposit_pct_check"',
                 'credit_policy: a NaN deposit');
SELECT throws_ok($$INSERT INTO ar_credit.credit_policy (risk_class, terms, limit_factor) VALUES ('A', '30D', -0.5)$$, '23514',
                 'new row for relation "credit_policy" violates check constraint "credit_policy_limit_factor_check"',
                 'credit_policy: a negative limit factor');
-- Regression (0.2.0): NaN, Infinity and empty names were let in
SELECT throws_ok($$INSERT INTO ar_credit.credit_policy (risk_class, terms, limit_factor) VALUES ('A', '30D', 'NaN')$$, '23514',
                 'new row for relation "credit_policy" violates check constraint "credit_policy_limit_factor_max"',
                 'credit_policy: a NaN limit factor');
SELECT throws_ok($$INSERT INTO ar_credit.reference_rate (rate_index, valid_from, rate) VALUES ('', '2030-01-01', 1)$$, '23514',
                 'new row for relation "reference_rate" violates check constraint "reference_rate_index_named"',
                 'reference_rate: an empty index name');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label) VALUES ('', 1, 1, 'email', 'x')$$, '23514',
                 'new row for relation "dunning_step" violates check constraint "dunning_step_named"',
                 'dunning_step: an empty policy name');
SELECT throws_ok($$SELECT ar_credit.recommended_terms(repeat('A', 100000))$$, '22023',
                 'unknown risk class: "' || repeat('A', 100) || '..."', 'recommended_terms: a 100,000-character class, clipped');
SELECT throws_ok($$INSERT INTO ar_credit.credit_policy (risk_class, terms) VALUES ('A', 'sixty days')$$, '22P02',
                 'invalid input syntax for type payment_terms: "sixty days"', 'credit_policy: unparsable terms');
SELECT throws_ok($$INSERT INTO ar_credit.credit_policy (risk_class, terms) VALUES ('A', NULL)$$, '23502',
                 'null value in column "terms" of relation "credit_policy" violates not-null constraint',
                 'credit_policy: NULL terms');
SELECT throws_ok($$INSERT INTO ar_credit.reference_rate (rate_index, valid_from, rate) VALUES ('ECB_MRO', 'infinity', 1)$$, '23514',
                 'new row for relation "reference_rate" violates check constraint "reference_rate_valid_from_check"',
                 'reference_rate: valid from infinity');
SELECT throws_ok($$INSERT INTO ar_credit.reference_rate (rate_index, valid_from, rate) VALUES ('ECB_MRO', '2030-01-01', 100)$$, '23514',
                 'new row for relation "reference_rate" violates check constraint "reference_rate_rate_check"',
                 'reference_rate: a rate of 100%');
SELECT throws_ok($$INSERT INTO ar_credit.reference_rate (rate_index, valid_from, rate) VALUES ('ECB_MRO', '2030-01-01', 'NaN')$$, '23514',
                 'new row for relation "reference_rate" violates check constraint "reference_rate_rate_check"',
                 'reference_rate: a NaN rate');
SELECT throws_ok($$INSERT INTO ar_credit.reference_rate (rate_index, valid_from, rate) VALUES
                       ('ECB_MRO', '2030-01-01', 1), ('ECB_MRO', '2030-01-01', 2)$$, '23505',
                 'duplicate key value violates unique constraint "reference_rate_pkey"', 'reference_rate: two rates for one day');
SELECT throws_ok($$INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing) VALUES ('X', 'ECB_MRO', 8, 'monthly')$$,
                 '23514', 'new row for relation "interest_regime" violates check constraint "interest_regime_fixing_check"',
                 'interest_regime: unknown fixing');
SELECT throws_ok($$INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing, day_count)
                       VALUES ('X', 'ECB_MRO', 8, 'half_year', 'act/366')$$,
                 '23514', 'new row for relation "interest_regime" violates check constraint "interest_regime_day_count_check"',
                 'interest_regime: unknown day count');
SELECT throws_ok($$INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing, indemnity_rule)
                       VALUES ('X', 'ECB_MRO', 8, 'half_year', 'fixed')$$,
                 '23514', 'new row for relation "interest_regime" violates check constraint "interest_regime_check"',
                 'interest_regime: a fixed indemnity without its amount');
SELECT throws_ok($$INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing, floor_index)
                       VALUES ('X', 'ECB_MRO', 8, 'half_year', 'FR_TIL_PRO')$$,
                 '23514', 'new row for relation "interest_regime" violates check constraint "interest_regime_check1"',
                 'interest_regime: a floor index without its factor');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label) VALUES ('p', 0, 1, 'email', 'x')$$,
                 '23514', 'new row for relation "dunning_step" violates check constraint "dunning_step_level_check"',
                 'dunning_step: level 0');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label) VALUES ('p', 1, 3661, 'email', 'x')$$,
                 '23514', 'new row for relation "dunning_step" violates check constraint "dunning_step_offset_days_check"',
                 'dunning_step: an offset of 3661 days');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label) VALUES ('p', 1, 1, 'pigeon', 'x')$$,
                 '23514', 'new row for relation "dunning_step" violates check constraint "dunning_step_channel_check"',
                 'dunning_step: unknown channel');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label) VALUES ('p', 1, 1, 'EMAIL', 'x')$$,
                 '23514', 'new row for relation "dunning_step" violates check constraint "dunning_step_channel_check"',
                 'dunning_step: upper-case channel');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label, min_amount)
                       VALUES ('p', 1, 1, 'email', 'x', -1)$$,
                 '23514', 'new row for relation "dunning_step" violates check constraint "dunning_step_min_amount_check"',
                 'dunning_step: negative minimum amount');
SELECT throws_ok($$UPDATE ar_credit.dunning_step SET label = NULL WHERE policy = 'standard' AND level = 1$$, '23502',
                 'null value in column "label" of relation "dunning_step" violates not-null constraint', 'dunning_step: NULL label');
SELECT throws_ok($$INSERT INTO ar_credit.dunning_queue (receivable_id, source, invoice_key, level, channel, label, remind_on, due_date, state)
                       VALUES (0, 'bad_t.backend', 'k', 1, 'email', 'x', '2024-01-01', '2024-01-01', 'lost')$$,
                 '23514', 'new row for relation "dunning_queue" violates check constraint "dunning_queue_state_check"',
                 'dunning_queue: unknown state');

-- =====================================================================
-- 8. track(): missing tables and columns, wrong types, NULLs
-- =====================================================================
CREATE TABLE bad_t.inv (id int PRIMARY KEY, due date, amount numeric, status text, customer text, currency text);
CREATE TABLE bad_t.inv_float (id int PRIMARY KEY, due date, amount float8);
CREATE TABLE bad_t.inv_text (id int PRIMARY KEY, due text, amount numeric);
CREATE TABLE bad_t.inv_nopk (id int, due date, amount numeric);
CREATE TABLE bad_t.inv_stat (id int PRIMARY KEY, due date, amount numeric, status int);
CREATE VIEW bad_t.inv_view AS SELECT * FROM bad_t.inv;

SELECT throws_ok($$SELECT ar_credit.track('bad_t.nonexistent', 'id', 'due', 'amount')$$, '42P01',
                 'relation "bad_t.nonexistent" does not exist', 'track: a missing table');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'id', 'due', 'amount', policy => 'nope')$$, '22023',
                 'unknown dunning policy: "nope"', 'track: unknown policy');
SELECT is(bad_t.error_of($$SELECT ar_credit.track('bad_t.inv', 'id', 'due_on', 'amount')$$),
          '42703 invalid due_column for table bad_t.inv: column "due_on" does not exist | The due_column given was: due_on | Perhaps you meant to reference the column "inv.due".',
          'track: a missing due column, the message says which mapping');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'invoice_no', 'due', 'amount')$$, '42703',
                 'invalid key_column for table bad_t.inv: column "invoice_no" does not exist', 'track: a missing key column');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'id', 'due', 'amount', customer_column => 'client☃')$$, '42703',
                 'invalid customer_column for table bad_t.inv: column "client☃" does not exist', 'track: a missing Unicode customer column');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'xmin', 'due', 'amount')$$, '42P10',
                 'invalid key_column for table bad_t.inv: a system column or the whole row cannot be mapped', 'track: a system column as key');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'inv', 'due', 'amount')$$, '42P10',
                 'invalid key_column for table bad_t.inv: a system column or the whole row cannot be mapped', 'track: the whole row as key');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv_text', 'id', 'due', 'amount')$$, '42804',
                 'invalid due_column for table bad_t.inv_text: it has type text, not a date, timestamp or timestamptz', 'track: a text due column');
SELECT is(bad_t.error_of($$SELECT ar_credit.track('bad_t.inv_float', 'id', 'due', 'amount')$$),
          '42804 invalid amount_column for table bad_t.inv_float: it has type double precision, not numeric, an integer or money |  | '
          'Amounts must be exact: floating point is refused; cast to numeric in the expression if you must.',
          'track: a float amount column, with a hint');
-- 0.3.0: a status of any type is read as text, and a status_map says what its values mean
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv_stat', 'id', 'due', 'amount', 'status', status_map => '{"1": "bogus"}')$$, '22023',
                 'status_map maps "1" to "bogus", which is no class', 'track: a status_map value that is no class');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv_stat', 'id', 'due', 'amount', 'status', status_map => '[1, 2]')$$, '22023',
                 'status_map must be a JSON object, not [1, 2]', 'track: a status_map that is no object');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'id', 'due', 'amount', filter => 'amount')$$, '42804',
                 'invalid filter for table bad_t.inv: it has type numeric, not boolean', 'track: a filter that is not boolean');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'id', 'due + (random() * 10)::int', 'amount')$$, '42P17',
                 'invalid due_column for table bad_t.inv: it calls a volatile function', 'track: a volatile expression');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'id', 'due', 'amount +')$$, '42601',
                 NULL, 'track: an expression with a syntax error');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'id', 'due', 'amount) FROM pg_class; SELECT (1')$$, '42601',
                 NULL, 'track: an expression smuggling in a statement');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'id', 'due', 'sum(amount)')$$, '42803',
                 'invalid amount_column for table bad_t.inv: an aggregate over the table''s rows', 'track: an aggregate');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'id', 'due', 'amount', amount_unit => 'cents')$$, '22023',
                 'invalid amount_unit: "cents"', 'track: an unknown amount_unit');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'id', 'due', 'amount', regime => 'XX')$$, '22023',
                 'unknown interest regime: "XX"', 'track: an unknown regime');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'id', 'due', 'amount', policy => repeat('p', 10000))$$, '22023',
                 'unknown dunning policy: "' || repeat('p', 100) || '..."', 'track: a 10,000-character policy is clipped in the message');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv_nopk', NULL, 'due', 'amount')$$, '22023',
                 'table bad_t.inv_nopk has no primary key; name its key column', 'track: no key column and no primary key');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv_view', 'id', 'due', 'amount')$$, '42809',
                 '"bad_t.inv_view" is not a table', 'track: a view');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'id', NULL, 'amount')$$, '22004',
                 'invoices, due_column, amount_column and policy must not be NULL', 'track: NULL due column');
-- Regression (0.2.0): a missing relation was reported as a missing column, a NULL policy as unknown
SELECT throws_ok($$SELECT ar_credit.track(0, 'id', 'due', 'amount')$$, '42P01',
                 'relation with OID 0 does not exist', 'track: OID 0');
SELECT throws_ok($$SELECT ar_credit.track('bad_t.inv', 'id', 'due', 'amount', policy => NULL)$$, '22004',
                 'invoices, due_column, amount_column and policy must not be NULL', 'track: NULL policy');
SELECT throws_ok($$SELECT ar_credit.untrack(99999999)$$, '42P01',
                 'relation with OID 99999999 does not exist', 'untrack: a missing relation');
SELECT throws_ok($$SELECT ar_credit.dunning_resync(0)$$, '42P01',
                 'relation with OID 0 does not exist', 'dunning_resync: OID 0 (was XX000)');
SELECT ok(NOT EXISTS (SELECT 1 FROM ar_credit.tracked_table)
          AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'bad_t.inv'::regclass),
          'track: nothing was created by the failed calls');

-- =====================================================================
-- 9. the trigger: bad key=value arguments, wrong timing and level
-- =====================================================================
CREATE TABLE bad_t.tg1 (id int PRIMARY KEY, due date, amount numeric);
CREATE TABLE bad_t.tg2 (LIKE bad_t.tg1);
CREATE TABLE bad_t.tg3 (LIKE bad_t.tg1);
CREATE TABLE bad_t.tg4 (LIKE bad_t.tg1);
CREATE TABLE bad_t.tg5 (LIKE bad_t.tg1);
CREATE TABLE bad_t.tg6 (LIKE bad_t.tg1);
CREATE TABLE bad_t.tg7 (LIKE bad_t.tg1);
CREATE TABLE bad_t.tg8 (LIKE bad_t.tg1);
CREATE TABLE bad_t.tg9 (LIKE bad_t.tg1);
CREATE TRIGGER bad_args AFTER INSERT ON bad_t.tg1 FOR EACH ROW EXECUTE FUNCTION ar_credit.dunning_trigger('nonsense');
CREATE TRIGGER bad_args AFTER INSERT ON bad_t.tg2 FOR EACH ROW EXECUTE FUNCTION ar_credit.dunning_trigger('key=');
CREATE TRIGGER bad_args AFTER INSERT ON bad_t.tg3 FOR EACH ROW
    EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'due=due', 'amount=amount', 'colour=red');
CREATE TRIGGER bad_args AFTER INSERT ON bad_t.tg4 FOR EACH ROW EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'due=due');
CREATE TRIGGER bad_args AFTER INSERT ON bad_t.tg5 FOR EACH ROW
    EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'due=due_on', 'amount=amount');
CREATE TRIGGER bad_args AFTER INSERT ON bad_t.tg6 FOR EACH ROW
    EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'due=due', 'amount=amount', 'policy=nope');
CREATE TRIGGER bad_args BEFORE INSERT ON bad_t.tg7 FOR EACH ROW
    EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'due=due', 'amount=amount');
CREATE TRIGGER bad_args AFTER INSERT ON bad_t.tg8 FOR EACH STATEMENT
    EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'due=due', 'amount=amount');
CREATE TRIGGER bad_args AFTER INSERT ON bad_t.tg9 FOR EACH ROW
    EXECUTE FUNCTION ar_credit.dunning_trigger('KEY=id', 'due=due', 'amount=amount');

SELECT is(bad_t.error_of($$INSERT INTO bad_t.tg1 VALUES (1, '2024-01-01', 10)$$),
          '22023 invalid argument "nonsense" for trigger "bad_args" |  | '
          'Arguments are key=value: key, due, amount, status, customer, currency, policy.',
          'trigger: an argument without "="');
SELECT throws_ok($$INSERT INTO bad_t.tg2 VALUES (1, '2024-01-01', 10)$$, '22023',
                 'invalid argument "key=" for trigger "bad_args"', 'trigger: an empty value');
SELECT throws_ok($$INSERT INTO bad_t.tg3 VALUES (1, '2024-01-01', 10)$$, '22023',
                 'unknown argument "colour" for trigger "bad_args"', 'trigger: an unknown key');
SELECT throws_ok($$INSERT INTO bad_t.tg4 VALUES (1, '2024-01-01', 10)$$, '22023',
                 'trigger "bad_args" needs the arguments key=, due= and amount=', 'trigger: amount= missing');
SELECT throws_ok($$INSERT INTO bad_t.tg5 VALUES (1, '2024-01-01', 10)$$, '42703',
                 'column "due_on" tracked by trigger "bad_args" does not exist in table "tg5"', 'trigger: a missing column');
SELECT throws_ok($$INSERT INTO bad_t.tg6 VALUES (1, '2024-01-01', 10)$$, '22023',
                 'unknown dunning policy: "nope"', 'trigger: unknown policy');
SELECT throws_ok($$INSERT INTO bad_t.tg7 VALUES (1, '2024-01-01', 10)$$, '39P01',
                 'dunning_trigger must be fired AFTER', 'trigger: fired BEFORE');
SELECT throws_ok($$INSERT INTO bad_t.tg8 VALUES (1, '2024-01-01', 10)$$, '39P01',
                 'dunning_trigger FOR EACH STATEMENT needs REFERENCING NEW TABLE AS ar_credit_new / OLD TABLE AS ar_credit_old',
                 'trigger: statement level without transition tables');
SELECT throws_ok($$INSERT INTO bad_t.tg9 VALUES (1, '2024-01-01', 10)$$, '22023',
                 'unknown argument "KEY" for trigger "bad_args"', 'trigger: keys are lower case');
SELECT throws_ok($$SELECT ar_credit.dunning_trigger()$$, '39P01',
                 'dunning_trigger: not called by the trigger manager', 'trigger: called as a function');

-- a tracked table takes odd statuses, customers and currencies in its stride
SELECT ar_credit.track('bad_t.inv', 'id', 'due', 'amount', 'status', 'customer', 'currency');
INSERT INTO bad_t.inv VALUES (1, current_date + 30, 100, 'ÉTAT☃', repeat('c', 100000), '€'),
                             (2, current_date + 30, 100, repeat('x', 100000), NULL, NULL),
                             (3, current_date + 30, 1e1000, 'OPEN', 'big', 'EUR');
SELECT is((SELECT string_agg(invoice_key || ':' || state || ':' || length(coalesce(customer_key, '')), ',' ORDER BY invoice_key)
             FROM ar_credit.dunning_queue WHERE source = 'bad_t.inv'::regclass),
          '1:pending:100000,2:pending:0,3:pending:3',
          'tracked table: unknown Unicode and 100,000-character statuses are open, long customer keys kept whole');

-- Regression (0.2.0): NaN and infinite amounts were queued as they were;
-- a -infinity due date failed without naming the table
CREATE TABLE bad_t.inv2 (id int PRIMARY KEY, due date, amount numeric);
SELECT ar_credit.track('bad_t.inv2', 'id', 'due', 'amount');
SELECT throws_ok($$INSERT INTO bad_t.inv2 VALUES (1, current_date + 30, 'NaN')$$, '22023',
                 'invoice amount must be a finite number, not NaN', 'tracked table: a NaN amount is refused');
SELECT throws_ok($$INSERT INTO bad_t.inv2 VALUES (1, current_date + 30, 'Infinity')$$, '22023',
                 'invoice amount must be a finite number, not Infinity', 'tracked table: an infinite amount is refused');
CREATE FUNCTION bad_t.context_of(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE ctx text;
BEGIN
    EXECUTE sql;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
    RETURN CASE WHEN ctx LIKE '%ar_credit dunning trigger on table "inv2"%' THEN 'names inv2' ELSE ctx END;
END $$;
SELECT is(bad_t.context_of($$INSERT INTO bad_t.inv2 VALUES (2, '-infinity', 10)$$), 'names inv2',
          'tracked table: a -infinity due date fails with the table named in the context');
INSERT INTO bad_t.inv2 VALUES (3, 'infinity', 10), (4, current_date + 30, 10);
SELECT throws_ok($$UPDATE bad_t.inv2 SET due = '-infinity' WHERE id = 4$$, '22008',
                 'invoice due date must not be -infinity', 'tracked table: an UPDATE to -infinity is refused too');
SELECT is((SELECT string_agg(invoice_key, ',' ORDER BY invoice_key) FROM ar_credit.dunning_queue WHERE source = 'bad_t.inv2'::regclass),
          '4', 'tracked table: an invoice due on infinity ("some day") is not dunned');
-- Regression (0.2.0): a hand-made trigger on a column of the wrong type failed per row
CREATE TABLE bad_t.tg10 (id int PRIMARY KEY, due text, amount numeric, st numeric);
CREATE TRIGGER bad_args AFTER INSERT ON bad_t.tg10 FOR EACH ROW
    EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'due=due', 'amount=amount');
SELECT throws_ok($$INSERT INTO bad_t.tg10 VALUES (1, 'x', 10, 1)$$, '42804',
                 'invalid due= argument of trigger "bad_args" for table bad_t.tg10: it has type text, not a date, timestamp or timestamptz',
                 'trigger: a due column of type text');
CREATE TABLE bad_t.tg11 (id int PRIMARY KEY, due date, amount numeric, st numeric);
CREATE TRIGGER bad_args AFTER INSERT ON bad_t.tg11 FOR EACH ROW
    EXECUTE FUNCTION ar_credit.dunning_trigger('key=id', 'due=due', 'amount=amount', 'status=st');
-- 0.3.0: a status of any type is read as its text form
SELECT lives_ok($$INSERT INTO bad_t.tg11 VALUES (1, current_date, 10, 1)$$, 'trigger: a numeric status column is read as text');

-- =====================================================================
-- 10. the worker API: bad batches, leases, ids
-- =====================================================================
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(0)$$, '22023',
                 'batch must be positive, not 0', 'claim_reminders: batch 0');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(-5)$$, '22023',
                 'batch must be positive, not -5', 'claim_reminders: negative batch');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(10, 'w', '0 minutes')$$, '22023',
                 'lease must be a positive interval of at most a day, not 00:00:00', 'claim_reminders: zero lease');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(10, 'w', '1 month -40 days')$$, '22023',
                 'lease must be a positive interval of at most a day, not 1 mon -40 days', 'claim_reminders: a lease that adds up negative');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(10, NULL)$$, '22004',
                 'batch, worker, lease and as_of must not be NULL', 'claim_reminders: NULL worker');
-- Regression (0.2.0): a NULL batch was "not positive", an infinite as_of was accepted
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(NULL)$$, '22004',
                 'batch, worker, lease and as_of must not be NULL', 'claim_reminders: NULL batch');
SELECT throws_ok($$SELECT * FROM ar_credit.claim_reminders(10, 'w', '5 minutes', 'infinity')$$, '22008',
                 'as_of must be a finite date, not infinity', 'claim_reminders: infinite as_of');
SELECT throws_ok($$SELECT ar_credit.complete_reminder(-1)$$, '22023',
                 'no reminder with id -1', 'complete_reminder: a negative id');
SELECT throws_ok($$SELECT ar_credit.complete_reminder(9223372036854775807)$$, '22023',
                 'no reminder with id 9223372036854775807', 'complete_reminder: the largest bigint');
SELECT throws_ok(format('SELECT ar_credit.complete_reminder(%s)', min(id)), '55000',
                 format('reminder %s is pending, not claimed', min(id)), 'complete_reminder: a reminder nobody claimed')
  FROM ar_credit.dunning_queue;
SELECT throws_ok($$SELECT ar_credit.fail_reminder(NULL, 'smtp down')$$, '22004',
                 'id must not be NULL', 'fail_reminder: NULL id');
SELECT throws_ok($$SELECT ar_credit.fail_reminder(-1, repeat('e', 100000))$$, '22023',
                 'no reminder with id -1', 'fail_reminder: unknown id with a 100,000-character error');
SELECT throws_ok($$SELECT ar_credit.complete_reminder(NULL)$$, '22004', 'id must not be NULL',
                 'complete_reminder: NULL id (0.3.0: 22004 like fail_reminder; it was STRICT)');
SELECT throws_ok($$SELECT ar_credit.complete_reminders(NULL)$$, '22004', 'ids must not be NULL nor contain NULL', 'complete_reminders: NULL ids');
SELECT throws_ok($$SELECT ar_credit.fail_reminders(ARRAY[NULL::bigint], 'x')$$, '22004', NULL, 'fail_reminders: a NULL id');

-- =====================================================================
-- 11. the backend survived all of the above
-- =====================================================================
SELECT lives_ok($$SELECT 1$$, 'the backend still answers');
SELECT is(pg_backend_pid(), (SELECT pid FROM bad_t.backend), 'and it is the same backend: nothing crashed');

SELECT * FROM finish();
ROLLBACK;
