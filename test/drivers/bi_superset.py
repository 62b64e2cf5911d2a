"""Driver test: SQLAlchemy on psycopg2, as Apache Superset connects (issue 17).

Run by test/drivers/run.sh with Debian's python3 (python3-sqlalchemy,
python3-psycopg2) as ar_bi_driver, ar_credit off the search path: reflects
the views as Superset's dataset editor does, and runs the SQL Superset's chart
queries are compiled to (literal values inlined, quoted labels, LIMIT).
Prints TAP lines, numbered by run.sh.

    bi_superset.py postgresql+psycopg2://user:password@host:port/database
"""
import datetime
import decimal
import sys
import warnings

import sqlalchemy as sa

from tap import check, done, note, sqlstate_of

VIEWS = ('aging_report', 'dunning_due', 'open_invoices')

engine = sa.create_engine(sys.argv[1], future=True)
insp = sa.inspect(engine)
meta = sa.MetaData()


def rows(sql, **params):
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def compiled(stmt):
    """The statement as Superset renders it: literal values inlined."""
    return str(stmt.compile(engine, compile_kwargs={'literal_binds': True}))


def reflect(name, schema='ar_credit'):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        table = sa.Table(name, meta, schema=schema, autoload_with=engine)
    return table, [str(w.message) for w in caught]


def reflection():
    note(f'SQLAlchemy {sa.__version__}, psycopg2 {engine.dialect.dbapi.__version__}')
    check('superset: the reader sees the three views',
          list(VIEWS), lambda: sorted(v for v in insp.get_view_names(schema='ar_credit') if v in VIEWS))
    check('superset: aging_report columns and types (source text)',
          'source:TEXT customer_key:TEXT currency:TEXT current:NUMERIC d1_30:NUMERIC d31_60:NUMERIC '
          'd61_90:NUMERIC over_90:NUMERIC total:NUMERIC',
          lambda: ' '.join(f"{c['name']}:{c['type']}" for c in insp.get_columns('aging_report', schema='ar_credit')))
    check('superset: open_invoices has aging_bucket_no INTEGER next to aging_bucket, source TEXT',
          'aging_bucket:TEXT aging_bucket_no:INTEGER source:TEXT',
          lambda: ' '.join(sorted(f"{c['name']}:{c['type']}" for c in insp.get_columns('open_invoices', schema='ar_credit')
                                  if c['name'] in ('source', 'aging_bucket', 'aging_bucket_no'))))
    for v in VIEWS:
        check(f'superset: {v} reflects without an unknown-type warning', [], lambda v=v: reflect(v)[1])
    check('superset: column comments reach the dataset (get_columns comment)', 0,
          lambda: sum(1 for c in insp.get_columns('aging_report', schema='ar_credit') if not c.get('comment')))


def chart_queries():
    aging, _ = reflect('aging_report')
    sums = [sa.func.sum(aging.c[b]).label(f'SUM({b})') for b in ('current', 'd1_30', 'd31_60', 'd61_90', 'over_90', 'total')]
    stmt = (sa.select(aging.c.customer_key.label('customer_key'), *sums)
            .where(aging.c.customer_key.in_(['101', '102']))
            .group_by(aging.c.customer_key).order_by(sa.desc(sa.literal_column('"SUM(total)"'))).limit(10000))
    D = decimal.Decimal
    check('superset: aging_report bar chart, customer_key IN (...), sums by customer, ordered',
          [('102', 0, 0, D('2000.00'), D('300.00'), 0, D('2300.00')), ('101', D('1000.00'), D('210.36'), 0, 0, 0, D('1210.36'))],
          lambda: rows(compiled(stmt)))
    due, _ = reflect('dunning_due')
    stmt = (sa.select(due.c.channel.label('channel'), due.c.label.label('label'),
                      sa.func.count().label('COUNT(*)'), sa.func.sum(due.c.amount_due).label('SUM(amount_due)'))
            .where(due.c.level >= 1).group_by(due.c.channel, due.c.label)
            .order_by(sa.desc(sa.literal_column('"COUNT(*)"'))).limit(10000))
    check('superset: dunning_due table chart, level >= 1, count and sum by channel and label',
          [('registered_letter', 'formal notice', 2, D('2250.00')), ('email', 'first reminder', 1, D('210.36'))],
          lambda: rows(compiled(stmt)))
    check('superset: open_invoices, status = open, sum by aging_bucket_no, aging_bucket, in aging order',
          [(0, 'current', D('1000.00')), (1, '1-30', D('210.36')), (2, '31-60', D('2000.00')), (4, '>90', D('250.00'))],
          open_by_bucket)


def open_by_bucket():
    opn, _ = reflect('open_invoices')
    stmt = (sa.select(opn.c.aging_bucket_no, opn.c.aging_bucket, sa.func.sum(opn.c.amount_due).label('SUM(amount_due)'))
            .where(opn.c.status == 'open').group_by(opn.c.aging_bucket_no, opn.c.aging_bucket)
            .order_by(opn.c.aging_bucket_no).limit(10000))
    return rows(compiled(stmt))


def source_filters():
    for v, n in (('aging_report', 3), ('open_invoices', 5), ('dunning_due', 3)):
        check(f"superset: {v} WHERE source IN ('public.inv')", [(n,)],
              lambda v=v: rows(f"SELECT count(*) AS count FROM ar_credit.{v} WHERE source IN ('public.inv') LIMIT 10000"))


def terms_filters():
    check("psycopg2: terms = %(t)s ('net 30'), ar_credit off the search path", [(101,), (104,)],
          lambda: rows('SELECT id FROM public.customer WHERE terms = :t ORDER BY id', t='net 30'))
    check('psycopg2: terms IN (...) with bound strings', [(102,), (103,)],
          lambda: rows('SELECT id FROM public.customer WHERE terms IN (:a, :b) ORDER BY id', a='45D+CM', b='2/10 net 30'))
    check('psycopg2: min(terms), max(terms) arrive as text', [('30D', '45D+CM')],
          lambda: rows('SELECT min(terms), max(terms) FROM public.customer'))
    check('psycopg2: ar_credit.due_date(str, date)', [(datetime.date(2024, 2, 29),)],
          lambda: rows('SELECT ar_credit.due_date(:t, :d)', t='45 jours fin de mois', d=datetime.date(2024, 1, 15)))
    check("psycopg2: CAST(:t AS TEXT) = terms (SQLAlchemy's String bind)", [(101,), (104,)],
          lambda: rows('SELECT id FROM public.customer WHERE terms = CAST(:t AS TEXT) ORDER BY id', t='30 days'))
    check('psycopg2: bad terms: 22P02', '22P02',
          lambda: sqlstate_of(lambda: rows('SELECT id FROM public.customer WHERE terms = :t', t='net thirty')))
    customer, unknown = reflect('customer', 'public')
    note(f'payment_terms reflected as {customer.c.terms.type!r}: {unknown}')
    check("superset: customer table chart, terms IN ('net 30', '2M') compiled with literal binds", [(101,), (104,)],
          lambda: rows(compiled(sa.select(customer.c.id).where(customer.c.terms.in_(['net 30', '2M']))
                                .order_by(customer.c.id).limit(10000))))
    check('psycopg2: numeric amounts are exact (Decimal)', [(decimal.Decimal('210.36'),)],
          lambda: rows("SELECT amount_due FROM ar_credit.open_invoices WHERE invoice_key = 'I-2'"))


reflection()
chart_queries()
source_filters()
terms_filters()
done()
