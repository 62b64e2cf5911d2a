#!/usr/bin/env bash
# The Python reference worker (examples/worker.py) end to end: a tracked
# table, a local SMTP server on 127.0.0.1 (test/smtp_sink.py, aiosmtpd) and
# the worker as a login role that has only ar_credit_worker (and SELECT on
# the customer table its recipient query reads).  Run inside a throwaway
# cluster by tools/run-cluster-tests.sh; prints TAP.
#
#   1. the queue drained: one letter per customer, to the right address,
#      naming each invoice and amount; an SMTP refusal and a customer without
#      an address recorded as failures; a NOTIFY wakes the idle worker;
#      SIGTERM stops it with status 0
#   2. SIGKILL while the SMTP server holds a letter unacknowledged: after the
#      lease and a restart (polling), every reminder is sent, and only the
#      letter in flight is sent twice (the documented at-least-once window)
#   3. SIGTERM while a letter is in flight: that letter is completed, the
#      rest of the batch is left to its lease, exit status 0; after a restart
#      every reminder is sent exactly once
# Waits are bounded polls on conditions, never timing assertions.
set -uo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS='-c client_min_messages=warning'
PY=/usr/bin/python3          # Debian's python3, where python3-psycopg2 and python3-aiosmtpd live
export PYTHONDONTWRITEBYTECODE=1   # no examples/__pycache__ left in the tree
db=ar_worker_py_test; role=ar_worker_py_login
n=0; failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else failed=$((failed + 1)); echo "not ok $n - $2"; fi; }
is() {
    if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; printf '#   got:  %s\n#   want: %s\n' "$1" "$2"; fi
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
# wait_for SECONDS 'CONDITION': evaluates the shell CONDITION every 0.2 s until
# it holds or the bound passes (a bound, not a timing assertion)
wait_for() {
    local limit=$(( $1 * 5 )) i=0
    until eval "$2"; do i=$((i + 1)); [ $i -ge $limit ] && return 1; sleep 0.2; done
}
# wait_count SECONDS N SQL: waits (bounded) until the query returns N
wait_count() { local sql=$3 want=$2; wait_for "$1" '[ "$(q "$sql")" = "$want" ]'; }

if ! $PY -c 'import psycopg2, aiosmtpd' 2>/dev/null; then
    ok 1 "python3-psycopg2 and python3-aiosmtpd are installed (tools/setup-debian.sh)"
    echo "1..$n"; exit 1
fi

tmp=$(mktemp -d)
mail=$tmp/mail; mkdir "$mail"
sink=""; wpid=""
cleanup() {
    [ -n "$wpid" ] && kill -KILL "$wpid" 2>/dev/null
    [ -n "$sink" ] && kill -TERM "$sink" 2>/dev/null && wait "$sink" 2>/dev/null
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

$PY test/smtp_sink.py --dir "$mail" --port-file "$tmp/port" 2>"$tmp/sink.log" &
sink=$!
wait_for 30 'test -s "$tmp/port"'
ok $? "SMTP server listening on 127.0.0.1"
port=$(cat "$tmp/port" 2>/dev/null)

dropdb --if-exists "$db"
psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null
createdb "$db"
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v role="$role" -v password="$password" >/dev/null <<'SQL'
CREATE EXTENSION ar_credit;
CREATE ROLE :"role" LOGIN PASSWORD :'password' IN ROLE ar_credit_worker;
CREATE TABLE public.customer (customer_key text PRIMARY KEY, email text);
GRANT SELECT ON public.customer TO :"role";
INSERT INTO public.customer VALUES
    ('C1', 'c1@example.test'), ('C2', 'c2@example.test'), ('C3', 'c3@example.test'),
    ('C4', 'reject-c4@example.test'), ('C5', NULL);
INSERT INTO public.customer SELECT 'K' || i, 'k' || i || '@example.test' FROM generate_series(1, 12) AS i;
INSERT INTO public.customer SELECT 'T' || i, 't' || i || '@example.test' FROM generate_series(1, 6) AS i;
CREATE TABLE public.invoice (
    invoice_no text PRIMARY KEY,
    customer   text NOT NULL,
    due_on     date NOT NULL,
    amount     numeric(12,2) NOT NULL,
    currency   text NOT NULL DEFAULT 'EUR',
    status     text NOT NULL DEFAULT 'open'
);
INSERT INTO public.invoice VALUES
    ('INV-101', 'C1', current_date - 3, 1200.00, 'EUR', 'open'),
    ('INV-102', 'C1', current_date - 5,  300.50, 'EUR', 'open'),
    ('INV-103', 'C1', current_date - 8,   99.99, 'EUR', 'open'),
    ('INV-201', 'C2', current_date - 4,  450.00, 'GBP', 'open'),
    ('INV-202', 'C2', current_date - 6,   50.00, 'GBP', 'overdue'),
    ('INV-301', 'C3', current_date - 3,   75.25, 'EUR', 'open'),
    ('INV-401', 'C4', current_date - 3,   10.00, 'EUR', 'open'),     -- the SMTP server refuses the address
    ('INV-501', 'C5', current_date - 3,   20.00, 'EUR', 'open'),     -- no address
    ('INV-601', 'C1', current_date + 30, 500.00, 'EUR', 'open'),     -- not due yet
    ('INV-701', 'C2', current_date - 3,  700.00, 'EUR', 'paid');     -- nothing to remind
SELECT ar_credit.track('public.invoice', 'invoice_no', 'due_on', 'amount', status_column => 'status',
                       customer_column => 'customer', currency_column => 'currency');
-- the reminders a role reads in dunning_due are those of the tables it may read
GRANT SELECT ON public.invoice TO :"role";
SQL
ok $? "database seeded: invoices tracked, login role with ar_credit_worker and SELECT on customer"
is "$(q "SELECT count(*) FROM ar_credit.dunning_due")" "8" "eight reminders due"

run_worker() {   # run_worker LOGFILE [ENV=VALUE ...] [-- ARGS]: starts the worker in the background, sets wpid
    local logf=$1; shift
    env PGUSER="$role" PGPASSWORD="$password" PGDATABASE="$db" PGOPTIONS= \
        AR_WORKER_NAME=py-test AR_BATCH=100 AR_LEASE='5 minutes' AR_POLL=1 \
        SMTP_HOST=127.0.0.1 SMTP_PORT="$port" SMTP_STARTTLS=0 MAIL_FROM=credit@example.test \
        AR_RECIPIENT_SQL='SELECT email FROM public.customer WHERE customer_key = %(customer_key)s' \
        "$@" $PY examples/worker.py 2>>"$logf" &
    wpid=$!
}
stop_worker() {  # stop_worker SIGNAL: signals the worker, waits (bounded) and sets wrc
    kill -"$1" "$wpid" 2>/dev/null
    wrc=""
    [ "$1" = KILL ] && { wait "$wpid" 2>/dev/null; wrc=$?; wpid=""; return; }
    if wait_for 60 '! kill -0 "$wpid" 2>/dev/null'; then wait "$wpid" 2>/dev/null; wrc=$?; fi
    wpid=""
}
# one line per message stored: file, To, reminder ids, Subject, Message-ID, body (lines joined by " | ")
mails() {
    $PY - "$mail" <<'PY'
import email, email.policy, glob, os, sys
for p in sorted(glob.glob(os.path.join(sys.argv[1], "msg-*.eml"))):
    with open(p, "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    body = m.get_body(("plain",)).get_content().strip().replace("\n", " | ")
    print("\t".join([os.path.basename(p), m["To"], m["X-AR-Credit-Reminders"], m["Subject"], m["Message-ID"], body]))
PY
}
nmail() { ls "$mail" | grep -c '^msg-'; }
level3() { q "SELECT string_agg(format('%s:%s:%s', invoice_key, state, attempts), ' ' ORDER BY invoice_key)
                FROM ar_credit.dunning_queue WHERE level = 3 AND invoice_key LIKE '$1'"; }

# ---------------------------------------------------------------------
# 1. drain the queue, then wake on NOTIFY, then SIGTERM
# ---------------------------------------------------------------------
log1=$tmp/worker1.log
run_worker "$log1" AR_POLL=3600
wait_count 60 8 "SELECT count(*) FROM ar_credit.dunning_queue WHERE level = 3 AND (state = 'sent' OR attempts > 0)"
ok $? "the worker drained the queue"
is "$(level3 'INV-%')" \
   "INV-101:sent:0 INV-102:sent:0 INV-103:sent:0 INV-201:sent:0 INV-202:sent:0 INV-301:sent:0 INV-401:pending:1 INV-501:pending:1" \
   "six reminders sent; the refused address and the missing one failed once (pending, retried later)"
is "$(nmail)" "3" "three letters: one per customer with an address the server accepts"
m=$(mails)
is "$(printf '%s\n' "$m" | cut -f2 | sort | paste -sd' ')" "c1@example.test c2@example.test c3@example.test" \
   "one letter to each customer's address"
c1=$(printf '%s\n' "$m" | awk -F'\t' '$2 == "c1@example.test"')
printf '%s\n' "$c1" | cut -f4 | grep -q 'INV-101' && printf '%s\n' "$c1" | cut -f4 | grep -q 'INV-103'
ok $? "the subject names the invoices"
for want in 'INV-101 .*1200.00 EUR' 'INV-102 .*300.50 EUR' 'INV-103 .*99.99 EUR' 'Total due: 1600.49 EUR'; do
    printf '%s\n' "$c1" | cut -f6 | grep -q "$want"
    ok $? "C1's letter: $want"
done
printf '%s\n' "$m" | awk -F'\t' '$2 == "c2@example.test"' | cut -f6 | grep -q 'INV-201 .*450.00 GBP .* | .*INV-202 .*50.00 GBP'
ok $? "C2's letter lists INV-201 and INV-202 in GBP"
printf '%s\n' "$m" | awk -F'\t' '$2 == "c3@example.test"' | cut -f6 | grep -q 'INV-301.*EUR.75\.25'
ok $? "C3's letter: INV-301 75.25 EUR"
printf '%s\n' "$m" | cut -f6 | grep -qE 'INV-(401|501|601|701)'
[ $? = 1 ]; ok $? "no letter for the refused, address-less, not yet due or paid invoices"
is "$(q "SELECT count(*) FROM ar_credit.dunning_queue WHERE state = 'sent' AND outcome LIKE 'sent: <%@example.test>'")" "6" \
   "the sent reminders record the Message-ID as their outcome"
is "$(printf '%s\n' "$m" | cut -f5 | sort | paste -sd' ')" \
   "$(q "SELECT string_agg(DISTINCT substr(outcome, 7), ' ' ORDER BY substr(outcome, 7)) FROM ar_credit.dunning_queue WHERE state = 'sent'")" \
   "the outcomes are the Message-IDs of the letters received"
is "$(q "SELECT last_error FROM ar_credit.dunning_queue WHERE invoice_key = 'INV-401' AND level = 3")" \
   "SMTP 550 5.1.1 <reject-c4@example.test>: mailbox unavailable" "the SMTP refusal is the reminder's last_error"
is "$(q "SELECT last_error FROM ar_credit.dunning_queue WHERE invoice_key = 'INV-501' AND level = 3")" \
   "no e-mail address for customer C5" "a customer without an address: the reminder failed with that error"
is "$(q "SELECT count(*) FROM ar_credit.dunning_queue WHERE state = 'pending' AND level = 4")" "6" "the next level queued for the six sent"
# the worker is idle (polling once an hour): a NOTIFY from a writer wakes it
psql -X -q -d "$db" -v ON_ERROR_STOP=1 -c "SET ar_credit.notify = on" \
     -c "INSERT INTO public.invoice VALUES ('INV-104', 'C1', current_date - 3, 42.00, 'EUR', 'open')"
wait_for 60 '[ "$(nmail)" = 4 ]'
ok $? "a NOTIFY ar_credit_dunning wakes the idle worker: INV-104 sent"
is "$(level3 'INV-104')" "INV-104:sent:0" "INV-104 recorded sent"
stop_worker TERM
is "$wrc" "0" "SIGTERM: the idle worker exits with status 0"
grep -q 'SIGTERM received' "$log1" && grep -q 'worker py-test stopped' "$log1"
ok $? "it logged the signal and its stop"
grep -qE 'INFO sent <[^>]+> to c1@example.test: reminders \[' "$log1"
ok $? "it logged each letter sent (Message-ID, address, reminder ids)"

# configuration errors exit with status 2 (systemd: do not restart)
env -u MAIL_FROM PGUSER="$role" PGPASSWORD="$password" PGDATABASE="$db" $PY examples/worker.py --once 2>"$tmp/cfg.log"
is "$?" "2" "no MAIL_FROM: exit status 2"
grep -q 'configuration: MAIL_FROM' "$tmp/cfg.log"; ok $? "the log says which setting is wrong"
env PGUSER="$role" PGPASSWORD="$password" PGDATABASE="$db" PGOPTIONS= MAIL_FROM=credit@example.test \
    AR_RECIPIENT_SQL='SELECT mail FROM public.customer WHERE customer_key = %(customer_key)s' \
    $PY examples/worker.py --once 2>"$tmp/cfg.log"
is "$?" "2" "a recipient query that fails: exit status 2 at start-up, before claiming anything"
grep -q 'configuration: AR_RECIPIENT_SQL: ERROR:  column "mail" does not exist' "$tmp/cfg.log"; ok $? "the log shows the query's error"

# the example environment file (systemd EnvironmentFile syntax) is a valid configuration
env -i PATH="$PATH" $PY -B - examples/ar-credit-worker.env <<'PY' 2>&1 | sed 's/^/#   /'
import os, sys
sys.path.insert(0, "examples")
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if line and not line.startswith("#"):
        k, v = line.split("=", 1)
        os.environ[k] = v
import worker
cfg = worker.load_config()
assert cfg["batch"] == 50 and cfg["lease"] == "5 minutes" and cfg["smtp_starttls"] and cfg["smtp_port"] == 587, cfg
PY
ok "${PIPESTATUS[0]}" "examples/ar-credit-worker.env is a valid configuration"

# ---------------------------------------------------------------------
# 2. SIGKILL while a letter is in flight
# ---------------------------------------------------------------------
q "INSERT INTO public.invoice SELECT 'INV-K' || i, 'K' || i, current_date - 3, 100 + i, 'EUR', 'open' FROM generate_series(1, 12) AS i"
before=$(nmail)
echo $((before + 3)) > "$mail/hang-after"     # the 4th letter is received, never acknowledged
log2=$tmp/worker2.log
run_worker "$log2" AR_BATCH=4 AR_LEASE='2 seconds'
wait_for 60 'test -e "$mail/hung"'
ok $? "the SMTP server received the 4th letter of the batch and holds its acknowledgement"
stop_worker KILL
is "$(level3 'INV-K%' | tr ' ' '\n' | cut -d: -f2 | sort | uniq -c | awk '{printf "%s %s ", $2, $1}')" "claimed 1 pending 8 sent 3 " \
   "killed: three reminders completed, the one in flight still claimed, eight not claimed yet"
run_worker "$log2"
wait_count 60 12 "SELECT count(*) FROM ar_credit.dunning_queue WHERE level = 3 AND invoice_key LIKE 'INV-K%' AND state = 'sent'"
ok $? "restarted: the lease expired, every reminder is sent (polling, no NOTIFY)"
stop_worker TERM
is "$wrc" "0" "SIGTERM: status 0"
m=$(mails | tail -n +$((before + 1)))
is "$(printf '%s\n' "$m" | wc -l)" "13" "13 letters for 12 reminders"
dup=$(printf '%s\n' "$m" | cut -f3 | sort | uniq -d)
is "$(printf '%s\n' "$dup" | grep -c .)" "1" "exactly one letter sent twice: the one in flight when the worker was killed"
echo "# at-least-once window: $(printf '%s\n' "$dup" | grep -c .) letter(s) sent twice after SIGKILL (reminder ids: $dup)"
is "$(printf '%s\n' "$m" | cut -f3 | tr ' ' '\n' | sort -u | wc -l)" "12" "no reminder lost: all 12 received"
is "$(q "SELECT count(*) FROM ar_credit.dunning_queue WHERE invoice_key LIKE 'INV-K%' AND level = 3 AND state = 'sent'")" "12" \
   "each recorded sent once"

# ---------------------------------------------------------------------
# 3. SIGTERM while a letter is in flight
# ---------------------------------------------------------------------
q "INSERT INTO public.invoice SELECT 'INV-T' || i, 'T' || i, current_date - 3, 200 + i, 'EUR', 'open' FROM generate_series(1, 6) AS i"
before=$(nmail)
echo $((before + 2)) > "$mail/hold-after"     # the 3rd letter waits for "release"
log3=$tmp/worker3.log
run_worker "$log3" AR_LEASE='2 seconds'
wait_for 60 'test -e "$mail/held"'
ok $? "the SMTP server holds the 3rd letter of the batch"
kill -TERM "$wpid"
wait_for 30 'grep -q "SIGTERM received" "$log3"'
ok $? "the worker logged SIGTERM while sending"
touch "$mail/release"
stop_worker TERM
is "$wrc" "0" "it finished the letter in hand and exited with status 0"
is "$(( $(nmail) - before ))" "3" "it sent no letter after SIGTERM"
is "$(level3 'INV-T%' | tr ' ' '\n' | cut -d: -f2,3 | sort | uniq -c | awk '{printf "%s %s ", $2, $1}')" "claimed:0 3 sent:0 3 " \
   "the three letters sent are completed, the three others left claimed (not failed) for their lease to end"
grep -q 'not sent, back to the queue when their lease ends' "$log3"; ok $? "it logged the reminders it left"
run_worker "$log3"
wait_count 60 6 "SELECT count(*) FROM ar_credit.dunning_queue WHERE level = 3 AND invoice_key LIKE 'INV-T%' AND state = 'sent'"
ok $? "restarted after the lease: all six sent"
stop_worker INT
is "$wrc" "0" "SIGINT: status 0"
m=$(mails | tail -n +$((before + 1)))
is "$(printf '%s\n' "$m" | wc -l)" "6" "six letters, none twice"

is "$(q "SELECT count(*) FROM (SELECT receivable_id, level FROM ar_credit.dunning_queue WHERE state = 'sent'
                                GROUP BY 1, 2 HAVING count(*) > 1) AS d")" "0" "no level recorded sent twice"
is "$(q "SELECT count(*) FROM ar_credit.dunning_queue WHERE state = 'claimed'")" "0" "nothing left claimed"

kill -TERM "$sink"; wait "$sink"; sink=""
dropdb "$db"
psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null
echo "1..$n"
exit $((failed > 0))
