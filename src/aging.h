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

#endif							/* AR_CREDIT_AGING_H */
