/*
 * terms_parse.c
 *		Payment terms: the tokenizer and the phrase parser (terms_parse).
 *
 * Input is case-insensitive English, French or formula text (SPEC section
 * 1).  The parser folds the few accented letters French terms use (à, é,
 * è, ê, â) to ASCII, so "à réception" and "a reception" are the same words.
 * Everything is checked against fixed limits so that no input, however
 * long or hostile, can overflow a buffer or an integer (fuzz/fuzz_terms.c).
 */
#include "terms.h"
#include "terms_int.h"
#include "dates.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * Tokenizer
 * ---------------------------------------------------------------------
 */
typedef enum TokType
{
	TK_END,
	TK_NUM,						/* value in 1/100: "2.5" = 250 */
	TK_WORD,					/* folded to lower-case ASCII */
	TK_DAYNUM,					/* "D10" */
	TK_PCT,
	TK_SLASH,
	TK_PLUS,
	TK_MINUS,
	TK_COMMA
} TokType;

#define MAX_TOKENS	1024		/* the longest description has about 900 */
#define MAX_WORD	24

typedef struct Token
{
	TokType		type;
	int64_t		num;			/* TK_NUM (x100), TK_DAYNUM */
	bool		frac;			/* TK_NUM had a decimal part */
	char		word[MAX_WORD];
	int			start;			/* byte offsets in the input */
	int			end;
} Token;

typedef struct Parser
{
	const char *input;
	Token		tok[MAX_TOKENS];
	int			ntok;
	int			pos;
	TermsError *err;
} Parser;


static bool set_error(Parser *p, TermsErrorKind kind, int start, int end, const char *fmt,...) TERMS_PRINTF(5, 6);

static bool
set_error(Parser *p, TermsErrorKind kind, int start, int end, const char *fmt,...)
{
	TermsError *err = p->err;
	va_list		ap;
	int			len;
	int			chars = 0;

	err->kind = kind;
	err->position = 0;
	err->token[0] = '\0';
	if (start >= 0)
	{
		/* character (not byte) position, as PostgreSQL reports them */
		for (int i = 0; i < start; i++)
			if ((p->input[i] & 0xC0) != 0x80)
				chars++;
		err->position = chars + 1;
		len = end - start;
		if (len > (int) sizeof(err->token) - 1)
		{
			len = sizeof(err->token) - 1;
			/* never cut a UTF-8 sequence in half */
			while (len > 0 && (p->input[start + len] & 0xC0) == 0x80)
				len--;
		}
		memcpy(err->token, p->input + start, len);
		err->token[len] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return false;
}

/*
 * Length of a UTF-8 letter we fold to ASCII at s, storing the folded
 * letter; 0 if s is not one of them.
 */
static int
folded_letter(const unsigned char *s, char *out)
{
	if (s[0] == 0xC3)
	{
		switch (s[1])
		{
			case 0xA0:			/* à */
			case 0xA2:			/* â */
			case 0x80:			/* À */
			case 0x82:			/* Â */
				*out = 'a';
				return 2;
			case 0xA9:			/* é */
			case 0xA8:			/* è */
			case 0xAA:			/* ê */
			case 0x89:			/* É */
			case 0x88:			/* È */
			case 0x8A:			/* Ê */
				*out = 'e';
				return 2;
			default:
				return 0;
		}
	}
	return 0;
}

/* length of a space-like sequence at s (ASCII space, NBSP, narrow NBSP) */
static int
space_len(const unsigned char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
		return 1;
	if (s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	if (s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0xAF)
		return 3;
	return 0;
}

/* apostrophes separate words: "fin d'année" */
static int
apostrophe_len(const unsigned char *s)
{
	if (*s == '\'')
		return 1;
	if (s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0x99)
		return 3;
	return 0;
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* a number at *pos: digits, then a decimal point or comma and two at most */
static bool
lex_number(Parser *p, Token *t, int *pos)
{
	const unsigned char *s = (const unsigned char *) p->input;
	int			i = *pos;
	int64_t		v = 0;
	int			digits = 0;

	while (is_digit(s[i]))
	{
		if (++digits > 9)
		{
			while (is_digit(s[i]))
				i++;
			return set_error(p, TERMS_ERR_SYNTAX, t->start, i,
							 "The number \"%.*s\" is too large.", i - t->start, p->input + t->start);
		}
		v = v * 10 + (s[i++] - '0');
	}
	v *= 100;
	/* decimal point or French decimal comma, only between digits */
	if ((s[i] == '.' || s[i] == ',') && is_digit(s[i + 1]))
	{
		int			fd = 0;

		i++;
		t->frac = true;
		while (is_digit(s[i]))
		{
			if (++fd > 2)
			{
				while (is_digit(s[i]))
					i++;
				return set_error(p, TERMS_ERR_SYNTAX, t->start, i,
								 "Percentages have at most two decimals.");
			}
			v += (s[i++] - '0') * (fd == 1 ? 10 : 1);
		}
	}
	t->type = TK_NUM;
	t->num = v;
	*pos = i;
	return true;
}

/*
 * A word at *pos, folded to lower-case ASCII; "D10" (next day 10) is one
 * token, any other word glued to digits is an error.
 */
static bool
lex_word(Parser *p, Token *t, int *pos)
{
	const unsigned char *s = (const unsigned char *) p->input;
	int			i = *pos;
	int			len = 0;
	int			n;
	bool		glued = (i > 0 && is_digit(s[i - 1]));

	for (;;)
	{
		char		c;

		if (is_letter(s[i]))
		{
			c = (char) (s[i] | 0x20);
			i++;
		}
		else if ((n = folded_letter(s + i, &c)) > 0)
			i += n;
		else
			break;
		if (len < MAX_WORD - 1)
			t->word[len] = c;
		len++;
	}
	if (len >= MAX_WORD)
		return set_error(p, TERMS_ERR_SYNTAX, t->start, i,
						 "Unknown word \"%.*s\".", i - t->start, p->input + t->start);
	t->word[len] = '\0';
	t->type = TK_WORD;
	if (is_digit(s[i]))
	{
		if (!glued && strcmp(t->word, "d") == 0)
		{
			int64_t		v = 0;
			int			digits = 0;

			while (is_digit(s[i]))
			{
				if (++digits <= 9)
					v = v * 10 + (s[i] - '0');
				i++;
			}
			t->type = TK_DAYNUM;
			t->num = digits > 9 ? 999999999 : v;
		}
		else if (glued)
			return set_error(p, TERMS_ERR_SYNTAX, t->start, i + 1,
							 "A number must not follow a unit directly.");
	}
	*pos = i;
	return true;
}

/* a sign at *pos: % / + - and the separators , ; */
static bool
lex_sign(Parser *p, Token *t, int *pos)
{
	const unsigned char *s = (const unsigned char *) p->input;
	int			i = *pos;

	switch (s[i])
	{
		case '%':
			t->type = TK_PCT;
			break;
		case '/':
			t->type = TK_SLASH;
			break;
		case '+':
			t->type = TK_PLUS;
			break;
		case '-':
			t->type = TK_MINUS;
			break;
		case ',':
		case ';':
			t->type = TK_COMMA;
			break;
		default:
			{
				int			len = 1;

				/* report the whole (multi-byte) character */
				while (s[i + len] && (s[i + len] & 0xC0) == 0x80)
					len++;
				return set_error(p, TERMS_ERR_SYNTAX, i, i + len,
								 "Unexpected character \"%.*s\".", len, p->input + i);
			}
	}
	*pos = i + 1;
	return true;
}

static bool
tokenize(Parser *p)
{
	const unsigned char *s = (const unsigned char *) p->input;
	int			i = 0;

	p->ntok = 0;
	while (s[i])
	{
		Token	   *t;
		int			n;
		char		folded;
		bool		ok;

		if ((n = space_len(s + i)) > 0 || (n = apostrophe_len(s + i)) > 0)
		{
			i += n;
			continue;
		}
		if (p->ntok >= MAX_TOKENS - 1)
			return set_error(p, TERMS_ERR_SYNTAX, i, i + 1,
							 "Payment terms may have at most %d words and signs.", MAX_TOKENS - 1);
		t = &p->tok[p->ntok];
		memset(t, 0, sizeof(*t));
		t->start = i;
		if (is_digit(s[i]))
			ok = lex_number(p, t, &i);
		else if (is_letter(s[i]) || folded_letter(s + i, &folded))
			ok = lex_word(p, t, &i);
		else
			ok = lex_sign(p, t, &i);
		if (!ok)
			return false;
		t->end = i;
		p->ntok++;
	}
	p->tok[p->ntok].type = TK_END;
	p->tok[p->ntok].start = i;
	p->tok[p->ntok].end = i;
	return true;
}

/* ---------------------------------------------------------------------
 * Word lists
 * ---------------------------------------------------------------------
 */
typedef struct Phrase
{
	const char *words[6];
	int			kind;			/* TermsStepKind, or one of the PH_ below */
} Phrase;

#define PH_IMMEDIATE	100
#define PH_AFTER		101
#define PH_FOLLOWING	102		/* "of the following month" */

static const Phrase phrases[] = {
	{{"due", "on", "receipt"}, PH_IMMEDIATE},
	{{"due", "upon", "receipt"}, PH_IMMEDIATE},
	{{"payable", "on", "receipt"}, PH_IMMEDIATE},
	{{"on", "receipt"}, PH_IMMEDIATE},
	{{"upon", "receipt"}, PH_IMMEDIATE},
	{{"immediate"}, PH_IMMEDIATE},
	{{"immediately"}, PH_IMMEDIATE},
	{{"au", "comptant"}, PH_IMMEDIATE},
	{{"comptant"}, PH_IMMEDIATE},
	{{"payable", "a", "reception"}, PH_IMMEDIATE},
	{{"a", "reception"}, PH_IMMEDIATE},
	{{"des", "reception"}, PH_IMMEDIATE},
	{{"reception"}, PH_IMMEDIATE},
	{{"end", "of", "the", "month"}, TS_END_MONTH},
	{{"end", "of", "month"}, TS_END_MONTH},
	{{"month", "end"}, TS_END_MONTH},
	{{"eom"}, TS_END_MONTH},
	{{"cm"}, TS_END_MONTH},
	{{"fin", "de", "mois"}, TS_END_MONTH},
	{{"fin", "du", "mois"}, TS_END_MONTH},
	{{"fdm"}, TS_END_MONTH},
	{{"end", "of", "the", "week"}, TS_END_WEEK},
	{{"end", "of", "week"}, TS_END_WEEK},
	{{"cw"}, TS_END_WEEK},
	{{"fin", "de", "semaine"}, TS_END_WEEK},
	{{"end", "of", "the", "quarter"}, TS_END_QUARTER},
	{{"end", "of", "quarter"}, TS_END_QUARTER},
	{{"cq"}, TS_END_QUARTER},
	{{"fin", "de", "trimestre"}, TS_END_QUARTER},
	{{"fin", "du", "trimestre"}, TS_END_QUARTER},
	{{"end", "of", "the", "year"}, TS_END_YEAR},
	{{"end", "of", "year"}, TS_END_YEAR},
	{{"cy"}, TS_END_YEAR},
	{{"fin", "d", "annee"}, TS_END_YEAR},
	{{"fin", "de", "l", "annee"}, TS_END_YEAR},
	{{"after"}, PH_AFTER},
	{{"apres"}, PH_AFTER},
	{{"of", "the", "following", "month"}, PH_FOLLOWING},
	{{"of", "the", "next", "month"}, PH_FOLLOWING},
	{{"of", "next", "month"}, PH_FOLLOWING},
	{{"du", "mois", "suivant"}, PH_FOLLOWING},
};

typedef struct UnitWord
{
	const char *word;
	int			kind;
} UnitWord;

static const UnitWord units[] = {
	{"d", TS_ADD_DAYS}, {"day", TS_ADD_DAYS}, {"days", TS_ADD_DAYS},
	{"j", TS_ADD_DAYS}, {"jour", TS_ADD_DAYS}, {"jours", TS_ADD_DAYS},
	{"w", TS_ADD_WEEKS}, {"wk", TS_ADD_WEEKS}, {"wks", TS_ADD_WEEKS},
	{"week", TS_ADD_WEEKS}, {"weeks", TS_ADD_WEEKS},
	{"sem", TS_ADD_WEEKS}, {"semaine", TS_ADD_WEEKS}, {"semaines", TS_ADD_WEEKS},
	{"m", TS_ADD_MONTHS}, {"mo", TS_ADD_MONTHS}, {"month", TS_ADD_MONTHS},
	{"months", TS_ADD_MONTHS}, {"mois", TS_ADD_MONTHS},
	{"q", TS_ADD_QUARTERS}, {"quarter", TS_ADD_QUARTERS}, {"quarters", TS_ADD_QUARTERS},
	{"trimestre", TS_ADD_QUARTERS}, {"trimestres", TS_ADD_QUARTERS},
	{"y", TS_ADD_YEARS}, {"yr", TS_ADD_YEARS}, {"yrs", TS_ADD_YEARS},
	{"year", TS_ADD_YEARS}, {"years", TS_ADD_YEARS},
	{"an", TS_ADD_YEARS}, {"ans", TS_ADD_YEARS},
	{"annee", TS_ADD_YEARS}, {"annees", TS_ADD_YEARS},
};

/* words that carry no meaning inside a schedule ("paiement à 30 jours") */
static const char *const noise_words[] = {
	"net", "then", "puis", "and", "et", "payable", "payment", "paiement", "at", "a", "due",
};

/* ordinal suffixes after a day number: 10th, 1st, 1er */
static const char *const ordinal_words[] = {"st", "nd", "rd", "th", "er", "e", "eme"};

/* words allowed around the discount percentage */
static const char *const discount_noise[] = {
	"with", "avec", "de", "of", "an", "a", "if", "paid", "within", "by", "in",
	"pour", "paiement", "payment", "sous", "si", "paye", "en", "for",
};

static bool
word_in(const Token *t, const char *const *list, int n)
{
	if (t->type != TK_WORD)
		return false;
	for (int i = 0; i < n; i++)
		if (strcmp(t->word, list[i]) == 0)
			return true;
	return false;
}

static bool
is_word(const Token *t, const char *w)
{
	return t->type == TK_WORD && strcmp(t->word, w) == 0;
}

static int
unit_kind(const Token *t)
{
	if (t->type != TK_WORD)
		return 0;
	for (int i = 0; i < lengthof(units); i++)
		if (strcmp(t->word, units[i].word) == 0)
			return units[i].kind;
	return 0;
}

/* longest phrase starting at the parser position; returns words matched */
static int
match_phrase(Parser *p, int *kind)
{
	int			best = 0;

	for (int i = 0; i < lengthof(phrases); i++)
	{
		int			n = 0;

		while (n < 6 && phrases[i].words[n])
		{
			const Token *t = &p->tok[p->pos + n];

			if (!is_word(t, phrases[i].words[n]))
				break;
			n++;
		}
		if ((n == 6 || phrases[i].words[n] == NULL) && n > best)
		{
			best = n;
			*kind = phrases[i].kind;
		}
	}
	return best;
}

/*
 * Words of the longest phrase that matches only in part ("fin de mos"), so
 * the error can point at the word that went wrong.
 */
static int
partial_phrase(Parser *p)
{
	int			best = 0;

	for (int i = 0; i < lengthof(phrases); i++)
	{
		int			n = 0;

		while (n < 6 && phrases[i].words[n] && is_word(&p->tok[p->pos + n], phrases[i].words[n]))
			n++;
		if (n < 6 && phrases[i].words[n] && n > best)
			best = n;
	}
	return best;
}

/* ---------------------------------------------------------------------
 * Parser
 * ---------------------------------------------------------------------
 */
static const Token *
peek(Parser *p, int ahead)
{
	int			i = p->pos + ahead;

	return &p->tok[i > p->ntok ? p->ntok : i];
}

static bool
unexpected(Parser *p, const Token *t, const char *what)
{
	if (t->type == TK_END)
		return set_error(p, TERMS_ERR_SYNTAX, t->start, t->end,
						 "Unexpected end of input; expected %s.", what);
	return set_error(p, TERMS_ERR_SYNTAX, t->start, t->end,
					 "Unexpected \"%.*s\"; expected %s.",
					 t->end - t->start, p->input + t->start, what);
}

static bool
push_step(Parser *p, TermsStep *steps, int *n, const Token *at, int kind, int value)
{
	if (*n >= TERMS_MAX_STEPS)
		return set_error(p, TERMS_ERR_SYNTAX, at->start, at->end,
						 "A due date formula may have at most %d steps.", TERMS_MAX_STEPS);
	steps[*n].kind = (uint8_t) kind;
	steps[*n].n = (int16_t) value;
	(*n)++;
	return true;
}

/* skip "10th" suffixes */
static void
skip_ordinal(Parser *p)
{
	if (word_in(peek(p, 0), ordinal_words, lengthof(ordinal_words)) &&
		peek(p, 0)->start == peek(p, -1)->end)
		p->pos++;
}

/*
 * Parse one due-date schedule: words or formula steps, up to a comma, a
 * discount clause, a top-level "net" after steps, or the end.  "X after Y"
 * applies Y first ("30 days after end of month" = CM+30D).
 */
/* the state of parse_schedule: steps before and after "after" */
typedef struct Schedule
{
	TermsStep	left[TERMS_MAX_STEPS];
	TermsStep	right[TERMS_MAX_STEPS];
	TermsStep  *cur;			/* left, or right once "after" was read */
	int			nleft;
	int			nright;
	int		   *ncur;
	bool		after;
	bool		anything;
	bool		immediate;
	int			sign;			/* pending '-' (or '+') before an adder */
	const Token *sign_tok;
	const Token *dangling;		/* a "+" not yet followed by a step */
} Schedule;

static bool
is_sign(const Token *t)
{
	return t->type == TK_PLUS || t->type == TK_MINUS ||
		is_word(t, "less") || is_word(t, "minus") || is_word(t, "moins") || is_word(t, "plus");
}

/* "+", "-", "less", "plus" ...: a sign before a number, or a separator */
static bool
sched_sign(Parser *p, Schedule *sc, const Token *t)
{
	bool		minus = (t->type == TK_MINUS || !(t->type == TK_PLUS || is_word(t, "plus")));

	/* "+" before a jump is only a separator; before a number it is a sign */
	sc->sign_tok = t;
	p->pos++;
	if (peek(p, 0)->type == TK_NUM)
		sc->sign = minus ? -1 : 1;
	else if (minus)
		return unexpected(p, peek(p, 0), "a number after the minus sign");
	else if (!sc->anything)
		return unexpected(p, t, "a due date before \"+\"");
	else
		sc->dangling = t;
	return true;
}

/* "30 days", "2M", "net 30": a number and its unit (days if none) */
static bool
sched_number(Parser *p, Schedule *sc, const Token *t)
{
	int64_t		v;
	int			kind;

	if (peek(p, 1)->type == TK_PCT || peek(p, 1)->type == TK_SLASH)
		return unexpected(p, peek(p, 1), "a unit such as \"days\" or \"D\"");
	if (t->frac)
		return set_error(p, TERMS_ERR_SYNTAX, t->start, t->end,
						 "The number of days, weeks, months, quarters or years must be a whole number.");
	v = t->num / 100;
	if (v > TERMS_MAX_N)
		return set_error(p, TERMS_ERR_SYNTAX, t->start, t->end,
						 "A step may add at most %d units.", TERMS_MAX_N);
	p->pos++;
	kind = unit_kind(peek(p, 0));
	if (kind)
		p->pos++;
	else
		kind = TS_ADD_DAYS;		/* "net 30": a bare number counts days */
	if (sc->sign < 0)
		v = -v;
	sc->sign = 0;
	/* a zero step changes nothing: "0D" is "immediate" */
	if (v != 0 && !push_step(p, sc->cur, sc->ncur, t, kind, (int) v))
		return false;
	sc->anything = true;
	return true;
}

/* "D10": the next 10th of a month */
static bool
sched_daynum(Parser *p, Schedule *sc, const Token *t)
{
	if (t->num < 1 || t->num > 31)
		return set_error(p, TERMS_ERR_SYNTAX, t->start, t->end,
						 "The day of month in \"Dn\" must be between 1 and 31.");
	if (!push_step(p, sc->cur, sc->ncur, t, TS_DAY_OF_MONTH, (int) t->num))
		return false;
	p->pos++;
	sc->anything = true;
	return true;
}

/* "on the 10th", "le 10", "the 10th" */
static bool
is_day_of_month(Parser *p, const Token *t)
{
	return (is_word(t, "on") && is_word(peek(p, 1), "the") && peek(p, 2)->type == TK_NUM) ||
		((is_word(t, "le") || is_word(t, "the")) && peek(p, 1)->type == TK_NUM);
}

static bool
sched_day_of_month(Parser *p, Schedule *sc, const Token *t)
{
	const Token *num;
	int			kind = 0;

	p->pos += is_word(t, "on") ? 2 : 1;
	num = peek(p, 0);
	if (num->frac || num->num < 100 || num->num > 3100)
		return set_error(p, TERMS_ERR_SYNTAX, num->start, num->end,
						 "The day of month must be between 1 and 31.");
	p->pos++;
	skip_ordinal(p);
	/* "le 10 du mois suivant": the 10th of the month after this one */
	if (match_phrase(p, &kind) > 0 && kind == PH_FOLLOWING)
	{
		p->pos += match_phrase(p, &kind);
		if (*sc->ncur == 0 || sc->cur[*sc->ncur - 1].kind != TS_END_MONTH)
		{
			if (!push_step(p, sc->cur, sc->ncur, num, TS_END_MONTH, 0))
				return false;
		}
	}
	if (!push_step(p, sc->cur, sc->ncur, num, TS_DAY_OF_MONTH, (int) (num->num / 100)))
		return false;
	sc->anything = true;
	return true;
}

/* a phrase of n words: "end of month", "immediate", "after", ... */
static bool
sched_phrase(Parser *p, Schedule *sc, const Token *t, int n, int kind)
{
	if (kind == PH_FOLLOWING)
		return unexpected(p, t, "a day of month before \"of the following month\"");
	p->pos += n;
	if (kind == PH_IMMEDIATE)
	{
		sc->immediate = true;
		sc->anything = true;
		return true;
	}
	if (kind == PH_AFTER)
	{
		if (sc->after || *sc->ncur == 0)
			return unexpected(p, t, "a due date formula");
		sc->after = true;
		sc->cur = sc->right;
		sc->ncur = &sc->nright;
		return true;
	}
	if (!push_step(p, sc->cur, sc->ncur, t, kind, 0))
		return false;
	sc->anything = true;
	return true;
}

/* the checks once the schedule has ended; "X after Y" is Y then X */
static bool
sched_finish(Parser *p, Schedule *sc, TermsFormula *f)
{
	if (sc->sign != 0)
		return unexpected(p, sc->sign_tok, "a number after the sign");
	if (sc->after && sc->nright == 0)
		return unexpected(p, peek(p, 0), "a due date after \"after\"");
	if (!sc->anything)
		return unexpected(p, peek(p, 0), "a due date such as \"30 days\", \"end of month\" or \"45D+CM\"");
	if (sc->immediate && sc->nleft + sc->nright > 0)
		return set_error(p, TERMS_ERR_SYNTAX, peek(p, 0)->start, peek(p, 0)->end,
						 "\"Immediate\" cannot be combined with other steps.");
	if (sc->nleft + sc->nright > TERMS_MAX_STEPS)
		return set_error(p, TERMS_ERR_SYNTAX, peek(p, 0)->start, peek(p, 0)->end,
						 "A due date formula may have at most %d steps.", TERMS_MAX_STEPS);
	f->nsteps = 0;
	for (int i = 0; i < sc->nright; i++)
		f->steps[f->nsteps++] = sc->right[i];
	for (int i = 0; i < sc->nleft; i++)
		f->steps[f->nsteps++] = sc->left[i];
	return true;
}

static bool
parse_schedule(Parser *p, TermsFormula *f, bool *saw_immediate)
{
	Schedule	sc;

	memset(&sc, 0, sizeof(sc));
	sc.cur = sc.left;
	sc.ncur = &sc.nleft;
	*saw_immediate = false;
	for (;;)
	{
		const Token *t = peek(p, 0);
		bool		step = (t->type == TK_WORD || t->type == TK_DAYNUM || t->type == TK_NUM);
		int			kind = 0;
		int			n;
		bool		ok;

		if (sc.dangling && !step)
			return unexpected(p, t, "a step after \"+\"");
		if (step)
			sc.dangling = NULL;
		if (t->type == TK_END || t->type == TK_COMMA ||
			is_word(t, "discount") || is_word(t, "escompte") ||
			is_word(t, "with") || is_word(t, "avec"))
			break;
		if (sc.sign != 0 && t->type != TK_NUM)
			return unexpected(p, t, "a number after the sign");
		if (is_word(t, "net"))
		{
			if (sc.anything)
				break;			/* "2% 10 net 30": the caller decides */
			p->pos++;
			continue;
		}
		if (is_sign(t))
			ok = sched_sign(p, &sc, t);
		else if (t->type == TK_NUM)
			ok = sched_number(p, &sc, t);
		else if (t->type == TK_DAYNUM)
			ok = sched_daynum(p, &sc, t);
		else if (is_day_of_month(p, t))
			ok = sched_day_of_month(p, &sc, t);
		else if ((n = match_phrase(p, &kind)) > 0)
			ok = sched_phrase(p, &sc, t, n, kind);
		else if (word_in(t, noise_words, lengthof(noise_words)))
		{
			p->pos++;
			ok = true;
		}
		else if ((n = partial_phrase(p)) > 0)
			return unexpected(p, peek(p, n), "a due date such as \"30 days\", \"end of month\" or \"45D+CM\"");
		else
			return unexpected(p, t, "a due date such as \"30 days\", \"end of month\" or \"45D+CM\"");
		*saw_immediate = sc.immediate;
		if (!ok)
			return false;
	}
	*saw_immediate = sc.immediate;
	return sched_finish(p, &sc, f);
}

/*
 * "30%" -> 3000; false with an error unless 0 < pct <= 100 % (a share) or
 * 0 < pct < 100 % (a discount).
 */
static bool
parse_percent(Parser *p, int32_t *out, bool discount)
{
	const Token *num = peek(p, 0);

	if (num->type != TK_NUM || peek(p, 1)->type != TK_PCT)
		return unexpected(p, num, "a percentage such as \"2%\"");
	if (num->num <= 0 || num->num > TERMS_FULL_SHARE ||
		(discount && num->num == TERMS_FULL_SHARE))
		return set_error(p, TERMS_ERR_SYNTAX, num->start, peek(p, 1)->end,
						 discount ?
						 "A discount must be greater than 0%% and below 100%%." :
						 "An instalment share must be greater than 0%% and at most 100%%.");
	*out = (int32_t) num->num;
	p->pos += 2;
	return true;
}

/* skip the words around a discount percentage, noting "discount" itself */
static void
skip_discount_words(Parser *p, bool *keyword)
{
	for (;;)
	{
		const Token *tk = peek(p, 0);

		if (is_word(tk, "discount") || is_word(tk, "escompte"))
			*keyword = true;
		else if (!word_in(tk, discount_noise, lengthof(discount_noise)))
			break;
		p->pos++;
	}
}

/* "discount 2% 10D", "with 2% discount if paid within 10 days", "avec escompte de 2 % sous 10 jours" */
static bool
parse_discount(Parser *p, Terms *t)
{
	bool		keyword = false;
	bool		imm;

	skip_discount_words(p, &keyword);
	if (!parse_percent(p, &t->discount_rate, true))
		return false;
	skip_discount_words(p, &keyword);
	if (!keyword)
		return unexpected(p, peek(p, 0), "the word \"discount\"");
	t->has_discount = true;
	if (!parse_schedule(p, &t->discount, &imm))
		return false;
	return true;
}


/* "2/10 net 30": 2 % discount within 10 days, due in 30 */
static bool
parse_slash_discount(Parser *p, Terms *t)
{
	bool		imm;
	const Token *pct = peek(p, 0);
	const Token *days = peek(p, 2);

	if (pct->num <= 0 || pct->num >= TERMS_FULL_SHARE)
		return set_error(p, TERMS_ERR_SYNTAX, pct->start, pct->end,
						 "The discount percentage must be greater than 0 and below 100%%.");
	if (days->type != TK_NUM || days->frac || days->num / 100 > TERMS_MAX_N)
		return unexpected(p, days, "the number of discount days");
	t->has_discount = true;
	t->discount_rate = (int32_t) pct->num;
	t->discount.nsteps = 0;
	if (days->num > 0)
	{
		t->discount.nsteps = 1;
		t->discount.steps[0].kind = TS_ADD_DAYS;
		t->discount.steps[0].n = (int16_t) (days->num / 100);
	}
	p->pos += 3;
	if (unit_kind(peek(p, 0)) == TS_ADD_DAYS)
		p->pos++;
	if (peek(p, 0)->type == TK_COMMA)
		p->pos++;
	if (!is_word(peek(p, 0), "net") && !is_word(peek(p, 0), "n"))
		return unexpected(p, peek(p, 0), "\"net\" and the number of days");
	p->pos++;
	t->nlines = 1;
	t->lines[0].share = TERMS_FULL_SHARE;
	return parse_schedule(p, &t->lines[0].due, &imm);
}

/* instalment lines "30% 15D, 70% 45D", or one line, maybe "2% 10 net 30" */
static bool
parse_lines(Parser *p, Terms *t)
{
	bool		imm;
	bool		first_has_share = false;

	for (;;)
	{
		TermsLine  *line;
		bool		has_share = false;
		int			line_start = peek(p, 0)->start;

		if (t->nlines >= TERMS_MAX_LINES)
			return set_error(p, TERMS_ERR_SYNTAX, peek(p, 0)->start, peek(p, 0)->end,
							 "Payment terms may have at most %d instalments.", TERMS_MAX_LINES);
		line = &t->lines[t->nlines];
		line->share = TERMS_FULL_SHARE;
		if (peek(p, 0)->type == TK_NUM && peek(p, 1)->type == TK_PCT)
		{
			if (!parse_percent(p, &line->share, false))
				return false;
			has_share = true;
		}
		if (!parse_schedule(p, &line->due, &imm))
			return false;
		t->nlines++;

		/* "2% 10 net 30" (also "2% 10 days net 30 days") */
		if (t->nlines == 1 && has_share && line->due.nsteps > 0 &&
			is_word(peek(p, 0), "net"))
		{
			t->has_discount = true;
			t->discount_rate = line->share;
			if (t->discount_rate >= TERMS_FULL_SHARE)
				return set_error(p, TERMS_ERR_SYNTAX, line_start, peek(p, 0)->start,
								 "The discount percentage must be below 100%%.");
			t->discount = line->due;
			p->pos++;
			line->share = TERMS_FULL_SHARE;
			if (!parse_schedule(p, &line->due, &imm))
				return false;
			break;
		}
		/* a trailing "net" ("30 jours net, escompte ...") */
		if (is_word(peek(p, 0), "net") &&
			(peek(p, 1)->type == TK_COMMA || peek(p, 1)->type == TK_END))
			p->pos++;
		if (t->nlines == 1)
			first_has_share = has_share;
		else if (!has_share || !first_has_share)
			return set_error(p, TERMS_ERR_SHARES, line_start, peek(p, 0)->start,
							 "Each instalment needs its share, as in \"30%% 15D, 70%% 45D\".");
		if (peek(p, 0)->type != TK_COMMA)
			break;
		p->pos++;
		/* "30 jours net, escompte 2 % 10 jours" */
		if (is_word(peek(p, 0), "discount") || is_word(peek(p, 0), "escompte") ||
			is_word(peek(p, 0), "with") || is_word(peek(p, 0), "avec"))
			break;
	}
	return true;
}

/* the shares of the instalments sum to 100 % */
static bool
check_shares(Parser *p, const Terms *t)
{
	int64_t		sum = 0;

	for (int i = 0; i < t->nlines; i++)
		sum += t->lines[i].share;
	if (sum != TERMS_FULL_SHARE)
	{
		char		s[32];

		terms_format_share((int32_t) sum, s, sizeof(s));
		return set_error(p, TERMS_ERR_SHARES, -1, -1,
						 "Instalment shares sum to %s%%; they must sum to exactly 100%%.", s);
	}
	return true;
}

static bool
parse_terms(Parser *p, Terms *t)
{
	bool		ok;

	if (peek(p, 0)->type == TK_NUM && peek(p, 1)->type == TK_SLASH)
		ok = parse_slash_discount(p, t);
	else
		ok = parse_lines(p, t);
	if (!ok)
		return false;
	if (!t->has_discount &&
		(is_word(peek(p, 0), "discount") || is_word(peek(p, 0), "escompte") ||
		 is_word(peek(p, 0), "with") || is_word(peek(p, 0), "avec")))
	{
		if (!parse_discount(p, t))
			return false;
	}
	if (peek(p, 0)->type != TK_END)
		return unexpected(p, peek(p, 0), "the end of the payment terms");
	return check_shares(p, t);
}

bool
terms_parse(const char *str, Terms *out, TermsError *err)
{
	Parser		p;
	size_t		len = strlen(str);

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	memset(&p, 0, sizeof(p));
	p.input = str;
	p.err = err;

	if (len > TERMS_MAX_INPUT)
		return set_error(&p, TERMS_ERR_SYNTAX, -1, -1,
						 "Payment terms text may be at most %d bytes long.", TERMS_MAX_INPUT);
	if (!tokenize(&p))
		return false;
	if (p.ntok == 0)
		return set_error(&p, TERMS_ERR_SYNTAX, -1, -1, "Payment terms must not be empty.");
	if (!parse_terms(&p, out))
		return false;
	out->max_days = terms_compute_max_days(out);
	return true;
}

