#!/usr/bin/env bash
# The reference worker examples/worker.sh against a real queue (run inside a
# throwaway cluster by tools/run-cluster-tests.sh). Prints TAP.
#
# A tracked invoices table is seeded with invoices overdue, not yet due, paid
# and draft; the worker runs once (--once) as a login role that has only
# ar_credit_worker. The reminders due today must be printed, claimed by that
# worker and completed (state sent), the next level scheduled, the others left
# alone; a second run finds nothing to do.
set -uo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS='-c client_min_messages=warning'
db=ar_worker_test; role=ar_worker_test_login
n=0; failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else failed=$((failed + 1)); echo "not ok $n - $2"; fi; }
# is GOT WANT NAME
is() {
    if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; printf '#   got:  %s\n#   want: %s\n' "$1" "$2"; fi
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }

dropdb --if-exists "$db"
psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null
createdb "$db"
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v role="$role" -v password="$password" >/dev/null <<'SQL'
CREATE EXTENSION ar_credit;
CREATE ROLE :"role" LOGIN PASSWORD :'password' IN ROLE ar_credit_worker;
CREATE TABLE public.invoice (
    invoice_no text PRIMARY KEY,
    customer   text NOT NULL,
    due_on     date NOT NULL,
    amount     numeric(12,2) NOT NULL,
    currency   text NOT NULL DEFAULT 'EUR',
    status     text NOT NULL DEFAULT 'open'
);
INSERT INTO public.invoice VALUES
    ('INV-1', 'C-1', current_date - 3,  1200.00, 'EUR', 'open'),    -- 3 days late: first reminder today
    ('INV-2', 'C-2', current_date - 12,  450.50, 'GBP', 'overdue'), -- 12 days late: first reminder today
    ('INV-3', 'C-1', current_date + 30,  800.00, 'EUR', 'open'),    -- courtesy reminder in 15 days
    ('INV-4', 'C-3', current_date - 10,  300.00, 'EUR', 'paid'),    -- nothing to remind
    ('INV-5', 'C-3', current_date - 10,  300.00, 'EUR', 'draft');   -- not issued
SELECT ar_credit.track('public.invoice', 'invoice_no', 'due_on', 'amount', status_column => 'status',
                       customer_column => 'customer', currency_column => 'currency');
SQL
ok $? "database seeded, invoices tracked, login role with ar_credit_worker"

is "$(q "SELECT string_agg(format('%s L%s %s %s', invoice_key, level, state, remind_on - current_date), ', ' ORDER BY invoice_key)
           FROM ar_credit.dunning_queue")" \
   "INV-1 L3 pending 0, INV-2 L3 pending 0, INV-3 L1 pending 15" \
   "track queued the open invoices: two reminders due today, one in 15 days"
is "$(q "SELECT count(*) FROM ar_credit.dunning_due")" "2" "dunning_due shows the two reminders due today"

# the worker, as the login role
out=$(PGUSER=$role PGPASSWORD=$password PGDATABASE=$db PGOPTIONS= \
      bash examples/worker.sh --once --batch 10 --worker test-worker 2>&1)
rc=$?
ok $rc "examples/worker.sh --once exits 0 as a role with only ar_credit_worker"
[ $rc = 0 ] || printf '#   %s\n' "$out"
is "$(printf '%s\n' "$out" | grep -c 'level 3  first reminder')" "2" "it printed the two due reminders"
printf '%s\n' "$out" | grep -q 'invoice INV-1 .*customer C-1 .*1200.00 EUR'
ok $? "the printed line carries invoice, customer, amount and currency"
is "$(q "SELECT string_agg(format('%s %s %s %s', invoice_key, state, claimed_by, sent_at IS NOT NULL), ', ' ORDER BY invoice_key)
           FROM ar_credit.dunning_queue WHERE level = 3")" \
   "INV-1 sent test-worker t, INV-2 sent test-worker t" \
   "both were claimed by the worker and completed (state sent, sent_at set)"
is "$(q "SELECT string_agg(format('%s L%s %s %s %s', invoice_key, level, channel, state, remind_on - current_date), ', ' ORDER BY invoice_key)
           FROM ar_credit.dunning_queue WHERE state = 'pending'")" \
   "INV-1 L4 phone pending 12, INV-2 L4 phone pending 5, INV-3 L1 email pending 15" \
   "next level scheduled: due + 15 for INV-1, 5 days after the last reminder for INV-2; INV-3 untouched"
is "$(q "SELECT count(*) FROM ar_credit.dunning_queue WHERE state = 'claimed'")" "0" "no reminder left claimed"
is "$(q "SELECT count(*) FROM ar_credit.dunning_due")" "0" "nothing due any more today"

out=$(PGUSER=$role PGPASSWORD=$password PGDATABASE=$db PGOPTIONS= \
      bash examples/worker.sh --once --worker test-worker 2>&1)
rc=$?
[ $rc = 0 ] && [ -z "$out" ]
ok $? "a second run finds nothing to send and exits 0"

# the invoice is paid: its scheduled reminder is cancelled, the worker never sees it
q "UPDATE public.invoice SET status = 'paid' WHERE invoice_no = 'INV-1'"
is "$(q "SELECT state FROM ar_credit.dunning_queue WHERE invoice_key = 'INV-1' AND level = 4")" "cancelled" \
   "paying INV-1 cancels its scheduled second reminder"

# the worker role cannot read or change the queue directly
PGUSER=$role PGPASSWORD=$password PGDATABASE=$db PGOPTIONS= \
    psql -X -q -At -c 'SELECT count(*) FROM ar_credit.dunning_queue' >/dev/null 2>&1
[ $? != 0 ]; ok $? "the worker role has no direct access to ar_credit.dunning_queue"

dropdb "$db"
psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null
echo "1..$n"
exit $((failed > 0))
