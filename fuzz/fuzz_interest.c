/*
 * fuzz_interest.c
 *		libFuzzer target for late-payment interest periods (src/interest.c).
 *
 * Any due and payment dates in PostgreSQL's range (the glue rejects
 * infinities) with any fixing rule and day count must give segments that
 * tile the period exactly, stay inside one half-year (one rate) or one year
 * (act/act) as the rule requires, count days as the convention says and
 * read the rate of the right date.  The period is bounded to about 360
 * years (mostly 11) so that one input stays fast; its position is anywhere
 * in range.
 */
#include "fuzz.h"

#include "dates.h"
#include "interest.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size, 0};
	int			sel = fuzz_byte(&in);
	InterestFixing fixing = (InterestFixing) ((sel & 0x0F) % 3);
	DayCount	dc = (DayCount) ((sel >> 4) % 4);
	int64_t		due,
				paid;
	InterestIter it;
	InterestSegment seg;
	int64_t		expect_start;
	int64_t		nseg = 0;
	int64_t		sum_30e360 = 0;
	int64_t		start_hy;

	if (sel & 0x80)
		due = (fuzz_byte(&in) & 1 ? ARD_MAX_DATE : ARD_MIN_DATE) + fuzz_range(&in, -5000, 5000);
	else
		due = fuzz_range(&in, ARD_MIN_DATE, ARD_MAX_DATE);
	/* mostly up to 11 years; one input in 16 up to 360 */
	paid = due + fuzz_range(&in, -1000, (fuzz_byte(&in) & 0xF0) == 0xF0 ? 1 << 17 : 1 << 12);
	if (!ard_date_in_range(due) || !ard_date_in_range(paid))
		return 0;

	interest_iter_init(&it, due, paid, fixing, dc);
	start_hy = ard_half_year_start(due + 1);
	expect_start = due + 1;
	while (interest_iter_next(&it, &seg))
	{
		int64_t		y,
					y2;
		int			m,
					d,
					m2,
					d2;

		/* tiling: contiguous, non-empty, never past the payment date */
		FUZZ_CHECK(++nseg <= paid - due);
		FUZZ_CHECK(seg.start == expect_start);
		FUZZ_CHECK(seg.end >= seg.start && seg.end <= paid);
		expect_start = seg.end + 1;

		/* one rate per segment: it never spans a half-year boundary */
		if (fixing == FIX_HALF_YEAR)
		{
			FUZZ_CHECK(ard_half_year_start(seg.start) == ard_half_year_start(seg.end));
			FUZZ_CHECK(seg.rate_date == ard_half_year_start(seg.start));
		}
		else if (fixing == FIX_START_HALF_YEAR)
			FUZZ_CHECK(seg.rate_date == start_hy);
		else
		{
			/* 30 June or 31 December just before interest starts */
			ard_to_ymd(seg.rate_date, &y, &m, &d);
			FUZZ_CHECK(seg.rate_date == start_hy - 1);
			FUZZ_CHECK((m == 6 && d == 30) || (m == 12 && d == 31));
		}

		ard_to_ymd(seg.start, &y, &m, &d);
		ard_to_ymd(seg.end, &y2, &m2, &d2);
		switch (dc)
		{
			case DC_ACT_365:
				FUZZ_CHECK(seg.days == seg.end - seg.start + 1 && seg.basis == 365);
				break;
			case DC_ACT_360:
				FUZZ_CHECK(seg.days == seg.end - seg.start + 1 && seg.basis == 360);
				break;
			case DC_ACT_ACT:
				/* each segment within one calendar year, over that year's days */
				FUZZ_CHECK(y == y2);
				FUZZ_CHECK(seg.days == seg.end - seg.start + 1 &&
						   seg.basis == ard_days_in_year(y));
				break;
			case DC_30_360:
				FUZZ_CHECK(seg.basis == 360 && seg.days >= 0);
				sum_30e360 += seg.days;
				break;
		}
	}
	if (paid > due)
	{
		FUZZ_CHECK(nseg >= 1 && expect_start == paid + 1);
		/* 30E/360 segment counts add up to the count of the whole period */
		if (dc == DC_30_360)
			FUZZ_CHECK(sum_30e360 == ard_days_30e360(due, paid));
	}
	else
		FUZZ_CHECK(nseg == 0);
	/* exhausted stays exhausted */
	FUZZ_CHECK(!interest_iter_next(&it, &seg));
	return 0;
}
