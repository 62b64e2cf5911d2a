/*
 * test_dates.c
 *		Unit tests of the shared calendar arithmetic (src/dates.c).
 *
 * The conversions are checked against a naive day-by-day walk over
 * 1900..2100 and spot-checked far away; the clamping rules against the
 * hand-worked cases of reference/terms_dunning.md section 2.
 */
#include "unit.h"
#include "dates.h"

static int64_t
ymd(int64_t y, int m, int d)
{
	return ard_from_ymd(y, m, d);
}

static const char *
iso(int64_t d)
{
	static char buf[4][32];
	static int	i = 0;

	i = (i + 1) % 4;
	ard_format_iso(d, buf[i], sizeof(buf[i]));
	return buf[i];
}

int
main(void)
{
	/* PostgreSQL's epoch and the ends of its range */
	UNIT_IS_INT(ymd(2000, 1, 1), 0, "2000-01-01 is day 0 (DateADT epoch)");
	UNIT_IS_INT(ymd(1970, 1, 1), -10957, "1970-01-01 is day -10957");
	UNIT_IS_INT(ymd(-4713, 11, 24), ARD_MIN_DATE, "4714-11-24 BC is the first PostgreSQL date");
	UNIT_IS_INT(ymd(5874897, 12, 31), ARD_MAX_DATE, "5874897-12-31 is the last PostgreSQL date");

	/* round trip and agreement with a naive walk over two centuries */
	{
		int64_t		y = 1900;
		int			m = 1,
					d = 1;
		int64_t		day = ymd(1900, 1, 1);
		int			bad = 0;

		for (; y < 2101; day++)
		{
			int64_t		yy;
			int			mm,
						dd;

			ard_to_ymd(day, &yy, &mm, &dd);
			if (yy != y || mm != m || dd != d || ymd(y, m, d) != day)
				bad++;
			if (++d > ard_days_in_month(y, m))
			{
				d = 1;
				if (++m > 12)
				{
					m = 1;
					y++;
				}
			}
		}
		UNIT_IS_INT(bad, 0, "conversions agree with a day-by-day walk 1900..2100");
	}

	UNIT_OK(ard_is_leap(2000) && !ard_is_leap(1900) && ard_is_leap(2024) && !ard_is_leap(2100),
			"Gregorian leap years (2000 yes, 1900 no, 2024 yes, 2100 no)");
	UNIT_IS_INT(ard_iso_weekday(ymd(2026, 11, 22)), 7, "2026-11-22 is a Sunday");
	UNIT_IS_INT(ard_iso_weekday(ymd(2000, 1, 1)), 6, "2000-01-01 was a Saturday");
	UNIT_IS_INT(ard_iso_weekday(ymd(1999, 12, 27)), 1, "1999-12-27 was a Monday");

	/* month arithmetic clamps the day */
	UNIT_IS_STR(iso(ard_add_months(ymd(2023, 1, 31), 1)), "2023-02-28", "31 Jan 2023 + 1 month = 28 Feb");
	UNIT_IS_STR(iso(ard_add_months(ymd(2024, 1, 31), 1)), "2024-02-29", "31 Jan 2024 + 1 month = 29 Feb (leap)");
	UNIT_IS_STR(iso(ard_add_months(ymd(2024, 2, 29), 12)), "2025-02-28", "29 Feb 2024 + 12 months = 28 Feb 2025");
	UNIT_IS_STR(iso(ard_add_months(ymd(2024, 3, 31), -1)), "2024-02-29", "31 Mar 2024 - 1 month = 29 Feb");
	UNIT_IS_STR(iso(ard_add_months(ymd(2024, 1, 15), -13)), "2022-12-15", "15 Jan 2024 - 13 months");

	/* ends of periods */
	UNIT_IS_STR(iso(ard_end_of_month(ymd(2024, 2, 3))), "2024-02-29", "end of Feb 2024");
	UNIT_IS_STR(iso(ard_end_of_month(ymd(2023, 12, 31))), "2023-12-31", "end of month on the last day is the same day");
	UNIT_IS_STR(iso(ard_end_of_quarter(ymd(2024, 5, 3))), "2024-06-30", "end of Q2");
	UNIT_IS_STR(iso(ard_end_of_year(ymd(2024, 5, 3))), "2024-12-31", "end of year");
	UNIT_IS_STR(iso(ard_end_of_week(ymd(2026, 11, 18))), "2026-11-22", "end of week (Sunday) from a Wednesday");
	UNIT_IS_STR(iso(ard_end_of_week(ymd(2026, 11, 22))), "2026-11-22", "end of week on a Sunday is the same day");

	/* next day n, strictly after, clamped */
	UNIT_IS_STR(iso(ard_next_day_of_month(ymd(2024, 3, 5), 10)), "2024-03-10", "D10 from the 5th");
	UNIT_IS_STR(iso(ard_next_day_of_month(ymd(2024, 3, 10), 10)), "2024-04-10", "D10 from the 10th is next month (strict)");
	UNIT_IS_STR(iso(ard_next_day_of_month(ymd(2023, 2, 28), 30)), "2023-03-30", "D30 from 28 Feb 2023");
	UNIT_IS_STR(iso(ard_next_day_of_month(ymd(2024, 2, 28), 30)), "2024-02-29", "D30 from 28 Feb 2024 is 29 Feb (clamped)");
	UNIT_IS_STR(iso(ard_next_day_of_month(ymd(2024, 1, 31), 31)), "2024-02-29", "D31 from 31 Jan (clamped in Feb)");
	UNIT_IS_STR(iso(ard_next_day_of_month(ymd(2024, 1, 30), 31)), "2024-01-31", "D31 from 30 Jan");
	UNIT_IS_STR(iso(ard_next_day_of_month(ymd(2024, 12, 31), 10)), "2025-01-10", "D10 across the year end");

	/* half-years and 30E/360 */
	UNIT_IS_STR(iso(ard_half_year_start(ymd(2024, 6, 30))), "2024-01-01", "half-year of 30 Jun");
	UNIT_IS_STR(iso(ard_next_half_year_start(ymd(2024, 7, 1))), "2025-01-01", "next half-year after 1 Jul");
	UNIT_IS_INT(ard_days_30e360(ymd(2024, 1, 31), ymd(2024, 3, 31)), 60, "30E/360 31 Jan..31 Mar = 60");
	UNIT_IS_INT(ard_days_30e360(ymd(2024, 2, 28), ymd(2024, 3, 1)), 3, "30E/360 28 Feb..1 Mar = 3");

	return unit_done();
}
