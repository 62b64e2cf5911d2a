#!/usr/bin/env bash
# Upgrade path test (run inside a throwaway cluster by tools/run-cluster-tests.sh).
# Prints TAP.
#
# For every frozen release script upgrade/ar_credit--V.sql, and the update
# scripts leading from V to the current default version:
#   1. a database with ar_credit V, filled with user data of every area (the
#      same rows the dump/restore test uses), is updated with ALTER EXTENSION
#      ar_credit UPDATE; its data must be unchanged and the queue must keep
#      working after the update;
#   2. a bare database installed at V and updated must hold exactly the same
#      objects, definitions, privileges and comments as a fresh install of the
#      current version (pg_dump --binary-upgrade dumps extension members one
#      by one, which makes it a complete catalogue fingerprint).
set -uo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS='-c client_min_messages=warning'
n=0; failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else failed=$((failed + 1)); echo "not ok $n - $2"; fi; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

current=$(sed -nE "s/^default_version[[:space:]]*=[[:space:]]*'([^']*)'.*/\1/p" ar_credit.control)

# object definitions of schema ar_credit and the event triggers, without OIDs
fingerprint() {
    pg_dump --binary-upgrade --schema-only -d "$1" \
        | grep -vE '^(--|SET |SELECT pg_catalog\.set_config|\\(un)?restrict |$)' \
        | grep -v 'binary_upgrade_set_' \
        | sed -E "s/binary_upgrade_set_record_init_privs\(.*//; s/oid = '[0-9]+'/oid = 'N'/; s/'\{[0-9,]+\}'/'{OIDS}'/"
    q "$1" "SELECT evtname, evtevent, evtfoid::regprocedure, evttags, evtenabled FROM pg_event_trigger ORDER BY 1"
    q "$1" "SELECT extname, extversion, extrelocatable, extnamespace::regnamespace,
                   (SELECT array_agg(c::regclass::text ORDER BY c::regclass::text) FROM unnest(extconfig) c), extcondition
              FROM pg_extension WHERE extname = 'ar_credit'"
}

# every table's rows as text, in a stable order; a table whose columns an
# update changes is named with its columns, so its rows are compared only
# when it keeps its shape (reshaped tables get checks of their own below)
table_digest() {
    local t
    for t in $(q "$1" "SELECT format('%I.%I', n.nspname, c.relname)
                         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                        ORDER BY 1"); do
        echo "$t($(q "$1" "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)
                             FROM pg_attribute WHERE attrelid = '$t'::regclass AND attnum > 0 AND NOT attisdropped")) $(q "$1" "SELECT md5(coalesce(string_agg(x::text, E'\n' ORDER BY x::text), '')) || ':' || count(*) FROM $t AS x")"
    done
}
# the queue as workers and the tracking trigger know it: which reminder, of
# which invoice, at which level, in which state
queue_digest() {
    q "$1" "SELECT string_agg(format('%s %s %s L%s %s %s', id, source, invoice_key, level, channel, state), E'\n' ORDER BY id)
              FROM ar_credit.dunning_queue"
}

fresh=ar_up_fresh
dropdb --if-exists "$fresh"; createdb "$fresh"
q "$fresh" "CREATE EXTENSION ar_credit" >/dev/null
ok $? "fresh install of $current"
fresh_fp=$(mktemp); fingerprint "$fresh" > "$fresh_fp"

for old in $(ls upgrade/ar_credit--*.sql | grep -v -- '--.*--' | sed -E 's/.*ar_credit--(.*)\.sql/\1/'); do
    [ "$old" = "$current" ] && continue

    # 1. user data survives the update
    db=ar_up_data
    dropdb --if-exists "$db"; createdb "$db"
    q "$db" "CREATE EXTENSION ar_credit VERSION '$old'" >/dev/null
    [ "$(q "$db" "SELECT extversion FROM pg_extension WHERE extname = 'ar_credit'")" = "$old" ]
    ok $? "$old: installed at version $old"
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<'SQL'
CREATE TABLE public.contract (id int PRIMARY KEY, terms ar_credit.payment_terms NOT NULL);
INSERT INTO public.contract VALUES
  (1, 'net 30'), (2, '45 jours fin de mois le 10'), (3, '2/10 net 30'),
  (4, '33.33% 30D, 33.33% 60D, 33.34% 90D'), (5, 'CQ+1M-10D'), (6, 'à réception');
CREATE INDEX contract_terms ON public.contract (terms);
CREATE VIEW public.contract_net30 AS
  SELECT id, ar_credit.max(terms) OVER () IS NOT NULL AS has_max
    FROM public.contract WHERE terms OPERATOR(ar_credit.=) '30D';
SQL
    ok $? "$old: user table of payment_terms with an index"
    for f in test/dump_restore.d/*.sql; do
        # rows of objects newer than the release being updated ("-- since V" on the first line)
        since=$(sed -nE '1s/^-- since ([0-9.]+).*/\1/p' "$f")
        if [ -n "$since" ] && [ "$(printf '%s\n%s\n' "$old" "$since" | sort -V | head -1)" = "$old" ] && [ "$old" != "$since" ]; then
            continue
        fi
        psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$f" >/dev/null
        ok $? "$old: user rows of $(basename "$f" .sql) added"
    done
    q "$db" "SELECT count(*) FROM ar_credit.claim_reminders(1, 'before-update')" >/dev/null
    ok $? "$old: a worker claims a reminder before the update"

    before=$(mktemp); after=$(mktemp); qbefore=$(mktemp); qafter=$(mktemp)
    table_digest "$db" > "$before"
    queue_digest "$db" > "$qbefore"
    q "$db" "ALTER EXTENSION ar_credit UPDATE" >/dev/null
    ok $? "$old: ALTER EXTENSION ar_credit UPDATE"
    [ "$(q "$db" "SELECT extversion FROM pg_extension WHERE extname = 'ar_credit'")" = "$current" ]
    ok $? "$old: now at version $current"
    table_digest "$db" > "$after"
    queue_digest "$db" > "$qafter"
    # rows of the tables that keep their shape, user tables and configuration alike
    kept=$(sed 's/ [^ ]*$//' "$before" | grep -Fxf <(sed 's/ [^ ]*$//' "$after"))
    diff -u <(grep -F -f <(echo "$kept") "$before") <(grep -F -f <(echo "$kept") "$after")
    ok $? "$old: the rows of every table that keeps its shape unchanged by the update ($(echo "$kept" | wc -l) tables)"
    diff -u "$qbefore" "$qafter"
    ok $? "$old: every reminder of the queue kept: id, invoice, level, channel and state"
    [ "$(q "$db" "SELECT count(*) FROM ar_credit.dunning_queue AS q
                   WHERE NOT EXISTS (SELECT 1 FROM ar_credit.receivable AS r
                                      WHERE r.id = q.receivable_id AND r.source = q.source AND r.item_key = q.invoice_key)
                      OR (q.state = 'sent' AND q.level > (SELECT r.last_level FROM ar_credit.receivable AS r
                                                         WHERE r.id = q.receivable_id))")" = 0 ]
    ok $? "$old: each reminder belongs to its invoice's receivable, which knows the levels sent"
    rm -f "$before" "$after" "$qbefore" "$qafter"

    [ "$(q "$db" "SET enable_seqscan = off; SELECT count(*) FROM public.contract WHERE terms = '45D+CM+D10'")" = 1 ]
    ok $? "$old: payment_terms index still answers terms = literal after the update (operators moved to pg_catalog)"
    [ "$(q "$db" "SELECT id || '|' || has_max::int FROM public.contract_net30")" = '1|1' ]
    ok $? "$old: a user view written with OPERATOR(ar_credit.=) and ar_credit.max() works after they moved to pg_catalog"
    [ "$(q "$db" "INSERT INTO public.dun_invoice VALUES (10, current_date - 40, 500, 'open');
                  SELECT count(*) FROM ar_credit.dunning_queue
                   WHERE source = 'public.dun_invoice'::regclass AND invoice_key = '10'
                     AND state = 'pending'")" = 1 ]
    ok $? "$old: the tracking trigger queues a new invoice after the update"
    [ "$(q "$db" "SELECT count(*) FROM ar_credit.complete_reminder(
                      (SELECT id FROM ar_credit.dunning_queue WHERE claimed_by = 'before-update'))")" = 1 ]
    ok $? "$old: the reminder claimed before the update completes after it"
    [ "$(q "$db" "DROP TABLE public.dun_invoice;
                  SELECT (SELECT count(*) FROM ar_credit.tracked_table) + (SELECT count(*) FROM ar_credit.dunning_queue)")" = 0 ]
    ok $? "$old: dropping a tracked table after the update forgets its rows (0.2.0 event trigger)"
    dropdb "$db"

    # 2. the updated catalogue equals a fresh install
    db=ar_up_bare
    dropdb --if-exists "$db"; createdb "$db"
    q "$db" "CREATE EXTENSION ar_credit VERSION '$old'; ALTER EXTENSION ar_credit UPDATE" >/dev/null
    ok $? "$old: bare install updated to $current"
    upd_fp=$(mktemp); fingerprint "$db" > "$upd_fp"
    diff -u "$fresh_fp" "$upd_fp" | head -60
    [ "${PIPESTATUS[0]}" = 0 ]
    ok $? "$old -> $current: objects, definitions, privileges and comments equal a fresh $current install ($(wc -l < "$fresh_fp") lines compared)"
    rm -f "$upd_fp"
    dropdb "$db"
done

rm -f "$fresh_fp"
dropdb "$fresh"
echo "1..$n"
exit $((failed > 0))
