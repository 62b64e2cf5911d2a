/*
 * interest.c
 *		Late-payment interest periods, rate fixing and day counts (interest.h).
 *
 * Sources of the rules:
 * - FR, Code de commerce L441-10 II: penalties run from the day after the
 *	 due date; the rate applicable during the first half-year is the one in
 *	 force on 1 January, during the second half-year the one in force on
 *	 1 July (FIX_HALF_YEAR).  Simple interest, amount x days x rate / 36 500,
 *	 365 days even in leap years (service-public.fr fiches F783 / F20688).
 * - FR public procurement, Code de la commande publique R2192-31: the rate of
 *	 the half-year in which interest started, fixed (FIX_START_HALF_YEAR).
 * - DE, BGB 288 and 247: the Basiszinssatz changes on 1 Jan / 1 Jul, so
 *	 splitting at half-years follows the rate (FIX_HALF_YEAR).
 * - UK, Late Payment of Commercial Debts (Rate of Interest) (No. 3) Order
 *	 2002 (SI 2002/1675) art. 4: the official dealing rate in force on
 *	 30 June (31 December) immediately before the day interest starts, fixed
 *	 for the whole debt (FIX_REFERENCE_DAY); daily amount = debt x rate / 365.
 */
#include "interest.h"
#include "dates.h"

#include <string.h>

bool
interest_fixing_from(const char *s, InterestFixing *out)
{
	if (strcmp(s, "half_year") == 0)
		*out = FIX_HALF_YEAR;
	else if (strcmp(s, "start_half_year") == 0)
		*out = FIX_START_HALF_YEAR;
	else if (strcmp(s, "reference_day") == 0)
		*out = FIX_REFERENCE_DAY;
	else
		return false;
	return true;
}

bool
interest_day_count_from(const char *s, DayCount *out)
{
	if (strcmp(s, "act/365") == 0)
		*out = DC_ACT_365;
	else if (strcmp(s, "act/act") == 0)
		*out = DC_ACT_ACT;
	else if (strcmp(s, "act/360") == 0)
		*out = DC_ACT_360;
	else if (strcmp(s, "30/360") == 0)
		*out = DC_30_360;
	else
		return false;
	return true;
}

void
interest_iter_init(InterestIter *it, int64_t due, int64_t paid,
				   InterestFixing fixing, DayCount day_count)
{
	it->cur = due + 1;
	it->last = paid;
	it->fixing = fixing;
	it->day_count = day_count;
	/* a rate fixed for the whole debt is read once, from interest's first day */
	if (fixing == FIX_START_HALF_YEAR)
		it->fixed_rate_date = ard_half_year_start(due + 1);
	else if (fixing == FIX_REFERENCE_DAY)
		it->fixed_rate_date = ard_half_year_start(due + 1) - 1;
	else
		it->fixed_rate_date = 0;
}

bool
interest_iter_next(InterestIter *it, InterestSegment *seg)
{
	int64_t		boundary;		/* first day of the next segment */

	if (it->cur > it->last)
		return false;
	boundary = it->last + 1;
	if (it->fixing == FIX_HALF_YEAR && ard_next_half_year_start(it->cur) < boundary)
		boundary = ard_next_half_year_start(it->cur);
	if (it->day_count == DC_ACT_ACT)
	{
		int64_t		y;
		int			m,
					d;
		int64_t		next_year;

		ard_to_ymd(it->cur, &y, &m, &d);
		next_year = ard_from_ymd(y + 1, 1, 1);
		if (next_year < boundary)
			boundary = next_year;
	}

	seg->start = it->cur;
	seg->end = boundary - 1;
	seg->rate_date = (it->fixing == FIX_HALF_YEAR) ? ard_half_year_start(it->cur) : it->fixed_rate_date;
	switch (it->day_count)
	{
		case DC_ACT_365:
			seg->days = seg->end - seg->start + 1;
			seg->basis = 365;
			break;
		case DC_ACT_360:
			seg->days = seg->end - seg->start + 1;
			seg->basis = 360;
			break;
		case DC_30_360:
			seg->days = ard_days_30e360(seg->start - 1, seg->end);
			seg->basis = 360;
			break;
		case DC_ACT_ACT:
			{
				int64_t		y;
				int			m,
							d;

				ard_to_ymd(seg->start, &y, &m, &d);
				seg->days = seg->end - seg->start + 1;
				seg->basis = ard_days_in_year(y);
			}
			break;
	}
	it->cur = boundary;
	return true;
}
