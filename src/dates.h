/*
 * dates.h
 *		Calendar arithmetic shared by every ar_credit area.
 *
 * This is the one place where ar_credit does date arithmetic: payment
 * terms, aging, interest periods and dunning schedules all call it.  It has
 * no PostgreSQL dependency so that it can be unit-tested and fuzzed alone.
 *
 * A date is a count of days since 2000-01-01, exactly PostgreSQL's DateADT,
 * so the fmgr glue passes dates through unchanged.  Calendar is proleptic
 * Gregorian with astronomical year numbering (year 0 = 1 BC), as
 * PostgreSQL's own date2j()/j2date().  Functions that can leave the valid
 * range compute in 64 bits and return an int64 that the caller checks with
 * ard_date_in_range().
 */
#ifndef AR_CREDIT_DATES_H
#define AR_CREDIT_DATES_H

#include <stdbool.h>
#include <stdint.h>

typedef int32_t ard_date;

/*
 * PostgreSQL's finite date range: 4714-11-24 BC (Julian day 0) up to
 * 5874897-12-31, expressed as days since 2000-01-01.  INT32_MIN and
 * INT32_MAX are -infinity and +infinity in PostgreSQL and are outside it.
 */
#define ARD_MIN_DATE	(-2451545)
#define ARD_MAX_DATE	(2147483494 - 2451545 - 1)

static inline bool
ard_date_in_range(int64_t d)
{
	return d >= ARD_MIN_DATE && d <= ARD_MAX_DATE;
}

extern bool ard_is_leap(int64_t year);
extern int	ard_days_in_month(int64_t year, int month);
extern int	ard_days_in_year(int64_t year);

/* conversions between day numbers and (year, month 1-12, day 1-31) */
extern int64_t ard_from_ymd(int64_t year, int month, int day);
extern void ard_to_ymd(int64_t date, int64_t *year, int *month, int *day);

/* ISO day of week: 1 = Monday ... 7 = Sunday */
extern int	ard_iso_weekday(int64_t date);

/* add months, clamping the day to the target month's end (31 Jan + 1 = 28/29 Feb) */
extern int64_t ard_add_months(int64_t date, int64_t months);

/* last day of the date's week (Sunday, ISO), month, quarter and year */
extern int64_t ard_end_of_week(int64_t date);
extern int64_t ard_end_of_month(int64_t date);
extern int64_t ard_end_of_quarter(int64_t date);
extern int64_t ard_end_of_year(int64_t date);
extern int64_t ard_start_of_month(int64_t date);

/*
 * The next date strictly after `date` whose day of month is `day` (1..31),
 * clamped to the end of shorter months: from 28 Feb, D30 gives 30 Mar; from
 * 30 Jan, D31 gives 31 Jan; from 31 Jan, D31 gives 28/29 Feb.
 */
extern int64_t ard_next_day_of_month(int64_t date, int day);

/* first day of the half-year (1 Jan or 1 Jul) containing date, and of the next one */
extern int64_t ard_half_year_start(int64_t date);
extern int64_t ard_next_half_year_start(int64_t date);

/*
 * Day counts between two dates (from < to gives a positive count):
 * actual days, and the 30E/360 (Eurobond) count.
 */
extern int64_t ard_days_30e360(int64_t from, int64_t to);

/* writes YYYY-MM-DD (ISO, astronomical year) into buf of at least 24 bytes */
extern void ard_format_iso(int64_t date, char *buf, int buflen);

#endif							/* AR_CREDIT_DATES_H */
