/*
 * receivable.c
 *		Rules of the receivables mirror (see receivable.h).
 *
 * The status vocabulary is SPEC section 6's, extended by the class names
 * (open, closed, suspended, ignored) that section 7's status_map may give:
 * a status column that says "closed" means closed, not "unknown, so open".
 */
#include "receivable.h"

#include <ctype.h>
#include <string.h>

typedef struct Word
{
	const char *word;
	StatusKind	kind;
} Word;

static const Word vocabulary[] = {
	{"open", STATUS_OPEN}, {"issued", STATUS_OPEN}, {"sent", STATUS_OPEN},
	{"unpaid", STATUS_OPEN}, {"partially_paid", STATUS_OPEN}, {"overdue", STATUS_OPEN},
	{"paid", STATUS_PAID},
	{"cancelled", STATUS_CANCELLED}, {"canceled", STATUS_CANCELLED}, {"void", STATUS_CANCELLED},
	{"written_off", STATUS_CANCELLED}, {"credited", STATUS_CANCELLED},
	{"closed", STATUS_CLOSED},
	{"disputed", STATUS_SUSPENDED}, {"on_hold", STATUS_SUSPENDED}, {"suspended", STATUS_SUSPENDED},
	{"draft", STATUS_IGNORED}, {"ignored", STATUS_IGNORED},
};

#define NWORDS ((int) (sizeof(vocabulary) / sizeof(vocabulary[0])))

/* trims blanks; false when nothing is left or it is longer than any word */
static bool
trim(const char **s, int *len, int max)
{
	while (*len > 0 && **s == ' ')
	{
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && (*s)[*len - 1] == ' ')
		(*len)--;
	return *len > 0 && *len <= max;
}

static bool
word_eq(const char *a, int len, const char *word)
{
	int			i;

	for (i = 0; i < len && word[i]; i++)
		if (tolower((unsigned char) a[i]) != (unsigned char) word[i])
			return false;
	return i == len && word[i] == '\0';
}

static int
find_word(const char *word, int len)
{
	if (word == NULL || !trim(&word, &len, 32))
		return -1;
	for (int i = 0; i < NWORDS; i++)
		if (word_eq(word, len, vocabulary[i].word))
			return i;
	return -1;
}

StatusKind
receivable_status_kind(const char *word, int len)
{
	int			i = find_word(word, len);

	return i < 0 ? STATUS_OPEN : vocabulary[i].kind;
}

bool
receivable_known_word(const char *word, int len)
{
	return find_word(word, len) >= 0;
}

ItemClass
receivable_class(StatusKind kind, bool has_amount, int amount_sign, bool has_due)
{
	if (kind == STATUS_IGNORED)
		return ITEM_IGNORED;
	if (kind == STATUS_PAID)
		return ITEM_PAID;
	if (kind == STATUS_CANCELLED || !has_amount)
		return ITEM_CLOSED;
	if (amount_sign == 0)
		return ITEM_PAID;
	if (amount_sign < 0)
		return kind == STATUS_CLOSED ? ITEM_CLOSED : ITEM_CREDIT;
	if (kind == STATUS_CLOSED)
		return ITEM_CLOSED;
	if (!has_due)
		return ITEM_IGNORED;
	return kind == STATUS_SUSPENDED ? ITEM_SUSPENDED : ITEM_OPEN;
}

static const char *const class_names[ITEM_NCLASSES] = {
	"open", "suspended", "credit", "paid", "closed", "ignored"
};

const char *
receivable_class_name(ItemClass c)
{
	return ((int) c >= 0 && (int) c < ITEM_NCLASSES) ? class_names[c] : "open";
}

int
receivable_class_from_name(const char *name, int len)
{
	if (name == NULL || !trim(&name, &len, 16))
		return -1;
	for (int i = 0; i < ITEM_NCLASSES; i++)
		if (word_eq(name, len, class_names[i]))
			return i;
	return -1;
}

/*
 * ISO 4217 currencies whose minor unit is not two decimal places (ISO 4217
 * "List one: currency, code and minor unit", SIX Financial Information, the
 * maintenance agency; amendments up to No. 179, 2024).  Every other code,
 * including unknown ones, has two.  Codes with no minor unit ("N.A.": gold,
 * SDR, testing codes) are not monetary amounts an invoice is written in and
 * keep the default.
 */
static const struct
{
	char		code[4];
	int			exponent;
} exponents[] = {
	{"BHD", 3}, {"BIF", 0}, {"CLF", 4}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0},
	{"IQD", 3}, {"ISK", 0}, {"JOD", 3}, {"JPY", 0}, {"KMF", 0}, {"KRW", 0},
	{"KWD", 3}, {"LYD", 3}, {"OMR", 3}, {"PYG", 0}, {"RWF", 0}, {"TND", 3},
	{"UGX", 0}, {"UYI", 0}, {"UYW", 4}, {"VND", 0}, {"VUV", 0}, {"XAF", 0},
	{"XOF", 0}, {"XPF", 0},
};

int
receivable_currency_exponent(const char *code, int len)
{
	if (code == NULL || !trim(&code, &len, 3) || len != 3)
		return 2;
	for (int i = 0; i < (int) (sizeof(exponents) / sizeof(exponents[0])); i++)
	{
		const char *c = exponents[i].code;

		if (toupper((unsigned char) code[0]) == c[0] && toupper((unsigned char) code[1]) == c[1] &&
			toupper((unsigned char) code[2]) == c[2])
			return exponents[i].exponent;
	}
	return 2;
}
