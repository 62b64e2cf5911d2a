/*
 * test_interest.c
 *		Unit tests of late-interest periods, rate fixing and day counts
 *		(src/interest.c): the segments interest_iter produces and the
 *		setting parsers.  Dates and day counts are worked by hand in the
 *		comments (and in doc/interest_worked_examples.md).
 */
#include "unit.h"
#include "interest.h"
#include "dates.h"

#define D(y, m, d) ard_from_ymd((y), (m), (d))

static char datebuf[4][24];
static int	datebuf_i = 0;

static const char *
iso(int64_t d)
{
	char	   *b = datebuf[datebuf_i++ % 4];

	ard_format_iso(d, b, 24);
	return b;
}

/* all segments of a debt into segs (at most max), returns how many */
static int
segments(int64_t due, int64_t paid, InterestFixing fx, DayCount dc,
		 InterestSegment *segs, int max)
{
	InterestIter it;
	InterestSegment s;
	int			n = 0;

	interest_iter_init(&it, due, paid, fx, dc);
	while (interest_iter_next(&it, &s))
	{
		if (n < max)
			segs[n] = s;
		n++;
		if (n > 1000)
			break;
	}
	return n;
}

#define SEG_IS(seg, s, e, dd, b, rd, what) \
	do { \
		UNIT_IS_STR(iso((seg).start), (s), "%s: start", what); \
		UNIT_IS_STR(iso((seg).end), (e), "%s: end", what); \
		UNIT_IS_INT((seg).days, (dd), "%s: days", what); \
		UNIT_IS_INT((seg).basis, (b), "%s: basis", what); \
		UNIT_IS_STR(iso((seg).rate_date), (rd), "%s: rate date", what); \
	} while (0)

int
main(void)
{
	InterestSegment s[8];
	InterestFixing fx;
	DayCount	dc;
	int			n;

	/* ---- setting parsers ---- */
	UNIT_OK(interest_fixing_from("half_year", &fx) && fx == FIX_HALF_YEAR, "fixing half_year");
	UNIT_OK(interest_fixing_from("start_half_year", &fx) && fx == FIX_START_HALF_YEAR, "fixing start_half_year");
	UNIT_OK(interest_fixing_from("reference_day", &fx) && fx == FIX_REFERENCE_DAY, "fixing reference_day");
	UNIT_OK(!interest_fixing_from("Half_Year", &fx), "fixing names are case-sensitive");
	UNIT_OK(!interest_fixing_from("", &fx), "empty fixing rejected");
	UNIT_OK(!interest_fixing_from("half_year ", &fx), "fixing with a trailing space rejected");
	UNIT_OK(!interest_fixing_from("monthly", &fx), "unknown fixing rejected");
	UNIT_OK(interest_day_count_from("act/365", &dc) && dc == DC_ACT_365, "day count act/365");
	UNIT_OK(interest_day_count_from("act/act", &dc) && dc == DC_ACT_ACT, "day count act/act");
	UNIT_OK(interest_day_count_from("act/360", &dc) && dc == DC_ACT_360, "day count act/360");
	UNIT_OK(interest_day_count_from("30/360", &dc) && dc == DC_30_360, "day count 30/360");
	UNIT_OK(!interest_day_count_from("act/364", &dc), "day count act/364 rejected");
	UNIT_OK(!interest_day_count_from("ACT/365", &dc), "day count names are case-sensitive");
	UNIT_OK(!interest_day_count_from("", &dc), "empty day count rejected");

	/* ---- no segment when paid <= due ---- */
	UNIT_IS_INT(segments(D(2024, 6, 15), D(2024, 6, 15), FIX_HALF_YEAR, DC_ACT_365, s, 8), 0, "paid on the due date: no segment");
	UNIT_IS_INT(segments(D(2024, 6, 15), D(2024, 6, 1), FIX_HALF_YEAR, DC_ACT_365, s, 8), 0, "paid before due: no segment");
	UNIT_IS_INT(segments(D(2024, 6, 15), D(2024, 6, 1), FIX_REFERENCE_DAY, DC_30_360, s, 8), 0, "paid before due (reference_day, 30/360): no segment");
	{
		InterestIter it;
		InterestSegment x;
		bool		got;

		/* UNIT_OK evaluates its condition twice: call the iterator outside */
		interest_iter_init(&it, D(2024, 6, 15), D(2024, 6, 16), FIX_HALF_YEAR, DC_ACT_365);
		got = interest_iter_next(&it, &x);
		UNIT_OK(got, "one day late: a segment");
		SEG_IS(x, "2024-06-16", "2024-06-16", 1, 365, "2024-01-01", "one day late");
		got = interest_iter_next(&it, &x);
		UNIT_OK(!got, "one day late: then no more");
		got = interest_iter_next(&it, &x);
		UNIT_OK(!got, "an exhausted iterator stays exhausted");
	}

	/* ---- half_year: split at 1 Jul, each half at its first day's rate ---- */
	/* due 2024-06-15, paid 2024-07-15: 16..30 Jun = 15 days, 1..15 Jul = 15 days */
	n = segments(D(2024, 6, 15), D(2024, 7, 15), FIX_HALF_YEAR, DC_ACT_365, s, 8);
	UNIT_IS_INT(n, 2, "FR_B2B example: two segments");
	SEG_IS(s[0], "2024-06-16", "2024-06-30", 15, 365, "2024-01-01", "FR_B2B example H1");
	SEG_IS(s[1], "2024-07-01", "2024-07-15", 15, 365, "2024-07-01", "FR_B2B example H2");

	/* all of 2024 at act/365: 182 + 184 days, basis 365 although leap */
	n = segments(D(2023, 12, 31), D(2024, 12, 31), FIX_HALF_YEAR, DC_ACT_365, s, 8);
	UNIT_IS_INT(n, 2, "2024 at act/365: two segments");
	SEG_IS(s[0], "2024-01-01", "2024-06-30", 182, 365, "2024-01-01", "2024 H1");
	SEG_IS(s[1], "2024-07-01", "2024-12-31", 184, 365, "2024-07-01", "2024 H2");

	/* across 29 Feb: 16 Feb..15 Mar 2024 = 14 + 15 = 29 days, one segment */
	n = segments(D(2024, 2, 15), D(2024, 3, 15), FIX_HALF_YEAR, DC_ACT_365, s, 8);
	UNIT_IS_INT(n, 1, "across 29 Feb: one segment");
	SEG_IS(s[0], "2024-02-16", "2024-03-15", 29, 365, "2024-01-01", "across 29 Feb");

	/*
	 * 2023-04-01..2024-09-30: 91 (Apr-Jun) + 184 (Jul-Dec) + 182 (Jan-Jun
	 * 2024) + 92 (Jul-Sep) = 549 = paid - due
	 */
	n = segments(D(2023, 3, 31), D(2024, 9, 30), FIX_HALF_YEAR, DC_ACT_365, s, 8);
	UNIT_IS_INT(n, 4, "18 months: four half-year segments");
	SEG_IS(s[0], "2023-04-01", "2023-06-30", 91, 365, "2023-01-01", "18 months, 1st");
	SEG_IS(s[1], "2023-07-01", "2023-12-31", 184, 365, "2023-07-01", "18 months, 2nd");
	SEG_IS(s[2], "2024-01-01", "2024-06-30", 182, 365, "2024-01-01", "18 months, 3rd");
	SEG_IS(s[3], "2024-07-01", "2024-09-30", 92, 365, "2024-07-01", "18 months, 4th");
	UNIT_IS_INT(s[0].days + s[1].days + s[2].days + s[3].days, D(2024, 9, 30) - D(2023, 3, 31),
				"18 months: the days add up to paid - due");

	/* due on 30 Jun: interest starts on 1 Jul, one H2 segment */
	n = segments(D(2024, 6, 30), D(2024, 7, 31), FIX_HALF_YEAR, DC_ACT_365, s, 8);
	UNIT_IS_INT(n, 1, "due 30 Jun: one segment");
	SEG_IS(s[0], "2024-07-01", "2024-07-31", 31, 365, "2024-07-01", "due 30 Jun");

	/* ---- act/act: also split at 1 Jan, basis = days of that year ---- */
	/* 2023-12-16..31 = 16 days / 365, 2024-01-01..15 = 15 days / 366 */
	n = segments(D(2023, 12, 15), D(2024, 1, 15), FIX_HALF_YEAR, DC_ACT_ACT, s, 8);
	UNIT_IS_INT(n, 2, "act/act across 1 Jan 2024: two segments");
	SEG_IS(s[0], "2023-12-16", "2023-12-31", 16, 365, "2023-07-01", "act/act 2023 part");
	SEG_IS(s[1], "2024-01-01", "2024-01-15", 15, 366, "2024-01-01", "act/act 2024 part");
	/* with a fixed rate the 1 Jan split stays (basis), the rate date does not move */
	n = segments(D(2024, 12, 15), D(2025, 1, 15), FIX_START_HALF_YEAR, DC_ACT_ACT, s, 8);
	UNIT_IS_INT(n, 2, "act/act start_half_year across 1 Jan 2025: two segments");
	SEG_IS(s[0], "2024-12-16", "2024-12-31", 16, 366, "2024-07-01", "act/act fixed 2024 part");
	SEG_IS(s[1], "2025-01-01", "2025-01-15", 15, 365, "2024-07-01", "act/act fixed 2025 part");
	/* act/act inside one half-year of a leap year: one segment / 366 */
	n = segments(D(2024, 2, 15), D(2024, 3, 15), FIX_HALF_YEAR, DC_ACT_ACT, s, 8);
	UNIT_IS_INT(n, 1, "act/act Feb-Mar 2024: one segment");
	UNIT_IS_INT(s[0].basis, 366, "act/act Feb-Mar 2024: basis 366");

	/* ---- act/360 ---- */
	n = segments(D(2024, 6, 15), D(2024, 7, 15), FIX_HALF_YEAR, DC_ACT_360, s, 8);
	UNIT_IS_INT(n, 2, "act/360 across 1 Jul: two segments");
	UNIT_OK(s[0].days == 15 && s[0].basis == 360 && s[1].days == 15 && s[1].basis == 360,
			"act/360: 15/360 + 15/360");

	/* ---- 30E/360 ---- */
	/* 15 Feb -> 15 Mar 2024: (3-2) x 30 + (15-15) = 30 (29 actual) */
	n = segments(D(2024, 2, 15), D(2024, 3, 15), FIX_HALF_YEAR, DC_30_360, s, 8);
	UNIT_IS_INT(n, 1, "30/360 Feb-Mar: one segment");
	UNIT_IS_INT(s[0].days, 30, "30/360 15 Feb -> 15 Mar 2024 = 30 days");
	UNIT_IS_INT(s[0].basis, 360, "30/360 basis 360");
	/* 15 Jul -> 31 Aug 2024: 31 -> 30; (8-7) x 30 + (30-15) = 45 (47 actual) */
	n = segments(D(2024, 7, 15), D(2024, 8, 31), FIX_HALF_YEAR, DC_30_360, s, 8);
	UNIT_IS_INT(s[0].days, 45, "30/360 15 Jul -> 31 Aug 2024 = 45 days");
	/* 31 Jan -> 29 Feb 2024: 31 -> 30; 30 + (29-30) = 29 */
	n = segments(D(2024, 1, 31), D(2024, 2, 29), FIX_HALF_YEAR, DC_30_360, s, 8);
	UNIT_IS_INT(s[0].days, 29, "30/360 31 Jan -> 29 Feb 2024 = 29 days");
	/* across 1 Jul: 15 Jun -> 30 Jun = 15, 30 Jun -> 15 Jul = 15 */
	n = segments(D(2024, 6, 15), D(2024, 7, 15), FIX_HALF_YEAR, DC_30_360, s, 8);
	UNIT_IS_INT(n, 2, "30/360 across 1 Jul: two segments");
	SEG_IS(s[0], "2024-06-16", "2024-06-30", 15, 360, "2024-01-01", "30/360 H1 part");
	SEG_IS(s[1], "2024-07-01", "2024-07-15", 15, 360, "2024-07-01", "30/360 H2 part");
	/* a whole year: 360 */
	n = segments(D(2023, 12, 31), D(2024, 12, 31), FIX_HALF_YEAR, DC_30_360, s, 8);
	UNIT_IS_INT(s[0].days + s[1].days, 360, "30/360 all of 2024 = 180 + 180 = 360 days");

	/* ---- start_half_year (FR_PUBLIC): one rate, first day of the start half ---- */
	n = segments(D(2024, 6, 15), D(2024, 7, 15), FIX_START_HALF_YEAR, DC_ACT_365, s, 8);
	UNIT_IS_INT(n, 1, "start_half_year across 1 Jul: one segment");
	SEG_IS(s[0], "2024-06-16", "2024-07-15", 30, 365, "2024-01-01", "start_half_year from H1");
	n = segments(D(2024, 6, 30), D(2024, 7, 30), FIX_START_HALF_YEAR, DC_ACT_365, s, 8);
	UNIT_IS_STR(iso(s[0].rate_date), "2024-07-01", "start_half_year, due 30 Jun: starts 1 Jul, rate of 1 Jul");
	n = segments(D(2024, 12, 31), D(2026, 3, 31), FIX_START_HALF_YEAR, DC_ACT_365, s, 8);
	UNIT_IS_INT(n, 1, "start_half_year over 15 months: still one segment");
	UNIT_IS_STR(iso(s[0].rate_date), "2025-01-01", "start_half_year, due 31 Dec 2024: rate of 1 Jan 2025");
	UNIT_IS_INT(s[0].days, D(2026, 3, 31) - D(2024, 12, 31), "start_half_year: days = paid - due");

	/* ---- reference_day (UK): 30 Jun / 31 Dec just before interest starts ---- */
	n = segments(D(2023, 12, 30), D(2024, 1, 29), FIX_REFERENCE_DAY, DC_ACT_365, s, 8);
	UNIT_IS_STR(iso(s[0].rate_date), "2023-06-30", "UK starts 31 Dec 2023: 30 Jun 2023");
	n = segments(D(2023, 12, 31), D(2024, 1, 30), FIX_REFERENCE_DAY, DC_ACT_365, s, 8);
	UNIT_IS_STR(iso(s[0].rate_date), "2023-12-31", "UK starts 1 Jan 2024: 31 Dec 2023");
	n = segments(D(2025, 6, 29), D(2025, 7, 29), FIX_REFERENCE_DAY, DC_ACT_365, s, 8);
	UNIT_IS_STR(iso(s[0].rate_date), "2024-12-31", "UK starts 30 Jun 2025: 31 Dec 2024");
	n = segments(D(2025, 6, 30), D(2025, 7, 30), FIX_REFERENCE_DAY, DC_ACT_365, s, 8);
	UNIT_IS_STR(iso(s[0].rate_date), "2025-06-30", "UK starts 1 Jul 2025: 30 Jun 2025");
	n = segments(D(2023, 12, 31), D(2024, 12, 31), FIX_REFERENCE_DAY, DC_ACT_365, s, 8);
	UNIT_IS_INT(n, 1, "UK year-long debt: one segment");
	SEG_IS(s[0], "2024-01-01", "2024-12-31", 366, 365, "2023-12-31", "UK 2024");

	return unit_done();
}
