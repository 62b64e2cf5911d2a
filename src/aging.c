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

/* ---------------------------------------------------------------------
 * Exact sums (see aging.h)
 * ---------------------------------------------------------------------
 */
#if !defined(__SIZEOF_INT128__)
#error "ar_credit's aggregates need a compiler with 128-bit integers"
#endif

typedef __int128 i128;
typedef unsigned __int128 u128;

#define I128_MAX ((i128) (~(u128) 0 >> 1))

static i128
sum_load(const AgingSum *s)
{
	return (i128) (((u128) (uint64_t) s->hi << 64) | s->lo);
}

static void
sum_store(AgingSum *s, i128 v)
{
	s->hi = (int64_t) (v >> 64);
	s->lo = (uint64_t) v;
}

bool
aging_sum_from_digits(const int16_t *digits, int ndigits, int weight,
					  bool negative, AgingSum *out)
{
	i128		v = 0;

	/* 10000^7 x 10^8 = 10^36 stays inside 2^127 (1.7 x 10^38) */
	if (ndigits > 0 && weight > 6)
		return false;
	for (int i = 0; i < ndigits; i++)
	{
		int			e = weight - i; /* this digit is worth 10000^e */

		if (e < -2)
		{
			if (digits[i] != 0)
				return false;	/* more than 8 decimals */
			continue;
		}
		v = v * 10000 + digits[i];
	}
	/* scale what was read (down to 10000^min(last e, ...)) to 10^-8 units */
	{
		int			last_e = weight - ndigits + 1;

		if (ndigits == 0)
			last_e = -2;
		if (last_e < -2)
			last_e = -2;
		for (int e = last_e; e > -2; e--)
			v *= 10000;
	}
	sum_store(out, negative ? -v : v);
	return true;
}

int
aging_sum_sign(const AgingSum *s)
{
	if (s->hi < 0)
		return -1;
	return (s->hi == 0 && s->lo == 0) ? 0 : 1;
}

bool
aging_sum_add(AgingSum *acc, const AgingSum *v)
{
	i128		a = sum_load(acc),
				b = sum_load(v);
	i128		r = (i128) ((u128) a + (u128) b);

	/* overflow iff both operands have the sign the result lacks */
	if (((a ^ r) & (b ^ r)) < 0)
		return false;
	sum_store(acc, r);
	return true;
}

bool
aging_sum_add_mul(AgingSum *acc, const AgingSum *v, int32_t m)
{
	i128		b = sum_load(v);
	i128		lim = I128_MAX / (m < 0 ? -(i128) m : (i128) m);
	AgingSum	p;

	if (m == 0)
		return true;
	if (b > lim || b < -lim)
		return false;
	sum_store(&p, b * m);
	return aging_sum_add(acc, &p);
}

int
aging_sum_format(const AgingSum *s, int dscale, char *buf, int buflen)
{
	i128		v = sum_load(s);
	u128		mag = v < 0 ? (u128) 0 - (u128) v : (u128) v;
	char		rev[48];
	int			nrev = 0,
				len = 0,
				intdigits;

	/* digits of the magnitude, least significant first, at least 9 */
	do
	{
		rev[nrev++] = (char) ('0' + (int) (mag % 10));
		mag /= 10;
	} while (mag != 0 || nrev <= AGING_SUM_SCALE);
	intdigits = nrev - AGING_SUM_SCALE;
	if (buflen < 1 + intdigits + 1 + dscale + 1)
		return -1;
	if (v < 0)
		buf[len++] = '-';
	for (int i = nrev - 1; i >= AGING_SUM_SCALE; i--)
		buf[len++] = rev[i];
	if (dscale > 0)
		buf[len++] = '.';
	for (int k = 1; k <= dscale; k++)
		buf[len++] = k <= AGING_SUM_SCALE ? rev[AGING_SUM_SCALE - k] : '0';
	buf[len] = '\0';
	return len;
}
