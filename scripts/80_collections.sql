\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
-- ar_credit install script, section 80: collections (SPEC section 9, issue
-- 13): what a reminder may claim (the open amount, late-payment interest
-- under the tracked table's regime, the recovery indemnity, the fees of the
-- levels sent) and the letters (templates per policy, level and language,
-- rendered with the invoice's figures).  The placeholder rules, number and
-- date formats live in src/letters.c.

COMMENT ON COLUMN ar_credit.dunning_step.fee IS
    'fee charged when this level is sent, in the invoice''s currency (claim_statement adds up the levels sent); shipped as 0: French B2B law gives the EUR 40 indemnity instead (Code de commerce L441-10, D441-5)';

-- ---------------------------------------------------------------------
-- what a reminder may claim
-- ---------------------------------------------------------------------
-- By receivable: reminder_text reads the invoice its reminder belongs to,
-- even when its row has left the tracked table.  A table tracked without a
-- regime is claimed under FR_B2B, the default of late_interest() and
-- recovery_indemnity() and the law the shipped letters cite.
CREATE FUNCTION ar_credit.receivable_claim(receivable_id pg_catalog.int8, as_of pg_catalog.date,
                                           OUT principal pg_catalog.numeric, OUT interest pg_catalog.numeric,
                                           OUT indemnity pg_catalog.numeric, OUT fees pg_catalog.numeric,
                                           OUT total pg_catalog.numeric)
RETURNS record
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    SELECT rc.id, rc.source, rc.item_key, rc.amount, rc.due_date, rc.class, rc.gone,
           pg_catalog.upper(pg_catalog.btrim(rc.currency)) AS currency,
           COALESCE(t.regime, 'FR_B2B') AS regime, g.currency AS regime_currency
      INTO r
      FROM ar_credit.receivable AS rc
      LEFT JOIN ar_credit.tracked_table AS t ON t.relid = rc.source
      LEFT JOIN ar_credit.interest_regime AS g ON g.regime = COALESCE(t.regime, 'FR_B2B')
     WHERE rc.id = receivable_claim.receivable_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no receivable with id %', receivable_claim.receivable_id USING ERRCODE = '22023';
    END IF;
    principal := 0.00; interest := 0.00; indemnity := 0.00; fees := 0.00;
    -- only what is still owed is claimed: paid, closed and credit items claim nothing
    IF NOT r.gone AND r.class IN ('open', 'suspended') AND r.amount > 0 THEN
        principal := r.amount;
        IF receivable_claim.as_of > r.due_date THEN
            interest := ar_credit.late_interest(r.amount, r.due_date, receivable_claim.as_of, r.regime);
            indemnity := ar_credit.recovery_indemnity(r.amount, r.regime);
        END IF;
        IF indemnity > 0 AND r.currency IS DISTINCT FROM r.regime_currency AND r.currency IS NOT NULL THEN
            RAISE EXCEPTION 'invoice "%" of % is in %, but the recovery indemnity of regime % is in %',
                  ar_credit.clip(r.item_key), ar_credit.qualified_name(r.source), ar_credit.clip(r.currency),
                  r.regime, r.regime_currency
                  USING ERRCODE = '22023',
                        HINT = 'Track the table with the interest regime of its invoices: ar_credit.track(..., regime => ...).';
        END IF;
        -- the queue has no index on sent rows by invoice (it would slow every
        -- completion down): it is read only when some level charges a fee
        IF EXISTS (SELECT 1 FROM ar_credit.dunning_step AS s WHERE s.fee > 0) THEN
            SELECT COALESCE(pg_catalog.sum(s.fee), 0) INTO fees
              FROM (SELECT DISTINCT q.policy, q.level
                      FROM ar_credit.dunning_queue AS q
                     WHERE q.receivable_id = r.id AND q.state = 'sent') AS x
              JOIN ar_credit.dunning_step AS s ON s.policy = x.policy AND s.level = x.level;
        END IF;
    END IF;
    fees := pg_catalog.round(fees, 2);
    interest := pg_catalog.round(interest, 2);
    indemnity := pg_catalog.round(indemnity, 2);
    total := principal + interest + indemnity + fees;
END
$$;
COMMENT ON FUNCTION ar_credit.receivable_claim(pg_catalog.int8, pg_catalog.date) IS
    'the work of claim_statement() for one ar_credit.receivable row (reminder_text() uses it for the reminder''s own invoice)';

CREATE FUNCTION ar_credit.claim_statement(source pg_catalog.regclass, invoice_key pg_catalog.text,
                                          as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS TABLE(principal pg_catalog.numeric, interest pg_catalog.numeric, indemnity pg_catalog.numeric,
              fees pg_catalog.numeric, total pg_catalog.numeric)
LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rid pg_catalog.int8;
BEGIN
    IF NOT pg_catalog.isfinite(claim_statement.as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', claim_statement.as_of USING ERRCODE = '22008';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ar_credit.tracked_table AS t WHERE t.relid = claim_statement.source) THEN
        RAISE EXCEPTION 'table % is not tracked', ar_credit.qualified_name(claim_statement.source)
              USING ERRCODE = '22023', HINT = 'Track it first: ar_credit.track(...).';
    END IF;
    SELECT rc.id INTO rid
      FROM ar_credit.receivable AS rc
     WHERE rc.source = claim_statement.source AND rc.item_key = claim_statement.invoice_key AND NOT rc.gone;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no invoice "%" in %', ar_credit.clip(claim_statement.invoice_key),
              ar_credit.qualified_name(claim_statement.source)
              USING ERRCODE = '22023',
                    HINT = 'The key is written as ar_credit.receivable.item_key holds it (several key columns: the row literal, e.g. (2024,17)).';
    END IF;
    RETURN QUERY SELECT c.principal, c.interest, c.indemnity, c.fees, c.total
                   FROM ar_credit.receivable_claim(rid, claim_statement.as_of) AS c;
END
$$;
COMMENT ON FUNCTION ar_credit.claim_statement(pg_catalog.regclass, pg_catalog.text, pg_catalog.date) IS
    'what a reminder may claim on an invoice as of a date: the open amount, late-payment interest under the table''s regime (FR_B2B when none), the recovery indemnity once late, the fees of the levels sent, and their total; zeros for an invoice no longer owed';

-- ---------------------------------------------------------------------
-- the letters
-- ---------------------------------------------------------------------
CREATE FUNCTION ar_credit.render_letter(template pg_catalog.text, lang pg_catalog.text, fields pg_catalog.jsonb)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'letters_render_letter'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.render_letter(pg_catalog.text, pg_catalog.text, pg_catalog.jsonb) IS
    'a letter template with its {{placeholders}} replaced by the fields (a JSON object), amounts and dates written the way lang writes them (fr 1 234,56 EUR and 31/12/2026, en EUR 1,234.56 and 31 Dec 2026); {{#name}}...{{/name}} kept only when the field is neither empty nor zero; 22023 for an unknown placeholder';

CREATE TABLE ar_credit.dunning_template (
    policy  pg_catalog.text NOT NULL,
    level   pg_catalog.int4 NOT NULL CHECK (level OPERATOR(pg_catalog.>) 0),
    lang    pg_catalog.text NOT NULL,
    subject pg_catalog.text NOT NULL,
    body    pg_catalog.text NOT NULL,
    shipped pg_catalog.bool NOT NULL DEFAULT false,
    PRIMARY KEY (policy, level, lang)
);
-- a template is checked when it is written, not when the letter goes out;
-- a subject is one line (it becomes an e-mail header)
ALTER TABLE ar_credit.dunning_template
    ADD CONSTRAINT dunning_template_lang
        CHECK (lang OPERATOR(pg_catalog.=) ANY (ARRAY['en', 'fr', 'de', 'es', 'it', 'nl'])),
    ADD CONSTRAINT dunning_template_one_line_subject
        CHECK (pg_catalog.strpos(subject, E'\n') OPERATOR(pg_catalog.=) 0
               AND pg_catalog.strpos(subject, E'\r') OPERATOR(pg_catalog.=) 0),
    ADD CONSTRAINT dunning_template_placeholders
        CHECK (ar_credit.render_letter(subject, lang, '{}') IS NOT NULL
               AND ar_credit.render_letter(body, lang, '{}') IS NOT NULL);
COMMENT ON TABLE ar_credit.dunning_template IS
    'the letter of each level of each dunning policy, per language: subject and body with {{placeholders}} (render_letter); shipped in fr and en for standard and strict, your rows dumped';
COMMENT ON COLUMN ar_credit.dunning_template.lang IS 'en, fr, de, es, it or nl: the language of the text and of its amounts and dates';
COMMENT ON COLUMN ar_credit.dunning_template.subject IS 'subject line (one line: an e-mail subject)';
COMMENT ON COLUMN ar_credit.dunning_template.body IS 'the letter, with {{placeholders}} and {{#name}}...{{/name}} sections';
COMMENT ON COLUMN ar_credit.dunning_template.shipped IS 'true for shipped rows; false for rows you insert or update (dumped by pg_dump)';

INSERT INTO ar_credit.dunning_template (policy, level, lang, subject, body, shipped) VALUES
('standard', 1, 'fr', 'Rappel : facture {{invoice}} à échéance le {{due_date}}',
$t${{#customer}}Réf. client : {{customer}}

{{/customer}}Madame, Monsieur,

Nous nous permettons de vous rappeler que la facture n° {{invoice}}{{#issued_on}} du {{issued_on}}{{/issued_on}}, d'un montant de {{amount_due}}, arrivera à échéance le {{due_date}}{{#terms}} ({{terms}}){{/terms}}.

Si son règlement est déjà programmé, nous vous en remercions et vous prions de ne pas tenir compte de ce message. Pour toute question sur cette facture, notre service reste à votre disposition.

Nous vous remercions de votre confiance et vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

Le service comptabilité clients
$t$, true),
('standard', 1, 'en', 'Reminder: invoice {{invoice}} due on {{due_date}}',
$t${{#customer}}Customer account: {{customer}}

{{/customer}}Dear Sir or Madam,

This is a courtesy reminder that invoice {{invoice}}{{#issued_on}} dated {{issued_on}}{{/issued_on}}, for {{amount_due}}, falls due on {{due_date}}{{#terms}} ({{terms}}){{/terms}}.

If payment is already scheduled, thank you, and please disregard this message. Should you have any question about this invoice, we will be glad to help.

Thank you for your business.

Yours faithfully,

Accounts Receivable
$t$, true),
('standard', 2, 'fr', 'Échéance proche : facture {{invoice}} payable le {{due_date}}',
$t${{#customer}}Réf. client : {{customer}}

{{/customer}}Madame, Monsieur,

La facture n° {{invoice}}{{#issued_on}} du {{issued_on}}{{/issued_on}}, d'un montant de {{amount_due}}, est payable le {{due_date}}, soit dans quelques jours.

Afin d'éviter tout retard, nous vous remercions de bien vouloir vérifier que son règlement est prévu à cette date. Si cette facture appelle une remarque de votre part, merci de nous la signaler dès maintenant afin que nous puissions la traiter avant l'échéance.

Si le paiement a déjà été effectué, nous vous prions de ne pas tenir compte de ce message.

Avec nos remerciements, nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

Le service comptabilité clients
$t$, true),
('standard', 2, 'en', 'Payment due soon: invoice {{invoice}} due on {{due_date}}',
$t${{#customer}}Customer account: {{customer}}

{{/customer}}Dear Sir or Madam,

Invoice {{invoice}}{{#issued_on}} dated {{issued_on}}{{/issued_on}}, for {{amount_due}}, is due for payment on {{due_date}}, in a few days' time.

To avoid any delay, please make sure that payment is scheduled for that date. If anything on this invoice calls for a remark, please let us know now so that we can deal with it before the due date.

If you have already paid, please disregard this message.

Yours faithfully,

Accounts Receivable
$t$, true),
('standard', 3, 'fr', 'Relance : facture {{invoice}} échue le {{due_date}}',
$t${{#customer}}Réf. client : {{customer}}

{{/customer}}Madame, Monsieur,

Sauf erreur de notre part, la facture n° {{invoice}}{{#issued_on}} du {{issued_on}}{{/issued_on}}, échue le {{due_date}}, reste impayée à ce jour pour un montant de {{amount_due}}.

Il s'agit peut-être d'un simple oubli : nous vous remercions de bien vouloir procéder à son règlement dans les meilleurs délais. Si votre paiement a été effectué entre-temps, nous vous prions de ne pas tenir compte de ce courrier.

Nous vous rappelons que tout retard de paiement donne lieu de plein droit à des pénalités de retard ainsi qu'à une indemnité forfaitaire pour frais de recouvrement de 40 euros (article L441-10 du Code de commerce).

Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

Le service comptabilité clients
$t$, true),
('standard', 3, 'en', 'Overdue invoice {{invoice}}: payment reminder',
$t${{#customer}}Customer account: {{customer}}

{{/customer}}Dear Sir or Madam,

According to our records, invoice {{invoice}}{{#issued_on}} dated {{issued_on}}{{/issued_on}}, which fell due on {{due_date}}, remains unpaid; the amount outstanding is {{amount_due}}.

This may simply be an oversight: please arrange payment at your earliest convenience. If payment has been made in the meantime, please disregard this letter.

Please note that any late payment gives rise, as of right, to late-payment penalties and to a fixed indemnity of EUR 40 for recovery costs (Article L441-10 of the French Commercial Code).

Yours faithfully,

Accounts Receivable
$t$, true),
('standard', 4, 'fr', '{{#reminders_sent}}Deuxième relance{{/reminders_sent}}{{^reminders_sent}}Relance{{/reminders_sent}} : facture {{invoice}} impayée',
$t${{#customer}}Réf. client : {{customer}}

{{/customer}}Madame, Monsieur,

{{#reminders_sent}}Malgré notre précédente relance, nous{{/reminders_sent}}{{^reminders_sent}}Nous{{/reminders_sent}} constatons que la facture n° {{invoice}}{{#issued_on}} du {{issued_on}}{{/issued_on}}, échue le {{due_date}}, demeure impayée {{days_late}} jours après son échéance, pour un montant de {{amount_due}}.

Notre service prend également contact avec vous par téléphone. Si un différend ou une difficulté explique ce retard, nous vous invitons à nous en faire part sans délai afin de trouver ensemble une solution.

À défaut de règlement sous quinze jours, nous serons contraints de vous adresser une mise en demeure et de vous réclamer les pénalités de retard et l'indemnité forfaitaire pour frais de recouvrement prévues par l'article L441-10 du Code de commerce.

Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

Le service comptabilité clients
$t$, true),
('standard', 4, 'en', '{{#reminders_sent}}Second reminder{{/reminders_sent}}{{^reminders_sent}}Reminder{{/reminders_sent}}: invoice {{invoice}} unpaid',
$t${{#customer}}Customer account: {{customer}}

{{/customer}}Dear Sir or Madam,

{{#reminders_sent}}Despite our previous reminder, invoice{{/reminders_sent}}{{^reminders_sent}}Invoice{{/reminders_sent}} {{invoice}}{{#issued_on}} dated {{issued_on}}{{/issued_on}}, which fell due on {{due_date}}, is still unpaid {{days_late}} days after its due date; the amount outstanding is {{amount_due}}.

Our team will also contact you by telephone. If a dispute or a difficulty explains this delay, please tell us without delay so that we can find a solution together.

Unless we receive payment within fifteen days, we will have to send you a formal notice and claim the late-payment penalties and the fixed indemnity for recovery costs provided for by Article L441-10 of the French Commercial Code.

Yours faithfully,

Accounts Receivable
$t$, true),
('standard', 5, 'fr', 'Mise en demeure de payer : facture {{invoice}}',
$t${{#customer}}Réf. client : {{customer}}
{{/customer}}Lettre recommandée avec demande d'avis de réception

Objet : mise en demeure de payer la facture n° {{invoice}}

Madame, Monsieur,

{{#reminders_sent}}Malgré nos relances, la{{/reminders_sent}}{{^reminders_sent}}La{{/reminders_sent}} facture n° {{invoice}}{{#issued_on}} du {{issued_on}}{{/issued_on}}, échue le {{due_date}}, reste impayée à ce jour, {{days_late}} jours après son échéance.

Par la présente, nous vous mettons en demeure de nous régler, dans un délai de huit jours à compter de la réception de ce courrier, la somme de {{total}}, arrêtée au {{date}} et ainsi décomposée :
- principal restant dû : {{principal}}
{{#interest}}- pénalités de retard : {{interest}}
{{/interest}}{{#indemnity}}- indemnité forfaitaire pour frais de recouvrement : {{indemnity}}
{{/indemnity}}{{#fees}}- frais de relance : {{fees}}
{{/fees}}
Conformément à l'article L441-10 du Code de commerce, les pénalités de retard sont exigibles de plein droit, sans qu'un rappel soit nécessaire, dès le jour suivant la date d'échéance ; elles sont calculées au taux appliqué par la Banque centrale européenne à son opération de refinancement la plus récente, majoré de 10 points de pourcentage, et courent jusqu'au complet paiement. Tout professionnel en situation de retard de paiement est en outre débiteur de plein droit d'une indemnité forfaitaire pour frais de recouvrement de 40 euros.

À défaut de règlement dans ce délai, nous engagerons sans autre avis toute procédure utile au recouvrement de notre créance, y compris par voie judiciaire.

Si votre règlement nous est parvenu entre-temps, nous vous prions de ne pas tenir compte de la présente.

Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

Le service comptabilité clients
$t$, true),
('standard', 5, 'en', 'Formal notice to pay: invoice {{invoice}}',
$t${{#customer}}Customer account: {{customer}}
{{/customer}}By registered letter with acknowledgement of receipt

Formal notice to pay (mise en demeure): invoice {{invoice}}

Dear Sir or Madam,

{{#reminders_sent}}Despite our reminders, invoice{{/reminders_sent}}{{^reminders_sent}}Invoice{{/reminders_sent}} {{invoice}}{{#issued_on}} dated {{issued_on}}{{/issued_on}}, which fell due on {{due_date}}, remains unpaid {{days_late}} days after its due date.

We hereby give you formal notice to pay, within eight days of receipt of this letter, the sum of {{total}}, calculated as at {{date}} as follows:
- principal outstanding: {{principal}}
{{#interest}}- late-payment penalties: {{interest}}
{{/interest}}{{#indemnity}}- fixed indemnity for recovery costs: {{indemnity}}
{{/indemnity}}{{#fees}}- reminder fees: {{fees}}
{{/fees}}
Under Article L441-10 of the French Commercial Code (Code de commerce), late-payment penalties are due as of right, without any reminder being necessary, from the day after the due date; they are calculated at the rate applied by the European Central Bank to its most recent refinancing operation plus 10 percentage points, and accrue until payment in full. In addition, any business paying late owes, as of right, a fixed indemnity of EUR 40 for recovery costs.

Should payment not be received within this period, we will take any appropriate action to recover our claim, including legal proceedings, without further notice.

If your payment has reached us in the meantime, please disregard this letter.

Yours faithfully,

Accounts Receivable
$t$, true),
('standard', 6, 'fr', 'Transmission au contentieux : facture {{invoice}}',
$t${{#customer}}Réf. client : {{customer}}

{{/customer}}Madame, Monsieur,

Notre mise en demeure de régler la facture n° {{invoice}}{{#issued_on}} du {{issued_on}}{{/issued_on}}, échue le {{due_date}}, est restée sans effet.

Nous vous informons que nous transmettons ce jour votre dossier à notre service contentieux, chargé d'en poursuivre le recouvrement, y compris par voie judiciaire (procédure d'injonction de payer). Au {{date}}, notre créance s'élève à {{total}} :
- principal restant dû : {{principal}}
{{#interest}}- pénalités de retard (article L441-10 du Code de commerce) : {{interest}}
{{/interest}}{{#indemnity}}- indemnité forfaitaire pour frais de recouvrement : {{indemnity}}
{{/indemnity}}{{#fees}}- frais de relance : {{fees}}
{{/fees}}
Les pénalités de retard continuent de courir jusqu'au complet paiement. Seul le règlement immédiat de cette somme vous permettra d'éviter ces poursuites.

Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

Le service comptabilité clients
$t$, true),
('standard', 6, 'en', 'Claim handed over for collection: invoice {{invoice}}',
$t${{#customer}}Customer account: {{customer}}

{{/customer}}Dear Sir or Madam,

Our formal notice to pay invoice {{invoice}}{{#issued_on}} dated {{issued_on}}{{/issued_on}}, which fell due on {{due_date}}, has remained without effect.

We have therefore handed your file over to our collection department, which will pursue the recovery of this claim, including through the courts (order for payment procedure). As at {{date}}, our claim amounts to {{total}}:
- principal outstanding: {{principal}}
{{#interest}}- late-payment penalties (Article L441-10 of the French Commercial Code): {{interest}}
{{/interest}}{{#indemnity}}- fixed indemnity for recovery costs: {{indemnity}}
{{/indemnity}}{{#fees}}- reminder fees: {{fees}}
{{/fees}}
Late-payment penalties continue to accrue until payment in full. Only immediate payment of this sum will avoid these proceedings.

Yours faithfully,

Accounts Receivable
$t$, true);

-- strict (new or risky customers): the same letters, firmer where its steps
-- come sooner: the formal notice 7 days after the second reminder (+8, +15),
-- and deliveries may be held from the first reminder
INSERT INTO ar_credit.dunning_template (policy, level, lang, subject, body, shipped)
SELECT 'strict', t.level, t.lang, t.subject,
       CASE WHEN t.level OPERATOR(pg_catalog.=) 3 AND t.lang OPERATOR(pg_catalog.=) 'fr'
            THEN pg_catalog.replace(t.body, E'(article L441-10 du Code de commerce).\n',
                                    E'(article L441-10 du Code de commerce). Dans l''attente de votre règlement, nous nous réservons la possibilité de suspendre les livraisons en cours.\n')
            WHEN t.level OPERATOR(pg_catalog.=) 3 AND t.lang OPERATOR(pg_catalog.=) 'en'
            THEN pg_catalog.replace(t.body, E'(Article L441-10 of the French Commercial Code).\n',
                                    E'(Article L441-10 of the French Commercial Code). We reserve the right to suspend deliveries until this invoice is paid.\n')
            WHEN t.level OPERATOR(pg_catalog.=) 4
            THEN pg_catalog.replace(pg_catalog.replace(t.body, 'sous quinze jours', 'sous sept jours'),
                                    'within fifteen days', 'within seven days')
            ELSE t.body END,
       true
  FROM ar_credit.dunning_template AS t
 WHERE t.policy OPERATOR(pg_catalog.=) 'standard';

CREATE TRIGGER dunning_template_user_owned
    BEFORE INSERT OR UPDATE ON ar_credit.dunning_template
    FOR EACH ROW EXECUTE FUNCTION ar_credit.config_row_user_owned('policy', 'level', 'lang');
SELECT pg_catalog.pg_extension_config_dump('ar_credit.dunning_template', 'WHERE NOT shipped');

-- The letter of a reminder.  Claim figures are computed only when the
-- template shows them (the formal notice and after, in the shipped ones);
-- the letter claims its own level's fee too when it has not been sent yet.
CREATE FUNCTION ar_credit.reminder_text(id pg_catalog.int8, lang pg_catalog.text DEFAULT 'fr',
                                        as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS TABLE(subject pg_catalog.text, body pg_catalog.text)
LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    want pg_catalog.text := pg_catalog.lower(pg_catalog.btrim(reminder_text.lang));
    q record;
    t record;
    c record;
    issued pg_catalog.date;
    own_fee pg_catalog.numeric := 0;
    fields pg_catalog.jsonb;
BEGIN
    IF NOT pg_catalog.isfinite(reminder_text.as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', reminder_text.as_of USING ERRCODE = '22008';
    END IF;
    SELECT d.* INTO q FROM ar_credit.dunning_queue AS d WHERE d.id = reminder_text.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no reminder with id %', reminder_text.id USING ERRCODE = '22023';
    END IF;
    IF q.state = 'cancelled' AND q.sent_at IS NULL THEN
        RAISE EXCEPTION 'reminder % was cancelled: its invoice is paid, closed or gone', reminder_text.id
              USING ERRCODE = '55000', HINT = 'There is no letter to send; a worker holding it lets it go (ar_credit.fail_reminder).';
    END IF;
    SELECT tp.lang, tp.subject, tp.body INTO t
      FROM ar_credit.dunning_template AS tp
     WHERE tp.policy = q.policy AND tp.level = q.level AND tp.lang IN (want, 'en')
     ORDER BY tp.lang = want DESC
     LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no letter for level % of dunning policy "%" in "%" nor in "en"',
              q.level, ar_credit.clip(q.policy), ar_credit.clip(want)
              USING ERRCODE = '22023',
                    HINT = 'Add one: INSERT INTO ar_credit.dunning_template (policy, level, lang, subject, body) VALUES (...).';
    END IF;
    SELECT rc.issued_on INTO issued FROM ar_credit.receivable AS rc WHERE rc.id = q.receivable_id;
    fields := pg_catalog.jsonb_build_object(
        'customer', q.customer_key, 'invoice', q.invoice_key, 'currency', q.currency,
        'issued_on', issued, 'due_date', q.due_date, 'amount_due', q.amount_due,
        'date', reminder_text.as_of, 'days_late', GREATEST(reminder_text.as_of - q.due_date, 0),
        'level', q.level, 'label', q.label,
        -- the letters say "despite our reminders" only when there were some
        -- (an invoice first seen late starts at a later level: catch-up)
        'reminders_sent', (SELECT pg_catalog.count(*) FROM ar_credit.dunning_queue AS o
                            WHERE o.receivable_id = q.receivable_id AND o.state = 'sent' AND o.level < q.level),
        'terms', CASE WHEN t.lang IN ('fr', 'en') AND issued <= q.due_date
                      THEN ar_credit.describe(((q.due_date - issued)::pg_catalog.text || 'D')::ar_credit.payment_terms,
                                              t.lang) END);
    IF (t.subject || t.body) ~ '\{\{\s*[#/]?\s*(principal|interest|indemnity|fees|total)\s*\}\}' THEN
        SELECT x.* INTO c FROM ar_credit.receivable_claim(q.receivable_id, reminder_text.as_of) AS x;
        IF q.state <> 'sent' AND c.principal > 0 THEN
            SELECT pg_catalog.round(s.fee, 2) INTO own_fee
              FROM ar_credit.dunning_step AS s WHERE s.policy = q.policy AND s.level = q.level;
            own_fee := COALESCE(own_fee, 0);
        END IF;
        fields := fields || pg_catalog.jsonb_build_object(
            'principal', c.principal, 'interest', c.interest, 'indemnity', c.indemnity,
            'fees', c.fees + own_fee, 'total', c.total + own_fee);
    END IF;
    -- a subject is an e-mail header: no line break from a key or a customer
    subject := pg_catalog.regexp_replace(ar_credit.render_letter(t.subject, t.lang, fields), '[\r\n]+', ' ', 'g');
    body := ar_credit.render_letter(t.body, t.lang, fields);
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION ar_credit.reminder_text(pg_catalog.int8, pg_catalog.text, pg_catalog.date) IS
    'the letter of a reminder: the dunning_template of its policy and level in lang (else en) rendered with its invoice''s figures as of a date (claim_statement figures for the formal notice and after)';

-- ---------------------------------------------------------------------
-- privileges: the figures and letters of invoices are for the collectors
-- ---------------------------------------------------------------------
REVOKE ALL ON ar_credit.dunning_template FROM PUBLIC;
GRANT SELECT ON ar_credit.dunning_template TO ar_credit_reader, ar_credit_worker;
REVOKE ALL ON FUNCTION ar_credit.receivable_claim(pg_catalog.int8, pg_catalog.date),
                       ar_credit.claim_statement(pg_catalog.regclass, pg_catalog.text, pg_catalog.date),
                       ar_credit.reminder_text(pg_catalog.int8, pg_catalog.text, pg_catalog.date)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ar_credit.claim_statement(pg_catalog.regclass, pg_catalog.text, pg_catalog.date),
                          ar_credit.reminder_text(pg_catalog.int8, pg_catalog.text, pg_catalog.date)
   TO ar_credit_reader, ar_credit_worker;

-- ---------------------------------------------------------------------
-- the worklist (SPEC section 9): the customers a collector has to act on
-- ---------------------------------------------------------------------
-- One row per customer and currency (amounts are never added across
-- currencies) with something to do: an amount past due, a promise broken,
-- or a reminder due.  A promise whose date has passed unpaid counts as
-- broken here before any claim or process_holds() has marked it (SPEC 12).
-- priority = overdue_amount x (1 + oldest_days_past_due / 30) x the weight
-- of the risk class (A 1, B 1.25, C 1.5, D 2, E 3, none 1.25), rounded to
-- cents; rows come broken promises first, then by priority, highest first.
CREATE VIEW ar_credit.worklist WITH (security_barrier) AS
WITH owed AS (
    SELECT r.id, r.customer_key, r.currency, r.amount, r.due_date, r.class,
           EXISTS (SELECT 1 FROM ar_credit.dunning_hold AS h
                    WHERE h.receivable_id = r.id AND h.kind = 'promise'
                      AND (h.state = 'broken' OR (h.state = 'active' AND h.until < CURRENT_DATE))) AS broken,
           r.class = 'suspended' OR EXISTS (SELECT 1 FROM ar_credit.dunning_hold AS h
                                             WHERE h.receivable_id = r.id AND h.kind = 'dispute'
                                               AND h.state = 'active') AS disputed
      FROM ar_credit.receivable AS r
     WHERE NOT r.gone AND r.class IN ('open', 'suspended') AND r.customer_key IS NOT NULL
       -- built from the tables the querying role may read (issue 18)
       AND pg_catalog.has_table_privilege(r.source, 'SELECT')),
per AS (
    SELECT o.customer_key, o.currency,
           COALESCE(pg_catalog.sum(o.amount) FILTER (WHERE o.due_date < CURRENT_DATE AND o.amount > 0), 0)
               AS overdue_amount,
           pg_catalog.max(CURRENT_DATE - o.due_date) FILTER (WHERE o.due_date < CURRENT_DATE AND o.amount > 0)
               AS oldest_days_past_due,
           pg_catalog.count(*) FILTER (WHERE o.broken) AS broken_promises,
           pg_catalog.count(*) FILTER (WHERE o.disputed) AS open_disputes
      FROM owed AS o
     GROUP BY o.customer_key, o.currency),
nxt AS (
    -- the customer's next reminder: the earliest, the highest level first
    SELECT DISTINCT ON (q.customer_key, q.currency) q.customer_key, q.currency, q.label, q.channel, q.remind_on
      FROM ar_credit.dunning_queue AS q
     WHERE q.state IN ('pending', 'claimed') AND q.customer_key IS NOT NULL
       AND pg_catalog.has_table_privilege(q.source, 'SELECT')
     ORDER BY q.customer_key, q.currency, q.remind_on, q.level DESC),
hl AS (
    -- the customer's hold that ends first: a promise to check, a dispute or a hold
    SELECT DISTINCT ON (h.customer_key, r.currency) h.customer_key, r.currency, h.kind, h.until
      FROM ar_credit.dunning_hold AS h JOIN ar_credit.receivable AS r ON r.id = h.receivable_id
     WHERE h.state = 'active' AND h.customer_key IS NOT NULL
       AND pg_catalog.has_table_privilege(r.source, 'SELECT')
     ORDER BY h.customer_key, r.currency, h.until NULLS LAST, h.id),
w AS (
    SELECT p.customer_key, a.collector, p.overdue_amount, p.oldest_days_past_due, a.risk_class,
           p.broken_promises, p.open_disputes,
           CASE WHEN p.broken_promises > 0 THEN 'call: promise broken'
                WHEN n.label IS NOT NULL THEN n.label || ' (' || n.channel || ')'
                WHEN h.kind = 'promise' THEN 'check the promised payment'
                WHEN h.kind = 'dispute' OR p.open_disputes > 0 THEN 'settle the dispute'
                WHEN h.kind = 'hold' THEN 'review the hold'
                ELSE 'review the account' END AS next_action,
           CASE WHEN p.broken_promises > 0 THEN CURRENT_DATE
                WHEN n.label IS NOT NULL THEN n.remind_on
                WHEN h.until IS NOT NULL THEN h.until
                ELSE CURRENT_DATE END AS next_action_on,
           pg_catalog.round(p.overdue_amount * (1 + COALESCE(p.oldest_days_past_due, 0) / 30.0)
                            * CASE a.risk_class WHEN 'A' THEN 1 WHEN 'B' THEN 1.25 WHEN 'C' THEN 1.5
                                                WHEN 'D' THEN 2 WHEN 'E' THEN 3 ELSE 1.25 END, 2) AS priority,
           p.currency
      FROM per AS p
      LEFT JOIN ar_credit.credit_account AS a ON a.customer_key = p.customer_key
      LEFT JOIN nxt AS n ON n.customer_key = p.customer_key AND n.currency IS NOT DISTINCT FROM p.currency
      LEFT JOIN hl AS h ON h.customer_key = p.customer_key AND h.currency IS NOT DISTINCT FROM p.currency
     WHERE p.overdue_amount > 0 OR p.broken_promises > 0 OR n.remind_on <= CURRENT_DATE)
SELECT w.customer_key, w.collector, w.overdue_amount, w.oldest_days_past_due, w.risk_class, w.broken_promises,
       w.open_disputes, w.next_action, w.next_action_on, w.priority, w.currency
  FROM w
 ORDER BY w.broken_promises > 0 DESC, w.priority DESC, w.customer_key, w.currency;
COMMENT ON VIEW ar_credit.worklist IS
    'the customers to act on (from the tracked tables the querying role may read), one row per customer and currency: overdue amount, oldest days past due, risk class, broken promises, open disputes, the next action and its date, priority = overdue x (1 + days / 30) x risk weight (A 1, B 1.25, C 1.5, D 2, E 3, none 1.25); broken promises first, then by priority';
COMMENT ON COLUMN ar_credit.worklist.customer_key IS 'the customer';
COMMENT ON COLUMN ar_credit.worklist.collector IS 'who owns the account (credit_account.collector); NULL without an account';
COMMENT ON COLUMN ar_credit.worklist.overdue_amount IS 'the open amounts past their due date, disputed ones included, in currency';
COMMENT ON COLUMN ar_credit.worklist.oldest_days_past_due IS 'days past due of the oldest invoice past due; NULL when none is';
COMMENT ON COLUMN ar_credit.worklist.risk_class IS 'the account''s current class (credit_account.risk_class, written by refresh_risk)';
COMMENT ON COLUMN ar_credit.worklist.broken_promises IS 'invoices still owed whose promise to pay was broken (its date passed unpaid)';
COMMENT ON COLUMN ar_credit.worklist.open_disputes IS 'invoices disputed (status) or under an active dispute hold';
COMMENT ON COLUMN ar_credit.worklist.next_action IS 'call: promise broken; else the next reminder (label and channel); else check the promised payment, settle the dispute, review the hold or the account';
COMMENT ON COLUMN ar_credit.worklist.next_action_on IS 'the day of the next action (today for a broken promise)';
COMMENT ON COLUMN ar_credit.worklist.priority IS 'overdue_amount x (1 + oldest_days_past_due / 30) x risk weight (A 1, B 1.25, C 1.5, D 2, E 3, none 1.25), rounded to cents';
COMMENT ON COLUMN ar_credit.worklist.currency IS 'the currency of the amounts (one row per customer and currency; NULL when the table maps none)';
REVOKE ALL ON ar_credit.worklist FROM PUBLIC;
GRANT SELECT ON ar_credit.worklist TO ar_credit_reader, ar_credit_worker;
