#!/usr/bin/env bash
# The scheduler path of the time-driven collections rules (issue 13, SPEC
# section 12 "time"): a promise to pay whose date passed unpaid is broken by
# ar_credit.process_holds() run by pg_cron (Debian: postgresql-NN-cron), with
# no worker claiming anything.  The claim path (no scheduler at all) is
# tested by test/holds.sql and specs/holds_while_claimed.spec.
#
# pg_cron must be in shared_preload_libraries: this test starts its own
# throwaway cluster (socket only), finding ar_credit where the suite's
# cluster finds it (its extension_destdir, when the suite installs into a
# staging directory).  The wait is a bounded poll (pg_cron fires on the
# minute), never a timing assertion.  Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS='-c client_min_messages=warning'
n=0; failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else failed=$((failed + 1)); echo "not ok $n - $2"; fi; }
is() {
    if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; printf '#   got:  %s\n#   want: %s\n' "$1" "$2"; fi
}
finish() { echo "1..$n"; [ "$failed" = 0 ] && [ "$n" -gt 0 ]; exit $?; }

bindir=$("${PG_CONFIG:-pg_config}" --bindir)
libdir=$("${PG_CONFIG:-pg_config}" --pkglibdir)
major=$("${PG_CONFIG:-pg_config}" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
if [ ! -f "$libdir/pg_cron.so" ]; then
    ok 1 "pg_cron is installed (postgresql-$major-cron; tools/setup-debian.sh installs it)"
    finish
fi
# where the suite's cluster finds ar_credit
destdir=$(psql -X -At -d postgres -c "SHOW extension_destdir" 2>/dev/null)

dir=$(mktemp -d /tmp/ar_credit_cron.XXXXXX) || { ok 1 "mktemp"; finish; }
run_as=()
if [ "$(id -u)" = 0 ]; then run_as=(runuser -u postgres --); chown postgres "$dir"; fi
cleanup() {
    [ -f "$dir/data/postmaster.pid" ] && "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT
q() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$dir" -p 5432 -U postgres -d postgres -c "$1"; }

"${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1
ok $? "a cluster of its own, for shared_preload_libraries = pg_cron"
cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
port = 5432
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
# jobs run in background workers: no connection to open, no password
cron.use_background_workers = on
max_worker_processes = 16
fsync = off
EOF
[ -n "$destdir" ] && echo "extension_destdir = '$destdir'" >>"$dir/data/postgresql.conf"
"${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 start >/dev/null 2>&1
rc=$?
ok $rc "the cluster started with pg_cron"
if [ $rc != 0 ]; then sed 's/^/#   /' "$dir/server.log" "$dir/initdb.log" 2>/dev/null | tail -20; finish; fi

q "CREATE EXTENSION pg_cron; CREATE EXTENSION ar_credit;
   CREATE TABLE inv (no text PRIMARY KEY, cust text, due date, amount numeric(12,2));
   SELECT ar_credit.track('inv', 'no', 'due', 'amount', customer_column => 'cust');
   INSERT INTO inv VALUES ('C-1', 'acme', current_date - 10, 500), ('C-2', 'bolt', current_date - 10, 300);" >/dev/null
ok $? "pg_cron and ar_credit; a tracked table, two invoices 10 days late"
# two promises to pay by yesterday (placed, then their date moved back: the
# day has passed), C-2 paid meanwhile
q "SELECT ar_credit.hold('inv', no, 'promise', until => current_date, reason => 'will pay') FROM inv;
   UPDATE ar_credit.dunning_hold SET until = current_date - 1;
   UPDATE inv SET amount = 0 WHERE no = 'C-2';" >/dev/null
is "$(q "SELECT string_agg(invoice_key || ':' || state, ' ' ORDER BY invoice_key) FROM ar_credit.dunning_hold")" \
   "C-1:active C-2:active" "two promises whose date has passed, not processed yet (no claim, no scheduler)"

# the documented schedule
q "SELECT cron.schedule('ar_credit holds', '* * * * *', 'SELECT ar_credit.process_holds()')" >/dev/null
ok $? "cron.schedule('ar_credit holds', '* * * * *', 'SELECT ar_credit.process_holds()')"
i=0
until [ "$(q "SELECT count(*) FROM ar_credit.dunning_hold WHERE state <> 'active'")" = 2 ]; do
    i=$((i + 1)); [ $i -ge 180 ] && break; sleep 1
done
is "$(q "SELECT string_agg(invoice_key || ':' || state, ' ' ORDER BY invoice_key) FROM ar_credit.dunning_hold")" \
   "C-1:broken C-2:kept" "pg_cron ran process_holds: the unpaid promise broken, the paid one kept"
is "$(q "SELECT q.level || ' ' || q.state || ' ' || (q.remind_on - current_date) FROM ar_credit.dunning_queue AS q
          WHERE q.invoice_key = 'C-1' AND q.state IN ('pending', 'claimed', 'suspended')")" \
   "3 pending 0" "the broken promise's invoice is dunned again at once (nothing was sent: the level of its age)"
is "$(q "SELECT kind || ' ' || customer_key FROM ar_credit.alert WHERE kind = 'broken_promise'")" \
   "broken_promise acme" "an alert for the broken promise"
is "$(q "SELECT status FROM cron.job_run_details ORDER BY runid LIMIT 1")" "succeeded" \
   "cron.job_run_details: the job succeeded"
q "SELECT '#   ' || status || ': ' || coalesce(return_message, '') FROM cron.job_run_details ORDER BY runid LIMIT 3"
q "SELECT cron.unschedule('ar_credit holds')" >/dev/null
ok $? "cron.unschedule"
finish
