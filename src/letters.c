/*
 * letters.c
 *		Dunning letters: placeholders, amounts and dates per language, and
 *		the substitution of a template (letters.h).  Pure C.
 *
 * How each language writes numbers and dates (the usual business forms;
 * thousands grouped by three):
 *   en  EUR 1,234.56    31 Dec 2026   (day without a leading zero)
 *   fr  1 234,56 EUR    31/12/2026    (the spaces are no-break spaces,
 *                                      U+00A0, as French typography wants,
 *                                      so an amount never breaks across lines)
 *   de  1.234,56 EUR    31.12.2026
 *   es  1.234,56 EUR    31/12/2026
 *   it  1.234,56 EUR    31/12/2026
 *   nl  EUR 1.234,56    31-12-2026
 * A no-break space also separates the currency code from the amount.
 */
#include "letters.h"

#include <string.h>

#define NBSP "\xC2\xA0"

typedef struct LangRule
{
	const char *code;
	const char *thousands;
	const char *decimal;
	bool		code_first;		/* currency code before the amount */
	char		date_sep;		/* 0: "31 Dec 2026" */
} LangRule;

/* indexed by LetterLang */
static const LangRule langs[LETTER_NLANGS] = {
	{"en", ",", ".", true, 0},
	{"fr", NBSP, ",", false, '/'},
	{"de", ".", ",", false, '.'},
	{"es", ".", ",", false, '/'},
	{"it", ".", ",", false, '/'},
	{"nl", ".", ",", true, '-'},
};

static const char *const months_en[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/* the placeholders, in documentation order */
static const struct
{
	const char *name;
	LetterKind	kind;
} placeholders[] = {
	{"customer", LETTER_TEXT},
	{"invoice", LETTER_TEXT},
	{"issued_on", LETTER_DATE},
	{"due_date", LETTER_DATE},
	{"terms", LETTER_TEXT},
	{"amount_due", LETTER_MONEY},
	{"currency", LETTER_TEXT},
	{"date", LETTER_DATE},
	{"days_late", LETTER_COUNT},
	{"level", LETTER_COUNT},
	{"reminders_sent", LETTER_COUNT},
	{"label", LETTER_TEXT},
	{"principal", LETTER_MONEY},
	{"interest", LETTER_MONEY},
	{"indemnity", LETTER_MONEY},
	{"fees", LETTER_MONEY},
	{"total", LETTER_MONEY},
};

#define NPLACEHOLDERS ((int) (sizeof(placeholders) / sizeof(placeholders[0])))

int
letters_lang(const char *code, size_t len)
{
	char		c[2];

	if (len != 2)
		return -1;
	for (int i = 0; i < 2; i++)
		c[i] = (code[i] >= 'A' && code[i] <= 'Z') ? (char) (code[i] + 32) : code[i];
	for (int i = 0; i < LETTER_NLANGS; i++)
		if (c[0] == langs[i].code[0] && c[1] == langs[i].code[1])
			return i;
	return -1;
}

const char *
letters_lang_code(LetterLang lang)
{
	return langs[lang].code;
}

int
letters_kind(const char *name, size_t len)
{
	for (int i = 0; i < NPLACEHOLDERS; i++)
		if (strlen(placeholders[i].name) == len && memcmp(placeholders[i].name, name, len) == 0)
			return (int) placeholders[i].kind;
	return -1;
}

const char *
letters_placeholder(int i, LetterKind *kind)
{
	if (i < 0 || i >= NPLACEHOLDERS)
		return NULL;
	if (kind)
		*kind = placeholders[i].kind;
	return placeholders[i].name;
}

/* ---------------------------------------------------------------------
 * numbers
 * --------------------------------------------------------------------- */

/* the digits of a number kept after rounding: integer part then decimals */
typedef struct Digits
{
	const char *ip;				/* integer digits, leading zeros dropped */
	size_t		ni;
	const char *fp;				/* fraction digits as given */
	size_t		nf;
	int			decimals;
	bool		roundup;		/* the first dropped decimal is 5 or more */
	long		last_not9;		/* roundup: last kept digit below 9, or -1 */
} Digits;

static char
orig_digit(const Digits *d, size_t k)
{
	if (k < d->ni)
		return d->ip[k];
	k -= d->ni;
	return k < d->nf ? d->fp[k] : '0';
}

/* kept digit k after rounding (k counts from the first integer digit) */
static char
kept_digit(const Digits *d, size_t k)
{
	char		c = orig_digit(d, k);

	if (!d->roundup || (long) k < d->last_not9)
		return c;
	return (long) k == d->last_not9 ? (char) (c + 1) : '0';
}

/* parse [-]digits[.digits]; false when plain is not such a number */
static bool
parse_plain(const char *s, size_t len, int decimals, bool *neg, Digits *d)
{
	size_t		i = 0,
				nk;

	*neg = len > 0 && s[0] == '-';
	i = *neg ? 1 : 0;
	d->ip = s + i;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	d->ni = (size_t) (s + i - d->ip);
	if (d->ni == 0)
		return false;
	d->fp = s + i;
	d->nf = 0;
	if (i < len && s[i] == '.')
	{
		d->fp = s + ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		d->nf = (size_t) (s + i - d->fp);
		if (d->nf == 0)
			return false;
	}
	if (i != len)
		return false;
	while (d->ni > 1 && d->ip[0] == '0')
		d->ip++, d->ni--;
	d->decimals = decimals;
	d->roundup = d->nf > (size_t) decimals && d->fp[decimals] >= '5';
	nk = d->ni + (size_t) decimals;
	d->last_not9 = -1;
	if (d->roundup)
		for (long k = (long) nk - 1; k >= 0 && d->last_not9 < 0; k--)
			if (orig_digit(d, (size_t) k) != '9')
				d->last_not9 = k;
	return true;
}

static bool
digits_zero(const Digits *d)
{
	if (d->roundup)
		return false;
	for (size_t k = 0; k < d->ni + (size_t) d->decimals; k++)
		if (orig_digit(d, k) != '0')
			return false;
	return true;
}

/* appends s to buf at *n (bounded by cap, a NUL kept room for) */
static void
put(char *buf, size_t cap, size_t *n, const char *s, size_t len)
{
	if (*n + len < cap)
		memcpy(buf + *n, s, len);
	*n += len;
}

static void
put_digits(char *buf, size_t cap, size_t *n, const Digits *d, const LangRule *r)
{
	size_t		ni = d->ni + (d->roundup && d->last_not9 < 0 ? 1 : 0);
	size_t		shift = ni - d->ni; /* 1 when rounding adds a leading 1 */

	for (size_t k = 0; k < ni; k++)
	{
		char		c = (shift && k == 0) ? '1' : kept_digit(d, k - shift);

		if (k > 0 && (ni - k) % 3 == 0)
			put(buf, cap, n, r->thousands, strlen(r->thousands));
		put(buf, cap, n, &c, 1);
	}
	if (d->decimals > 0)
		put(buf, cap, n, r->decimal, strlen(r->decimal));
	for (int k = 0; k < d->decimals; k++)
	{
		char		c = kept_digit(d, d->ni + (size_t) k);

		put(buf, cap, n, &c, 1);
	}
}

static int
finish(char *buf, size_t cap, size_t n)
{
	if (n >= cap)
	{
		if (cap > 0)
			buf[0] = '\0';
		return -2;
	}
	buf[n] = '\0';
	return (int) n;
}

int
letters_format_number(const char *plain, size_t len, int decimals, LetterLang lang,
					  char *buf, size_t cap)
{
	Digits		d;
	bool		neg;
	size_t		n = 0;

	if (decimals < 0 || decimals > 6 || !parse_plain(plain, len, decimals, &neg, &d))
		return -1;
	if (neg && !digits_zero(&d))
		put(buf, cap, &n, "-", 1);
	put_digits(buf, cap, &n, &d, &langs[lang]);
	return finish(buf, cap, n);
}

int
letters_format_money(const char *plain, size_t len, const char *currency, int decimals,
					 LetterLang lang, char *buf, size_t cap)
{
	const LangRule *r = &langs[lang];
	size_t		clen = currency ? strlen(currency) : 0;
	Digits		d;
	bool		neg;
	size_t		n = 0;

	if (decimals < 0 || decimals > 6 || !parse_plain(plain, len, decimals, &neg, &d))
		return -1;
	if (neg && !digits_zero(&d))
		put(buf, cap, &n, "-", 1);
	if (clen > 0 && r->code_first)
	{
		put(buf, cap, &n, currency, clen);
		put(buf, cap, &n, NBSP, 2);
	}
	put_digits(buf, cap, &n, &d, r);
	if (clen > 0 && !r->code_first)
	{
		put(buf, cap, &n, NBSP, 2);
		put(buf, cap, &n, currency, clen);
	}
	return finish(buf, cap, n);
}

/* ---------------------------------------------------------------------
 * dates
 * --------------------------------------------------------------------- */

static int
days_in_month(long y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* reads n digits at s into *v; false unless they are all digits */
static bool
read_digits(const char *s, size_t n, long *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

int
letters_format_date(const char *iso, size_t len, LetterLang lang, char *buf, size_t cap)
{
	const LangRule *r = &langs[lang];
	size_t		yl = len >= 6 ? len - 6 : 0;
	long		y,
				m,
				d;
	char		tmp[32];
	size_t		n = 0;

	if (cap < 24)
		return -2;
	if (yl < 4 || yl > 7 || iso[yl] != '-' || iso[yl + 3] != '-'
		|| !read_digits(iso, yl, &y) || !read_digits(iso + yl + 1, 2, &m)
		|| !read_digits(iso + yl + 4, 2, &d)
		|| m < 1 || m > 12 || d < 1 || d > days_in_month(y, (int) m))
		return -1;
	if (r->date_sep == 0)
	{
		if (d >= 10)
			tmp[n++] = (char) ('0' + d / 10);
		tmp[n++] = (char) ('0' + d % 10);
		tmp[n++] = ' ';
		memcpy(tmp + n, months_en[m - 1], 3);
		n += 3;
		tmp[n++] = ' ';
	}
	else
	{
		tmp[n++] = (char) ('0' + d / 10);
		tmp[n++] = (char) ('0' + d % 10);
		tmp[n++] = r->date_sep;
		tmp[n++] = (char) ('0' + m / 10);
		tmp[n++] = (char) ('0' + m % 10);
		tmp[n++] = r->date_sep;
	}
	memcpy(tmp + n, iso, yl);
	n += yl;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return (int) n;
}

/* ---------------------------------------------------------------------
 * substitution
 * --------------------------------------------------------------------- */

typedef struct Tag
{
	char		sigil;			/* 0, '#', '^' or '/' */
	const char *name;
	size_t		len;
	size_t		end;			/* offset just past "}}" */
} Tag;

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* the tag starting with "{{" at offset i; false when malformed */
static bool
parse_tag(const char *t, size_t tlen, size_t i, Tag *tag)
{
	size_t		j = i + 2;

	while (j < tlen && is_blank(t[j]))
		j++;
	tag->sigil = (j < tlen && (t[j] == '#' || t[j] == '^' || t[j] == '/')) ? t[j++] : 0;
	while (j < tlen && is_blank(t[j]))
		j++;
	tag->name = t + j;
	while (j < tlen && ((t[j] >= 'a' && t[j] <= 'z') || t[j] == '_' || (t[j] >= '0' && t[j] <= '9')))
		j++;
	tag->len = (size_t) (t + j - tag->name);
	while (j < tlen && is_blank(t[j]))
		j++;
	if (tag->len == 0 || j + 1 >= tlen || t[j] != '}' || t[j + 1] != '}')
		return false;
	tag->end = j + 2;
	return true;
}

static const LetterField *
find_field(const LetterField *fields, int nfields, const char *name, size_t len)
{
	for (int i = 0; i < nfields; i++)
		if (strlen(fields[i].name) == len && memcmp(fields[i].name, name, len) == 0)
			return &fields[i];
	return NULL;
}

static long
fail(LetterError *err, LetterStatus st, const char *t, size_t tlen, size_t at, size_t end)
{
	size_t		n = end - at;

	if (n > sizeof(err->tag) - 1)
		n = sizeof(err->tag) - 1;
	if (n > tlen - at)
		n = tlen - at;
	err->status = st;
	err->offset = at;
	memcpy(err->tag, t + at, n);
	err->tag[n] = '\0';
	return -1;
}

long
letters_render(const char *t, size_t tlen, const LetterField *fields, int nfields,
			   char *out, size_t cap, LetterError *err)
{
	struct
	{
		const char *name;
		size_t		len;
		size_t		at;
		bool		shown;
	}			open[LETTER_MAX_DEPTH];
	int			depth = 0,
				hidden = 0;
	size_t		n = 0,
				i = 0;

	err->status = LETTER_OK;
	while (i < tlen)
	{
		Tag			tag;
		const LetterField *f;

		if (t[i] != '{' || i + 1 >= tlen || t[i + 1] != '{')
		{
			if (hidden == 0)
				put(out, cap, &n, t + i, 1);
			i++;
			continue;
		}
		if (!parse_tag(t, tlen, i, &tag))
			return fail(err, LETTER_MALFORMED, t, tlen, i, i + 24);
		if (letters_kind(tag.name, tag.len) < 0)
			return fail(err, LETTER_UNKNOWN, t, tlen, i, tag.end);
		f = find_field(fields, nfields, tag.name, tag.len);
		if (tag.sigil == '#' || tag.sigil == '^')
		{
			bool		has = f != NULL && f->value != NULL && f->shown;

			if (depth == LETTER_MAX_DEPTH)
				return fail(err, LETTER_DEPTH, t, tlen, i, tag.end);
			open[depth].name = tag.name;
			open[depth].len = tag.len;
			open[depth].at = i;
			open[depth].shown = tag.sigil == '#' ? has : !has;
			hidden += open[depth++].shown ? 0 : 1;
		}
		else if (tag.sigil == '/')
		{
			if (depth == 0 || open[depth - 1].len != tag.len
				|| memcmp(open[depth - 1].name, tag.name, tag.len) != 0)
				return fail(err, LETTER_UNOPENED, t, tlen, i, tag.end);
			hidden -= open[--depth].shown ? 0 : 1;
		}
		else if (hidden == 0 && f != NULL && f->value != NULL)
			put(out, cap, &n, f->value, strlen(f->value));
		i = tag.end;
	}
	if (depth > 0)
		return fail(err, LETTER_UNCLOSED, t, tlen, open[depth - 1].at,
					open[depth - 1].at + open[depth - 1].len + 5);
	if (cap > 0)
		out[n < cap ? n : cap - 1] = '\0';
	return (long) n;
}

const char *
letters_status_message(LetterStatus status)
{
	switch (status)
	{
		case LETTER_OK:
			return "valid";
		case LETTER_MALFORMED:
			return "\"{{\" must open a tag: {{name}}, {{#name}}, {{^name}} or {{/name}}, the name in lower case";
		case LETTER_UNKNOWN:
			return "unknown placeholder";
		case LETTER_UNOPENED:
			return "this closing tag matches no open section";
		case LETTER_UNCLOSED:
			return "this section is never closed";
		case LETTER_DEPTH:
			return "sections nested too deeply";
	}
	return "invalid template";
}
