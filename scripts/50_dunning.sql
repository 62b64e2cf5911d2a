\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
-- ar_credit install script, section 50: dunning policies, the next reminder,
-- the classes of tracked items, the dunning queue and its worker API, the
-- reminders due and the roles (SPEC sections 5, 6 and 10).  Tracking
-- tables is section 55.

-- ---------------------------------------------------------------------
-- policies
-- ---------------------------------------------------------------------
CREATE TABLE ar_credit.dunning_step (
    policy      pg_catalog.text NOT NULL,
    level       pg_catalog.int4 NOT NULL CHECK (level OPERATOR(pg_catalog.>) 0),
    offset_days pg_catalog.int4 NOT NULL CHECK (offset_days OPERATOR(pg_catalog.>=) -366 AND offset_days OPERATOR(pg_catalog.<=) 3660),
    channel     pg_catalog.text NOT NULL
                CHECK (channel OPERATOR(pg_catalog.=) ANY (ARRAY['email', 'sms', 'phone', 'letter', 'registered_letter', 'collection'])),
    label       pg_catalog.text NOT NULL,
    min_amount  pg_catalog.numeric NOT NULL DEFAULT 0 CHECK (min_amount OPERATOR(pg_catalog.>=) 0),
    shipped     pg_catalog.bool NOT NULL DEFAULT false,
    PRIMARY KEY (policy, level)
);
-- min_amount may be Infinity (a step never sent) but not NaN
ALTER TABLE ar_credit.dunning_step
    ADD CONSTRAINT dunning_step_named CHECK (policy OPERATOR(pg_catalog.<>) ''),
    ADD CONSTRAINT dunning_step_min_amount_number CHECK (min_amount OPERATOR(pg_catalog.<>) 'NaN');
COMMENT ON TABLE ar_credit.dunning_step IS
    'dunning policies: one row per reminder level, offset_days relative to the due date (negative = before), channel, label, minimum amount due';

INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label, shipped) VALUES
    ('standard', 1, -15, 'email', 'courtesy reminder', true),
    ('standard', 2, -7, 'email', 'payment due soon', true),
    ('standard', 3, 1, 'email', 'first reminder', true),
    ('standard', 4, 15, 'phone', 'second reminder', true),
    ('standard', 5, 30, 'registered_letter', 'formal notice', true),
    ('standard', 6, 45, 'collection', 'handover to collection', true),
    ('strict', 1, -15, 'email', 'courtesy reminder', true),
    ('strict', 2, -7, 'email', 'payment due soon', true),
    ('strict', 3, 1, 'email', 'first reminder', true),
    ('strict', 4, 8, 'phone', 'second reminder', true),
    ('strict', 5, 15, 'registered_letter', 'formal notice', true),
    ('strict', 6, 30, 'collection', 'handover to collection', true);

CREATE TRIGGER dunning_step_user_owned
    BEFORE INSERT OR UPDATE ON ar_credit.dunning_step
    FOR EACH ROW EXECUTE FUNCTION ar_credit.config_row_user_owned('policy', 'level');
SELECT pg_catalog.pg_extension_config_dump('ar_credit.dunning_step', 'WHERE NOT shipped');

CREATE TRIGGER dunning_step_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.dunning_step
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();

CREATE TYPE ar_credit.reminder AS (level pg_catalog.int4, remind_on pg_catalog.date,
                                   channel pg_catalog.text, label pg_catalog.text);
COMMENT ON TYPE ar_credit.reminder IS 'a reminder to send: level, date, channel and label';

CREATE FUNCTION ar_credit.next_reminder(due pg_catalog.date, as_of pg_catalog.date,
                                        last_level pg_catalog.int4 DEFAULT 0,
                                        policy pg_catalog.text DEFAULT 'standard',
                                        last_sent pg_catalog.date DEFAULT NULL,
                                        min_gap_days pg_catalog.int4 DEFAULT 5,
                                        OUT level pg_catalog.int4, OUT remind_on pg_catalog.date,
                                        OUT channel pg_catalog.text, OUT label pg_catalog.text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'dunning_next_reminder'
LANGUAGE C STABLE PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION ar_credit.next_reminder(pg_catalog.date, pg_catalog.date, pg_catalog.int4, pg_catalog.text, pg_catalog.date, pg_catalog.int4) IS
    'the next reminder after last_level: past pre-due steps skipped, post-due steps one level at a time, remind_on = greatest(due + offset_days, as_of, last_sent + min_gap_days); no row after the last level';

CREATE FUNCTION ar_credit.next_reminder_rec(due pg_catalog.date, as_of pg_catalog.date, last_level pg_catalog.int4,
                                            policy pg_catalog.text, last_sent pg_catalog.date,
                                            min_gap_days pg_catalog.int4, amount pg_catalog.numeric)
RETURNS ar_credit.reminder
AS 'MODULE_PATHNAME', 'dunning_next_reminder_rec'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.next_reminder_rec(pg_catalog.date, pg_catalog.date, pg_catalog.int4, pg_catalog.text, pg_catalog.date, pg_catalog.int4, pg_catalog.numeric) IS
    'next_reminder as one value (NULL after the last level), skipping steps whose min_amount exceeds amount; used by the tracking trigger';

CREATE FUNCTION ar_credit.invoice_class(status pg_catalog.text)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'dunning_invoice_class'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.invoice_class(pg_catalog.text) IS
    'open, closed (paid, cancelled, canceled, void, written_off, credited), suspended (disputed, on_hold) or ignored (draft); case-insensitive, unknown or NULL = open';

CREATE FUNCTION ar_credit.invoice_state(status pg_catalog.text, amount pg_catalog.numeric, due pg_catalog.date)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'dunning_invoice_state'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.invoice_state(pg_catalog.text, pg_catalog.numeric, pg_catalog.date) IS
    'what the tracking trigger acts on: closed when amount is NULL or <= 0, ignored without a due date, else invoice_class(status)';

CREATE FUNCTION ar_credit.clip(s pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT CASE WHEN pg_catalog.length(s) > 120 THEN pg_catalog.left(s, 100) || '...' ELSE s END $$;
COMMENT ON FUNCTION ar_credit.clip(pg_catalog.text) IS
    'a user-supplied value as an error message shows it: unchanged up to 120 characters, else its first 100 and "..."';

CREATE FUNCTION ar_credit.item_class(status pg_catalog.text, amount pg_catalog.numeric, due pg_catalog.date)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'receivable_item_class'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.item_class(pg_catalog.text, pg_catalog.numeric, pg_catalog.date) IS
    'the class of a tracked item: ignored (draft, no due date), paid (paid, or nothing left to pay), closed (cancelled, void, written off, no amount), credit (below zero), suspended (disputed, on hold) or open';

CREATE FUNCTION ar_credit.is_status_word(word pg_catalog.text)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'receivable_is_status_word'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.is_status_word(pg_catalog.text) IS
    'true for a class name (open, closed, suspended, ignored, paid, credit) or a word of the status vocabulary: what a status_map may map to';

CREATE FUNCTION ar_credit.currency_exponent(currency pg_catalog.text)
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'receivable_currency_exponent_sql'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.currency_exponent(pg_catalog.text) IS
    'decimal places of the minor unit of an ISO 4217 currency (JPY 0, EUR 2, KWD 3, CLF 4); 2 when unknown or NULL';

CREATE FUNCTION ar_credit.minor_to_major(amount pg_catalog.numeric, currency pg_catalog.text)
RETURNS pg_catalog.numeric
AS 'MODULE_PATHNAME', 'receivable_minor_to_major'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.minor_to_major(pg_catalog.numeric, pg_catalog.text) IS
    'an amount in the minor unit of its currency (cents) in major units: 12000 EUR cents = 120.00, 12000 JPY = 12000';

CREATE FUNCTION ar_credit.qualified_name(rel pg_catalog.regclass)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'receivable_qualified_name'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.qualified_name(pg_catalog.regclass) IS
    'schema.table of a relation, quoted where needed, whatever the search_path: the source column of the views';

-- ---------------------------------------------------------------------
-- the queue
-- ---------------------------------------------------------------------
CREATE TABLE ar_credit.dunning_queue (
    id              pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          pg_catalog.regclass NOT NULL,
    invoice_key     pg_catalog.text NOT NULL,
    customer_key    pg_catalog.text,
    level           pg_catalog.int4 NOT NULL,
    channel         pg_catalog.text NOT NULL,
    label           pg_catalog.text NOT NULL,
    remind_on       pg_catalog.date NOT NULL,
    amount_due      pg_catalog.numeric,
    currency        pg_catalog.text,
    state           pg_catalog.text NOT NULL DEFAULT 'pending'
                    CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['pending', 'claimed', 'sent', 'cancelled', 'suspended', 'failed'])),
    attempts        pg_catalog.int4 NOT NULL DEFAULT 0,
    claimed_by      pg_catalog.text,
    claimed_until   pg_catalog.timestamptz,
    last_error      pg_catalog.text,
    created_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- beyond SPEC's columns
    due_date        pg_catalog.date NOT NULL,
    policy          pg_catalog.text NOT NULL DEFAULT 'standard',
    next_attempt_at pg_catalog.timestamptz,
    sent_at         pg_catalog.timestamptz,
    receivable_id   pg_catalog.int8 NOT NULL,
    outcome         pg_catalog.text
);
COMMENT ON TABLE ar_credit.dunning_queue IS
    'reminders to send: at most one live (pending, claimed, suspended) row per receivable; workers use claim_reminders, complete_reminder(s) and fail_reminder(s)';
COMMENT ON COLUMN ar_credit.dunning_queue.receivable_id IS
    'the invoice (ar_credit.receivable.id) the reminder is for; its history of levels sent lives there';
COMMENT ON COLUMN ar_credit.dunning_queue.outcome IS
    'what the worker reported when it completed the reminder (complete_reminders outcome), or NULL';
-- one live reminder per invoice, the trigger's and the workers' arbiter
CREATE UNIQUE INDEX dunning_queue_live ON ar_credit.dunning_queue (receivable_id)
    WHERE state IN ('pending', 'claimed', 'suspended');
CREATE INDEX dunning_queue_todo ON ar_credit.dunning_queue (remind_on, id)
    WHERE state IN ('pending', 'claimed');
SELECT pg_catalog.pg_extension_config_dump('ar_credit.dunning_queue', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.dunning_queue', 'id'), '');

-- ---------------------------------------------------------------------
-- worker API (SECURITY DEFINER: workers need no rights on the queue itself)
-- ---------------------------------------------------------------------
CREATE FUNCTION ar_credit.claim_reminders(batch pg_catalog.int4 DEFAULT 100,
                                          worker pg_catalog.text DEFAULT CURRENT_USER,
                                          lease pg_catalog.interval DEFAULT '5 minutes',
                                          as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS SETOF ar_credit.dunning_queue
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- The claim must walk dunning_queue_todo in order and stop after `batch`
-- rows.  When the statistics say few rows are due (a queue never analysed,
-- or a day's reminders falling due at once), the planner prefers to fetch
-- every due row and sort them, for each claim: a backlog of n rows then
-- costs n per claim.  Sorting is off for this function's one query, so the
-- ordered index scan is the plan whatever the statistics.
SET enable_sort = off
AS $$
BEGIN
    IF batch IS NULL OR worker IS NULL OR lease IS NULL OR as_of IS NULL THEN
        RAISE EXCEPTION 'batch, worker, lease and as_of must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF batch < 1 THEN
        RAISE EXCEPTION 'batch must be positive, not %', batch USING ERRCODE = '22023';
    END IF;
    IF lease <= interval '0' THEN
        RAISE EXCEPTION 'lease must be a positive interval, not %', lease USING ERRCODE = '22023';
    END IF;
    IF NOT pg_catalog.isfinite(as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', as_of USING ERRCODE = '22008';
    END IF;
    RETURN QUERY
    WITH c AS (
        SELECT q.id
          FROM ar_credit.dunning_queue AS q
         WHERE q.state IN ('pending', 'claimed')
           AND q.remind_on <= claim_reminders.as_of
           AND ((q.state = 'pending' AND (q.next_attempt_at IS NULL OR q.next_attempt_at <= pg_catalog.now()))
                OR (q.state = 'claimed' AND q.claimed_until < pg_catalog.now()))
         ORDER BY q.remind_on, q.id
         LIMIT batch
           FOR UPDATE SKIP LOCKED)
    UPDATE ar_credit.dunning_queue AS q
       SET state = 'claimed', claimed_by = claim_reminders.worker,
           claimed_until = pg_catalog.now() + lease, updated_at = pg_catalog.now()
      FROM c
     WHERE q.id = c.id
    RETURNING q.*;
END
$$;
COMMENT ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date) IS
    'leases up to batch due reminders to a worker (FOR UPDATE SKIP LOCKED); reminders whose lease expired are claimed again';

-- Completion, set-based.  The invoices' receivables are locked first, in id
-- order, as the tracking trigger locks them before it touches the queue:
-- whichever of a worker completing and a writer paying comes second waits,
-- then sees what the first did, so a paid invoice never gets a next level
-- and a level is never queued twice.  A reminder the trigger cancelled or
-- suspended while a worker held it was still sent by that worker: it is
-- recorded as sent.
CREATE FUNCTION ar_credit.complete_reminders(ids pg_catalog.int8[], outcome pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.int4
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bad record;
    n pg_catalog.int4;
BEGIN
    IF ids IS NULL THEN
        RAISE EXCEPTION 'ids must not be NULL' USING ERRCODE = '22004';
    END IF;
    PERFORM 1 FROM ar_credit.receivable AS r
     WHERE r.id IN (SELECT q.receivable_id FROM ar_credit.dunning_queue AS q WHERE q.id = ANY (ids))
     ORDER BY r.id
       FOR UPDATE OF r;
    SELECT i.id, q.state INTO bad
      FROM pg_catalog.unnest(ids) AS i(id)
      LEFT JOIN ar_credit.dunning_queue AS q ON q.id = i.id
     WHERE i.id IS NULL OR q.id IS NULL
        OR (q.state IN ('pending', 'failed') AND NOT (q.claimed_by IS NOT NULL AND q.sent_at IS NULL))
     LIMIT 1;
    IF FOUND THEN
        IF bad.state IS NULL THEN
            RAISE EXCEPTION 'no reminder with id %', bad.id USING ERRCODE = '22023';
        END IF;
        RAISE EXCEPTION 'reminder % is %, not claimed', bad.id, bad.state USING ERRCODE = '55000',
              HINT = 'Claim reminders with ar_credit.claim_reminders() before completing them.';
    END IF;
    WITH s AS (
        UPDATE ar_credit.dunning_queue AS q
           SET state = 'sent', claimed_until = NULL, sent_at = pg_catalog.now(), updated_at = pg_catalog.now(),
               outcome = complete_reminders.outcome
         WHERE q.id = ANY (ids)
           AND (q.state = 'claimed'
                OR (q.claimed_by IS NOT NULL AND q.sent_at IS NULL AND q.state IN ('pending', 'suspended', 'cancelled')))
        RETURNING q.receivable_id, q.level, q.policy),
    r AS (
        UPDATE ar_credit.receivable AS r
           SET last_level = GREATEST(r.last_level, s.level), last_sent_on = CURRENT_DATE, updated_at = pg_catalog.now()
          FROM (SELECT s.receivable_id, max(s.level) AS level, max(s.policy) AS policy FROM s GROUP BY 1) AS s
         WHERE r.id = s.receivable_id
        RETURNING r.id, r.source, r.item_key, r.customer_key, r.currency, r.due_date, r.amount, r.class, r.gone,
                  r.last_level, s.policy),
    nx AS (
        INSERT INTO ar_credit.dunning_queue AS q (receivable_id, source, invoice_key, customer_key, level, channel,
                                                  label, remind_on, due_date, amount_due, currency, policy, state)
        SELECT r.id, r.source, r.item_key, r.customer_key, (x.n).level, (x.n).channel, (x.n).label, (x.n).remind_on,
               r.due_date, r.amount, r.currency, r.policy,
               CASE WHEN r.class = 'suspended' THEN 'suspended' ELSE 'pending' END
          FROM r CROSS JOIN LATERAL (SELECT ar_credit.next_reminder_rec(r.due_date, CURRENT_DATE, r.last_level, r.policy,
                                                                        CURRENT_DATE, 5, r.amount) AS n) AS x
         WHERE r.class IN ('open', 'suspended') AND NOT r.gone AND x.n IS NOT NULL
        ON CONFLICT (receivable_id) WHERE state IN ('pending', 'claimed', 'suspended') DO NOTHING)
    SELECT pg_catalog.count(*) INTO n FROM s;
    RETURN n;
END
$$;
COMMENT ON FUNCTION ar_credit.complete_reminders(pg_catalog.int8[], pg_catalog.text) IS
    'marks claimed reminders sent, in one pass, and queues each invoice''s next level while it is owed; returns how many were marked sent';

CREATE FUNCTION ar_credit.complete_reminder(id pg_catalog.int8)
RETURNS void
LANGUAGE sql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT FROM ar_credit.complete_reminders(ARRAY[id]) $$;
COMMENT ON FUNCTION ar_credit.complete_reminder(pg_catalog.int8) IS
    'marks a claimed reminder sent and queues the next level while the invoice is open';

CREATE FUNCTION ar_credit.fail_reminders(ids pg_catalog.int8[], error pg_catalog.text)
RETURNS pg_catalog.int4
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    max_attempts pg_catalog.int4 :=
        LEAST(GREATEST(COALESCE(pg_catalog.current_setting('ar_credit.max_attempts', true), '5')::pg_catalog.int4, 1), 100);
    bad record;
    n pg_catalog.int4;
BEGIN
    IF ids IS NULL THEN
        RAISE EXCEPTION 'ids must not be NULL' USING ERRCODE = '22004';
    END IF;
    SELECT i.id, q.state INTO bad
      FROM pg_catalog.unnest(ids) AS i(id)
      LEFT JOIN ar_credit.dunning_queue AS q ON q.id = i.id
     WHERE i.id IS NULL OR q.id IS NULL OR q.state IN ('pending', 'sent', 'failed')
     LIMIT 1;
    IF FOUND THEN
        IF bad.state IS NULL THEN
            RAISE EXCEPTION 'no reminder with id %', bad.id USING ERRCODE = '22023';
        END IF;
        RAISE EXCEPTION 'reminder % is %, not claimed', bad.id, bad.state USING ERRCODE = '55000';
    END IF;
    -- retry after 1, 2, 4, 8 ... minutes (at most a day); give up after max_attempts.
    -- A reminder cancelled or suspended meanwhile stays so; the worker lets it go.
    UPDATE ar_credit.dunning_queue AS q
       SET attempts = q.attempts + 1, last_error = fail_reminders.error,
           claimed_by = NULL, claimed_until = NULL,
           state = CASE WHEN q.state <> 'claimed' THEN q.state
                        WHEN q.attempts + 1 >= max_attempts THEN 'failed' ELSE 'pending' END,
           next_attempt_at = pg_catalog.now()
                             + pg_catalog.make_interval(mins => LEAST(1 << LEAST(q.attempts, 11), 1440)),
           updated_at = pg_catalog.now()
     WHERE q.id = ANY (ids) AND q.state IN ('claimed', 'cancelled', 'suspended');
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION ar_credit.fail_reminders(pg_catalog.int8[], pg_catalog.text) IS
    'records failed sends in one pass: each retried with exponential backoff (1, 2, 4 ... minutes, at most a day), failed after ar_credit.max_attempts; returns how many';

CREATE FUNCTION ar_credit.fail_reminder(id pg_catalog.int8, error pg_catalog.text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF id IS NULL THEN
        RAISE EXCEPTION 'id must not be NULL' USING ERRCODE = '22004';
    END IF;
    PERFORM ar_credit.fail_reminders(ARRAY[id], error);
END
$$;
COMMENT ON FUNCTION ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text) IS
    'records a failed send: retried with exponential backoff (1, 2, 4 ... minutes, at most a day), failed after ar_credit.max_attempts';

-- ---------------------------------------------------------------------
-- the reminders due, for BI tools
-- ---------------------------------------------------------------------
CREATE VIEW ar_credit.dunning_due AS
SELECT q.id, ar_credit.qualified_name(q.source) AS source, q.invoice_key, q.customer_key, q.level, q.channel,
       q.label, q.remind_on, q.due_date, q.amount_due, q.currency, q.state, q.attempts, q.claimed_by, q.claimed_until
  FROM ar_credit.dunning_queue AS q
 WHERE q.state IN ('pending', 'claimed') AND q.remind_on <= CURRENT_DATE;
COMMENT ON VIEW ar_credit.dunning_due IS 'live reminders due today or earlier';
COMMENT ON COLUMN ar_credit.dunning_due.id IS 'dunning_queue.id: pass it to complete_reminder or fail_reminder';
COMMENT ON COLUMN ar_credit.dunning_due.source IS 'tracked invoices table, schema-qualified (public.invoice)';
COMMENT ON COLUMN ar_credit.dunning_due.invoice_key IS 'invoice key (composite keys as a row literal)';
COMMENT ON COLUMN ar_credit.dunning_due.customer_key IS 'customer, or NULL';
COMMENT ON COLUMN ar_credit.dunning_due.level IS 'reminder level (dunning_step.level)';
COMMENT ON COLUMN ar_credit.dunning_due.channel IS 'email, sms, phone, letter, registered_letter or collection';
COMMENT ON COLUMN ar_credit.dunning_due.label IS 'label of the dunning step';
COMMENT ON COLUMN ar_credit.dunning_due.remind_on IS 'day the reminder is due to be sent';
COMMENT ON COLUMN ar_credit.dunning_due.due_date IS 'invoice due date';
COMMENT ON COLUMN ar_credit.dunning_due.amount_due IS 'open balance of the invoice';
COMMENT ON COLUMN ar_credit.dunning_due.currency IS 'currency, or NULL';
COMMENT ON COLUMN ar_credit.dunning_due.state IS 'pending or claimed';
COMMENT ON COLUMN ar_credit.dunning_due.attempts IS 'failed sends so far';
COMMENT ON COLUMN ar_credit.dunning_due.claimed_by IS 'worker holding the reminder, if claimed';
COMMENT ON COLUMN ar_credit.dunning_due.claimed_until IS 'end of the worker''s lease, if claimed';

-- ---------------------------------------------------------------------
-- roles and privileges: nothing beyond the pure functions for PUBLIC
-- ---------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ar_credit_reader') THEN
        CREATE ROLE ar_credit_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ar_credit_worker') THEN
        CREATE ROLE ar_credit_worker NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ar_credit_writer') THEN
        CREATE ROLE ar_credit_writer NOLOGIN;
    END IF;
END
$$;

REVOKE ALL ON ar_credit.dunning_queue, ar_credit.dunning_step FROM PUBLIC;
REVOKE ALL ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date),
                       ar_credit.complete_reminder(pg_catalog.int8),
                       ar_credit.complete_reminders(pg_catalog.int8[], pg_catalog.text),
                       ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text),
                       ar_credit.fail_reminders(pg_catalog.int8[], pg_catalog.text)
  FROM PUBLIC;
GRANT SELECT ON ar_credit.dunning_due, ar_credit.dunning_step TO ar_credit_reader, ar_credit_worker;
GRANT EXECUTE ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date),
                          ar_credit.complete_reminder(pg_catalog.int8),
                          ar_credit.complete_reminders(pg_catalog.int8[], pg_catalog.text),
                          ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text),
                          ar_credit.fail_reminders(pg_catalog.int8[], pg_catalog.text)
  TO ar_credit_worker;
