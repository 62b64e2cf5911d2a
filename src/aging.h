/*
 * aging.h
 *		Aging buckets and the payment-index mapping (SPEC section 2).
 *
 * Pure C: bucket rules, bounds validation, labels and the PAYDEX-style
 * mapping from amount-weighted days beyond terms to a 1-100 index.  Money
 * sums are numeric and live in the glue (src/aging_sql.c).
 */
#ifndef AR_CREDIT_AGING_H
#define AR_CREDIT_AGING_H

#include <stdbool.h>
#include <stdint.h>

#define AGING_MAX_BOUNDS	64

/*
 * Check bucket bounds: at least one, each positive, strictly increasing.
 * Returns -1 when valid, else the 0-based index of the first offending
 * element.
 */
extern int	aging_check_bounds(const int32_t *bounds, int n);

/*
 * Bucket of an invoice days_past_due days past due: 0 = current (not yet
 * due, days <= 0), i = 1..n for days in (bounds[i-2], bounds[i-1]], n + 1
 * beyond the last bound.
 */
extern int	aging_bucket_index(int64_t days_past_due, const int32_t *bounds, int n);

/* label of bucket i: "current", "1-30", "31-60", ">90" */
extern void aging_bucket_label(int i, const int32_t *bounds, int n, char *buf, int buflen);

/*
 * The payment index for amount-weighted days beyond terms (negative = paid
 * early), as a real number before rounding: linear between the anchor points
 * of SPEC section 2 (after Dun & Bradstreet's PAYDEX scale), 100 at 30 days
 * early or earlier, 20 at 120 days late or later.
 */
extern double paydex_from_days(double days);

/*
 * Exact sums of decimal amounts for the aggregates' state: a signed 128-bit
 * count of units of 10^-AGING_SUM_SCALE, stored as two 64-bit halves so the
 * state needs no more than 8-byte alignment.  An amount with more decimals,
 * or of 10^28 or more, does not fit (the glue then adds it as a numeric).
 */
#define AGING_SUM_SCALE		8

typedef struct AgingSum
{
	int64_t		hi;
	uint64_t	lo;
} AgingSum;

/*
 * A decimal given as PostgreSQL numeric's base-10000 digits (digit i worth
 * 10000^(weight - i)) as a sum of units; false when it does not fit.
 */
extern bool aging_sum_from_digits(const int16_t *digits, int ndigits, int weight,
								  bool negative, AgingSum *out);

/* -1, 0 or 1 */
extern int	aging_sum_sign(const AgingSum *s);

/* *acc += v, or *acc += v x m; false (and *acc unchanged) on overflow */
extern bool aging_sum_add(AgingSum *acc, const AgingSum *v);
extern bool aging_sum_add_mul(AgingSum *acc, const AgingSum *v, int32_t m);

/*
 * Write a sum as decimal text with exactly dscale decimals (digits beyond
 * them must be zero, as they are when dscale is the largest scale of the
 * amounts added); returns the length, or -1 if buflen is too small.
 */
extern int	aging_sum_format(const AgingSum *s, int dscale, char *buf, int buflen);

#endif							/* AR_CREDIT_AGING_H */
