/*
 * terms_int.h
 *		What the files of the payment terms core share besides terms.h:
 *		terms_parse.c (tokenizer and phrase parser), terms_eval.c (due dates,
 *		worst case), terms_write.c (canonical text, French and English
 *		wording), terms.c (binary form, comparison, legal limits).  Pure C.
 */
#ifndef AR_CREDIT_TERMS_INT_H
#define AR_CREDIT_TERMS_INT_H

#include <stdint.h>

#include "terms.h"

#if defined(__GNUC__)
#define TERMS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TERMS_PRINTF(f, a)
#endif

/* elements of an array */
#define lengthof(a) ((int) (sizeof(a) / sizeof((a)[0])))

/* the invoice dates over which a worst case is taken (terms_eval.c) */
#define SWEEP_MAX_RANGES	4

typedef struct SweepRange
{
	int64_t		from;
	int64_t		to;
} SweepRange;

extern int	terms_sweep_ranges(const Terms *t, SweepRange *r);

/* a share or rate in 1/100 %, as the canonical text writes it: "30", "2.5" */
extern int	terms_format_share(int32_t v, char *buf, int len);

#endif							/* AR_CREDIT_TERMS_INT_H */
