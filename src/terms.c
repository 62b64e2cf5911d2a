/*
 * terms.c
 *		Payment terms: tokenizer, parser, canonical text, evaluation.
 *
 * Input is case-insensitive English, French or formula text (SPEC section
 * 1).  The parser folds the few accented letters French terms use (à, é,
 * è, ê, â) to ASCII, so "à réception" and "a reception" are the same words.
 * Everything is checked against fixed limits so that no input, however
 * long or hostile, can overflow a buffer or an integer (fuzz/fuzz_terms.c).
 */
#include "terms.h"
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

#if defined(__GNUC__)
#define TERMS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TERMS_PRINTF(f, a)
#endif

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
		{
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
		}
		else if (is_letter(s[i]) || folded_letter(s + i, &folded))
		{
			int			len = 0;
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
				/* "D10": next day 10; anything else glued to digits is garbage */
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
		}
		else
		{
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
			i++;
		}
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

#define lengthof(a) ((int) (sizeof(a) / sizeof((a)[0])))

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
static bool
parse_schedule(Parser *p, TermsFormula *f, bool *saw_immediate)
{
	TermsStep	left[TERMS_MAX_STEPS],
				right[TERMS_MAX_STEPS];
	TermsStep  *cur = left;
	int			nleft = 0,
				nright = 0;
	int		   *ncur = &nleft;
	bool		after = false;
	bool		anything = false;
	int			sign = 0;		/* pending '-' (or '+') before an adder */
	const Token *sign_tok = NULL;
	const Token *dangling = NULL;	/* a "+" not yet followed by a step */

	*saw_immediate = false;
	for (;;)
	{
		const Token *t = peek(p, 0);
		int			kind = 0;
		int			n;

		if (dangling && t->type != TK_WORD && t->type != TK_DAYNUM && t->type != TK_NUM)
			return unexpected(p, t, "a step after \"+\"");
		if (t->type == TK_WORD || t->type == TK_DAYNUM || t->type == TK_NUM)
			dangling = NULL;

		if (t->type == TK_END || t->type == TK_COMMA ||
			is_word(t, "discount") || is_word(t, "escompte") ||
			is_word(t, "with") || is_word(t, "avec"))
			break;
		if (sign != 0 && t->type != TK_NUM)
			return unexpected(p, t, "a number after the sign");
		if (is_word(t, "net"))
		{
			if (anything)
				break;			/* "2% 10 net 30": the caller decides */
			p->pos++;
			continue;
		}
		if (t->type == TK_PLUS || t->type == TK_MINUS ||
			is_word(t, "less") || is_word(t, "minus") || is_word(t, "moins") || is_word(t, "plus"))
		{
			bool		minus = (t->type == TK_MINUS || !(t->type == TK_PLUS || is_word(t, "plus")));

			/* "+" before a jump is only a separator; before a number it is a sign */
			sign_tok = t;
			p->pos++;
			if (peek(p, 0)->type == TK_NUM)
				sign = minus ? -1 : 1;
			else if (minus)
				return unexpected(p, peek(p, 0), "a number after the minus sign");
			else if (!anything)
				return unexpected(p, t, "a due date before \"+\"");
			else
				dangling = t;
			continue;
		}
		if (t->type == TK_NUM)
		{
			int64_t		v;

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
				kind = TS_ADD_DAYS; /* "net 30": a bare number counts days */
			if (sign < 0)
				v = -v;
			sign = 0;
			/* a zero step changes nothing: "0D" is "immediate" */
			if (v != 0 && !push_step(p, cur, ncur, t, kind, (int) v))
				return false;
			anything = true;
			continue;
		}
		if (t->type == TK_DAYNUM)
		{
			if (t->num < 1 || t->num > 31)
				return set_error(p, TERMS_ERR_SYNTAX, t->start, t->end,
								 "The day of month in \"Dn\" must be between 1 and 31.");
			if (!push_step(p, cur, ncur, t, TS_DAY_OF_MONTH, (int) t->num))
				return false;
			p->pos++;
			anything = true;
			continue;
		}
		/* "on the 10th", "le 10", "the 10th" */
		if ((is_word(t, "on") && is_word(peek(p, 1), "the") && peek(p, 2)->type == TK_NUM) ||
			((is_word(t, "le") || is_word(t, "the")) && peek(p, 1)->type == TK_NUM))
		{
			const Token *num;

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
				if (*ncur == 0 || cur[*ncur - 1].kind != TS_END_MONTH)
				{
					if (!push_step(p, cur, ncur, num, TS_END_MONTH, 0))
						return false;
				}
			}
			if (!push_step(p, cur, ncur, num, TS_DAY_OF_MONTH, (int) (num->num / 100)))
				return false;
			anything = true;
			continue;
		}
		if ((n = match_phrase(p, &kind)) > 0)
		{
			if (kind == PH_FOLLOWING)
				return unexpected(p, t, "a day of month before \"of the following month\"");
			p->pos += n;
			if (kind == PH_IMMEDIATE)
			{
				*saw_immediate = true;
				anything = true;
				continue;
			}
			if (kind == PH_AFTER)
			{
				if (after || *ncur == 0)
					return unexpected(p, t, "a due date formula");
				after = true;
				cur = right;
				ncur = &nright;
				continue;
			}
			if (!push_step(p, cur, ncur, t, kind, 0))
				return false;
			anything = true;
			continue;
		}
		if (word_in(t, noise_words, lengthof(noise_words)))
		{
			p->pos++;
			continue;
		}
		if ((n = partial_phrase(p)) > 0)
			return unexpected(p, peek(p, n), "a due date such as \"30 days\", \"end of month\" or \"45D+CM\"");
		return unexpected(p, t, "a due date such as \"30 days\", \"end of month\" or \"45D+CM\"");
	}
	if (sign != 0)
		return unexpected(p, sign_tok, "a number after the sign");
	if (after && nright == 0)
		return unexpected(p, peek(p, 0), "a due date after \"after\"");
	if (!anything)
		return unexpected(p, peek(p, 0), "a due date such as \"30 days\", \"end of month\" or \"45D+CM\"");
	if (*saw_immediate && nleft + nright > 0)
		return set_error(p, TERMS_ERR_SYNTAX, peek(p, 0)->start, peek(p, 0)->end,
						 "\"Immediate\" cannot be combined with other steps.");
	if (nleft + nright > TERMS_MAX_STEPS)
		return set_error(p, TERMS_ERR_SYNTAX, peek(p, 0)->start, peek(p, 0)->end,
						 "A due date formula may have at most %d steps.", TERMS_MAX_STEPS);
	f->nsteps = 0;
	for (int i = 0; i < nright; i++)
		f->steps[f->nsteps++] = right[i];
	for (int i = 0; i < nleft; i++)
		f->steps[f->nsteps++] = left[i];
	return true;
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

static int	format_share(int32_t v, char *buf, int len);

static bool
parse_terms(Parser *p, Terms *t)
{
	bool		imm;

	/* "2/10 net 30": 2 % discount within 10 days, due in 30 */
	if (peek(p, 0)->type == TK_NUM && peek(p, 1)->type == TK_SLASH)
	{
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
		if (!parse_schedule(p, &t->lines[0].due, &imm))
			return false;
	}
	else
	{
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
	}

	if (!t->has_discount &&
		(is_word(peek(p, 0), "discount") || is_word(peek(p, 0), "escompte") ||
		 is_word(peek(p, 0), "with") || is_word(peek(p, 0), "avec")))
	{
		if (!parse_discount(p, t))
			return false;
	}
	if (peek(p, 0)->type != TK_END)
		return unexpected(p, peek(p, 0), "the end of the payment terms");

	/* shares */
	{
		int64_t		sum = 0;

		for (int i = 0; i < t->nlines; i++)
			sum += t->lines[i].share;
		if (sum != TERMS_FULL_SHARE)
		{
			char		s[32];

			format_share((int32_t) sum, s, sizeof(s));
			return set_error(p, TERMS_ERR_SHARES, -1, -1,
							 "Instalment shares sum to %s%%; they must sum to exactly 100%%.", s);
		}
	}
	return true;
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

/* ---------------------------------------------------------------------
 * Evaluation
 * ---------------------------------------------------------------------
 */
bool
terms_eval(const TermsFormula *f, int64_t date, int64_t *result)
{
	int64_t		d = date;

	for (int i = 0; i < f->nsteps; i++)
	{
		const TermsStep *s = &f->steps[i];

		switch (s->kind)
		{
			case TS_ADD_DAYS:
				d += s->n;
				break;
			case TS_ADD_WEEKS:
				d += 7 * (int64_t) s->n;
				break;
			case TS_ADD_MONTHS:
				d = ard_add_months(d, s->n);
				break;
			case TS_ADD_QUARTERS:
				d = ard_add_months(d, 3 * (int64_t) s->n);
				break;
			case TS_ADD_YEARS:
				d = ard_add_months(d, 12 * (int64_t) s->n);
				break;
			case TS_END_WEEK:
				d = ard_end_of_week(d);
				break;
			case TS_END_MONTH:
				d = ard_end_of_month(d);
				break;
			case TS_END_QUARTER:
				d = ard_end_of_quarter(d);
				break;
			case TS_END_YEAR:
				d = ard_end_of_year(d);
				break;
			case TS_DAY_OF_MONTH:
				d = ard_next_day_of_month(d, s->n);
				break;
		}
	}
	*result = d;
	return ard_date_in_range(d);
}

bool
terms_due_date(const Terms *t, int64_t date, int64_t *result)
{
	int64_t		best = 0;

	for (int i = 0; i < t->nlines; i++)
	{
		int64_t		d;

		if (!terms_eval(&t->lines[i].due, date, &d))
		{
			*result = d;
			return false;
		}
		if (i == 0 || d > best)
			best = d;
	}
	*result = best;
	return true;
}

static bool
formula_has(const TermsFormula *f, int kind)
{
	for (int i = 0; i < f->nsteps; i++)
		if (f->steps[i].kind == kind)
			return true;
	return false;
}

static bool
terms_has(const Terms *t, int kind)
{
	for (int i = 0; i < t->nlines; i++)
		if (formula_has(&t->lines[i].due, kind))
			return true;
	return false;
}

/*
 * The invoice dates over which a worst case is taken.
 *
 * A formula reads the calendar only within its reach of the invoice date
 * (each step moves the date by a bounded number of days), so two invoice
 * dates whose surroundings look alike get the same offset.  Where the
 * 4-year leap rule holds, surroundings repeat every 4 years, or every 28
 * with CW (weekdays); 2001-2004 (2001-2028) stand for all those dates.
 * The other dates are those within reach of a century year without
 * 29 February: their surroundings depend on where that year lies, so they
 * are swept around 2100 (and 2200 and 2300 with CW, whose weekdays differ).
 * Windows around one century year are only valid while a reach cannot
 * span two of them, so a formula reaching further than 40 years is swept
 * over a whole 400-year cycle, after which the calendar and the weekdays
 * repeat (146097 days = 20871 weeks).  Sweeping 2001-2004 alone gave
 * max_term_days('100Y') = 36524, but 1999-03-01 + 100Y is 36525 days.
 */
#define SWEEP_MAX_RANGES	4
#define SWEEP_FULL_CYCLE	(40 * 365)	/* reach in days beyond which the whole cycle is swept */

typedef struct SweepRange
{
	int64_t		from;
	int64_t		to;
} SweepRange;

/* how far (days) evaluating the formula can move from the invoice date */
static int64_t
formula_reach(const TermsFormula *f)
{
	int64_t		r = 0;

	for (int i = 0; i < f->nsteps; i++)
	{
		int64_t		n = f->steps[i].n < 0 ? -(int64_t) f->steps[i].n : f->steps[i].n;

		switch (f->steps[i].kind)
		{
			case TS_ADD_DAYS:
				r += n;
				break;
			case TS_ADD_WEEKS:
				r += 7 * n;
				break;
			case TS_ADD_MONTHS:
				r += 31 * n;
				break;
			case TS_ADD_QUARTERS:
				r += 92 * n;
				break;
			case TS_ADD_YEARS:
				r += 366 * n;
				break;
			case TS_END_WEEK:
				r += 6;
				break;
			case TS_END_MONTH:
				r += 30;
				break;
			case TS_END_QUARTER:
				r += 91;
				break;
			case TS_END_YEAR:
				r += 365;
				break;
			case TS_DAY_OF_MONTH:
				/* n outside 1..31 only in a decoded value; count it anyway */
				r += 31 + n;
				break;
		}
	}
	return r;
}

static int
sweep_ranges(const Terms *t, SweepRange *r)
{
	bool		cw = terms_has(t, TS_END_WEEK) ||
		(t->has_discount && formula_has(&t->discount, TS_END_WEEK));
	int64_t		reach = t->has_discount ? formula_reach(&t->discount) : 0;
	int			n = 1;

	for (int i = 0; i < t->nlines; i++)
	{
		int64_t		lr = formula_reach(&t->lines[i].due);

		if (lr > reach)
			reach = lr;
	}
	/*
	 * The month each visited date lies in is read as well (up to 30 days
	 * on), and the legal checks read the month of the invoice date + 45.
	 */
	reach += 128;

	r[0].from = ard_from_ymd(2001, 1, 1);
	if (reach > SWEEP_FULL_CYCLE)
	{
		r[0].to = ard_from_ymd(2401, 1, 1) - 1;
		return 1;
	}
	r[0].to = cw ? ard_from_ymd(2028, 12, 31) : ard_from_ymd(2004, 12, 31);
	for (int c = 0; c < (cw ? 3 : 1); c++)
	{
		int64_t		march = ard_from_ymd(2100 + 100 * c, 3, 1);

		r[n].from = march - reach;
		r[n].to = march + reach;
		n++;
	}
	return n;
}

int32_t
terms_compute_max_days(const Terms *t)
{
	SweepRange	r[SWEEP_MAX_RANGES];
	int			nr;
	int64_t		best = INT32_MIN;
	bool		days_only = true;

	/* plain day and week adders: the same offset for every date */
	for (int i = 0; i < t->nlines && days_only; i++)
		for (int j = 0; j < t->lines[i].due.nsteps; j++)
			if (t->lines[i].due.steps[j].kind != TS_ADD_DAYS &&
				t->lines[i].due.steps[j].kind != TS_ADD_WEEKS)
				days_only = false;
	if (days_only)
	{
		r[0].from = r[0].to = 0;
		nr = 1;
	}
	else
		nr = sweep_ranges(t, r);

	for (int k = 0; k < nr; k++)
		for (int64_t d = r[k].from; d <= r[k].to; d++)
		{
			int64_t		due;

			terms_due_date(t, d, &due);
			if (due - d > best)
				best = due - d;
		}
	return (int32_t) best;
}

/* ---------------------------------------------------------------------
 * Canonical text and descriptions
 * ---------------------------------------------------------------------
 */
typedef struct Buf
{
	char	   *data;
	int			len;
	int			cap;
} Buf;

static void buf_add(Buf *b, const char *fmt,...) TERMS_PRINTF(2, 3);

static void
buf_add(Buf *b, const char *fmt,...)
{
	va_list		ap;
	int			n;

	if (b->len >= b->cap - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += n;
	if (b->len > b->cap - 1)
		b->len = b->cap - 1;
}

static int
format_share_sep(int32_t v, char sep, char *buf, int len)
{
	if (v % 100 == 0)
		return snprintf(buf, len, "%d", v / 100);
	if (v % 10 == 0)
		return snprintf(buf, len, "%d%c%d", v / 100, sep, (v % 100) / 10);
	return snprintf(buf, len, "%d%c%02d", v / 100, sep, v % 100);
}

static int
format_share(int32_t v, char *buf, int len)
{
	return format_share_sep(v, '.', buf, len);
}

static void
format_formula(Buf *b, const TermsFormula *f)
{
	static const char adder_letter[] = {0, 'D', 'W', 'M', 'Q', 'Y'};

	if (f->nsteps == 0)
	{
		buf_add(b, "immediate");
		return;
	}
	for (int i = 0; i < f->nsteps; i++)
	{
		const TermsStep *s = &f->steps[i];
		const char *sep = (i == 0) ? "" : "+";

		switch (s->kind)
		{
			case TS_ADD_DAYS:
			case TS_ADD_WEEKS:
			case TS_ADD_MONTHS:
			case TS_ADD_QUARTERS:
			case TS_ADD_YEARS:
				buf_add(b, "%s%d%c", s->n < 0 ? "" : sep, s->n, adder_letter[s->kind]);
				break;
			case TS_END_WEEK:
				buf_add(b, "%sCW", sep);
				break;
			case TS_END_MONTH:
				buf_add(b, "%sCM", sep);
				break;
			case TS_END_QUARTER:
				buf_add(b, "%sCQ", sep);
				break;
			case TS_END_YEAR:
				buf_add(b, "%sCY", sep);
				break;
			case TS_DAY_OF_MONTH:
				buf_add(b, "%sD%d", sep, s->n);
				break;
		}
	}
}

int
terms_format(const Terms *t, char *out, int outlen)
{
	Buf			b = {out, 0, outlen};
	char		s[32];

	out[0] = '\0';
	for (int i = 0; i < t->nlines; i++)
	{
		if (i > 0)
			buf_add(&b, ", ");
		if (t->nlines > 1)
		{
			format_share(t->lines[i].share, s, sizeof(s));
			buf_add(&b, "%s%% ", s);
		}
		format_formula(&b, &t->lines[i].due);
	}
	if (t->has_discount)
	{
		format_share(t->discount_rate, s, sizeof(s));
		buf_add(&b, " discount %s%% ", s);
		format_formula(&b, &t->discount);
	}
	return b.len;
}

static const char *
en_ordinal(int n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	switch (n % 10)
	{
		case 1:
			return "st";
		case 2:
			return "nd";
		case 3:
			return "rd";
		default:
			return "th";
	}
}

static void
describe_formula(Buf *b, const TermsFormula *f, TermsLang lang)
{
	static const char *const en_units[][2] = {
		{"", ""}, {"day", "days"}, {"week", "weeks"}, {"month", "months"},
		{"quarter", "quarters"}, {"year", "years"}
	};
	static const char *const fr_units[][2] = {
		{"", ""}, {"jour", "jours"}, {"semaine", "semaines"}, {"mois", "mois"},
		{"trimestre", "trimestres"}, {"an", "ans"}
	};
	bool		fr = (lang == TERMS_LANG_FR);

	for (int i = 0; i < f->nsteps; i++)
	{
		const TermsStep *s = &f->steps[i];
		bool		after_jump = (i > 0 && f->steps[i - 1].kind >= TS_END_WEEK);
		const char *sp = (i == 0) ? "" : " ";

		if (s->kind <= TS_ADD_YEARS)
		{
			int			n = s->n < 0 ? -s->n : s->n;
			const char *unit = fr ? fr_units[s->kind][n != 1] : en_units[s->kind][n != 1];

			if (s->n < 0)
				buf_add(b, "%s- %d %s", sp, n, unit);
			else if (after_jump)
				buf_add(b, " + %d %s", n, unit);
			else
				buf_add(b, "%s%d %s", sp, n, unit);
			continue;
		}
		switch (s->kind)
		{
			case TS_END_WEEK:
				buf_add(b, "%s%s", sp, fr ? "fin de semaine" : "end of week");
				break;
			case TS_END_MONTH:
				buf_add(b, "%s%s", sp, fr ? "fin de mois" : "end of month");
				break;
			case TS_END_QUARTER:
				buf_add(b, "%s%s", sp, fr ? "fin de trimestre" : "end of quarter");
				break;
			case TS_END_YEAR:
				buf_add(b, "%s%s", sp, fr ? "fin d'ann\xc3\xa9" "e" : "end of year");
				break;
			case TS_DAY_OF_MONTH:
				if (fr)
					buf_add(b, "%sle %d%s", sp, s->n, s->n == 1 ? "er" : "");
				else
					buf_add(b, "%son the %d%s", sp, s->n, en_ordinal(s->n));
				break;
		}
	}
}

/*
 * Invoice wording, e.g. "net 45 days end of month" / "paiement à 45 jours
 * fin de mois", "30% at 15 days, 70% at 45 days".  Every description is
 * accepted back by terms_parse() and gives the same terms.
 */
int
terms_describe(const Terms *t, TermsLang lang, char *out, int outlen)
{
	Buf			b = {out, 0, outlen};
	bool		fr = (lang == TERMS_LANG_FR);
	char		s[32];

	out[0] = '\0';
	for (int i = 0; i < t->nlines; i++)
	{
		const TermsFormula *f = &t->lines[i].due;

		if (i > 0)
			buf_add(&b, ", ");
		if (t->nlines > 1)
		{
			format_share_sep(t->lines[i].share, fr ? ',' : '.', s, sizeof(s));
			if (f->nsteps == 0)
				buf_add(&b, fr ? "%s %% \xc3\xa0 r\xc3\xa9" "ception" : "%s%% on receipt", s);
			else
			{
				buf_add(&b, fr ? "%s %% \xc3\xa0 " : "%s%% at ", s);
				describe_formula(&b, f, lang);
			}
			continue;
		}
		if (f->nsteps == 0)
			buf_add(&b, fr ? "paiement \xc3\xa0 r\xc3\xa9" "ception" : "due on receipt");
		else
		{
			/* "net 30 days", but "due end of month + 45 days" */
			if (f->steps[0].kind <= TS_ADD_YEARS)
				buf_add(&b, fr ? "paiement \xc3\xa0 " : "net ");
			else
				buf_add(&b, fr ? "paiement " : "due ");
			describe_formula(&b, f, lang);
		}
	}
	if (t->has_discount)
	{
		bool		plain_days = (t->discount.nsteps == 1 &&
								  t->discount.steps[0].kind == TS_ADD_DAYS &&
								  t->discount.steps[0].n > 0);
		bool		on_day = (t->discount.nsteps > 0 &&
							  t->discount.steps[0].kind == TS_DAY_OF_MONTH);

		format_share_sep(t->discount_rate, fr ? ',' : '.', s, sizeof(s));
		if (fr)
		{
			buf_add(&b, " avec escompte de %s %% pour paiement ", s);
			if (t->discount.nsteps == 0)
				buf_add(&b, "\xc3\xa0 r\xc3\xa9" "ception");
			else
			{
				buf_add(&b, plain_days ? "sous " : on_day ? "" : "\xc3\xa0 ");
				describe_formula(&b, &t->discount, lang);
			}
		}
		else
		{
			buf_add(&b, " with %s%% discount if paid ", s);
			if (t->discount.nsteps == 0)
				buf_add(&b, "on receipt");
			else
			{
				buf_add(&b, plain_days ? "within " : on_day ? "" : "by ");
				describe_formula(&b, &t->discount, lang);
			}
		}
	}
	/* never hand out a description cut short */
	return (b.len >= outlen - 1) ? -1 : b.len;
}

/* ---------------------------------------------------------------------
 * Binary form: version, nlines, flags, max_days, [discount], lines
 * ---------------------------------------------------------------------
 */
#define TERMS_ENCODING_VERSION 1

static void
put_i32(uint8_t *p, int32_t v)
{
	uint32_t	u = (uint32_t) v;

	p[0] = u & 0xFF;
	p[1] = (u >> 8) & 0xFF;
	p[2] = (u >> 16) & 0xFF;
	p[3] = (u >> 24) & 0xFF;
}

static int32_t
get_i32(const uint8_t *p)
{
	return (int32_t) ((uint32_t) p[0] | ((uint32_t) p[1] << 8) |
					  ((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24));
}

static int
encode_formula(const TermsFormula *f, uint8_t *p)
{
	int			n = 0;

	p[n++] = (uint8_t) f->nsteps;
	for (int i = 0; i < f->nsteps; i++)
	{
		uint16_t	v = (uint16_t) f->steps[i].n;

		p[n++] = f->steps[i].kind;
		p[n++] = v & 0xFF;
		p[n++] = (v >> 8) & 0xFF;
	}
	return n;
}

int
terms_encode(const Terms *t, uint8_t *buf, int buflen)
{
	int			n = 0;

	if (buflen < TERMS_MAX_ENCODED)
		return -1;
	buf[n++] = TERMS_ENCODING_VERSION;
	buf[n++] = (uint8_t) t->nlines;
	buf[n++] = t->has_discount ? 1 : 0;
	put_i32(buf + n, t->max_days);
	n += 4;
	if (t->has_discount)
	{
		put_i32(buf + n, t->discount_rate);
		n += 4;
		n += encode_formula(&t->discount, buf + n);
	}
	for (int i = 0; i < t->nlines; i++)
	{
		put_i32(buf + n, t->lines[i].share);
		n += 4;
		n += encode_formula(&t->lines[i].due, buf + n);
	}
	return n;
}

static bool
decode_formula(const uint8_t *buf, int len, int *pos, TermsFormula *f)
{
	if (*pos >= len)
		return false;
	f->nsteps = buf[(*pos)++];
	if (f->nsteps > TERMS_MAX_STEPS || *pos + 3 * f->nsteps > len)
		return false;
	for (int i = 0; i < f->nsteps; i++)
	{
		f->steps[i].kind = buf[(*pos)++];
		f->steps[i].n = (int16_t) (uint16_t) (buf[*pos] | (buf[*pos + 1] << 8));
		*pos += 2;
		if (f->steps[i].kind < TS_ADD_DAYS || f->steps[i].kind > TS_DAY_OF_MONTH)
			return false;
	}
	return true;
}

bool
terms_decode(const uint8_t *buf, int len, Terms *t)
{
	int			pos = 7;

	if (len < 7 || buf[0] != TERMS_ENCODING_VERSION)
		return false;
	t->nlines = buf[1];
	t->has_discount = (buf[2] & 1) != 0;
	t->max_days = get_i32(buf + 3);
	if (t->nlines < 1 || t->nlines > TERMS_MAX_LINES)
		return false;
	if (t->has_discount)
	{
		if (pos + 4 > len)
			return false;
		t->discount_rate = get_i32(buf + pos);
		pos += 4;
		if (!decode_formula(buf, len, &pos, &t->discount))
			return false;
	}
	else
	{
		t->discount_rate = 0;
		t->discount.nsteps = 0;
	}
	for (int i = 0; i < t->nlines; i++)
	{
		if (pos + 4 > len)
			return false;
		t->lines[i].share = get_i32(buf + pos);
		pos += 4;
		if (!decode_formula(buf, len, &pos, &t->lines[i].due))
			return false;
	}
	return pos == len;
}

int
terms_compare(const Terms *a, const Terms *b)
{
	char		ta[TERMS_TEXT_BUFSIZE],
				tb[TERMS_TEXT_BUFSIZE];
	int			c;

	if (a->max_days != b->max_days)
		return a->max_days < b->max_days ? -1 : 1;
	terms_format(a, ta, sizeof(ta));
	terms_format(b, tb, sizeof(tb));
	c = strcmp(ta, tb);
	return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

/* ---------------------------------------------------------------------
 * Legal limits on the length of payment terms
 * ---------------------------------------------------------------------
 */

/* does due(d) <= limit(d) hold for every invoice date? */
static bool
always_within(const Terms *t, int reading)
{
	SweepRange	r[SWEEP_MAX_RANGES];
	int			nr = sweep_ranges(t, r);

	for (int k = 0; k < nr; k++)
		for (int64_t d = r[k].from; d <= r[k].to; d++)
		{
			int64_t		due,
						limit;

			terms_due_date(t, d, &due);
			if (reading == 'A')
				limit = ard_end_of_month(d) + 45;	/* end of month, then 45 days */
			else
				limit = ard_end_of_month(d + 45);	/* 45 days, then end of month */
			if (due > limit)
				return false;
		}
	return true;
}

typedef struct TermsRegime
{
	const char *name;
	int			max_days;
	bool		eom45;			/* "45 days end of month" also allowed */
	const char *source;
} TermsRegime;

/*
 * Sources:
 * FR: Code de commerce art. L441-10 I (as amended by ordonnance 2019-359):
 *	   at most 60 days from the invoice date or, if agreed, 45 days end of
 *	   month; the CEPC accepts both readings of "45 days end of month".
 * FR_PERIODIC: L441-10 I, periodic invoices: 45 days from the invoice date.
 * EU_B2B: Directive 2011/7/EU art. 3(5): at most 60 days unless expressly
 *	   agreed and not grossly unfair to the creditor.
 * EU_PUBLIC: Directive 2011/7/EU art. 4(3): 30 days (60 by exception).
 * FR_PUBLIC: Code de la commande publique R2192-10: 30 days for the State
 *	   and local authorities (50 for public hospitals, 60 for public companies).
 */
static const TermsRegime regimes[] = {
	{"FR", 60, true, "Code de commerce L441-10 I"},
	{"FR_PERIODIC", 45, false, "Code de commerce L441-10 I, periodic invoices"},
	{"EU_B2B", 60, false, "Directive 2011/7/EU art. 3(5)"},
	{"EU_PUBLIC", 30, false, "Directive 2011/7/EU art. 4(3)"},
	{"FR_PUBLIC", 30, false, "Code de la commande publique R2192-10"},
};

const char *
terms_known_regimes(void)
{
	return "FR, FR_PERIODIC, EU_B2B, EU_PUBLIC, FR_PUBLIC";
}

int
terms_violations(const Terms *t, const char *regime, char (*msgs)[256], int maxmsgs)
{
	const TermsRegime *r = NULL;
	int			n = 0;

	for (int i = 0; i < lengthof(regimes); i++)
		if (strcmp(regime, regimes[i].name) == 0)
			r = &regimes[i];
	if (r == NULL)
		return -1;

	if (t->max_days > r->max_days &&
		!(r->eom45 && (always_within(t, 'A') || always_within(t, 'B'))))
	{
		if (n < maxmsgs)
			snprintf(msgs[n], 256,
					 r->eom45 ?
					 "payment term of up to %d days exceeds %d days from the invoice date and 45 days end of month (%s)" :
					 "payment term of up to %d days exceeds %d days from the invoice date (%s)",
					 t->max_days, r->max_days, r->source);
		n++;
	}
	if (t->has_discount)
	{
		/* a discount that outlives the due date cannot be earned "early" */
		SweepRange	r[SWEEP_MAX_RANGES];
		int			nr = sweep_ranges(t, r);
		bool		late = false;

		for (int k = 0; k < nr && !late; k++)
			for (int64_t d = r[k].from; d <= r[k].to && !late; d++)
			{
				int64_t		due,
							disc;

				terms_due_date(t, d, &due);
				terms_eval(&t->discount, d, &disc);
				late = (disc > due);
			}
		if (late)
		{
			if (n < maxmsgs)
				snprintf(msgs[n], 256,
						 "the early-payment discount period ends after the due date");
			n++;
		}
	}
	return n < maxmsgs ? n : maxmsgs;
}
