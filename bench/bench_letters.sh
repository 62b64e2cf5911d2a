#!/usr/bin/env bash
# Letters (issue 13): the cost of rendering dunning letters, against what a
# user would otherwise write in SQL: a chain of replace() over the same
# template with to_char() for amounts and dates (which is neither exact nor
# independent of the session's locale, but is the cheapest way).  Then the
# cost of a whole reminder_text(): a first reminder (no claim) and a formal
# notice (claim_statement's interest, indemnity and fees computed), per
# letter.  N invoices of a tracked table, all overdue.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${BENCH_LETTERS_ROWS:-20000}

psql -X -q <<SQL
CREATE EXTENSION ar_credit;
CREATE TABLE inv (no text PRIMARY KEY, cust text, issued date, due date, amount numeric(12,2), cur text);
INSERT INTO inv
SELECT 'F-' || i, 'C' || (i % 500), date '2025-01-01' + (i % 120), date '2025-01-31' + (i % 120),
       100 + (i * 37) % 100000 / 100.0, 'EUR'
  FROM generate_series(1, $N) AS i;
SELECT ar_credit.track('inv', 'no', 'due', 'amount', customer_column => 'cust', currency_column => 'cur',
                       issued_column => 'issued');
-- half the reminders at the formal notice
UPDATE ar_credit.dunning_queue SET level = 5, channel = 'registered_letter', label = 'formal notice'
 WHERE state = 'pending' AND invoice_key::text ~ '[02468]\$';
VACUUM ANALYZE;
CREATE TABLE tpl AS SELECT body FROM ar_credit.dunning_template WHERE policy = 'standard' AND level = 3 AND lang = 'fr';
SQL

render="SELECT sum(length(ar_credit.render_letter(t.body, 'fr', jsonb_build_object(
            'customer', r.customer_key, 'invoice', r.item_key, 'issued_on', r.issued_on, 'due_date', r.due_date,
            'amount_due', r.amount, 'currency', r.currency)))) FROM ar_credit.receivable AS r, tpl AS t"
chain="SELECT sum(length(regexp_replace(replace(replace(replace(replace(replace(replace(t.body,
            '{{customer}}', coalesce(r.customer_key, '')), '{{invoice}}', r.item_key),
            '{{issued_on}}', coalesce(to_char(r.issued_on, 'DD/MM/YYYY'), '')), '{{due_date}}', to_char(r.due_date, 'DD/MM/YYYY')),
            '{{amount_due}}', to_char(r.amount, 'FM999G999G990D00') || ' ' || r.currency), '{{terms}}', ''),
            '\{\{[#/][a-z_]+\}\}', '', 'g'))) FROM ar_credit.receivable AS r, tpl AS t"
base="SELECT sum(length(t.body || r.item_key)) FROM ar_credit.receivable AS r, tpl AS t"
first="SELECT sum(length(x.body)) FROM ar_credit.dunning_queue AS q, ar_credit.reminder_text(q.id, 'fr', '2025-07-01') AS x
        WHERE q.state = 'pending' AND q.level = 3"
notice="SELECT sum(length(x.body)) FROM ar_credit.dunning_queue AS q, ar_credit.reminder_text(q.id, 'fr', '2025-07-01') AS x
         WHERE q.state = 'pending' AND q.level = 5"
claim="SELECT sum(c.total) FROM ar_credit.receivable AS r, ar_credit.claim_statement(r.source, r.item_key, '2025-07-01') AS c"
n3=$(psql -X -q -At -c "SELECT count(*) FROM ar_credit.dunning_queue WHERE state = 'pending' AND level = 3")
n5=$(psql -X -q -At -c "SELECT count(*) FROM ar_credit.dunning_queue WHERE state = 'pending' AND level = 5")
echo "check: invoices $N, first reminders $n3, formal notices $n5"

t_base=$(bench_ms "$base" 3)
t_chain=$(bench_ms "$chain" 3)
t_render=$(bench_ms "$render" 3)
t_first=$(bench_ms "$first" 3)
t_notice=$(bench_ms "$notice" 3)
t_claim=$(bench_ms "$claim" 3)

per() { awk -v t="$1" -v n="$2" 'BEGIN{printf "%.1f", t*1000/n}'; }
echo "rows: $N (best of 3, ms): scan $t_base | replace() chain $t_chain | render_letter $t_render"
echo "  reminder_text: $n3 first reminders $t_first | $n5 formal notices $t_notice | claim_statement x $N $t_claim"
echo "ratio render_letter / replace() chain:           $(ratio "$t_render" "$t_chain")"
echo "per letter, render_letter:                       $(per "$t_render" "$N") us"
echo "per letter, reminder_text first reminder:        $(per "$t_first" "$n3") us"
echo "per letter, reminder_text formal notice (claim): $(per "$t_notice" "$n5") us"
echo "per invoice, claim_statement:                    $(per "$t_claim" "$N") us"
echo "ratio formal notice / first reminder:            $(ratio "$(per "$t_notice" "$n5")" "$(per "$t_first" "$n3")")"
