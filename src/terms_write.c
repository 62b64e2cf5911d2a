/*
 * terms_write.c
 *		Payment terms: the canonical text (terms_format) and the French and
 *		English invoice wording (terms_describe).
 */
#include "terms.h"
#include "terms_int.h"
#include "dates.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

int
terms_format_share(int32_t v, char *buf, int len)
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
			terms_format_share(t->lines[i].share, s, sizeof(s));
			buf_add(&b, "%s%% ", s);
		}
		format_formula(&b, &t->lines[i].due);
	}
	if (t->has_discount)
	{
		terms_format_share(t->discount_rate, s, sizeof(s));
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

/* one instalment line, the i-th of t */
static void
describe_line(Buf *b, const Terms *t, int i, TermsLang lang)
{
	const TermsFormula *f = &t->lines[i].due;
	bool		fr = (lang == TERMS_LANG_FR);
	char		s[32];

	if (t->nlines > 1)
	{
		format_share_sep(t->lines[i].share, fr ? ',' : '.', s, sizeof(s));
		if (f->nsteps == 0)
			buf_add(b, fr ? "%s %% \xc3\xa0 r\xc3\xa9" "ception" : "%s%% on receipt", s);
		else
		{
			buf_add(b, fr ? "%s %% \xc3\xa0 " : "%s%% at ", s);
			describe_formula(b, f, lang);
		}
		return;
	}
	if (f->nsteps == 0)
		buf_add(b, fr ? "paiement \xc3\xa0 r\xc3\xa9" "ception" : "due on receipt");
	else
	{
		/* "net 30 days", but "due end of month + 45 days" */
		if (f->steps[0].kind <= TS_ADD_YEARS)
			buf_add(b, fr ? "paiement \xc3\xa0 " : "net ");
		else
			buf_add(b, fr ? "paiement " : "due ");
		describe_formula(b, f, lang);
	}
}

/* the early-payment discount: " with 2% discount if paid within 10 days" */
static void
describe_discount(Buf *b, const Terms *t, TermsLang lang)
{
	bool		fr = (lang == TERMS_LANG_FR);
	bool		plain_days = (t->discount.nsteps == 1 &&
							  t->discount.steps[0].kind == TS_ADD_DAYS &&
							  t->discount.steps[0].n > 0);
	bool		on_day = (t->discount.nsteps > 0 &&
						  t->discount.steps[0].kind == TS_DAY_OF_MONTH);
	char		s[32];

	format_share_sep(t->discount_rate, fr ? ',' : '.', s, sizeof(s));
	if (fr)
	{
		buf_add(b, " avec escompte de %s %% pour paiement ", s);
		if (t->discount.nsteps == 0)
			buf_add(b, "\xc3\xa0 r\xc3\xa9" "ception");
		else
		{
			buf_add(b, plain_days ? "sous " : on_day ? "" : "\xc3\xa0 ");
			describe_formula(b, &t->discount, lang);
		}
	}
	else
	{
		buf_add(b, " with %s%% discount if paid ", s);
		if (t->discount.nsteps == 0)
			buf_add(b, "on receipt");
		else
		{
			buf_add(b, plain_days ? "within " : on_day ? "" : "by ");
			describe_formula(b, &t->discount, lang);
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

	out[0] = '\0';
	for (int i = 0; i < t->nlines; i++)
	{
		if (i > 0)
			buf_add(&b, ", ");
		describe_line(&b, t, i, lang);
	}
	if (t->has_discount)
		describe_discount(&b, t, lang);
	/* never hand out a description cut short */
	return (b.len >= outlen - 1) ? -1 : b.len;
}

