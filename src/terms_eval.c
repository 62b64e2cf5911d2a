/*
 * terms_eval.c
 *		Payment terms: due dates of a formula and of terms, and the worst
 *		case (max_days) over every invoice date.
 */
#include "terms.h"
#include "terms_int.h"
#include "dates.h"

/* ---------------------------------------------------------------------
 * Evaluation
 * ---------------------------------------------------------------------
 */
bool
terms_eval(const TermsFormula *f, int64_t date, int64_t *result)
{
	int64_t		d = date;

	for (int i = 0; i < f->nsteps; i++)
	{
		const TermsStep *s = &f->steps[i];

		switch (s->kind)
		{
			case TS_ADD_DAYS:
				d += s->n;
				break;
			case TS_ADD_WEEKS:
				d += 7 * (int64_t) s->n;
				break;
			case TS_ADD_MONTHS:
				d = ard_add_months(d, s->n);
				break;
			case TS_ADD_QUARTERS:
				d = ard_add_months(d, 3 * (int64_t) s->n);
				break;
			case TS_ADD_YEARS:
				d = ard_add_months(d, 12 * (int64_t) s->n);
				break;
			case TS_END_WEEK:
				d = ard_end_of_week(d);
				break;
			case TS_END_MONTH:
				d = ard_end_of_month(d);
				break;
			case TS_END_QUARTER:
				d = ard_end_of_quarter(d);
				break;
			case TS_END_YEAR:
				d = ard_end_of_year(d);
				break;
			case TS_DAY_OF_MONTH:
				d = ard_next_day_of_month(d, s->n);
				break;
		}
	}
	*result = d;
	return ard_date_in_range(d);
}

bool
terms_due_date(const Terms *t, int64_t date, int64_t *result)
{
	int64_t		best = 0;

	for (int i = 0; i < t->nlines; i++)
	{
		int64_t		d;

		if (!terms_eval(&t->lines[i].due, date, &d))
		{
			*result = d;
			return false;
		}
		if (i == 0 || d > best)
			best = d;
	}
	*result = best;
	return true;
}

static bool
formula_has(const TermsFormula *f, int kind)
{
	for (int i = 0; i < f->nsteps; i++)
		if (f->steps[i].kind == kind)
			return true;
	return false;
}

static bool
terms_has(const Terms *t, int kind)
{
	for (int i = 0; i < t->nlines; i++)
		if (formula_has(&t->lines[i].due, kind))
			return true;
	return false;
}

/*
 * The invoice dates over which a worst case is taken.
 *
 * A formula reads the calendar only within its reach of the invoice date
 * (each step moves the date by a bounded number of days), so two invoice
 * dates whose surroundings look alike get the same offset.  Where the
 * 4-year leap rule holds, surroundings repeat every 4 years, or every 28
 * with CW (weekdays); 2001-2004 (2001-2028) stand for all those dates.
 * The other dates are those within reach of a century year without
 * 29 February: their surroundings depend on where that year lies, so they
 * are swept around 2100 (and 2200 and 2300 with CW, whose weekdays differ).
 * Windows around one century year are only valid while a reach cannot
 * span two of them, so a formula reaching further than 40 years is swept
 * over a whole 400-year cycle, after which the calendar and the weekdays
 * repeat (146097 days = 20871 weeks).  Sweeping 2001-2004 alone gave
 * max_term_days('100Y') = 36524, but 1999-03-01 + 100Y is 36525 days.
 */
#define SWEEP_FULL_CYCLE	(40 * 365)	/* reach in days beyond which the whole cycle is swept */


/* how far (days) evaluating the formula can move from the invoice date */
static int64_t
formula_reach(const TermsFormula *f)
{
	int64_t		r = 0;

	for (int i = 0; i < f->nsteps; i++)
	{
		int64_t		n = f->steps[i].n < 0 ? -(int64_t) f->steps[i].n : f->steps[i].n;

		switch (f->steps[i].kind)
		{
			case TS_ADD_DAYS:
				r += n;
				break;
			case TS_ADD_WEEKS:
				r += 7 * n;
				break;
			case TS_ADD_MONTHS:
				r += 31 * n;
				break;
			case TS_ADD_QUARTERS:
				r += 92 * n;
				break;
			case TS_ADD_YEARS:
				r += 366 * n;
				break;
			case TS_END_WEEK:
				r += 6;
				break;
			case TS_END_MONTH:
				r += 30;
				break;
			case TS_END_QUARTER:
				r += 91;
				break;
			case TS_END_YEAR:
				r += 365;
				break;
			case TS_DAY_OF_MONTH:
				/* n outside 1..31 only in a decoded value; count it anyway */
				r += 31 + n;
				break;
		}
	}
	return r;
}

int
terms_sweep_ranges(const Terms *t, SweepRange *r)
{
	bool		cw = terms_has(t, TS_END_WEEK) ||
		(t->has_discount && formula_has(&t->discount, TS_END_WEEK));
	int64_t		reach = t->has_discount ? formula_reach(&t->discount) : 0;
	int			n = 1;

	for (int i = 0; i < t->nlines; i++)
	{
		int64_t		lr = formula_reach(&t->lines[i].due);

		if (lr > reach)
			reach = lr;
	}
	/*
	 * The month each visited date lies in is read as well (up to 30 days
	 * on), and the legal checks read the month of the invoice date + 45.
	 */
	reach += 128;

	r[0].from = ard_from_ymd(2001, 1, 1);
	if (reach > SWEEP_FULL_CYCLE)
	{
		r[0].to = ard_from_ymd(2401, 1, 1) - 1;
		return 1;
	}
	r[0].to = cw ? ard_from_ymd(2028, 12, 31) : ard_from_ymd(2004, 12, 31);
	for (int c = 0; c < (cw ? 3 : 1); c++)
	{
		int64_t		march = ard_from_ymd(2100 + 100 * c, 3, 1);

		r[n].from = march - reach;
		r[n].to = march + reach;
		n++;
	}
	return n;
}

int32_t
terms_compute_max_days(const Terms *t)
{
	SweepRange	r[SWEEP_MAX_RANGES];
	int			nr;
	int64_t		best = INT32_MIN;
	bool		days_only = true;

	/* plain day and week adders: the same offset for every date */
	for (int i = 0; i < t->nlines && days_only; i++)
		for (int j = 0; j < t->lines[i].due.nsteps; j++)
			if (t->lines[i].due.steps[j].kind != TS_ADD_DAYS &&
				t->lines[i].due.steps[j].kind != TS_ADD_WEEKS)
				days_only = false;
	if (days_only)
	{
		r[0].from = r[0].to = 0;
		nr = 1;
	}
	else
		nr = terms_sweep_ranges(t, r);

	for (int k = 0; k < nr; k++)
		for (int64_t d = r[k].from; d <= r[k].to; d++)
		{
			int64_t		due;

			terms_due_date(t, d, &due);
			if (due - d > best)
				best = due - d;
		}
	return (int32_t) best;
}

