/*
 * dates.c
 *		Calendar arithmetic shared by every ar_credit area (see dates.h).
 *
 * Conversions use Howard Hinnant's branch-light civil-from-days algorithms
 * ("chrono-Compatible Low-Level Date Algorithms"), re-based from the Unix
 * epoch to PostgreSQL's 2000-01-01.  They are exact for every proleptic
 * Gregorian date in 64-bit range, so no loop ever walks day by day.
 */
#include "dates.h"

#include <stdio.h>

/* days from 1970-01-01 to 2000-01-01 */
#define EPOCH_SHIFT 10957

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

bool
ard_is_leap(int64_t year)
{
	return (year % 4 == 0) && (year % 100 != 0 || year % 400 == 0);
}

int
ard_days_in_month(int64_t year, int month)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && ard_is_leap(year))
		return 29;
	return mdays[month - 1];
}

int
ard_days_in_year(int64_t year)
{
	return ard_is_leap(year) ? 366 : 365;
}

int64_t
ard_from_ymd(int64_t year, int month, int day)
{
	int64_t		y = year - (month <= 2);
	int64_t		era = floor_div(y, 400);
	int64_t		yoe = y - era * 400;
	int64_t		mp = (month + 9) % 12;	/* March = 0 */
	int64_t		doy = (153 * mp + 2) / 5 + day - 1;
	int64_t		doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468 - EPOCH_SHIFT;
}

void
ard_to_ymd(int64_t date, int64_t *year, int *month, int *day)
{
	int64_t		z = date + EPOCH_SHIFT + 719468;
	int64_t		era,
				doe,
				yoe,
				doy,
				mp;
	int			m;

	/*
	 * Fast path for 0000-03-01 .. about 11 million AD: the same algorithm
	 * in unsigned 32-bit arithmetic, where every division by a constant
	 * becomes a multiplication.  due_date() calls this once per row.
	 */
	if (z >= 0 && z < (int64_t) 4000000000U)
	{
		uint32_t	uz = (uint32_t) z;
		uint32_t	uera = uz / 146097;
		uint32_t	udoe = uz - uera * 146097;
		uint32_t	uyoe = (udoe - udoe / 1460 + udoe / 36524 - udoe / 146096) / 365;
		uint32_t	udoy = udoe - (365 * uyoe + uyoe / 4 - uyoe / 100);
		uint32_t	ump = (5 * udoy + 2) / 153;

		m = (int) (ump < 10 ? ump + 3 : ump - 9);
		*day = (int) (udoy - (153 * ump + 2) / 5 + 1);
		*month = m;
		*year = (int64_t) uyoe + (int64_t) uera * 400 + (m <= 2);
		return;
	}

	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*day = (int) (doy - (153 * mp + 2) / 5 + 1);
	*month = m;
	*year = yoe + era * 400 + (m <= 2);
}

int
ard_iso_weekday(int64_t date)
{
	/* 2000-01-01 was a Saturday (6) */
	int64_t		w = (date + 5) % 7;

	if (w < 0)
		w += 7;
	return (int) w + 1;
}

int64_t
ard_add_months(int64_t date, int64_t months)
{
	int64_t		y;
	int			m,
				d;
	int64_t		total;
	int			dim;

	ard_to_ymd(date, &y, &m, &d);
	total = y * 12 + (m - 1) + months;
	y = floor_div(total, 12);
	m = (int) (total - y * 12) + 1;
	dim = ard_days_in_month(y, m);
	return ard_from_ymd(y, m, d > dim ? dim : d);
}

int64_t
ard_end_of_week(int64_t date)
{
	return date + (7 - ard_iso_weekday(date));
}

int64_t
ard_end_of_month(int64_t date)
{
	int64_t		y;
	int			m,
				d;

	ard_to_ymd(date, &y, &m, &d);
	return date + (ard_days_in_month(y, m) - d);
}

int64_t
ard_start_of_month(int64_t date)
{
	int64_t		y;
	int			m,
				d;

	ard_to_ymd(date, &y, &m, &d);
	return date - (d - 1);
}

int64_t
ard_end_of_quarter(int64_t date)
{
	int64_t		y;
	int			m,
				d;
	int			qm;

	ard_to_ymd(date, &y, &m, &d);
	qm = ((m - 1) / 3) * 3 + 3;
	return ard_from_ymd(y, qm, ard_days_in_month(y, qm));
}

int64_t
ard_end_of_year(int64_t date)
{
	int64_t		y;
	int			m,
				d;

	ard_to_ymd(date, &y, &m, &d);
	return ard_from_ymd(y, 12, 31);
}

int64_t
ard_next_day_of_month(int64_t date, int day)
{
	int64_t		y;
	int			m,
				d;
	int			dim;
	int			target;

	ard_to_ymd(date, &y, &m, &d);
	dim = ard_days_in_month(y, m);
	target = day > dim ? dim : day;
	if (target > d)
		return date + (target - d);
	/* next month */
	if (++m > 12)
	{
		m = 1;
		y++;
	}
	dim = ard_days_in_month(y, m);
	return ard_from_ymd(y, m, day > dim ? dim : day);
}

int64_t
ard_half_year_start(int64_t date)
{
	int64_t		y;
	int			m,
				d;

	ard_to_ymd(date, &y, &m, &d);
	return ard_from_ymd(y, m <= 6 ? 1 : 7, 1);
}

int64_t
ard_next_half_year_start(int64_t date)
{
	int64_t		y;
	int			m,
				d;

	ard_to_ymd(date, &y, &m, &d);
	return m <= 6 ? ard_from_ymd(y, 7, 1) : ard_from_ymd(y + 1, 1, 1);
}

int64_t
ard_days_30e360(int64_t from, int64_t to)
{
	int64_t		y1,
				y2;
	int			m1,
				d1,
				m2,
				d2;

	ard_to_ymd(from, &y1, &m1, &d1);
	ard_to_ymd(to, &y2, &m2, &d2);
	if (d1 == 31)
		d1 = 30;
	if (d2 == 31)
		d2 = 30;
	return (y2 - y1) * 360 + (m2 - m1) * 30 + (d2 - d1);
}

void
ard_format_iso(int64_t date, char *buf, int buflen)
{
	int64_t		y;
	int			m,
				d;

	ard_to_ymd(date, &y, &m, &d);
	snprintf(buf, buflen, "%04lld-%02d-%02d", (long long) y, m, d);
}
