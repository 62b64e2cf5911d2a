/*
 * interest.h
 *		Statutory late-payment interest: periods, rate fixing, day counts
 *		(SPEC section 4).
 *
 * Pure C.  Interest runs from the day after the due date through the
 * payment date inclusive (paid - due days).  The period is cut into
 * segments, each with the date whose reference rate applies and its day
 * count; the glue (src/interest_sql.c) looks the rates up in its cache and
 * computes each segment's interest in exact numeric arithmetic, rounded to
 * cents per segment.
 */
#ifndef AR_CREDIT_INTEREST_H
#define AR_CREDIT_INTEREST_H

#include <stdbool.h>
#include <stdint.h>

typedef enum InterestFixing
{
	FIX_HALF_YEAR,				/* split at 1 Jan / 1 Jul, each half-year's rate of its first day */
	FIX_START_HALF_YEAR,		/* one rate: that of the first day of the half-year interest starts in */
	FIX_REFERENCE_DAY			/* one rate: that of 30 Jun / 31 Dec just before interest starts (UK) */
} InterestFixing;

typedef enum DayCount
{
	DC_ACT_365,					/* actual days / 365, also in leap years */
	DC_ACT_ACT,					/* actual days / days of the year, split at 1 Jan */
	DC_ACT_360,					/* actual days / 360 */
	DC_30_360					/* 30E/360 days / 360 */
} DayCount;

typedef struct InterestSegment
{
	int64_t		start;			/* first day accruing interest */
	int64_t		end;			/* last day accruing interest (inclusive) */
	int64_t		days;			/* days counted (day-count convention applied) */
	int			basis;			/* days in the year for the rate */
	int64_t		rate_date;		/* date whose reference rate applies */
} InterestSegment;

typedef struct InterestIter
{
	int64_t		cur;
	int64_t		last;
	InterestFixing fixing;
	DayCount	day_count;
	int64_t		fixed_rate_date;
} InterestIter;

/* parse setting names ("half_year", "act/365", ...); false if unknown */
extern bool interest_fixing_from(const char *s, InterestFixing *out);
extern bool interest_day_count_from(const char *s, DayCount *out);

/* segments of interest for a debt due on `due` and paid on `paid` (none if paid <= due) */
extern void interest_iter_init(InterestIter *it, int64_t due, int64_t paid,
							   InterestFixing fixing, DayCount day_count);
extern bool interest_iter_next(InterestIter *it, InterestSegment *seg);

#endif							/* AR_CREDIT_INTEREST_H */
