/*
 * fuzz_aging.c
 *		libFuzzer target for aging buckets and the payment index (src/aging.c).
 *
 * Arbitrary bound arrays (0 to AGING_MAX_BOUNDS + 1 elements, any int32)
 * must be judged exactly as documented, and on valid bounds every number
 * of days must land in the one bucket whose interval contains it, with a
 * label that fits the glue's 32-byte buffer.  paydex_from_days() takes any
 * double (it is an amount-weighted mean) and stays within 20..100,
 * non-increasing.
 */
#include <math.h>

#include "fuzz.h"

#include "aging.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size, 0};
	int32_t		bounds[AGING_MAX_BOUNDS + 1];
	int			n = fuzz_byte(&in) % (AGING_MAX_BOUNDS + 2);
	int			mode = fuzz_byte(&in);
	int			bad,
				expect_bad = -1;
	int64_t		days;
	double		pd,
				pd2,
				x,
				dx;
	uint64_t	bits;

	/* mostly increasing bounds with small steps, else anything */
	for (int i = 0; i < n; i++)
	{
		if (mode & 1)
			bounds[i] = (i == 0 ? 0 : bounds[i - 1]) + (int8_t) fuzz_byte(&in);
		else
			bounds[i] = (int32_t) fuzz_u64(&in, 4);
	}

	bad = aging_check_bounds(bounds, n);
	if (n < 1)
		expect_bad = 0;
	for (int i = 0; i < n && expect_bad < 0; i++)
		if (bounds[i] <= 0 || (i > 0 && bounds[i] <= bounds[i - 1]))
			expect_bad = i;
	FUZZ_CHECK(bad == expect_bad);

	days = (int64_t) fuzz_u64(&in, 8);
	if (mode & 2)
		days = (int64_t) (int16_t) days;	/* near the bounds */
	if (bad < 0)
	{
		int			b = aging_bucket_index(days, bounds, n);
		char		label[32];

		if (days <= 0)
			FUZZ_CHECK(b == 0);
		else
		{
			FUZZ_CHECK(b >= 1 && b <= n + 1);
			if (b <= n)
				FUZZ_CHECK(days <= bounds[b - 1]);
			if (b >= 2)
				FUZZ_CHECK(days > bounds[b - 2]);
		}
		for (int i = 0; i <= n + 1; i++)
		{
			/* the glue's buffer: a label never comes out cut */
			aging_bucket_label(i, bounds, n, label, sizeof(label));
			FUZZ_CHECK(strlen(label) < sizeof(label) - 1 && label[0] != '\0');
		}
	}

	bits = fuzz_u64(&in, 8);
	memcpy(&x, &bits, sizeof(x));
	dx = (double) (fuzz_u64(&in, 2)) / 16.0;
	pd = paydex_from_days(x);
	if (!isnan(x))
	{
		FUZZ_CHECK(pd >= 20 && pd <= 100);
		pd2 = paydex_from_days(x + dx);
		FUZZ_CHECK(pd2 <= pd + 1e-9);
	}
	return 0;
}
