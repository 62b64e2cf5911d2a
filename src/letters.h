/*
 * letters.h
 *		Dunning letters (SPEC section 9): the placeholders a letter template
 *		may use, amounts and dates written the way each language writes them,
 *		and the substitution itself.  Pure C.
 *
 * A template is text with tags between double braces:
 *   {{name}}        the value of field name (empty when it has none)
 *   {{#name}}...{{/name}}
 *                   the text between is kept only when the field has a value
 *                   that is not empty and not zero (a section; sections nest)
 *   {{^name}}...{{/name}}
 *                   the opposite: kept only when the field has no such value
 *                   (an inverted section, as in Mustache)
 * Blanks may surround the name inside the braces.  Every "{{" opens a tag,
 * every tag names a placeholder of the table below: anything else is an
 * error with its byte offset, so a template with a typo is refused when it
 * is written rather than when the letter goes out.
 *
 * Formatting never depends on the C or PostgreSQL locale: each language has
 * its own separators, money pattern and date pattern (letters.c).
 */
#ifndef AR_CREDIT_LETTERS_H
#define AR_CREDIT_LETTERS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum LetterLang
{
	LETTER_EN = 0,
	LETTER_FR,
	LETTER_DE,
	LETTER_ES,
	LETTER_IT,
	LETTER_NL
} LetterLang;

#define LETTER_NLANGS 6

/* what a placeholder holds, hence how it is written */
typedef enum LetterKind
{
	LETTER_TEXT = 0,			/* as is */
	LETTER_MONEY,				/* an amount with the letter's currency */
	LETTER_DATE,				/* a calendar date */
	LETTER_COUNT				/* a whole number (days, a level) */
} LetterKind;

/* the language a code names ("fr", "EN"), or -1 */
extern int	letters_lang(const char *code, size_t len);
extern const char *letters_lang_code(LetterLang lang);

/* the kind of placeholder name (len bytes), or -1 for an unknown name */
extern int	letters_kind(const char *name, size_t len);
/* the placeholders, in documentation order: i = 0, 1, ... until NULL */
extern const char *letters_placeholder(int i, LetterKind *kind);

/*
 * A plain decimal number ("-1234.5": optional minus, digits, optional point
 * and digits, as numeric_out writes it) rounded half away from zero to
 * decimals places (0..6), with the language's thousands and decimal
 * separators.  Returns the length written (a NUL follows), -1 when plain is
 * not such a number, -2 when cap is too small (cap >= 2 * len + 16 always
 * suffices).
 */
extern int	letters_format_number(const char *plain, size_t len, int decimals,
								  LetterLang lang, char *buf, size_t cap);

/*
 * An amount with its currency code (NULL or "" for none): "1 234,56 EUR" in
 * French (no-break spaces), "EUR 1,234.56" in English.  Same returns as
 * letters_format_number; cap >= 2 * len + strlen(currency) + 24 suffices.
 */
extern int	letters_format_money(const char *plain, size_t len, const char *currency,
								 int decimals, LetterLang lang, char *buf, size_t cap);

/*
 * A date given as ISO text "YYYY-MM-DD" (years of 4 to 7 digits):
 * 31/12/2026 (fr, es, it), 31 Dec 2026 (en), 31.12.2026 (de), 31-12-2026
 * (nl).  Returns the length written, -1 when iso is not a valid date (or
 * -2 when cap < 24).
 */
extern int	letters_format_date(const char *iso, size_t len, LetterLang lang,
								char *buf, size_t cap);

/* one value to substitute: already written out, and whether a section shows */
typedef struct LetterField
{
	const char *name;			/* a placeholder name */
	const char *value;			/* NUL-terminated; NULL for no value */
	bool		shown;			/* {{#name}} keeps its text */
} LetterField;

typedef enum LetterStatus
{
	LETTER_OK = 0,
	LETTER_MALFORMED,			/* "{{" not followed by a name and "}}" */
	LETTER_UNKNOWN,				/* a name that is not a placeholder */
	LETTER_UNOPENED,			/* {{/name}} that closes no open section */
	LETTER_UNCLOSED,			/* {{#name}} never closed */
	LETTER_DEPTH				/* sections nested deeper than LETTER_MAX_DEPTH */
} LetterStatus;

#define LETTER_MAX_DEPTH 8

typedef struct LetterError
{
	LetterStatus status;
	size_t		offset;			/* byte offset of the tag in the template */
	char		tag[48];		/* the tag's text as written (clipped) */
} LetterError;

/*
 * Render a template of tlen bytes (not NUL-terminated) with fields.
 * Returns the length of the whole output; when it is below cap, out holds
 * it and a NUL (out may be NULL when cap is 0): call once to size, once to
 * write.  Returns -1 and fills err when the template is not valid; every
 * tag is checked, those in hidden sections too.
 */
extern long letters_render(const char *tmpl, size_t tlen, const LetterField *fields,
						   int nfields, char *out, size_t cap, LetterError *err);

extern const char *letters_status_message(LetterStatus status);

#endif							/* AR_CREDIT_LETTERS_H */
