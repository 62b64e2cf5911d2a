/*
 * aging.c
 *		Aging buckets and the payment-index mapping (see aging.h).
 */
#include "aging.h"

#include <stdio.h>

int
aging_check_bounds(const int32_t *bounds, int n)
{
	if (n < 1)
		return 0;
	for (int i = 0; i < n; i++)
	{
		if (bounds[i] <= 0)
			return i;
		if (i > 0 && bounds[i] <= bounds[i - 1])
			return i;
	}
	return -1;
}

int
aging_bucket_index(int64_t days_past_due, const int32_t *bounds, int n)
{
	if (days_past_due <= 0)
		return 0;
	/* a handful of bounds: a linear scan beats a binary search */
	for (int i = 0; i < n; i++)
		if (days_past_due <= bounds[i])
			return i + 1;
	return n + 1;
}

void
aging_bucket_label(int i, const int32_t *bounds, int n, char *buf, int buflen)
{
	if (i <= 0)
		snprintf(buf, buflen, "current");
	else if (i > n)
		snprintf(buf, buflen, ">%d", bounds[n - 1]);
	else
		snprintf(buf, buflen, "%d-%d", i == 1 ? 1 : bounds[i - 2] + 1, bounds[i - 1]);
}

/*
 * Anchor points (days beyond terms -> index), SPEC section 2, after the
 * published Dun & Bradstreet PAYDEX scale: 100 anticipates (30 days early),
 * 90 discounts (20 early), 80 prompt (on terms), 70 = 15 days beyond terms,
 * 60 = 22, 50 = 30, 40 = 60, 30 = 90, 20 = 120 days beyond terms.
 */
static const struct
{
	double		days;
	double		index;
}			paydex_anchors[] = {
	{-30, 100}, {-20, 90}, {0, 80}, {15, 70}, {22, 60}, {30, 50}, {60, 40}, {90, 30}, {120, 20}
};

double
paydex_from_days(double days)
{
	int			n = (int) (sizeof(paydex_anchors) / sizeof(paydex_anchors[0]));

	if (days <= paydex_anchors[0].days)
		return paydex_anchors[0].index;
	for (int i = 1; i < n; i++)
	{
		if (days <= paydex_anchors[i].days)
		{
			double		d0 = paydex_anchors[i - 1].days,
						d1 = paydex_anchors[i].days,
						p0 = paydex_anchors[i - 1].index,
						p1 = paydex_anchors[i].index;

			return p0 + (p1 - p0) * (days - d0) / (d1 - d0);
		}
	}
	return paydex_anchors[n - 1].index;
}
