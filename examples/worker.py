#!/usr/bin/python3
"""Reference reminder worker for ar_credit's dunning queue: e-mail by SMTP.

It waits for work (LISTEN ar_credit_dunning, with a polling fallback), claims
due reminders in batches, groups them per customer and channel into one
letter, sends each letter by SMTP, and then records the outcome:
complete_reminders(ids, 'sent: <Message-ID>') once the SMTP server accepted
the message, fail_reminders(ids, '<SMTP error>') when it refused it (retried
with backoff, `failed` after ar_credit.max_attempts).

Delivery is at least once: a letter the SMTP server accepted but whose
completion did not reach the database (the worker killed, the database
connection lost in between) is sent again once its lease expires.  The window
is one letter per worker: each letter is completed as soon as it is sent.

Only python3-psycopg2 and the standard library (Debian: python3-psycopg2).
Configuration is read from the environment (see examples/ar-credit-worker.env):

  PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGPASSFILE, PGSSLMODE ...
                      libpq's usual variables; the role needs ar_credit_worker
                      only
  AR_WORKER_NAME      name recorded in dunning_queue.claimed_by
                      (default: <hostname>-<pid>)
  AR_BATCH            reminders claimed at a time (default 50)
  AR_LEASE            lease of a claimed batch, a PostgreSQL interval
                      (default '5 minutes'); longer than a batch takes to send
  AR_POLL             seconds between polls when no NOTIFY arrives (default 60)
  AR_CHANNELS         comma-separated channels to claim (default: all); used
                      when claim_reminders has a channels argument
  AR_LANG             letter language for ar_credit.reminder_text (default en)
  AR_RECIPIENT_SQL    query returning the e-mail address of %(customer_key)s
                      (default: the customer key itself when it contains @)
  AR_SIGNATURE        last line of the built-in letter (default: MAIL_FROM)
  SMTP_HOST, SMTP_PORT (default localhost, 25; 465 with SMTP_SSL=1)
  SMTP_STARTTLS       1 (default) to require STARTTLS, 0 for plain SMTP
  SMTP_SSL            1 for implicit TLS (SMTPS)
  SMTP_USER, SMTP_PASSWORD or SMTP_PASSWORD_FILE
                      login, when set
  SMTP_TIMEOUT        seconds (default 60)
  MAIL_FROM           envelope and From address (required)

Usage: worker.py [--once]   (--once: drain what is due now, then exit)

Exit status: 0 stopped by SIGTERM/SIGINT or --once done; 2 configuration
error (do not restart); 75 database unavailable or lost (restart later);
1 anything else.
"""

import decimal
import email.message
import email.utils
import logging
import os
import select
import signal
import smtplib
import socket
import ssl
import sys
import time

import psycopg2
import psycopg2.extensions
import psycopg2.extras

EX_CONFIG = 2
EX_TEMPFAIL = 75
CHANNEL = "ar_credit_dunning"

log = logging.getLogger("ar-credit-worker")


class ConfigError(Exception):
    pass


# ---------------------------------------------------------------------------
# configuration and logging
# ---------------------------------------------------------------------------
def env_int(name, default, minimum=1):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError("%s must be an integer, not %r" % (name, raw))
    if value < minimum:
        raise ConfigError("%s must be at least %d, not %d" % (name, minimum, value))
    return value


def env_bool(name, default):
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError("%s must be 0 or 1, not %r" % (name, raw))


def load_config():
    cfg = {
        "worker": os.environ.get("AR_WORKER_NAME") or "%s-%d" % (socket.gethostname(), os.getpid()),
        "batch": env_int("AR_BATCH", 50),
        "lease": os.environ.get("AR_LEASE") or "5 minutes",
        "poll": env_int("AR_POLL", 60),
        "channels": [c.strip() for c in os.environ.get("AR_CHANNELS", "").split(",") if c.strip()],
        "lang": os.environ.get("AR_LANG") or "en",
        "recipient_sql": os.environ.get("AR_RECIPIENT_SQL")
        or "SELECT %(customer_key)s::text WHERE strpos(%(customer_key)s::text, '@') > 1",
        "mail_from": os.environ.get("MAIL_FROM", "").strip(),
        "smtp_host": os.environ.get("SMTP_HOST") or "localhost",
        "smtp_ssl": env_bool("SMTP_SSL", False),
        "smtp_starttls": env_bool("SMTP_STARTTLS", True),
        "smtp_user": os.environ.get("SMTP_USER") or None,
        "smtp_timeout": env_int("SMTP_TIMEOUT", 60),
    }
    cfg["smtp_port"] = env_int("SMTP_PORT", 465 if cfg["smtp_ssl"] else 25)
    cfg["signature"] = os.environ.get("AR_SIGNATURE") or cfg["mail_from"]
    if not cfg["mail_from"] or "@" not in cfg["mail_from"]:
        raise ConfigError("MAIL_FROM must be set to the sender's e-mail address")
    if "%(customer_key)s" not in cfg["recipient_sql"]:
        raise ConfigError("AR_RECIPIENT_SQL must use the parameter %(customer_key)s")
    password = os.environ.get("SMTP_PASSWORD")
    pwfile = os.environ.get("SMTP_PASSWORD_FILE")
    if pwfile:
        try:
            with open(pwfile, encoding="utf-8") as f:
                password = f.read().strip()
        except OSError as e:
            raise ConfigError("SMTP_PASSWORD_FILE: %s" % e)
    cfg["smtp_password"] = password
    if cfg["smtp_user"] and password is None:
        raise ConfigError("SMTP_USER is set but neither SMTP_PASSWORD nor SMTP_PASSWORD_FILE")
    return cfg


class JournalFormatter(logging.Formatter):
    """'<priority>message' lines, which journald files at that priority."""

    PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}

    def format(self, record):
        return "<%d>%s" % (self.PRIORITY.get(record.levelno, 6), super().format(record))


def setup_logging():
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("JOURNAL_STREAM") or os.environ.get("INVOCATION_ID"):
        handler.setFormatter(JournalFormatter("%(message)s"))   # journald adds time and unit
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.basicConfig(level=os.environ.get("AR_LOG_LEVEL", "INFO").upper(), handlers=[handler])


# ---------------------------------------------------------------------------
# the database side
# ---------------------------------------------------------------------------
class Queue:
    """The worker API over one autocommit connection (each call commits)."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.conn = psycopg2.connect("", application_name="ar-credit-worker")
        self.conn.set_session(autocommit=True)
        self.features = self._features()
        try:
            self.recipient("")             # the query runs and the role may read what it reads
        except psycopg2.Error as e:
            raise ConfigError("AR_RECIPIENT_SQL: %s" % (e.pgerror or str(e)).strip())
        with self.conn.cursor() as cur:
            cur.execute("LISTEN " + CHANNEL)

    def _features(self):
        """What this database offers: functions of later issues are used when present."""
        with self.conn.cursor() as cur:
            cur.execute("""
                SELECT p.proname, coalesce(p.proargnames, '{}'), has_function_privilege(p.oid, 'EXECUTE')
                  FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'ar_credit'
                   AND p.proname IN ('claim_reminders', 'claim_customer_reminders', 'reminder_text',
                                     'complete_reminders', 'fail_reminders')""")
            found = {}
            for name, args, allowed in cur.fetchall():
                if allowed:
                    found.setdefault(name, set()).update(args)
        for needed in ("claim_reminders", "complete_reminders", "fail_reminders"):
            if needed not in found:
                raise ConfigError("ar_credit.%s() is missing or not executable: is ar_credit >= 0.3.0 installed "
                                  "and the role a member of ar_credit_worker?" % needed)
        return found

    def claim(self):
        """Claims a batch; returns letters: [(customer_key, channel, [reminder rows])]."""
        cfg, f = self.cfg, self.features
        args = {"batch": cfg["batch"], "worker": cfg["worker"], "lease": cfg["lease"], "channels": cfg["channels"]}
        with self.conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            if "claim_customer_reminders" in f:
                named = ["batch => %(batch)s", "worker => %(worker)s"]
                if "lease" in f["claim_customer_reminders"]:
                    named.append("lease => %(lease)s::interval")
                if cfg["channels"] and "channels" in f["claim_customer_reminders"]:
                    named.append("channels => %(channels)s::text[]")
                cur.execute("SELECT customer_key, channel, ids FROM ar_credit.claim_customer_reminders(%s)"
                            % ", ".join(named), args)
                groups = cur.fetchall()
                ids = [i for g in groups for i in g["ids"]]
                if not ids:
                    return []
                cur.execute("SELECT * FROM ar_credit.dunning_due WHERE id = ANY (%s::int8[])", (ids,))
                rows = {r["id"]: r for r in cur.fetchall()}
                missing = [i for i in ids if i not in rows]
                if missing:
                    # dunning_due shows the reminders of the tables this role may read
                    log.error("reminders %s claimed but not readable in ar_credit.dunning_due: grant this role "
                              "SELECT on their invoice tables; left to their lease", missing)
                return [(g["customer_key"], g["channel"], [rows[i] for i in g["ids"] if i in rows]) for g in groups]
            named = "%(batch)s, %(worker)s, %(lease)s::interval"
            if cfg["channels"] and "channels" in f["claim_reminders"]:
                named += ", channels => %(channels)s::text[]"
            cur.execute("SELECT * FROM ar_credit.claim_reminders(%s)" % named, args)
            rows = cur.fetchall()
        letters = {}
        for r in sorted(rows, key=lambda r: (r["customer_key"] or "", r["channel"], r["remind_on"], r["id"])):
            if cfg["channels"] and r["channel"] not in cfg["channels"]:
                # claim_reminders cannot filter here: the lease gives it back
                log.warning("reminder %d is for channel %s, not in AR_CHANNELS: left to its lease", r["id"], r["channel"])
                continue
            letters.setdefault((r["customer_key"], r["channel"]), []).append(r)
        return [(k[0], k[1], v) for k, v in letters.items()]

    def recipient(self, customer_key):
        if customer_key is None:
            return None
        with self.conn.cursor() as cur:
            cur.execute(self.cfg["recipient_sql"], {"customer_key": customer_key})
            row = cur.fetchone()
        return row[0] if row and row[0] else None

    def texts(self, ids):
        """(subject, body) of each reminder by ar_credit.reminder_text, when it exists."""
        if "reminder_text" not in self.features:
            return None
        out = []
        with self.conn.cursor() as cur:
            for i in ids:
                cur.execute("SELECT subject, body FROM ar_credit.reminder_text(%s, %s)", (i, self.cfg["lang"]))
                out.extend(cur.fetchall())
        return out

    REFUSED = ("55000", "22023")    # not claimed any more, or gone

    def _record(self, fn, ids, text):
        """complete_reminders or fail_reminders.  A batch is refused as a whole
        when one of its reminders is no longer this worker's (its lease expired
        and another worker dealt with it): then one reminder at a time."""
        sql = "SELECT ar_credit.%s(%%s::int8[], %%s)" % fn
        with self.conn.cursor() as cur:
            try:
                cur.execute(sql, (ids, text))
                return cur.fetchone()[0]
            except psycopg2.Error as e:
                if e.pgcode not in self.REFUSED:
                    raise
                if len(ids) == 1:
                    log.warning("%s(%s) refused: %s", fn, ids[0], e.pgerror.strip())
                    return 0
            n = 0
            for i in ids:
                try:
                    cur.execute(sql, ([i], text))
                    n += cur.fetchone()[0]
                except psycopg2.Error as e:
                    if e.pgcode not in self.REFUSED:
                        raise
                    log.warning("%s(%s) refused: %s", fn, i, e.pgerror.strip())
            return n

    def complete(self, ids, outcome):
        return self._record("complete_reminders", ids, outcome)

    def fail(self, ids, error):
        return self._record("fail_reminders", ids, error[:1000])

    def wait(self, seconds, stopping):
        """Waits for a NOTIFY on ar_credit_dunning, at most `seconds`."""
        if self.conn.notifies:                # arrived with a reply meanwhile
            del self.conn.notifies[:]
            return True
        deadline = time.monotonic() + seconds
        while not stopping():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                ready, _, _ = select.select([self.conn], [], [], min(left, 1.0))
            except InterruptedError:
                continue
            if ready:
                self.conn.poll()
                if self.conn.notifies:
                    del self.conn.notifies[:]
                    return True
        return False


# ---------------------------------------------------------------------------
# letters and SMTP
# ---------------------------------------------------------------------------
def money(amount, currency):
    if amount is None:
        return "-"
    if isinstance(amount, decimal.Decimal):
        amount = format(amount, "f")
    return "%s %s" % (amount, currency or "")


def render(cfg, customer_key, channel, rows, texts):
    """Subject and body of one letter: reminder_text's, or a minimal plain text.

    One reminder: its letter as reminder_text renders it.  Several reminders of
    one customer (claim_customer_reminders): one e-mail whose subject names the
    invoices, opening with the statement of what is due (each invoice, the
    totals per currency), then each invoice's own letter, so that a formal
    notice keeps its legal wording."""
    if texts and len(texts) == 1:
        return texts[0][0] or "Payment reminder", texts[0][1] or ""
    keys = ", ".join(r["invoice_key"] for r in rows)
    label = max(rows, key=lambda r: r["level"])["label"]
    subject = "%s: invoice%s %s" % (label[:1].upper() + label[1:], "s" if len(rows) > 1 else "", keys)
    lines = ["Dear customer %s," % customer_key, "",
             "According to our records the following invoice%s remain%s unpaid:"
             % (("s", "") if len(rows) > 1 else ("", "s")), ""]
    totals = {}
    for r in rows:
        lines.append("  Invoice %-16s due %s  %16s  (%s)"
                     % (r["invoice_key"], r["due_date"], money(r["amount_due"], r["currency"]), r["label"]))
        if r["amount_due"] is not None:
            totals[r["currency"]] = totals.get(r["currency"], decimal.Decimal(0)) + r["amount_due"]
    lines.append("")
    for cur, total in sorted(totals.items(), key=lambda t: t[0] or ""):
        lines.append("Total due: %s" % money(total, cur))
    if texts:
        rule = "\n\n" + "-" * 72 + "\n\n"
        return subject, "\n".join(lines) + rule + rule.join(b for _, b in texts if b)
    lines += ["", "Please settle %s at your earliest convenience." % ("them" if len(rows) > 1 else "it"),
              "If you have paid in the meantime, please disregard this message.", "", "-- ", cfg["signature"], ""]
    return subject, "\n".join(lines)


class Mailer:
    def __init__(self, cfg):
        self.cfg = cfg
        self.smtp = None

    def _connect(self):
        cfg = self.cfg
        if cfg["smtp_ssl"]:
            smtp = smtplib.SMTP_SSL(cfg["smtp_host"], cfg["smtp_port"], timeout=cfg["smtp_timeout"],
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(cfg["smtp_host"], cfg["smtp_port"], timeout=cfg["smtp_timeout"])
            if cfg["smtp_starttls"]:
                smtp.starttls(context=ssl.create_default_context())
        if cfg["smtp_user"]:
            smtp.login(cfg["smtp_user"], cfg["smtp_password"])
        return smtp

    def send(self, msg):
        if self.smtp is None:
            self.smtp = self._connect()
        try:
            self.smtp.send_message(msg)
        except smtplib.SMTPServerDisconnected:
            # an idle connection the server closed: once more on a new one
            self.smtp = self._connect()
            self.smtp.send_message(msg)

    def close(self):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.smtp = None


def smtp_error(e):
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(e.recipients.values()))
        return "SMTP %d %s" % (code, text.decode("utf-8", "replace") if isinstance(text, bytes) else text)
    if isinstance(e, smtplib.SMTPResponseException):
        text = e.smtp_error.decode("utf-8", "replace") if isinstance(e.smtp_error, bytes) else str(e.smtp_error)
        return "SMTP %d %s" % (e.smtp_code, text)
    return "SMTP %s: %s" % (type(e).__name__, e)


# ---------------------------------------------------------------------------
# the loop
# ---------------------------------------------------------------------------
class Worker:
    def __init__(self, cfg):
        self.cfg = cfg
        self.stop = False
        self.queue = None
        self.mailer = Mailer(cfg)

    def on_signal(self, signum, frame):
        if not self.stop:
            log.info("%s received: finishing the letter in hand, then stopping", signal.Signals(signum).name)
        self.stop = True

    def letter(self, customer_key, channel, rows):
        """Sends one letter; returns 'sent', 'failed' or 'down' (SMTP unreachable)."""
        ids = [r["id"] for r in rows]
        to = self.queue.recipient(customer_key)
        if not to:
            error = "no e-mail address for customer %s" % customer_key
            log.warning("reminders %s: %s", ids, error)
            self.queue.fail(ids, error)
            return "failed"
        subject, body = render(self.cfg, customer_key, channel, rows, self.queue.texts(ids))
        msg = email.message.EmailMessage()
        try:
            msg["From"] = self.cfg["mail_from"]
            msg["To"] = to
            msg["Subject"] = " ".join(subject.split())    # no line breaks in a header
            msg["Date"] = email.utils.formatdate(localtime=True)
            msg["Message-ID"] = email.utils.make_msgid(domain=self.cfg["mail_from"].rsplit("@", 1)[1])
            msg["X-AR-Credit-Reminders"] = " ".join(str(i) for i in ids)
            msg.set_content(body)
        except (ValueError, TypeError) as e:
            error = "cannot build the message to %r: %s" % (to, e)
            log.warning("reminders %s: %s", ids, error)
            self.queue.fail(ids, error)
            return "failed"
        try:
            self.mailer.send(msg)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as e:
            self.queue.fail(ids, smtp_error(e))
            log.warning("reminders %s to %s refused: %s", ids, to, smtp_error(e))
            return "failed"
        except (smtplib.SMTPException, OSError) as e:
            self.mailer.close()
            self.queue.fail(ids, smtp_error(e))
            log.error("reminders %s to %s: SMTP server unavailable: %s", ids, to, smtp_error(e))
            return "down"
        self.queue.complete(ids, "sent: %s" % msg["Message-ID"])
        log.info("sent %s to %s: reminders %s (%s)", msg["Message-ID"], to, ids,
                 ", ".join(r["invoice_key"] for r in rows))
        return "sent"

    def batch(self):
        """Claims and sends one batch; returns (reminders claimed, SMTP server down)."""
        letters = self.queue.claim()
        claimed = sum(len(rows) for _, _, rows in letters)
        try:
            for n, (customer_key, channel, rows) in enumerate(letters):
                left = [r["id"] for _, _, rs in letters[n:] for r in rs]
                if self.stop:
                    log.info("stopping: reminders %s not sent, back to the queue when their lease ends", left)
                    break
                if self.letter(customer_key, channel, rows) == "down":
                    if left[len(rows):]:
                        log.info("reminders %s not sent, back to the queue when their lease ends", left[len(rows):])
                    return claimed, True
        finally:
            self.mailer.close()
        return claimed, False

    def run(self, once):
        self.queue = Queue(self.cfg)
        f = self.queue.features
        log.info("worker %s started: batch %d, lease %s, claims %s, letters by %s", self.cfg["worker"],
                 self.cfg["batch"], self.cfg["lease"],
                 "per customer (claim_customer_reminders)" if "claim_customer_reminders" in f
                 else "with claim_reminders, grouped per customer here",
                 "ar_credit.reminder_text" if "reminder_text" in f else "the built-in template")
        while not self.stop:
            claimed, down = self.batch()
            if claimed >= self.cfg["batch"] and not down:
                continue                      # a full batch: there is probably more
            if once:
                break
            if self.queue.wait(self.cfg["poll"], lambda: self.stop):
                log.debug("woken by NOTIFY %s", CHANNEL)
        log.info("worker %s stopped", self.cfg["worker"])


def main(argv):
    setup_logging()
    once = "--once" in argv[1:]
    unknown = [a for a in argv[1:] if a != "--once"]
    if unknown:
        log.error("usage: %s [--once]", argv[0])
        return EX_CONFIG
    try:
        cfg = load_config()
        worker = Worker(cfg)
        signal.signal(signal.SIGTERM, worker.on_signal)
        signal.signal(signal.SIGINT, worker.on_signal)
        worker.run(once)
        return 0
    except ConfigError as e:
        log.error("configuration: %s", e)
        return EX_CONFIG
    except psycopg2.OperationalError as e:
        log.error("database unavailable: %s", str(e).strip())
        return EX_TEMPFAIL
    except psycopg2.Error as e:
        log.error("database error %s: %s", e.pgcode, (e.pgerror or str(e)).strip())
        return EX_TEMPFAIL if e.pgcode is None or e.pgcode.startswith(("08", "57", "53")) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
