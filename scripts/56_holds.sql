\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
-- ar_credit install script, section 56: holds on the dunning of one invoice
-- (SPEC section 9): disputes, holds, and promises to pay that break by
-- themselves when their date passes unpaid.
--
-- A hold suspends the invoice's live reminder (receivable.on_hold) until it
-- is released or its date passes.  The date passing needs no scheduler:
-- process_holds(), which claim_reminders() runs before it claims, ends the
-- holds whose date has passed (a promise kept or broken, a hold expired); a
-- scheduler may run it too (pg_cron: doc/ar_credit.md).

CREATE TABLE ar_credit.dunning_hold (
    id              pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    receivable_id   pg_catalog.int8 NOT NULL,
    source          pg_catalog.regclass NOT NULL,
    invoice_key     pg_catalog.text NOT NULL,
    customer_key    pg_catalog.text,
    kind            pg_catalog.text NOT NULL
                    CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['dispute', 'promise', 'hold'])),
    since           pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    until           pg_catalog.date,
    reason          pg_catalog.text,
    promised_amount pg_catalog.numeric CHECK (promised_amount OPERATOR(pg_catalog.>) 0),
    amount_at_start pg_catalog.numeric,
    state           pg_catalog.text NOT NULL DEFAULT 'active'
                    CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'released', 'kept', 'broken', 'expired'])),
    ended_at        pg_catalog.timestamptz,
    created_by      pg_catalog.text NOT NULL DEFAULT SESSION_USER,
    ended_by        pg_catalog.text,
    CONSTRAINT dunning_hold_promise_dated CHECK (kind OPERATOR(pg_catalog.<>) 'promise' OR until IS NOT NULL)
);
COMMENT ON TABLE ar_credit.dunning_hold IS
    'every hold on an invoice''s dunning: disputes, holds, promises to pay (kept or broken when their date passes)';
COMMENT ON COLUMN ar_credit.dunning_hold.until IS 'the day it ends by itself (a promise: the day the customer promised to pay by); NULL: until released';
COMMENT ON COLUMN ar_credit.dunning_hold.amount_at_start IS 'the open amount when the hold was placed: a promise is kept when the invoice is paid, or the promised amount was paid';
COMMENT ON COLUMN ar_credit.dunning_hold.state IS 'active, released, kept (a promise honoured), broken (a promise not kept by its date), expired (a dated hold or dispute)';
CREATE INDEX dunning_hold_due ON ar_credit.dunning_hold (until) WHERE state = 'active';
CREATE INDEX dunning_hold_receivable ON ar_credit.dunning_hold (receivable_id) WHERE state = 'active';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.dunning_hold', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.dunning_hold', 'id'), '');

-- The live reminders of some receivables, computed again from what they are
-- now (class, hold, levels sent), as the tracking trigger computes them; the
-- receivables must be locked by the caller.  at_once: the next level is due
-- today, whatever the gap since the last one (a broken promise).
CREATE FUNCTION ar_credit.requeue(ids pg_catalog.int8[], as_of pg_catalog.date, at_once pg_catalog.bool)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    WITH c AS MATERIALIZED (
        SELECT r.id, r.source, r.item_key, r.customer_key, r.currency, r.due_date, r.amount, r.class, r.on_hold,
               p.policy,
               CASE WHEN r.class IN ('open', 'suspended') AND NOT r.gone AND r.plan_id IS NULL
                    THEN ar_credit.next_reminder_rec(r.due_date, as_of, r.last_level, p.policy,
                                                     CASE WHEN at_once THEN NULL ELSE r.last_sent_on END, 5, r.amount)
               END AS n
          FROM ar_credit.receivable AS r
          LEFT JOIN ar_credit.tracked_table AS t ON t.relid = r.source
         CROSS JOIN LATERAL (SELECT ar_credit.policy_for(r.customer_key, COALESCE(t.policy, 'standard')) AS policy) AS p
         WHERE r.id = ANY (ids)),
    x AS (
        UPDATE ar_credit.dunning_queue AS q
           SET state = 'cancelled', claimed_until = NULL, updated_at = pg_catalog.now()
          FROM c
         WHERE q.receivable_id = c.id AND q.state IN ('pending', 'claimed', 'suspended') AND c.n IS NULL
           AND NOT EXISTS (SELECT 1 FROM ar_credit.receivable AS r WHERE r.id = c.id AND r.plan_id IS NOT NULL))
    INSERT INTO ar_credit.dunning_queue AS q (receivable_id, source, invoice_key, customer_key, level, channel, label,
                                              remind_on, due_date, amount_due, currency, policy, state)
    SELECT c.id, c.source, c.item_key, c.customer_key, (c.n).level, (c.n).channel, (c.n).label, (c.n).remind_on,
           c.due_date, c.amount, c.currency, c.policy,
           CASE WHEN c.class = 'suspended' OR c.on_hold THEN 'suspended' ELSE 'pending' END
      FROM c WHERE c.n IS NOT NULL
    ON CONFLICT (receivable_id) WHERE state IN ('pending', 'claimed', 'suspended') DO UPDATE
       SET level = CASE WHEN q.state = 'claimed' THEN q.level ELSE EXCLUDED.level END,
           channel = CASE WHEN q.state = 'claimed' THEN q.channel ELSE EXCLUDED.channel END,
           label = CASE WHEN q.state = 'claimed' THEN q.label ELSE EXCLUDED.label END,
           remind_on = CASE WHEN q.state = 'claimed' THEN q.remind_on ELSE EXCLUDED.remind_on END,
           state = CASE WHEN EXCLUDED.state = 'suspended' THEN 'suspended'
                        WHEN q.state = 'claimed'
                          OR (q.claimed_by IS NOT NULL AND q.sent_at IS NULL AND q.claimed_until > pg_catalog.now())
                        THEN 'claimed' ELSE 'pending' END,
           updated_at = pg_catalog.now()
$$;
COMMENT ON FUNCTION ar_credit.requeue(pg_catalog.int8[], pg_catalog.date, pg_catalog.bool) IS
    'recomputes the live reminders of receivables (locked by the caller) from their class, hold and levels sent; those under a payment plan are plan_requeue''s';

CREATE FUNCTION ar_credit.hold(source pg_catalog.regclass, invoice_key pg_catalog.text, kind pg_catalog.text,
                               until pg_catalog.date DEFAULT NULL, reason pg_catalog.text DEFAULT NULL,
                               promised_amount pg_catalog.numeric DEFAULT NULL)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rv ar_credit.receivable;
    hid pg_catalog.int8;
BEGIN
    IF source IS NULL OR invoice_key IS NULL OR kind IS NULL THEN
        RAISE EXCEPTION 'source, invoice_key and kind must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF kind NOT IN ('dispute', 'promise', 'hold') THEN
        RAISE EXCEPTION 'unknown kind of hold: "%"', ar_credit.clip(kind) USING ERRCODE = '22023',
              HINT = 'A hold is a dispute, a promise (to pay by a date) or a hold.';
    END IF;
    IF kind = 'promise' AND until IS NULL THEN
        RAISE EXCEPTION 'a promise to pay needs the date it was promised for (until)' USING ERRCODE = '22023';
    END IF;
    IF until IS NOT NULL AND (NOT pg_catalog.isfinite(until) OR until < CURRENT_DATE) THEN
        RAISE EXCEPTION 'until must be today or a later date, not %', until USING ERRCODE = '22023';
    END IF;
    IF promised_amount IS NOT NULL AND NOT promised_amount > 0 THEN
        RAISE EXCEPTION 'promised_amount must be positive, not %', ar_credit.clip(promised_amount::pg_catalog.text)
              USING ERRCODE = '22023';
    END IF;
    -- the receivable first, as the tracking trigger and the workers lock it
    SELECT r.* INTO rv FROM ar_credit.receivable AS r
     WHERE r.source = hold.source AND r.item_key = hold.invoice_key AND NOT r.gone
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no tracked invoice "%" in %', ar_credit.clip(invoice_key), source USING ERRCODE = '22023';
    END IF;
    IF rv.class NOT IN ('open', 'suspended') THEN
        RAISE EXCEPTION 'invoice "%" of % is %: there is no dunning to hold', ar_credit.clip(invoice_key), source, rv.class
              USING ERRCODE = '55000';
    END IF;
    INSERT INTO ar_credit.dunning_hold AS h (receivable_id, source, invoice_key, customer_key, kind, until, reason,
                                             promised_amount, amount_at_start)
    VALUES (rv.id, rv.source, rv.item_key, rv.customer_key, kind, until, reason, promised_amount, rv.amount)
    RETURNING h.id INTO hid;
    UPDATE ar_credit.receivable AS r SET on_hold = true, updated_at = pg_catalog.now() WHERE r.id = rv.id;
    PERFORM ar_credit.requeue(ARRAY[rv.id], CURRENT_DATE, false);
    -- under a payment plan the plan's reminder is the live one: suspended too
    PERFORM ar_credit.plan_requeue(ARRAY[rv.id], CURRENT_DATE);
    RETURN hid;
END
$$;
COMMENT ON FUNCTION ar_credit.hold(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.date, pg_catalog.text, pg_catalog.numeric) IS
    'suspends an invoice''s dunning: a dispute, a hold, or a promise to pay by until (broken, and the dunning resumed at once, if not kept by then); returns the hold''s id';

-- ends holds and brings their invoices' reminders in step; h: hold ids, locked
CREATE FUNCTION ar_credit.end_holds(ids pg_catalog.int8[], new_state pg_catalog.text, as_of pg_catalog.date)
RETURNS pg_catalog.int4
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rids pg_catalog.int8[];
    alerts pg_catalog.int8[];
    n pg_catalog.int4;
BEGIN
    WITH e AS (
        UPDATE ar_credit.dunning_hold AS h
           SET state = CASE WHEN new_state <> 'due' THEN new_state
                            WHEN h.kind <> 'promise' THEN 'expired'
                            WHEN r.gone OR r.class IN ('paid', 'closed')
                              OR (h.promised_amount IS NOT NULL
                                  AND h.amount_at_start - COALESCE(r.amount, 0) >= h.promised_amount) THEN 'kept'
                            ELSE 'broken' END,
               ended_at = pg_catalog.now(), ended_by = SESSION_USER
          FROM ar_credit.receivable AS r
         WHERE h.id = ANY (ids) AND h.state = 'active' AND r.id = h.receivable_id
        RETURNING h.id, h.receivable_id, h.state, h.customer_key, h.source, h.invoice_key, h.until, h.promised_amount),
    a AS (
        INSERT INTO ar_credit.alert (customer_key, kind, source, invoice_key, detail)
        SELECT e.customer_key, 'broken_promise', e.source, e.invoice_key,
               pg_catalog.jsonb_build_object('hold', e.id, 'until', e.until, 'promised_amount', e.promised_amount)
          FROM e WHERE e.state = 'broken'
        RETURNING id)
    SELECT pg_catalog.array_agg(DISTINCT e.receivable_id), pg_catalog.count(*), (SELECT pg_catalog.array_agg(a.id) FROM a)
      INTO rids, n, alerts FROM e;
    PERFORM pg_catalog.pg_notify('ar_credit_alert', x::pg_catalog.text) FROM pg_catalog.unnest(alerts) AS x;
    IF rids IS NULL THEN
        RETURN 0;
    END IF;
    UPDATE ar_credit.receivable AS r
       SET on_hold = EXISTS (SELECT 1 FROM ar_credit.dunning_hold AS h WHERE h.receivable_id = r.id AND h.state = 'active'),
           updated_at = pg_catalog.now()
     WHERE r.id = ANY (rids);
    -- a broken promise resumes at the next post-due level, due at once; under a
    -- payment plan, the plan's reminders
    PERFORM ar_credit.requeue(rids, as_of, new_state = 'due');
    PERFORM ar_credit.plan_requeue(rids, as_of);
    RETURN n;
END
$$;
COMMENT ON FUNCTION ar_credit.end_holds(pg_catalog.int8[], pg_catalog.text, pg_catalog.date) IS
    'ends holds (released, or due: kept, broken or expired by their date) and brings their invoices'' reminders in step';

CREATE FUNCTION ar_credit.release(hold_id pg_catalog.int8)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    h ar_credit.dunning_hold;
BEGIN
    IF hold_id IS NULL THEN
        RAISE EXCEPTION 'hold_id must not be NULL' USING ERRCODE = '22004';
    END IF;
    SELECT x.* INTO h FROM ar_credit.dunning_hold AS x WHERE x.id = hold_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no hold with id %', hold_id USING ERRCODE = '22023';
    END IF;
    PERFORM 1 FROM ar_credit.receivable AS r WHERE r.id = h.receivable_id FOR UPDATE;
    IF ar_credit.end_holds(ARRAY[hold_id], 'released', CURRENT_DATE) = 0 THEN
        RAISE NOTICE 'hold % was already %', hold_id, (SELECT x.state FROM ar_credit.dunning_hold AS x WHERE x.id = hold_id);
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.release(pg_catalog.int8) IS
    'ends a hold: the invoice''s dunning resumes (unless another hold is on it)';

-- The holds whose date has passed: promises kept or broken, dated holds and
-- disputes expired.  Receivables a writer holds are skipped (the next call
-- takes them): a worker never waits for them.
CREATE FUNCTION ar_credit.process_holds(as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS pg_catalog.int4
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    due pg_catalog.int8[];
BEGIN
    IF as_of IS NULL OR NOT pg_catalog.isfinite(as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', as_of USING ERRCODE = '22008';
    END IF;
    -- payment plans whose next instalment's date passed: paid, or broken
    SELECT pg_catalog.array_agg(x.id) INTO due
      FROM (SELECT r.id FROM ar_credit.receivable AS r
             WHERE r.plan_id IN (SELECT l.plan_id FROM ar_credit.payment_plan_line AS l
                                  WHERE l.state = 'due' AND l.due_date < as_of)
             ORDER BY r.id
               FOR UPDATE OF r SKIP LOCKED) AS x;
    IF due IS NOT NULL THEN
        PERFORM ar_credit.plan_requeue(due, as_of);
    END IF;
    SELECT pg_catalog.array_agg(x.id) INTO due
      FROM (SELECT h.id FROM ar_credit.dunning_hold AS h
              JOIN ar_credit.receivable AS r ON r.id = h.receivable_id
             WHERE h.state = 'active' AND h.until < as_of
             ORDER BY r.id
               FOR UPDATE OF r SKIP LOCKED) AS x;
    IF due IS NULL THEN
        RETURN 0;
    END IF;
    RETURN ar_credit.end_holds(due, 'due', as_of);
END
$$;
COMMENT ON FUNCTION ar_credit.process_holds(pg_catalog.date) IS
    'ends the holds whose date has passed (promises kept or broken, holds expired) and resumes their dunning, and moves payment plans past an instalment''s date (paid, or broken); claim_reminders runs it, a scheduler may too; returns how many holds ended';

REVOKE ALL ON ar_credit.dunning_hold FROM PUBLIC;
REVOKE ALL ON FUNCTION ar_credit.requeue(pg_catalog.int8[], pg_catalog.date, pg_catalog.bool),
                       ar_credit.end_holds(pg_catalog.int8[], pg_catalog.text, pg_catalog.date),
                       ar_credit.hold(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.date, pg_catalog.text, pg_catalog.numeric),
                       ar_credit.release(pg_catalog.int8),
                       ar_credit.process_holds(pg_catalog.date)
  FROM PUBLIC;
GRANT SELECT ON ar_credit.dunning_hold TO ar_credit_reader, ar_credit_worker;
-- collectors place and release holds; workers and schedulers process them
GRANT EXECUTE ON FUNCTION ar_credit.hold(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.date, pg_catalog.text, pg_catalog.numeric),
                          ar_credit.release(pg_catalog.int8),
                          ar_credit.process_holds(pg_catalog.date)
  TO ar_credit_worker;

-- ---------------------------------------------------------------------
-- payment plans (échéanciers)
-- ---------------------------------------------------------------------
-- An agreed schedule for an invoice its customer cannot pay at once: the
-- open amount spread by installments() over the plan's terms.  While the
-- plan runs the invoice's normal dunning is replaced by the pre-due
-- reminders of the next instalment; an instalment not paid by its date
-- breaks the plan, and the invoice goes to the formal notice at once.
-- Paid = what the open amount fell by since the plan began.
CREATE TABLE ar_credit.payment_plan (
    id            pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    receivable_id pg_catalog.int8 NOT NULL,
    source        pg_catalog.regclass NOT NULL,
    invoice_key   pg_catalog.text NOT NULL,
    customer_key  pg_catalog.text,
    terms         ar_credit.payment_terms NOT NULL,
    start_date    pg_catalog.date NOT NULL,
    amount        pg_catalog.numeric NOT NULL,
    state         pg_catalog.text NOT NULL DEFAULT 'active'
                  CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'completed', 'broken', 'cancelled'])),
    created_at    pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by    pg_catalog.text NOT NULL DEFAULT SESSION_USER,
    ended_at      pg_catalog.timestamptz
);
COMMENT ON TABLE ar_credit.payment_plan IS
    'payment plans (échéanciers) agreed for invoices: the open amount spread over the plan''s terms; completed when paid, broken by an instalment missed';
COMMENT ON COLUMN ar_credit.payment_plan.amount IS 'the open amount the plan spreads (when it was agreed)';
CREATE UNIQUE INDEX payment_plan_active ON ar_credit.payment_plan (receivable_id) WHERE state = 'active';
-- the plans broken of a receivable (complete_reminders: a plan broken while the worker held the reminder)
CREATE INDEX payment_plan_broken ON ar_credit.payment_plan (receivable_id) WHERE state = 'broken';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.payment_plan', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.payment_plan', 'id'), '');

CREATE TABLE ar_credit.payment_plan_line (
    plan_id    pg_catalog.int8 NOT NULL REFERENCES ar_credit.payment_plan (id) ON DELETE CASCADE,
    seq        pg_catalog.int4 NOT NULL,
    due_date   pg_catalog.date NOT NULL,
    amount     pg_catalog.numeric NOT NULL,
    cumulative pg_catalog.numeric NOT NULL,
    state      pg_catalog.text NOT NULL DEFAULT 'due'
               CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['due', 'paid', 'missed', 'cancelled'])),
    reminded   pg_catalog.int4 NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, seq)
);
COMMENT ON TABLE ar_credit.payment_plan_line IS 'the instalments of a payment plan: due date, amount, what must be paid by then in all (cumulative)';
COMMENT ON COLUMN ar_credit.payment_plan_line.state IS 'due, paid, missed (the plan broke on it), or cancelled (the plan ended before its date: broken on an earlier instalment, or cancelled)';
COMMENT ON COLUMN ar_credit.payment_plan_line.reminded IS 'the highest pre-due reminder level sent for this instalment';
COMMENT ON COLUMN ar_credit.payment_plan_line.cumulative IS 'the sum of the instalments up to this one: paid by its date, or the plan is broken';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.payment_plan_line', '');
-- claim_reminders runs process_holds at every claim: the plans to look at
-- are found from the instalments due, never by reading the whole mirror
CREATE INDEX payment_plan_line_due ON ar_credit.payment_plan_line (due_date) WHERE state = 'due';
CREATE INDEX receivable_plan ON ar_credit.receivable (plan_id) WHERE plan_id IS NOT NULL;

-- the policy's formal notice: its first registered letter, else its last
-- post-due step before the handover to collection
CREATE FUNCTION ar_credit.formal_notice_level(policy pg_catalog.text)
RETURNS pg_catalog.int4
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(
        (SELECT pg_catalog.min(s.level) FROM ar_credit.dunning_step AS s
          WHERE s.policy = formal_notice_level.policy AND s.channel = 'registered_letter'),
        (SELECT pg_catalog.max(s.level) FROM ar_credit.dunning_step AS s
          WHERE s.policy = formal_notice_level.policy AND s.offset_days > 0 AND s.channel <> 'collection'))
$$;
COMMENT ON FUNCTION ar_credit.formal_notice_level(pg_catalog.text) IS
    'the level of a policy''s formal notice: its first registered letter, else its last post-due step before collection';

-- The live reminders of receivables under a plan (locked by the caller):
-- instalments paid marked, the plan completed when all are, broken when the
-- next one's date passed unpaid (then the formal notice, at once), else the
-- next instalment's pre-due reminder (none between its last pre-due
-- reminder and its date).
CREATE FUNCTION ar_credit.plan_requeue(ids pg_catalog.int8[], as_of pg_catalog.date)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
    nxt ar_credit.payment_plan_line;
    paid pg_catalog.numeric;
    pol pg_catalog.text;
    rem ar_credit.reminder;
    lvl pg_catalog.int4;
BEGIN
    FOR p IN SELECT pl.*, r.amount AS open_amount, r.class, r.gone, r.on_hold, r.item_key AS rkey, r.currency,
                    r.due_date AS invoice_due
               FROM ar_credit.payment_plan AS pl JOIN ar_credit.receivable AS r ON r.id = pl.receivable_id
              WHERE pl.receivable_id = ANY (ids) AND pl.state = 'active'
    LOOP
        SELECT COALESCE(t.policy, 'standard') INTO pol FROM ar_credit.tracked_table AS t WHERE t.relid = p.source;
        pol := ar_credit.policy_for(p.customer_key, COALESCE(pol, 'standard'));
        paid := p.amount - GREATEST(COALESCE(p.open_amount, 0), 0);
        IF p.gone OR p.class IN ('paid', 'closed', 'credit') THEN
            paid := p.amount;
        END IF;
        UPDATE ar_credit.payment_plan_line AS l SET state = 'paid'
         WHERE l.plan_id = p.id AND l.state = 'due' AND l.cumulative <= paid;
        SELECT l.* INTO nxt FROM ar_credit.payment_plan_line AS l
         WHERE l.plan_id = p.id AND l.state = 'due' ORDER BY l.seq LIMIT 1;
        IF NOT FOUND THEN
            UPDATE ar_credit.payment_plan AS x SET state = 'completed', ended_at = pg_catalog.now() WHERE x.id = p.id;
            UPDATE ar_credit.receivable AS r SET plan_id = NULL WHERE r.id = p.receivable_id;
            PERFORM ar_credit.requeue(ARRAY[p.receivable_id], as_of, false);
        ELSIF nxt.due_date < as_of THEN
            -- an instalment missed: the plan is broken, the formal notice goes at once;
            -- the instalments after it are not due any more (nor read again at each claim
            -- by process_holds, which finds the plans to judge from the due ones)
            UPDATE ar_credit.payment_plan_line AS l
               SET state = CASE WHEN l.seq = nxt.seq THEN 'missed' ELSE 'cancelled' END
             WHERE l.plan_id = p.id AND l.state = 'due';
            UPDATE ar_credit.payment_plan AS x SET state = 'broken', ended_at = pg_catalog.now() WHERE x.id = p.id;
            UPDATE ar_credit.receivable AS r SET plan_id = NULL WHERE r.id = p.receivable_id;
            lvl := ar_credit.formal_notice_level(pol);
            INSERT INTO ar_credit.alert (customer_key, kind, source, invoice_key, detail)
            VALUES (p.customer_key, 'broken_promise', p.source, p.invoice_key,
                    pg_catalog.jsonb_build_object('plan', p.id, 'instalment', nxt.seq, 'due_date', nxt.due_date,
                                                  'due', nxt.cumulative, 'paid', paid));
            PERFORM pg_catalog.pg_notify('ar_credit_alert', pg_catalog.currval(pg_catalog.pg_get_serial_sequence('ar_credit.alert', 'id'))::pg_catalog.text);
            INSERT INTO ar_credit.dunning_queue AS q (receivable_id, source, invoice_key, customer_key, level, channel, label,
                                                      remind_on, due_date, amount_due, currency, policy, state)
            SELECT p.receivable_id, p.source, p.rkey, p.customer_key, s.level, s.channel, s.label, as_of,
                   p.invoice_due, p.open_amount, p.currency, pol, CASE WHEN p.on_hold THEN 'suspended' ELSE 'pending' END
              FROM ar_credit.dunning_step AS s WHERE s.policy = pol AND s.level = lvl
            ON CONFLICT (receivable_id) WHERE state IN ('pending', 'claimed', 'suspended') DO UPDATE
               SET level = EXCLUDED.level, channel = EXCLUDED.channel, label = EXCLUDED.label,
                   remind_on = EXCLUDED.remind_on, due_date = EXCLUDED.due_date, amount_due = EXCLUDED.amount_due,
                   state = CASE WHEN q.state = 'claimed' THEN 'claimed' ELSE EXCLUDED.state END,
                   updated_at = pg_catalog.now()
             WHERE q.state <> 'claimed';
        ELSE
            -- the next instalment's pre-due reminder, for what is left of it
            rem := ar_credit.next_reminder_rec(nxt.due_date, as_of, nxt.reminded, pol, NULL, 5, nxt.cumulative - paid);
            IF rem IS NULL OR rem.remind_on >= nxt.due_date THEN
                UPDATE ar_credit.dunning_queue AS q SET state = 'cancelled', updated_at = pg_catalog.now()
                 WHERE q.receivable_id = p.receivable_id AND q.state IN ('pending', 'suspended');
            ELSE
                INSERT INTO ar_credit.dunning_queue AS q (receivable_id, source, invoice_key, customer_key, level, channel,
                                                          label, remind_on, due_date, amount_due, currency, policy, state)
                VALUES (p.receivable_id, p.source, p.rkey, p.customer_key, rem.level, rem.channel, rem.label, rem.remind_on,
                        nxt.due_date, nxt.cumulative - paid, p.currency, pol,
                        CASE WHEN p.on_hold THEN 'suspended' ELSE 'pending' END)
                ON CONFLICT (receivable_id) WHERE state IN ('pending', 'claimed', 'suspended') DO UPDATE
                   SET level = EXCLUDED.level, channel = EXCLUDED.channel, label = EXCLUDED.label,
                       remind_on = EXCLUDED.remind_on, due_date = EXCLUDED.due_date, amount_due = EXCLUDED.amount_due,
                       state = EXCLUDED.state, updated_at = pg_catalog.now()
                 WHERE q.state <> 'claimed';
            END IF;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.plan_requeue(pg_catalog.int8[], pg_catalog.date) IS
    'brings the live reminders of receivables under a payment plan in step: instalments paid, plan completed or broken (formal notice at once), else the next instalment''s pre-due reminder';

CREATE FUNCTION ar_credit.payment_plan(source pg_catalog.regclass, invoice_key pg_catalog.text,
                                       terms ar_credit.payment_terms, start_date pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rv ar_credit.receivable;
    pid pg_catalog.int8;
BEGIN
    IF source IS NULL OR invoice_key IS NULL OR terms IS NULL OR start_date IS NULL THEN
        RAISE EXCEPTION 'source, invoice_key, terms and start_date must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF NOT pg_catalog.isfinite(start_date) THEN
        RAISE EXCEPTION 'start_date must be a finite date, not %', start_date USING ERRCODE = '22008';
    END IF;
    SELECT r.* INTO rv FROM ar_credit.receivable AS r
     WHERE r.source = payment_plan.source AND r.item_key = payment_plan.invoice_key AND NOT r.gone
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no tracked invoice "%" in %', ar_credit.clip(invoice_key), source USING ERRCODE = '22023';
    END IF;
    IF rv.class NOT IN ('open', 'suspended') OR NOT rv.amount > 0 THEN
        RAISE EXCEPTION 'invoice "%" of % is %: there is nothing to spread', ar_credit.clip(invoice_key), source, rv.class
              USING ERRCODE = '55000';
    END IF;
    IF rv.plan_id IS NOT NULL THEN
        RAISE EXCEPTION 'invoice "%" of % already has payment plan %', ar_credit.clip(invoice_key), source, rv.plan_id
              USING ERRCODE = '55000', HINT = 'Cancel it first with ar_credit.cancel_plan().';
    END IF;
    INSERT INTO ar_credit.payment_plan AS p (receivable_id, source, invoice_key, customer_key, terms, start_date, amount)
    VALUES (rv.id, rv.source, rv.item_key, rv.customer_key, terms, start_date, rv.amount)
    RETURNING p.id INTO pid;
    INSERT INTO ar_credit.payment_plan_line (plan_id, seq, due_date, amount, cumulative)
    SELECT pid, i.seq, i.due_date, i.amount, pg_catalog.sum(i.amount) OVER (ORDER BY i.seq)
      FROM ar_credit.installments(terms, start_date, rv.amount) AS i;
    UPDATE ar_credit.receivable AS r SET plan_id = pid, updated_at = pg_catalog.now() WHERE r.id = rv.id;
    PERFORM ar_credit.plan_requeue(ARRAY[rv.id], CURRENT_DATE);
    RETURN pid;
END
$$;
COMMENT ON FUNCTION ar_credit.payment_plan(pg_catalog.regclass, pg_catalog.text, ar_credit.payment_terms, pg_catalog.date) IS
    'agrees a payment plan (échéancier) for an invoice: its open amount spread by installments(terms, start_date); normal dunning replaced by the instalments'' pre-due reminders; returns the plan''s id';

CREATE FUNCTION ar_credit.cancel_plan(plan_id pg_catalog.int8)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p ar_credit.payment_plan;
BEGIN
    IF plan_id IS NULL THEN
        RAISE EXCEPTION 'plan_id must not be NULL' USING ERRCODE = '22004';
    END IF;
    SELECT x.* INTO p FROM ar_credit.payment_plan AS x WHERE x.id = cancel_plan.plan_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no payment plan with id %', plan_id USING ERRCODE = '22023';
    END IF;
    PERFORM 1 FROM ar_credit.receivable AS r WHERE r.id = p.receivable_id FOR UPDATE;
    UPDATE ar_credit.payment_plan AS x SET state = 'cancelled', ended_at = pg_catalog.now()
     WHERE x.id = cancel_plan.plan_id AND x.state = 'active';
    IF NOT FOUND THEN
        RAISE NOTICE 'payment plan % was already %', plan_id, p.state;
        RETURN;
    END IF;
    UPDATE ar_credit.payment_plan_line AS l SET state = 'cancelled' WHERE l.plan_id = p.id AND l.state = 'due';
    UPDATE ar_credit.receivable AS r SET plan_id = NULL, updated_at = pg_catalog.now() WHERE r.id = p.receivable_id;
    PERFORM ar_credit.requeue(ARRAY[p.receivable_id], CURRENT_DATE, false);
END
$$;
COMMENT ON FUNCTION ar_credit.cancel_plan(pg_catalog.int8) IS 'ends a payment plan: the invoice''s normal dunning resumes';

REVOKE ALL ON ar_credit.payment_plan, ar_credit.payment_plan_line FROM PUBLIC;
REVOKE ALL ON FUNCTION ar_credit.plan_requeue(pg_catalog.int8[], pg_catalog.date),
                       ar_credit.formal_notice_level(pg_catalog.text),
                       ar_credit.payment_plan(pg_catalog.regclass, pg_catalog.text, ar_credit.payment_terms, pg_catalog.date),
                       ar_credit.cancel_plan(pg_catalog.int8)
  FROM PUBLIC;
GRANT SELECT ON ar_credit.payment_plan, ar_credit.payment_plan_line TO ar_credit_reader, ar_credit_worker;
GRANT EXECUTE ON FUNCTION ar_credit.payment_plan(pg_catalog.regclass, pg_catalog.text, ar_credit.payment_terms, pg_catalog.date),
                          ar_credit.cancel_plan(pg_catalog.int8)
  TO ar_credit_worker;
