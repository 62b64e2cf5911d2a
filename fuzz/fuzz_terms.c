/*
 * fuzz_terms.c
 *		libFuzzer target for the payment-terms parser (src/terms_parse.c).
 *
 * Besides "never crash", it checks the properties the SQL type relies on:
 * a failure always explains itself; canonical text and both descriptions
 * parse back to the same value (equal binary form and terms_compare() = 0,
 * so text output and dump/restore keep values and their order); the binary
 * form decodes to the same value; max_term_days bounds the due date of an
 * invoice date taken from the input; evaluation at the ends of the range
 * reports instead of overflowing.
 *
 * Some work sweeps invoice dates, as many as the formula's reach in days
 * (src/terms_eval.c, terms_sweep_ranges: up to a whole 400-year cycle, 10-100 ms under
 * ASan), so it runs on a share of the inputs to keep the campaign at
 * thousands of executions a second: terms judged from the text to reach
 * beyond 400 days or to have many steps (text_reach below) are parsed for
 * one heavy input in 64 and round-tripped for one in 256;
 * the legal checks run for one input in 16.  The parser's paths are the
 * same for short and long terms; the long ones' worst case is the unit
 * tests' business (test/unit/test_terms.c, max_days_exact).
 */
#include "fuzz.h"

#include "dates.h"
#include "terms.h"

static void
same_or_die(const Terms *a, const char *text)
{
	Terms		b;
	TermsError	err;
	uint8_t		ea[TERMS_MAX_ENCODED],
				eb[TERMS_MAX_ENCODED];
	int			na,
				nb;

	FUZZ_CHECK(terms_parse(text, &b, &err));	/* our own output must parse */
	na = terms_encode(a, ea, sizeof(ea));
	nb = terms_encode(&b, eb, sizeof(eb));
	FUZZ_CHECK(na == nb && memcmp(ea, eb, na) == 0);	/* ... to the same value */
	FUZZ_CHECK(terms_compare(a, &b) == 0);
}

/*
 * A rough idea of the sweep the text's terms will cost: the days its
 * formula moves a date (every number times the unit its next letter
 * suggests, y/a: years, q/t: quarters, m: months, w/s: weeks, anything
 * else: days), or 2^40 when it has more than 32 runs of letters or of
 * digits (each swept date evaluates every step: 12 lines of 16 steps sweep
 * for seconds under ASan; the longest realistic terms have about 25).
 */
static int64_t
text_reach(const char *s)
{
	int64_t		total = 0;
	int			tokens = 0;

	/* tokens: runs of letters and runs of digits ("d2d2" is four) */
	for (const char *c = s; *c; c++)
	{
		bool		letter = (*c | 0x20) >= 'a' && (*c | 0x20) <= 'z';
		bool		digit = *c >= '0' && *c <= '9';
		bool		prev_letter = c > s && (c[-1] | 0x20) >= 'a' && (c[-1] | 0x20) <= 'z';
		bool		prev_digit = c > s && c[-1] >= '0' && c[-1] <= '9';

		if ((letter && !prev_letter) || (digit && !prev_digit))
			tokens++;
	}
	if (tokens > 32)
		return INT64_C(1) << 40;

	while (*s)
	{
		int64_t		n = 0;
		const char *p;

		if (*s < '0' || *s > '9')
		{
			s++;
			continue;
		}
		while (*s >= '0' && *s <= '9')
		{
			if (n < 1000000)
				n = n * 10 + (*s - '0');
			s++;
		}
		/* the unit is the next letter, whatever separates it ("52'y") */
		for (p = s; *p && !((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') &&
			 !(*p >= '0' && *p <= '9'); p++)
			;
		switch (*p | 0x20)
		{
			case 'y':
			case 'a':
				n *= 366;
				break;
			case 'q':
			case 't':
				n *= 92;
				break;
			case 'm':
				n *= 31;
				break;
			case 'w':
			case 's':
				n *= 7;
				break;
		}
		total += n;
	}
	return total;
}

/* days a formula can move a date (src/terms.c, formula_reach) */
static int64_t
reach(const Terms *t)
{
	static const int64_t per_unit[] = {0, 1, 7, 31, 92, 366, 6, 30, 91, 365, 31};
	int64_t		best = 0;

	for (int i = 0; i < t->nlines; i++)
	{
		int64_t		r = 0;

		for (int j = 0; j < t->lines[i].due.nsteps; j++)
		{
			const TermsStep *s = &t->lines[i].due.steps[j];
			int64_t		n = s->n < 0 ? -(int64_t) s->n : s->n;

			r += s->kind <= TS_ADD_YEARS ? per_unit[s->kind] * n : per_unit[s->kind];
		}
		if (r > best)
			best = r;
	}
	return best;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const regimes[] = {"FR", "FR_PERIODIC", "EU_B2B", "EU_PUBLIC", "FR_PUBLIC", "XX"};
	char		input[TERMS_MAX_INPUT + 64];
	char		text[TERMS_TEXT_BUFSIZE];
	Terms		t,
				back;
	TermsError	err;
	uint8_t		enc[TERMS_MAX_ENCODED];
	int			n;
	int64_t		due;
	uint64_t	h = 1469598103934665603ULL;
	static uint64_t heavy_seen = 0;

	if (size > sizeof(input) - 1)
		size = sizeof(input) - 1;
	memcpy(input, data, size);
	input[size] = '\0';

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	/*
	 * Heavy inputs take the slow path one time in 64, counted rather than
	 * hashed: a hashed choice is the same every time the input runs, so
	 * the corpus fills with the inputs that took it and every pass over
	 * the corpus pays for them again.
	 */
	if (text_reach(input) > 400 && ++heavy_seen % 64 != 0)
		return 0;

	if (!terms_parse(input, &t, &err))
	{
		/* a failure always explains itself */
		FUZZ_CHECK(err.kind != TERMS_OK && strlen(err.detail) > 0);
		FUZZ_CHECK(err.position >= 0 && err.position <= (int) size + 1);
		return 0;
	}

	n = terms_format(&t, text, sizeof(text));
	FUZZ_CHECK(n > 0 && n < (int) sizeof(text));
	FUZZ_CHECK(terms_describe(&t, TERMS_LANG_EN, text, sizeof(text)) > 0);
	FUZZ_CHECK(terms_describe(&t, TERMS_LANG_FR, text, sizeof(text)) > 0);
	if (reach(&t) <= 400 || (heavy_seen / 64) % 4 == 0)
	{
		terms_format(&t, text, sizeof(text));
		same_or_die(&t, text);
		terms_describe(&t, TERMS_LANG_EN, text, sizeof(text));
		same_or_die(&t, text);
		terms_describe(&t, TERMS_LANG_FR, text, sizeof(text));
		same_or_die(&t, text);
	}

	n = terms_encode(&t, enc, sizeof(enc));
	FUZZ_CHECK(n > 0 && terms_decode(enc, n, &back) && terms_compare(&t, &back) == 0);

	/* evaluation near the ends of the range reports, never overflows */
	terms_due_date(&t, 0, &due);
	terms_due_date(&t, ARD_MAX_DATE, &due);
	terms_due_date(&t, ARD_MIN_DATE, &due);

	/* max_term_days is the worst case over every invoice date */
	{
		int64_t		d = ard_from_ymd(1600, 1, 1) + (int64_t) (h % 146097);	/* one 400-year cycle */

		if (terms_due_date(&t, d, &due))
			FUZZ_CHECK(due - d <= t.max_days);
		if (terms_due_date(&t, ard_from_ymd(2024, 2, 29), &due))
			FUZZ_CHECK(due - ard_from_ymd(2024, 2, 29) <= t.max_days);
	}

	if ((h >> 8) % 16 == 0)
	{
		char		msgs[4][256];

		n = terms_violations(&t, regimes[(h >> 32) % 6], msgs, 4);
		FUZZ_CHECK(n >= -1 && n <= 4);
	}
	return 0;
}
