/*
 * test_credit.c
 *		Unit tests of the credit control rules (src/credit.c): the outcome of
 *		a check and the order of its reasons, risk-class order, paydex drop.
 */
#include "unit.h"
#include "credit.h"

static const char *
outcome(int account, int hold, int overdue_days, int limit, int cmp)
{
	CreditFacts f = {0};

	f.has_account = account;
	f.on_hold = hold;
	f.has_overdue = overdue_days >= -1000;
	f.max_days_past_due = overdue_days;
	f.block_overdue_days = 30;
	f.has_limit = limit;
	f.over_limit_cmp = cmp;
	return credit_outcome_name(credit_outcome(&f));
}

int
main(void)
{
	/* the order of the reasons: account, hold, overdue, limit */
	UNIT_IS_STR(outcome(0, 1, 90, 1, 1), "no_account", "no account: nothing to check, whatever else");
	UNIT_IS_STR(outcome(1, 1, 90, 1, 1), "on_hold", "a hold is reported first");
	UNIT_IS_STR(outcome(1, 0, 31, 1, 1), "overdue", "31 days past due blocks (limit 30)");
	UNIT_IS_STR(outcome(1, 0, 30, 1, 1), "over_limit", "30 days past due does not (more than 30 blocks)");
	UNIT_IS_STR(outcome(1, 0, 30, 1, 0), "ok", "exposure + amount equal to the limit is within it");
	UNIT_IS_STR(outcome(1, 0, 30, 1, -1), "ok", "below the limit");
	UNIT_IS_STR(outcome(1, 0, -5000, 1, 1), "over_limit", "no open invoice: only the limit");
	UNIT_IS_STR(outcome(1, 0, 10, 0, 1), "no_limit", "an account without a limit");
	UNIT_IS_STR(outcome(1, 0, 40, 0, 1), "overdue", "no limit, but an invoice 40 days past due");
	{
		CreditFacts f = {.has_account = true, .has_overdue = true, .max_days_past_due = 500,
		.block_overdue_days = -1, .has_limit = true, .over_limit_cmp = -1};

		UNIT_IS_STR(credit_outcome_name(credit_outcome(&f)), "ok", "block_overdue_days -1 disables the overdue stop");
	}
	UNIT_OK(credit_outcome_ok(CREDIT_OK) && credit_outcome_ok(CREDIT_NO_ACCOUNT) && credit_outcome_ok(CREDIT_NO_LIMIT),
			"ok, no_account and no_limit let the order through");
	UNIT_OK(!credit_outcome_ok(CREDIT_ON_HOLD) && !credit_outcome_ok(CREDIT_OVERDUE) && !credit_outcome_ok(CREDIT_OVER_LIMIT),
			"on_hold, overdue and over_limit stop it");

	/* risk classes */
	UNIT_IS_INT(risk_class_rank("A"), 1, "A ranks 1");
	UNIT_IS_INT(risk_class_rank("e"), 5, "e ranks 5 (case-insensitive)");
	UNIT_IS_INT(risk_class_rank("F"), 0, "F is no class");
	UNIT_IS_INT(risk_class_rank("AB"), 0, "AB is no class");
	UNIT_IS_INT(risk_class_rank(""), 0, "empty is no class");
	UNIT_IS_INT(risk_class_rank(NULL), 0, "NULL is no class");
	UNIT_OK(risk_class_worse("D", "B"), "D is worse than B");
	UNIT_OK(!risk_class_worse("B", "D"), "B is not worse than D");
	UNIT_OK(!risk_class_worse("C", "C"), "C is not worse than C");
	UNIT_OK(!risk_class_worse("D", NULL), "no class before: no fall");

	/* paydex drop: last 90 days against the 12 months before */
	UNIT_OK(paydex_dropped(true, 60, true, 80, 10), "80 -> 60 with threshold 10 is a drop");
	UNIT_OK(paydex_dropped(true, 70, true, 80, 10), "a drop of exactly the threshold counts");
	UNIT_OK(!paydex_dropped(true, 71, true, 80, 10), "9 points is not");
	UNIT_OK(!paydex_dropped(true, 90, true, 80, 10), "a rise is not");
	UNIT_OK(!paydex_dropped(false, 0, true, 80, 10), "no recent payments: no drop");
	UNIT_OK(!paydex_dropped(true, 20, false, 0, 10), "no history: no drop");
	UNIT_OK(!paydex_dropped(true, 20, true, 80, 0), "threshold 0 disables the test");
	return unit_done();
}
