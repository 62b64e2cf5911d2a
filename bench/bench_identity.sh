#!/usr/bin/env bash
# Identity: the cost of ar_credit.vat_valid() in a query and in a CHECK
# constraint, against what a user would otherwise write: a regular
# expression checking the shape only (issue 19).  1M VAT numbers of the 27
# member states, typed with separators and in lower case.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${BENCH_IDENTITY_ROWS:-1000000}

psql -X -q <<SQL
CREATE EXTENSION ar_credit;
CREATE TABLE samples(v text);
INSERT INTO samples VALUES
  ('ATU13585627'), ('BE0417497106'), ('BG175074752'), ('CY00532445O'), ('CZ46505334'), ('DE143454214'),
  ('DK88146328'), ('EE100207415'), ('EL040127797'), ('ESA28015865'), ('FI01120389'), ('FR59542051180'),
  ('HR33392005961'), ('HU21376414'), ('IE6388047V'), ('IT00905811006'), ('LT119511515'), ('LU15027442'),
  ('LV40003521600'), ('MT15121333'), ('NL000099998B57'), ('PL7740001454'), ('PT500697256'), ('RO18547290'),
  ('SE556012579001'), ('SI15012557'), ('SK4030000007');
CREATE TABLE vat AS
  SELECT CASE i % 3 WHEN 0 THEN s.v WHEN 1 THEN lower(s.v)
                    ELSE left(s.v, 2) || ' ' || substr(s.v, 3, 3) || '.' || substr(s.v, 6) END AS v
    FROM generate_series(1, $N) AS i
    JOIN (SELECT v, row_number() OVER (ORDER BY v) - 1 AS k FROM samples) AS s ON s.k = i % 27;
VACUUM ANALYZE vat;
CREATE TABLE target_none (v text);
CREATE TABLE target_regex (v text CHECK (upper(translate(v, ' .-', '')) ~ '^[A-Z]{2}[0-9A-Z+*]{2,12}\$'));
CREATE TABLE target_vat (v text CHECK (ar_credit.vat_valid(v)));
SQL

regex="SELECT count(*) FROM vat WHERE upper(translate(v, ' .-', '')) ~ '^[A-Z]{2}[0-9A-Z+*]{2,12}\$'"
valid="SELECT count(*) FROM vat WHERE ar_credit.vat_valid(v)"
norm="SELECT count(DISTINCT ar_credit.vat_normalize(v)) FROM vat"
base="SELECT count(*) FROM vat WHERE v IS NOT NULL"
echo "check: rows $(psql -X -q -At -c "SELECT count(*) FROM vat"), valid $(psql -X -q -At -c "$valid"), distinct canonical $(psql -X -q -At -c "$norm")"

t_base=$(bench_ms "$base")
t_regex=$(bench_ms "$regex")
t_valid=$(bench_ms "$valid")
t_norm=$(bench_ms "$norm")
i_none=$(bench_tx_ms "" "INSERT INTO target_none SELECT v FROM vat")
i_regex=$(bench_tx_ms "" "INSERT INTO target_regex SELECT v FROM vat")
i_vat=$(bench_tx_ms "" "INSERT INTO target_vat SELECT v FROM vat")

echo "rows: $N (best of 5 / 3, ms): scan $t_base | shape regex $t_regex | vat_valid $t_valid | vat_normalize $t_norm"
echo "  insert: no check $i_none | regex CHECK $i_regex | vat_valid CHECK $i_vat"
echo "ratio vat_valid / shape regex, filter:          $(ratio "$t_valid" "$t_regex")  (target <= 1.0)"
echo "ratio insert with vat_valid CHECK / no CHECK:   $(ratio "$i_vat" "$i_none")"
echo "ratio insert with vat_valid CHECK / regex CHECK: $(ratio "$i_vat" "$i_regex")"
echo "per call, vat_valid: $(awk -v a="$t_valid" -v b="$t_base" -v n="$N" 'BEGIN{printf "%.0f", (a-b)*1e6/n}') ns above a bare scan"
