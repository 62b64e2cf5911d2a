/*
 * credit.h
 *		Credit control rules (SPEC section 8): the outcome of a credit check,
 *		the risk-class order, the paydex-drop test.
 *
 * Pure C.  Amounts never enter here: the glue compares them in numeric
 * arithmetic and passes the signs of the comparisons.
 */
#ifndef AR_CREDIT_CREDIT_H
#define AR_CREDIT_CREDIT_H

#include <stdbool.h>

typedef enum CreditOutcome
{
	CREDIT_OK,					/* within the limit */
	CREDIT_NO_ACCOUNT,			/* no credit account: nothing to check (ok) */
	CREDIT_NO_LIMIT,			/* an account without a limit (ok) */
	CREDIT_ON_HOLD,				/* the account is on hold */
	CREDIT_OVERDUE,				/* an invoice too long past due */
	CREDIT_OVER_LIMIT			/* exposure + amount above the limit */
} CreditOutcome;

typedef struct CreditFacts
{
	bool		has_account;
	bool		on_hold;
	bool		has_overdue;	/* max_days_past_due is known */
	int			max_days_past_due;	/* the open invoice longest past due */
	int			block_overdue_days;	/* ar_credit.block_overdue_days */
	bool		has_limit;
	int			over_limit_cmp; /* sign of (exposure + amount) - limit */
} CreditFacts;

/*
 * The outcome of a check: no account first, then hold, then overdue
 * invoices, then the limit (the first reason found is the one reported).
 */
extern CreditOutcome credit_outcome(const CreditFacts *f);

/* whether the outcome lets the order through */
extern bool credit_outcome_ok(CreditOutcome o);

/* "ok", "no_account", "no_limit", "on_hold", "overdue", "over_limit" */
extern const char *credit_outcome_name(CreditOutcome o);

/*
 * Rank of a risk class, "A" = 1 .. "E" = 5 (case-insensitive); 0 for
 * anything else.  A class is worse than another when its rank is higher.
 */
extern int	risk_class_rank(const char *cls);
extern bool risk_class_worse(const char *now, const char *before);

/*
 * The paydex of the last 90 days has dropped against the 12 months before
 * when it is at least threshold points lower; a missing side (no payments)
 * is no drop.  threshold <= 0 disables the test.
 */
extern bool paydex_dropped(bool has_recent, int recent, bool has_before, int before, int threshold);

#endif							/* AR_CREDIT_CREDIT_H */
