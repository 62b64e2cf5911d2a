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
    -- 0.2.0 databases get fee and catch_up by ALTER TABLE ... ADD COLUMN
    -- (upgrade script, the dunning prologue); NaN and Infinity are refused
    -- by the upper bound (NaN sorts above every number)
    fee         pg_catalog.numeric NOT NULL DEFAULT 0
                CONSTRAINT dunning_step_fee_range
                CHECK (fee OPERATOR(pg_catalog.>=) 0 AND fee OPERATOR(pg_catalog.<) 1000000000),
    -- after fee, added the same way (the upgrade's dunning prologue)
    catch_up    pg_catalog.bool NOT NULL DEFAULT true,
    PRIMARY KEY (policy, level)
);
-- min_amount may be Infinity (a step never sent) but not NaN
ALTER TABLE ar_credit.dunning_step
    ADD CONSTRAINT dunning_step_named CHECK (policy OPERATOR(pg_catalog.<>) ''),
    ADD CONSTRAINT dunning_step_min_amount_number CHECK (min_amount OPERATOR(pg_catalog.<>) 'NaN');
COMMENT ON TABLE ar_credit.dunning_step IS
    'dunning policies: one row per reminder level, offset_days relative to the due date (negative = before), channel, label, minimum amount due';
COMMENT ON COLUMN ar_credit.dunning_step.catch_up IS
    'an invoice to which nothing was sent yet (tracked or posted when already late) may start at this post-due level when its date has passed, rather than at the first reminder; never a collection step';

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

-- The dunning policy of a customer's invoices: credit_account.policy, else
-- the credit_policy.dunning_policy of its risk class, else the table's
-- (SPEC section 8); the tracking trigger and the workers' completion ask it
-- per invoice, answered from a per-backend cache.
CREATE FUNCTION ar_credit.policy_for(customer_key pg_catalog.text, table_policy pg_catalog.text)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'ar_policy_for'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.policy_for(pg_catalog.text, pg_catalog.text) IS
    'the dunning policy of a customer''s invoices: its credit_account.policy, else the credit_policy.dunning_policy of its risk_class, else table_policy';
-- it reads credit accounts: not PUBLIC's (the trigger and the workers' calls
-- run as the extension's owner)
REVOKE ALL ON FUNCTION ar_credit.policy_for(pg_catalog.text, pg_catalog.text) FROM PUBLIC;

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
    'true for a word of the status vocabulary, class names included (open, closed, suspended, ignored, paid): what a status_map may map to; not credit, which only a negative amount makes';

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

-- A mapped date column as a date: dates as they are, timestamps by their date,
-- timestamptz in ar_credit.timezone (fixed per database, so a writer's
-- TimeZone never moves a due date)
CREATE FUNCTION ar_credit.as_date(d pg_catalog.date)
RETURNS pg_catalog.date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN d;
COMMENT ON FUNCTION ar_credit.as_date(pg_catalog.date) IS 'a mapped date column as a date: itself';
CREATE FUNCTION ar_credit.as_date(ts pg_catalog.timestamp)
RETURNS pg_catalog.date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ts::pg_catalog.date;
COMMENT ON FUNCTION ar_credit.as_date(pg_catalog.timestamp) IS 'a mapped timestamp column as a date: its date';
CREATE FUNCTION ar_credit.as_date(ts pg_catalog.timestamptz)
RETURNS pg_catalog.date
AS 'MODULE_PATHNAME', 'receivable_as_date_tz'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.as_date(pg_catalog.timestamptz) IS
    'a mapped timestamptz column as a date: its date in ar_credit.timezone (default UTC), whatever the session''s TimeZone';

CREATE FUNCTION ar_credit.qualified_name(rel pg_catalog.regclass)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'receivable_qualified_name'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.qualified_name(pg_catalog.regclass) IS
    'schema.table of a relation, quoted where needed, whatever the search_path: the source column of the views';

-- A policy a tracked table uses cannot disappear: every write to that table
-- would fail in the trigger (unknown policy), a failure only we could fix.
CREATE FUNCTION ar_credit.dunning_step_in_use()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    gone record;
BEGIN
    SELECT t.policy, pg_catalog.string_agg(ar_credit.qualified_name(t.relid), ', ' ORDER BY t.relid::pg_catalog.text) AS tables
      INTO gone
      FROM ar_credit.tracked_table AS t
     WHERE NOT EXISTS (SELECT 1 FROM ar_credit.dunning_step AS s WHERE s.policy = t.policy)
     GROUP BY t.policy
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'dunning policy "%" is used by %', ar_credit.clip(gone.policy), gone.tables
              USING ERRCODE = '23503',
                    HINT = 'Track those tables with another policy first (ar_credit.track(..., policy => ...)).';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION ar_credit.dunning_step_in_use() IS
    'statement trigger of dunning_step: refuses to remove the last step of a policy a tracked table uses';
CREATE TRIGGER dunning_step_in_use
    AFTER UPDATE OR DELETE OR TRUNCATE ON ar_credit.dunning_step
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.dunning_step_in_use();

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
    outcome         pg_catalog.text,
    claimed_role    pg_catalog.oid
);
COMMENT ON TABLE ar_credit.dunning_queue IS
    'reminders to send: at most one live (pending, claimed, suspended) row per receivable; workers use claim_reminders, complete_reminder(s) and fail_reminder(s)';
COMMENT ON COLUMN ar_credit.dunning_queue.receivable_id IS
    'the invoice (ar_credit.receivable.id) the reminder is for; its history of levels sent lives there';
COMMENT ON COLUMN ar_credit.dunning_queue.outcome IS
    'what the worker reported when it completed the reminder (complete_reminders outcome), or NULL';
COMMENT ON COLUMN ar_credit.dunning_queue.claimed_role IS
    'the role (oid) whose session claimed the reminder: only it, its members, a member of ar_credit_credit_manager or a superuser may complete or fail it';
-- one live reminder per invoice, the trigger's and the workers' arbiter
CREATE UNIQUE INDEX dunning_queue_live ON ar_credit.dunning_queue (receivable_id)
    WHERE state IN ('pending', 'claimed', 'suspended');
CREATE INDEX dunning_queue_todo ON ar_credit.dunning_queue (remind_on, id)
    WHERE state IN ('pending', 'claimed');
-- a customer's reminders to send: what claim_customer_reminders puts in one
-- letter, found without reading the whole backlog
CREATE INDEX dunning_queue_letter ON ar_credit.dunning_queue (customer_key)
    WHERE state IN ('pending', 'claimed');
-- reminders cancelled while a worker held them: the tracking trigger revives
-- one, still the worker's, when its invoice is owed again (without this
-- index, every write of a reopened invoice scanned the whole queue)
CREATE INDEX dunning_queue_held_cancelled ON ar_credit.dunning_queue (receivable_id)
    WHERE state = 'cancelled' AND claimed_by IS NOT NULL AND sent_at IS NULL;
SELECT pg_catalog.pg_extension_config_dump('ar_credit.dunning_queue', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.dunning_queue', 'id'), '');

-- Every exchange with a customer (SPEC section 9): the reminders workers
-- send (complete_reminder writes them) and the calls, letters and visits
-- users record.  Append-only: nobody is granted UPDATE or DELETE.
CREATE TABLE ar_credit.contact_log (
    id           pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    source       pg_catalog.regclass,
    invoice_key  pg_catalog.text,
    customer_key pg_catalog.text,
    channel      pg_catalog.text NOT NULL
                 CHECK (channel OPERATOR(pg_catalog.=) ANY (ARRAY['email', 'sms', 'phone', 'letter', 'registered_letter',
                                                                  'collection', 'visit', 'portal', 'other'])),
    direction    pg_catalog.text NOT NULL DEFAULT 'out'
                 CHECK (direction OPERATOR(pg_catalog.=) ANY (ARRAY['out', 'in'])),
    outcome      pg_catalog.text,
    note         pg_catalog.text,
    by_role      pg_catalog.text NOT NULL DEFAULT SESSION_USER,
    reminder_id  pg_catalog.int8,
    subject      pg_catalog.text
);
COMMENT ON TABLE ar_credit.contact_log IS
    'every exchange with a customer: reminders sent (written by complete_reminder(s)) and the calls, letters and visits users record; append-only';
COMMENT ON COLUMN ar_credit.contact_log.direction IS 'out (we wrote or called) or in (the customer did)';
COMMENT ON COLUMN ar_credit.contact_log.by_role IS 'the login role that recorded it (the worker, the collector)';
COMMENT ON COLUMN ar_credit.contact_log.reminder_id IS 'the dunning_queue reminder it records, if any';
COMMENT ON COLUMN ar_credit.contact_log.subject IS 'what it was about (the reminder''s label for a reminder)';
CREATE INDEX contact_log_customer ON ar_credit.contact_log (customer_key, at);
SELECT pg_catalog.pg_extension_config_dump('ar_credit.contact_log', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.contact_log', 'id'), '');
-- a role reads, and records, the exchanges about the tables it may read
-- (issue 18); those about no table (a call to a customer) are every
-- reader's.  The extension's functions write as its owner.
ALTER TABLE ar_credit.contact_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY contact_log_readable ON ar_credit.contact_log FOR SELECT
    USING (source IS NULL OR pg_catalog.has_table_privilege(source, 'SELECT'));
CREATE POLICY contact_log_record ON ar_credit.contact_log FOR INSERT
    WITH CHECK (source IS NULL OR pg_catalog.has_table_privilege(source, 'SELECT'));

-- ---------------------------------------------------------------------
-- worker API (SECURITY DEFINER: workers need no rights on the queue itself)
-- ---------------------------------------------------------------------
-- What a worker may claim as of a date: a reminder due by then, pending (and
-- not waiting for its next attempt) or claimed with its lease run out.  The
-- three claim queries below share it.  A SQL function with a standard body
-- is inlined into the query that calls it: the planner sees the predicate
-- itself, so its state test still matches dunning_queue_todo's and the
-- claims walk that index (test/dunning counts the rows a claim reads).
CREATE FUNCTION ar_credit.claimable(state pg_catalog.text, remind_on pg_catalog.date,
                                    next_attempt_at pg_catalog.timestamptz,
                                    claimed_until pg_catalog.timestamptz, as_of pg_catalog.date)
RETURNS pg_catalog.bool
LANGUAGE sql STABLE PARALLEL SAFE
RETURN state OPERATOR(pg_catalog.=) ANY (ARRAY['pending', 'claimed'])
       AND remind_on OPERATOR(pg_catalog.<=) as_of
       AND ((state OPERATOR(pg_catalog.=) 'pending'
             AND (next_attempt_at IS NULL OR next_attempt_at OPERATOR(pg_catalog.<=) pg_catalog.now()))
            OR (state OPERATOR(pg_catalog.=) 'claimed' AND claimed_until OPERATOR(pg_catalog.<) pg_catalog.now()));
COMMENT ON FUNCTION ar_credit.claimable(pg_catalog.text, pg_catalog.date, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.date) IS
    'whether a queue row may be claimed as of a date: due, pending and not waiting for a retry, or claimed with its lease run out (the claims'' shared predicate, inlined into their queries)';

CREATE FUNCTION ar_credit.claim_reminders(batch pg_catalog.int4 DEFAULT 100,
                                          worker pg_catalog.text DEFAULT CURRENT_USER,
                                          lease pg_catalog.interval DEFAULT '5 minutes',
                                          as_of pg_catalog.date DEFAULT CURRENT_DATE,
                                          channels pg_catalog.text[] DEFAULT NULL,
                                          collector pg_catalog.text DEFAULT NULL)
RETURNS SETOF ar_credit.dunning_queue
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- The claim must walk dunning_queue_todo in order and stop after `batch`
-- rows.  When the statistics say few rows are due (a queue never analysed,
-- or a day's reminders falling due at once), the planner prefers to fetch
-- every due row and sort them, for each claim: a backlog of n rows then
-- costs n per claim.  Sorting is turned off for the claim's query below, so
-- the ordered index scan is the plan whatever the statistics; this clause
-- scopes that to the function (the caller's setting comes back on return)
-- and leaves check_claim and process_holds with sorting on.
SET enable_sort = on
-- Planned once per session, not at each call (the plan does not depend on
-- the arguments: the claimed rows are updated by their ctid, a TID scan
-- whatever the batch); replanning each call was a sixth of a claim's cost.
SET plan_cache_mode = force_generic_plan
-- With sorting off, the sort of the rows returned (by remind_on and id, as
-- they were claimed) carries the planner's penalty cost, far above
-- jit_above_cost: JIT would then compile the claim at each call, for a
-- quarter of a second.
SET jit = off
AS $$
DECLARE
    -- the caller's role, looked up once (not once per row claimed)
    claimer pg_catalog.oid := ar_credit.invoking_role();
BEGIN
    IF batch IS NULL OR worker IS NULL OR lease IS NULL OR as_of IS NULL THEN
        RAISE EXCEPTION 'batch, worker, lease and as_of must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF batch < 1 THEN
        RAISE EXCEPTION 'batch must be positive, not %', batch USING ERRCODE = '22023';
    END IF;
    IF NOT pg_catalog.isfinite(as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', as_of USING ERRCODE = '22008';
    END IF;
    PERFORM ar_credit.check_claim(worker, lease, as_of);
    -- promises whose date passed unpaid are broken before anything is claimed
    PERFORM ar_credit.process_holds(as_of);
    PERFORM pg_catalog.set_config('enable_sort', 'off', true);
    -- The rows locked are updated by their ctid (each is locked, so it
    -- stays there): a TID scan rather than a lookup by id per row.  A row
    -- another transaction updated after this statement's snapshot is locked
    -- at its new version, which the update does not see: it is left as it
    -- is, not claimed, and not returned.
    RETURN QUERY
    WITH c AS (
        SELECT q.ctid
          FROM ar_credit.dunning_queue AS q
         WHERE ar_credit.claimable(q.state, q.remind_on, q.next_attempt_at, q.claimed_until, claim_reminders.as_of)
           AND (channels IS NULL OR q.channel = ANY (channels))
           -- a collector's own customers (credit_account.collector)
           AND (claim_reminders.collector IS NULL
                OR q.customer_key IN (SELECT a.customer_key FROM ar_credit.credit_account AS a
                                       WHERE a.collector = claim_reminders.collector))
         ORDER BY q.remind_on, q.id
         LIMIT batch
           FOR UPDATE SKIP LOCKED),
    u AS (
        UPDATE ar_credit.dunning_queue AS q
           SET state = 'claimed', claimed_by = claim_reminders.worker, claimed_role = claimer,
               claimed_until = pg_catalog.now() + lease, updated_at = pg_catalog.now()
         WHERE q.ctid = ANY (ARRAY(SELECT c.ctid FROM c))
        RETURNING q.*)
    SELECT u.* FROM u ORDER BY u.remind_on, u.id;
END
$$;
COMMENT ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date, pg_catalog.text[], pg_catalog.text) IS
    'leases up to batch due reminders (of the given channels, of the customers of the given collector) to a worker (FOR UPDATE SKIP LOCKED); reminders whose lease expired are claimed again; holds past their date are processed first';

-- One letter per customer and channel (SPEC section 9): the due reminders of
-- up to batch customer/channel/currency groups, oldest first, each group
-- claimed whole by one worker (a transaction-scoped advisory lock per group
-- keeps two workers from splitting a letter).
--
-- The due reminders are walked oldest first (dunning_queue_todo) only until
-- batch groups are locked, and each group's reminders are then found by
-- customer (dunning_queue_letter): a claim costs what it claims, not the
-- whole backlog.  (Until 0.3.0's last stop it grouped every due reminder at
-- each call: 70 ms for 10 customers at 40,000 due, a drain in n².)  Groups
-- due the same day are taken in the order their first reminder was queued.
CREATE FUNCTION ar_credit.claim_customer_reminders(batch pg_catalog.int4 DEFAULT 10,
                                                   worker pg_catalog.text DEFAULT CURRENT_USER,
                                                   lease pg_catalog.interval DEFAULT '5 minutes',
                                                   as_of pg_catalog.date DEFAULT CURRENT_DATE,
                                                   channels pg_catalog.text[] DEFAULT NULL,
                                                   collector pg_catalog.text DEFAULT NULL,
                                                   OUT customer_key pg_catalog.text, OUT channel pg_catalog.text,
                                                   OUT ids pg_catalog.int8[], OUT total_due pg_catalog.numeric,
                                                   OUT currency pg_catalog.text)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- the walk below turns sorting off, as claim_reminders does, so that it reads
-- dunning_queue_todo in order and stops early; this clause brings the
-- caller's setting back on return
SET enable_sort = on
AS $$
DECLARE
    claimer pg_catalog.oid := ar_credit.invoking_role();
    d record;
    -- the groups met (quote_nullable keeps a NULL customer apart from ''),
    -- and those locked
    tried pg_catalog.text[] := '{}';
    k pg_catalog.text;
    custs pg_catalog.text[] := '{}';
    chans pg_catalog.text[] := '{}';
    curs pg_catalog.text[] := '{}';
    todo pg_catalog.int8[];
BEGIN
    IF batch IS NULL OR worker IS NULL OR lease IS NULL OR as_of IS NULL THEN
        RAISE EXCEPTION 'batch, worker, lease and as_of must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF batch < 1 THEN
        RAISE EXCEPTION 'batch must be positive, not %', batch USING ERRCODE = '22023';
    END IF;
    IF NOT pg_catalog.isfinite(as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', as_of USING ERRCODE = '22008';
    END IF;
    PERFORM ar_credit.check_claim(worker, lease, as_of);
    PERFORM ar_credit.process_holds(as_of);
    PERFORM pg_catalog.set_config('enable_sort', 'off', true);
    FOR d IN
        SELECT q.customer_key, q.channel, q.currency
          FROM ar_credit.dunning_queue AS q
         WHERE ar_credit.claimable(q.state, q.remind_on, q.next_attempt_at, q.claimed_until, claim_customer_reminders.as_of)
           AND (channels IS NULL OR q.channel = ANY (channels))
           AND (claim_customer_reminders.collector IS NULL
                OR q.customer_key IN (SELECT a.customer_key FROM ar_credit.credit_account AS a
                                       WHERE a.collector = claim_customer_reminders.collector))
         ORDER BY q.remind_on, q.id
    LOOP
        k := pg_catalog.quote_nullable(d.customer_key) || ' ' || pg_catalog.quote_nullable(d.channel)
             || ' ' || pg_catalog.quote_nullable(d.currency);
        CONTINUE WHEN k = ANY (tried);
        tried := tried || k;
        IF pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext('ar_credit letter ' || COALESCE(d.customer_key, '')
                                                                    || ' ' || d.channel || ' ' || COALESCE(d.currency, ''))) THEN
            custs := custs || d.customer_key;
            chans := chans || d.channel;
            curs := curs || d.currency;
            EXIT WHEN pg_catalog.cardinality(custs) >= batch;
        END IF;
    END LOOP;
    PERFORM pg_catalog.set_config('enable_sort', 'on', true);
    IF pg_catalog.cardinality(custs) = 0 THEN
        RETURN;
    END IF;
    -- every due reminder of the groups locked, by customer
    todo := ARRAY(SELECT q.id
                    FROM ROWS FROM (pg_catalog.unnest(custs), pg_catalog.unnest(chans), pg_catalog.unnest(curs))
                         AS g(customer_key, channel, currency)
                    JOIN ar_credit.dunning_queue AS q
                      ON q.customer_key = g.customer_key AND q.channel = g.channel
                     AND q.currency IS NOT DISTINCT FROM g.currency
                   WHERE q.state IN ('pending', 'claimed'));
    IF pg_catalog.array_position(custs, NULL) IS NOT NULL THEN
        todo := todo || ARRAY(SELECT q.id
                                FROM ROWS FROM (pg_catalog.unnest(custs), pg_catalog.unnest(chans), pg_catalog.unnest(curs))
                                     AS g(customer_key, channel, currency)
                                JOIN ar_credit.dunning_queue AS q
                                  ON q.customer_key IS NULL AND q.channel = g.channel
                                 AND q.currency IS NOT DISTINCT FROM g.currency
                               WHERE g.customer_key IS NULL AND q.state IN ('pending', 'claimed'));
    END IF;
    RETURN QUERY
    WITH c AS (
        SELECT q.ctid
          FROM ar_credit.dunning_queue AS q
         WHERE q.id = ANY (todo)
           AND ar_credit.claimable(q.state, q.remind_on, q.next_attempt_at, q.claimed_until, claim_customer_reminders.as_of)
           FOR UPDATE SKIP LOCKED),
    u AS (
        UPDATE ar_credit.dunning_queue AS q
           SET state = 'claimed', claimed_by = claim_customer_reminders.worker, claimed_role = claimer,
               claimed_until = pg_catalog.now() + lease, updated_at = pg_catalog.now()
         WHERE q.ctid = ANY (ARRAY(SELECT c.ctid FROM c))
        RETURNING q.id, q.customer_key, q.channel, q.currency, q.amount_due)
    SELECT u.customer_key, u.channel, pg_catalog.array_agg(u.id ORDER BY u.id), pg_catalog.sum(u.amount_due), u.currency
      FROM u
     GROUP BY u.customer_key, u.channel, u.currency
     ORDER BY u.customer_key, u.channel;
END
$$;
COMMENT ON FUNCTION ar_credit.claim_customer_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date, pg_catalog.text[], pg_catalog.text) IS
    'claims the due reminders of up to batch customers, grouped by customer, channel and currency: one letter each (ids to complete, total due)';

-- What a worker may ask of claim_reminders: a name of reasonable length, a
-- lease of at most a day (an expired lease is how a lost reminder comes
-- back), nothing due later than today unless it is a superuser's session.
-- The role a worker function was called by.  Inside a SECURITY DEFINER
-- function CURRENT_USER is the extension's owner; the caller is the role of
-- SET ROLE, else the session's user (both checked by PostgreSQL when set).
CREATE FUNCTION ar_credit.invoking_role()
RETURNS pg_catalog.oid
AS 'MODULE_PATHNAME', 'ar_invoking_role'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.invoking_role() IS
    'the role a worker function was called by (SET ROLE, else the session user), not the SECURITY DEFINER owner';

-- Workers settle their own claims (issue 18): a reminder claimed by another
-- role may be completed or failed by a member of that role, a credit manager
-- or a superuser (the admin path: a worker gone for good), else 42501.  A
-- claim of a role since dropped is anyone's.
CREATE FUNCTION ar_credit.check_claim_owner(ids pg_catalog.int8[])
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    me pg_catalog.oid := ar_credit.invoking_role();
    bad record;
BEGIN
    IF me IS NULL OR (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.oid = me)
       OR pg_catalog.pg_has_role(me, 'ar_credit_credit_manager', 'MEMBER') THEN
        RETURN;
    END IF;
    SELECT q.id, q.claimed_by, r.rolname INTO bad
      FROM ar_credit.dunning_queue AS q JOIN pg_catalog.pg_roles AS r ON r.oid = q.claimed_role
     WHERE q.id = ANY (ids) AND q.claimed_role <> me AND q.claimed_by IS NOT NULL AND q.sent_at IS NULL
       AND NOT pg_catalog.pg_has_role(me, q.claimed_role, 'MEMBER')
     ORDER BY q.id
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'reminder % was claimed by role "%" (worker "%"), not by role "%"',
              bad.id, bad.rolname, ar_credit.clip(bad.claimed_by), pg_catalog.pg_get_userbyid(me)
              USING ERRCODE = '42501',
              HINT = 'A worker completes or fails only the reminders its role claimed; a member of ar_credit_credit_manager may settle the others (or wait for their lease to end: they are claimed again).';
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.check_claim_owner(pg_catalog.int8[]) IS
    'refuses (42501) to complete or fail reminders another role claimed, but for its members, credit managers and superusers';

CREATE FUNCTION ar_credit.check_claim(worker pg_catalog.text, lease pg_catalog.interval, as_of pg_catalog.date)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.length(worker) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'worker must be a name of 1 to 200 characters, not %', ar_credit.clip(worker) USING ERRCODE = '22023';
    END IF;
    IF lease <= interval '0' OR lease > interval '1 day' THEN
        RAISE EXCEPTION 'lease must be a positive interval of at most a day, not %', lease USING ERRCODE = '22023',
              HINT = 'A reminder whose lease expires is claimed again: that is how a worker''s crash loses nothing.';
    END IF;
    IF as_of > CURRENT_DATE AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname = SESSION_USER) THEN
        RAISE EXCEPTION 'as_of must not be later than today (%), not %', CURRENT_DATE, as_of USING ERRCODE = '42501',
              HINT = 'Workers send what is due; only a superuser''s session may claim ahead (tests, replays).';
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.check_claim(pg_catalog.text, pg_catalog.interval, pg_catalog.date) IS
    'what claim_reminders and claim_customer_reminders refuse: a worker name of more than 200 characters, a lease of more than a day, claiming ahead of today (but for a superuser)';

-- Completion, set-based.  The invoices' receivables are locked first, in id
-- order, as the tracking trigger locks them before it touches the queue:
-- whichever of a worker completing and a writer paying comes second waits,
-- then sees what the first did, so a paid invoice never gets a next level
-- and a level is never queued twice.  A reminder the trigger cancelled or
-- suspended while a worker held it was still sent by that worker: it is
-- recorded as sent.
CREATE FUNCTION ar_credit.complete_reminders(ids pg_catalog.int8[], outcome pg_catalog.text DEFAULT NULL,
                                            note pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.int4
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- planned once per session: the ids are looked up by index whatever their
-- number, and replanning the statements below at each call cost a twelfth
-- of a completion
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    bad record;
    n pg_catalog.int4;
    planned pg_catalog.int8[];
BEGIN
    IF ids IS NULL OR pg_catalog.array_position(ids, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'ids must not be NULL nor contain NULL' USING ERRCODE = '22004';
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
    PERFORM ar_credit.check_claim_owner(ids);
    WITH s AS (
        UPDATE ar_credit.dunning_queue AS q
           SET state = 'sent', claimed_until = NULL, sent_at = pg_catalog.now(), updated_at = pg_catalog.now(),
               outcome = complete_reminders.outcome
         WHERE q.id = ANY (ids)
           AND (q.state = 'claimed'
                OR (q.claimed_by IS NOT NULL AND q.sent_at IS NULL AND q.state IN ('pending', 'suspended', 'cancelled')))
        RETURNING q.id, q.receivable_id, q.level, q.policy, q.source, q.invoice_key, q.customer_key, q.channel, q.label,
                  q.due_date, q.created_at),
    l AS (
        INSERT INTO ar_credit.contact_log (source, invoice_key, customer_key, channel, direction, outcome, note,
                                           reminder_id, subject)
        SELECT s.source, s.invoice_key, s.customer_key, s.channel, 'out', complete_reminders.outcome,
               complete_reminders.note, s.id, s.label
          FROM s),
    r AS (
        UPDATE ar_credit.receivable AS r
           SET last_level = GREATEST(r.last_level, s.level), last_sent_on = CURRENT_DATE, updated_at = pg_catalog.now()
          FROM (SELECT s.receivable_id, max(s.level) AS level, max(s.policy) AS policy FROM s GROUP BY 1) AS s
         WHERE r.id = s.receivable_id
        RETURNING r.id, r.source, r.item_key, r.customer_key, r.currency, r.due_date, r.amount, r.class, r.gone,
                  r.last_level, r.on_hold, r.plan_id, s.policy),
    pl AS (
        -- an instalment's reminder sent: the plan line remembers its level
        UPDATE ar_credit.payment_plan_line AS l
           SET reminded = GREATEST(l.reminded, s.level)
          FROM s JOIN r ON r.id = s.receivable_id
         WHERE r.plan_id IS NOT NULL AND l.plan_id = r.plan_id AND l.due_date = s.due_date),
    nx AS (
        INSERT INTO ar_credit.dunning_queue AS q (receivable_id, source, invoice_key, customer_key, level, channel,
                                                  label, remind_on, due_date, amount_due, currency, policy, state)
        SELECT x.id, x.source, x.item_key, x.customer_key, (x.n).level, (x.n).channel, (x.n).label,
               CASE WHEN x.broke THEN CURRENT_DATE ELSE (x.n).remind_on END,
               x.due_date, x.amount, x.currency, x.policy,
               CASE WHEN x.class = 'suspended' OR x.on_hold THEN 'suspended' ELSE 'pending' END
          -- OFFSET 0 keeps each a subquery: pulled up, the functions would
          -- run once per field of their result read (five times a row)
          FROM (SELECT b.*, ar_credit.next_reminder_rec(b.due_date, CURRENT_DATE,
                                                        CASE WHEN b.broke THEN GREATEST(b.last_level, ar_credit.formal_notice_level(b.policy) - 1)
                                                             ELSE b.last_level END,
                                                        b.policy, CURRENT_DATE, 5, b.amount) AS n
                  FROM (SELECT r.id, r.source, r.item_key, r.customer_key, r.currency, r.due_date, r.amount, r.class,
                               r.last_level, r.on_hold,
                               -- the customer's policy now (its risk class may have changed since)
                               ar_credit.policy_for(r.customer_key, COALESCE(t.policy, r.policy)) AS policy,
                               -- a payment plan broken while this reminder was held by the worker:
                               -- the formal notice the break called for (plan_requeue could not
                               -- queue it beside a claimed reminder) goes at once
                               EXISTS (SELECT 1 FROM ar_credit.payment_plan AS pp JOIN s ON s.receivable_id = pp.receivable_id
                                        WHERE pp.receivable_id = r.id AND pp.state = 'broken'
                                          AND pp.ended_at >= s.created_at) AS broke
                          FROM r LEFT JOIN ar_credit.tracked_table AS t ON t.relid = r.source
                         WHERE r.class IN ('open', 'suspended') AND NOT r.gone AND r.plan_id IS NULL
                        OFFSET 0) AS b
                OFFSET 0) AS x
         WHERE x.n IS NOT NULL
        -- a live reminder already there (the invoice reopened while this one was
        -- held) that lags behind the level just sent moves on to the next one
        ON CONFLICT (receivable_id) WHERE state IN ('pending', 'claimed', 'suspended') DO UPDATE
           SET level = EXCLUDED.level, channel = EXCLUDED.channel, label = EXCLUDED.label,
               remind_on = EXCLUDED.remind_on, updated_at = pg_catalog.now()
         WHERE q.level < EXCLUDED.level AND q.state <> 'claimed')
    SELECT pg_catalog.count(*), (SELECT pg_catalog.array_agg(r.id) FROM r WHERE r.plan_id IS NOT NULL)
      INTO n, planned FROM s;
    -- under a payment plan, the plan says what comes next
    IF planned IS NOT NULL THEN
        PERFORM ar_credit.plan_requeue(planned, CURRENT_DATE);
    END IF;
    RETURN n;
END
$$;
COMMENT ON FUNCTION ar_credit.complete_reminders(pg_catalog.int8[], pg_catalog.text, pg_catalog.text) IS
    'marks claimed reminders sent, in one pass, logs each in contact_log, and queues each invoice''s next level while it is owed; returns how many were marked sent';

CREATE FUNCTION ar_credit.complete_reminder(id pg_catalog.int8, outcome pg_catalog.text DEFAULT NULL,
                                            note pg_catalog.text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF id IS NULL THEN
        RAISE EXCEPTION 'id must not be NULL' USING ERRCODE = '22004';
    END IF;
    PERFORM ar_credit.complete_reminders(ARRAY[id], outcome, note);
END
$$;
COMMENT ON FUNCTION ar_credit.complete_reminder(pg_catalog.int8, pg_catalog.text, pg_catalog.text) IS
    'marks a claimed reminder sent, logs it in contact_log with the outcome and note, and queues the next level while the invoice is open';

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
    IF ids IS NULL OR pg_catalog.array_position(ids, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'ids must not be NULL nor contain NULL' USING ERRCODE = '22004';
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
    PERFORM ar_credit.check_claim_owner(ids);
    -- retry after 1, 2, 4, 8 ... minutes (at most a day); give up after max_attempts.
    -- A reminder cancelled or suspended meanwhile stays so; the worker lets it go.
    UPDATE ar_credit.dunning_queue AS q
       SET attempts = q.attempts + 1, last_error = fail_reminders.error,
           claimed_by = NULL, claimed_until = NULL, claimed_role = NULL,
           state = CASE WHEN q.state <> 'claimed' THEN q.state
                        WHEN q.attempts + 1 >= max_attempts THEN 'failed' ELSE 'pending' END,
           next_attempt_at = pg_catalog.now()
                             + pg_catalog.make_interval(mins => LEAST(1 << LEAST(q.attempts, 11), 1440)),
           updated_at = pg_catalog.now()
     WHERE q.id = ANY (ids) AND q.state IN ('claimed', 'cancelled', 'suspended');
    GET DIAGNOSTICS n = ROW_COUNT;
    -- While the worker held them, the tracking trigger kept their level and
    -- date (a due date moved, a catch-up level changed): those back in the
    -- queue take what their invoice calls for now.
    UPDATE ar_credit.dunning_queue AS q
       SET level = (x.n).level, channel = (x.n).channel, label = (x.n).label, remind_on = (x.n).remind_on
      FROM ar_credit.receivable AS r
      LEFT JOIN ar_credit.tracked_table AS t ON t.relid = r.source
     CROSS JOIN LATERAL (SELECT ar_credit.next_reminder_rec(r.due_date, CURRENT_DATE, r.last_level,
                                    ar_credit.policy_for(r.customer_key, COALESCE(t.policy, 'standard')),
                                    r.last_sent_on, 5, r.amount) AS n OFFSET 0) AS x
     WHERE q.id = ANY (ids) AND q.state IN ('pending', 'suspended') AND q.claimed_by IS NULL AND r.id = q.receivable_id
       AND r.plan_id IS NULL AND x.n IS NOT NULL AND (q.level, q.remind_on) IS DISTINCT FROM ((x.n).level, (x.n).remind_on);
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
CREATE VIEW ar_credit.dunning_due WITH (security_barrier) AS
SELECT q.id, ar_credit.qualified_name(q.source) AS source, q.invoice_key, q.customer_key, q.level, q.channel,
       q.label, q.remind_on, q.due_date, q.amount_due, q.currency, q.state, q.attempts, q.claimed_by, q.claimed_until
  FROM ar_credit.dunning_queue AS q
 WHERE q.state IN ('pending', 'claimed') AND q.remind_on <= CURRENT_DATE
   -- a role sees the reminders of the tables it may read (issue 18)
   AND pg_catalog.has_table_privilege(q.source, 'SELECT');
COMMENT ON VIEW ar_credit.dunning_due IS 'live reminders due today or earlier, of the tables the querying role may read';
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

REVOKE ALL ON ar_credit.dunning_queue, ar_credit.dunning_step, ar_credit.contact_log FROM PUBLIC;
-- collectors read and add to the contact log; nobody rewrites it
GRANT SELECT ON ar_credit.contact_log TO ar_credit_reader, ar_credit_worker;
-- by_role, at and reminder_id keep their defaults: nobody signs for another
-- role, backdates an exchange or claims it for a reminder (issue 18)
GRANT INSERT (source, invoice_key, customer_key, channel, direction, outcome, note, subject)
   ON ar_credit.contact_log TO ar_credit_worker;
REVOKE ALL ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date, pg_catalog.text[], pg_catalog.text),
                       ar_credit.claim_customer_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date, pg_catalog.text[], pg_catalog.text),
                       ar_credit.check_claim(pg_catalog.text, pg_catalog.interval, pg_catalog.date),
                       ar_credit.check_claim_owner(pg_catalog.int8[]),
                       ar_credit.claimable(pg_catalog.text, pg_catalog.date, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.date),
                       ar_credit.invoking_role(),
                       ar_credit.complete_reminder(pg_catalog.int8, pg_catalog.text, pg_catalog.text),
                       ar_credit.complete_reminders(pg_catalog.int8[], pg_catalog.text, pg_catalog.text),
                       ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text),
                       ar_credit.fail_reminders(pg_catalog.int8[], pg_catalog.text)
  FROM PUBLIC;
GRANT SELECT ON ar_credit.dunning_due, ar_credit.dunning_step TO ar_credit_reader, ar_credit_worker;
-- the dunning policies are read by next_reminder(), which is PUBLIC's (as
-- late_interest reads the rates and recommended_terms the credit policies)
GRANT SELECT ON ar_credit.dunning_step TO PUBLIC;
GRANT EXECUTE ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date, pg_catalog.text[], pg_catalog.text),
                          ar_credit.claim_customer_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date, pg_catalog.text[], pg_catalog.text),
                          ar_credit.complete_reminder(pg_catalog.int8, pg_catalog.text, pg_catalog.text),
                          ar_credit.complete_reminders(pg_catalog.int8[], pg_catalog.text, pg_catalog.text),
                          ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text),
                          ar_credit.fail_reminders(pg_catalog.int8[], pg_catalog.text)
  TO ar_credit_worker;
