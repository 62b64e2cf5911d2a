/*
 * fuzz_dates.c
 *		libFuzzer target for the calendar arithmetic (src/dates.c).
 *
 * Every area computes dates through dates.c, and terms formulas can carry a
 * date far outside PostgreSQL's range before the final range check (16 steps
 * of up to 32767 years from a decoded value), so the functions are driven
 * with dates up to 2^34 days beyond either end of the range and checked
 * against each other and, inside the range, against PostgreSQL's own
 * date2j()/j2date() (copied below as an independent oracle).
 */
#include "fuzz.h"

#include "dates.h"

#define MARGIN		(INT64_C(1) << 34)
#define PG_EPOCH_JDATE 2451545

/* PostgreSQL 15 src/backend/utils/adt/datetime.c, date2j() and j2date() */
static int
pg_date2j(int year, int month, int day)
{
	int			julian;
	int			century;

	if (month > 2)
	{
		month += 1;
		year += 4800;
	}
	else
	{
		month += 13;
		year += 4799;
	}
	century = year / 100;
	julian = year * 365 - 32167;
	julian += year / 4 - century + century / 4;
	julian += 7834 * month / 256 + day;
	return julian;
}

static void
pg_j2date(int jd, int *year, int *month, int *day)
{
	unsigned int julian;
	unsigned int quad;
	unsigned int extra;
	int			y;

	julian = jd;
	julian += 32044;
	quad = julian / 146097;
	extra = (julian - quad * 146097) * 4 + 3;
	julian += 60 + quad * 3 + extra / 146097;
	quad = julian / 1461;
	julian -= quad * 1461;
	y = julian * 4 / 1461;
	julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
	y += quad * 4;
	*year = y - 4800;
	quad = julian * 2141 / 65536;
	*day = julian - 7834 * quad / 256;
	*month = (quad + 10) % 12 + 1;
}

/* the 30E/360 position of a date, of which ard_days_30e360 is a difference */
static int64_t
pos_30e360(int64_t d)
{
	int64_t		y;
	int			m,
				day;

	ard_to_ymd(d, &y, &m, &day);
	return y * 360 + m * 30 + (day == 31 ? 30 : day);
}

static void
check_date(int64_t d)
{
	int64_t		y,
				y2;
	int			m,
				day,
				m2,
				day2;
	int64_t		r;
	char		iso[24];

	/* conversions round trip and the next day is the next calendar day */
	ard_to_ymd(d, &y, &m, &day);
	FUZZ_CHECK(m >= 1 && m <= 12);
	FUZZ_CHECK(day >= 1 && day <= ard_days_in_month(y, m));
	FUZZ_CHECK(ard_from_ymd(y, m, day) == d);
	ard_to_ymd(d + 1, &y2, &m2, &day2);
	if (day < ard_days_in_month(y, m))
		FUZZ_CHECK(y2 == y && m2 == m && day2 == day + 1);
	else if (m < 12)
		FUZZ_CHECK(y2 == y && m2 == m + 1 && day2 == 1);
	else
		FUZZ_CHECK(y2 == y + 1 && m2 == 1 && day2 == 1);
	FUZZ_CHECK(ard_days_in_year(y) == 365 + ard_is_leap(y));
	FUZZ_CHECK(ard_from_ymd(y + 1, 1, 1) - ard_from_ymd(y, 1, 1) == ard_days_in_year(y));

	/* inside PostgreSQL's range: the same calendar as PostgreSQL */
	if (ard_date_in_range(d))
	{
		int			py,
					pm,
					pd;

		pg_j2date((int) (d + PG_EPOCH_JDATE), &py, &pm, &pd);
		FUZZ_CHECK(py == y && pm == m && pd == day);
		FUZZ_CHECK(pg_date2j(py, pm, pd) - PG_EPOCH_JDATE == d);
	}

	/* weekday */
	FUZZ_CHECK(ard_iso_weekday(d) >= 1 && ard_iso_weekday(d) <= 7);
	FUZZ_CHECK(ard_iso_weekday(d + 1) == ard_iso_weekday(d) % 7 + 1);
	r = ard_end_of_week(d);
	FUZZ_CHECK(r >= d && r - d <= 6 && ard_iso_weekday(r) == 7);

	/* ends and starts of periods */
	r = ard_end_of_month(d);
	ard_to_ymd(r, &y2, &m2, &day2);
	FUZZ_CHECK(y2 == y && m2 == m && day2 == ard_days_in_month(y, m));
	r = ard_start_of_month(d);
	ard_to_ymd(r, &y2, &m2, &day2);
	FUZZ_CHECK(y2 == y && m2 == m && day2 == 1);
	r = ard_end_of_quarter(d);
	ard_to_ymd(r, &y2, &m2, &day2);
	FUZZ_CHECK(y2 == y && m2 % 3 == 0 && m2 - m >= 0 && m2 - m <= 2 &&
			   day2 == ard_days_in_month(y2, m2));
	r = ard_end_of_year(d);
	ard_to_ymd(r, &y2, &m2, &day2);
	FUZZ_CHECK(y2 == y && m2 == 12 && day2 == 31);

	/* half-years */
	r = ard_half_year_start(d);
	ard_to_ymd(r, &y2, &m2, &day2);
	FUZZ_CHECK(r <= d && y2 == y && (m2 == 1 || m2 == 7) && day2 == 1 &&
			   (m2 == 1) == (m <= 6));
	{
		int64_t		n = ard_next_half_year_start(d);

		FUZZ_CHECK(n > d && n - r >= 181 && n - r <= 184);
		ard_to_ymd(n, &y2, &m2, &day2);
		FUZZ_CHECK((m2 == 1 || m2 == 7) && day2 == 1);
	}

	/* ISO text: fits the documented 24 bytes and reads back */
	ard_format_iso(d, iso, sizeof(iso));
	FUZZ_CHECK(strlen(iso) < sizeof(iso) - 1);
	{
		long long	ty;
		int			tm,
					td;

		FUZZ_CHECK(sscanf(iso, "%lld-%d-%d", &ty, &tm, &td) == 3);
		FUZZ_CHECK(ty == y && tm == m && td == day);
	}
}

static void
check_next_day(int64_t d, int k)
{
	int64_t		r = ard_next_day_of_month(d, k);
	int64_t		y;
	int			m,
				day;

	/* the first later date on day k, clamped to the end of shorter months */
	FUZZ_CHECK(r > d && r - d <= 31);
	for (int64_t x = d + 1; x <= r; x++)
	{
		int			dim;
		bool		hit;

		ard_to_ymd(x, &y, &m, &day);
		dim = ard_days_in_month(y, m);
		hit = (day == (k > dim ? dim : k));
		FUZZ_CHECK(hit == (x == r));
	}
}

static void
check_add_months(int64_t d, int64_t k)
{
	int64_t		y,
				y2;
	int			m,
				day,
				m2,
				day2;
	int64_t		r = ard_add_months(d, k);
	int			dim;

	ard_to_ymd(d, &y, &m, &day);
	ard_to_ymd(r, &y2, &m2, &day2);
	FUZZ_CHECK(y2 * 12 + (m2 - 1) == y * 12 + (m - 1) + k);
	dim = ard_days_in_month(y2, m2);
	FUZZ_CHECK(day2 == (day > dim ? dim : day));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size, 0};
	int			mode = fuzz_byte(&in);
	int64_t		a,
				b,
				c;
	int64_t		k;

	/*
	 * Mostly dates near interesting places (the range ends, century years,
	 * the 32-bit fast path's edges), otherwise anywhere in the margin.
	 */
	switch (mode % 4)
	{
		case 0:
			a = fuzz_range(&in, ARD_MIN_DATE - MARGIN, ARD_MAX_DATE + MARGIN);
			break;
		case 1:
			a = fuzz_range(&in, ARD_MIN_DATE, ARD_MAX_DATE);
			break;
		case 2:
			{
				static const int64_t anchors[] = {
					ARD_MIN_DATE, ARD_MAX_DATE, 0, -730425 /* 0000-03-01 */ ,
					4000000000LL - 730425 - 10957, 36525 /* 2100 */ , -36524 /* 1900 */ ,
				};

				a = anchors[fuzz_byte(&in) % 7] + fuzz_range(&in, -2000, 2000);
			}
			break;
		default:
			a = ard_from_ymd(fuzz_range(&in, -5000000, 6000000), 1 + fuzz_byte(&in) % 12, 1) +
				fuzz_byte(&in) % 31;
			break;
	}
	b = a + fuzz_range(&in, -100000, 100000);
	c = b + fuzz_range(&in, -100000, 100000);
	k = fuzz_range(&in, -(INT64_C(1) << 32), INT64_C(1) << 32);
	if (mode & 4)
		k %= 2000;				/* month counts terms actually use */

	check_date(a);
	check_date(b);
	check_next_day(a, 1 + fuzz_byte(&in) % 31);
	check_add_months(a, k);
	/* an out-of-range day of month (decoded terms) must not misbehave */
	(void) ard_next_day_of_month(a, (int16_t) fuzz_u64(&in, 2));

	/* 30E/360 counts are differences of one position function */
	FUZZ_CHECK(ard_days_30e360(a, b) == pos_30e360(b) - pos_30e360(a));
	FUZZ_CHECK(ard_days_30e360(a, b) + ard_days_30e360(b, c) == ard_days_30e360(a, c));
	FUZZ_CHECK(ard_days_30e360(a, a) == 0);
	if (b >= a)
		FUZZ_CHECK(ard_days_30e360(a, b) >= 0);
	return 0;
}
