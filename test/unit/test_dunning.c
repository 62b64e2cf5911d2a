/*
 * test_dunning.c
 *		Unit tests of the dunning rules (src/dunning.c): status classes and
 *		the next reminder.  Dates are plain day numbers.
 */
#include "unit.h"
#include "dunning.h"

/* the shipped standard policy: -15, -7, +1, +15, +30, +45 */
static const DunningStep standard[] = {
	{1, -15, 0, false}, {2, -7, 0, false}, {3, 1, 0, false}, {4, 15, 0, false}, {5, 30, 0, false}, {6, 45, 0, false}
};
/* strict: -15, -7, +1, +8, +15, +30 */
static const DunningStep strict[] = {
	{1, -15, 0, false}, {2, -7, 0, false}, {3, 1, 0, false}, {4, 8, 0, false}, {5, 15, 0, false}, {6, 30, 0, false}
};
/* a policy with a minimum amount on level 2 */
static const DunningStep big[] = {
	{1, 1, 0, false}, {2, 10, 1000, false}, {3, 20, 0, false}
};

/* the shipped standard policy with its catch-up marks: every post-due step but the handover */
static const DunningStep standard_cu[] = {
	{1, -15, 0, true}, {2, -7, 0, true}, {3, 1, 0, true}, {4, 15, 0, true}, {5, 30, 0, true}, {6, 45, 0, false}
};
/* catch-up with a minimum amount on the formal notice */
static const DunningStep big_cu[] = {
	{1, 1, 0, true}, {2, 10, 0, true}, {3, 20, 1000, true}, {4, 40, 0, false}
};

#define D 10000					/* "today" */

/* level of the next reminder, or 0 for none; *on gets its date relative to D */
static int
next(const DunningStep *s, int n, long due, int last, int has_sent, long sent, int gap,
	 int has_amount, double amount, long *on)
{
	NextReminder nr = {-1, -1};

	if (!dunning_next(s, n, due, D, last, has_sent, sent, gap, has_amount, amount, &nr))
	{
		*on = -99999;
		return 0;
	}
	*on = nr.remind_on - D;
	return s[nr.step].level;
}

int
main(void)
{
	long		on;
	char		longword[128];

	/* status classes */
	{
		static const char *const open[] = {"open", "issued", "sent", "unpaid", "partially_paid", "overdue"};
		static const char *const closed[] = {"paid", "cancelled", "canceled", "void", "written_off", "credited"};

		for (int i = 0; i < 6; i++)
			UNIT_IS_STR(dunning_class_name(dunning_classify(open[i])), "open", "%s is open", open[i]);
		for (int i = 0; i < 6; i++)
			UNIT_IS_STR(dunning_class_name(dunning_classify(closed[i])), "closed", "%s is closed", closed[i]);
	}
	UNIT_IS_INT(dunning_classify("disputed"), INV_SUSPENDED, "disputed is suspended");
	UNIT_IS_INT(dunning_classify("on_hold"), INV_SUSPENDED, "on_hold is suspended");
	UNIT_IS_INT(dunning_classify("draft"), INV_IGNORED, "draft is ignored");
	UNIT_IS_INT(dunning_classify("PAID"), INV_CLOSED, "PAID: case-insensitive");
	UNIT_IS_INT(dunning_classify("Written_Off"), INV_CLOSED, "Written_Off: case-insensitive");
	UNIT_IS_INT(dunning_classify("DiSpUtEd"), INV_SUSPENDED, "DiSpUtEd: case-insensitive");
	UNIT_IS_INT(dunning_classify("DRAFT"), INV_IGNORED, "DRAFT: case-insensitive");
	UNIT_IS_INT(dunning_classify(" paid "), INV_CLOSED, "surrounding blanks ignored");
	UNIT_IS_INT(dunning_classify(NULL), INV_OPEN, "NULL is open");
	UNIT_IS_INT(dunning_classify(""), INV_OPEN, "empty is open");
	UNIT_IS_INT(dunning_classify("   "), INV_OPEN, "blanks are open");
	UNIT_IS_INT(dunning_classify("paidx"), INV_OPEN, "paidx is unknown: open");
	UNIT_IS_INT(dunning_classify("pai"), INV_OPEN, "pai (prefix) is unknown: open");
	UNIT_IS_INT(dunning_classify("dispute"), INV_OPEN, "dispute (prefix) is unknown: open");
	UNIT_IS_INT(dunning_classify("on hold"), INV_OPEN, "on hold (blank, not underscore) is unknown: open");
	/* Regression: the word was truncated to 63 bytes before comparison */
	snprintf(longword, sizeof(longword), "paid%70sx", "");
	UNIT_IS_INT(dunning_classify(longword), INV_OPEN, "Regression: 'paid' + 70 blanks + 'x' is unknown: open");
	UNIT_IS_STR(dunning_class_name(INV_OPEN), "open", "class name open");
	UNIT_IS_STR(dunning_class_name(INV_CLOSED), "closed", "class name closed");
	UNIT_IS_STR(dunning_class_name(INV_SUSPENDED), "suspended", "class name suspended");
	UNIT_IS_STR(dunning_class_name(INV_IGNORED), "ignored", "class name ignored");

	/* next reminder, standard policy, nothing sent */
	UNIT_IS_INT(next(standard, 6, D + 20, 0, 0, 0, 5, 0, 0, &on), 1, "due +20: level 1");
	UNIT_IS_INT(on, 5, "due +20: at due-15 = +5");
	UNIT_IS_INT(next(standard, 6, D + 15, 0, 0, 0, 5, 0, 0, &on), 1, "due +15: level 1 today");
	UNIT_IS_INT(on, 0, "due +15: today");
	UNIT_IS_INT(next(standard, 6, D + 14, 0, 0, 0, 5, 0, 0, &on), 2, "due +14: level 1 passed, level 2");
	UNIT_IS_INT(on, 7, "due +14: at due-7 = +7");
	UNIT_IS_INT(next(standard, 6, D + 6, 0, 0, 0, 5, 0, 0, &on), 3, "due +6: both pre-due steps passed");
	UNIT_IS_INT(on, 7, "due +6: at due+1");
	UNIT_IS_INT(next(standard, 6, D - 1, 0, 0, 0, 5, 0, 0, &on), 3, "due -1: level 3");
	UNIT_IS_INT(on, 0, "due -1: today (due+1)");
	UNIT_IS_INT(next(standard, 6, D - 200, 0, 0, 0, 5, 0, 0, &on), 3, "due -200: one level at a time");
	UNIT_IS_INT(on, 0, "due -200: today");

	/* one level at a time after the due date */
	for (int last = 2; last < 6; last++)
	{
		UNIT_IS_INT(next(standard, 6, D, last, 0, 0, 5, 0, 0, &on), last + 1, "after level %d: level %d", last, last + 1);
		UNIT_IS_INT(on, standard[last].offset_days, "after level %d: at due%+d", last, standard[last].offset_days);
	}
	UNIT_IS_INT(next(standard, 6, D, 6, 0, 0, 5, 0, 0, &on), 0, "after level 6: none");
	UNIT_IS_INT(next(standard, 6, D - 1000, 6, 1, D - 500, 5, 0, 0, &on), 0, "after level 6, long overdue: none");
	UNIT_IS_INT(next(standard, 6, D + 3, 1, 0, 0, 5, 0, 0, &on), 3, "after level 1, level 2 passed: level 3");
	UNIT_IS_INT(on, 4, "after level 1, level 2 passed: due+1");
	UNIT_IS_INT(next(standard, 0, D, 0, 0, 0, 5, 0, 0, &on), 0, "empty policy: none");

	/* minimum gap */
	UNIT_IS_INT(next(standard, 6, D - 100, 3, 1, D - 2, 5, 0, 0, &on), 4, "gap: level 4");
	UNIT_IS_INT(on, 3, "gap: last sent 2 days ago, 5 days gap: +3");
	UNIT_IS_INT(next(standard, 6, D - 100, 3, 1, D - 5, 5, 0, 0, &on), 4, "gap elapsed exactly: level 4");
	UNIT_IS_INT(on, 0, "gap elapsed exactly: today");
	UNIT_IS_INT(next(standard, 6, D - 100, 3, 1, D, 0, 0, 0, &on), 4, "gap 0");
	UNIT_IS_INT(on, 0, "gap 0: today");
	UNIT_IS_INT(next(standard, 6, D + 20, 1, 1, D, 5, 0, 0, &on), 2, "step later than gap");
	UNIT_IS_INT(on, 13, "step later than gap: the step date");
	UNIT_IS_INT(next(standard, 6, D + 20, 1, 1, D + 10, 5, 0, 0, &on), 2, "gap later than step");
	UNIT_IS_INT(on, 15, "gap later than step: last_sent + gap");
	UNIT_IS_INT(next(standard, 6, D - 100, 3, 0, D + 50, 5, 0, 0, &on), 4, "last_sent ignored without has_last_sent");
	UNIT_IS_INT(on, 0, "last_sent ignored: today");

	/* strict */
	UNIT_IS_INT(next(strict, 6, D, 3, 0, 0, 5, 0, 0, &on), 4, "strict after 3: level 4");
	UNIT_IS_INT(on, 8, "strict level 4 at due+8");
	UNIT_IS_INT(next(strict, 6, D, 4, 0, 0, 5, 0, 0, &on), 5, "strict after 4: level 5");
	UNIT_IS_INT(on, 15, "strict level 5 at due+15");
	UNIT_IS_INT(next(strict, 6, D, 5, 0, 0, 5, 0, 0, &on), 6, "strict after 5: level 6");
	UNIT_IS_INT(on, 30, "strict level 6 at due+30");

	/* minimum amount */
	UNIT_IS_INT(next(big, 3, D, 1, 0, 0, 5, 1, 500, &on), 3, "500 due: level 2 (min 1000) skipped");
	UNIT_IS_INT(on, 20, "500 due: level 3 at due+20");
	UNIT_IS_INT(next(big, 3, D, 1, 0, 0, 5, 1, 1000, &on), 2, "1000 due: level 2 kept");
	UNIT_IS_INT(on, 10, "1000 due: level 2 at due+10");
	UNIT_IS_INT(next(big, 3, D, 1, 0, 0, 5, 0, 1, &on), 2, "no amount: level 2 kept");
	UNIT_IS_INT(next(big, 3, D, 2, 0, 0, 5, 1, 1, &on), 3, "after level 2: level 3");
	UNIT_IS_INT(next(big, 3, D, 3, 0, 0, 5, 1, 1, &on), 0, "after level 3: none");

	/* catch-up: the level after which an invoice never reminded starts */
	UNIT_IS_INT(dunning_catch_up(standard_cu, 6, D + 3, D, false, 0), 0, "catch-up: not due yet: from 0");
	UNIT_IS_INT(dunning_catch_up(standard_cu, 6, D, D, false, 0), 0, "catch-up: due today: from 0");
	UNIT_IS_INT(dunning_catch_up(standard_cu, 6, D - 1, D, false, 0), 2, "catch-up: 1 day late: after 2 (first reminder)");
	UNIT_IS_INT(dunning_catch_up(standard_cu, 6, D - 14, D, false, 0), 2, "catch-up: 14 days late: after 2");
	UNIT_IS_INT(dunning_catch_up(standard_cu, 6, D - 15, D, false, 0), 3, "catch-up: 15 days late: after 3 (second reminder)");
	UNIT_IS_INT(dunning_catch_up(standard_cu, 6, D - 30, D, false, 0), 4, "catch-up: 30 days late: after 4 (formal notice)");
	UNIT_IS_INT(dunning_catch_up(standard_cu, 6, D - 90, D, false, 0), 4,
				"catch-up: 90 days late: the formal notice, never straight to collection");
	UNIT_IS_INT(dunning_catch_up(standard, 6, D - 90, D, false, 0), 0, "catch-up: no step marked: from 0");
	UNIT_IS_INT(dunning_catch_up(standard_cu, 0, D - 90, D, false, 0), 0, "catch-up: no steps: from 0");
	UNIT_IS_INT(dunning_catch_up(big_cu, 4, D - 25, D, true, 500), 1, "catch-up: 25 days, 500 due: level 3 (min 1000) passed over, after 1");
	UNIT_IS_INT(dunning_catch_up(big_cu, 4, D - 25, D, true, 1000), 2, "catch-up: 25 days, 1000 due: after 2");
	UNIT_IS_INT(dunning_catch_up(big_cu, 4, D - 25, D, false, 0), 2, "catch-up: no amount: after 2");
	/* with dunning_next: the level and the date */
	UNIT_IS_INT(next(standard_cu, 6, D - 90, dunning_catch_up(standard_cu, 6, D - 90, D, false, 0), 0, 0, 5, 0, 0, &on),
				5, "90 days late, never reminded: level 5");
	UNIT_IS_INT(on, 0, "90 days late: today");
	UNIT_IS_INT(next(big_cu, 4, D - 25, dunning_catch_up(big_cu, 4, D - 25, D, true, 500), 0, 0, 5, 1, 500, &on),
				2, "25 days late, 500 due: level 2");

	return unit_done();
}
