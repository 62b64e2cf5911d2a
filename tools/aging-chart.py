#!/usr/bin/python3
"""Renders ar_credit.aging_report as a stacked bar chart (PNG).

    tools/aging-chart.py [out.png] [title]

Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD,
PGDATABASE), as any role with ar_credit_reader, reads the view the way a BI
tool does, and draws one bar per customer and currency, stacked by aging
bucket from `current` (green) to `over_90` (red).  doc/aging_report.png is
this script's output over the sample ledger of doc/bi.md; test/drivers/run.sh
renders it in every test run.  Needs Debian's python3-psycopg2 and
python3-matplotlib.
"""
import sys

import matplotlib

matplotlib.use('Agg')  # no display: render to a file
import matplotlib.pyplot as plt  # noqa: E402
import psycopg2  # noqa: E402

BUCKETS = (('current', 'current', '#4caf50'), ('d1_30', '1-30 days', '#cddc39'),
           ('d31_60', '31-60 days', '#ffc107'), ('d61_90', '61-90 days', '#ff7043'),
           ('over_90', 'over 90 days', '#c62828'))
QUERY = '''
SELECT coalesce(customer_key, '(none)') || coalesce(' (' || currency || ')', '') AS who,
       "current", d1_30, d31_60, d61_90, over_90, total
  FROM ar_credit.aging_report
 ORDER BY total DESC, who
'''


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else 'doc/aging_report.png'
    title = sys.argv[2] if len(sys.argv) > 2 else 'Aged receivables (ar_credit.aging_report)'
    with psycopg2.connect('') as conn, conn.cursor() as cur:
        cur.execute(QUERY)
        rows = cur.fetchall()
    if not rows:
        sys.exit('aging_report is empty: nothing to draw')
    who = [r[0] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 3.6), dpi=100)
    bottom = [0.0] * len(rows)
    for i, (_, label, colour) in enumerate(BUCKETS):
        # amounts are numeric (Decimal); float only for drawing
        heights = [float(r[1 + i]) for r in rows]
        ax.bar(who, heights, bottom=bottom, label=label, color=colour, width=0.6)
        bottom = [b + h for b, h in zip(bottom, heights)]
    for x, r in enumerate(rows):
        ax.annotate(f'{r[6]:,.2f}', (x, bottom[x]), ha='center', va='bottom', fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("amount due (in the bar's currency)")
    ax.set_ylim(0, max(bottom) * 1.15)
    ax.legend(fontsize=8, frameon=False, loc='upper right')
    ax.spines[['top', 'right']].set_visible(False)
    fig.tight_layout()
    fig.savefig(out, metadata={'Software': None})
    print(f'{out}: {len(rows)} bars')


if __name__ == '__main__':
    main()
