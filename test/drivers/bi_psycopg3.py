"""Driver test: psycopg 3 (issue 17).

Run by test/drivers/run.sh with Debian's python3 (python3-psycopg) as
ar_bi_driver, ar_credit off the search path.  psycopg 3 sends parameters
server-side: a str goes as 'unknown' in text mode, as 'text' in binary mode
or when the text dumper is registered (as several frameworks do), so terms
filters and ar_credit.due_date must accept a text parameter.  Binary results
of payment_terms are the type's own binary format (a version byte, then the
canonical text): the documented workarounds are checked.  Prints TAP lines,
numbered by run.sh.

    bi_psycopg3.py "host=... port=... dbname=... user=... password=..."
"""
import datetime
import decimal
import sys

import psycopg
from psycopg.adapt import Loader
from psycopg.types import TypeInfo
from psycopg.types.string import StrDumper

from tap import check, done, note, sqlstate_of

conninfo = sys.argv[1]


def rows(sql, params=None, binary=False, prepare=None, text_oid=False):
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if text_oid:
            conn.adapters.register_dumper(str, StrDumper)
        with conn.cursor(binary=binary) as cur:
            out = None
            for _ in range(3 if prepare else 1):
                cur.execute(sql, params, prepare=prepare)
                out = [tuple(r) for r in cur.fetchall()]
            return out


class TermsBinaryLoader(Loader):
    """payment_terms in binary: a format-version byte (1), then the canonical text."""
    format = psycopg.pq.Format.BINARY

    def load(self, data):
        data = bytes(data)
        if data[:1] != b'\x01':
            raise psycopg.DataError(f'unknown payment_terms binary format {data[:1]!r}')
        return data[1:].decode()


def binary_terms_with_loader():
    with psycopg.connect(conninfo, autocommit=True) as conn:
        info = TypeInfo.fetch(conn, 'ar_credit.payment_terms')
        conn.adapters.register_loader(info.oid, TermsBinaryLoader)
        with conn.cursor(binary=True) as cur:
            cur.execute('SELECT id, terms FROM public.customer WHERE id = 102')
            return cur.fetchall()


note(f'psycopg {psycopg.__version__}, libpq {psycopg.pq.version()}')
for mode, kw in (('text mode, str as unknown', {}), ('binary parameters, str as text', {'binary': True}),
                 ('str dumped as text (text OID)', {'text_oid': True}),
                 ('server-side prepared, text OID', {'text_oid': True, 'prepare': True})):
    check(f'psycopg3 [{mode}]: terms = %s', [(101,), (104,)],
          lambda kw=kw: rows('SELECT id FROM public.customer WHERE terms = %s ORDER BY id', ['net 30'], **kw))
    check(f'psycopg3 [{mode}]: terms = ANY(%s) with a list of str', [(101,), (102,), (104,)],
          lambda kw=kw: rows('SELECT id FROM public.customer WHERE terms = ANY(%s) ORDER BY id', [['30D', '45D+CM']], **kw))
    check(f'psycopg3 [{mode}]: ar_credit.due_date(%s, date)', [(datetime.date(2024, 2, 29),)],
          lambda kw=kw: rows('SELECT ar_credit.due_date(%s, %s)', ['45 jours fin de mois', datetime.date(2024, 1, 15)], **kw))
    check(f'psycopg3 [{mode}]: bad terms: 22P02', '22P02',
          lambda kw=kw: sqlstate_of(lambda: rows('SELECT 1 FROM public.customer WHERE terms = %s', ['net thirty'], **kw)))
check('psycopg3 binary results: terms::text (documented workaround)', [(102, '45D+CM')],
      lambda: rows('SELECT id, terms::text FROM public.customer WHERE id = 102', binary=True))
check('psycopg3 binary results: a loader for the payment_terms OID (documented workaround)', [(102, '45D+CM')],
      binary_terms_with_loader)
note('pitfall: binary results without a loader give the raw format: '
     + repr(rows('SELECT terms FROM public.customer WHERE id = 102', binary=True)[0][0]))
check('psycopg3 binary results: numeric is exact', [(decimal.Decimal('210.36'),)],
      lambda: rows("SELECT amount_due FROM ar_credit.open_invoices WHERE invoice_key = %s", ['I-2'], binary=True))
done()
