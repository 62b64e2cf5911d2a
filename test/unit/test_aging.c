/*
 * test_aging.c
 *		Unit tests of the aging rules and the payment index (src/aging.c).
 */
#include "unit.h"
#include "aging.h"

#include <math.h>

int
main(void)
{
	int32_t		std[] = {30, 60, 90};
	char		buf[32];

	UNIT_IS_INT(aging_check_bounds(std, 3), -1, "{30,60,90} is valid");
	UNIT_IS_INT(aging_check_bounds(std, 0), 0, "no bounds is invalid");
	{
		int32_t		b1[] = {30, 30, 90},
					b2[] = {0, 30},
					b3[] = {30, -5},
					b4[] = {60, 30};

		UNIT_IS_INT(aging_check_bounds(b1, 3), 1, "repeated bound: element 1");
		UNIT_IS_INT(aging_check_bounds(b2, 2), 0, "zero bound: element 0");
		UNIT_IS_INT(aging_check_bounds(b3, 2), 1, "negative bound: element 1");
		UNIT_IS_INT(aging_check_bounds(b4, 2), 1, "decreasing bounds: element 1");
	}

	/* bucket edges */
	UNIT_IS_INT(aging_bucket_index(-5, std, 3), 0, "not yet due: current");
	UNIT_IS_INT(aging_bucket_index(0, std, 3), 0, "due today (day 0): current");
	UNIT_IS_INT(aging_bucket_index(1, std, 3), 1, "day 1: 1-30");
	UNIT_IS_INT(aging_bucket_index(30, std, 3), 1, "day 30: 1-30");
	UNIT_IS_INT(aging_bucket_index(31, std, 3), 2, "day 31: 31-60");
	UNIT_IS_INT(aging_bucket_index(90, std, 3), 3, "day 90: 61-90");
	UNIT_IS_INT(aging_bucket_index(91, std, 3), 4, "day 91: >90");
	UNIT_IS_INT(aging_bucket_index(1000000, std, 3), 4, "far past: >90");

	aging_bucket_label(0, std, 3, buf, sizeof(buf));
	UNIT_IS_STR(buf, "current", "label 0");
	aging_bucket_label(1, std, 3, buf, sizeof(buf));
	UNIT_IS_STR(buf, "1-30", "label 1");
	aging_bucket_label(2, std, 3, buf, sizeof(buf));
	UNIT_IS_STR(buf, "31-60", "label 2");
	aging_bucket_label(4, std, 3, buf, sizeof(buf));
	UNIT_IS_STR(buf, ">90", "label 4");

	/* payment index anchors and interpolation */
	UNIT_OK(paydex_from_days(-45) == 100, "45 days early: 100 (clamped)");
	UNIT_OK(paydex_from_days(-30) == 100, "30 days early: 100");
	UNIT_OK(paydex_from_days(-20) == 90, "20 days early: 90");
	UNIT_OK(paydex_from_days(-10) == 85, "10 days early: 85 (halfway)");
	UNIT_OK(paydex_from_days(0) == 80, "on time: 80");
	UNIT_OK(fabs(paydex_from_days(7.5) - 75) < 1e-9, "7.5 days late: 75");
	UNIT_OK(paydex_from_days(15) == 70, "15 days late: 70");
	UNIT_OK(paydex_from_days(22) == 60, "22 days late: 60");
	UNIT_OK(paydex_from_days(30) == 50, "30 days late: 50");
	UNIT_OK(paydex_from_days(45) == 45, "45 days late: 45");
	UNIT_OK(paydex_from_days(60) == 40, "60 days late: 40");
	UNIT_OK(paydex_from_days(90) == 30, "90 days late: 30");
	UNIT_OK(paydex_from_days(120) == 20, "120 days late: 20");
	UNIT_OK(paydex_from_days(400) == 20, "400 days late: 20 (clamped)");

	/* exact sums: digits in, decimal text out */
	{
		AgingSum	acc = {0, 0},
					v;
		char		out[80];
		bool		ok;
		int16_t		d_123_45[] = {123, 4500};	/* 123.45: weight 0 */
		int16_t		d_small[] = {1};	/* 0.00000001: weight -2 */
		int16_t		d_tiny[] = {1000};	/* 0.000000001: weight -3 */
		int16_t		d_big[] = {1};	/* 10^28: weight 7 */
		int16_t		d_max[] = {9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999};

		ok = aging_sum_from_digits(d_123_45, 2, 0, false, &v);
		UNIT_OK(ok, "123.45 fits");
		ok = aging_sum_add(&acc, &v);
		UNIT_OK(ok, "0 + 123.45");
		aging_sum_format(&acc, 2, out, sizeof(out));
		UNIT_IS_STR(out, "123.45", "123.45 with 2 decimals");
		aging_sum_format(&acc, 10, out, sizeof(out));
		UNIT_IS_STR(out, "123.4500000000", "123.45 with 10 decimals");
		ok = aging_sum_from_digits(d_123_45, 2, 0, true, &v);
		UNIT_OK(ok, "-123.45 fits");
		ok = aging_sum_add(&acc, &v) && aging_sum_add(&acc, &v);
		UNIT_OK(ok, "123.45 - 123.45 - 123.45");
		aging_sum_format(&acc, 2, out, sizeof(out));
		UNIT_IS_STR(out, "-123.45", "negative sums");
		ok = aging_sum_add_mul(&acc, &v, -3);
		UNIT_OK(ok, "+ (-123.45 x -3)");
		aging_sum_format(&acc, 2, out, sizeof(out));
		UNIT_IS_STR(out, "246.90", "multiply-add by days");
		ok = aging_sum_from_digits(d_123_45, 2, 2, false, &v);
		UNIT_OK(ok, "{123,4500} at weight 2 fits");
		aging_sum_format(&v, 0, out, sizeof(out));
		UNIT_IS_STR(out, "12345000000", "digits at weight 2 scale up");
		ok = aging_sum_from_digits(d_small, 1, -2, false, &v);
		UNIT_OK(ok, "8 decimals fit");
		aging_sum_format(&v, 8, out, sizeof(out));
		UNIT_IS_STR(out, "0.00000001", "8 decimals");
		ok = !aging_sum_from_digits(d_tiny, 1, -3, false, &v);
		UNIT_OK(ok, "9 decimals do not fit");
		ok = !aging_sum_from_digits(d_big, 1, 7, false, &v);
		UNIT_OK(ok, "10^28 does not fit");
		ok = aging_sum_from_digits(d_small, 1, -2, true, &v);
		UNIT_OK(ok && aging_sum_sign(&v) == -1, "-0.00000001 fits, sign -1");
		ok = aging_sum_from_digits(d_max, 9, 6, false, &v);
		UNIT_OK(ok && aging_sum_sign(&v) == 1, "10^28 - 10^-8 fits, sign 1");
		aging_sum_format(&v, 8, out, sizeof(out));
		UNIT_IS_STR(out, "9999999999999999999999999999.99999999", "the largest amount that fits");
		ok = aging_sum_from_digits(NULL, 0, 0, false, &v);
		UNIT_OK(ok, "zero fits");
		UNIT_IS_INT(aging_sum_sign(&v), 0, "sign of 0");
		aging_sum_format(&v, 0, out, sizeof(out));
		UNIT_IS_STR(out, "0", "zero");
		UNIT_IS_INT(aging_sum_format(&v, 0, out, 1), -1, "a buffer too small is refused");
		/* 10^36 - 1 units, added until the 128 bits overflow */
		ok = aging_sum_from_digits(d_max, 9, 6, false, &v);
		UNIT_OK(ok, "largest");
		acc = v;
		{
			int			n = 1;

			while (aging_sum_add(&acc, &v))
				n++;
			UNIT_IS_INT(n, 170, "170 largest amounts fit in 128 bits, the 171st overflows");
		}
		aging_sum_format(&acc, 0, out, sizeof(out));
		UNIT_IS_STR(out, "1699999999999999999999999999999", "an overflowing add leaves the sum unchanged");
		ok = !aging_sum_add_mul(&acc, &v, 2000000000);
		UNIT_OK(ok, "a multiply-add that overflows is refused");
	}

	return unit_done();
}
