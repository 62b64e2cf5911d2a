#!/usr/bin/env bash
# pg_dump / pg_restore round trip (run inside a throwaway cluster by
# tools/run-cluster-tests.sh). Prints TAP.
#
# A database with the extension, user data of every ar_credit type and user
# rows in ar_credit's configuration tables is dumped and restored into a new
# database; the data must come back identical and shipped configuration rows
# must not be duplicated.
set -uo pipefail
export PGOPTIONS='-c client_min_messages=warning'
src=ar_dump_src; dst=ar_dump_dst
n=0; failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else failed=$((failed + 1)); echo "not ok $n - $2"; fi; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

dropdb --if-exists "$src"; dropdb --if-exists "$dst"
createdb "$src" && createdb "$dst"
psql -X -q -v ON_ERROR_STOP=1 -d "$src" <<'SQL'
CREATE EXTENSION ar_credit;
CREATE TABLE public.contract (id int PRIMARY KEY, terms ar_credit.payment_terms NOT NULL);
INSERT INTO public.contract VALUES
  (1, 'net 30'), (2, '45 jours fin de mois le 10'), (3, '2/10 net 30'),
  (4, '33.33% 30D, 33.33% 60D, 33.34% 90D'), (5, 'CQ+1M-10D'), (6, 'à réception');
CREATE INDEX ON public.contract (terms);
SQL
ok $? "source database filled"

# each area registers its own user rows here (config tables and queue)
for f in test/dump_restore.d/*.sql; do
    [ -e "$f" ] || continue
    psql -X -q -v ON_ERROR_STOP=1 -d "$src" -f "$f" >/dev/null
    ok $? "user rows of $(basename "$f" .sql) added"
done

dump=$(mktemp)
pg_dump -Fc -d "$src" -f "$dump"; ok $? "pg_dump -Fc"
pg_restore --exit-on-error -d "$dst" "$dump"; ok $? "pg_restore into a new database"
rm -f "$dump"

# every table of the source, user tables and extension config tables alike,
# compared row by row as text
tables=$(q "$src" "SELECT format('%I.%I', n.nspname, c.relname)
                     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                    ORDER BY 1")
for t in $tables; do
    a=$(q "$src" "SELECT md5(coalesce(string_agg(x::text, E'\n' ORDER BY x::text), '')) || ':' || count(*) FROM $t AS x")
    b=$(q "$dst" "SELECT md5(coalesce(string_agg(x::text, E'\n' ORDER BY x::text), '')) || ':' || count(*) FROM $t AS x" 2>&1)
    [ "$a" = "$b" ]; ok $? "$t identical after restore ($a)"
done
[ "$(q "$dst" "SELECT count(*) FROM public.contract WHERE terms = '45D+CM+D10'")" = 1 ]
ok $? "restored payment_terms values compare equal (index rebuilt)"

dropdb "$src"; dropdb "$dst"
echo "1..$n"
exit $((failed > 0))
