/*
 * test_letters.c
 *		Unit tests of the dunning letters' core (src/letters.c): amounts,
 *		dates and the substitution of templates.
 *
 * Expected strings written by hand from the conventions in letters.c; NB is
 * the UTF-8 no-break space French amounts use.
 */
#include "unit.h"
#include "letters.h"

#define NB "\xC2\xA0"

static char buf[512];

static const char *
num(const char *plain, int decimals, LetterLang lang)
{
	int			n = letters_format_number(plain, strlen(plain), decimals, lang, buf, sizeof(buf));

	return n < 0 ? (n == -1 ? "<bad>" : "<small>") : buf;
}

static const char *
money(const char *plain, const char *cur, int decimals, LetterLang lang)
{
	int			n = letters_format_money(plain, strlen(plain), cur, decimals, lang, buf, sizeof(buf));

	return n < 0 ? (n == -1 ? "<bad>" : "<small>") : buf;
}

static const char *
date(const char *iso, LetterLang lang)
{
	int			n = letters_format_date(iso, strlen(iso), lang, buf, sizeof(buf));

	return n < 0 ? "<bad>" : buf;
}

static const LetterField fields[] = {
	{"customer", "ACME SA", true},
	{"invoice", "F-2026-001", true},
	{"amount_due", "1 234,56 EUR", true},
	{"fees", "0,00 EUR", false},
	{"interest", "12,34 EUR", true},
	{"terms", NULL, false},
};

static const char *
render(const char *t, LetterError *err)
{
	long		n = letters_render(t, strlen(t), fields, 6, buf, sizeof(buf), err);

	return n < 0 ? "<error>" : buf;
}

static void
test_numbers(void)
{
	UNIT_IS_STR(num("1234.56", 2, LETTER_FR), "1" NB "234,56", "fr: no-break space groups, comma decimals");
	UNIT_IS_STR(num("1234.56", 2, LETTER_EN), "1,234.56", "en: comma groups, point decimals");
	UNIT_IS_STR(num("1234.56", 2, LETTER_DE), "1.234,56", "de: point groups, comma decimals");
	UNIT_IS_STR(num("1234567.5", 2, LETTER_EN), "1,234,567.50", "decimals padded, two groups");
	UNIT_IS_STR(num("999", 2, LETTER_EN), "999.00", "no group under 1000");
	UNIT_IS_STR(num("0.005", 2, LETTER_EN), "0.01", "half rounds away from zero");
	UNIT_IS_STR(num("-0.005", 2, LETTER_EN), "-0.01", "negative half rounds away from zero");
	UNIT_IS_STR(num("0.0049", 2, LETTER_EN), "0.00", "below half rounds down");
	UNIT_IS_STR(num("-0.0049", 2, LETTER_EN), "0.00", "a negative that rounds to zero has no sign");
	UNIT_IS_STR(num("999.995", 2, LETTER_EN), "1,000.00", "the carry adds a digit and a group");
	UNIT_IS_STR(num("99999.5", 0, LETTER_FR), "100" NB "000", "0 decimals (JPY): carry, no separator");
	UNIT_IS_STR(num("000012.30", 2, LETTER_EN), "12.30", "leading zeros dropped");
	UNIT_IS_STR(num("0", 2, LETTER_FR), "0,00", "zero");
	UNIT_IS_STR(num("12.3456", 3, LETTER_EN), "12.346", "3 decimals (KWD)");
	UNIT_IS_STR(num("5", 0, LETTER_EN), "5", "count");
	UNIT_IS_STR(num("", 2, LETTER_EN), "<bad>", "empty refused");
	UNIT_IS_STR(num("-", 2, LETTER_EN), "<bad>", "a lone minus refused");
	UNIT_IS_STR(num("1.", 2, LETTER_EN), "<bad>", "a point without decimals refused");
	UNIT_IS_STR(num(".5", 2, LETTER_EN), "<bad>", "no integer digit refused");
	UNIT_IS_STR(num("NaN", 2, LETTER_EN), "<bad>", "NaN refused");
	UNIT_IS_STR(num("1e5", 2, LETTER_EN), "<bad>", "exponent refused");
	UNIT_IS_STR(num("12", 7, LETTER_EN), "<bad>", "more than 6 decimals refused");
	UNIT_IS_INT(letters_format_number("1234.56", 7, 2, LETTER_FR, buf, 9), -2, "a buffer too small says so");
	UNIT_IS_INT(letters_format_number("1234.56", 7, 2, LETTER_FR, buf, 10), 9, "exact fit: 9 bytes and a NUL");
}

static void
test_money(void)
{
	UNIT_IS_STR(money("1234.56", "EUR", 2, LETTER_FR), "1" NB "234,56" NB "EUR", "fr: amount then code");
	UNIT_IS_STR(money("1234.56", "EUR", 2, LETTER_EN), "EUR" NB "1,234.56", "en: code then amount");
	UNIT_IS_STR(money("1234.56", "EUR", 2, LETTER_NL), "EUR" NB "1.234,56", "nl: code first, comma decimals");
	UNIT_IS_STR(money("-40", "GBP", 2, LETTER_EN), "-GBP" NB "40.00", "en: the minus before the code");
	UNIT_IS_STR(money("-40", "EUR", 2, LETTER_FR), "-40,00" NB "EUR", "fr: the minus before the amount");
	UNIT_IS_STR(money("12000", "JPY", 0, LETTER_EN), "JPY" NB "12,000", "JPY without decimals");
	UNIT_IS_STR(money("40", NULL, 2, LETTER_FR), "40,00", "no currency: the number alone");
	UNIT_IS_STR(money("40", "", 2, LETTER_EN), "40.00", "empty currency: the number alone");
}

static void
test_dates(void)
{
	UNIT_IS_STR(date("2026-12-31", LETTER_FR), "31/12/2026", "fr date");
	UNIT_IS_STR(date("2026-12-31", LETTER_EN), "31 Dec 2026", "en date");
	UNIT_IS_STR(date("2026-03-05", LETTER_EN), "5 Mar 2026", "en day without a leading zero");
	UNIT_IS_STR(date("2026-03-05", LETTER_FR), "05/03/2026", "fr day and month on two digits");
	UNIT_IS_STR(date("2026-03-05", LETTER_DE), "05.03.2026", "de date");
	UNIT_IS_STR(date("2026-03-05", LETTER_NL), "05-03-2026", "nl date");
	UNIT_IS_STR(date("2024-02-29", LETTER_IT), "29/02/2024", "leap day");
	UNIT_IS_STR(date("2023-02-29", LETTER_FR), "<bad>", "29 Feb of a common year refused");
	UNIT_IS_STR(date("1900-02-29", LETTER_FR), "<bad>", "1900 was not a leap year");
	UNIT_IS_STR(date("2000-02-29", LETTER_FR), "29/02/2000", "2000 was");
	UNIT_IS_STR(date("12345-01-02", LETTER_EN), "2 Jan 12345", "a five-digit year");
	UNIT_IS_STR(date("2026-13-01", LETTER_FR), "<bad>", "month 13 refused");
	UNIT_IS_STR(date("2026-1-01", LETTER_FR), "<bad>", "one-digit month refused");
	UNIT_IS_STR(date("0044-03-15 BC", LETTER_FR), "<bad>", "BC refused");
	UNIT_IS_STR(date("", LETTER_FR), "<bad>", "empty refused");
}

static void
test_render(void)
{
	LetterError err;

	UNIT_IS_STR(render("Facture {{invoice}} : {{amount_due}}", &err), "Facture F-2026-001 : 1 234,56 EUR",
				"placeholders replaced");
	UNIT_IS_STR(render("{{ customer }}/{{\tinvoice }}", &err), "ACME SA/F-2026-001", "blanks inside braces");
	UNIT_IS_STR(render("[{{terms}}]", &err), "[]", "a field without value is empty");
	UNIT_IS_STR(render("[{{date}}]", &err), "[]", "a placeholder not given is empty");
	UNIT_IS_STR(render("a{{#interest}} + {{interest}}{{/interest}}{{#fees}} + {{fees}}{{/fees}}.", &err),
				"a + 12,34 EUR.", "sections: shown and hidden");
	UNIT_IS_STR(render("{{#terms}}x{{/terms}}{{#date}}y{{/date}}z", &err), "z", "no value hides a section");
	UNIT_IS_STR(render("{{#interest}}<{{#fees}}f{{/fees}}{{#customer}}c{{/customer}}>{{/interest}}", &err),
				"<c>", "nested sections");
	UNIT_IS_STR(render("{{^interest}}none{{/interest}}{{^date}}no date{{/date}}", &err), "no date",
				"inverted sections: kept when the field has no value");
	UNIT_IS_STR(render("{{#interest}}Malgré nos relances, la{{/interest}}{{^interest}}La{{/interest}} facture", &err),
				"Malgré nos relances, la facture", "a section and its inverse");
	UNIT_IS_STR(render("{{^date}}<{{#interest}}i{{/interest}}{{^fees}}f{{/fees}}>{{/date}}", &err),
				"<if>", "inverted sections nest");
	UNIT_IS_STR(render("{{^fees}}x{{/interest}}", &err), "<error>", "an inverted section closed by another name refused");
	UNIT_IS_STR(render("{ } }} {x} {{invoice}}}", &err), "{ } }} {x} F-2026-001}", "single braces are text");
	UNIT_IS_STR(render("", &err), "", "an empty template");

	UNIT_IS_STR(render("Dear {{client}},", &err), "<error>", "unknown placeholder refused");
	UNIT_IS_INT(err.status, LETTER_UNKNOWN, "status: unknown");
	UNIT_IS_INT(err.offset, 5, "offset of the tag");
	UNIT_IS_STR(err.tag, "{{client}}", "the tag as written");
	UNIT_IS_STR(render("x {{Invoice}}", &err), "<error>", "names are lower case");
	UNIT_IS_INT(err.status, LETTER_MALFORMED, "status: malformed");
	UNIT_IS_STR(render("x {{invoice}", &err), "<error>", "unterminated tag refused");
	UNIT_IS_STR(render("x {{", &err), "<error>", "a lone {{ at the end refused");
	UNIT_IS_INT(err.offset, 2, "offset of the lone {{");
	UNIT_IS_STR(render("{{#fees}}x{{/interest}}", &err), "<error>", "mismatched close refused");
	UNIT_IS_INT(err.status, LETTER_UNOPENED, "status: unopened");
	UNIT_IS_STR(render("{{/fees}}", &err), "<error>", "close without open refused");
	UNIT_IS_STR(render("ab{{#fees}}x", &err), "<error>", "unclosed section refused");
	UNIT_IS_INT(err.status, LETTER_UNCLOSED, "status: unclosed");
	UNIT_IS_INT(err.offset, 2, "offset of the unclosed section");
	UNIT_IS_STR(render("{{#fees}}{{bogus}}{{/fees}}", &err), "<error>", "tags inside a hidden section are checked");
	UNIT_IS_STR(render("{{#fees}}{{#fees}}{{#fees}}{{#fees}}{{#fees}}{{#fees}}{{#fees}}{{#fees}}"
					   "{{/fees}}{{/fees}}{{/fees}}{{/fees}}{{/fees}}{{/fees}}{{/fees}}{{/fees}}", &err),
				"", "8 levels of sections");
	UNIT_IS_STR(render("{{#fees}}{{#fees}}{{#fees}}{{#fees}}{{#fees}}{{#fees}}{{#fees}}{{#fees}}{{#fees}}", &err),
				"<error>", "9 levels refused");
	UNIT_IS_INT(err.status, LETTER_DEPTH, "status: depth");

	{
		const char *t = "Invoice {{invoice}} of {{customer}}";
		long		need = letters_render(t, strlen(t), fields, 6, NULL, 0, &err);
		char		small[8];

		UNIT_IS_INT(need, 29, "sizing call returns the full length");
		UNIT_IS_INT(letters_render(t, strlen(t), fields, 6, small, sizeof(small), &err), 29,
					"a small buffer still returns the full length");
	}
}

static void
test_names(void)
{
	LetterKind	k;
	int			n = 0;

	UNIT_IS_INT(letters_lang("fr", 2), LETTER_FR, "fr");
	UNIT_IS_INT(letters_lang("EN", 2), LETTER_EN, "EN, case-insensitive");
	UNIT_IS_INT(letters_lang("nl", 2), LETTER_NL, "nl");
	UNIT_IS_INT(letters_lang("pt", 2), -1, "pt unknown");
	UNIT_IS_INT(letters_lang("fra", 3), -1, "three letters unknown");
	UNIT_IS_STR(letters_lang_code(LETTER_DE), "de", "code of de");
	UNIT_IS_INT(letters_kind("total", 5), LETTER_MONEY, "total is money");
	UNIT_IS_INT(letters_kind("due_date", 8), LETTER_DATE, "due_date is a date");
	UNIT_IS_INT(letters_kind("days_late", 9), LETTER_COUNT, "days_late is a count");
	UNIT_IS_INT(letters_kind("totals", 6), -1, "totals unknown");
	while (letters_placeholder(n, &k) != NULL)
		n++;
	UNIT_IS_INT(n, 17, "17 placeholders");
	UNIT_OK(letters_placeholder(17, &k) == NULL && letters_placeholder(-1, &k) == NULL, "out of range: NULL");
}

int
main(void)
{
	test_numbers();
	test_money();
	test_dates();
	test_render();
	test_names();
	return unit_done();
}
