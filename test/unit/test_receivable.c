/*
 * test_receivable.c
 *		Unit tests of the receivables mirror's rules (src/receivable.c):
 *		status words, item classes and currency minor units.
 */
#include "unit.h"
#include "receivable.h"

static const char *
cls(const char *word, int has_amount, int sign, int has_due)
{
	StatusKind k = receivable_status_kind(word, word ? (int) strlen(word) : 0);

	return receivable_class_name(receivable_class(k, has_amount, sign, has_due));
}

static int
exp_of(const char *code)
{
	return receivable_currency_exponent(code, (int) strlen(code));
}

int
main(void)
{
	/* status words: SPEC section 6 vocabulary, case-insensitive, blanks trimmed */
	UNIT_IS_INT(receivable_status_kind("Paid ", 5), STATUS_PAID, "'Paid ' is paid");
	UNIT_IS_INT(receivable_status_kind("PARTIALLY_PAID", 14), STATUS_OPEN, "partially_paid is open");
	UNIT_IS_INT(receivable_status_kind("void", 4), STATUS_CANCELLED, "void is cancelled");
	UNIT_IS_INT(receivable_status_kind("written_off", 11), STATUS_CANCELLED, "written_off is cancelled");
	UNIT_IS_INT(receivable_status_kind("credited", 8), STATUS_CANCELLED, "credited is cancelled");
	UNIT_IS_INT(receivable_status_kind("on_hold", 7), STATUS_SUSPENDED, "on_hold is suspended");
	UNIT_IS_INT(receivable_status_kind("suspended", 9), STATUS_SUSPENDED, "the class name suspended");
	UNIT_IS_INT(receivable_status_kind("closed", 6), STATUS_CLOSED, "closed is closed (was open in 0.2.0)");
	UNIT_IS_INT(receivable_status_kind("draft", 5), STATUS_IGNORED, "draft is ignored");
	UNIT_IS_INT(receivable_status_kind("ignored", 7), STATUS_IGNORED, "the class name ignored");
	UNIT_IS_INT(receivable_status_kind("posted", 6), STATUS_OPEN, "an unknown word is open");
	UNIT_IS_INT(receivable_status_kind("   ", 3), STATUS_OPEN, "blanks are open");
	UNIT_IS_INT(receivable_status_kind(NULL, 0), STATUS_OPEN, "NULL is open");
	UNIT_IS_INT(receivable_status_kind("paidpaidpaidpaidpaidpaidpaidpaidpaid", 36), STATUS_OPEN,
				"a word longer than any is open");
	UNIT_IS_INT(receivable_status_kind("paid\0x", 6), STATUS_OPEN, "length counts, not the NUL");
	UNIT_OK(receivable_known_word("Disputed", 8), "disputed is a known word");
	UNIT_OK(!receivable_known_word("blocked", 7), "blocked is not a known word");

	/* item classes: the rules in order */
	UNIT_IS_STR(cls("draft", 1, 1, 1), "ignored", "draft with an amount is ignored");
	UNIT_IS_STR(cls("paid", 1, 1, 1), "paid", "paid status with a balance left is paid");
	UNIT_IS_STR(cls("cancelled", 1, 1, 1), "closed", "cancelled is closed");
	UNIT_IS_STR(cls("open", 0, 0, 1), "closed", "no amount closes");
	UNIT_IS_STR(cls("open", 1, 0, 1), "paid", "zero left to pay is paid");
	UNIT_IS_STR(cls("open", 1, -1, 1), "credit", "below zero is a credit");
	UNIT_IS_STR(cls("open", 1, -1, 0), "credit", "a credit needs no due date");
	UNIT_IS_STR(cls("disputed", 1, -1, 1), "credit", "a disputed credit is a credit");
	UNIT_IS_STR(cls("closed", 1, -1, 1), "closed", "a closed credit note is closed");
	UNIT_IS_STR(cls("closed", 1, 1, 1), "closed", "closed with a balance left is closed, not paid");
	UNIT_IS_STR(cls("closed", 1, 0, 1), "paid", "closed with nothing left is paid");
	UNIT_IS_STR(cls("open", 1, 1, 0), "ignored", "no due date: not yet a receivable");
	UNIT_IS_STR(cls("disputed", 1, 1, 1), "suspended", "disputed is suspended");
	UNIT_IS_STR(cls("posted", 1, 1, 1), "open", "an unknown word with a balance is open");
	UNIT_IS_STR(cls(NULL, 1, 1, 1), "open", "no status with a balance is open");
	UNIT_IS_STR(receivable_class_name((ItemClass) 42), "open", "an out-of-range class names open");
	UNIT_IS_INT(receivable_class_from_name(" Credit", 7), ITEM_CREDIT, "class names parse");
	UNIT_IS_INT(receivable_class_from_name("paid", 4), ITEM_PAID, "paid parses");
	UNIT_IS_INT(receivable_class_from_name("unpaid", 6), -1, "a vocabulary word is not a class");
	UNIT_IS_INT(receivable_class_from_name(NULL, 0), -1, "NULL is no class");

	/* ISO 4217 minor units */
	UNIT_IS_INT(exp_of("EUR"), 2, "EUR has cents");
	UNIT_IS_INT(exp_of("jpy"), 0, "JPY has none (case-insensitive)");
	UNIT_IS_INT(exp_of(" KWD "), 3, "KWD has fils (blanks trimmed)");
	UNIT_IS_INT(exp_of("CLF"), 4, "CLF has four places");
	UNIT_IS_INT(exp_of("XOF"), 0, "XOF (CFA franc BCEAO) has none");
	UNIT_IS_INT(exp_of("TND"), 3, "TND has millimes");
	UNIT_IS_INT(exp_of("ZZZ"), 2, "an unknown code has two");
	UNIT_IS_INT(exp_of("EURO"), 2, "not a code: two");
	UNIT_IS_INT(exp_of(""), 2, "empty: two");
	UNIT_IS_INT(receivable_currency_exponent(NULL, 0), 2, "NULL: two");
	return unit_done();
}
