/*
 * terms.c
 *		Payment terms as a value: binary form, comparison and the legal
 *		limits on their length.  The parser is terms_parse.c, due dates
 *		terms_eval.c, the canonical text and wording terms_write.c.
 */
#include "terms.h"
#include "terms_int.h"
#include "dates.h"

#include <stdio.h>
#include <string.h>

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
	int			nr = terms_sweep_ranges(t, r);

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
		int			nr = terms_sweep_ranges(t, r);
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

