/*
 * credit.c
 *		Credit control rules (SPEC section 8).  Pure C, see credit.h.
 *
 * Order of the reasons a check fails.  A hold is a decision someone took
 * about the customer, so it is reported first; an invoice far past due is
 * the classic trade-credit stop (ERPNext, Business Central and SAP FSCM all
 * block on "overdue items" as well as on the limit) and says more than the
 * arithmetic of the limit, which comes last.
 */
#include "credit.h"

#include <ctype.h>
#include <stddef.h>

CreditOutcome
credit_outcome(const CreditFacts *f)
{
	if (!f->has_account)
		return CREDIT_NO_ACCOUNT;
	if (f->on_hold)
		return CREDIT_ON_HOLD;
	if (f->has_overdue && f->block_overdue_days >= 0 && f->max_days_past_due > f->block_overdue_days)
		return CREDIT_OVERDUE;
	if (!f->has_limit)
		return CREDIT_NO_LIMIT;
	if (f->over_limit_cmp > 0)
		return CREDIT_OVER_LIMIT;
	return CREDIT_OK;
}

bool
credit_outcome_ok(CreditOutcome o)
{
	return o == CREDIT_OK || o == CREDIT_NO_ACCOUNT || o == CREDIT_NO_LIMIT;
}

const char *
credit_outcome_name(CreditOutcome o)
{
	switch (o)
	{
		case CREDIT_OK:
			return "ok";
		case CREDIT_NO_ACCOUNT:
			return "no_account";
		case CREDIT_NO_LIMIT:
			return "no_limit";
		case CREDIT_ON_HOLD:
			return "on_hold";
		case CREDIT_OVERDUE:
			return "overdue";
		case CREDIT_OVER_LIMIT:
			return "over_limit";
	}
	return "ok";
}

int
risk_class_rank(const char *cls)
{
	int			c;

	if (cls == NULL || cls[0] == '\0' || cls[1] != '\0')
		return 0;
	c = toupper((unsigned char) cls[0]);
	if (c < 'A' || c > 'E')
		return 0;
	return c - 'A' + 1;
}

bool
risk_class_worse(const char *now, const char *before)
{
	int			n = risk_class_rank(now);
	int			b = risk_class_rank(before);

	return n > 0 && b > 0 && n > b;
}

bool
paydex_dropped(bool has_recent, int recent, bool has_before, int before, int threshold)
{
	if (!has_recent || !has_before || threshold <= 0)
		return false;
	return before - recent >= threshold;
}
