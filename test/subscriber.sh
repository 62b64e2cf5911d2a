#!/usr/bin/env bash
# A credit database next to the ERP (issue 16, doc/replication.md): ar_credit
# on a logical-replication subscriber.  Run inside the suite's throwaway
# cluster by tools/run-cluster-tests.sh, which is the subscriber here; this
# script starts a second throwaway cluster, the publisher (the "ERP": plain
# invoices and payments tables, wal_level = logical, no extension), in a
# private directory reached over its unix socket.  Prints TAP.
#
# On the subscriber, erp.invoices and erp.payments receive the replicated
# rows; direct.invoices and direct.payments are a local copy to which the
# same statements are applied directly.  Both are tracked alike (payments as
# a related table).  After each step, once the subscriber has caught up
# (bounded polling of pg_stat_replication and pg_subscription_rel), the live
# reminders of both (invoice, level, state, amount, date, channel) and their
# receivables must be the same sets.  A mapping that fails on a row stops the
# apply worker; track() again with one that holds must let it resume.
set -uo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS='-c client_min_messages=warning'
n=0; failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else failed=$((failed + 1)); echo "not ok $n - $2"; fi; }
is() {
    if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; printf '#   got:  %s\n#   want: %s\n' "$1" "$2"; fi
}
finish() { echo "1..$n"; [ "$failed" = 0 ] && [ "$n" -gt 0 ]; exit $?; }

db=ar_subscriber_test     # on the suite's cluster: the subscriber
sub=ar_credit_sub         # the subscription (and its slot on the publisher)
bindir=$("${PG_CONFIG:-pg_config}" --bindir)
pubdir=$(mktemp -d /tmp/ar_credit_pub.XXXXXX) || { ok 1 "mktemp for the publisher"; finish; }
run_as=()
if [ "$(id -u)" = 0 ]; then run_as=(runuser -u postgres --); chown postgres "$pubdir"; fi

# subscriber (suite cluster, environment of pg_virtualenv) and publisher
s() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
p() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$pubdir" -p 5432 -U postgres -d erp -c "$1"; }

cleanup() {
    # the slot is dropped with the subscription while the publisher runs
    if [ -n "$(psql -X -At -d "$db" -c "SELECT 1 FROM pg_subscription WHERE subname = '$sub'" 2>/dev/null)" ]; then
        psql -X -q -d "$db" -c "DROP SUBSCRIPTION $sub" >/dev/null 2>&1 \
        || psql -X -q -d "$db" -c "ALTER SUBSCRIPTION $sub DISABLE" -c "ALTER SUBSCRIPTION $sub SET (slot_name = NONE)" \
                -c "DROP SUBSCRIPTION $sub" >/dev/null 2>&1
    fi
    dropdb --if-exists "$db" >/dev/null 2>&1
    [ -f "$pubdir/data/postmaster.pid" ] && "${run_as[@]}" "$bindir/pg_ctl" -D "$pubdir/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$pubdir"
}
trap cleanup EXIT

# ---------------------------------------------------------------------
# the publisher: a second throwaway cluster, socket only, wal_level logical
# ---------------------------------------------------------------------
"${run_as[@]}" "$bindir/initdb" -D "$pubdir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$pubdir/initdb.log" 2>&1
ok $? "publisher cluster initialised in a private directory"
cat >>"$pubdir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$pubdir'
port = 5432
wal_level = logical
max_wal_senders = 4
max_replication_slots = 4
fsync = off
EOF
"${run_as[@]}" "$bindir/pg_ctl" -D "$pubdir/data" -l "$pubdir/server.log" -w -t 120 start >/dev/null 2>&1
rc=$?
ok $rc "publisher started (socket $pubdir)"
if [ $rc != 0 ]; then sed 's/^/#   /' "$pubdir/server.log" "$pubdir/initdb.log" 2>/dev/null | tail -20; finish; fi
psql -X -q -h "$pubdir" -p 5432 -U postgres -d postgres -c "CREATE DATABASE erp" >/dev/null
is "$(p 'SHOW wal_level')" "logical" "the publisher runs with wal_level = logical"
echo "# the subscriber (suite cluster) runs with wal_level = $(psql -X -At -d postgres -c 'SHOW wal_level'): a subscriber needs no more"

tables='
CREATE TABLE invoices (id int PRIMARY KEY, customer text NOT NULL, currency text NOT NULL DEFAULT $$EUR$$,
                       due date NOT NULL, amount numeric(12,2) NOT NULL, status text NOT NULL DEFAULT $$open$$);
CREATE TABLE payments (id int PRIMARY KEY, invoice_id int NOT NULL, amount numeric(12,2) NOT NULL);
CREATE INDEX ON payments (invoice_id);'
p "CREATE SCHEMA erp; SET search_path = erp; $tables
   CREATE PUBLICATION credit FOR TABLE erp.invoices, erp.payments"
ok $? "publisher: plain invoices and payments tables, publication credit FOR TABLE both"
is "$(p "SELECT count(*) FROM pg_extension WHERE extname = 'ar_credit'")/$(p "SELECT count(*) FROM pg_trigger WHERE tgrelid IN ('erp.invoices'::regclass, 'erp.payments'::regclass)")" \
   "0/0" "the publisher has neither the extension nor a trigger"

# ---------------------------------------------------------------------
# the subscriber: same tables twice (erp replicated, direct local), tracked alike
# ---------------------------------------------------------------------
dropdb --if-exists "$db" >/dev/null 2>&1
createdb "$db"
track() {  # SCHEMA: track invoices, payments related, as a finance team would
    s "SELECT ar_credit.track('$1.invoices', NULL, 'due',
            \$\$amount - coalesce((SELECT sum(p.amount) FROM $1.payments AS p WHERE p.invoice_id = invoices.id), 0)\$\$,
            status_column => 'status', customer_column => 'customer', currency_column => 'currency');
       SELECT ar_credit.track_related('$1.payments', '$1.invoices', 'invoice_id')" >/dev/null
}
s "CREATE EXTENSION ar_credit;
   CREATE SCHEMA erp; SET search_path = erp; $tables
   CREATE SCHEMA direct; SET search_path = direct; $tables" \
  && track erp && track direct
ok $? "subscriber: ar_credit, the same tables as erp (replicated) and direct (local), both tracked with payments related"

# a step: the same statements on the publisher and on the local copy
step() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$pubdir" -p 5432 -U postgres -d erp -c "SET search_path = erp" -c "$1" >/dev/null \
    && psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "SET search_path = direct" -c "$1" >/dev/null
}
# bounded wait: the initial copy done, then the apply worker past the
# publisher's current WAL position (as PostgreSQL's own tests wait)
wait_sync() {
    local i
    for i in $(seq 1 600); do
        [ "$(s "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate NOT IN ('r', 's')")" = 0 ] && return 0
        sleep 0.2
    done
    return 1
}
wait_catchup() {
    local target i
    target=$(p "SELECT pg_current_wal_lsn()")
    for i in $(seq 1 600); do
        [ "$(p "SELECT coalesce(bool_and(replay_lsn >= '$target' AND state = 'streaming'), false)
                  FROM pg_stat_replication WHERE application_name = '$sub'")" = t ] && return 0
        sleep 0.2
    done
    return 1
}
# the two sides as sets: live reminders, receivables; rows that differ shown
live="SELECT q.invoice_key, q.level, q.state, q.amount_due, q.remind_on, q.channel FROM ar_credit.dunning_queue AS q
       WHERE q.source = '%s.invoices'::regclass AND q.state IN ('pending', 'claimed', 'suspended')"
rcv="SELECT r.item_key, r.class, r.amount, r.due_date, r.customer_key, r.currency FROM ar_credit.receivable AS r
      WHERE r.source = '%s.invoices'::regclass AND NOT r.gone"
compare() {  # STEP [CONDITION on the invoice key k]
    local l r c diff cond=${2:-true}
    l="SELECT * FROM ($(printf "$live" erp)) AS x(k) WHERE $cond"; r="SELECT * FROM ($(printf "$live" direct)) AS x(k) WHERE $cond"
    diff=$(s "(($l) EXCEPT ($r)) UNION ALL (($r) EXCEPT ($l))" 2>&1 | head -6)
    c=$(s "SELECT count(*) FILTER (WHERE state = 'pending') || ' pending, ' || count(*) FILTER (WHERE state = 'suspended')
                  || ' suspended' FROM ($l) AS x")
    is "$diff" "" "$1: the live reminders of the replicated table equal the directly tracked ones ($c)"
    l="SELECT * FROM ($(printf "$rcv" erp)) AS x(k) WHERE $cond"; r="SELECT * FROM ($(printf "$rcv" direct)) AS x(k) WHERE $cond"
    diff=$(s "(($l) EXCEPT ($r)) UNION ALL (($r) EXCEPT ($l))" 2>&1 | head -6)
    c=$(s "SELECT count(*) FROM ($l) AS x")
    is "$diff" "" "$1: and so do their receivables ($c)"
}
rows() {  # the rows of SCHEMA's tables: what replication must have brought
    echo "$($2 "SELECT count(*) || '/' || coalesce(sum(amount), 0) FROM $1.invoices") $($2 "SELECT count(*) || '/' || coalesce(sum(amount), 0) FROM $1.payments")"
}
replayed() {  # STEP STATEMENTS
    local rc
    step "$2"; rc=$?
    if [ $rc = 0 ]; then wait_catchup; rc=$?; fi
    ok $rc "$1: applied on the publisher and the local copy, subscriber caught up"
    is "$(rows erp s)" "$(rows erp p)" "$1: the replicated rows arrived (count/sum of invoices and payments)"
    compare "$1"
}

# ---------------------------------------------------------------------
# the initial copy: tracked before subscribing, the copy fires the row trigger
# ---------------------------------------------------------------------
step "INSERT INTO invoices (id, customer, due, amount, status)
      SELECT g, 'C' || g % 17, current_date + (g % 120 - 60), 100 + g % 900,
             CASE WHEN g % 23 = 0 THEN 'paid' WHEN g % 29 = 0 THEN 'disputed' WHEN g % 31 = 0 THEN 'draft' ELSE 'open' END
        FROM generate_series(1, 400) AS g;
      INSERT INTO payments SELECT g, g * 3, 40 FROM generate_series(1, 60) AS g;"
ok $? "initial rows on the publisher and the local copy (400 invoices, 60 payments)"
s "CREATE SUBSCRIPTION $sub CONNECTION 'host=$pubdir port=5432 dbname=erp user=postgres' PUBLICATION credit" >/dev/null 2>&1
ok $? "CREATE SUBSCRIPTION over the publisher's unix socket"
wait_sync && wait_catchup
ok $? "initial copy done (pg_subscription_rel ready), subscriber caught up"
is "$(rows erp s)" "$(rows erp p)" "initial copy: every row arrived"
# the copy fires the row trigger (no track() since): every copied invoice is
# a receivable, queued as a direct INSERT would have been ...
compare "initial copy, invoices without payments" "k NOT IN (SELECT invoice_id::text FROM erp.payments)"
# ... but invoices and payments are copied by concurrent table-synchronisation
# workers, each in its own transaction, neither seeing the other's rows: the
# invoices' payments are evaluated once every table is ready (the recipe of
# doc/replication.md: track_related() again, or track() after the copy)
is "$(s "SELECT count(*) FROM ar_credit.receivable WHERE source = 'erp.invoices'::regclass AND NOT gone")" "400" \
   "initial copy: all 400 copied invoices are receivables"
s "SELECT ar_credit.track_related('erp.payments', 'erp.invoices', 'invoice_id')" >/dev/null
ok $? "once the copy is done: track_related() again"
compare "initial copy, then track_related()"

# ---------------------------------------------------------------------
# the replicated changes
# ---------------------------------------------------------------------
replayed "inserts" "
    INSERT INTO invoices VALUES (1001, 'C1', 'EUR', current_date - 3, 1200, 'open');
    INSERT INTO invoices (id, customer, currency, due, amount)
    SELECT g, 'C' || g % 5, 'GBP', current_date + (g % 50 - 25), 250 FROM generate_series(1002, 1050) AS g;"
replayed "payments" "
    INSERT INTO payments VALUES (1001, 1001, 200), (1002, 1001, 1000), (1003, 1002, 100);
    UPDATE invoices SET status = 'paid' WHERE id BETWEEN 1003 AND 1010;
    UPDATE invoices SET amount = amount - 50 WHERE id BETWEEN 1011 AND 1020;
    UPDATE invoices SET amount = 0 WHERE id = 1021;
    UPDATE payments SET amount = 250 WHERE id = 1003;
    DELETE FROM payments WHERE id BETWEEN 1 AND 10;"
replayed "disputes" "
    UPDATE invoices SET status = 'disputed' WHERE id BETWEEN 1030 AND 1040;
    UPDATE invoices SET status = 'open' WHERE id IN (1030, 1031) OR id % 29 = 0 AND id < 400;"
replayed "deletes" "
    DELETE FROM invoices WHERE id BETWEEN 1041 AND 1045 OR id % 37 = 0 AND id < 400;"

# re-running track() (a mapping changed, or a habit): the triggers come back
# as track() makes them, and replication is still followed afterwards
s "SELECT ar_credit.track('erp.invoices', NULL, 'due',
        \$\$amount - coalesce((SELECT sum(p.amount) FROM erp.payments AS p WHERE p.invoice_id = invoices.id), 0)\$\$,
        status_column => 'status', customer_column => 'customer', currency_column => 'currency')" >/dev/null
ok $? "track() run again on the replicated table"
is "$(s "SELECT string_agg(concat(tgname, ' ', tgenabled), ', ' ORDER BY tgname) FROM pg_trigger
           WHERE tgrelid = 'erp.invoices'::regclass AND tgname IN ('ar_credit_dunning_row', 'ar_credit_dunning_trunc')")" \
   "ar_credit_dunning_row R, ar_credit_dunning_trunc A" \
   "the row trigger is still enabled for the apply worker, TRUNCATE always"
replayed "after track() again: inserts and payments" "
    INSERT INTO invoices VALUES (2001, 'C2', 'EUR', current_date - 20, 700, 'open'), (2002, 'C2', 'EUR', current_date + 5, 300, 'open');
    INSERT INTO payments VALUES (2001, 2001, 700);
    UPDATE invoices SET status = 'disputed' WHERE id = 2002;"

replayed "bulk load (5000 invoices, 2500 payments)" "
    BEGIN;
    INSERT INTO invoices (id, customer, due, amount, status)
    SELECT g, 'B' || g % 101, current_date + (g % 200 - 100), 10 + g % 5000,
           CASE WHEN g % 11 = 0 THEN 'paid' WHEN g % 13 = 0 THEN 'disputed' ELSE 'open' END
      FROM generate_series(10001, 15000) AS g;
    INSERT INTO payments SELECT g, g, 5 FROM generate_series(10001, 15000, 2) AS g;
    COMMIT;"
replayed "key changes" "
    UPDATE invoices SET id = id + 100000 WHERE id BETWEEN 1046 AND 1050 OR id BETWEEN 10001 AND 10020;"
replayed "a transaction: invoice issued, part-paid, disputed, settled" "
    BEGIN;
    INSERT INTO invoices VALUES (3001, 'C3', 'EUR', current_date - 45, 900, 'open');
    INSERT INTO payments VALUES (3001, 3001, 300);
    UPDATE invoices SET status = 'disputed' WHERE id = 3001;
    UPDATE invoices SET status = 'open', amount = 600 WHERE id = 3001;
    COMMIT;"
# a mapping that fails on some row stops the apply worker (as it would fail a
# local writer's statement); track() again with one that holds lets it resume
s "SELECT ar_credit.track('erp.invoices', NULL, 'due',
        \$\$amount - coalesce((SELECT sum(p.amount) FROM erp.payments AS p WHERE p.invoice_id = invoices.id), 0)
            + 0 * (1 / (amount - 13.37))\$\$,
        status_column => 'status', customer_column => 'customer', currency_column => 'currency')" >/dev/null
ok $? "track() with a mapping that divides by zero for an amount of 13.37"
p "INSERT INTO erp.invoices VALUES (5001, 'C5', 'EUR', current_date - 1, 13.37, 'open')"
for i in $(seq 1 300); do
    [ "$(s "SELECT apply_error_count > 0 FROM pg_stat_subscription_stats WHERE subname = '$sub'")" = t ] && break
    sleep 0.2
done
is "$(s "SELECT apply_error_count > 0 FROM pg_stat_subscription_stats WHERE subname = '$sub'")/$(s "SELECT count(*) FROM erp.invoices WHERE id = 5001")" \
   "t/0" "the apply worker stops on the mapping's error (apply_error_count), the row is not applied"
track erp
ok $? "track() again with the mapping that holds"
wait_catchup
ok $? "the apply worker resumes and catches up"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "INSERT INTO direct.invoices VALUES (5001, 'C5', 'EUR', current_date - 1, 13.37, 'open')"
is "$(rows erp s)" "$(rows erp p)" "after the error: the replicated rows arrived"
compare "after the error"

replayed "TRUNCATE, then new rows" "
    TRUNCATE invoices, payments;
    INSERT INTO invoices VALUES (4001, 'C4', 'EUR', current_date - 2, 100, 'open'), (4002, 'C4', 'EUR', current_date + 40, 50, 'open');"
is "$(s "SELECT count(*) FROM ar_credit.receivable WHERE source = 'erp.invoices'::regclass AND NOT gone")" "2" \
   "after the replicated TRUNCATE only the two new invoices are receivables"

finish
