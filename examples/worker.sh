#!/usr/bin/env bash
# A reference reminder worker for ar_credit's dunning queue, in shell + psql.
#
# The queue contract (SPEC section 6):
#   1. claim:    ar_credit.claim_reminders(batch, worker, lease) locks up to `batch`
#                due reminders with FOR UPDATE SKIP LOCKED and leases them to
#                this worker; a reminder whose lease expires is claimed again.
#   2. send:     whatever "sending" means for the channel (email, phone task,
#                registered letter, handover to collection). Here: print it.
#   3. complete: ar_credit.complete_reminder(id) marks it sent and queues the
#                next level while the invoice stays open; or
#      fail:     ar_credit.fail_reminder(id, error) retries it later with
#                exponential backoff, then gives up (state failed) after
#                ar_credit.max_attempts attempts.
# Several workers may run at once: they never get the same reminder.
#
# Usage: examples/worker.sh [--once] [--batch N] [--worker NAME] [--poll SECONDS]
# Connection: the usual libpq variables (PGHOST, PGDATABASE, PGUSER, ...); the
# role needs ar_credit_worker.
set -euo pipefail

once=""; batch=100; worker="worker-$(hostname)-$$"; poll=10
while [ $# -gt 0 ]; do
    case $1 in
        --once) once=1 ;;
        --batch) batch=$2; shift ;;
        --worker) worker=$2; shift ;;
        --poll) poll=$2; shift ;;
        *) echo "usage: $0 [--once] [--batch N] [--worker NAME] [--poll SECONDS]" >&2; exit 2 ;;
    esac
    shift
done

psql_at() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# "Sends" one reminder. Replace with your mailer, telephony task, letter
# service... Return non-zero to report a failure.
send_reminder() {
    local channel=$1 level=$2 label=$3 invoice=$4 customer=$5 amount=$6 currency=$7 remind_on=$8
    printf '%-18s level %s  %-24s invoice %-12s customer %-10s %12s %s  (due to remind on %s)\n' \
        "$channel" "$level" "$label" "$invoice" "$customer" "$amount" "$currency" "$remind_on"
}

while :; do
    batch_rows=$(psql_at -F $'\t' -v batch="$batch" -v worker="$worker" <<'SQL'
SELECT id, channel, level, label, invoice_key, coalesce(customer_key, '-'),
       amount_due, coalesce(currency, ''), remind_on
  FROM ar_credit.claim_reminders(:batch, :'worker')
 ORDER BY remind_on, id;
SQL
)
    if [ -z "$batch_rows" ]; then
        [ -n "$once" ] && break
        sleep "$poll"
        continue
    fi
    while IFS=$'\t' read -r id channel level label invoice customer amount currency remind_on; do
        if send_reminder "$channel" "$level" "$label" "$invoice" "$customer" "$amount" "$currency" "$remind_on"; then
            echo "SELECT ar_credit.complete_reminder(:id);" |
                psql_at -v id="$id" >/dev/null
        else
            echo "SELECT ar_credit.fail_reminder(:id, :'err');" |
                psql_at -v id="$id" -v err="send_reminder failed for $channel" >/dev/null
        fi
    done <<< "$batch_rows"
    [ -n "$once" ] && break
done
